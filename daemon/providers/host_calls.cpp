#include "providers/host_calls.hpp"

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <chrono>

namespace eport::providers {

namespace {

using wire::Op;
using wire::Type;

std::int32_t code(drivers::Status status) { return static_cast<std::int32_t>(status); }

// A secret read from a message, wiped when it goes.
struct Secret {
  std::string value;
  ~Secret() {
    if (!value.empty()) explicit_bzero(value.data(), value.size());
  }
};

}  // namespace

void HostCalls::answer(wire::Writer& w) { outbox_.send(w); }

void HostCalls::refuse(std::uint32_t call, std::int32_t status) {
  wire::Writer w(Type::result);
  w.u32(call).i32(status);
  answer(w);
}

void HostCalls::send_status_if_changed() {
  nlohmann::json status = driver_.reported_status();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (status == last_status_) return;
    last_status_ = status;
  }
  wire::Writer w(Type::status);
  w.str(status.dump());
  outbox_.send(w);
}

void HostCalls::dispatch(wire::Reader& r) {
  const std::uint32_t call = r.u32();
  const auto op = static_cast<Op>(r.u8());
  const std::uint64_t ref = r.u64();
  if (r.bad()) return;
  reap_closed();
  switch (op) {
    case Op::enumerate:
      watcher_.post([this, call] {
        auto listed = driver_.enumerate();
        wire::Writer w(Type::result);
        w.u32(call).i32(code(listed.status)).u32(static_cast<std::uint32_t>(listed.value.size()));
        for (const auto& identity : listed.value) wire::put(w, identity);
        answer(w);
        send_status_if_changed();
      });
      return;
    case Op::wait_change: {
      const std::uint32_t ms = r.u32();
      const std::uint64_t generation = wake_.generation();
      watcher_.post([this, call, ms, generation] {
        refuse(call, code(wait_change(std::chrono::milliseconds(ms), generation)));
      });
      return;
    }
    case Op::wake: wake_.wake(); return;
    case Op::open: return open(call, r.str());
    default: return on_token(call, op, ref, r);
  }
}

void HostCalls::open(std::uint32_t call, std::string key) {
  auto token = std::make_shared<TokenLane>();
  std::uint64_t ref = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ref = next_ref_++;
    tokens_[ref] = token;
  }
  TokenLane* lane = token.get();
  lane->lane.post([this, call, key, lane, ref] {
    auto opened = driver_.open_provider_token(key);
    wire::Writer w(Type::result);
    w.u32(call).i32(code(opened.status)).u64(opened.ok() ? ref : 0);
    if (opened.ok()) {
      lane->handle = std::move(opened.value);
    } else {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto it = tokens_.find(ref);
      if (it != tokens_.end()) {
        closed_.push_back(it->second);
        tokens_.erase(it);
      }
      lane->lane.finish();  // this task is its last
    }
    answer(w);
  });
}

void HostCalls::on_token(std::uint32_t call, Op op, std::uint64_t ref, wire::Reader& r) {
  std::shared_ptr<TokenLane> token;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = tokens_.find(ref);
    if (it != tokens_.end()) token = it->second;
    if (token && op == Op::close) {
      closed_.push_back(token);
      tokens_.erase(it);
    }
  }
  if (!token) {
    if (op != Op::close) refuse(call, EPORT_ERR_CARD_REMOVED);
    return;
  }
  TokenLane* t = token.get();
  if (op == Op::close) {
    t->lane.post([t] { t->handle.close(); });
    t->lane.finish();
    return;
  }
  // Arguments are read here, on the receiving thread: the message buffer is reused.
  const std::uint32_t which =
      (op == Op::pin_status || op == Op::pin_change || op == Op::pin_verify) ? r.u32() : 0;
  auto first = std::make_shared<Secret>();   // PUK / old PIN, or the slot
  auto second = std::make_shared<Secret>();  // new PIN
  std::vector<std::uint8_t> der, key;
  if (op == Op::pin_reset || op == Op::pin_change) {
    first->value = r.str();
    second->value = r.str();
  } else if (op == Op::cert_read || op == Op::slot_public_key || op == Op::cert_write ||
             op == Op::pin_verify) {  // the slot, or the PIN to verify
    first->value = r.str();
  }
  if (op == Op::cert_write) {
    der = r.bytes();
    key = r.bytes();
  }
  if (r.bad()) return refuse(call, EPORT_ERR_INTERNAL);
  t->lane.post(
      [this, t, call, op, which, first, second, der = std::move(der), key = std::move(key)]() mutable {
        drivers::NoChannel none;
        auto& d = driver_;
        auto& h = t->handle;
        wire::Writer w(Type::result);
        w.u32(call);
        const auto kind = static_cast<drivers::PinKind>(which);
        switch (op) {
          case Op::identify: {
            auto got = d.identify(h, none);
            w.i32(code(got.status));
            wire::put(w, got.value);
            break;
          }
          case Op::pin_status: {
            auto got = d.pin_status(h, none, kind);
            w.i32(code(got.status));
            wire::put(w, got.value);
            break;
          }
          case Op::pin_reset: {
            auto got = d.pin_reset(h, none, first->value, second->value);
            w.i32(code(got.status));
            wire::put(w, got.value);
            break;
          }
          case Op::pin_change: {
            auto got = d.pin_change(h, none, kind, first->value, second->value);
            w.i32(code(got.status));
            wire::put(w, got.value);
            break;
          }
          case Op::pin_verify: {
            auto got = d.pin_verify(h, none, kind, first->value);
            w.i32(code(got.status));
            wire::put(w, got.value);
            break;
          }
          case Op::cert_list: {
            auto got = d.cert_list(h, none);
            w.i32(code(got.status)).u32(static_cast<std::uint32_t>(got.value.size()));
            for (const auto& slot : got.value) wire::put(w, slot);
            break;
          }
          case Op::cert_read:
          case Op::slot_public_key: {
            auto got = op == Op::cert_read ? d.cert_read(h, none, first->value)
                                           : d.slot_public_key(h, none, first->value);
            w.i32(code(got.status)).bytes(got.value);
            break;
          }
          case Op::cert_write:
            w.i32(code(d.cert_write(h, none, first->value, der, key).status));
            if (!key.empty()) explicit_bzero(key.data(), key.size());
            break;
          default: w.i32(EPORT_ERR_BAD_ARGS); break;
        }
        answer(w);
        send_status_if_changed();
      });
}

// The daemon waits long (its watcher wakes only when something happens); the plug-in is never
// asked to wait more than kPluginWait (driver.h: the host passes at most 2000 ms), so the wait
// goes in slices here, ending early on a change, a wake from the daemon, or the helper's stop.
drivers::Status HostCalls::wait_change(std::chrono::milliseconds total, std::uint64_t generation) {
  using Clock = std::chrono::steady_clock;
  const auto until = Clock::now() + total;
  for (;;) {
    const auto now = Clock::now();
    if (now >= until || wake_.generation() != generation) return drivers::Status::Timeout;
    const auto slice =
        std::min(std::chrono::duration_cast<std::chrono::milliseconds>(until - now), kPluginWait);
    const auto status = driver_.wait_change(slice).status;
    send_status_if_changed();
    if (status != drivers::Status::Timeout) return status;
    // "Nothing changed" said early: sleep out the slice rather than spin.
    wake_.sleep_until(std::min(now + slice, until), generation);
  }
}

void HostCalls::close_all() {
  wake_.wake();
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [ref, token] : tokens_) {
    TokenLane* t = token.get();
    t->lane.post([t] { t->handle.close(); });
    t->lane.finish();
    closed_.push_back(token);
  }
  tokens_.clear();
  watcher_.finish();
}

bool HostCalls::all_done() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!watcher_.done()) return false;
  return std::all_of(closed_.begin(), closed_.end(), [](const auto& t) { return t->lane.done(); });
}

void HostCalls::reap_closed() {
  std::vector<std::shared_ptr<TokenLane>> done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto split =
        std::partition(closed_.begin(), closed_.end(), [](const auto& t) { return !t->lane.done(); });
    done.assign(split, closed_.end());
    closed_.erase(split, closed_.end());
  }
  // `done` joins finished lanes here, off the lock.
}

}  // namespace eport::providers
