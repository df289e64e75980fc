// cert.write (admin): the guarded certificate write.
//
// Before the card is touched: the certificate must parse and be valid now (unless `force`).
// On the card, in one transaction: the slot's key must be the certificate's key (unless
// `allow_key_mismatch`), the old certificate is backed up to disk, the new one is written and
// read back; a read-back that differs puts the old certificate back.
#include <string.h>  // explicit_bzero
#include <unistd.h>

#include <cctype>
#include <memory>

#include <eport/driver.h>

#include "cardops/card_jobs.hpp"
#include "cardops/cert_backup.hpp"
#include "eport/common/reasons.hpp"
#include "ipc/error_codes.hpp"
#include "ipc/params.hpp"
#include "x509/certificate.hpp"
#include "x509/certificate_summary.hpp"
#include "x509/key_match.hpp"

namespace eport::cardops {

namespace {

struct WriteRequest {
  std::string token;
  std::string slot;
  std::vector<std::uint8_t> der;
  std::vector<std::uint8_t> management_key;
  bool allow_key_mismatch = false;
  std::string state_dir;
  std::int64_t now = 0;
  ~WriteRequest() {
    if (!management_key.empty()) explicit_bzero(management_key.data(), management_key.size());
  }
};

struct WriteOutcome {
  std::optional<Failure> failure;
  std::vector<std::uint8_t> read_back;
  std::optional<std::string> backup;
};

std::vector<std::uint8_t> hex_key(std::string text) {
  std::vector<std::uint8_t> key;
  std::string digits;
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

Failure key_failure(const std::string& why) {
  return {reasons::cert_key_mismatch, why + " Nothing was written.", nlohmann::json::object()};
}

/// The slot's key must be the certificate's key. Returns a failure to stop, or nullopt.
std::optional<Failure> check_key(devices::TokenSession& s, const WriteRequest& request,
                                 const x509::Certificate& cert) {
  if (request.allow_key_mismatch) return std::nullopt;
  auto& driver = s.driver();
  if (!driver.supports(EPORT_CAP_SLOT_PUBLIC_KEY))
    return key_failure("The driver cannot tell the key in slot " + request.slot +
                       ", so the certificate cannot be checked against it. Pass "
                       "allow_key_mismatch only if you are sure it belongs to this card.");
  auto spki = driver.slot_public_key(s.handle(), s.channel(), request.slot);
  if (!spki)
    return key_failure("The key in slot " + request.slot + " could not be read (" +
                       drivers::to_string(spki.status) +
                       "), so the certificate cannot be "
                       "checked against it. Pass allow_key_mismatch only if you are sure.");
  switch (x509::match_public_key(cert, spki.value)) {
    case x509::KeyMatch::same_key: return std::nullopt;
    case x509::KeyMatch::different_key:
      return key_failure("The certificate is for another key than the one in slot " + request.slot +
                         " of this card: it was issued for another card or another slot.");
    case x509::KeyMatch::unreadable_key: break;
  }
  return key_failure("The card reported a key for slot " + request.slot + " that cannot be read.");
}

void write_on_card(devices::TokenSession& s, const WriteRequest& request, const x509::Certificate& cert,
                   WriteOutcome& out) {
  out = WriteOutcome{};
  auto& driver = s.driver();
  const auto name = driver.info().name;
  auto driver_fail = [&](drivers::Status status, const std::string& detail) {
    out.failure = from_driver(status, detail, name, Operation::cert_write);
    out.failure->extra["backup"] = out.backup ? nlohmann::json(*out.backup) : nlohmann::json(nullptr);
  };
  if (!driver.supports(EPORT_CAP_CERT_WRITE) || !driver.supports(EPORT_CAP_CERT_READ))
    return driver_fail(drivers::Status::Unsupported, "");
  if ((out.failure = check_key(s, request, cert))) return;
  // Back up what the slot holds now.
  auto old = driver.cert_read(s.handle(), s.channel(), request.slot);
  if (old.status == drivers::Status::BadArgs) {
    out.failure = Failure{"",
                          "'" + request.slot +
                              "' is not a certificate slot of this card (PIV: "
                              "9a, 9c, 9d, 9e, 82-95).",
                          nlohmann::json::object(), ipc::kInvalidParams};
    return;
  }
  if (!old && old.status != drivers::Status::NotFound) return driver_fail(old.status, old.detail);
  if (old) {
    std::string error;
    out.backup = write_backup(request.state_dir, request.token, request.slot, old.value, request.now, error);
    if (!out.backup) {
      out.failure = Failure{reasons::backup_failed, "The old certificate could not be backed up (" + error +
                                                        "); nothing was written. Check the state directory."};
      return;
    }
  }
  // Write, then read back what the card really holds.
  auto written =
      driver.cert_write(s.handle(), s.channel(), request.slot, request.der, request.management_key);
  if (!written) {
    // Refused before any PUT DATA: the backup describes a write that never started.
    if (out.backup &&
        (written.status == drivers::Status::MgmtKeyRequired ||
         written.status == drivers::Status::WrongMgmtKey || written.status == drivers::Status::BadArgs ||
         written.status == drivers::Status::WrongPin || written.status == drivers::Status::PinBlocked)) {
      ::unlink(out.backup->c_str());
      out.backup.reset();
    }
    return driver_fail(written.status, written.detail);
  }
  auto back = driver.cert_read(s.handle(), s.channel(), request.slot);
  if (back && back.value == request.der) return void(out.read_back = back.value);
  if (!back && back.status != drivers::Status::NotFound && back.status != drivers::Status::CardError)
    return driver_fail(back.status, back.detail);
  // The card holds something else: put the old certificate back.
  bool restored = false;
  if (old) {
    auto undo = driver.cert_write(s.handle(), s.channel(), request.slot, old.value, request.management_key);
    auto check = undo ? driver.cert_read(s.handle(), s.channel(), request.slot) : decltype(back){};
    restored = undo && check && check.value == old.value;
  }
  out.failure = Failure{reasons::write_verify_failed,
                        restored ? "The card did not hold the certificate after writing; the old "
                                   "certificate was put back. Re-insert the card and try again."
                                 : "The card did not hold the certificate after writing and the old "
                                   "one could not be put back. Keep the backup file and write it "
                                   "or the new certificate again.",
                        {{"restored", restored},
                         {"backup", out.backup ? nlohmann::json(*out.backup) : nlohmann::json(nullptr)}}};
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

  auto out = std::make_shared<WriteOutcome>();
  run_on_token(
      context, card_call(request, write->token, true),
      [write, cert, out](devices::TokenSession& s) { write_on_card(s, *write, cert, *out); },
      [&context, write, out](const ipc::Reply& reply) {
        if (out->failure) return fail(reply, *out->failure);
        auto back = x509::Certificate::from_der(out->read_back);
        auto result =
            back ? x509::summarise(*back, context.clock(), context.service.config.get()->expiry_warn_days)
                 : x509::CertificateSummary{};
        result.slot = write->slot;
        result.label = context.labels.label(write->token, write->slot);
        context.service.events.publish_internal("cert.written",
                                                {{"token", write->token}, {"certificate", result.to_json()}});
        reply.result({{"certificate", result.to_json()},
                      {"verified", true},
                      {"backup", out->backup ? nlohmann::json(*out->backup) : nlohmann::json(nullptr)}});
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
