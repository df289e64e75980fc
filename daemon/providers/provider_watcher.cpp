#include "providers/provider_watcher.hpp"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include <eport/driver.h>

#include "devices/token_id.hpp"

namespace eport::providers {

ProviderWatcher::ProviderWatcher(drivers::Driver& driver, devices::TokenRegistry& registry,
                                 ProviderProcess* process, WatcherTuning tuning)
    : driver_(driver), registry_(registry), process_(process), tuning_(tuning) {}

ProviderWatcher::~ProviderWatcher() { stop(); }

void ProviderWatcher::start() {
  thread_ = std::thread([this] { run(); });
}

void ProviderWatcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (process_ != nullptr) process_->interrupt_waits(true);
  if (thread_.joinable()) thread_.join();
  std::vector<std::shared_ptr<ProviderWorker>> workers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [key, entry] : entries_) {
      entry->retired = true;
      workers.push_back(entry->worker);
    }
    entries_.clear();
    workers.insert(workers.end(), retired_.begin(), retired_.end());
    retired_.clear();
  }
  for (auto& w : workers) w->stop();
  for (auto& w : workers) w->join();  // bounded: every call into a helper has a time budget
}

void ProviderWatcher::rescan_soon() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    rescan_ = true;
    wake_.notify_all();
  }
  if (process_ != nullptr) process_->interrupt_waits();
}

bool ProviderWatcher::stopping() {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

// Sleeps up to `how_long`; a rescan request or stop() cuts it short. False when stopping.
bool ProviderWatcher::pause(std::chrono::milliseconds how_long) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, how_long, [this] { return stopping_ || rescan_; });
  return !stopping_;
}

void ProviderWatcher::run() {
  bool need_scan = true;
  bool use_wait = driver_.supports(EPORT_CAP_WAIT_CHANGE);
  std::uint64_t epoch = 0;
  while (!stopping()) {
    if (process_ != nullptr) {
      if (!process_->ensure_running()) {  // the helper died and cannot be started yet
        drop_all();
        epoch = 0;
        pause(std::chrono::milliseconds(500));
        continue;
      }
      const std::uint64_t live = process_->live_epoch();
      if (live != epoch) {  // a new helper: the old one's tokens are gone with it
        drop_all();
        epoch = live;
        need_scan = true;
      }
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (rescan_) need_scan = true;
      rescan_ = false;
    }
    if (need_scan) {
      scan();
      need_scan = false;
    }
    reap(false);
    wait_for_change(need_scan, use_wait);
  }
}

void ProviderWatcher::wait_for_change(bool& need_scan, bool& use_wait) {
  if (!use_wait) {
    pause(tuning_.poll);
    need_scan = true;
    return;
  }
  const auto began = std::chrono::steady_clock::now();
  const auto wait = process_ != nullptr ? tuning_.remote_wait : tuning_.wait;
  const auto waited = driver_.wait_change(wait);
  if (waited.status == drivers::Status::Timeout) {
    // "Nothing changed" said early: wait out the rest rather than spin (a helper's wait ends
    // early only when interrupted, so at most one in-process wait's length).
    const auto spent =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
    if (spent < wait) pause(std::min(wait - spent, tuning_.wait));  // a rescan request cuts it short
    return;
  }
  need_scan = true;
  spdlog::debug("driver {}: wait_change: status {}", driver_.info().name, static_cast<int>(waited.status));
  if (waited.status == drivers::Status::Unsupported) {
    use_wait = false;
    spdlog::info("driver {}: its library cannot wait for tokens; looking every {} ms", driver_.info().name,
                 tuning_.poll.count());
  } else if (waited.status != drivers::Status::Ok) {
    pause(std::chrono::milliseconds(200));  // an error: do not spin
  }
}

void ProviderWatcher::scan() {
  auto listed = driver_.enumerate();
  if (!listed) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (listed.detail != last_error_)
      spdlog::warn("driver {}: cannot list its tokens: {}", driver_.info().name, listed.detail);
    last_error_ = listed.detail;
    return;
  }
  std::set<std::string> present;
  std::vector<drivers::TokenIdentity> fresh;
  std::vector<std::shared_ptr<Entry>> gone;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    last_error_.clear();
    for (const auto& identity : listed.value) {
      if (identity.key().empty() || !present.insert(identity.key()).second) continue;
      const auto it = entries_.find(identity.key());
      if (it == entries_.end() || it->second->gone) fresh.push_back(identity);
    }
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (present.count(it->first) == 0 || it->second->gone) {
        gone.push_back(it->second);
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
  }
  spdlog::debug("driver {}: {} token(s) listed, {} new, {} gone", driver_.info().name, present.size(),
                fresh.size(), gone.size());
  for (auto& entry : gone) retire(entry);
  for (const auto& identity : fresh) start_token(identity);
}

void ProviderWatcher::start_token(const drivers::TokenIdentity& identity) {
  auto entry = std::make_shared<Entry>();
  std::weak_ptr<Entry> weak = entry;
  entry->worker = std::make_shared<ProviderWorker>(
      driver_, identity.key(), tuning_.queue_limit,
      [this, weak, identity](const drivers::Result<drivers::TokenHandle>& opened,
                             std::shared_ptr<devices::JobRunner> self) -> std::optional<devices::Token> {
        auto held = weak.lock();
        if (!held) return std::nullopt;
        return on_opened(held, identity, opened, std::move(self));
      });
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    entries_[identity.key()] = entry;
  }
  entry->worker->start();
}

// On the new token's worker thread.
std::optional<devices::Token> ProviderWatcher::on_opened(const std::shared_ptr<Entry>& entry,
                                                         const drivers::TokenIdentity& identity,
                                                         const drivers::Result<drivers::TokenHandle>& opened,
                                                         std::shared_ptr<devices::JobRunner> self) {
  const std::string& name = driver_.info().name;
  std::lock_guard<std::mutex> lock(mutex_);
  if (entry->retired || stopping_) return std::nullopt;
  if (opened.status == drivers::Status::NotFound) {
    entry->gone = true;
    return std::nullopt;
  }
  devices::Token token;
  token.driver = name;
  token.kind = identity.kind.empty() ? "usbkey" : identity.kind;
  token.reader = identity.reader;
  token.identity = identity;
  if (!opened.ok()) {
    token.state = "error";
    token.error = opened.detail;
    spdlog::warn("driver {}: token {} could not be opened: {}", name, identity.key(), opened.detail);
  }
  // The registry tells its listener, which may submit a job to this very worker: fine, the
  // queue is open; the worker runs it once this returns.
  entry->id = registry_.add_provider_token(
      token, devices::provider_token_id(name, identity.id, identity.serial), std::move(self));
  token.id = entry->id;
  return token;
}

void ProviderWatcher::retire(std::shared_ptr<Entry> entry) {
  std::string id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    entry->retired = true;
    id = entry->id;
    retired_.push_back(entry->worker);
  }
  if (!id.empty()) registry_.remove_provider_token(id);
  entry->worker->stop();
}

void ProviderWatcher::drop_all() {
  std::vector<std::shared_ptr<Entry>> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [key, entry] : entries_) all.push_back(entry);
    entries_.clear();
  }
  for (auto& entry : all) retire(entry);
}

// Joins retired workers whose thread has ended; never waits for a busy one.
void ProviderWatcher::reap(bool all) {
  std::vector<std::shared_ptr<ProviderWorker>> done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto split = std::partition(retired_.begin(), retired_.end(),
                                      [all](const auto& w) { return !all && !w->finished(); });
    done.assign(split, retired_.end());
    retired_.erase(split, retired_.end());
  }
  for (auto& w : done) w->join();
}

}  // namespace eport::providers
