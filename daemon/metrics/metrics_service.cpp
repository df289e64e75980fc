#include "metrics/metrics_service.hpp"

#include <chrono>

#include "metrics/metrics_method.hpp"

namespace eport::metrics {

namespace {
std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

MetricsService::MetricsService(events::EventBus& bus, const config::Metrics& settings,
                               const std::string& version)
    : model_(version, unix_now()), feed_(std::make_shared<EventFeed>(model_)) {
  if (!settings.textfile.empty()) {
    writer_ = std::make_unique<TextfileWriter>(
        model_, TextfileOptions{settings.textfile, std::chrono::seconds(settings.refresh_s)});
    model_.set_listener([writer = writer_.get()] { writer->changed(); });
  }
  bus.observe(feed_);
}

MetricsService::~MetricsService() { stop(); }

void MetricsService::set_drivers(std::vector<std::string> names) { model_.set_drivers(std::move(names)); }

void MetricsService::register_methods(ipc::MethodTable& table) { register_metrics_methods(table, model_); }

void MetricsService::observe_calls(ipc::Dispatcher& dispatcher) {
  dispatcher.set_call_hook([feed = feed_](const std::string& method, const nlohmann::json& response) {
    feed->on_answer(method, response);
  });
}

void MetricsService::start() {
  if (writer_) writer_->start();
}

void MetricsService::stop() {
  if (!writer_) return;
  writer_->stop();
  model_.set_listener(nullptr);  // later events (cards leaving at shutdown) change no file
}

nlohmann::json MetricsService::status() const {
  return writer_ ? writer_->status() : nlohmann::json{{"textfile", nullptr}};
}

}  // namespace eport::metrics
