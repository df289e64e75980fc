// eport-piv.so: the ops table and the one exported symbol. Each function checks its arguments,
// runs inside guarded()/on_card() (no exception leaves), and fills out-structs only as far as
// the caller's struct_size reaches.
#include <chrono>
#include <memory>

#include "abi_fields.hpp"
#include "abi_glue.hpp"
#include "mgmt_key_source.hpp"
#include "piv_error.hpp"

using namespace eport::piv;

namespace {

void require(bool condition, const char* what) {
  if (!condition) throw PivError(EPORT_ERR_BAD_ARGS, what);
}

int32_t piv_init(const eport_host* host, eport_driver** out) {
  return guarded(host, "init", [&]() -> int32_t {
    require(host != nullptr && out != nullptr, "NULL host or out");
    require(host->struct_size >= EPORT_HOST_SIZE_1_0 && host->transmit != nullptr,
            "host table too old or without transmit");
    auto driver = std::make_unique<eport_driver>();
    driver->host = host;
    driver->options = parse_options(host->config_json);
    *out = driver.release();
    return EPORT_OK;
  });
}

void piv_shutdown(eport_driver* driver) { delete driver; }

int32_t piv_match(eport_driver* driver, eport_channel* ch, const uint8_t*, size_t) {
  const eport_host* host = driver != nullptr ? driver->host : nullptr;
  return guarded(host, "match", [&]() -> int32_t {
    require(driver != nullptr && ch != nullptr, "NULL driver or channel");
    ApduChannel channel = channel_for(host, ch);
    PivCard card(channel);
    return card.select() ? EPORT_OK : EPORT_ERR_NO_MATCH;
  });
}

int32_t piv_open_token(eport_driver* driver, eport_channel* ch, eport_token** out) {
  const eport_host* host = driver != nullptr ? driver->host : nullptr;
  return guarded(host, "open_token", [&]() -> int32_t {
    require(driver != nullptr && ch != nullptr && out != nullptr, "NULL argument");
    auto token = std::unique_ptr<eport_token>(new eport_token{
        driver, Token(driver->options, logger_for(host), [] { return std::chrono::steady_clock::now(); })});
    ApduChannel channel = channel_for(host, ch);
    PivCard card(channel);
    token->token.open(card);  // match() selected PIV in this same transaction
    log_line(host, EPORT_LOG_DEBUG,
             "open_token: serial " + token->token.identity().serial + " from " +
                 token->token.identity().serial_source + ", " + std::to_string(channel.apdu_count()) +
                 " APDUs");
    *out = token.release();
    return EPORT_OK;
  });
}

void piv_close_token(eport_token* token) { delete token; }

int32_t piv_identify(eport_token* token, eport_channel*, eport_token_info* out) {
  const eport_host* host = token != nullptr ? token->driver->host : nullptr;
  return guarded(host, "identify", [&]() -> int32_t {
    require(token != nullptr && out != nullptr, "NULL token or out");
    const Identity& id = token->token.identity();
    set_text(out, &eport_token_info::serial, id.serial);
    set_text(out, &eport_token_info::label, id.label);
    set_text(out, &eport_token_info::model, id.model);
    set_text(out, &eport_token_info::manufacturer, id.manufacturer);
    return EPORT_OK;
  });
}

int32_t piv_pin_status(eport_token* token, eport_channel* ch, uint32_t which, eport_pin_info* out) {
  return on_card(token, ch, "pin_status", [&](Token& t, PivCard& card) {
    require(out != nullptr, "NULL out");
    const PinResult result = t.pin_status(card, which);
    write_pin_info(result.figures, out);
    return result.status;
  });
}

int32_t piv_pin_reset(eport_token* token, eport_channel* ch, const char* puk, size_t puk_len,
                      const char* new_pin, size_t new_pin_len, eport_pin_info* out) {
  return on_card(token, ch, "pin_reset", [&](Token& t, PivCard& card) {
    const PinResult result = t.pin_reset(card, puk, puk_len, new_pin, new_pin_len);
    write_pin_info(result.figures, out);
    return result.status;
  });
}

int32_t piv_pin_change(eport_token* token, eport_channel* ch, uint32_t which, const char* old_pin,
                       size_t old_len, const char* new_pin, size_t new_len, eport_pin_info* out) {
  return on_card(token, ch, "pin_change", [&](Token& t, PivCard& card) {
    const PinResult result = t.pin_change(card, which, old_pin, old_len, new_pin, new_len);
    write_pin_info(result.figures, out);
    return result.status;
  });
}

int32_t piv_pin_verify(eport_token* token, eport_channel* ch, uint32_t which, const char* pin, size_t pin_len,
                       eport_pin_info* out) {
  return on_card(token, ch, "pin_verify", [&](Token& t, PivCard& card) {
    const PinResult result = t.pin_verify(card, which, pin, pin_len);
    write_pin_info(result.figures, out);
    return result.status;
  });
}

int32_t piv_cert_list(eport_token* token, eport_channel* ch, eport_slot_info* slots, size_t* count) {
  return on_card(token, ch, "cert_list", [&](Token& t, PivCard& card) -> int32_t {
    require(count != nullptr, "NULL count");
    const size_t capacity = *count;
    *count = t.slots().size();
    if (slots == nullptr || capacity < *count) return EPORT_ERR_BUFFER_TOO_SMALL;  // no APDU
    const std::vector<SlotReport> reports = t.cert_list(card);
    for (size_t i = 0; i < reports.size(); ++i) {
      eport_slot_info* info = EPORT_ELEMENT(eport_slot_info, slots, i);
      set_text(info, &eport_slot_info::slot, reports[i].slot.name());
      set_text(info, &eport_slot_info::label, reports[i].slot.label);
      set_field(info, &eport_slot_info::has_certificate, reports[i].has_certificate);
    }
    *count = reports.size();
    return EPORT_OK;
  });
}

int32_t piv_cert_read(eport_token* token, eport_channel* ch, const char* slot, uint8_t* der,
                      size_t* der_len) {
  return on_card(token, ch, "cert_read", [&](Token& t, PivCard& card) {
    const Slot which = slot_named(slot);
    require(der_len != nullptr, "NULL der_len");
    const Bytes cert = t.cert_read(card, which);
    const int32_t status = copy_out(cert, der, der_len);
    if (status == EPORT_ERR_BUFFER_TOO_SMALL) t.keep_for_retry(which, cert);
    return status;
  });
}

int32_t piv_cert_write(eport_token* token, eport_channel* ch, const char* slot, const uint8_t* der,
                       size_t der_len, const uint8_t* mgmt_key, size_t mgmt_key_len) {
  return on_card(token, ch, "cert_write", [&](Token& t, PivCard& card) {
    const Slot which = slot_named(slot);
    require(der != nullptr && der_len > 0, "no certificate");
    const SecureBytes key = resolve_management_key(mgmt_key, mgmt_key_len, t.options().management_key_file);
    t.cert_write(card, which, Bytes(der, der + der_len), key);
    return EPORT_OK;
  });
}

int32_t piv_slot_public_key(eport_token* token, eport_channel* ch, const char* slot, uint8_t* spki_der,
                            size_t* len) {
  return on_card(token, ch, "slot_public_key", [&](Token& t, PivCard& card) {
    const Slot which = slot_named(slot);
    require(len != nullptr, "NULL len");
    return copy_out(t.slot_public_key(card, which), spki_der, len);
  });
}

const eport_driver_ops kOps = {
    EPORT_DRIVER_ABI_MAJOR,
    EPORT_DRIVER_ABI_MINOR,
    sizeof(eport_driver_ops),
    "piv",
    "0.1.0",
    EPORT_KIND_CARD,
    EPORT_CAP_MATCH | EPORT_CAP_IDENTIFY | EPORT_CAP_PIN_STATUS | EPORT_CAP_PIN_RESET | EPORT_CAP_PIN_CHANGE |
        EPORT_CAP_CERT_LIST | EPORT_CAP_CERT_READ | EPORT_CAP_CERT_WRITE | EPORT_CAP_SLOT_PUBLIC_KEY |
        EPORT_CAP_PIN_VERIFY,
    piv_init,
    piv_shutdown,
    piv_match,
    piv_open_token,
    piv_close_token,
    nullptr,  // enumerate: token providers only
    nullptr,  // open_provider_token
    nullptr,  // wait_change
    piv_identify,
    piv_pin_status,
    piv_pin_reset,
    piv_pin_change,
    piv_cert_list,
    piv_cert_read,
    piv_cert_write,
    piv_slot_public_key,
    piv_pin_verify,  // ABI 1.1
};

}  // namespace

extern "C" EPORT_DRIVER_EXPORT int32_t eport_driver_entry(uint16_t host_major, uint16_t,
                                                          const eport_driver_ops** out_ops) {
  if (out_ops == nullptr) return EPORT_ERR_BAD_ARGS;
  if (host_major != EPORT_DRIVER_ABI_MAJOR) return EPORT_ERR_UNSUPPORTED;
  *out_ops = &kOps;
  return EPORT_OK;
}
