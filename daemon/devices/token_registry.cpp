#include "devices/token_registry.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "devices/reader_list.hpp"
#include "devices/token_worker.hpp"

namespace eport::devices {

namespace {
// A provider's token that is the card a card driver serves is listed once, by that driver
// (said whichever of the two came first).
void log_listed_once(const std::string& id, const std::string& reader) {
  spdlog::info("token {} is the card a card driver serves in '{}': listed once, by that driver", id, reader);
}

std::vector<drivers::Driver*> card_drivers(const std::vector<drivers::Driver*>& all) {
  std::vector<drivers::Driver*> out;
  for (drivers::Driver* d : all)
    if (d != nullptr && d->is_card_driver()) out.push_back(d);
  return out;
}

ReaderInfo info_of(const std::string& name, bool present, const std::vector<std::uint8_t>& atr,
                   const std::optional<std::string>& token) {
  ReaderInfo info;
  info.name = name;
  info.card_present = present;
  info.token = token;
  if (present) info.atr = atr_hex(atr);
  return info;
}
}  // namespace

TokenRegistry::TokenRegistry(std::vector<drivers::Driver*> drivers, RegistryListener& listener,
                             RegistryOptions options)
    : drivers_(card_drivers(drivers)), listener_(listener), options_(options) {}

TokenRegistry::~TokenRegistry() { shutdown(); }

bool TokenRegistry::shutdown(std::chrono::steady_clock::time_point deadline) {
  std::vector<std::shared_ptr<TokenWorker>> workers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
    for (auto& r : readers_)
      if (r.worker) workers.push_back(std::move(r.worker));
    workers.insert(workers.end(), retired_.begin(), retired_.end());
    retired_.clear();
    tokens_.clear();
    hidden_.clear();
  }
  for (auto& w : workers) w->stop();
  bool all = true;
  for (auto& w : workers) {
    if (w->join_until(deadline)) continue;
    all = false;
    std::lock_guard<std::mutex> lock(mutex_);
    retired_.push_back(w);  // still running: kept, so that nothing it uses goes away here
  }
  return all;
}

std::vector<ReaderInfo> TokenRegistry::readers() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ReaderInfo> out;
  for (const auto& r : readers_) out.push_back(info_of(r.name, r.card_present, r.atr, r.token_id));
  return out;
}

std::vector<Token> TokenRegistry::tokens() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Token> out;
  for (const auto& [id, entry] : tokens_) out.push_back(entry.token);
  return out;
}

std::optional<Token> TokenRegistry::token(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = tokens_.find(id);
  if (it == tokens_.end()) return std::nullopt;
  return it->second.token;
}

bool TokenRegistry::pcsc_up() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pcsc_up_;
}

std::string TokenRegistry::pcsc_detail() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pcsc_detail_;
}

SubmitResult TokenRegistry::submit(const std::string& token_id, Job job) {
  std::shared_ptr<JobRunner> worker;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = tokens_.find(token_id);
    if (it == tokens_.end()) return SubmitResult::no_such_token;
    worker = it->second.worker;
  }
  return worker->submit(job);
}

void TokenRegistry::on_pcsc_up() {
  std::lock_guard<std::mutex> events(events_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pcsc_up_ = true;
    pcsc_detail_.clear();
  }
  listener_.on_pcsc_state(true, "");
}

void TokenRegistry::on_pcsc_down(const std::string& why) {
  std::lock_guard<std::mutex> events(events_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pcsc_up_ = false;
    pcsc_detail_ = why;
  }
  listener_.on_pcsc_state(false, why);
}

void TokenRegistry::on_reader_added(const std::string& reader) {
  std::lock_guard<std::mutex> events(events_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (find_reader(reader) != nullptr) return;
    ReaderEntry entry;
    entry.name = reader;
    readers_.push_back(std::move(entry));
  }
  listener_.on_reader_added(info_of(reader, false, {}, std::nullopt));
}

void TokenRegistry::on_reader_removed(const std::string& reader) {
  // The watcher reports the card first; removing it here as well keeps us right if not.
  on_card_removed(reader);
  std::lock_guard<std::mutex> events(events_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = std::find_if(readers_.begin(), readers_.end(),
                                 [&](const ReaderEntry& r) { return r.name == reader; });
    if (it == readers_.end()) return;
    readers_.erase(it);
  }
  listener_.on_reader_removed(reader);
}

void TokenRegistry::on_card_inserted(const std::string& reader, const std::vector<std::uint8_t>& atr) {
  reap_retired();
  on_card_removed(reader);  // a card we still list there is gone (no-op normally)
  std::lock_guard<std::mutex> events(events_mutex_);
  std::shared_ptr<TokenWorker> worker;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_) return;
    ReaderEntry* entry = find_reader(reader);
    if (entry == nullptr) {
      readers_.push_back(ReaderEntry{});
      entry = &readers_.back();
      entry->name = reader;
    }
    entry->card_present = true;
    entry->atr = atr;
    const std::uint64_t generation = entry->card_generation = next_generation_++;
    worker = std::make_shared<TokenWorker>(reader, atr, drivers_, options_.queue_limit,
                                           [this, reader, generation](const CardSetup& setup) {
                                             return on_card_ready(reader, generation, setup);
                                           });
    if (entry->worker) retired_.push_back(std::move(entry->worker));
    entry->worker = worker;
  }
  worker->start();
}

void TokenRegistry::on_card_removed(const std::string& reader) {
  std::lock_guard<std::mutex> events(events_mutex_);
  std::shared_ptr<TokenWorker> worker;
  std::optional<Token> removed;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ReaderEntry* entry = find_reader(reader);
    if (entry == nullptr || !entry->card_present) return;
    removed = detach_card(*entry, worker);
  }
  if (worker) worker->stop();  // waiting jobs end as token_removed; the thread ends by itself
  if (removed) listener_.on_token_removed(*removed);
}

// Worker thread, once the drivers have looked at the card.
std::optional<Token> TokenRegistry::on_card_ready(const std::string& reader, std::uint64_t generation,
                                                  const CardSetup& setup) {
  if (setup.driver == nullptr) {
    if (!setup.error.empty()) spdlog::warn("reader '{}': {}", reader, setup.error);
    else spdlog::info("reader '{}': no driver recognises this card", reader);
    return std::nullopt;
  }
  std::lock_guard<std::mutex> events(events_mutex_);
  Token token;
  std::vector<Token> hidden;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ReaderEntry* entry = find_reader(reader);
    if (closing_ || entry == nullptr || entry->card_generation != generation || !entry->card_present)
      return std::nullopt;  // the card went away while the drivers looked at it
    token = make_token(reader, setup);
    entry->token_id = token.id;
    tokens_[token.id] = TokenEntry{token, entry->worker, false};
    hidden = hide_provider_tokens_in(reader);
  }
  listener_.on_token_added(token);
  for (const auto& gone : hidden) listener_.on_token_removed(gone);
  return token;
}

std::string TokenRegistry::add_provider_token(Token token, const std::string& base_id,
                                              std::shared_ptr<JobRunner> runner) {
  std::lock_guard<std::mutex> events(events_mutex_);
  bool visible = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    bool duplicate = false;
    token.id = ids_.acquire(base_id, duplicate);
    if (duplicate) spdlog::warn("two tokens have the id {}; the second is listed as {}", base_id, token.id);
    TokenEntry entry{token, std::move(runner), true};
    visible = !card_token_in(token.reader);
    if (!visible) log_listed_once(token.id, token.reader);
    (visible ? tokens_ : hidden_)[token.id] = std::move(entry);
  }
  if (visible) listener_.on_token_added(token);
  return token.id;
}

void TokenRegistry::remove_provider_token(const std::string& id) {
  std::lock_guard<std::mutex> events(events_mutex_);
  std::optional<Token> removed;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (hidden_.erase(id) != 0) {
      ids_.release(id);
      return;
    }
    const auto it = tokens_.find(id);
    if (it == tokens_.end() || !it->second.provider) return;
    removed = it->second.token;
    tokens_.erase(it);
    ids_.release(id);
  }
  listener_.on_token_removed(*removed);
}

// Caller holds mutex_. True when a card driver's token is in the PC/SC reader a provider named.
bool TokenRegistry::card_token_in(const std::string& provider_reader) const {
  if (provider_reader.empty()) return false;
  for (const auto& r : readers_)
    if (r.token_id && same_reader(r.name, provider_reader)) return true;
  return false;
}

// Caller holds mutex_. A card driver took the card in `reader`: the providers' view of the
// same card goes out of the list (one card, one token); returns them for token.removed.
std::vector<Token> TokenRegistry::hide_provider_tokens_in(const std::string& reader) {
  std::vector<Token> hidden;
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    if (it->second.provider && same_reader(reader, it->second.token.reader)) {
      log_listed_once(it->first, it->second.token.reader);  // the provider's token came first
      hidden.push_back(it->second.token);
      hidden_[it->first] = std::move(it->second);
      it = tokens_.erase(it);
    } else {
      ++it;
    }
  }
  return hidden;
}

Token TokenRegistry::make_token(const std::string& reader, const CardSetup& setup) {
  Token token;
  token.driver = setup.driver->info().name;
  token.reader = reader;
  token.identity = setup.identity;
  if (!setup.error.empty()) {
    token.state = "error";
    token.error = setup.error;
  }
  const std::string base = token.identity.serial.empty() ? unidentified_token_id(token.driver, reader)
                                                         : token_id_for(token.driver, token.identity.serial);
  bool duplicate = false;
  token.id = ids_.acquire(base, duplicate);
  if (duplicate)
    spdlog::warn("the card in '{}' has the same serial as another card ({}); it is listed as {}", reader,
                 base, token.id);
  return token;
}

std::optional<Token> TokenRegistry::detach_card(ReaderEntry& entry, std::shared_ptr<TokenWorker>& worker) {
  std::optional<Token> removed;
  if (entry.token_id) {
    const auto it = tokens_.find(*entry.token_id);
    if (it != tokens_.end()) {
      removed = it->second.token;
      tokens_.erase(it);
    }
    ids_.release(*entry.token_id);
  }
  entry.card_present = false;
  entry.atr.clear();
  entry.token_id.reset();
  entry.card_generation = 0;
  worker = entry.worker;
  if (entry.worker) retired_.push_back(std::move(entry.worker));
  return removed;
}

TokenRegistry::ReaderEntry* TokenRegistry::find_reader(const std::string& name) {
  for (auto& r : readers_)
    if (r.name == name) return &r;
  return nullptr;
}

// Joins workers whose thread has ended; never waits for one that is still busy.
void TokenRegistry::reap_retired() {
  std::vector<std::shared_ptr<TokenWorker>> done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto split =
        std::partition(retired_.begin(), retired_.end(), [](const auto& w) { return !w->finished(); });
    done.assign(std::make_move_iterator(split), std::make_move_iterator(retired_.end()));
    retired_.erase(split, retired_.end());
  }
  for (auto& w : done) w->join();
}

}  // namespace eport::devices
