#pragma once
// cert.expiring / cert.expired events: once per threshold per token and certificate.
//
// The monitor remembers, per token, the certificates last read from the card (at insertion and
// on every token.status / cert.check) and the warn_days bucket each was in. A certificate
// entering a tighter bucket, or expiring, gives one event. A timer thread re-classifies the
// remembered certificates when the next bucket change is due (at most a day apart) WITHOUT
// touching the card: cards are never polled.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "x509/certificate_summary.hpp"

namespace eport::cardops {

/// Publishes one event: topic ("cert.expiring" / "cert.expired") and params.
using PublishFn = std::function<void(const std::string& topic, nlohmann::json params)>;
/// Seconds since the epoch, now (injected for tests).
using NowFn = std::function<std::int64_t()>;
/// The thresholds in force (expiry.warn_days; a SIGHUP reload may change them).
using WarnDaysFn = std::function<std::vector<int>()>;

/// Threshold bookkeeping; thread-safe.
class ExpiryMonitor {
 public:
  /// `warn_days`: reads expiry.warn_days when needed, so a reload takes effect.
  ExpiryMonitor(WarnDaysFn warn_days, PublishFn publish, NowFn now);
  /// Fixed thresholds (tests).
  ExpiryMonitor(std::vector<int> warn_days, PublishFn publish, NowFn now)
      : ExpiryMonitor([days = std::move(warn_days)] { return days; }, std::move(publish), std::move(now)) {}
  /// Stops the timer thread.
  ~ExpiryMonitor();
  ExpiryMonitor(const ExpiryMonitor&) = delete;
  ExpiryMonitor& operator=(const ExpiryMonitor&) = delete;

  /// Starts the timer thread (tests may drive tick() by hand instead).
  void start();
  /// Stops and joins the timer thread.
  void stop();

  /// The certificates just read from `token` (replaces what was known); publishes what is due.
  void observe(const std::string& token, const std::vector<x509::CertificateSummary>& certificates);
  /// The token left: forget it (a re-insertion is a new insertion and is told again).
  void forget(const std::string& token);
  /// Re-classifies everything known at the current time; publishes what is due.
  void tick();
  /// Unix time of the next bucket change among known certificates, if any.
  std::optional<std::int64_t> next_change() const;

 private:
  struct Known {
    x509::CertificateSummary summary;
    std::optional<int> bucket;  // threshold bucket last told (nullopt: none told)
    bool expired_told = false;
  };
  void update(const std::string& token, Known& known, std::int64_t now, const std::vector<int>& warn_days);
  void run();

  const WarnDaysFn warn_days_;
  PublishFn publish_;
  NowFn now_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t generation_ = 0;  // bumped by observe() so the timer recomputes its wake-up
  std::map<std::string, std::map<std::string, Known>> known_;  // token -> sha256 -> state
  std::thread thread_;
};

}  // namespace eport::cardops
