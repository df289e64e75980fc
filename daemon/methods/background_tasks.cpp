#include "methods/background_tasks.hpp"

#include <spdlog/spdlog.h>

#include "eport/common/reasons.hpp"

namespace eport::methods {

BackgroundTasks::BackgroundTasks(std::size_t capacity) : capacity_(capacity), thread_([this] { loop(); }) {}

BackgroundTasks::~BackgroundTasks() { shutdown(); }

bool BackgroundTasks::post(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || jobs_.size() >= capacity_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void BackgroundTasks::post_or_busy(const ipc::Reply& reply, std::function<void()> job) {
  if (post(std::move(job))) return;
  reply.fail(reasons::busy, "eportd is busy answering other requests; try again in a moment");
}

void BackgroundTasks::set_capacity(std::size_t capacity) {
  std::lock_guard<std::mutex> lock(mutex_);
  capacity_ = capacity;
}

std::size_t BackgroundTasks::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return jobs_.size();
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
