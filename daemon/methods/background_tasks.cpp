#include "methods/background_tasks.hpp"

#include <spdlog/spdlog.h>

namespace eport::methods {

BackgroundTasks::BackgroundTasks() : thread_([this] { loop(); }) {}

BackgroundTasks::~BackgroundTasks() { shutdown(); }

void BackgroundTasks::post(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void BackgroundTasks::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void BackgroundTasks::loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      job();
    } catch (const std::exception& e) {
      spdlog::error("background job failed: {}", e.what());
    } catch (...) {
      spdlog::error("background job failed with an unknown exception");
    }
  }
}

}  // namespace eport::methods
