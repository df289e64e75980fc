#include "device_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace eport::softskf {

namespace {

#ifdef EPORT_SOFTSKF_BOOL64
constexpr const char* kDirVariable = "EPORT_SOFTSKF_BOOL64_DIR";
#else
constexpr const char* kDirVariable = "EPORT_SOFTSKF_DIR";
#endif

constexpr const char* kSuffix = ".json";

bool has_suffix(const std::string& name) {
  const std::size_t n = std::strlen(kSuffix);
  return name.size() > n && name.compare(name.size() - n, n, kSuffix) == 0;
}

}  // namespace

std::string device_dir() {
  const char* dir = std::getenv(kDirVariable);
  return dir != nullptr ? dir : "";
}

std::vector<std::string> list_devices(const std::string& dir) {
  std::vector<std::string> names;
  if (dir.empty()) return names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return names;
  while (const dirent* entry = ::readdir(d)) {
    const std::string name = entry->d_name;
    if (name.empty() || name[0] == '.' || !has_suffix(name)) continue;
    struct stat st {};
    if (::stat((dir + "/" + name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    names.push_back(name.substr(0, name.size() - std::strlen(kSuffix)));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::string device_path(const std::string& dir, const std::string& name) {
  return dir + "/" + name + kSuffix;
}

DirectoryLock::DirectoryLock(const std::string& dir) {
  fd_ = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ >= 0) {
    while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

DeviceCall::DeviceCall(const std::string& dir, const std::string& name, const char* function)
    : lock_(dir), dir_(dir), name_(name), path_(device_path(dir, name)) {
  struct stat st {};
  if (dir.empty() || ::stat(path_.c_str(), &st) != 0) {
    status_ = SAR_DEVICE_REMOVED;
    return;
  }
  try {
    state_ = load_state(path_);
  } catch (const std::exception&) {
    status_ = ::stat(path_.c_str(), &st) != 0 ? SAR_DEVICE_REMOVED : SAR_FILEERR;
    return;
  }
  auto& hook = state_->pull_at;
  if (!hook || hook->function != function) return;
  if (hook->skip > 0) {
    --hook->skip;
    dirty_ = true;
  } else if (hook->after) {
    pull_after_ = true;
  } else {
    pull();
    status_ = SAR_DEVICE_REMOVED;
  }
}

void DeviceCall::pull() {
  // A pulled key loses its volatile state; the hook fires once.
  state_->pull_at.reset();
  for (auto& app : state_->applications) app.logged_in.clear();
  if (!replace_state(path_, *state_)) return;
  const std::string pulled = dir_ + "/.pulled";
  ::mkdir(pulled.c_str(), 0700);
  if (::rename(path_.c_str(), device_path(pulled, name_).c_str()) != 0) ::unlink(path_.c_str());
}

ULONG DeviceCall::finish(ULONG result) {
  if (status_ != SAR_OK) return status_;
  if (pull_after_) {
    pull();
    return SAR_DEVICE_REMOVED;
  }
  if (dirty_) {
    try {
      if (!replace_state(path_, *state_)) return SAR_DEVICE_REMOVED;
    } catch (const std::exception&) {
      return SAR_WRITEFILEERR;
    }
  }
  return result;
}

}  // namespace eport::softskf
