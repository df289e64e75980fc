#pragma once
// Where the management key for a write comes from: the caller, or the file the options name
// (read at call time so that a rotated key needs no restart; never logged, wiped after use).

#include <cstddef>
#include <cstdint>
#include <string>

#include "bytes.hpp"

namespace eport::piv {

/// The key given with the call when `len` > 0, else the hex key in `key_file`. Throws PivError
/// MGMT_KEY_REQUIRED when neither is there or the file cannot be read or is not hex; the message
/// names the file but never its content.
SecureBytes resolve_management_key(const uint8_t* key, size_t len, const std::string& key_file);

/// Read a hex management key from `path` into `out`; false with `error` set on failure. The file
/// must be a regular file (opened with O_NOFOLLOW: never a symbolic link), owned by root or by
/// this process's user, with no group or other access; otherwise it is not read and `error`
/// says why and what to do.
bool read_key_file(const std::string& path, SecureBytes& out, std::string& error);

/// The ownership and mode rules above for an open file; false with `error` set when broken.
bool key_file_usable(int fd, const std::string& path, std::string& error);

}  // namespace eport::piv
