#include "devices/pcsc_watcher.hpp"

#include <PCSC/pcsclite.h>
#include <PCSC/winscard.h>

#include <spdlog/spdlog.h>

#include "devices/pcsc_handles.hpp"
#include "devices/reader_list.hpp"

namespace eport::devices {

namespace {

constexpr const char* kPnpReader = "\\\\?PnP?\\Notification";
constexpr DWORD kGoneStates = SCARD_STATE_UNKNOWN | SCARD_STATE_IGNORE;

// One session = the life of one SCARDCONTEXT: the readers we know and their last state.
class Session {
 public:
  Session(const PcscContext& context, WatcherListener& listener) : context_(context), listener_(listener) {}

  // Lists the readers; each starts UNAWARE so the first wait reports its card at once.
  PcscCode start() { return relist(); }

  // Blocks until something changes, then reports it.
  PcscCode wait_once() {
    std::vector<SCARD_READERSTATE> states(readers_.size() + 1);
    for (std::size_t i = 0; i < readers_.size(); ++i) {
      states[i].szReader = readers_[i].name.c_str();
      states[i].dwCurrentState = readers_[i].current;
    }
    states.back().szReader = kPnpReader;
    states.back().dwCurrentState = pnp_state_;
    const LONG rv =
        SCardGetStatusChange(context_.get(), INFINITE, states.data(), static_cast<DWORD>(states.size()));
    if (rv == SCARD_E_UNKNOWN_READER) return relist();  // a reader vanished between calls
    if (rv != SCARD_S_SUCCESS) return rv;
    for (std::size_t i = 0; i < readers_.size(); ++i) apply(readers_[i], states[i]);
    const DWORD pnp = states.back().dwEventState;
    if ((pnp & SCARD_STATE_CHANGED) == 0) return SCARD_S_SUCCESS;
    pnp_state_ = pnp & ~SCARD_STATE_CHANGED;
    return relist();
  }

  // pcscd went away: everything it told us about is gone.
  void drop_all() {
    for (const auto& r : readers_) forget(r);
    readers_.clear();
  }

 private:
  struct Track {
    std::string name;
    DWORD current = SCARD_STATE_UNAWARE;
    bool present = false;
    std::uint16_t count = 0;
  };

  void apply(Track& track, const SCARD_READERSTATE& state) {
    const DWORD ev = state.dwEventState;
    if ((ev & SCARD_STATE_CHANGED) == 0) return;
    track.current = ev & ~SCARD_STATE_CHANGED;
    if ((ev & kGoneStates) != 0) return;  // the reader is going: relist() reports it
    const bool present = (ev & SCARD_STATE_PRESENT) != 0;
    const auto count = static_cast<std::uint16_t>(ev >> 16);
    const CardTransition t = card_transition(track.present, track.count, present, count);
    track.present = present;
    track.count = count;
    if (t.removed) listener_.on_card_removed(track.name);
    if (t.inserted)
      listener_.on_card_inserted(track.name,
                                 std::vector<std::uint8_t>(state.rgbAtr, state.rgbAtr + state.cbAtr));
  }

  PcscCode relist() {
    PcscCode code = 0;
    const std::vector<std::string> names = context_.list_readers(code);
    if (code != SCARD_S_SUCCESS) return code;
    std::vector<std::string> known;
    for (const auto& r : readers_) known.push_back(r.name);
    const ReaderListDiff diff = diff_reader_lists(known, names);
    for (const auto& name : diff.removed) {
      for (auto it = readers_.begin(); it != readers_.end(); ++it) {
        if (it->name != name) continue;
        forget(*it);
        readers_.erase(it);
        break;
      }
    }
    for (const auto& name : diff.added) {
      readers_.push_back(Track{name});
      listener_.on_reader_added(name);
    }
    return SCARD_S_SUCCESS;
  }

  void forget(const Track& track) {
    if (track.present) listener_.on_card_removed(track.name);
    listener_.on_reader_removed(track.name);
  }

  const PcscContext& context_;
  WatcherListener& listener_;
  std::vector<Track> readers_;
  DWORD pnp_state_ = SCARD_STATE_UNAWARE;
};

}  // namespace

PcscWatcher::PcscWatcher(WatcherListener& listener, WatcherOptions options)
    : listener_(listener), options_(options) {}

PcscWatcher::~PcscWatcher() { stop(); }

void PcscWatcher::start() {
  thread_ = std::thread([this] { run(); });
}

void PcscWatcher::stop() {
  if (!thread_.joinable()) return;
  std::unique_lock<std::mutex> lock(mutex_);
  stopping_ = true;
  // SCardCancel only wakes a call that is already blocked; one sent just before the thread
  // enters SCardGetStatusChange is lost, so repeat it until the thread says it is done.
  while (!finished_) {
    if (active_ != nullptr) active_->cancel();
    wake_.notify_all();
    wake_.wait_for(lock, std::chrono::milliseconds(50));
  }
  lock.unlock();
  thread_.join();
}

bool PcscWatcher::stopping() {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

bool PcscWatcher::wait_before_retry() {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, options_.retry_interval, [this] { return stopping_; });
  return !stopping_;
}

void PcscWatcher::run() {
  bool down_reported = false;
  while (!stopping()) {
    PcscCode code = 0;
    PcscContext context = PcscContext::establish(code);
    std::string why;
    if (context.valid()) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) break;
        active_ = &context;
      }
      down_reported = false;
      why = run_session(context);
      std::lock_guard<std::mutex> lock(mutex_);
      active_ = nullptr;
    } else {
      why = "cannot reach pcscd: " + pcsc_error_text(code);
    }
    if (why.empty()) break;  // stopping
    if (!down_reported) {
      spdlog::warn("pcsc: {}; retrying every {} ms", why, options_.retry_interval.count());
      listener_.on_pcsc_down(why);
      down_reported = true;
    }
    if (!wait_before_retry()) break;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  finished_ = true;
  wake_.notify_all();
}

std::string PcscWatcher::run_session(PcscContext& context) {
  Session session(context, listener_);
  listener_.on_pcsc_up();
  PcscCode code = session.start();
  while (code == SCARD_S_SUCCESS || code == SCARD_E_CANCELLED || code == SCARD_E_TIMEOUT) {
    if (stopping()) return {};
    code = session.wait_once();
  }
  if (stopping()) return {};
  session.drop_all();
  return pcsc_service_gone(code) ? "pcscd went away: " + pcsc_error_text(code)
                                 : "PC/SC failed: " + pcsc_error_text(code);
}

}  // namespace eport::devices
