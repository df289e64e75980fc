#include "device_watch.hpp"

#include <dlfcn.h>

#include <vector>

#include <eport/driver.h>

namespace eport::skf {

namespace {

// Keeps this plug-in mapped for good: a thread of ours is still inside a library call.
void pin_plugin() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&pin_plugin), &info) != 0 && info.dli_fname != nullptr)
    dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
}

}  // namespace

void ChangeSignal::notify() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++changes_;
  }
  cv_.notify_all();
}

bool ChangeSignal::wait(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait_for(lock, timeout, [&] { return changes_ != seen_; });
  const bool changed = changes_ != seen_;
  seen_ = changes_;
  return changed;
}

DeviceWatch::DeviceWatch(SkfLibrary& lib, std::shared_ptr<ChangeSignal> signal, LogFn log, std::string label)
    : lib_(lib), log_(std::move(log)), label_(std::move(label)), state_(std::make_shared<State>()) {
  state_->wait = lib.fn().wait_for_dev_event;
  state_->signal = std::move(signal);
  thread_ = std::thread(&DeviceWatch::run, state_);
}

DeviceWatch::~DeviceWatch() { stop(); }

bool DeviceWatch::State::pause(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mutex);
  return !cv.wait_for(lock, delay, [&] { return stop.load(); });
}

void DeviceWatch::run(std::shared_ptr<State> state) {
  std::vector<char> name(256, '\0');
  int failures = 0;
  while (!state->stop) {
    abi::ULONG len = static_cast<abi::ULONG>(name.size()), event = 0;
    const abi::ULONG rv = state->wait(name.data(), &len, &event);
    if (state->stop) break;
    if (rv == abi::SAR_OK) {
      failures = 0;
      state->signal->notify();
      continue;
    }
    if (rv == abi::SAR_BUFFER_TOO_SMALL && len > name.size() && len <= 4096) {
      name.assign(len, '\0');
      continue;
    }
    state->signal->notify();  // let the host look for itself
    state->last_error = rv;
    if (++failures >= 5) {
      state->gave_up = true;
      state->signal->notify();
      break;
    }
    if (!state->pause(std::chrono::seconds(1))) break;
  }
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    state->done = true;
  }
  state->cv.notify_all();
}

bool DeviceWatch::gave_up() {
  if (!state_->gave_up || reported_) return false;
  reported_ = true;
  log_(EPORT_LOG_WARNING, "library '" + label_ + "': SKF_WaitForDevEvent keeps failing (" +
                              abi::status_name(state_->last_error) + "); looking for keys every 2 s instead");
  return true;
}

void DeviceWatch::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stop = true;
  }
  state_->cv.notify_all();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::unique_lock<std::mutex> lock(state_->mutex);
  while (!state_->done && std::chrono::steady_clock::now() < deadline) {
    lock.unlock();
    lib_.fn().cancel_wait_for_dev_event();
    lock.lock();
    state_->cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return state_->done.load(); });
  }
  const bool ended = state_->done;
  lock.unlock();
  if (ended) {
    thread_.join();
    return;
  }
  log_(EPORT_LOG_ERROR, "library '" + label_ +
                            "': SKF_CancelWaitForDevEvent did not end SKF_WaitForDevEvent within 5 s; "
                            "leaving the library loaded (set events: poll for it)");
  lib_.pin();
  pin_plugin();
  thread_.detach();
}

}  // namespace eport::skf
