#pragma once
// A thread with a queue of tasks, run one after the other. Internal to eport_providers.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace eport::providers {

/// One thread that runs posted tasks in order. Used by the provider helper process: one lane
/// per token (the ABI's "one thread per token") and one for the watcher calls.
class Lane {
 public:
  /// Starts the thread.
  Lane() : thread_([this] { run(); }) {}
  /// Finishes the queue and joins: never destroy a lane whose task may hang (see done()).
  ~Lane() {
    finish();
    if (thread_.joinable()) thread_.join();
  }
  Lane(const Lane&) = delete;
  Lane& operator=(const Lane&) = delete;

  /// Queues a task; ignored after finish().
  void post(std::function<void()> task) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finishing_) return;
    tasks_.push_back(std::move(task));
    wake_.notify_one();
  }
  /// No more tasks: the thread ends once the queue is empty.
  void finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    finishing_ = true;
    wake_.notify_one();
  }
  /// True once the thread has run its last task.
  bool done() const { return done_.load(); }

 private:
  void run() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return finishing_ || !tasks_.empty(); });
        if (tasks_.empty()) break;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
    done_ = true;
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool finishing_ = false;
  std::atomic<bool> done_{false};
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace eport::providers
