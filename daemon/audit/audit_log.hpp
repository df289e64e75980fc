#pragma once
// The append-only audit log: one JSON object per line, each line fsync'ed before the call
// that caused it is answered, file mode 0600.

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/audit_record.hpp"

namespace eport::audit {

/// Owns the audit file descriptor. Thread-safe.
class AuditLog {
 public:
  /// Opens (creating with mode 0600) `path` for appending. Throws std::runtime_error with a
  /// message saying what to fix when it cannot.
  explicit AuditLog(std::string path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  /// Appends and fsyncs one record; false (and logged) when the disk refused it.
  bool append(const AuditRecord& record);

  /// The last `limit` records, oldest first. Lines that are not JSON are skipped.
  std::vector<nlohmann::json> tail(std::size_t limit) const;

  /// Path of the log file.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  mutable std::mutex mutex_;
};

}  // namespace eport::audit
