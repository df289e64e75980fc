#pragma once
// Everything eportd needs for metrics, built once by main(): the model, the feed that keeps it
// up to date from the event bus and the dispatcher, metrics.get, and the textfile writer when
// `metrics.textfile` is set.
//
//   metrics::MetricsService metrics(bus, config.metrics, version);
//   metrics.register_methods(table);
//   metrics.observe_calls(dispatcher);
//   metrics.start();      // writes the file, then on changes
//   ...
//   metrics.stop();       // the last file says eportd_up 0

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "events/event_bus.hpp"
#include "ipc/dispatcher.hpp"
#include "ipc/method_table.hpp"
#include "metrics/event_feed.hpp"
#include "metrics/metrics_model.hpp"
#include "metrics/textfile_writer.hpp"

namespace eport::metrics {

/// Owns the metrics side of the daemon.
class MetricsService {
 public:
  /// Starts observing `bus` at once, so no event after construction is missed. `bus` must
  /// outlive this object.
  MetricsService(events::EventBus& bus, const config::Metrics& settings, const std::string& version);
  /// Stops the writer.
  ~MetricsService();
  MetricsService(const MetricsService&) = delete;
  MetricsService& operator=(const MetricsService&) = delete;

  /// The loaded drivers (each gets a tokens-present sample, 0 while it has no token).
  void set_drivers(std::vector<std::string> names);
  /// Adds metrics.get.
  void register_methods(ipc::MethodTable& table);
  /// Counts every answered call by method and reason.
  void observe_calls(ipc::Dispatcher& dispatcher);
  /// Starts the textfile writer (nothing when no textfile is configured).
  void start();
  /// Writes the last file (eportd_up 0) and stops the writer.
  void stop();

  /// diag.report's `metrics`: {"textfile": null} when off, else the writer's status.
  nlohmann::json status() const;
  /// The model (tests, metrics.get).
  const MetricsModel& model() const { return model_; }

 private:
  MetricsModel model_;
  std::shared_ptr<EventFeed> feed_;
  std::unique_ptr<TextfileWriter> writer_;
};

}  // namespace eport::metrics
