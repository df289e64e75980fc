#pragma once
// The audit file itself: appends fsync'ed lines, rotates by size (audit.log -> audit.log.1 ->
// ... -> audit.log.<keep>, the oldest deleted), reads the last records back across the rotated
// files. Thread-safe; blocking (call it from the audit writer or a worker thread).

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eport/common/unique_fd.hpp"

namespace eport::audit {

/// Owns the audit file descriptor.
class AuditFile {
 public:
  /// Opens (creating with mode 0600) `path` for appending. Throws std::runtime_error with a
  /// message saying what to fix when it cannot.
  AuditFile(std::string path, std::uint64_t max_bytes, std::uint32_t keep);
  AuditFile(const AuditFile&) = delete;
  AuditFile& operator=(const AuditFile&) = delete;

  /// Writes `line` (ending in '\n') and fsyncs it; rotates first when the line would take the
  /// file past max_bytes. False when the disk refused it.
  bool append(const std::string& line);
  /// New size cap and number of rotated files (config reload); 0 bytes = never rotate.
  void set_rotation(std::uint64_t max_bytes, std::uint32_t keep);
  /// The last `limit` records, oldest first, from the current and then the rotated files.
  /// Lines that are not JSON are skipped.
  std::vector<nlohmann::json> tail(std::size_t limit) const;
  /// Path of the current file.
  const std::string& path() const { return path_; }

 private:
  bool open_file();
  void rotate();
  std::string rotated(std::uint32_t generation) const;

  std::string path_;
  UniqueFd fd_;  ///< none after a rotation that could not reopen the file
  std::uint64_t size_ = 0;
  std::uint64_t max_bytes_;
  std::uint32_t keep_;
  mutable std::mutex mutex_;
};

}  // namespace eport::audit
