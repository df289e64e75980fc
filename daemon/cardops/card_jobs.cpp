#include "cardops/card_jobs.hpp"

#include <memory>
#include <mutex>

#include <spdlog/spdlog.h>

#include "eport/common/reasons.hpp"
#include "ipc/error_codes.hpp"

namespace eport::cardops {

namespace {

/// One job's answer bookkeeping, shared by the deadline timer and the worker's done().
struct JobState {
  std::mutex mutex;
  bool answered = false;             // the caller heard its answer
  bool late = false;                 // ... from the deadline, while the job ran
  std::optional<Failure> preflight;  // why the work was not run (the attempt record failed)
  std::function<void(const JobResult&, bool late)> then;
  Interrupted interrupted;  // what the work knows when the job is cut short
};

/// Takes the continuation for its last call (the captured reply and data are released at once).
std::function<void(const JobResult&, bool)> take(JobState& state) {
  std::function<void(const JobResult&, bool)> then;
  then.swap(state.then);
  return then;
}

std::string job_id(CardContext& context) {
  return std::to_string(context.started_unix) + "." + std::to_string(++context.jobs);
}

/// The worker's end of a job: the caller's answer, or the late outcome.
void job_done(JobState& state, const devices::JobOutcome& outcome) {
  std::function<void(const JobResult&, bool)> then;
  bool late = false;
  {
    std::lock_guard lock(state.mutex);
    if (state.answered && !state.late) return;  // dropped at its deadline: nothing ran
    late = state.late;
    state.answered = true;
    then = take(state);
  }
  if (!then) return;
  if (state.preflight) return then(state.preflight, late);
  if (outcome.end == devices::JobEnd::completed) return then(std::nullopt, late);
  const Failure cut = from_outcome(outcome);
  then(state.interrupted ? state.interrupted(cut) : JobResult(cut), late);
}

/// The deadline: drop the job if it has not started; otherwise answer and let it finish.
void job_deadline(JobState& state, devices::JobGate& gate, long long seconds, bool read_only,
                  const std::string& job) {
  std::function<void(const JobResult&, bool)> then;
  bool dropped = false;
  {
    std::lock_guard lock(state.mutex);
    if (state.answered) return;
    state.answered = true;
    dropped = gate.try_drop();
    state.late = !dropped;
    then = dropped ? take(state) : state.then;  // a running job still needs it at its end
  }
  if (then) then(timeout_failure(seconds, read_only, !dropped, job), false);
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

/// `reply`, with the job id added to the result / error.data (privileged calls: it links the
/// answer to the job's audit records).
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

}  // namespace

CardCall card_call(const ipc::Request& request, const std::string& token, bool privileged) {
  return {request.id, request.method, token, request.peer, privileged};
}

Failure timeout_failure(long long seconds, bool read_only, bool started, const std::string& job) {
  const std::string waited = std::to_string(seconds) + " s";
  if (!started)
    return {"timeout",
            "The card was not free within " + waited +
                " (another program or an earlier request was using it). Nothing was sent to the card: "
                "no PIN or PUK try was spent. Try again when the card is free.",
            {{"sent_to_card", false}}};
  if (read_only)
    return {"timeout",
            "The card did not answer within " + waited + ". Re-insert the card and try again.",
            {{"sent_to_card", true}, {"job", job}}};
  return {"timeout",
          "The card did not finish within " + waited +
              ". The operation was already on the card and goes on: its outcome will be sent as a "
              "job.finished event for job " +
              job + " and written to the audit log. Check the card's state before trying again.",
          {{"sent_to_card", true}, {"job", job}}};
}

namespace {

void start_job(CardContext& context, const CardCall& call, const std::string& job,
               std::function<void(devices::TokenSession&)> work,
               std::function<void(const JobResult&, bool)> then, Interrupted interrupted) {
  const bool read_only = !call.privileged;
  const auto timeout = context.card_timeout();
  auto state = std::make_shared<JobState>();
  state->then = std::move(then);
  state->interrupted = std::move(interrupted);
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
    if (first) first(from_submit(submitted, call.token), false);
    return;
  }
  context.timer.schedule(timeout, [state, gate, seconds = timeout.count(), read_only, job] {
    job_deadline(*state, *gate, seconds, read_only, job);
  });
}

}  // namespace

void submit_card_job(CardContext& context, const CardCall& call,
                     std::function<void(devices::TokenSession&)> work,
                     std::function<void(const JobResult&, bool late)> then, Interrupted interrupted) {
  start_job(context, call, job_id(context), std::move(work), std::move(then), std::move(interrupted));
}

void run_on_token(CardContext& context, const CardCall& call,
                  std::function<void(devices::TokenSession&)> work,
                  std::function<void(const ipc::Reply&)> finish, const ipc::Reply& reply,
                  Interrupted interrupted) {
  const auto job = job_id(context);
  const ipc::Reply answer = call.privileged ? with_job(reply, job) : reply;
  start_job(
      context, call, job, std::move(work),
      [&context, call, job, finish = std::move(finish), reply = answer](const JobResult& result, bool late) {
        if (!late) {
          if (result) return fail(reply, *result);
          return finish(reply);
        }
        // The caller heard `timeout` while the job ran: its real answer becomes the
        // job.finished event (and the audit record of a privileged call).
        ipc::Reply outcome(call.id, [&context, call, job](nlohmann::json response) {
          context.service.events.publish("job.finished", finished_event(call, job, response));
          if (call.privileged) record_late_outcome(context.service, call, job, response);
          spdlog::info("{} on {} (job {}) ended after its caller heard timeout: {}", call.method, call.token,
                       job, response.contains("result") ? "ok" : "error");
        });
        if (result) return fail(outcome, *result);
        finish(outcome);
      },
      std::move(interrupted));
}

}  // namespace eport::cardops
