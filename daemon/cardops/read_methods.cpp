// readers.list, tokens.list, token.status, cert.read, cert.check.
#include <chrono>
#include <memory>
#include <optional>

#include "cardops/card_call.hpp"
#include "cardops/card_reading.hpp"
#include "cardops/pin_state.hpp"
#include "cardops/slot_names.hpp"
#include "eport/common/reasons.hpp"
#include "ipc/error_codes.hpp"
#include "ipc/params.hpp"
#include "x509/certificate.hpp"
#include "x509/expiry.hpp"

namespace eport::cardops {

namespace {

std::string required_token(const ipc::Request& request) {
  return ipc::required_string(request.params, "token");
}

/// Thresholds for one call: `warn_days` as a number or a list, else expiry.warn_days.
std::vector<int> warn_days_param(const nlohmann::json& params, const std::vector<int>& configured) {
  if (!params.contains("warn_days") || params["warn_days"].is_null()) return configured;
  const auto& value = params["warn_days"];
  std::vector<int> days;
  auto take = [&days](const nlohmann::json& v) {
    try {
      days.push_back(static_cast<int>(ipc::integer_value(v, "warn_days", 0, 36500)));
    } catch (const ipc::InvalidParams&) {
      throw ipc::InvalidParams("warn_days must be a whole number of days (0-36500) or a list of them");
    }
  };
  if (value.is_array())
    for (const auto& v : value) take(v);
  else take(value);
  return days;
}

/// token.status's `puk`: what the card says now; for a card that cannot say (no metadata), the
/// card's last answer to a PUK (source "last_answer", as_of); else unknown (source "none"), or
/// null when the driver knows no PUK at all.
nlohmann::json puk_state(CardContext& context, const std::string& token,
                         const std::optional<drivers::PinInfo>& now) {
  if (now && (now->tries_left || now->blocked.value_or(false) || !now->state.empty()))
    return pin_state_json(*now);  // figures, or a state the token states now (PKCS#11 flags)
  if (auto last = context.puks.last(token)) return last_answer_pin_state(*last);
  return now ? pin_state_json(*now) : nlohmann::json(nullptr);
}

/// token.status `slots` (extension): every slot the token lists, also the empty ones.
nlohmann::json slots_json(const std::vector<drivers::SlotInfo>& slots) {
  auto list = nlohmann::json::array();
  auto tri = [](const std::optional<bool>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  for (const auto& s : slots)
    list.push_back({{"slot", s.slot},
                    {"label", s.label},
                    {"has_certificate", tri(s.has_certificate)},
                    {"has_key", tri(s.has_key)}});
  return list;
}

/// token.status's card work: the PIN and PUK are read from the card on every call (the lock
/// question stays true when another program spent a try a moment ago); the certificates come
/// from the cache while it may be used (cert_cache.hpp; card drivers' tokens only), else from
/// the card, and are cached.
CardResult<CardReading> status_reading(CardContext& context, const std::string& id, bool fresh,
                                       devices::TokenSession& s) {
  CardReading out;
  if (auto failure = read_pins(s, out)) return unexpected(std::move(*failure));
  const auto max_age = std::chrono::seconds(context.service.config.get()->cert_max_age_s);
  // A card says when it was reset or swapped (pcsc-lite's event counter); a token provider's
  // library does not (another program may add or replace an object at any moment), so its
  // tokens' certificates are read on every call.
  const bool kept = s.driver().info().kind == "card";
  if (!fresh && kept) {
    if (auto cached = context.certs.usable(id, s.resets(), max_age)) {
      out.slots = std::move(cached->slots);
      out.certificates = std::move(cached->certificates);
      out.read_at = cached->read_at;
      return out;
    }
  }
  if (auto failure = read_certificates(s, out)) return unexpected(std::move(*failure));
  out.read_at = context.now_unix();
  context.certs.store(id, out.slots, out.certificates, out.read_at, s.resets());
  return out;
}

void token_status(CardContext& context, const ipc::Request& request, const ipc::Reply& reply) {
  const auto id = required_token(request);
  const bool fresh = ipc::optional_bool(request.params, "fresh").value_or(false);
  // Identical questions in flight share one card job (read_coalescer.hpp); a notification has
  // no answer to share.
  std::shared_ptr<ReadGroup> group;
  std::optional<ipc::Reply> answer;
  if (!reply.id().is_null()) {
    auto lead = context.coalescer.join_or_lead("token.status\n" + id + (fresh ? "\nfresh" : ""), reply);
    if (!lead) return;
    group = lead->group;
    answer = lead->reply;
  }
  run_card_call<CardReading>(
      context, card_call(request, id, false),
      [&context, id, fresh, group](devices::TokenSession& s) {
        if (group) group->started();
        return status_reading(context, id, fresh, s);
      },
      [&context, id](const ipc::Reply& reply, CardResult<CardReading> reading) {
        if (!reading) return fail(reply, reading.error());
        context.labels.remember(id, reading->slots);
        auto token = context.registry.token(id);
        const auto report = summarise_certificates(
            *reading, context.now_unix(), context.service.config.get()->expiry_warn_days, context.summaries);
        context.expiry.observe(id, report.summaries);
        context.service.events.publish_internal(
            "token.read", {{"token", id},
                           {"pin", reading->pin ? pin_state_json(*reading->pin) : unknown_pin_state_json()},
                           {"puk", reading->puk ? pin_state_json(*reading->puk) : nlohmann::json(nullptr)},
                           {"certificates", certificates_json(report)}});
        reply.result({{"token", token ? token->to_json() : nlohmann::json(nullptr)},
                      {"pin", reading->pin ? pin_state_json(*reading->pin) : unknown_pin_state_json()},
                      {"puk", puk_state(context, id, reading->puk)},
                      {"certificates", certificates_json(report)},
                      {"unreadable", report.unreadable},
                      {"read_at", x509::format_utc(reading->read_at)},
                      {"slots", slots_json(reading->slots)}});
      },
      answer ? *answer : reply);
}

/// What cert.read found: the slot as the token spells it, and its DER.
struct SlotRead {
  std::string slot;
  std::vector<std::uint8_t> der;
};

/// cert.read on the card: the slot's DER, or why there is none. A slot the token does not have
/// is tried once more under the token's own spelling ("9A" -> "9a"); else the answer names the
/// token's slots (`known`: its latest listing, read again when empty).
CardResult<SlotRead> read_slot(devices::TokenSession& s, const std::string& slot,
                               const std::vector<drivers::SlotInfo>& known) {
  SlotRead read{slot, {}};
  auto der = s.driver().cert_read(s.handle(), s.channel(), slot);
  if (der.status == drivers::Status::BadArgs) {
    const auto slots = known_or_listed(s, known);
    if (auto listed = listed_slot(slots, slot); listed && *listed != slot) {
      read.slot = *listed;
      der = s.driver().cert_read(s.handle(), s.channel(), *listed);
    }
    if (der.status == drivers::Status::BadArgs) return unexpected(unknown_slot(slot, slots));
  }
  if (der) {
    read.der = std::move(der.value);
    return read;
  }
  if (der.status == drivers::Status::NotFound)
    return unexpected(Failure{reasons::cert_not_found, "Slot " + read.slot + " holds no certificate."});
  return unexpected(from_driver(der.status, der.detail, s.driver().info().name, Operation::read));
}

void cert_read(CardContext& context, const ipc::Request& request, const ipc::Reply& reply) {
  const auto id = required_token(request);
  const auto slot = slot_param(request.params);
  const auto known = context.labels.slots(id);
  run_card_call<SlotRead>(
      context, card_call(request, id, false),
      [slot, known](devices::TokenSession& s) { return read_slot(s, slot, known); },
      [&context, id](const ipc::Reply& reply, CardResult<SlotRead> read) {
        if (!read) return fail(reply, read.error());
        const std::string& slot = read->slot;
        auto parsed = x509::Certificate::from_der(read->der);
        if (!parsed)
          return reply.fail(reasons::cert_invalid, "Slot " + slot +
                                                       " holds data that is not a complete "
                                                       "certificate (" +
                                                       parsed.error().message +
                                                       "). Write the "
                                                       "certificate again.");
        auto summary =
            x509::summarise(*parsed, context.clock(), context.service.config.get()->expiry_warn_days);
        summary.slot = slot;
        summary.label = context.labels.label(id, slot);
        context.service.events.publish_internal("cert.read",
                                                {{"token", id}, {"certificate", summary.to_json()}});
        reply.result({{"certificate", summary.to_json()},
                      {"pem", parsed->pem()},
                      {"der_base64", parsed->der_base64()}});
      },
      reply);
}

/// cert.check's answer once every token's reading is in; a token that could not be read is
/// reported in its entry, not fatal.
void answer_check(CardContext& context, const ipc::Reply& reply, const std::vector<std::string>& ids,
                  const std::vector<int>& warn_days, std::vector<CardResult<CardReading>> readings) {
  std::vector<nlohmann::json> entries;
  std::vector<CertificateReport> reports(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    nlohmann::json entry = {{"token", ids[i]}, {"certificates", nlohmann::json::array()}};
    if (!readings[i]) {
      entry["error"] = {{"reason", readings[i].error().reason}, {"message", readings[i].error().message}};
    } else {
      context.labels.remember(ids[i], readings[i]->slots);
      reports[i] = summarise_certificates(*readings[i], context.now_unix(), warn_days, context.summaries);
      if (warn_days == context.service.config.get()->expiry_warn_days)
        context.expiry.observe(ids[i], reports[i].summaries);
      entry["certificates"] = certificates_json(reports[i]);
      context.service.events.publish_internal("token.read",
                                              {{"token", ids[i]}, {"certificates", entry["certificates"]}});
      entry["unreadable"] = reports[i].unreadable;
    }
    entries.push_back(std::move(entry));
  }
  std::vector<const CertificateReport*> all;
  for (const auto& report : reports) all.push_back(&report);
  reply.result({{"tokens", entries}, {"worst", worst_state(all)}});
}

void cert_check(CardContext& context, const ipc::Request& request, const ipc::Reply& reply) {
  const auto warn_days = warn_days_param(request.params, context.service.config.get()->expiry_warn_days);
  std::vector<std::string> ids;
  if (auto one = ipc::optional_string(request.params, "token")) {
    if (!context.registry.token(*one))
      return fail(reply, from_submit(devices::SubmitResult::no_such_token, *one));
    ids.push_back(*one);
  } else {
    for (const auto& token : context.registry.tokens())
      if (token.state == "ready") ids.push_back(token.id);
  }
  if (ids.empty()) return reply.result({{"tokens", nlohmann::json::array()}, {"worst", "none"}});
  auto gather = Gather<CardReading>::of(
      ids.size(), [&context, reply, ids, warn_days](std::vector<CardResult<CardReading>> readings) {
        answer_check(context, reply, ids, warn_days, std::move(readings));
      });
  for (std::size_t i = 0; i < ids.size(); ++i)
    submit_card_call<CardReading>(
        context, card_call(request, ids[i], false), next_job_id(context),
        [&context, id = ids[i]](devices::TokenSession& s) {
          auto reading = read_card(s, false);
          if (reading)
            context.certs.store(id, reading->slots, reading->certificates, context.now_unix(),
                                s.resets());  // token.status's cache
          return reading;
        },
        [gather, i](CardResult<CardReading> reading, bool) { gather->put(i, std::move(reading)); });
}

}  // namespace

void register_read_methods(ipc::MethodTable& table, CardContext& context) {
  table.add({"readers.list", ipc::Role::all,
             [&context](const ipc::Request&, ipc::Reply reply) {
               auto list = nlohmann::json::array();
               for (const auto& reader : context.registry.readers()) list.push_back(reader.to_json());
               reply.result({{"readers", list}});
             },
             false, "every PC/SC reader, with its card and token"});
  table.add({"tokens.list", ipc::Role::all,
             [&context](const ipc::Request&, ipc::Reply reply) {
               auto list = nlohmann::json::array();
               for (const auto& token : context.registry.tokens()) list.push_back(token.to_json());
               reply.result({{"tokens", list}});
             },
             false, "every recognised token"});
  table.add(
      {"token.status", ipc::Role::all,
       [&context](const ipc::Request& request, ipc::Reply reply) { token_status(context, request, reply); },
       false, "PIN and PUK state and certificates of one token (spends no try)"});
  table.add(
      {"cert.read", ipc::Role::all,
       [&context](const ipc::Request& request, ipc::Reply reply) { cert_read(context, request, reply); },
       false, "one certificate as PEM and base64 DER with its summary"});
  table.add(
      {"cert.check", ipc::Role::all,
       [&context](const ipc::Request& request, ipc::Reply reply) { cert_check(context, request, reply); },
       false, "expiry of the certificates of one or every token"});
}

}  // namespace eport::cardops
