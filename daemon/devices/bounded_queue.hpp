#pragma once
// A closable FIFO with a fixed capacity, shared by one consumer thread and any producers.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace eport::devices {

/// What push() did.
enum class PushResult {
  queued,  ///< the item is in the queue
  full,    ///< the queue holds `capacity` items: the caller answers `busy`
  closed   ///< the queue was closed: the consumer is gone
};

/// FIFO bounded to `capacity` items. pop() blocks until an item arrives or the queue closes.
template <typename T>
class BoundedQueue {
 public:
  /// A queue for at most `capacity` waiting items (0 is treated as 1).
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  /// Adds an item unless the queue is full or closed; on failure `item` is left untouched.
  PushResult push(T& item) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_) return PushResult::closed;
      if (items_.size() >= capacity_) return PushResult::full;
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
    return PushResult::queued;
  }

  /// The oldest item; nullopt once the queue is closed (items left are returned by close()).
  std::optional<T> pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [this] { return closed_ || !items_.empty(); });
    if (closed_) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  /// Closes the queue, wakes the consumer, and hands back the items nobody will run.
  std::vector<T> close() {
    std::vector<T> left;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      for (auto& item : items_) left.push_back(std::move(item));
      items_.clear();
    }
    ready_.notify_all();
    return left;
  }

  /// Items waiting now.
  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
  }

  /// The capacity given at construction.
  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace eport::devices
