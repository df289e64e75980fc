// Helpers shared by the driver tests: fixture paths, a temporary directory, log capture and
// "is this library still loaded?".
#pragma once

#include <dlfcn.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <spdlog/sinks/ringbuffer_sink.h>

namespace eport::drivers::test {

/// Directory with the fixture plug-ins (eport-<name>.so), from the build.
inline std::filesystem::path fixture_dir() { return EPORT_FIXTURE_PLUGIN_DIR; }
/// Directory with eport-outside.so, which must never be loaded.
inline std::filesystem::path outside_dir() { return EPORT_FIXTURE_OUTSIDE_DIR; }

/// Canonical path of a fixture plug-in.
inline std::string fixture_path(const std::string& name) {
  return std::filesystem::canonical(fixture_dir() / ("eport-" + name + ".so")).string();
}

/// True when the library at `path` is currently loaded in this process.
inline bool is_loaded(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  dlclose(handle);  // RTLD_NOLOAD took a reference
  return true;
}

/// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() / ("eport-drivers-test-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// A logger that keeps its last lines in memory.
class CapturedLog {
 public:
  CapturedLog()
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256)),
        logger_(std::make_shared<spdlog::logger>("drivers-test", sink_)) {
    sink_->set_pattern("%l %v");
    logger_->set_level(spdlog::level::debug);
  }
  std::shared_ptr<spdlog::logger> logger() const { return logger_; }
  /// True when any captured line contains `text`.
  bool contains(const std::string& text) const {
    for (const auto& line : sink_->last_formatted()) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace eport::drivers::test
