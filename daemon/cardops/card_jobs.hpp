#pragma once
// How the card methods run work on a token's worker, with a deadline (limits.card_timeout_s):
//
// - a job that has not started when its deadline passes is dropped: its caller hears `timeout`
//   with `sent_to_card: false`, and nothing of it ever reaches the card (not even later);
// - a job already running is let finish: its caller hears `timeout` with `sent_to_card: true`
//   and the job's id, and the real outcome follows as a `job.finished` event (and, for a
//   privileged method, an audit record);
// - a privileged job writes its "attempt" audit record before its first APDU and sends nothing
//   when the record cannot be written (`audit_failed`).

#include <functional>
#include <optional>
#include <string>

#include "cardops/card_audit.hpp"
#include "cardops/card_context.hpp"
#include "devices/token_job.hpp"
#include "ipc/reply.hpp"

namespace eport::cardops {

/// How a card job ended for a method: nullopt = the work ran to its end (its own captured
/// results say what the card answered), else why it did not.
using JobResult = std::optional<Failure>;

/// Given the failure of a job that was cut short (card pulled or reset, pcscd gone), the failure
/// to answer — or nullopt when the work had finished with a result of its own, which stands.
using Interrupted = std::function<std::optional<Failure>(const Failure& interrupted)>;

/// The CardCall of `request` on `token`.
CardCall card_call(const ipc::Request& request, const std::string& token, bool privileged);

/// Runs `work` on `token`'s worker inside a card transaction, under the deadline rules above.
/// `then` runs once with the answer for the caller (late = false): after the work, or when the
/// job could not be queued, the card left, pcscd failed, or the deadline came; and once more
/// with late = true when the deadline found the job running and it has now ended.
void submit_card_job(CardContext& context, const CardCall& call,
                     std::function<void(devices::TokenSession&)> work,
                     std::function<void(const JobResult&, bool late)> then,
                     Interrupted interrupted = nullptr);

/// submit_card_job for one request: a failure answers `reply`, otherwise `finish` answers the
/// Reply it is given — `reply`, or for a late end a Reply whose answer becomes the job.finished
/// event (and the audit record of a privileged call).
void run_on_token(CardContext& context, const CardCall& call,
                  std::function<void(devices::TokenSession&)> work,
                  std::function<void(const ipc::Reply&)> finish, const ipc::Reply& reply,
                  Interrupted interrupted = nullptr);

/// The `timeout` failure for a job after `seconds`: not started (nothing sent) or running.
Failure timeout_failure(long long seconds, bool read_only, bool started, const std::string& job);

}  // namespace eport::cardops
