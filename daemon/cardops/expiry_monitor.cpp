#include "cardops/expiry_monitor.hpp"

#include <algorithm>

#include "x509/expiry.hpp"

namespace eport::cardops {

namespace {
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kMaxSleep = kDay;  // re-check at least daily (clock changes, DST-free)
}  // namespace

ExpiryMonitor::ExpiryMonitor(WarnDaysFn warn_days, PublishFn publish, NowFn now)
    : warn_days_(std::move(warn_days)), publish_(std::move(publish)), now_(std::move(now)) {}

ExpiryMonitor::~ExpiryMonitor() { stop(); }

void ExpiryMonitor::start() {
  std::lock_guard lock(mutex_);
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void ExpiryMonitor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ExpiryMonitor::update(const std::string& token, Known& known, std::int64_t now,
                           const std::vector<int>& warn_days) {
  auto& summary = known.summary;
  summary.days_left = x509::days_left(summary.not_after_unix, now);
  summary.state = x509::classify(summary.not_before_unix, summary.not_after_unix, now, warn_days);
  nlohmann::json params = {{"token", token}, {"certificate", summary.to_json()}};
  if (summary.state == x509::ExpiryState::expired) {
    if (!known.expired_told) publish_("cert.expired", params);
    known.expired_told = true;
    return;
  }
  known.expired_told = false;  // a renewed certificate with the same hash cannot be; keep simple
  if (summary.state == x509::ExpiryState::not_yet_valid) return;
  auto bucket = x509::threshold_bucket(summary.days_left, warn_days);
  if (bucket && (!known.bucket || *bucket < *known.bucket)) {
    params["threshold_days"] = *bucket;
    publish_("cert.expiring", params);
  }
  known.bucket = bucket;
}

void ExpiryMonitor::observe(const std::string& token,
                            const std::vector<x509::CertificateSummary>& certificates) {
  const auto now = now_();
  const auto warn_days = warn_days_();
  {
    std::lock_guard lock(mutex_);
    auto previous = std::move(known_[token]);
    auto& current = known_[token];
    current.clear();
    for (const auto& summary : certificates) {
      auto it = previous.find(summary.sha256);
      Known known = it != previous.end() ? it->second : Known{};
      known.summary = summary;
      update(token, known, now, warn_days);
      current[summary.sha256] = std::move(known);
    }
    ++generation_;
  }
  wake_.notify_all();  // the next change may now be earlier
}

void ExpiryMonitor::forget(const std::string& token) {
  std::lock_guard lock(mutex_);
  known_.erase(token);
}

void ExpiryMonitor::tick() {
  const auto now = now_();
  const auto warn_days = warn_days_();
  std::lock_guard lock(mutex_);
  for (auto& [token, certificates] : known_)
    for (auto& [hash, known] : certificates) update(token, known, now, warn_days);
}

std::optional<std::int64_t> ExpiryMonitor::next_change() const {
  const auto warn_days = warn_days_();
  std::lock_guard lock(mutex_);
  const auto now = now_();
  std::optional<std::int64_t> next;
  auto consider = [&](std::int64_t t) {
    if (t > now && (!next || t < *next)) next = t;
  };
  for (const auto& [token, certificates] : known_)
    for (const auto& [hash, known] : certificates) {
      const auto end = known.summary.not_after_unix;
      consider(end + 1);  // expired just after notAfter (inclusive)
      consider(known.summary.not_before_unix);
      // days_left <= t from the moment (end - now) < (t + 1) days.
      for (int t : warn_days) consider(end - (static_cast<std::int64_t>(t) + 1) * kDay + 1);
    }
  return next;
}

void ExpiryMonitor::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto seen = generation_;
    lock.unlock();
    tick();  // cheap and de-duplicated: only due events are published
    const auto now = now_();
    const auto next = next_change();
    const auto sleep_s = std::clamp<std::int64_t>(next ? *next - now : kMaxSleep, 1, kMaxSleep);
    lock.lock();
    wake_.wait_for(lock, std::chrono::seconds(sleep_s), [&] { return stopping_ || generation_ != seen; });
  }
}

}  // namespace eport::cardops
