#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "audit/audit_log.hpp"

using namespace eport::audit;

namespace {
struct TempDir {
  std::string path;
  TempDir() {
    char pattern[] = "/tmp/eport-audit-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { std::system(("rm -rf " + path).c_str()); }
};

AuditRecord sample(const std::string& method, const std::string& outcome) {
  AuditRecord r;
  r.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1798761600123));
  r.uid = 1000;
  r.gid = 1000;
  r.pid = 4242;
  r.process = "eportctl";
  r.method = method;
  r.token = "piv:0001e240";
  r.outcome = outcome;
  r.reason = outcome == "ok" ? "" : "wrong_puk";
  return r;
}
}  // namespace

TEST_CASE("an audit record has exactly the who/what/outcome fields", "[audit]") {
  const auto json = to_json(sample("pin.reset", "error"));
  CHECK(json["time"] == "2027-01-01T00:00:00.123Z");
  CHECK(json["uid"] == 1000);
  CHECK(json["pid"] == 4242);
  CHECK(json["process"] == "eportctl");
  CHECK(json["method"] == "pin.reset");
  CHECK(json["token"] == "piv:0001e240");
  CHECK(json["outcome"] == "error");
  CHECK(json["reason"] == "wrong_puk");
  // No room for params: nothing besides these keys can be written.
  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"gid", "method", "outcome", "pid", "process", "reason", "time",
                                         "token", "uid"});
}

TEST_CASE("the audit file is created 0600, one JSON line per record", "[audit]") {
  TempDir dir;
  const std::string path = dir.path + "/audit.log";
  {
    AuditLog log(path);
    CHECK(log.append(sample("pin.reset", "ok")));
    CHECK(log.append(sample("cert.write", "refused")));
  }
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  std::ifstream in(path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    CHECK(nlohmann::json::parse(line).is_object());
    ++lines;
  }
  CHECK(lines == 2);
}

TEST_CASE("an existing audit file with a wide mode is narrowed to 0600", "[audit]") {
  TempDir dir;
  const std::string path = dir.path + "/audit.log";
  std::ofstream(path) << "";
  ::chmod(path.c_str(), 0644);
  AuditLog log(path);
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("tail returns the last records, oldest first", "[audit]") {
  TempDir dir;
  AuditLog log(dir.path + "/audit.log");
  for (int i = 0; i < 10; ++i) log.append(sample("m" + std::to_string(i), "ok"));
  const auto last = log.tail(3);
  REQUIRE(last.size() == 3);
  CHECK(last[0]["method"] == "m7");
  CHECK(last[2]["method"] == "m9");
  CHECK(log.tail(100).size() == 10);
}

TEST_CASE("an audit log in a missing directory fails with advice", "[audit]") {
  CHECK_THROWS_WITH(AuditLog("/nonexistent-dir/audit.log"), Catch::Contains("state_dir"));
}

TEST_CASE("tail finds the last records of a log larger than one read block", "[audit]") {
  TempDir dir;
  {
    // Written without fsync: 600 records (> 64 KiB) in a blink.
    std::ofstream out(dir.path + "/audit.log");
    for (int i = 0; i < 600; ++i) out << to_json(sample("m" + std::to_string(i), "ok")).dump() << "\n";
  }
  AuditLog log(dir.path + "/audit.log");
  const auto last = log.tail(2);
  REQUIRE(last.size() == 2);
  CHECK(last[0]["method"] == "m598");
  CHECK(last[1]["method"] == "m599");
  CHECK(log.tail(500).front()["method"] == "m100");
}
