#include "tar_gz_writer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace eport::client {

struct TarGzWriter::Archive {
  archive* handle = archive_write_new();
  ~Archive() {
    if (handle) archive_write_free(handle);
  }
};

namespace {

[[noreturn]] void fail(archive* a, const std::string& what) {
  const char* detail = a ? archive_error_string(a) : nullptr;
  throw std::runtime_error(what + ": " + (detail ? detail : "unknown libarchive error"));
}

/// Removes a temporary file unless released.
struct TempFile {
  std::string path;
  bool keep = false;
  ~TempFile() {
    if (!keep && !path.empty()) ::unlink(path.c_str());
  }
};

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

TarGzWriter::TarGzWriter(int fd) : archive_(std::make_unique<Archive>()) {
  auto* a = archive_->handle;
  if (!a) throw std::runtime_error("libarchive: out of memory");
  if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK) fail(a, "tar format");
  if (archive_write_add_filter_gzip(a) != ARCHIVE_OK) fail(a, "gzip filter");
  if (archive_write_open_fd(a, fd) != ARCHIVE_OK) fail(a, "opening the archive");
}

TarGzWriter::~TarGzWriter() = default;

void TarGzWriter::add(const std::string& name, const std::string& content, std::time_t mtime) {
  auto* a = archive_->handle;
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                      archive_entry_free);
  archive_entry_set_pathname_utf8(entry.get(), name.c_str());
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(content.size()));
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_mtime(entry.get(), mtime, 0);
  if (archive_write_header(a, entry.get()) != ARCHIVE_OK) fail(a, "adding " + name);
  if (!content.empty() && archive_write_data(a, content.data(), content.size()) < 0)
    fail(a, "writing " + name);
}

void TarGzWriter::finish() {
  if (archive_write_close(archive_->handle) != ARCHIVE_OK) fail(archive_->handle, "finishing the archive");
}

void write_tar_gz(const std::string& path, const std::function<void(TarGzWriter&)>& fill) {
  const auto slash = path.rfind('/');
  const std::string directory = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::string pattern = directory + "/.eportd-bundle.XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(errno_text("cannot create a file in", directory));
  TempFile temp{name.data()};
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  ::fchmod(fd, 0600);  // it may hold the audit trail and the configuration
  {
    TarGzWriter writer(fd);
    fill(writer);
    writer.finish();
  }
  if (::fsync(fd) != 0) throw std::runtime_error(errno_text("cannot write", temp.path));
  if (::rename(temp.path.c_str(), path.c_str()) != 0)
    throw std::runtime_error(errno_text("cannot create", path));
  temp.keep = true;
}

}  // namespace eport::client
