#pragma once
// One thread per card: it connects, lets the drivers recognise the card, then runs the token's
// jobs one after the other, each inside a PC/SC card transaction.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "devices/bounded_queue.hpp"
#include "devices/job_runner.hpp"
#include "devices/token.hpp"
#include "devices/token_job.hpp"
#include "drivers/driver.hpp"
#include "drivers/token_handle.hpp"

namespace eport::devices {

class PcscContext;
class PcscCard;
class PcscCardChannel;

/// What a worker found on its card.
struct CardSetup {
  /// The driver that took the card; null when none did (or the card could not be reached).
  drivers::Driver* driver = nullptr;
  /// What identify() said (empty strings when unknown).
  drivers::TokenIdentity identity;
  /// Why the card is unusable ("" when all went well).
  std::string error;
};

/// The serial queue of one card. All card I/O of a token happens on this thread.
class TokenWorker final : public JobRunner {
 public:
  /// Called once on the worker thread when setup is over: returns the token the registry
  /// created for the card, or nullopt to end the worker (no driver, or the card is gone).
  using SetupHandler = std::function<std::optional<Token>(const CardSetup&)>;

  /// A worker for the card in `reader`; `drivers` (card drivers, in config order) must outlive
  /// it. At most `queue_limit` jobs wait; more are answered `busy`.
  TokenWorker(std::string reader, std::vector<std::uint8_t> atr, std::vector<drivers::Driver*> drivers,
              std::size_t queue_limit, SetupHandler on_setup);
  /// Stops and joins the thread.
  ~TokenWorker() override;
  TokenWorker(const TokenWorker&) = delete;
  TokenWorker& operator=(const TokenWorker&) = delete;

  /// Starts the thread (connect + recognise happen there).
  void start();
  /// Queues a job; on busy / no_such_token the job is left untouched and done() is not called.
  SubmitResult submit(Job& job) override;
  /// Closes the queue (waiting jobs end as token_removed) and lets the thread end after the
  /// job in progress. Does not wait.
  void stop() override;
  /// True once the thread has ended (join() will not block).
  bool finished() const override { return finished_.load(); }
  /// Waits for the thread.
  void join() override;
  /// Waits for the thread until `deadline`; true when it ended (and was joined).
  bool join_until(std::chrono::steady_clock::time_point deadline);
  /// The reader this worker serves.
  const std::string& reader() const { return reader_; }

 private:
  void run();
  CardSetup setup_card();
  void recognise(CardSetup& setup);
  void run_job(Job& job);
  void end_expired(Job& job);
  std::int64_t begin_transaction();
  void fail_waiting_jobs();

  const std::string reader_;
  const std::vector<std::uint8_t> atr_;
  const std::vector<drivers::Driver*> drivers_;
  SetupHandler on_setup_;
  BoundedQueue<Job> queue_;
  std::atomic<bool> finished_{false};
  std::mutex finished_mutex_;
  std::condition_variable finished_cv_;
  std::thread thread_;

  // Owned and used by the worker thread only.
  std::unique_ptr<PcscContext> context_;
  std::unique_ptr<PcscCard> card_;
  std::unique_ptr<PcscCardChannel> channel_;
  drivers::Driver* driver_ = nullptr;
  drivers::TokenHandle handle_;
  Token token_;
  std::uint64_t resets_seen_ = 0;  // card resets found (TokenSession::resets())
};

}  // namespace eport::devices
