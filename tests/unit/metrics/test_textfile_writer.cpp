#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "metrics/atomic_file.hpp"
#include "metrics/textfile_writer.hpp"

using namespace eport::metrics;
namespace fs = std::filesystem;

namespace {

/// A fresh directory under the temp dir, removed at the end.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "eport-metrics-XXXXXX").string();
    path = ::mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Waits (generously: the machine is loaded) until `done` holds.
template <class Done>
bool eventually(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

}  // namespace

TEST_CASE("a file is replaced whole, with its mode, and no temporary file stays", "[metrics][textfile]") {
  TempDir dir;
  const auto path = (dir.path / "eportd.prom").string();
  CHECK(replace_file(path, "one\n", 0644) == "");
  CHECK(replace_file(path, "two\n", 0644) == "");
  CHECK(read(path) == "two\n");
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0644);
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(dir.path)) entries += entry.path().filename() != "" ? 1 : 0;
  CHECK(entries == 1);
}

TEST_CASE("a directory that cannot be written gives a message and leaves nothing", "[metrics][textfile]") {
  TempDir dir;
  const auto error = replace_file((dir.path / "missing" / "eportd.prom").string(), "x\n", 0644);
  CHECK(error.find("cannot create a temporary file in") != std::string::npos);
  CHECK(error.find("No such file or directory") != std::string::npos);
}

TEST_CASE("the writer writes at start, after a change, and says up 0 at stop", "[metrics][textfile]") {
  TempDir dir;
  const auto path = dir.path / "eportd.prom";
  MetricsModel model("0.1.0", 0);
  TextfileWriter writer(model, {path.string(), std::chrono::seconds(0), std::chrono::milliseconds(10)});
  model.set_listener([&] { writer.changed(); });
  writer.start();
  REQUIRE(eventually([&] { return read(path).find("eportd_up 1\n") != std::string::npos; }));
  model.token_added("piv:1", "piv", "smartcard");
  REQUIRE(eventually([&] { return read(path).find("token=\"piv:1\"") != std::string::npos; }));
  CHECK(eventually([&] { return writer.status()["writes"].get<int>() >= 2; }));
  CHECK(writer.status()["error"].is_null());
  writer.stop();
  const auto last = read(path);
  CHECK(last.find("eportd_up 0\n") != std::string::npos);
  CHECK(last.find("piv:1") == std::string::npos);
}

TEST_CASE("a burst of changes gives far fewer writes than changes", "[metrics][textfile]") {
  TempDir dir;
  const auto path = dir.path / "eportd.prom";
  MetricsModel model("0.1.0", 0);
  // A long settle time makes the coalescing visible without depending on the machine's speed.
  TextfileWriter writer(model, {path.string(), std::chrono::seconds(0), std::chrono::milliseconds(500)});
  model.set_listener([&] { writer.changed(); });
  writer.start();
  REQUIRE(eventually([&] { return writer.status()["writes"].get<int>() == 1; }));
  for (int i = 0; i < 200; ++i) model.reader_added("reader " + std::to_string(i));
  REQUIRE(eventually([&] { return read(path).find("eportd_readers_present 200\n") != std::string::npos; }));
  CHECK(writer.status()["writes"].get<int>() <= 4);
  writer.stop();
}

TEST_CASE("counters alone wait for the next write", "[metrics][textfile]") {
  TempDir dir;
  const auto path = dir.path / "eportd.prom";
  MetricsModel model("0.1.0", 0);
  TextfileWriter writer(model, {path.string(), std::chrono::seconds(0), std::chrono::milliseconds(10)});
  model.set_listener([&] { writer.changed(); });
  writer.start();
  REQUIRE(eventually([&] { return writer.status()["writes"].get<int>() == 1; }));
  model.count_call("token.status", "ok");
  model.token_added("piv:1", "piv", "smartcard");  // the next write carries the counter too
  REQUIRE(eventually([&] { return read(path).find("token=\"piv:1\"") != std::string::npos; }));
  CHECK(read(path).find("eportd_method_calls_total{method=\"token.status\",reason=\"ok\"} 1\n") !=
        std::string::npos);
  writer.stop();
}

TEST_CASE("a refresh interval rewrites the file while nothing changes", "[metrics][textfile]") {
  TempDir dir;
  const auto path = dir.path / "eportd.prom";
  MetricsModel model("0.1.0", 0);
  TextfileWriter writer(model, {path.string(), std::chrono::seconds(1), std::chrono::milliseconds(10)});
  writer.start();
  REQUIRE(eventually([&] { return writer.status()["writes"].get<int>() >= 3; }));
  writer.stop();
}

TEST_CASE("a write that fails is reported in the status", "[metrics][textfile]") {
  TempDir dir;
  MetricsModel model("0.1.0", 0);
  TextfileWriter writer(model, {(dir.path / "gone" / "eportd.prom").string(), std::chrono::seconds(0),
                                std::chrono::milliseconds(10)});
  writer.start();
  REQUIRE(eventually([&] { return writer.status()["error"].is_string(); }));
  CHECK(writer.status()["writes"] == 0);
  CHECK(writer.status()["last_write"].is_null());
  writer.stop();
}
