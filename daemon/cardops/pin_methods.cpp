// pin.reset (admin), pin.change and pin.verify: the guarded PIN operations.
//
// pin.reset reads the PUK counter first (no try spent: the card's metadata, else its last answer
// to a PUK) and refuses, without sending anything, when the PUK is blocked or on its final try
// without `force`; pin.change and pin.verify do the same for the PIN. Nothing is ever retried,
// and the driver leaves the card unverified after each of them.
#include <memory>

#include <eport/driver.h>

#include "cardops/card_call.hpp"
#include "cardops/pin_guard.hpp"
#include "cardops/pin_state.hpp"
#include "ipc/error_codes.hpp"
#include "ipc/params.hpp"

namespace eport::cardops {

namespace {

/// A secret param, wiped when the holder goes.
struct Secret {
  std::string value;
  ~Secret() { wipe(value); }
};

std::shared_ptr<Secret> secret_param(const nlohmann::json& params, const std::string& name,
                                     const std::string& fallback = {}) {
  auto secret = std::make_shared<Secret>();
  auto given = ipc::optional_string(params, name);
  secret->value = given ? *given : fallback;
  if (given) wipe(*given);
  if (secret->value.empty()) throw ipc::InvalidParams("'" + name + "' must be a non-empty string");
  return secret;
}

/// The token's own length rule for a new PIN, from its driver's PIN info (read without spending
/// a try): a failure when `pin` breaks it, before any attempt. A driver that states no lengths
/// refuses by itself (EPORT_ERR_INVALID_PIN, nothing sent).
std::optional<Failure> length_rule(const drivers::PinInfo& info, const std::string& pin,
                                   Operation operation) {
  const bool too_short = info.min_length && static_cast<int>(pin.size()) < *info.min_length;
  const bool too_long = info.max_length && static_cast<int>(pin.size()) > *info.max_length;
  if (!too_short && !too_long) return std::nullopt;
  Failure failure = from_driver(drivers::Status::InvalidPin, "", "", operation);
  const std::string range = info.min_length && info.max_length
                                ? std::to_string(*info.min_length) + " to " + std::to_string(*info.max_length)
                            : info.min_length ? "at least " + std::to_string(*info.min_length)
                                              : "at most " + std::to_string(*info.max_length);
  failure.message =
      "The new PIN must be " + range +
      " characters long on this token. Nothing was sent that could spend a try; choose another PIN.";
  if (info.min_length) failure.extra["min_length"] = *info.min_length;
  if (info.max_length) failure.extra["max_length"] = *info.max_length;
  return failure;
}

/// "(at most N characters)" when the driver said so, else "".
std::string at_most(const std::optional<drivers::PinInfo>& info) {
  return info && info->max_length ? " (at most " + std::to_string(*info->max_length) + " characters)" : "";
}

void publish_pin_changed(CardContext& context, const std::string& token, const nlohmann::json& pin) {
  context.service.events.publish("pin.changed", {{"token", token}, {"pin", pin}});
}

/// A PUK or old PIN the driver refused as too long (nothing sent), with the token's stated limit.
Failure too_long(const char* what, const std::optional<drivers::PinInfo>& figures) {
  return Failure{"",
                 std::string("The ") + what + " is longer than this token accepts" + at_most(figures) +
                     ". Nothing was sent; no try was spent.",
                 nlohmann::json::object(), ipc::kInvalidParams};
}

/// pin.reset on the card: the PUK guard, then one RESET RETRY COUNTER; the PIN's state after.
CardResult<drivers::PinInfo> reset_on_card(devices::TokenSession& s, PukMemory& puks, std::int64_t now,
                                           const Secret& puk, const Secret& new_pin, bool force) {
  auto& driver = s.driver();
  const auto name = driver.info().name;
  if (!driver.supports(EPORT_CAP_PIN_RESET))
    return unexpected(from_driver(drivers::Status::Unsupported, "", name, Operation::pin_reset));
  // 1. The PUK's counter without spending a try: what the card says now (metadata), else its
  //    last answer to a PUK; unknown when neither exists.
  std::optional<drivers::PinInfo> now_figures;
  if (driver.supports(EPORT_CAP_PIN_STATUS)) {
    // The new PIN against the token's own rules first (the user PIN's info states them).
    auto user = driver.pin_status(s.handle(), s.channel(), drivers::PinKind::User);
    if (user)
      if (auto refused = length_rule(user.value, new_pin.value, Operation::pin_reset))
        return unexpected(*refused);
    auto status = driver.pin_status(s.handle(), s.channel(), drivers::PinKind::Puk);
    if (status) now_figures = status.value;
    else if (status.status != drivers::Status::Unsupported && status.status != drivers::Status::NotFound)
      return unexpected(from_driver(status.status, status.detail, name, Operation::read));
  }
  const auto token = s.token().id;
  if (auto refused = puk_guard(know_puk(now_figures, puks.last(token)), force)) return unexpected(*refused);
  // 2. One RESET RETRY COUNTER. Never retried. What the card answers is remembered.
  auto reset = driver.pin_reset(s.handle(), s.channel(), puk.value, new_pin.value);
  if (auto answer = puk_answer(reset.status, reset.value, now)) puks.remember(token, *answer);
  if (reset) return reset.value;
  if (reset.status == drivers::Status::BadArgs) return unexpected(too_long("PUK", now_figures));
  Failure failure = from_driver(reset.status, reset.detail, name, Operation::pin_reset);
  if (reset.status == drivers::Status::WrongPin) {
    const auto left = reset.value.tries_left;
    failure.extra["puk_tries_left"] = left ? nlohmann::json(*left) : nlohmann::json(nullptr);
    if (left && *left <= 1)
      failure.message += *left == 1 ? " Only one PUK try is left." : " The PUK is now blocked.";
  }
  return unexpected(std::move(failure));
}

/// pin.change on the card: the PIN guard, then one CHANGE REFERENCE DATA; the PIN's state after.
/// A wrong old PIN keeps the new PIN state in the failure's facts (for pin.changed).
CardResult<drivers::PinInfo> change_on_card(devices::TokenSession& s, const Secret& old_pin,
                                            const Secret& new_pin, bool force) {
  auto& driver = s.driver();
  const auto name = driver.info().name;
  // 1. The PIN's counter without spending a try: never the final try without `force`.
  std::optional<drivers::PinInfo> figures;
  if (driver.supports(EPORT_CAP_PIN_STATUS)) {
    auto status = driver.pin_status(s.handle(), s.channel(), drivers::PinKind::User);
    if (status) {
      figures = status.value;
      if (auto refused = length_rule(status.value, new_pin.value, Operation::pin_change))
        return unexpected(*refused);
      if (auto refused = pin_guard(status.value, force)) return unexpected(*refused);
    } else if (status.status != drivers::Status::Unsupported && status.status != drivers::Status::NotFound) {
      return unexpected(from_driver(status.status, status.detail, name, Operation::read));
    }
  }
  // 2. One CHANGE REFERENCE DATA. Never retried.
  auto changed =
      driver.pin_change(s.handle(), s.channel(), drivers::PinKind::User, old_pin.value, new_pin.value);
  if (changed) return changed.value;
  if (changed.status == drivers::Status::BadArgs) return unexpected(too_long("old PIN", figures));
  Failure failure = from_driver(changed.status, changed.detail, name, Operation::pin_change);
  if (changed.status == drivers::Status::WrongPin) {
    failure.extra["tries_left"] =
        changed.value.tries_left ? nlohmann::json(*changed.value.tries_left) : nlohmann::json(nullptr);
    failure.facts["pin"] = pin_state_json(changed.value);
  }
  return unexpected(std::move(failure));
}

/// pin.verify on the card: the PIN guard, then the driver's one verification, after which the
/// card is no longer verified; the PIN's state after. Drivers of ABI 1.0 lack it: unsupported,
/// nothing sent.
CardResult<drivers::PinInfo> verify_on_card(devices::TokenSession& s, const Secret& pin, bool force) {
  auto& driver = s.driver();
  const auto name = driver.info().name;
  if (!driver.supports(EPORT_CAP_PIN_VERIFY)) {
    Failure failure = from_driver(drivers::Status::Unsupported, "", name, Operation::pin_verify);
    failure.message = "The driver '" + name +
                      "' cannot check a PIN on its own (its plug-in has no pin_verify, driver ABI 1.1). "
                      "Nothing was sent to the card; no try was spent.";
    return unexpected(std::move(failure));
  }
  // 1. The PIN's counter without spending a try: never the final try without `force`.
  std::optional<drivers::PinInfo> figures;
  if (driver.supports(EPORT_CAP_PIN_STATUS)) {
    auto status = driver.pin_status(s.handle(), s.channel(), drivers::PinKind::User);
    if (status) {
      figures = status.value;
      if (auto refused = pin_guard(status.value, force, Operation::pin_verify)) return unexpected(*refused);
    } else if (status.status != drivers::Status::Unsupported && status.status != drivers::Status::NotFound) {
      return unexpected(from_driver(status.status, status.detail, name, Operation::read));
    }
  }
  // 2. One verification, never retried; the driver un-verifies the token right after it.
  auto verified = driver.pin_verify(s.handle(), s.channel(), drivers::PinKind::User, pin.value);
  if (verified) return verified.value;
  if (verified.status == drivers::Status::BadArgs) return unexpected(too_long("PIN", figures));
  Failure failure = from_driver(verified.status, verified.detail, name, Operation::pin_verify);
  if (verified.status == drivers::Status::WrongPin) {
    const auto left = verified.value.tries_left;
    failure.extra["tries_left"] = left ? nlohmann::json(*left) : nlohmann::json(nullptr);
    if (left && *left <= 1)
      failure.message += *left == 1 ? " Only one PIN try is left." : " The PIN is now blocked.";
    failure.facts["pin"] = pin_state_json(verified.value);
  }
  return unexpected(std::move(failure));
}

void pin_reset(CardContext& context, const ipc::Request& request, const ipc::Reply& reply) {
  const auto id = ipc::required_string(request.params, "token");
  const bool force = ipc::optional_bool(request.params, "force").value_or(false);
  auto puk = secret_param(request.params, "puk");
  auto new_pin = secret_param(request.params, "new_pin", context.service.config.get()->pin_default);
  const auto now = context.now_unix();
  run_card_call<drivers::PinInfo>(
      context, card_call(request, id, true),
      [&context, now, puk, new_pin, force](devices::TokenSession& s) {
        return reset_on_card(s, context.puks, now, *puk, *new_pin, force);
      },
      [&context, id](const ipc::Reply& reply, CardResult<drivers::PinInfo> pin) {
        if (!pin) return fail(reply, pin.error());
        auto state = pin_state_json(*pin);
        publish_pin_changed(context, id, state);
        reply.result({{"pin", state}});
      },
      reply);
}

void pin_change(CardContext& context, const ipc::Request& request, const ipc::Reply& reply) {
  const auto id = ipc::required_string(request.params, "token");
  auto old_pin = secret_param(request.params, "old_pin");
  auto new_pin = secret_param(request.params, "new_pin");
  const bool force = ipc::optional_bool(request.params, "force").value_or(false);
  run_card_call<drivers::PinInfo>(
      context, card_call(request, id, true),
      [old_pin, new_pin, force](devices::TokenSession& s) {
        return change_on_card(s, *old_pin, *new_pin, force);
      },
      [&context, id](const ipc::Reply& reply, CardResult<drivers::PinInfo> pin) {
        if (!pin) {
          // A wrong PIN changed the counter: subscribers learn the new state too.
          if (pin.error().facts.contains("pin")) publish_pin_changed(context, id, pin.error().facts["pin"]);
          return fail(reply, pin.error());
        }
        auto state = pin_state_json(*pin);
        publish_pin_changed(context, id, state);
        reply.result({{"pin", state}});
      },
      reply);
}

void pin_verify(CardContext& context, const ipc::Request& request, const ipc::Reply& reply) {
  const auto id = ipc::required_string(request.params, "token");
  auto pin = secret_param(request.params, "pin");
  const bool force = ipc::optional_bool(request.params, "force").value_or(false);
  run_card_call<drivers::PinInfo>(
      context, card_call(request, id, true),
      [pin, force](devices::TokenSession& s) { return verify_on_card(s, *pin, force); },
      [&context, id](const ipc::Reply& reply, CardResult<drivers::PinInfo> result) {
        if (!result) {
          // A wrong PIN changed the counter: subscribers learn the new state too.
          if (result.error().facts.contains("pin"))
            publish_pin_changed(context, id, result.error().facts["pin"]);
          return fail(reply, result.error());
        }
        auto state = pin_state_json(*result);
        publish_pin_changed(context, id, state);
        reply.result(
            {{"verified", true}, {"tries_left", state["tries_left"]}, {"blocked", false}, {"pin", state}});
      },
      reply);
}

}  // namespace

void register_pin_methods(ipc::MethodTable& table, CardContext& context) {
  table.add(
      {"pin.reset", ipc::Role::admin,
       [&context](const ipc::Request& request, ipc::Reply reply) { pin_reset(context, request, reply); },
       true, "reset the user PIN to the default with the PUK (admin)"});
  table.add(
      {"pin.change", ipc::Role::all,
       [&context](const ipc::Request& request, ipc::Reply reply) { pin_change(context, request, reply); },
       true, "change the user PIN (card holder)"});
  table.add(
      {"pin.verify", ipc::Role::all,
       [&context](const ipc::Request& request, ipc::Reply reply) { pin_verify(context, request, reply); },
       true, "check the user PIN, leaving the card unverified (card holder)"});
}

}  // namespace eport::cardops
