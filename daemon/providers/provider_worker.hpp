#pragma once
// One thread per token-provider token: it opens the token, then runs the token's jobs one after
// the other (no PC/SC transaction: the provider's library talks to its token itself).

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "devices/bounded_queue.hpp"
#include "devices/job_runner.hpp"
#include "devices/token.hpp"
#include "drivers/driver.hpp"

namespace eport::providers {

/// The serial queue of one provider token.
class ProviderWorker final : public devices::JobRunner, public std::enable_shared_from_this<ProviderWorker> {
 public:
  /// Called once on the worker's thread after open_provider_token(): returns the token as the
  /// registry lists it (state "error" when the open failed), or nullopt to end the worker (the
  /// token went away: NOT_FOUND, or the watcher retired it meanwhile).
  using OpenedHandler = std::function<std::optional<devices::Token>(
      const drivers::Result<drivers::TokenHandle>& opened, std::shared_ptr<devices::JobRunner> self)>;

  /// A worker for the token with `key` (TokenIdentity::key()) of `driver`, which must outlive
  /// it. At most `queue_limit` jobs wait; more are answered busy.
  ProviderWorker(drivers::Driver& driver, std::string key, std::size_t queue_limit, OpenedHandler on_opened);
  /// Stops and joins the thread.
  ~ProviderWorker() override;
  ProviderWorker(const ProviderWorker&) = delete;
  ProviderWorker& operator=(const ProviderWorker&) = delete;

  /// Starts the thread (held by a shared_ptr: the handler receives it).
  void start();
  /// JobRunner.
  devices::SubmitResult submit(devices::Job& job) override;
  /// JobRunner: waiting jobs end as token_removed; close_token() follows the job in progress.
  void stop() override;
  /// JobRunner.
  bool finished() const override { return finished_.load(); }
  /// JobRunner.
  void join() override;

 private:
  void run();
  void run_job(devices::Job& job);

  drivers::Driver& driver_;
  const std::string key_;
  OpenedHandler on_opened_;
  devices::BoundedQueue<devices::Job> queue_;
  std::atomic<bool> finished_{false};
  std::thread thread_;

  // Used by the worker thread only.
  drivers::TokenHandle handle_;
  devices::Token token_;
};

}  // namespace eport::providers
