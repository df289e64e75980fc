#include "metrics/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "eport/common/unique_fd.hpp"

namespace eport::metrics {

namespace {

std::string failure(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

bool write_all(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::string replace_file(const std::string& path, const std::string& content, mode_t mode) {
  const auto slash = path.rfind('/');
  const std::string directory = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string temp = directory + "/." + name + ".XXXXXX";
  std::vector<char> buffer(temp.begin(), temp.end());
  buffer.push_back('\0');
  UniqueFd file(::mkostemp(buffer.data(), O_CLOEXEC));
  if (file.get() < 0) return failure("cannot create a temporary file in", directory);
  temp = buffer.data();
  auto fail = [&](const std::string& what) {
    const std::string message = failure(what, temp);
    ::unlink(temp.c_str());
    return message;
  };
  if (::fchmod(file.get(), mode) != 0) return fail("cannot set the mode of");
  if (!write_all(file.get(), content)) return fail("cannot write");
  if (::fsync(file.get()) != 0) return fail("cannot fsync");
  if (::close(file.release()) != 0) return fail("cannot close");
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail("cannot rename to " + path + " from");
  // The rename itself is durable once the directory is synced; a failure here loses nothing.
  UniqueFd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
  return {};
}

}  // namespace eport::metrics
