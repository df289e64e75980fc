#include "ipc/session.hpp"

#include <atomic>

#include <boost/asio/post.hpp>

#include "ipc/json_message.hpp"

namespace eport::ipc {

namespace {
// Events taken from the subscription per write round, so answers are not starved.
constexpr std::size_t kEventBatch = 64;

std::string serialise(const nlohmann::json& message) { return serialise_message(message) + "\n"; }
}  // namespace

/// One dispatched request's answer slot: delivered at most once, and if every copy of the sink
/// is dropped unanswered (a bug), the request still stops counting as in flight.
struct Session::PendingAnswer {
  std::weak_ptr<Session> session;
  boost::asio::any_io_executor executor;
  std::atomic<bool> done{false};

  void deliver(std::string text) {
    boost::asio::post(executor, [weak = session, text = std::move(text)]() mutable {
      if (auto self = weak.lock()) self->finished(std::move(text));
    });
  }
  ~PendingAnswer() {
    if (done.exchange(true)) return;
    try {
      deliver({});
    } catch (...) {
      // A destructor must not throw; losing the count only keeps that connection busier.
    }
  }
};

Session::Session(boost::asio::any_io_executor executor, PeerIdentity peer, const Dispatcher& dispatcher,
                 events::EventBus& events, SessionLimits limits, Wake wake)
    : executor_(std::move(executor)),
      peer_(std::move(peer)),
      dispatcher_(dispatcher),
      events_(events),
      limits_(limits),
      wake_(std::move(wake)) {}

bool Session::accepts_requests() const {
  return !sealed_ && in_flight_ < limits_.max_in_flight && outbox_bytes_ < limits_.max_outbox_bytes;
}

void Session::dispatch(std::string_view message) {
  ++in_flight_;
  dispatcher_.dispatch(message, CallerContext{peer_, shared_from_this()}, make_sink());
}

void Session::dispatch_through(const Adapter& adapter) {
  ++in_flight_;
  adapter(CallerContext{peer_, shared_from_this()}, make_sink());
}

Reply::Sink Session::make_sink() {
  auto pending = std::make_shared<PendingAnswer>();
  pending->session = weak_from_this();
  pending->executor = executor_;
  return [pending](nlohmann::json response) {
    if (pending->done.exchange(true)) return;
    pending->deliver(response.is_null() ? std::string() : serialise(response));
  };
}

void Session::finished(std::string text) {
  if (in_flight_ > 0) --in_flight_;
  if (!text.empty() && !sealed_) enqueue(std::move(text));
  if (wake_) wake_();
}

void Session::send(const nlohmann::json& message) { enqueue(serialise(message)); }

void Session::seal() {
  sealed_ = true;
  subscription_.reset();
}

void Session::enqueue(std::string text) {
  if (outbox_bytes_ == 0) last_progress_ = Clock::now();  // the stall clock starts with the wait
  outbox_bytes_ += text.size();
  outbox_.push_back(std::move(text));
}

std::string_view Session::output() {
  if (outbox_.empty() && subscription_ && !sealed_) {
    for (auto& notification : subscription_->drain(kEventBatch)) enqueue(serialise(notification));
  }
  if (outbox_.empty()) return {};
  return std::string_view(outbox_.front()).substr(front_written_);
}

void Session::written(std::size_t bytes) {
  if (bytes == 0 || outbox_.empty()) return;
  last_progress_ = Clock::now();
  outbox_bytes_ -= bytes;
  front_written_ += bytes;
  if (front_written_ >= outbox_.front().size()) {
    outbox_.pop_front();
    front_written_ = 0;
  }
}

bool Session::write_stalled(Clock::time_point now) const {
  return outbox_bytes_ > 0 && now - last_progress_ >= limits_.write_stall_timeout;
}

void Session::subscribe(std::set<std::string> topics) {
  if (sealed_) return;
  if (subscription_) {
    subscription_->set_topics(std::move(topics));
    return;
  }
  std::weak_ptr<Session> weak = shared_from_this();
  auto executor = executor_;
  // The bus calls this from the publishing thread; the transport is woken on its own thread.
  subscription_ = events_.subscribe(std::move(topics), [weak, executor] {
    boost::asio::post(executor, [weak] {
      if (auto self = weak.lock(); self && self->wake_) self->wake_();
    });
  });
}

}  // namespace eport::ipc
