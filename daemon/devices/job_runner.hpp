#pragma once
// What the token registry needs from whatever runs a token's jobs: a PC/SC card's worker
// (TokenWorker) or a token provider's worker (daemon/providers).

#include "devices/token_job.hpp"

namespace eport::devices {

/// The serial queue of one token. Thread-safe.
class JobRunner {
 public:
  virtual ~JobRunner() = default;
  /// Queues a job; on busy / no_such_token the job is left untouched and done() is not called.
  virtual SubmitResult submit(Job& job) = 0;
  /// Closes the queue (waiting jobs end as token_removed) and lets the thread end after the
  /// job in progress. Does not wait.
  virtual void stop() = 0;
  /// True once the thread has ended (join() will not block).
  virtual bool finished() const = 0;
  /// Waits for the thread.
  virtual void join() = 0;
};

}  // namespace eport::devices
