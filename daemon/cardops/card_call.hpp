#pragma once
// The one shape of a card call: the work runs on the token's worker and returns
// CardResult<T> — its value, or a Failure — and the continuation receives a CardResult<T> too:
// what the work returned, or why it did not run to its end (queue full, no such token, deadline,
// card pulled, no audit record). One channel for every failure; the deadline rules and the
// late outcome are card_jobs.hpp's.
//
//   run_card_call<drivers::PinInfo>(
//       context, card_call(request, id, true),
//       [=](devices::TokenSession& s) -> CardResult<drivers::PinInfo> { ... },
//       [=](const ipc::Reply& reply, CardResult<drivers::PinInfo> result) {
//         if (!result) return fail(reply, result.error());
//         reply.result({{"pin", pin_state_json(*result)}});
//       },
//       reply);

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "cardops/card_jobs.hpp"
#include "eport/common/expected.hpp"
#include "eport/common/reasons.hpp"

namespace eport::cardops {

/// What a card call gives: a value, or the Failure to answer.
template <class T>
using CardResult = Expected<T, Failure>;

/// The result of a job from what its work returned (if it returned) and how the job ended. A
/// job cut short after its work returned a value keeps the value (the card did it); after the
/// work returned a Failure, the worker's reason and message win (the card was pulled, not
/// "transmit failed") and the work's extra fields and note (e.g. what the card holds) are kept.
template <class T>
CardResult<T> settle(std::optional<CardResult<T>> returned, const JobEnding& ending) {
  using Kind = JobEnding::Kind;
  if (ending.kind == Kind::completed && returned) return std::move(*returned);
  if (ending.kind != Kind::cut || !returned) {
    if (ending.failure) return unexpected(*ending.failure);
    return unexpected(Failure{reasons::driver_error, "The card operation did not complete."});
  }
  if (*returned) return std::move(*returned);
  Failure failure = *ending.failure;
  const Failure& known = returned->error();
  for (const auto& [key, value] : known.extra.items())
    if (!failure.extra.contains(key)) failure.extra[key] = value;
  if (!known.note.empty()) failure.message += known.note;
  failure.note = known.note;
  failure.facts = known.facts;
  return unexpected(std::move(failure));
}

/// Runs `work` on the token of `call` (card_jobs.hpp's rules); `then(result, late)` runs once
/// with late = false, and once more with late = true when the caller already heard `timeout`
/// and the job has now ended on the card.
template <class T>
void submit_card_call(CardContext& context, const CardCall& call, const std::string& job,
                      std::function<CardResult<T>(devices::TokenSession&)> work,
                      std::function<void(CardResult<T>, bool late)> then) {
  // Written and read on the worker thread only (a read-only job may run twice: overwritten).
  auto returned = std::make_shared<std::optional<CardResult<T>>>();
  start_card_job(
      context, call, job,
      [returned, work = std::move(work)](devices::TokenSession& session) { *returned = work(session); },
      [returned, then = std::move(then)](const JobEnding& ending, bool late) {
        // The deadline's answer must not look at `returned`: the work may be writing it.
        const bool from_work = ending.kind != JobEnding::Kind::refused;
        then(settle<T>(from_work ? std::move(*returned) : std::nullopt, ending), late);
      });
}

/// submit_card_call for one request: `answer(reply, result)` answers it — `reply` (with the job
/// id for a privileged call), or for a late end a Reply whose answer becomes the job.finished
/// event and the job's audit record.
template <class T>
void run_card_call(CardContext& context, const CardCall& call,
                   std::function<CardResult<T>(devices::TokenSession&)> work,
                   std::function<void(const ipc::Reply&, CardResult<T>)> answer, const ipc::Reply& reply) {
  const auto job = next_job_id(context);
  const ipc::Reply caller = call.privileged ? with_job(reply, job) : reply;
  submit_card_call<T>(
      context, call, job, std::move(work),
      [&context, call, job, caller, answer = std::move(answer)](CardResult<T> result, bool late) {
        answer(late ? late_reply(context, call, job) : caller, std::move(result));
      });
}

/// The results of `count` card calls made together, handed over in order once the last is in
/// (cert.check over every token). Thread-safe.
template <class T>
class Gather {
 public:
  /// A gathering whose `done` runs once, on the thread that delivers the last result.
  static std::shared_ptr<Gather> of(std::size_t count, std::function<void(std::vector<CardResult<T>>)> done) {
    return std::shared_ptr<Gather>(new Gather(count, std::move(done)));
  }
  /// The result of call `index`; a second result for the same index (a late end) is ignored.
  void put(std::size_t index, CardResult<T> result) {
    std::function<void(std::vector<CardResult<T>>)> done;
    {
      std::lock_guard lock(mutex_);
      if (results_[index]) return;
      results_[index] = std::move(result);
      if (--missing_ != 0) return;
      done.swap(done_);
    }
    std::vector<CardResult<T>> all;
    for (auto& result : results_) all.push_back(std::move(*result));
    done(std::move(all));
  }

 private:
  Gather(std::size_t count, std::function<void(std::vector<CardResult<T>>)> done)
      : missing_(count), results_(count), done_(std::move(done)) {}
  std::mutex mutex_;
  std::size_t missing_;
  std::vector<std::optional<CardResult<T>>> results_;
  std::function<void(std::vector<CardResult<T>>)> done_;
};

}  // namespace eport::cardops
