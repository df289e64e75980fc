#include "cardops/card_jobs.hpp"

#include <memory>
#include <mutex>

#include <spdlog/spdlog.h>

#include "eport/common/reasons.hpp"
#include "ipc/error_codes.hpp"

namespace eport::cardops {

namespace {

using Ended = std::function<void(const JobEnding&, bool late)>;

/// One job's answer bookkeeping, shared by the deadline timer and the worker's done().
struct JobState {
  std::mutex mutex;
  bool answered = false;             // the caller heard its answer
  bool late = false;                 // ... from the deadline, while the job ran
  std::optional<Failure> preflight;  // why the work was not run (the attempt record failed)
  Ended ended;
};

/// Takes the continuation for its last call (the captured reply and data are released at once).
Ended take(JobState& state) {
  Ended ended;
  ended.swap(state.ended);
  return ended;
}

/// What the worker's outcome means for the job.
JobEnding ending_of(const JobState& state, const devices::JobOutcome& outcome) {
  using Kind = JobEnding::Kind;
  if (state.preflight) return {Kind::refused, state.preflight};
  switch (outcome.end) {
    case devices::JobEnd::completed: return {Kind::completed, std::nullopt};
    case devices::JobEnd::token_removed:
    case devices::JobEnd::card_reset:
    case devices::JobEnd::pcsc_error: return {Kind::cut, from_outcome(outcome)};
    case devices::JobEnd::failed:  // the work threw: it returned nothing
    case devices::JobEnd::expired: break;
  }
  return {Kind::refused, from_outcome(outcome)};
}

/// The worker's end of a job: the caller's answer, or the late outcome.
void job_done(JobState& state, const devices::JobOutcome& outcome) {
  Ended ended;
  bool late = false;
  {
    std::lock_guard lock(state.mutex);
    if (state.answered && !state.late) return;  // dropped at its deadline: nothing ran
    late = state.late;
    state.answered = true;
    ended = take(state);
  }
  if (ended) ended(ending_of(state, outcome), late);
}

/// The deadline: drop the job if it has not started; otherwise answer and let it finish.
void job_deadline(JobState& state, devices::JobGate& gate, long long seconds, bool read_only,
                  const std::string& job) {
  Ended ended;
  bool dropped = false;
  {
    std::lock_guard lock(state.mutex);
    if (state.answered) return;
    state.answered = true;
    dropped = gate.try_drop();
    state.late = !dropped;
    ended = dropped ? take(state) : state.ended;  // a running job still needs it at its end
  }
  if (ended) ended({JobEnding::Kind::refused, timeout_failure(seconds, read_only, !dropped, job)}, false);
}

nlohmann::json finished_event(const CardCall& call, const std::string& job, const nlohmann::json& response) {
  nlohmann::json event = {{"job", job}, {"token", call.token}, {"method", call.method}};
  if (response.contains("result")) {
    event["outcome"] = "ok";
    event["reason"] = nullptr;
    event["result"] = response["result"];
  } else {
    const auto& error = response.value("error", nlohmann::json::object());
    event["outcome"] = "error";
    event["reason"] = error.value("data", nlohmann::json::object()).value("reason", nlohmann::json(nullptr));
    event["error"] = error;
  }
  return event;
}

}  // namespace

CardCall card_call(const ipc::Request& request, const std::string& token, bool privileged) {
  return {request.id, request.method, token, request.peer, privileged};
}

std::string next_job_id(CardContext& context) {
  return std::to_string(context.started_unix) + "." + std::to_string(++context.jobs);
}

Failure timeout_failure(long long seconds, bool read_only, bool started, const std::string& job) {
  const std::string waited = std::to_string(seconds) + " s";
  if (!started)
    return {reasons::timeout,
            "The card was not free within " + waited +
                " (another program or an earlier request was using it). Nothing was sent to the card: "
                "no PIN or PUK try was spent. Try again when the card is free.",
            {{"sent_to_card", false}}};
  if (read_only)
    return {reasons::timeout,
            "The card did not answer within " + waited + ". Re-insert the card and try again.",
            {{"sent_to_card", true}, {"job", job}}};
  return {reasons::timeout,
          "The card did not finish within " + waited +
              ". The operation was already on the card and goes on: its outcome will be sent as a "
              "job.finished event for job " +
              job + " and written to the audit log. Check the card's state before trying again.",
          {{"sent_to_card", true}, {"job", job}}};
}

ipc::Reply with_job(const ipc::Reply& reply, const std::string& job) {
  return ipc::Reply(reply.id(), [reply, job](nlohmann::json response) {
    if (response.contains("result")) {
      auto result = std::move(response["result"]);
      if (result.is_object()) result["job"] = job;
      return reply.result(std::move(result));
    }
    auto error = response.value("error", nlohmann::json::object());
    auto data = error.value("data", nlohmann::json::object());
    if (data.is_object()) data["job"] = job;
    reply.error(error.value("code", ipc::kInternalError), error.value("message", std::string()),
                std::move(data));
  });
}

ipc::Reply late_reply(CardContext& context, const CardCall& call, const std::string& job) {
  return ipc::Reply(call.id, [&context, call, job](nlohmann::json response) {
    // The audit record first: a client that hears job.finished may read the audit log at once.
    if (call.privileged) record_late_outcome(context.service, call, job, response);
    context.service.events.publish("job.finished", finished_event(call, job, response));
    spdlog::info("{} on {} (job {}) ended after its caller heard timeout: {}", call.method, call.token, job,
                 response.contains("result") ? "ok" : "error");
  });
}

void start_card_job(CardContext& context, const CardCall& call, const std::string& job,
                    std::function<void(devices::TokenSession&)> work, Ended ended) {
  const bool read_only = !call.privileged;
  const auto timeout = context.card_timeout();
  auto state = std::make_shared<JobState>();
  state->ended = std::move(ended);
  auto gate = std::make_shared<devices::JobGate>(devices::JobGate::Clock::now() + timeout);

  devices::Job card_job;
  card_job.read_only = read_only;
  card_job.gate = gate;
  card_job.work = [&context, call, job, state, work = std::move(work)](devices::TokenSession& session) {
    if (call.privileged && !record_attempt(context.service, call, job)) {
      state->preflight = Failure{reasons::audit_failed,
                                 "eportd could not write the audit record of this call, so nothing was "
                                 "sent to the card. Check the disk that holds the state directory (" +
                                     context.service.audit.path() + ").",
                                 {{"sent_to_card", false}}};
      return;
    }
    work(session);
  };
  card_job.done = [state](const devices::JobOutcome& outcome) { job_done(*state, outcome); };
  const auto submitted = context.registry.submit(call.token, std::move(card_job));
  if (submitted != devices::SubmitResult::queued) {
    auto first = take(*state);
    if (first) first({JobEnding::Kind::refused, from_submit(submitted, call.token)}, false);
    return;
  }
  context.timer.schedule(timeout, [state, gate, seconds = timeout.count(), read_only, job] {
    job_deadline(*state, *gate, seconds, read_only, job);
  });
}

}  // namespace eport::cardops
