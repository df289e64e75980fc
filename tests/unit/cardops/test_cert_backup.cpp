#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "cardops/cert_backup.hpp"

TEST_CASE("a backup holds the old DER, is private, and never overwrites an earlier one",
          "[cardops][backup]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("eport-backup-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::vector<std::uint8_t> der{0x30, 0x03, 0x02, 0x01, 0x05};
  std::string error;
  auto first = eport::cardops::write_backup(dir.string(), "piv:0001e240", "9a", der, 1764180000, error);
  REQUIRE(first);
  auto second = eport::cardops::write_backup(dir.string(), "piv:0001e240", "9a", der, 1764180000, error);
  REQUIRE(second);
  CHECK(*first != *second);
  CHECK(fs::path(*first).parent_path() == dir / "backups" / "piv:0001e240" / "9a");
  std::ifstream in(*first, std::ios::binary);
  std::vector<std::uint8_t> back((std::istreambuf_iterator<char>(in)), {});
  CHECK(back == der);
  struct stat st {};
  REQUIRE(::stat(first->c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  fs::remove_all(dir);
}

TEST_CASE("a token id cannot climb out of the backup directory", "[cardops][backup]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("eport-backup2-" + std::to_string(::getpid()));
  std::string error;
  auto path = eport::cardops::write_backup(dir.string(), "../../etc", "9a", {0x30, 0x00}, 0, error);
  REQUIRE(path);
  CHECK(fs::path(*path).string().rfind((dir / "backups").string(), 0) == 0);
  CHECK(path->find("..") == std::string::npos);
  fs::remove_all(dir);
}
