#include "device_events.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "device_store.hpp"

namespace eport::softskf {

namespace {

// Owns an inotify descriptor watching the device directory (fd -1 when the directory cannot be
// watched, e.g. it does not exist yet: the waiter then re-reads it every second).
struct Watch {
  int fd = -1;
  bool watching = false;
  explicit Watch(const std::string& dir) {
    fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd >= 0 && !dir.empty())
      watching = ::inotify_add_watch(fd, dir.c_str(),
                                     IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE |
                                         IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) >= 0;
  }
  ~Watch() {
    if (fd >= 0) ::close(fd);
  }
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;
  void drain() const {
    char buffer[4096];
    while (fd >= 0 && ::read(fd, buffer, sizeof buffer) > 0) {
    }
  }
};

}  // namespace

DeviceEvents::DeviceEvents() : wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

DeviceEvents::~DeviceEvents() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void DeviceEvents::start(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (started_ && dir == dir_) return;
  const auto names = list_devices(dir);
  known_ = std::set<std::string>(names.begin(), names.end());
  dir_ = dir;
  started_ = true;
}

bool DeviceEvents::pending(const std::string& dir, std::string& name, ULONG& event) {
  const auto names = list_devices(dir);
  const std::set<std::string> now(names.begin(), names.end());
  for (const auto& gone : known_)
    if (now.count(gone) == 0) {
      name = gone;
      event = DEV_EVENT_REMOVED;
      return true;
    }
  for (const auto& arrived : now)
    if (known_.count(arrived) == 0) {
      name = arrived;
      event = DEV_EVENT_INSERTED;
      return true;
    }
  return false;
}

ULONG DeviceEvents::wait(const std::string& dir, LPSTR name_out, ULONG* len, ULONG* event_out) {
  if (len == nullptr || event_out == nullptr) return SAR_INVALIDPARAMERR;
  start(dir);
  std::uint64_t cancels = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (waiting_) return SAR_FAIL;
    waiting_ = true;
    cancels = cancels_;
  }
  const Watch watch(dir);  // watch first, then look: nothing slips in between
  ULONG result = SAR_FAIL;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (cancels_ != cancels) break;
      std::string name;
      ULONG event = 0;
      if (pending(dir, name, event)) {
        const ULONG needed = static_cast<ULONG>(name.size() + 1);
        if (name_out == nullptr || *len < needed) {
          *len = needed;
          result = SAR_BUFFER_TOO_SMALL;
          break;
        }
        std::memcpy(name_out, name.c_str(), needed);
        *len = needed;
        *event_out = event;
        if (event == DEV_EVENT_INSERTED) known_.insert(name);
        else known_.erase(name);
        result = SAR_OK;
        break;
      }
    }
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {watch.fd, POLLIN, 0}};
    const int ready = ::poll(fds, watch.watching ? 2 : 1, watch.watching ? -1 : 1000);
    if (ready < 0 && errno != EINTR) break;
    std::uint64_t count = 0;
    if (fds[0].revents & POLLIN) (void)!::read(wake_fd_, &count, sizeof count);
    watch.drain();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  waiting_ = false;
  return result;
}

ULONG DeviceEvents::cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++cancels_;
  const std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  return SAR_OK;
}

}  // namespace eport::softskf
