#include "cardops/card_context.hpp"

#include <string.h>  // explicit_bzero

namespace eport::cardops {

void run_on_token(CardContext& context, const std::string& token, bool read_only,
                  std::function<void(devices::TokenSession&)> work, std::function<void()> finish,
                  const ipc::Reply& reply) {
  devices::Job job;
  job.read_only = read_only;
  job.work = std::move(work);
  job.done = [finish = std::move(finish), reply](const devices::JobOutcome& outcome) {
    if (outcome.end != devices::JobEnd::completed) return fail(reply, from_outcome(outcome));
    finish();
  };
  const auto submitted = context.registry.submit(token, std::move(job));
  if (submitted != devices::SubmitResult::queued) fail(reply, from_submit(submitted, token));
}

void fail(const ipc::Reply& reply, const Failure& failure) {
  reply.fail(failure.reason, failure.message, failure.extra);
}

void wipe(std::string& secret) {
  if (!secret.empty()) explicit_bzero(secret.data(), secret.size());
  secret.clear();
}

}  // namespace eport::cardops
