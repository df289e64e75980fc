#pragma once
// Feeds the MetricsModel from the daemon's event bus (reader/token events, pin.changed,
// events dropped, and the internal facts token.read, cert.read, cert.written, pcsc.state) and
// from the dispatcher's answers (calls by method and reason, refusals). It never asks a card.

#include <string>

#include <nlohmann/json.hpp>

#include "events/event_bus.hpp"
#include "metrics/metrics_model.hpp"

namespace eport::metrics {

/// The outcome reason of a JSON-RPC response, as the calls counter labels it: "ok" for a
/// result, `error.data.reason` for an application error, else the standard error's name
/// ("invalid_params", "internal_error", ...). Bounded: lower-case letters, digits, '_' and '.'.
std::string outcome_reason(const nlohmann::json& response);

/// An EventObserver that keeps a MetricsModel up to date.
class EventFeed final : public events::EventObserver {
 public:
  /// `model` must outlive the feed.
  explicit EventFeed(MetricsModel& model) : model_(model) {}

  void on_event(const std::string& topic, const nlohmann::json& params) override;
  void on_dropped(std::uint64_t count) override;

  /// One answered call (the dispatcher's call hook): counts it by method and reason, and a
  /// not_authorized answer as a refusal.
  void on_answer(const std::string& method, const nlohmann::json& response);

 private:
  void apply(const std::string& topic, const nlohmann::json& params);
  void on_token_read(const nlohmann::json& params);

  MetricsModel& model_;
};

}  // namespace eport::metrics
