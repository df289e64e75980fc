#pragma once
// A gzip-compressed POSIX tar archive written with libarchive (support bundles). libarchive's
// headers stay in tar_gz_writer.cpp.

#include <ctime>
#include <functional>
#include <memory>
#include <string>

namespace eport::client {

/// Writes one .tar.gz on an open file descriptor. Every call throws std::runtime_error with
/// libarchive's message when something fails.
class TarGzWriter {
 public:
  /// Starts an archive on `fd` (not closed by the writer).
  explicit TarGzWriter(int fd);
  /// Frees the archive (finish() first to complete it).
  ~TarGzWriter();
  TarGzWriter(const TarGzWriter&) = delete;
  TarGzWriter& operator=(const TarGzWriter&) = delete;

  /// Adds a regular file `name` (a relative path) with `content`, mode 0644 and time `mtime`.
  void add(const std::string& name, const std::string& content, std::time_t mtime);
  /// Writes the end of the archive and flushes the compressor.
  void finish();

 private:
  struct Archive;
  std::unique_ptr<Archive> archive_;
};

/// Writes `path` atomically (temporary file beside it, mode 0600, fsync, rename) with the
/// content `fill` writes through a TarGzWriter. Throws std::runtime_error saying what failed.
void write_tar_gz(const std::string& path, const std::function<void(TarGzWriter&)>& fill);

}  // namespace eport::client
