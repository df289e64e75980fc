// RAII owner of one dlopen() handle.
#pragma once

#include <string>

namespace eport::drivers {

/// A shared library opened with dlopen(RTLD_NOW | RTLD_LOCAL); dlclose() on destruction.
class SharedLibrary {
 public:
  /// An empty handle (owns nothing).
  SharedLibrary() = default;
  /// Open `path`; on failure the handle stays empty and error() says why (dlerror()).
  explicit SharedLibrary(const std::string& path);
  ~SharedLibrary();

  SharedLibrary(SharedLibrary&& other) noexcept;
  SharedLibrary& operator=(SharedLibrary&& other) noexcept;
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  /// True when a library is open.
  bool is_open() const { return handle_ != nullptr; }
  /// Why opening failed (empty when open).
  const std::string& error() const { return error_; }
  /// Path given to the constructor.
  const std::string& path() const { return path_; }
  /// Address of `name`, or nullptr when the library does not export it.
  void* symbol(const char* name) const;
  /// dlclose() now; the handle becomes empty.
  void close();

 private:
  void* handle_ = nullptr;
  std::string path_;
  std::string error_;
};

}  // namespace eport::drivers
