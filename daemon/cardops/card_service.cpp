#include "cardops/card_service.hpp"

#include <spdlog/spdlog.h>

#include "cardops/card_reading.hpp"

namespace eport::cardops {

void RegistryEvents::on_pcsc_state(bool up, const std::string& detail) {
  service_.events.publish_internal("pcsc.state", {{"up", up}});  // metrics
  if (up) spdlog::info("pcscd is reachable");
  else spdlog::warn("pcscd is not reachable: {}", detail);
}

void RegistryEvents::on_reader_added(const devices::ReaderInfo& reader) {
  service_.events.publish("reader.added", {{"reader", reader.to_json()}});
}

void RegistryEvents::on_reader_removed(const std::string& reader) {
  service_.events.publish("reader.removed", {{"reader", reader}});
}

void RegistryEvents::on_token_added(const devices::Token& token) {
  service_.events.publish("token.added", {{"token", token.to_json()}});
  if (!context_ || token.state != "ready") return;
  // Insertion is one of the two moments a card is touched unasked: read its certificates once
  // for the expiry events (no PIN figures: nobody asked for them).
  // No deadline: nobody waits for it. Written and read on the worker thread only.
  auto reading = std::make_shared<std::optional<CardResult<CardReading>>>();
  auto* context = context_;
  const auto id = token.id;
  devices::Job job;
  job.read_only = true;
  job.work = [context, id, reading](devices::TokenSession& s) {
    *reading = read_card(s, false);
    if (**reading)
      context->certs.store(id, (**reading)->slots, (**reading)->certificates, context->now_unix(),
                           s.resets());  // token.status's cache
  };
  job.done = [context, id, reading](const devices::JobOutcome& outcome) {
    if (outcome.end != devices::JobEnd::completed || !*reading || !**reading) return;
    const CardReading& read = ***reading;
    context->labels.remember(id, read.slots);
    auto report = summarise_certificates(read, context->now_unix(),
                                         context->service.config.get()->expiry_warn_days, context->summaries);
    context->expiry.observe(id, report.summaries);
    context->service.events.publish_internal("token.read",
                                             {{"token", id}, {"certificates", certificates_json(report)}});
  };
  context_->registry.submit(id, std::move(job));
}

void RegistryEvents::on_token_removed(const devices::Token& token) {
  if (context_) {
    context_->expiry.forget(token.id);
    context_->labels.forget(token.id);
    context_->certs.forget(token.id);
  }
  service_.events.publish("token.removed", {{"token", token.id}});
}

CardService::CardService(methods::ServiceContext& service, std::vector<drivers::Driver*> card_drivers,
                         x509::Clock clock)
    : service_(service),
      events_(service),
      puks_(service.config.get()->state_dir + "/puk-counters.json"),
      registry_(std::move(card_drivers), events_),
      expiry_([&service] { return service.config.get()->expiry_warn_days; },
              [&service](const std::string& topic, nlohmann::json params) {
                service.events.publish(topic, std::move(params));
              },
              [clock] { return x509::to_unix_seconds(clock()); }),
      context_{service, registry_, expiry_, clock, timer_, labels_, puks_, certs_, coalescer_, summaries_} {
  context_.started_unix = x509::to_unix_seconds(clock());
  events_.attach(&context_);
}

CardService::~CardService() { stop(); }

void CardService::register_methods(ipc::MethodTable& table) { register_card_methods(table, context_); }

void CardService::start() {
  if (started_) return;
  started_ = true;
  expiry_.start();
  if (!service_.config.get()->pcsc_enabled) {
    spdlog::info("pcsc.enabled is false: not watching PC/SC readers");
    return;
  }
  watcher_ = std::make_unique<devices::PcscWatcher>(registry_);
  watcher_->start();
}

bool CardService::stop(std::chrono::steady_clock::duration grace) {
  if (watcher_) watcher_->stop();
  watcher_.reset();
  // The workers' jobs use the expiry monitor, the labels, the PUK memory and the service: join
  // them first.
  const bool joined = registry_.shutdown(std::chrono::steady_clock::now() + grace);
  if (!joined) return false;
  expiry_.stop();
  timer_.stop();
  return true;
}

nlohmann::json CardService::readers_json() const {
  auto list = nlohmann::json::array();
  for (const auto& reader : registry_.readers()) list.push_back(reader.to_json());
  return list;
}

nlohmann::json CardService::tokens_json() const {
  auto list = nlohmann::json::array();
  for (const auto& token : registry_.tokens()) list.push_back(token.to_json());
  return list;
}

std::string CardService::pcsc_state(std::string* detail) const {
  if (detail) *detail = registry_.pcsc_detail();
  return registry_.pcsc_up() ? "up" : "down";
}

}  // namespace eport::cardops
