#pragma once
// Backups of certificates before they are overwritten: state_dir/backups/<token>/<slot>/<time>.der,
// mode 0600, fsync'ed before the card is touched.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace eport::cardops {

/// Writes `der` to a new backup file and returns its path, or nullopt with `error` set.
/// `unix_time` names the file (UTC, "20261126T180000Z"; a counter is added on collision).
std::optional<std::string> write_backup(const std::string& state_dir, const std::string& token,
                                        const std::string& slot, const std::vector<std::uint8_t>& der,
                                        std::int64_t unix_time, std::string& error);

}  // namespace eport::cardops
