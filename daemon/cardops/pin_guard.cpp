#include "cardops/pin_guard.hpp"

#include "eport/common/reasons.hpp"
#include "events/event_bus.hpp"

namespace eport::cardops {

namespace {
std::string utc(std::int64_t unix_time) {
  return events::format_utc(std::chrono::system_clock::time_point(std::chrono::seconds(unix_time)));
}
}  // namespace

PukKnowledge know_puk(const std::optional<drivers::PinInfo>& now, const std::optional<PukAnswer>& last) {
  PukKnowledge known;
  if (now && (now->tries_left || now->blocked.value_or(false) || !now->state.empty())) {
    known.tries_left = now->tries_left;
    known.blocked = now->blocked.value_or(false) || (now->tries_left && *now->tries_left <= 0) ||
                    (!now->tries_left && now->state == "blocked");
    known.final_try = !now->tries_left && now->state == "final_try";  // stated without a count
    known.source = now->source.empty() ? "none" : now->source;
    return known;
  }
  if (last) {
    known.tries_left = last->tries_left;
    known.blocked = last->blocked || (last->tries_left && *last->tries_left <= 0);
    known.source = "last_answer";
    known.as_of = last->time;
  }
  return known;
}

std::optional<Failure> puk_guard(const PukKnowledge& known, bool force) {
  const bool remembered = known.source == "last_answer";
  nlohmann::json extra = nlohmann::json::object();
  std::string said;
  if (remembered) {
    extra = {{"puk_source", "last_answer"}, {"as_of", utc(known.as_of)}};
    said = " The card said so in its last answer to a PUK (" + utc(known.as_of) +
           "); it cannot report the counter otherwise. If the PUK was used elsewhere since, that "
           "count may be out of date.";
  }
  if (known.blocked && (!remembered || !force)) {
    Failure failure = from_driver(drivers::Status::PinBlocked, "", "", Operation::pin_reset);
    failure.message += " Nothing was sent to the card." + said;
    failure.extra = extra;
    return failure;
  }
  if (((known.tries_left && *known.tries_left == 1) || known.final_try) && !force) {
    extra["puk_tries_left"] = 1;
    return Failure{reasons::puk_final_try,
                   "The PUK has one try left. Nothing was sent to the card. If the PUK is "
                   "certainly right, repeat with force: a wrong PUK now blocks it and the "
                   "card must be replaced." +
                       said,
                   extra};
  }
  return std::nullopt;
}

std::optional<Failure> pin_guard(const drivers::PinInfo& pin, bool force, Operation operation) {
  const bool stated = !pin.tries_left;  // a state without a count (PKCS#11 flags)
  if (pin.blocked.value_or(false) || (pin.tries_left && *pin.tries_left <= 0) ||
      (stated && pin.state == "blocked")) {
    Failure failure = from_driver(drivers::Status::PinBlocked, "", "", operation);
    failure.message += " Nothing was sent to the card.";
    return failure;
  }
  const std::string which = operation == Operation::pin_verify ? "PIN" : "old PIN";
  if (((pin.tries_left && *pin.tries_left == 1) || (stated && pin.state == "final_try")) && !force)
    return Failure{reasons::pin_final_try,
                   "The PIN has one try left. Nothing was sent to the card: a wrong " + which +
                       " now would block it. If the " + which + " is certainly right, repeat with force.",
                   {{"tries_left", 1}}};
  return std::nullopt;
}

std::optional<PukAnswer> puk_answer(drivers::Status status, const drivers::PinInfo& figures,
                                    std::int64_t now) {
  switch (status) {
    case drivers::Status::Ok: return PukAnswer{std::nullopt, false, now};
    case drivers::Status::PinBlocked: return PukAnswer{0, true, now};
    case drivers::Status::WrongPin:
      if (!figures.tries_left) return std::nullopt;
      return PukAnswer{*figures.tries_left, *figures.tries_left <= 0, now};
    default: return std::nullopt;
  }
}

}  // namespace eport::cardops
