// readers.list, tokens.list, token.status, cert.read, cert.check.
#include <memory>
#include <mutex>

#include "cardops/card_jobs.hpp"
#include "cardops/card_reading.hpp"
#include "cardops/pin_state.hpp"
#include "ipc/error_codes.hpp"
#include "ipc/params.hpp"
#include "x509/certificate.hpp"

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
  if (now && (now->tries_left || now->blocked.value_or(false))) return pin_state_json(*now);
  if (auto last = context.puks.last(token)) return last_answer_pin_state(*last);
  return now ? pin_state_json(*now) : nlohmann::json(nullptr);
}

void token_status(CardContext& context, const ipc::Request& request, const ipc::Reply& reply) {
  const auto id = required_token(request);
  auto reading = std::make_shared<CardReading>();
  run_on_token(
      context, card_call(request, id, false),
      [reading](devices::TokenSession& s) { read_card(s, true, *reading); },
      [&context, id, reading](const ipc::Reply& reply) {
        if (reading->failure) return fail(reply, *reading->failure);
        context.labels.remember(id, reading->slots);
        auto token = context.registry.token(id);
        const auto report = summarise_certificates(*reading, context.now_unix(),
                                                   context.service.config.get()->expiry_warn_days);
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
                      {"unreadable", report.unreadable}});
      },
      reply);
}

void cert_read(CardContext& context, const ipc::Request& request, const ipc::Reply& reply) {
  const auto id = required_token(request);
  const auto slot = slot_param(request.params);
  struct Read {
    drivers::Result<std::vector<std::uint8_t>> der;
    std::string driver;
    std::string label;
  };
  auto read = std::make_shared<Read>();
  run_on_token(
      context, card_call(request, id, false),
      [read, slot](devices::TokenSession& s) {
        read->driver = s.driver().info().name;
        read->der = s.driver().cert_read(s.handle(), s.channel(), slot);
      },
      [&context, id, read, slot](const ipc::Reply& reply) {
        if (read->der.status == drivers::Status::NotFound)
          return reply.fail("cert_not_found", "Slot " + slot + " holds no certificate.");
        if (read->der.status == drivers::Status::BadArgs)
          return reply.error(ipc::kInvalidParams, "'" + slot +
                                                      "' is not a certificate slot of this card "
                                                      "(PIV: 9a, 9c, 9d, 9e, 82-95).");
        if (!read->der)
          return fail(reply, from_driver(read->der.status, read->der.detail, read->driver, Operation::read));
        auto parsed = x509::Certificate::from_der(read->der.value);
        if (!parsed)
          return reply.fail("cert_invalid", "Slot " + slot +
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

/// Collects the per-token answers of cert.check and replies when the last one is in.
struct CheckGather {
  std::mutex mutex;
  std::size_t pending = 0;
  std::vector<nlohmann::json> entries;     // in token order
  std::vector<CertificateReport> reports;  // same order
  ipc::Reply reply;
  explicit CheckGather(ipc::Reply r) : reply(std::move(r)) {}
  void finish_one() {
    std::lock_guard lock(mutex);
    if (--pending != 0) return;
    std::vector<const CertificateReport*> all;
    for (const auto& report : reports) all.push_back(&report);
    reply.result({{"tokens", entries}, {"worst", worst_state(all)}});
  }
};

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
  auto gather = std::make_shared<CheckGather>(reply);
  if (ids.empty()) return reply.result({{"tokens", nlohmann::json::array()}, {"worst", "none"}});
  gather->pending = ids.size();
  gather->entries.resize(ids.size());
  gather->reports.resize(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto id = ids[i];
    auto reading = std::make_shared<CardReading>();
    // Each token answers into its own entry; a failed token is reported, not fatal.
    auto record = [&context, gather, i, id, reading, warn_days](const std::optional<Failure>& failure) {
      nlohmann::json entry = {{"token", id}, {"certificates", nlohmann::json::array()}};
      CertificateReport report;
      if (failure) {
        entry["error"] = {{"reason", failure->reason}, {"message", failure->message}};
      } else {
        context.labels.remember(id, reading->slots);
        report = summarise_certificates(*reading, context.now_unix(), warn_days);
        if (warn_days == context.service.config.get()->expiry_warn_days)
          context.expiry.observe(id, report.summaries);
        entry["certificates"] = certificates_json(report);
        context.service.events.publish_internal("token.read",
                                                {{"token", id}, {"certificates", entry["certificates"]}});
        entry["unreadable"] = report.unreadable;
      }
      {
        std::lock_guard lock(gather->mutex);
        gather->entries[i] = std::move(entry);
        gather->reports[i] = std::move(report);
      }
      gather->finish_one();
    };
    submit_card_job(
        context, card_call(request, id, false),
        [reading](devices::TokenSession& s) { read_card(s, false, *reading); },
        [record, reading](const JobResult& result, bool late) {
          if (!late) record(result ? result : reading->failure);
        });
  }
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
