#include "cardops/card_context.hpp"

#include <string.h>  // explicit_bzero

#include <cctype>

#include "ipc/params.hpp"

namespace eport::cardops {

void submit_card_job(CardContext& context, const std::string& token, bool read_only,
                     std::function<void(devices::TokenSession&)> work,
                     std::function<void(const JobResult&)> then) {
  // The deadline timer keeps `once` for card_timeout: after the first call the continuation
  // (and the reply and card data it holds) is released at once, not 30 s later.
  struct Pending {
    std::mutex mutex;
    std::function<void(const JobResult&)> then;
  };
  auto pending = std::make_shared<Pending>();
  pending->then = std::move(then);
  auto once = [pending](const JobResult& result) {
    std::function<void(const JobResult&)> then;
    {
      std::lock_guard lock(pending->mutex);
      then.swap(pending->then);
    }
    if (then) then(result);
  };
  devices::Job job;
  job.read_only = read_only;
  job.work = std::move(work);
  job.done = [once](const devices::JobOutcome& outcome) {
    if (outcome.end == devices::JobEnd::completed) return once(std::nullopt);
    once(from_outcome(outcome));
  };
  const auto submitted = context.registry.submit(token, std::move(job));
  if (submitted != devices::SubmitResult::queued) return once(from_submit(submitted, token));
  const auto seconds = context.card_timeout.count();
  context.timer.schedule(context.card_timeout, [once, read_only, seconds] {
    once(
        Failure{"timeout", "The card did not answer within " + std::to_string(seconds) + " s. " +
                               (read_only ? std::string("Re-insert the card and try again.")
                                          : std::string("The operation may or may not have reached the card: "
                                                        "re-insert the card and check its state before "
                                                        "trying again."))});
  });
}

void run_on_token(CardContext& context, const std::string& token, bool read_only,
                  std::function<void(devices::TokenSession&)> work, std::function<void()> finish,
                  const ipc::Reply& reply) {
  submit_card_job(context, token, read_only, std::move(work),
                  [finish = std::move(finish), reply](const JobResult& result) {
                    if (result) return fail(reply, *result);
                    finish();
                  });
}

void SlotLabels::remember(const std::string& token, const std::vector<drivers::SlotInfo>& slots) {
  std::lock_guard lock(mutex_);
  auto& labels = labels_[token];
  for (const auto& slot : slots) labels[slot.slot] = slot.label;
}

std::string SlotLabels::label(const std::string& token, const std::string& slot) const {
  std::lock_guard lock(mutex_);
  auto t = labels_.find(token);
  if (t == labels_.end()) return "";
  auto s = t->second.find(slot);
  return s == t->second.end() ? "" : s->second;
}

void SlotLabels::forget(const std::string& token) {
  std::lock_guard lock(mutex_);
  labels_.erase(token);
}

std::string slot_param(const nlohmann::json& params) {
  auto slot = ipc::required_string(params, "slot");
  const bool ok = slot.size() == 2 && std::isxdigit(static_cast<unsigned char>(slot[0])) &&
                  std::isxdigit(static_cast<unsigned char>(slot[1]));
  if (!ok)
    throw ipc::InvalidParams("'slot' must be a slot id of two hex digits (PIV: 9a, 9c, 9d, 9e, 82-95)");
  for (auto& c : slot) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return slot;
}

void fail(const ipc::Reply& reply, const Failure& failure) {
  if (failure.code != -32000) return reply.error(failure.code, failure.message);
  reply.fail(failure.reason, failure.message, failure.extra);
}

void wipe(std::string& secret) {
  if (!secret.empty()) explicit_bzero(secret.data(), secret.size());
  secret.clear();
}

}  // namespace eport::cardops
