#pragma once
// A worker thread for short blocking jobs that must not run on the I/O thread (probing pcscd,
// reading the audit file). Card work does not go here: it belongs to each token's worker.
// The queue is bounded: a client that floods daemon.info gets `busy` at once instead of
// growing eportd's memory.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "ipc/reply.hpp"

namespace eport::methods {

/// One thread running posted jobs in order. Joins on destruction after finishing queued jobs.
class BackgroundTasks {
 public:
  /// `capacity`: jobs waiting at most (limits.background_queue_size).
  explicit BackgroundTasks(std::size_t capacity = 64);
  ~BackgroundTasks();
  BackgroundTasks(const BackgroundTasks&) = delete;
  BackgroundTasks& operator=(const BackgroundTasks&) = delete;

  /// Queues `job` unless `capacity` jobs already wait (or shutdown began): then returns false
  /// and `job` is dropped. Exceptions the job throws are logged and swallowed. Thread-safe.
  bool post(std::function<void()> job);
  /// Queues `job`, or answers `reply` with the `busy` reason at once when the queue is full.
  void post_or_busy(const ipc::Reply& reply, std::function<void()> job);
  /// New capacity (config reload); jobs already queued stay.
  void set_capacity(std::size_t capacity);
  /// Jobs waiting (not counting the one running).
  std::size_t queued() const;
  /// Finishes queued jobs and joins the thread; later posts are refused.
  void shutdown();

 private:
  void loop();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::size_t capacity_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace eport::methods
