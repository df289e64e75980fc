#include "handles.hpp"

#include <vector>

namespace eport::softskf {

namespace {
std::uintptr_t key(const void* handle) { return reinterpret_cast<std::uintptr_t>(handle); }
void* handle_of(std::uintptr_t value) { return reinterpret_cast<void*>(value); }
}  // namespace

std::uintptr_t Handles::add(Entry entry) {
  const std::uintptr_t id = next_;
  next_ += 0x10;
  entries_.emplace(id, std::move(entry));
  return id;
}

DEVHANDLE Handles::open_device(const std::string& dir, const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  return handle_of(add({Kind::device, {dir, name, {}, {}}, 0, -1}));
}

HAPPLICATION Handles::open_application(DEVHANDLE device, const std::string& app) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(key(device));
  if (it == entries_.end() || it->second.kind != Kind::device) return nullptr;
  HandleTarget target = it->second.target;
  target.app = app;
  return handle_of(add({Kind::application, target, key(device), -1}));
}

HCONTAINER Handles::open_container(HAPPLICATION app, const std::string& container) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(key(app));
  if (it == entries_.end() || it->second.kind != Kind::application) return nullptr;
  HandleTarget target = it->second.target;
  target.container = container;
  return handle_of(add({Kind::container, target, key(app), -1}));
}

std::optional<HandleTarget> Handles::find(void* handle, Kind kind) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(key(handle));
  if (it == entries_.end() || it->second.kind != kind) return std::nullopt;
  return it->second.target;
}

std::optional<HandleTarget> Handles::device(DEVHANDLE handle) const { return find(handle, Kind::device); }
std::optional<HandleTarget> Handles::application(HAPPLICATION handle) const {
  return find(handle, Kind::application);
}
std::optional<HandleTarget> Handles::container(HCONTAINER handle) const {
  return find(handle, Kind::container);
}

std::optional<int> Handles::close_device(DEVHANDLE handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(key(handle));
  if (it == entries_.end() || it->second.kind != Kind::device) return std::nullopt;
  const int fd = it->second.lock_fd;
  std::vector<std::uintptr_t> apps;
  for (const auto& [id, entry] : entries_)
    if (entry.parent == key(handle)) apps.push_back(id);
  for (auto app : apps) {
    for (auto c = entries_.begin(); c != entries_.end();)
      c = c->second.parent == app ? entries_.erase(c) : std::next(c);
    entries_.erase(app);
  }
  entries_.erase(key(handle));
  return fd;
}

bool Handles::close_application(HAPPLICATION handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(key(handle));
  if (it == entries_.end() || it->second.kind != Kind::application) return false;
  for (auto c = entries_.begin(); c != entries_.end();)
    c = c->second.parent == key(handle) ? entries_.erase(c) : std::next(c);
  entries_.erase(key(handle));
  return true;
}

bool Handles::close_container(HCONTAINER handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(key(handle));
  if (it == entries_.end() || it->second.kind != Kind::container) return false;
  entries_.erase(it);
  return true;
}

std::optional<int> Handles::lock_fd(DEVHANDLE handle) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(key(handle));
  if (it == entries_.end() || it->second.kind != Kind::device) return std::nullopt;
  return it->second.lock_fd;
}

bool Handles::set_lock_fd(DEVHANDLE handle, int fd) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(key(handle));
  if (it == entries_.end() || it->second.kind != Kind::device) return false;
  it->second.lock_fd = fd;
  return true;
}

}  // namespace eport::softskf
