#include "audit/audit_log.hpp"

namespace eport::audit {

namespace {
std::string line_of(const AuditRecord& record) {
  return to_json(record).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}
}  // namespace

AuditLog::AuditLog(std::string path, AuditPolicy policy)
    : file_(std::move(path), policy.max_bytes, policy.keep),
      refusals_(policy.refusal_window),
      queue_capacity_(policy.queue_capacity),
      writer_([this] { run(); }) {}

AuditLog::~AuditLog() { stop(); }

bool AuditLog::append(const AuditRecord& record) { return file_.append(line_of(record)); }

void AuditLog::post(AuditRecord record, Done done) {
  enum class Fate { queued, counted, full, synchronous } fate;
  std::vector<AuditRecord> due;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (record.outcome == "refused") due = refusals_.admit(record, RefusalLimiter::Clock::now());
    else due.push_back(std::move(record));
    if (due.empty()) {
      fate = Fate::counted;
    } else if (stopping_) {
      fate = Fate::synchronous;
    } else if (queue_.size() + due.size() > queue_capacity_) {
      fate = Fate::full;
    } else {
      for (std::size_t i = 0; i < due.size(); ++i)
        queue_.push_back({std::move(due[i]), i + 1 == due.size() ? std::move(done) : Done()});
      fate = Fate::queued;
    }
  }
  switch (fate) {
    case Fate::queued: wake_.notify_one(); return;
    case Fate::counted:
      if (done) done(true);
      return;
    case Fate::full:
      if (done) done(false);
      return;
    case Fate::synchronous:
      for (std::size_t i = 0; i < due.size(); ++i) write(due[i], i + 1 == due.size() ? done : Done());
      return;
  }
}

void AuditLog::write(const AuditRecord& record, const Done& done) {
  const bool written = file_.append(line_of(record));
  if (!done) return;
  try {
    done(written);
  } catch (...) {
    // The callback only hands an answer on; the writer must outlive any mistake in it.
  }
}

void AuditLog::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (queue_.empty() && !stopping_) {
      if (const auto deadline = refusals_.next_deadline()) wake_.wait_until(lock, *deadline);
      else wake_.wait(lock);
    }
    const bool last_round = stopping_;
    std::deque<Queued> batch;
    batch.swap(queue_);
    auto summaries = last_round ? refusals_.flush() : refusals_.expired(RefusalLimiter::Clock::now());
    lock.unlock();
    for (const auto& queued : batch) write(queued.record, queued.done);
    for (const auto& summary : summaries) write(summary, Done());
    lock.lock();
    if (last_round && queue_.empty()) return;
  }
}

void AuditLog::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

void AuditLog::set_policy(const AuditPolicy& policy) {
  file_.set_rotation(policy.max_bytes, policy.keep);
  std::lock_guard<std::mutex> lock(mutex_);
  refusals_.set_window(policy.refusal_window);
  queue_capacity_ = policy.queue_capacity;
}

std::vector<nlohmann::json> AuditLog::tail(std::size_t limit) const { return file_.tail(limit); }

}  // namespace eport::audit
