#pragma once
// The append-only audit log: one JSON object per line, file mode 0600, rotated by size.
//
// Two ways in:
// - append(): BLOCKING and durable. Returns only after the record is written and fsync'ed (true)
//   or could not be (false). For worker threads that must fail closed: e.g. the card worker
//   writes its "attempt" record this way before the first APDU of a privileged call, and sends
//   no APDU when it returns false. Never call it on the I/O thread.
// - post(): NON-BLOCKING. Queues the record for the audit writer thread and returns at once;
//   `done(written)` is called on the writer thread after the fsync (so a caller can hold the
//   answer until its record is on disk without blocking the I/O thread). Refusals
//   (outcome "refused") are rate-limited per uid and method here: within
//   audit.refusal_window_s of a written refusal, further ones of the same uid and method are counted, not
//   written, and one summary record with `repeated: N` follows when the window ends; `done(true)` is called
//   at once for a counted one. When the queue is full, `done(false)` is called at once.
// A slow disk or fsync therefore never stalls the I/O thread, other clients or the watchdog.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/audit_file.hpp"
#include "audit/audit_record.hpp"
#include "audit/refusal_limiter.hpp"

namespace eport::audit {

/// Size cap, rotation and rate limit (audit.* in the configuration).
struct AuditPolicy {
  std::uint64_t max_bytes = 10 * 1024 * 1024;  ///< rotate audit.log before it passes this; 0 = never
  std::uint32_t keep = 5;                      ///< rotated files kept (audit.log.1 ... .keep)
  std::chrono::seconds refusal_window{
      60};                            ///< refusals of one uid and method counted, not written, this long
  std::size_t queue_capacity = 1024;  ///< records waiting for the writer thread
};

/// Owns the audit file and its writer thread. Thread-safe.
class AuditLog {
 public:
  /// Called once per posted record: true when it is on disk (or was counted by the rate limit).
  using Done = std::function<void(bool written)>;

  /// Opens (creating with mode 0600) `path` and starts the writer thread. Throws
  /// std::runtime_error with a message saying what to fix when the file cannot be opened.
  explicit AuditLog(std::string path, AuditPolicy policy = {});
  /// stop().
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  /// Blocking durable append (see above): true once written and fsync'ed. Not rate-limited.
  bool append(const AuditRecord& record);
  /// Non-blocking append through the writer thread (see above).
  void post(AuditRecord record, Done done = nullptr);
  /// Writes what is queued and the pending refusal counts, then ends the writer thread; later
  /// posts are written synchronously. Call before the parts that `done` callbacks reach go away.
  void stop();

  /// New size cap, rotation and rate limit (config reload).
  void set_policy(const AuditPolicy& policy);
  /// The last `limit` records, oldest first, across rotated files. Lines that are not JSON are
  /// skipped.
  std::vector<nlohmann::json> tail(std::size_t limit) const;
  /// Path of the log file.
  const std::string& path() const { return file_.path(); }

 private:
  struct Queued {
    AuditRecord record;
    Done done;
  };
  void run();
  void write(const AuditRecord& record, const Done& done);

  AuditFile file_;
  std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  std::deque<Queued> queue_;
  RefusalLimiter refusals_;
  std::size_t queue_capacity_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace eport::audit
