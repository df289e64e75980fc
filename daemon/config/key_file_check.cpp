#include "config/key_file_check.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace eport::config {

std::string key_file_problem(const std::string& path, const std::vector<std::uint32_t>& owners) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0)
    return std::string("cannot be read: ") + std::strerror(errno) + "; create it (mode 0600) or fix the path";
  if (S_ISLNK(st.st_mode))
    return "is a symbolic link; eportd opens the key file with O_NOFOLLOW and refuses it: point "
           "management_key_file at the file itself";
  if (!S_ISREG(st.st_mode)) return "is not a regular file";
  if (std::find(owners.begin(), owners.end(), static_cast<std::uint32_t>(st.st_uid)) == owners.end())
    return "is owned by uid " + std::to_string(st.st_uid) +
           "; it must belong to root or to eportd's user: chown root " + path;
  if ((st.st_mode & 077) != 0)
    return "can be read or written by its group or others (mode " + format_mode(st.st_mode & 07777) +
           "); chmod 600 " + path;
  return {};
}

std::vector<std::uint32_t> key_file_owners() {
  std::vector<std::uint32_t> owners{0, static_cast<std::uint32_t>(::geteuid())};
  struct passwd entry {};
  struct passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwnam_r("eportd", &entry, buffer.data(), buffer.size(), &found) == 0 && found)
    owners.push_back(static_cast<std::uint32_t>(found->pw_uid));
  return owners;
}

std::vector<std::string> key_file_problems(const Config& config) {
  std::vector<std::string> problems;
  const auto owners = key_file_owners();
  for (const auto& driver : config.drivers) {
    const auto it = driver.options.find("management_key_file");
    if (it == driver.options.end() || !it->is_string()) continue;
    const auto path = it->get<std::string>();
    const auto problem = key_file_problem(path, owners);
    if (!problem.empty())
      problems.push_back("driver '" + driver.name + "': management_key_file " + path + " " + problem +
                         ". Until then cert.write needs the management key in each call.");
  }
  return problems;
}

}  // namespace eport::config
