// cert.write (admin): the guarded certificate write.
//
// Before the card is touched: the certificate must parse and be valid now (unless `force`).
// On the card, in one transaction: the steps of cert_write_steps.hpp.
#include <string.h>  // explicit_bzero
#include <unistd.h>

#include <cctype>
#include <memory>

#include <eport/driver.h>

#include "cardops/card_jobs.hpp"
#include "cardops/cert_write_steps.hpp"
#include "config/key_file_check.hpp"
#include "eport/common/reasons.hpp"
#include "ipc/error_codes.hpp"
#include "ipc/params.hpp"
#include "x509/certificate.hpp"
#include "x509/certificate_summary.hpp"

namespace eport::cardops {

namespace {

/// The management key from hex; `text` (the param's copy) is wiped, and so is every copy made
/// here (buffers are reserved up front: no reallocation leaves a stray copy in freed memory).
std::vector<std::uint8_t> hex_key(std::string& text) {
  std::vector<std::uint8_t> key;
  std::string digits;
  digits.reserve(text.size());
  key.reserve(text.size() / 2 + 1);
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)) && c != ':') digits += c;
  wipe(text);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  bool bad = digits.size() % 2 != 0 || digits.empty();
  for (std::size_t i = 0; !bad && i < digits.size(); i += 2) {
    const int hi = nibble(digits[i]), lo = nibble(digits[i + 1]);
    if (hi < 0 || lo < 0) bad = true;
    else key.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  wipe(digits);
  if (bad) {
    if (!key.empty()) explicit_bzero(key.data(), key.size());
    throw ipc::InvalidParams("management_key must be hex digits (e.g. 48 for a 3DES key)");
  }
  return key;
}

/// Why the configured management_key_file of `token`'s driver would be refused ("" = fine or
/// none configured), so that a write that needs it can say why.
std::string key_file_problem_of(CardContext& context, const std::string& token) {
  const auto known = context.registry.token(token);
  if (!known) return {};
  for (const auto& driver : context.service.config.get()->drivers) {
    const auto it = driver.options.find("management_key_file");
    if (driver.name != known->driver || it == driver.options.end() || !it->is_string()) continue;
    return config::key_file_problem(it->get<std::string>(), config::key_file_owners());
  }
  return {};
}

void cert_write(CardContext& context, const ipc::Request& request, const ipc::Reply& reply) {
  auto write = std::make_shared<WriteRequest>();
  write->token = ipc::required_string(request.params, "token");
  write->slot = slot_param(request.params);
  const auto text = ipc::required_string(request.params, "certificate");
  const bool force = ipc::optional_bool(request.params, "force").value_or(false);
  write->allow_key_mismatch = ipc::optional_bool(request.params, "allow_key_mismatch").value_or(false);
  if (auto key = ipc::optional_string(request.params, "management_key"))
    write->management_key = hex_key(*key);
  // Tokens without a management key (SKF USBKeys) store a certificate with the user PIN: it takes
  // the management key's place in the driver call.
  if (auto pin = ipc::optional_string(request.params, "pin")) {
    if (!write->management_key.empty()) {
      wipe(*pin);
      throw ipc::InvalidParams("give management_key or pin, not both");
    }
    write->management_key.assign(pin->begin(), pin->end());
    wipe(*pin);
  }
  write->state_dir = context.service.config.get()->state_dir;
  write->known_slots = context.labels.slots(write->token);
  if (write->management_key.empty()) write->key_file_problem = key_file_problem_of(context, write->token);
  write->now = context.now_unix();

  auto parsed = x509::Certificate::parse(text);
  if (!parsed) return reply.fail(reasons::cert_invalid, parsed.error().message);
  const auto cert = *parsed;
  write->der = cert.der();
  const auto summary = x509::summarise(cert, context.clock(), context.service.config.get()->expiry_warn_days);
  if (!force &&
      (summary.state == x509::ExpiryState::expired || summary.state == x509::ExpiryState::not_yet_valid))
    return reply.fail(
        reasons::cert_not_valid_now,
        "The certificate is " +
            std::string(summary.state == x509::ExpiryState::expired ? "expired" : "not yet valid") +
            " (valid " + summary.not_before + " to " + summary.not_after +
            "). Nothing was written; get a current certificate, or pass force.",
        {{"not_before", summary.not_before}, {"not_after", summary.not_after}});
  if (!context.registry.token(write->token))
    return fail(reply, from_submit(devices::SubmitResult::no_such_token, write->token));

  run_card_call<WrittenCertificate>(
      context, card_call(request, write->token, true),
      [&context, write, cert](devices::TokenSession& s) {
        context.certs.forget(write->token);  // whatever happens now, token.status reads the card
        return write_on_card(s, *write, cert);
      },
      [&context, write](const ipc::Reply& reply, CardResult<WrittenCertificate> written) {
        if (!written) return fail(reply, with_write_state(written.error()));
        auto back = x509::Certificate::from_der(written->der);
        auto result =
            back ? x509::summarise(*back, context.clock(), context.service.config.get()->expiry_warn_days)
                 : x509::CertificateSummary{};
        result.slot = written->slot;  // as the token spells it
        result.label = context.labels.label(write->token, written->slot);
        context.service.events.publish_internal("cert.written",
                                                {{"token", write->token}, {"certificate", result.to_json()}});
        reply.result(
            {{"certificate", result.to_json()},
             {"verified", true},
             {"backup", written->backup ? nlohmann::json(*written->backup) : nlohmann::json(nullptr)}});
      },
      reply);
}

}  // namespace

void register_cert_write_method(ipc::MethodTable& table, CardContext& context) {
  table.add(
      {"cert.write", ipc::Role::admin,
       [&context](const ipc::Request& request, ipc::Reply reply) { cert_write(context, request, reply); },
       true, "write a certificate to a slot, checked, backed up and verified (admin)"});
}

}  // namespace eport::cardops
