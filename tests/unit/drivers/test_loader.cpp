// Loader behaviour: every failure mode of tests/fixtures/plugins, rollback, the directory rule
// and check-only mode.
#include <catch2/catch.hpp>

#include "drivers/loader.hpp"
#include "test_support.hpp"

using namespace eport::drivers;
using eport::drivers::test::CapturedLog;
using eport::drivers::test::fixture_dir;
using eport::drivers::test::fixture_path;
using eport::drivers::test::is_loaded;
using eport::drivers::test::outside_dir;
using eport::drivers::test::TempDir;

namespace {

LoadResult load_one(const std::string& name, LoadMode mode = LoadMode::Full, nlohmann::json options = nullptr,
                    const CapturedLog* log = nullptr) {
  CapturedLog local;
  return load_drivers(fixture_dir(), {{name, std::move(options)}}, mode,
                      (log != nullptr ? log : &local)->logger());
}

// Loads a fixture that must fail; returns its reason and checks nothing stayed loaded.
std::string failure_of(const std::string& name) {
  LoadResult result = load_one(name);
  REQUIRE(result.drivers.empty());
  REQUIRE(result.failures.size() == 1);
  CHECK(result.failures[0].name == name);
  CHECK_FALSE(is_loaded(fixture_path(name)));
  return result.failures[0].reason;
}

}  // namespace

TEST_CASE("a good card driver loads with its facts", "[drivers][loader]") {
  LoadResult result = load_one("good");
  REQUIRE(result.failures.empty());
  REQUIRE(result.drivers.size() == 1);
  const DriverInfo& info = result.drivers[0]->info();
  CHECK(info.name == "good");
  CHECK(info.version == "0.0.1");
  CHECK(info.abi == std::to_string(EPORT_DRIVER_ABI_MAJOR) + "." + std::to_string(EPORT_DRIVER_ABI_MINOR));
  CHECK(info.kind == "card");
  CHECK(info.library == fixture_path("good"));
  CHECK(info.capabilities == std::vector<std::string>{"match", "identify", "pin_status", "pin_reset",
                                                      "pin_change", "cert_list", "cert_read", "cert_write"});
  CHECK(is_loaded(info.library));
}

TEST_CASE("destroying the last driver shuts it down and unloads the library", "[drivers][loader]") {
  CapturedLog log;
  LoadResult result = load_one("good", LoadMode::Full, nullptr, &log);
  REQUIRE(result.drivers.size() == 1);
  CHECK_FALSE(log.contains("[driver good] shutdown"));
  result.drivers.clear();
  CHECK(log.contains("[driver good] shutdown"));
  CHECK_FALSE(is_loaded(fixture_path("good")));
}

TEST_CASE("the plug-in receives its options as JSON during init", "[drivers][loader]") {
  CapturedLog log;
  LoadResult result = load_one("good", LoadMode::Full, {{"label", "Front desk"}}, &log);
  REQUIRE(result.drivers.size() == 1);
  CHECK(log.contains("[driver good] init with label \"Front desk\""));
}

TEST_CASE("options that are not a mapping are refused before loading", "[drivers][loader]") {
  LoadResult result = load_one("good", LoadMode::Full, nlohmann::json::array({1, 2}));
  REQUIRE(result.failures.size() == 1);
  CHECK_THAT(result.failures[0].reason, Catch::Contains("must be a mapping"));
  CHECK_FALSE(is_loaded(fixture_path("good")));
}

TEST_CASE("check-only mode runs init and leaves nothing loaded", "[drivers][loader]") {
  CapturedLog log;
  LoadResult result = load_one("good", LoadMode::CheckOnly, nullptr, &log);
  CHECK(result.failures.empty());
  CHECK(result.drivers.empty());
  REQUIRE(result.checked.size() == 1);
  CHECK(result.checked[0].name == "good");
  CHECK(log.contains("init with label"));
  CHECK(log.contains("[driver good] shutdown"));
  CHECK_FALSE(is_loaded(fixture_path("good")));
}

TEST_CASE("check-only mode reports the same failures as a full load", "[drivers][loader]") {
  LoadResult result = load_drivers(fixture_dir(), {{"good", {}}, {"init-fails", {}}}, LoadMode::CheckOnly,
                                   CapturedLog().logger());
  CHECK(result.checked.size() == 1);
  REQUIRE(result.failures.size() == 1);
  CHECK(result.failures[0].name == "init-fails");
}

TEST_CASE("a library without the entry symbol is refused and unloaded", "[drivers][loader]") {
  CHECK_THAT(failure_of("no-entry"), Catch::Contains("does not export eport_driver_entry"));
}

TEST_CASE("a plug-in for another ABI major is refused and unloaded", "[drivers][loader]") {
  const std::string reason = failure_of("wrong-major");
  CHECK_THAT(reason, Catch::Contains("built for driver ABI 2.0"));
  CHECK_THAT(reason, Catch::Contains("ABI major 1"));
}

TEST_CASE("a newer minor with a larger table loads and its extra parts are ignored", "[drivers][loader]") {
  LoadResult result = load_one("newer-minor");
  REQUIRE(result.failures.empty());
  REQUIRE(result.drivers.size() == 1);
  CHECK(result.drivers[0]->info().abi == "1.9");
  CHECK(result.drivers[0]->info().capabilities == std::vector<std::string>{"match"});
  CHECK(result.drivers[0]->info().capability_bits == EPORT_CAP_MATCH);
}

TEST_CASE("a failing init is reported with the plug-in's own log line and rolled back", "[drivers][loader]") {
  CapturedLog log;
  LoadResult result = load_one("init-fails", LoadMode::Full, nullptr, &log);
  REQUIRE(result.failures.size() == 1);
  CHECK_THAT(result.failures[0].reason, Catch::Contains("init failed"));
  CHECK_THAT(result.failures[0].reason, Catch::Contains("bad_args") || Catch::Contains("invalid arguments"));
  CHECK(log.contains("[driver init-fails] option \"reader\" is not valid"));
  CHECK_FALSE(is_loaded(fixture_path("init-fails")));
}

TEST_CASE("a capability bit without its function is refused and unloaded", "[drivers][loader]") {
  CHECK_THAT(failure_of("cap-without-function"),
             Catch::Contains("capability \"pin_reset\" is set but its function is NULL"));
}

TEST_CASE("one failing driver does not stop the others", "[drivers][loader]") {
  LoadResult result = load_drivers(fixture_dir(), {{"wrong-major", {}}, {"good", {}}, {"no-entry", {}}},
                                   LoadMode::Full, CapturedLog().logger());
  REQUIRE(result.drivers.size() == 1);
  CHECK(result.drivers[0]->info().name == "good");
  CHECK(result.failures.size() == 2);
}

TEST_CASE("a driver listed twice loads once", "[drivers][loader]") {
  LoadResult result =
      load_drivers(fixture_dir(), {{"good", {}}, {"good", {}}}, LoadMode::Full, CapturedLog().logger());
  CHECK(result.drivers.size() == 1);
  REQUIRE(result.failures.size() == 1);
  CHECK_THAT(result.failures[0].reason, Catch::Contains("listed twice"));
}

TEST_CASE("a missing plug-in names the file it looked for", "[drivers][loader]") {
  LoadResult result = load_one("absent");
  REQUIRE(result.failures.size() == 1);
  CHECK_THAT(result.failures[0].reason, Catch::Contains("eport-absent.so not found"));
}

TEST_CASE("driver names with '/' or '..' are refused without touching the file system",
          "[drivers][loader][directory]") {
  for (const std::string name :
       {"../outside/eport-outside", "../outside", "sub/good", "..", "/tmp/good", "a..b", ""}) {
    LoadResult result = load_drivers(fixture_dir(), {{name, {}}}, LoadMode::Full, CapturedLog().logger());
    INFO(name);
    CHECK(result.drivers.empty());
    REQUIRE(result.failures.size() == 1);
  }
  CHECK_FALSE(is_loaded(std::filesystem::canonical(outside_dir() / "eport-outside.so")));
}

TEST_CASE("a symlink to a library outside the plug-in directory is never loaded",
          "[drivers][loader][directory]") {
  TempDir dir;
  const auto outside = std::filesystem::canonical(outside_dir() / "eport-outside.so");
  std::filesystem::create_symlink(outside, dir.path() / "eport-outside.so");
  LoadResult result = load_drivers(dir.path(), {{"outside", {}}}, LoadMode::Full, CapturedLog().logger());
  CHECK(result.drivers.empty());
  REQUIRE(result.failures.size() == 1);
  CHECK_THAT(result.failures[0].reason, Catch::Contains("outside the plug-in directory"));
  CHECK_FALSE(is_loaded(outside.string()));
}

TEST_CASE("a symlink inside the plug-in directory is followed", "[drivers][loader][directory]") {
  TempDir dir;
  std::filesystem::copy_file(fixture_path("good"), dir.path() / "eport-good.so.1");
  std::filesystem::create_symlink("eport-good.so.1", dir.path() / "eport-good.so");
  LoadResult result = load_drivers(dir.path(), {{"good", {}}}, LoadMode::Full, CapturedLog().logger());
  REQUIRE(result.drivers.size() == 1);
  CHECK(result.drivers[0]->info().library ==
        std::filesystem::canonical(dir.path() / "eport-good.so.1").string());
}

TEST_CASE("a plug-in whose table names another driver is refused", "[drivers][loader]") {
  TempDir dir;
  std::filesystem::copy_file(fixture_path("good"), dir.path() / "eport-alias.so");
  LoadResult result = load_drivers(dir.path(), {{"alias", {}}}, LoadMode::Full, CapturedLog().logger());
  REQUIRE(result.failures.size() == 1);
  CHECK_THAT(result.failures[0].reason, Catch::Contains("calls itself \"good\""));
  CHECK_FALSE(is_loaded((dir.path() / "eport-alias.so").string()));
}

TEST_CASE("a missing plug-in directory is reported", "[drivers][loader][directory]") {
  LoadResult result =
      load_drivers("/nonexistent/eport-plugins", {{"good", {}}}, LoadMode::Full, CapturedLog().logger());
  REQUIRE(result.failures.size() == 1);
  CHECK_THAT(result.failures[0].reason, Catch::Contains("set plugin_dir"));
}

TEST_CASE("a plug-in or plug-in directory writable by everyone is refused", "[drivers][loader][directory]") {
  using std::filesystem::perms;
  TempDir dir;
  const auto copy = dir.path() / "eport-good.so";
  std::filesystem::copy_file(fixture_path("good"), copy);
  std::filesystem::permissions(copy, perms::others_write, std::filesystem::perm_options::add);
  LoadResult result = load_drivers(dir.path(), {{"good", {}}}, LoadMode::Full, CapturedLog().logger());
  REQUIRE(result.failures.size() == 1);
  CHECK_THAT(result.failures[0].reason, Catch::Contains("writable by everyone"));

  std::filesystem::permissions(copy, perms::others_write, std::filesystem::perm_options::remove);
  std::filesystem::permissions(dir.path(), perms::others_write, std::filesystem::perm_options::add);
  result = load_drivers(dir.path(), {{"good", {}}}, LoadMode::Full, CapturedLog().logger());
  REQUIRE(result.failures.size() == 1);
  CHECK_THAT(result.failures[0].reason, Catch::Contains("directory is writable by everyone"));

  std::filesystem::permissions(dir.path(), perms::others_write, std::filesystem::perm_options::remove);
  result = load_drivers(dir.path(), {{"good", {}}}, LoadMode::Full, CapturedLog().logger());
  CHECK(result.drivers.size() == 1);
}
