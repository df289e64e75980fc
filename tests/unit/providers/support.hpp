// Helpers for the provider tests: a temporary directory of fixture token files, waiting on a
// condition, a log that keeps its lines.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include <spdlog/logger.h>
#include <spdlog/sinks/ringbuffer_sink.h>

namespace eport::providers::test {

/// A directory for eport-file-tokens.so, removed on destruction.
class TokenDir {
 public:
  TokenDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() / ("eport-providers-test-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TokenDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TokenDir(const TokenDir&) = delete;
  TokenDir& operator=(const TokenDir&) = delete;
  /// Writes <serial>.token with `lines` ("key=value\n"...).
  void token(const std::string& serial, const std::string& lines) const { write(serial + ".token", lines); }
  /// Writes a file in the directory.
  void write(const std::string& name, const std::string& text) const { std::ofstream(path_ / name) << text; }
  /// Removes a file from the directory.
  void remove(const std::string& name) const { std::filesystem::remove(path_ / name); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Waits up to 30 s for `condition` (checked every 20 ms); false when it never held.
inline bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

/// A logger that keeps its last lines.
inline std::shared_ptr<spdlog::logger> memory_logger(
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt>& sink) {
  sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256);
  sink->set_pattern("%v");
  auto logger = std::make_shared<spdlog::logger>("providers-test", sink);
  logger->set_level(spdlog::level::debug);
  return logger;
}

}  // namespace eport::providers::test
