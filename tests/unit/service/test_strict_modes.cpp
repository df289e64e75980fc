#include "service/strict_modes.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using eport::service::PathFacts;
using eport::service::PathRole;
using eport::service::strict_mode_problem;
using eport::service::StrictModesPolicy;

namespace {

const StrictModesPolicy as_eportd{/*daemon_uid=*/990};

PathFacts facts(PathRole role, uid_t owner, mode_t mode) {
  return PathFacts{"/etc/eportd/eportd.yaml", role, owner, mode};
}

}  // namespace

TEST_CASE("a root-owned config that only root can write is accepted", "[service][strict]") {
  CHECK_FALSE(strict_mode_problem(facts(PathRole::file, 0, S_IFREG | 0644), as_eportd));
  CHECK_FALSE(strict_mode_problem(facts(PathRole::file, 0, S_IFREG | 0600), as_eportd));
}

TEST_CASE("a config owned by the daemon's own user is accepted", "[service][strict]") {
  CHECK_FALSE(strict_mode_problem(facts(PathRole::file, 990, S_IFREG | 0640), as_eportd));
}

TEST_CASE("a world-writable config is refused with the chmod fix", "[service][strict]") {
  const auto problem = strict_mode_problem(facts(PathRole::file, 0, S_IFREG | 0666), as_eportd);
  REQUIRE(problem);
  CHECK_THAT(*problem, Catch::Contains("/etc/eportd/eportd.yaml is writable by its group and all users"));
  CHECK_THAT(*problem, Catch::Contains("mode 0666"));
  CHECK_THAT(*problem, Catch::Contains("fix: chmod go-w /etc/eportd/eportd.yaml"));
}

TEST_CASE("a group-writable plug-in directory is refused", "[service][strict]") {
  const auto problem = strict_mode_problem(facts(PathRole::directory, 0, S_IFDIR | 0775), as_eportd);
  REQUIRE(problem);
  CHECK_THAT(*problem, Catch::Contains("writable by its group"));
}

TEST_CASE("a file owned by another user is refused with the chown fix", "[service][strict]") {
  const auto problem = strict_mode_problem(facts(PathRole::file, 1000, S_IFREG | 0644), as_eportd);
  REQUIRE(problem);
  CHECK_THAT(*problem, Catch::Contains("is owned by"));
  CHECK_THAT(*problem, Catch::Contains("uid 1000"));
  CHECK_THAT(*problem, Catch::Contains("fix: chown root:root"));
}

TEST_CASE("a root-owned sticky directory above the config is accepted, not the config itself",
          "[service][strict]") {
  CHECK_FALSE(strict_mode_problem(facts(PathRole::ancestor, 0, S_IFDIR | 01777), as_eportd));
  CHECK(strict_mode_problem(facts(PathRole::ancestor, 1000, S_IFDIR | 01777), as_eportd));
  CHECK(strict_mode_problem(facts(PathRole::ancestor, 0, S_IFDIR | 0777), as_eportd));
  CHECK(strict_mode_problem(facts(PathRole::directory, 0, S_IFDIR | 01777), as_eportd));
}

TEST_CASE("check_strict_modes finds a writable plug-in file on disk", "[service][strict]") {
  char dir_template[] = "/tmp/eport-strict-XXXXXX";
  REQUIRE(mkdtemp(dir_template) != nullptr);
  const std::filesystem::path dir = dir_template;
  const auto config = dir / "eportd.yaml";
  const auto plugins = dir / "plugins";
  std::filesystem::create_directory(plugins);
  std::ofstream(config) << "log_level: info\n";
  std::ofstream(plugins / "eport-piv.so") << "not really a plug-in\n";
  chmod(config.c_str(), 0644);
  chmod(plugins.c_str(), 0755);
  chmod((plugins / "eport-piv.so").c_str(), 0644);
  const StrictModesPolicy me{geteuid()};

  CHECK(eport::service::check_strict_modes(config, plugins, me).empty());

  chmod((plugins / "eport-piv.so").c_str(), 0666);
  const auto problems = eport::service::check_strict_modes(config, plugins, me);
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::Contains("eport-piv.so"));
  CHECK_THAT(problems[0], Catch::Contains("chmod go-w"));
  CHECK_THROWS_AS(eport::service::enforce_strict_modes(config, plugins), eport::service::StrictModesError);

  std::filesystem::remove_all(dir);
}

TEST_CASE("paths that do not exist are left to the loaders to report", "[service][strict]") {
  const StrictModesPolicy me{geteuid()};
  CHECK(eport::service::check_strict_modes("/nonexistent/eportd.yaml", "/nonexistent/plugins", me).empty());
}
