#pragma once
// The readers and tokens eportd knows, fed by the PC/SC watcher, read by the I/O thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "devices/job_runner.hpp"
#include "devices/pcsc_watcher.hpp"
#include "devices/token.hpp"
#include "devices/token_id.hpp"
#include "devices/token_job.hpp"
#include "drivers/driver.hpp"

namespace eport::devices {

class TokenWorker;
struct CardSetup;

/// Receives the registry's events (reader.added/removed, token.added/removed, pcsc up/down).
/// Called from PC/SC threads (the watcher, or a token's worker once a card is identified), one
/// call at a time and in order; post to the I/O thread and return. May read the registry's
/// snapshots and submit jobs; must not destroy the registry.
class RegistryListener {
 public:
  virtual ~RegistryListener() = default;
  /// pcscd is reachable (true) or not (false; every token and reader was removed just before).
  virtual void on_pcsc_state(bool up, const std::string& detail) = 0;
  /// A reader appeared.
  virtual void on_reader_added(const ReaderInfo& reader) = 0;
  /// A reader went away.
  virtual void on_reader_removed(const std::string& reader) = 0;
  /// A card was recognised and identified (also state "error" tokens).
  virtual void on_token_added(const Token& token) = 0;
  /// A token's card went away.
  virtual void on_token_removed(const Token& token) = 0;
};

/// Tuning for the registry.
struct RegistryOptions {
  /// Jobs that may wait per token before submit() answers busy.
  std::size_t queue_limit = 16;
};

/// Readers, cards and tokens, plus one TokenWorker per card. Thread-safe: the watcher thread
/// and workers change it, any thread reads copies. Destroy it before the Drivers it was given
/// and after the watcher that feeds it has stopped.
class TokenRegistry final : public WatcherListener {
 public:
  /// `drivers`: loaded drivers in config order (token providers are skipped); they must
  /// outlive the registry. `listener` must outlive it too.
  TokenRegistry(std::vector<drivers::Driver*> drivers, RegistryListener& listener,
                RegistryOptions options = {});
  /// Stops every worker (waiting jobs end as token_removed) and joins them.
  ~TokenRegistry() override;
  /// Stops every worker (waiting jobs end as token_removed; a running job finishes) and joins
  /// them, waiting until `deadline`. True when all ended; false when a worker is still blocked
  /// (a card that never answers): then it is left running and the process must exit without
  /// destroying what the worker uses. No job is accepted afterwards.
  bool shutdown(
      std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());
  TokenRegistry(const TokenRegistry&) = delete;
  TokenRegistry& operator=(const TokenRegistry&) = delete;

  /// readers.list: every reader, in the order they appeared.
  std::vector<ReaderInfo> readers() const;
  /// tokens.list: every token, sorted by id.
  std::vector<Token> tokens() const;
  /// One token, or nullopt when unknown.
  std::optional<Token> token(const std::string& id) const;
  /// True while pcscd is reachable.
  bool pcsc_up() const;
  /// Why pcscd is down ("" while up).
  std::string pcsc_detail() const;

  /// Runs `job` on the token's worker (see Job). queued: done() will be called;
  /// busy / no_such_token: it will not.
  SubmitResult submit(const std::string& token_id, Job job);

  /// A token provider's token was opened (or failed to open: state "error"): lists it under a
  /// free id based on `base_id` and announces it, with `runner` running its jobs. One card, one
  /// token: while a card driver's token sits in the PC/SC reader the provider names
  /// (token.reader, see same_reader()), the provider's token stays hidden — not listed, not
  /// announced, no jobs. Returns the id given. Any thread.
  std::string add_provider_token(Token token, const std::string& base_id, std::shared_ptr<JobRunner> runner);
  /// The provider no longer lists the token (or is stopping): unlists it and announces the
  /// removal (a hidden one goes silently). Does not stop its runner. Any thread.
  void remove_provider_token(const std::string& id);

  /// WatcherListener: called by the PcscWatcher thread.
  void on_pcsc_up() override;
  /// WatcherListener.
  void on_pcsc_down(const std::string& why) override;
  /// WatcherListener.
  void on_reader_added(const std::string& reader) override;
  /// WatcherListener.
  void on_reader_removed(const std::string& reader) override;
  /// WatcherListener: starts a worker that connects and asks the drivers.
  void on_card_inserted(const std::string& reader, const std::vector<std::uint8_t>& atr) override;
  /// WatcherListener: stops the card's worker and removes its token.
  void on_card_removed(const std::string& reader) override;

 private:
  struct ReaderEntry {
    std::string name;
    bool card_present = false;
    std::vector<std::uint8_t> atr;
    std::optional<std::string> token_id;
    std::shared_ptr<TokenWorker> worker;
    std::uint64_t card_generation = 0;
  };
  struct TokenEntry {
    Token token;
    std::shared_ptr<JobRunner> worker;
    bool provider = false;  // a token provider's token (else a card in a PC/SC reader)
  };

  std::optional<Token> on_card_ready(const std::string& reader, std::uint64_t generation,
                                     const CardSetup& setup);
  Token make_token(const std::string& reader, const CardSetup& setup);
  std::optional<Token> detach_card(ReaderEntry& entry, std::shared_ptr<TokenWorker>& worker);
  ReaderEntry* find_reader(const std::string& name);
  bool card_token_in(const std::string& provider_reader) const;
  std::vector<Token> hide_provider_tokens_in(const std::string& reader);
  void reap_retired();

  const std::vector<drivers::Driver*> drivers_;
  RegistryListener& listener_;
  const RegistryOptions options_;

  // Held while changing state AND telling the listener, so events leave in the order the
  // changes happened even though they come from several threads. Never held while waiting
  // for a worker.
  std::mutex events_mutex_;
  mutable std::mutex mutex_;  // guards everything below
  bool closing_ = false;
  bool pcsc_up_ = false;
  std::string pcsc_detail_ = "not connected yet";
  std::vector<ReaderEntry> readers_;
  std::map<std::string, TokenEntry> tokens_;
  std::map<std::string, TokenEntry> hidden_;  // provider tokens of cards a card driver serves
  TokenIdAllocator ids_;
  std::uint64_t next_generation_ = 1;
  std::vector<std::shared_ptr<TokenWorker>> retired_;
};

}  // namespace eport::devices
