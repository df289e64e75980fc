#include "metrics/textfile_writer.hpp"

#include <spdlog/spdlog.h>

#include "events/event_bus.hpp"
#include "metrics/atomic_file.hpp"

namespace eport::metrics {

TextfileWriter::TextfileWriter(MetricsModel& model, TextfileOptions options)
    : model_(model), options_(std::move(options)) {}

TextfileWriter::~TextfileWriter() { stop(); }

void TextfileWriter::start() {
  std::lock_guard lock(mutex_);
  if (started_) return;
  started_ = true;
  dirty_ = true;
  thread_ = std::thread([this] { run(); });
}

void TextfileWriter::changed() {
  {
    std::lock_guard lock(mutex_);
    dirty_ = true;
  }
  wake_.notify_all();
}

void TextfileWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!started_ || stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  model_.mark_stopping();
  write_now();
}

void TextfileWriter::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!dirty_) {
      auto woken = [this] { return stopping_ || dirty_; };
      if (options_.refresh.count() > 0) {
        if (!wake_.wait_for(lock, options_.refresh, woken)) dirty_ = true;  // refresh due
      } else {
        wake_.wait(lock, woken);
      }
      if (stopping_) break;
    }
    // Let a burst of changes (a card's insertion: reader, token, certificates) settle first.
    if (wake_.wait_for(lock, options_.settle, [this] { return stopping_; })) break;
    dirty_ = false;
    lock.unlock();
    write_now();
    lock.lock();
  }
}

void TextfileWriter::write_now() {
  const std::string error = replace_file(options_.path, model_.render(), 0644);
  std::lock_guard lock(mutex_);
  if (error.empty()) {
    if (!error_.empty()) spdlog::info("metrics: {} is written again", options_.path);
    ++writes_;
    last_write_ = std::chrono::system_clock::now();
  } else if (error != error_) {
    spdlog::warn(
        "metrics: {}; node_exporter sees no fresh metrics until eportd may write there "
        "(docs/monitoring.md)",
        error);
  }
  error_ = error;
}

nlohmann::json TextfileWriter::status() const {
  std::lock_guard lock(mutex_);
  return {{"textfile", options_.path},
          {"refresh_s", options_.refresh.count()},
          {"writes", writes_},
          {"last_write",
           last_write_ ? nlohmann::json(events::format_utc(*last_write_)) : nlohmann::json(nullptr)},
          {"error", error_.empty() ? nlohmann::json(nullptr) : nlohmann::json(error_)}};
}

}  // namespace eport::metrics
