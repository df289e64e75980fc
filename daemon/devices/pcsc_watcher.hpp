#pragma once
// The PC/SC watcher: one thread that sleeps in SCardGetStatusChange and reports readers and
// cards coming and going.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace eport::devices {

class PcscContext;

/// Receives what the watcher sees. Called on the watcher thread, one call at a time, in the
/// order things happened; implementations hand the news on quickly (e.g. post to the I/O
/// thread) and must not call PcscWatcher::stop() from here.
class WatcherListener {
 public:
  virtual ~WatcherListener() = default;
  /// pcscd answers (first contact, or back after being down).
  virtual void on_pcsc_up() = 0;
  /// pcscd is not reachable; every reader and card was reported removed just before.
  virtual void on_pcsc_down(const std::string& why) = 0;
  /// A reader appeared.
  virtual void on_reader_added(const std::string& reader) = 0;
  /// A reader went away (its card, if any, was reported removed just before).
  virtual void on_reader_removed(const std::string& reader) = 0;
  /// A card was inserted (or found at start-up) with this ATR.
  virtual void on_card_inserted(const std::string& reader, const std::vector<std::uint8_t>& atr) = 0;
  /// The card left the reader.
  virtual void on_card_removed(const std::string& reader) = 0;
};

/// Tuning for the watcher.
struct WatcherOptions {
  /// How long to wait between attempts to reach pcscd while it is down.
  std::chrono::milliseconds retry_interval{1000};
};

/// Watches all PC/SC readers plus "\\?PnP?\Notification" with an INFINITE timeout: when
/// nothing happens, the thread sleeps inside pcscd's client library. The single wait loop of
/// our own is the reconnect back-off while pcscd is unreachable: there is nothing to block on
/// then (no context, no socket), so the thread waits retry_interval between
/// SCardEstablishContext attempts; stop() cuts that wait short.
class PcscWatcher {
 public:
  /// Does not start anything yet; `listener` must outlive the watcher.
  explicit PcscWatcher(WatcherListener& listener, WatcherOptions options = {});
  /// Stops the thread (see stop()).
  ~PcscWatcher();
  PcscWatcher(const PcscWatcher&) = delete;
  PcscWatcher& operator=(const PcscWatcher&) = delete;

  /// Starts the watcher thread. Call once.
  void start();
  /// Wakes the thread with SCardCancel (or out of the back-off wait) and joins it. No listener
  /// calls happen after stop() returns; readers are not reported removed on stop.
  void stop();

 private:
  struct ReaderTrack;
  void run();
  std::string run_session(PcscContext& context);
  bool wait_before_retry();
  bool stopping();

  WatcherListener& listener_;
  WatcherOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool finished_ = false;
  const PcscContext* active_ = nullptr;  // guarded by mutex_, for SCardCancel from stop()
  std::thread thread_;
};

}  // namespace eport::devices
