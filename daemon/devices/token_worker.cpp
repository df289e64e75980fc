#include "devices/token_worker.hpp"

#include <utility>

#include <spdlog/spdlog.h>

#include "devices/job_policy.hpp"
#include "devices/pcsc_card_channel.hpp"
#include "devices/pcsc_handles.hpp"

namespace eport::devices {

TokenWorker::TokenWorker(std::string reader, std::vector<std::uint8_t> atr,
                         std::vector<drivers::Driver*> drivers, std::size_t queue_limit,
                         SetupHandler on_setup)
    : reader_(std::move(reader)),
      atr_(std::move(atr)),
      drivers_(std::move(drivers)),
      on_setup_(std::move(on_setup)),
      queue_(queue_limit) {}

TokenWorker::~TokenWorker() {
  stop();
  join();
}

void TokenWorker::start() {
  thread_ = std::thread([this] { run(); });
}

SubmitResult TokenWorker::submit(Job& job) {
  switch (queue_.push(job)) {
    case PushResult::queued: return SubmitResult::queued;
    case PushResult::full: return SubmitResult::busy;
    case PushResult::closed: break;
  }
  return SubmitResult::no_such_token;
}

void TokenWorker::stop() {
  for (Job& job : queue_.close())
    if (job.done) job.done({JobEnd::token_removed, "the card was removed before the operation ran"});
}

void TokenWorker::join() {
  if (thread_.joinable()) thread_.join();
}

bool TokenWorker::join_until(std::chrono::steady_clock::time_point deadline) {
  {
    std::unique_lock lock(finished_mutex_);
    if (!finished_cv_.wait_until(lock, deadline, [this] { return finished_.load(); })) return false;
  }
  join();
  return true;
}

void TokenWorker::run() {
  const CardSetup setup = setup_card();
  std::optional<Token> token = on_setup_(setup);
  if (token) {
    token_ = std::move(*token);
    while (std::optional<Job> job = queue_.pop()) run_job(*job);
  }
  stop();
  handle_.close();  // close_token() must not talk to the card; it does not need the transaction
  channel_.reset();
  card_.reset();
  context_.reset();
  {
    std::lock_guard lock(finished_mutex_);
    finished_ = true;
  }
  finished_cv_.notify_all();
}

CardSetup TokenWorker::setup_card() {
  CardSetup setup;
  PcscCode code = 0;
  context_ = std::make_unique<PcscContext>(PcscContext::establish(code));
  if (!context_->valid()) {
    setup.error = "cannot reach pcscd: " + pcsc_error_text(code);
    return setup;
  }
  card_ = std::make_unique<PcscCard>(PcscCard::connect(*context_, reader_, code));
  if (!card_->connected()) {
    setup.error = "cannot connect to the card in '" + reader_ + "': " + pcsc_error_text(code);
    return setup;
  }
  channel_ = std::make_unique<PcscCardChannel>(*card_);
  code = begin_transaction();
  if (code != 0) {
    setup.error = "cannot start a transaction on the card: " + pcsc_error_text(code);
    return setup;
  }
  channel_->begin_session();
  recognise(setup);
  channel_->end_session();
  card_->end_transaction();
  return setup;
}

// Offers the card to each driver in config order; the first that says "mine" opens it.
void TokenWorker::recognise(CardSetup& setup) {
  for (drivers::Driver* driver : drivers_) {
    const auto matched = driver->match(*channel_, atr_);
    if (!matched.ok() || !matched.value) {
      if (matched.status != drivers::Status::NoMatch)
        spdlog::warn("driver {} could not tell whether the card in '{}' is its own: {}", driver->info().name,
                     reader_, matched.detail);
      continue;
    }
    setup.driver = driver;
    auto opened = driver->open_token(*channel_);
    if (!opened.ok()) {
      setup.error = "driver " + driver->info().name + " could not open the card: " + opened.detail;
      return;
    }
    handle_ = std::move(opened.value);
    driver_ = driver;
    if (!driver->supports(EPORT_CAP_IDENTIFY)) return;
    const auto identity = driver->identify(handle_, *channel_);
    if (identity.ok()) setup.identity = identity.value;
    else setup.error = "driver " + driver->info().name + " could not identify the card: " + identity.detail;
    return;
  }
}

std::int64_t TokenWorker::begin_transaction() {
  PcscCode code = card_->begin_transaction();
  if (pcsc_card_reset(code)) {
    // Someone reset the card between our jobs: nothing of ours was interrupted.
    ++resets_seen_;
    code = card_->reconnect();
    spdlog::debug("the card in '{}' was reset by another program; reconnected: {}", reader_,
                  code == 0 ? "ok" : pcsc_error_text(code));
    if (code == 0) code = card_->begin_transaction();
  }
  return code;
}

void TokenWorker::run_job(Job& job) {
  if (driver_ == nullptr || !handle_.is_open()) {  // a token in state "error"
    if (job.done) job.done({JobEnd::failed, token_.error.value_or("the card could not be opened")});
    return;
  }
  if (job.gate && job.gate->dropped()) return end_expired(job);  // not even a transaction
  JobOutcome outcome;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    channel_->clear();
    const PcscCode begin = begin_transaction();  // may wait long: another program's transaction
    if (begin != 0) {
      outcome = outcome_for_pcsc(begin);
      break;
    }
    if (attempt == 1 && job.gate && !job.gate->try_start(JobGate::Clock::now())) {
      card_->end_transaction();
      return end_expired(job);
    }
    channel_->begin_session();
    AttemptReport report;
    TokenSession session(*channel_, *driver_, handle_, token_, attempt, resets_seen_);
    try {
      job.work(session);
    } catch (const std::exception& e) {
      report = {true, e.what()};
    } catch (...) {
      report = {true, "unknown exception"};
    }
    channel_->end_session();
    const PcscCode end = card_->end_transaction(session.reset_requested());
    report.reset = channel_->reset_seen() || pcsc_card_reset(end);
    report.removed = channel_->removed_seen();
    report.pcsc_error = channel_->last_error();
    if (report.reset) {
      ++resets_seen_;
      const PcscCode again = card_->reconnect();
      spdlog::debug("the card in '{}' was reset during a job; reconnected: {}", reader_,
                    again == 0 ? "ok" : pcsc_error_text(again));
    }
    const AttemptDecision decision = after_attempt(report, job.read_only, attempt);
    outcome = decision.outcome;
    if (!decision.retry) break;
  }
  if (job.done) job.done(outcome);
}

void TokenWorker::end_expired(Job& job) {
  if (job.done)
    job.done({JobEnd::expired,
              "the card was not free before the operation's deadline; nothing was sent to the card"});
}

}  // namespace eport::devices
