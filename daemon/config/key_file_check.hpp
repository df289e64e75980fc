#pragma once
// The rules for a driver's management-key file (the `management_key_file` option): a regular
// file — not a symbolic link — owned by root or by eportd's own user, with no group or other
// access. The driver enforces them when it reads the key; these checks say so at start-up,
// in diag.report and in `eportd --check-config`, before a certificate write needs the file.

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace eport::config {

/// Why `path` may not serve as a management-key file ("" when it may): missing, a symbolic link,
/// not a regular file, owned by a uid not in `owners`, or readable/writable by group or others.
/// The message says what to do (the chown/chmod), never the file's content.
std::string key_file_problem(const std::string& path, const std::vector<std::uint32_t>& owners);

/// The uids a key file may belong to: root, this process's user, and the `eportd` user.
std::vector<std::uint32_t> key_file_owners();

/// One line per driver whose `management_key_file` option breaks the rules:
/// "driver 'piv': management_key_file /etc/...: <problem>".
std::vector<std::string> key_file_problems(const Config& config);

}  // namespace eport::config
