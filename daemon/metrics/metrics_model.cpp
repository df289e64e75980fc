#include "metrics/metrics_model.hpp"

#include "metrics/exposition.hpp"

namespace eport::metrics {

namespace {

std::string short_label(const std::string& text) { return bounded_label_value(text, kMaxShortLabel); }
std::string token_label(const std::string& id) { return unique_label_value(id, kMaxTokenId); }

double flag(bool value) { return value ? 1.0 : 0.0; }

}  // namespace

MetricsModel::MetricsModel(std::string version, std::int64_t started_unix)
    : version_(std::move(version)), started_unix_(started_unix) {}

void MetricsModel::set_listener(std::function<void()> changed) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(changed);
}

void MetricsModel::update(const std::function<bool()>& change) {
  std::function<void()> listener;
  {
    std::lock_guard lock(mutex_);
    if (!change()) return;
    listener = listener_;
  }
  if (listener) listener();
}

void MetricsModel::set_drivers(std::vector<std::string> names) {
  update([&] {
    std::set<std::string> next(names.begin(), names.end());
    if (next == drivers_) return false;
    drivers_ = std::move(next);
    return true;
  });
}

void MetricsModel::set_pcsc(bool up) {
  update([&] {
    if (pcsc_up_ == up) return false;
    pcsc_up_ = up;
    if (!up) {
      // pcscd gone: the registry drops every reader and token (their events come too).
      readers_.clear();
      tokens_.clear();
    }
    return true;
  });
}

void MetricsModel::reader_added(const std::string& name) {
  update([&] { return readers_.insert(name).second; });
}

void MetricsModel::reader_removed(const std::string& name) {
  update([&] { return readers_.erase(name) > 0; });
}

void MetricsModel::token_added(const std::string& id, const std::string& driver, const std::string& kind) {
  update([&] {
    TokenFacts facts;
    facts.driver = driver;
    facts.kind = kind;
    tokens_[id] = std::move(facts);  // a re-insertion starts afresh
    return true;
  });
}

void MetricsModel::token_removed(const std::string& id) {
  update([&] { return tokens_.erase(id) > 0; });
}

void MetricsModel::pin_read(const std::string& id, const PinFigures& pin) {
  update([&] {
    auto it = tokens_.find(id);
    if (it == tokens_.end() || it->second.pin == pin) return false;
    it->second.pin = pin;
    return true;
  });
}

void MetricsModel::puk_read(const std::string& id, const std::optional<PinFigures>& puk) {
  update([&] {
    auto it = tokens_.find(id);
    if (it == tokens_.end() || it->second.puk == puk) return false;
    it->second.puk = puk;
    return true;
  });
}

void MetricsModel::certificates_read(const std::string& id,
                                     const std::vector<CertificateFacts>& certificates) {
  update([&] {
    auto it = tokens_.find(id);
    if (it == tokens_.end()) return false;
    std::map<std::string, CertificateFacts> next;
    for (const auto& certificate : certificates) next[certificate.slot] = certificate;
    if (next == it->second.certificates) return false;
    it->second.certificates = std::move(next);
    return true;
  });
}

void MetricsModel::certificate_seen(const std::string& id, const CertificateFacts& certificate) {
  update([&] {
    auto it = tokens_.find(id);
    if (it == tokens_.end()) return false;
    auto& slot = it->second.certificates[certificate.slot];
    if (slot == certificate) return false;
    slot = certificate;
    return true;
  });
}

// Counters tell no listener: they go out with the next write (a change or the refresh), so that
// a program calling token.status every few seconds does not rewrite the file every few seconds.
void MetricsModel::count_call(const std::string& method, const std::string& reason) {
  std::lock_guard lock(mutex_);
  ++calls_[{method, reason}];
}

void MetricsModel::count_refusal(const std::string& method) {
  std::lock_guard lock(mutex_);
  ++refusals_[method];
}

void MetricsModel::count_dropped(std::uint64_t count) {
  std::lock_guard lock(mutex_);
  dropped_ += count;
}

void MetricsModel::mark_stopping() {
  update([&] {
    if (stopping_) return false;
    stopping_ = true;
    return true;
  });
}

std::string MetricsModel::render() const {
  std::lock_guard lock(mutex_);
  Exposition out;
  out.family("eportd_up", "gauge", "1 while eportd runs; eportd writes 0 as it stops.");
  out.sample({}, flag(!stopping_));
  out.family("eportd_build_info", "gauge", "eportd's version (always 1).");
  out.sample({{"version", short_label(version_)}}, 1);
  out.family("eportd_start_time_seconds", "gauge", "When eportd started, as a Unix timestamp.");
  out.sample({}, static_cast<double>(started_unix_));
  if (stopping_) return out.text();  // nothing eportd no longer watches
  render_devices(out);
  render_tokens(out);
  render_counters(out);
  return out.text();
}

void MetricsModel::render_devices(Exposition& out) const {
  out.family("eportd_pcscd_up", "gauge",
             "1 when pcscd is reachable, 0 when not; no sample while PC/SC is disabled or not yet known.");
  if (pcsc_up_) out.sample({}, flag(*pcsc_up_));
  out.family("eportd_readers_present", "gauge", "PC/SC readers present.");
  out.sample({}, static_cast<double>(readers_.size()));
  std::map<std::string, int> by_driver;
  for (const auto& driver : drivers_) by_driver[short_label(driver)] = 0;
  for (const auto& [id, facts] : tokens_) ++by_driver[short_label(facts.driver)];
  out.family("eportd_tokens_present", "gauge", "Tokens (cards and USB keys) present, by driver.");
  for (const auto& [driver, count] : by_driver) out.sample({{"driver", driver}}, count);
}

void MetricsModel::render_tokens(Exposition& out) const {
  using Getter = std::function<std::optional<double>(const TokenFacts&)>;
  auto per_token = [&](const char* name, const char* help, const Getter& get) {
    out.family(name, "gauge", help);
    for (const auto& [id, facts] : tokens_)
      if (auto value = get(facts)) out.sample({{"token", token_label(id)}}, *value);
  };
  auto figure = [](const std::optional<PinFigures>& pin, auto member) -> std::optional<double> {
    if (!pin || !((*pin).*member)) return std::nullopt;
    return static_cast<double>(*((*pin).*member));
  };
  out.family("eportd_token_info", "gauge", "One sample per token present (always 1): its driver and kind.");
  for (const auto& [id, facts] : tokens_)
    out.sample({{"token", token_label(id)},
                {"driver", short_label(facts.driver)},
                {"kind", short_label(facts.kind)}},
               1);
  per_token("eportd_token_pin_tries_left",
            "User PIN tries left, as last read (token.status, pin.changed); no sample while unknown.",
            [&](const TokenFacts& t) { return figure(t.pin, &PinFigures::tries_left); });
  per_token("eportd_token_pin_max_tries", "User PIN tries when none is spent; no sample while unknown.",
            [&](const TokenFacts& t) { return figure(t.pin, &PinFigures::max_tries); });
  per_token("eportd_token_pin_blocked", "1 when the user PIN is blocked, else 0; no sample while unknown.",
            [&](const TokenFacts& t) { return figure(t.pin, &PinFigures::blocked); });
  per_token("eportd_token_pin_default",
            "1 while the user PIN is still the default, else 0; no sample while unknown.",
            [&](const TokenFacts& t) { return figure(t.pin, &PinFigures::is_default); });
  per_token("eportd_token_puk_tries_left", "PUK (admin PIN) tries left; no sample while unknown.",
            [&](const TokenFacts& t) { return figure(t.puk, &PinFigures::tries_left); });
  per_token("eportd_token_puk_blocked",
            "1 when the PUK (admin PIN) is blocked, else 0; no sample while unknown.",
            [&](const TokenFacts& t) { return figure(t.puk, &PinFigures::blocked); });
  out.family("eportd_certificate_expiry_timestamp_seconds", "gauge",
             "A certificate's notAfter as a Unix timestamp, by token, slot and subject CN.");
  for (const auto& [id, facts] : tokens_)
    for (const auto& [slot, certificate] : facts.certificates)
      out.sample({{"token", token_label(id)},
                  {"slot", unique_label_value(slot, kMaxShortLabel)},
                  {"cn", bounded_label_value(certificate.common_name, kMaxCommonName)}},
                 static_cast<double>(certificate.not_after));
}

void MetricsModel::render_counters(Exposition& out) const {
  out.family("eportd_method_calls_total", "counter",
             "Answered calls by method and outcome reason (ok or the error reason).");
  // Labels are bounded here; two long values that end up equal are added up, never repeated.
  std::map<std::pair<std::string, std::string>, std::uint64_t> calls;
  for (const auto& [key, count] : calls_) calls[{short_label(key.first), short_label(key.second)}] += count;
  for (const auto& [key, count] : calls)
    out.sample({{"method", key.first}, {"reason", key.second}}, static_cast<double>(count));
  out.family("eportd_refusals_total", "counter",
             "Calls refused because the caller lacks the admin role, by method.");
  std::map<std::string, std::uint64_t> refusals;
  for (const auto& [method, count] : refusals_) refusals[short_label(method)] += count;
  for (const auto& [method, count] : refusals) out.sample({{"method", method}}, static_cast<double>(count));
  out.family("eportd_events_dropped_total", "counter",
             "Events not delivered to subscribers that read too slowly.");
  out.sample({}, static_cast<double>(dropped_));
}

}  // namespace eport::metrics
