#pragma once
// What eportd's metrics say: readers, tokens, PIN and PUK figures, certificate expiry and call
// counters, kept up to date from events (never by asking a card) and rendered as Prometheus
// text (docs/monitoring.md lists every series). Thread-safe.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "metrics/facts.hpp"

namespace eport::metrics {

class Exposition;

/// The metrics state. Every mutator of what the devices say tells the listener when (and only
/// when) that changes; the counters change silently and go out with the next write.
class MetricsModel {
 public:
  /// `version`: eportd's version; `started_unix`: when it started.
  MetricsModel(std::string version, std::int64_t started_unix);

  /// Called after every change but the counters', outside the model's lock (the textfile
  /// writer wakes up).
  void set_listener(std::function<void()> changed);

  /// Loaded drivers: they get a tokens-present sample of 0 while they have no token.
  void set_drivers(std::vector<std::string> names);
  /// pcscd reachable or not (no sample until this is first called).
  void set_pcsc(bool up);
  /// A PC/SC reader appeared / went away.
  void reader_added(const std::string& name);
  void reader_removed(const std::string& name);
  /// A token appeared / went away (its figures go with it).
  void token_added(const std::string& id, const std::string& driver, const std::string& kind);
  void token_removed(const std::string& id);
  /// PIN figures read from a present token (ignored for unknown tokens, like every per-token fact).
  void pin_read(const std::string& id, const PinFigures& pin);
  /// PUK figures read; nullopt: the token has no PUK (its samples go).
  void puk_read(const std::string& id, const std::optional<PinFigures>& puk);
  /// Every certificate of a token, as just read (replaces what was known).
  void certificates_read(const std::string& id, const std::vector<CertificateFacts>& certificates);
  /// One slot's certificate, as just read or written.
  void certificate_seen(const std::string& id, const CertificateFacts& certificate);
  /// One answered call of `method` with outcome `reason` ("ok" or an error reason); silent.
  void count_call(const std::string& method, const std::string& reason);
  /// A call refused for lack of the admin role; silent.
  void count_refusal(const std::string& method);
  /// Events dropped for slow subscribers; silent.
  void count_dropped(std::uint64_t count);
  /// eportd is stopping: from now on the text says eportd_up 0 and nothing about devices.
  void mark_stopping();

  /// The Prometheus text.
  std::string render() const;

 private:
  struct TokenFacts {
    std::string driver;
    std::string kind;
    std::optional<PinFigures> pin;
    std::optional<PinFigures> puk;
    std::map<std::string, CertificateFacts> certificates;  // by slot
  };
  /// Runs `change` under the lock; it returns whether the text changed; tells the listener.
  void update(const std::function<bool()>& change);
  void render_devices(Exposition& out) const;
  void render_tokens(Exposition& out) const;
  void render_counters(Exposition& out) const;

  const std::string version_;
  const std::int64_t started_unix_;
  mutable std::mutex mutex_;
  std::function<void()> listener_;
  bool stopping_ = false;
  std::set<std::string> drivers_;
  std::optional<bool> pcsc_up_;
  std::set<std::string> readers_;
  std::map<std::string, TokenFacts> tokens_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> calls_;
  std::map<std::string, std::uint64_t> refusals_;
  std::uint64_t dropped_ = 0;
};

}  // namespace eport::metrics
