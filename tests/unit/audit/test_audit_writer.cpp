// The audit log's two entry points, rotation and refusal rate limit, on real files.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "audit/audit_log.hpp"

using namespace eport::audit;
using namespace std::chrono_literals;

namespace {
struct TempDir {
  std::string path;
  TempDir() {
    char pattern[] = "/tmp/eport-audit-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { std::system(("rm -rf " + path).c_str()); }
};

AuditRecord record(std::uint32_t uid, const std::string& method, const std::string& outcome) {
  AuditRecord r;
  r.time = std::chrono::system_clock::now();
  r.uid = uid;
  r.method = method;
  r.outcome = outcome;
  r.reason = outcome == "refused" ? "not_authorized" : "";
  return r;
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// Polls `check` for up to 20 s (the machine may be loaded); true once it held.
template <typename Check>
bool eventually(Check check) {
  for (int i = 0; i < 2000; ++i) {
    if (check()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return check();
}
}  // namespace

TEST_CASE("post() returns at once and calls done after the record is on disk", "[audit][writer]") {
  TempDir dir;
  AuditLog log(dir.path + "/audit.log");
  std::promise<bool> written;
  log.post(record(0, "pin.reset", "ok"), [&](bool ok) {
    // When done runs, the line must already be readable.
    CHECK(lines_of(dir.path + "/audit.log").size() == 1);
    written.set_value(ok);
  });
  auto future = written.get_future();
  REQUIRE(future.wait_for(20s) == std::future_status::ready);
  CHECK(future.get());
}

TEST_CASE("append() is durable and blocking: the line is there when it returns", "[audit][writer]") {
  TempDir dir;
  AuditLog log(dir.path + "/audit.log");
  CHECK(log.append(record(0, "pin.reset", "attempt")));
  CHECK(lines_of(dir.path + "/audit.log").size() == 1);
}

TEST_CASE("a refusal flood of one uid writes one record and one count", "[audit][writer][rate]") {
  TempDir dir;
  AuditPolicy policy;
  policy.refusal_window = 1s;
  AuditLog log(dir.path + "/audit.log", policy);
  std::atomic<int> done{0};
  for (int i = 0; i < 5000; ++i)
    log.post(record(1000, "pin.reset", "refused"), [&](bool ok) {
      if (ok) ++done;
    });
  log.post(record(0, "pin.reset", "ok"));
  REQUIRE(eventually([&] { return done == 5000; }));
  // The summary comes when the window ends, without any further refusal.
  REQUIRE(eventually([&] { return lines_of(dir.path + "/audit.log").size() == 3; }));
  const auto lines = lines_of(dir.path + "/audit.log");
  int repeated = 0;
  for (const auto& line : lines) {
    const auto json = nlohmann::json::parse(line);
    if (json.contains("repeated")) repeated = json["repeated"].get<int>();
  }
  CHECK(repeated == 4999);
}

TEST_CASE("stop() writes the pending refusal counts", "[audit][writer][rate]") {
  TempDir dir;
  {
    AuditLog log(dir.path + "/audit.log");  // 60 s window: nothing expires during the test
    for (int i = 0; i < 10; ++i) log.post(record(1000, "cert.write", "refused"));
    log.stop();
    CHECK(log.append(record(0, "after", "ok")));  // the durable path outlives the writer
  }
  const auto lines = lines_of(dir.path + "/audit.log");
  REQUIRE(lines.size() == 3);
  CHECK(nlohmann::json::parse(lines[1])["repeated"] == 9);
}

TEST_CASE("the log rotates at max_bytes, keeps `keep` files, and tail reads across them",
          "[audit][rotation]") {
  TempDir dir;
  const std::string path = dir.path + "/audit.log";
  AuditPolicy policy;
  policy.max_bytes = 1000;
  policy.keep = 2;
  AuditLog log(path, policy);
  for (int i = 0; i < 60; ++i) REQUIRE(log.append(record(static_cast<std::uint32_t>(i), "m", "ok")));
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK(info.st_size <= 1000);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(::access((path + ".1").c_str(), F_OK) == 0);
  CHECK(::access((path + ".2").c_str(), F_OK) == 0);
  CHECK(::access((path + ".3").c_str(), F_OK) != 0);
  const auto current = lines_of(path).size();
  const auto records = log.tail(current + 3);  // reaches into audit.log.1
  REQUIRE(records.size() == current + 3);
  for (std::size_t i = 0; i < records.size(); ++i)
    CHECK(records[i]["uid"] == 60 - records.size() + i);  // oldest first, none missing
}

TEST_CASE("keep 0 starts a fresh file instead of keeping old ones", "[audit][rotation]") {
  TempDir dir;
  const std::string path = dir.path + "/audit.log";
  AuditPolicy policy;
  policy.max_bytes = 500;
  policy.keep = 0;
  AuditLog log(path, policy);
  for (int i = 0; i < 20; ++i) REQUIRE(log.append(record(1, "m", "ok")));
  CHECK(::access((path + ".1").c_str(), F_OK) != 0);
  CHECK_FALSE(lines_of(path).empty());
}
