#pragma once
// A worker thread for short blocking jobs that must not run on the I/O thread (probing pcscd,
// reading the audit file). Card work does not go here: it belongs to each token's worker.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace eport::methods {

/// One thread running posted jobs in order. Joins on destruction after finishing queued jobs.
class BackgroundTasks {
 public:
  BackgroundTasks();
  ~BackgroundTasks();
  BackgroundTasks(const BackgroundTasks&) = delete;
  BackgroundTasks& operator=(const BackgroundTasks&) = delete;

  /// Queues `job`; exceptions it throws are logged and swallowed. Thread-safe.
  void post(std::function<void()> job);
  /// Finishes queued jobs and joins the thread; later posts are ignored.
  void shutdown();

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace eport::methods
