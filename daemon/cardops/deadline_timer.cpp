#include "cardops/deadline_timer.hpp"

namespace eport::cardops {

DeadlineTimer::DeadlineTimer() : thread_([this] { run(); }) {}

DeadlineTimer::~DeadlineTimer() { stop(); }

void DeadlineTimer::schedule(Clock::duration delay, std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    pending_.emplace(Clock::now() + delay, std::move(callback));
  }
  wake_.notify_all();
}

void DeadlineTimer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    pending_.clear();
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void DeadlineTimer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (pending_.empty()) {
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      continue;
    }
    const auto first = pending_.begin()->first;
    if (Clock::now() < first) {
      wake_.wait_until(lock, first);
      continue;
    }
    auto callback = std::move(pending_.begin()->second);
    pending_.erase(pending_.begin());
    lock.unlock();
    callback();
    lock.lock();
  }
}

}  // namespace eport::cardops
