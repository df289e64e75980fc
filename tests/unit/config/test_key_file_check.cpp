#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "config/key_file_check.hpp"

using namespace eport::config;

namespace {
struct TempDir {
  std::string path;
  TempDir() {
    char pattern[] = "/tmp/eport-key-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    path = pattern;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string file(const std::string& name, mode_t mode) const {
    const std::string p = path + "/" + name;
    std::ofstream(p) << "010203040506070801020304050607080102030405060708\n";
    ::chmod(p.c_str(), mode);
    return p;
  }
};
const std::vector<std::uint32_t> kOwners{0, static_cast<std::uint32_t>(::geteuid())};
}  // namespace

TEST_CASE("a private regular key file is fine", "[config][keyfile]") {
  TempDir dir;
  CHECK(key_file_problem(dir.file("k", 0600), kOwners).empty());
  CHECK(key_file_problem(dir.file("r", 0400), kOwners).empty());
}

TEST_CASE("group or other access, another owner, a link or a directory are refused with the fix",
          "[config][keyfile]") {
  TempDir dir;
  const auto loose = dir.file("loose", 0640);
  CHECK_THAT(key_file_problem(loose, kOwners), Catch::Contains("chmod 600 " + loose));
  const auto mine = dir.file("mine", 0600);
  CHECK_THAT(key_file_problem(mine, {12345}), Catch::Contains("chown root"));
  const auto link = dir.path + "/link";
  REQUIRE(::symlink(mine.c_str(), link.c_str()) == 0);
  CHECK_THAT(key_file_problem(link, kOwners), Catch::Contains("symbolic link"));
  CHECK_THAT(key_file_problem(dir.path, kOwners), Catch::Contains("not a regular file"));
  CHECK_THAT(key_file_problem(dir.path + "/missing", kOwners), Catch::Contains("cannot be read"));
}

TEST_CASE("only drivers with a management_key_file are checked, each named", "[config][keyfile]") {
  TempDir dir;
  Config config;
  config.drivers.push_back({"piv", {{"management_key_file", dir.file("k", 0644)}}, 3});
  config.drivers.push_back({"other", nlohmann::json::object(), 4});
  const auto problems = key_file_problems(config);
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::StartsWith("driver 'piv': management_key_file "));
}
