#include "providers/provider_worker.hpp"

#include <utility>

namespace eport::providers {

ProviderWorker::ProviderWorker(drivers::Driver& driver, std::string key, std::size_t queue_limit,
                               OpenedHandler on_opened)
    : driver_(driver), key_(std::move(key)), on_opened_(std::move(on_opened)), queue_(queue_limit) {}

ProviderWorker::~ProviderWorker() {
  stop();
  join();
}

void ProviderWorker::start() {
  thread_ = std::thread([this] { run(); });
}

devices::SubmitResult ProviderWorker::submit(devices::Job& job) {
  switch (queue_.push(job)) {
    case devices::PushResult::queued: return devices::SubmitResult::queued;
    case devices::PushResult::full: return devices::SubmitResult::busy;
    case devices::PushResult::closed: break;
  }
  return devices::SubmitResult::no_such_token;
}

void ProviderWorker::stop() {
  for (devices::Job& job : queue_.close())
    if (job.done)
      job.done({devices::JobEnd::token_removed, "the token was removed before the operation ran"});
}

void ProviderWorker::join() {
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void ProviderWorker::run() {
  auto opened = driver_.open_provider_token(key_);
  std::optional<devices::Token> token = on_opened_(opened, shared_from_this());
  if (token) {
    token_ = std::move(*token);
    if (opened.ok()) handle_ = std::move(opened.value);
    while (std::optional<devices::Job> job = queue_.pop()) run_job(*job);
  }
  stop();
  handle_.close();  // on this thread, as the ABI promises
  finished_ = true;
}

void ProviderWorker::run_job(devices::Job& job) {
  if (!handle_.is_open()) {  // a token in state "error"
    if (job.done) job.done({devices::JobEnd::failed, token_.error.value_or("the token could not be opened")});
    return;
  }
  // A job whose caller already heard `timeout` (the token was busy with a stuck call) never runs.
  if (job.gate && !job.gate->try_start(devices::JobGate::Clock::now())) {
    if (job.done)
      job.done({devices::JobEnd::expired,
                "the token was not free before the operation's deadline; nothing was sent to it"});
    return;
  }
  devices::JobOutcome outcome;
  drivers::NoChannel none;
  devices::TokenSession session(none, driver_, handle_, token_, 1);
  try {
    job.work(session);
  } catch (const std::exception& e) {
    outcome = {devices::JobEnd::failed, std::string("internal error: ") + e.what()};
  } catch (...) {
    outcome = {devices::JobEnd::failed, "internal error: unknown exception"};
  }
  if (job.done) job.done(outcome);
}

}  // namespace eport::providers
