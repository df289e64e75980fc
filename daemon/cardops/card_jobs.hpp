#pragma once
// The untyped core under card_call.hpp: one card job on a token's worker, with a deadline
// (limits.card_timeout_s):
//
// - a job that has not started when its deadline passes is dropped: its caller hears `timeout`
//   with `sent_to_card: false`, and nothing of it ever reaches the card (not even later);
// - a job already running is let finish: its caller hears `timeout` with `sent_to_card: true`
//   and the job's id, and the real outcome follows (late) as a `job.finished` event and, for a
//   privileged method, an audit record;
// - a privileged job writes its "attempt" audit record before its first APDU and sends nothing
//   when the record cannot be written (`audit_failed`).
//
// Methods use the typed card_call.hpp; this layer knows nothing of what the work returns.

#include <functional>
#include <optional>
#include <string>

#include "cardops/card_audit.hpp"
#include "cardops/card_context.hpp"
#include "devices/token_job.hpp"
#include "ipc/reply.hpp"

namespace eport::cardops {

/// How a job ended, as far as the core can tell.
struct JobEnding {
  enum class Kind {
    completed,  ///< the work ran to its end: what it returned is the result
    refused,    ///< it never ran (queue refused it, deadline, card gone first, no audit record)
                ///< or it threw: `failure` is the result
    cut         ///< it ran, then the job was cut short (card pulled or reset, pcscd gone):
                ///< `failure` says why; what the work returned may add to it
  };
  Kind kind = Kind::completed;     ///< see above
  std::optional<Failure> failure;  ///< for refused and cut
};

/// The CardCall of `request` on `token`.
CardCall card_call(const ipc::Request& request, const std::string& token, bool privileged);

/// A new job id, unique in the audit log ("<eportd start time>.<n>").
std::string next_job_id(CardContext& context);

/// Runs `work` as job `job` under the rules above. `ended` runs once with late = false (the
/// answer for the caller: after the work, or when the queue refused the job, the card left,
/// pcscd failed, or the deadline came) and once more with late = true when the deadline found
/// the job running and it has now ended. `work` runs on the worker thread; `ended` on the worker
/// thread, the timer thread, or the caller's.
void start_card_job(CardContext& context, const CardCall& call, const std::string& job,
                    std::function<void(devices::TokenSession&)> work,
                    std::function<void(const JobEnding&, bool late)> ended);

/// `reply`, with the job id added to its result / error.data (privileged calls: it links the
/// answer to the job's audit records).
ipc::Reply with_job(const ipc::Reply& reply, const std::string& job);

/// The Reply a late outcome answers: its answer becomes the job.finished event and, for a
/// privileged call, the job's audit record.
ipc::Reply late_reply(CardContext& context, const CardCall& call, const std::string& job);

/// The `timeout` failure for a job after `seconds`: not started (nothing sent) or running.
Failure timeout_failure(long long seconds, bool read_only, bool started, const std::string& job);

}  // namespace eport::cardops
