// eport-skf.so: the token-provider ops table and the one exported symbol. Every function runs
// inside guarded() (no exception leaves) and fills out-structs only as far as struct_size says.
#include <nlohmann/json.hpp>

#include "abi_glue.hpp"

using namespace eport::skf;

namespace {

#if EPORT_DRIVER_ABI_MINOR >= 1
constexpr bool kAbi11 = true;
#else
constexpr bool kAbi11 = false;
#endif

void require(bool condition, const char* what) {
  if (!condition) throw SkfError(EPORT_ERR_BAD_ARGS, what);
}

const eport_host* host_of(const eport_token* token) {
  return token != nullptr ? token->driver->host : nullptr;
}

void report_status(const eport_driver& driver) {
#if EPORT_DRIVER_ABI_MINOR >= 1
  const eport_host* host = driver.host;
  if (host->struct_size >= EPORT_HOST_SIZE_1_1 && host->report_status != nullptr)
    host->report_status(host->host_ctx, driver.provider->status().dump().c_str());
#else
  (void)driver;
#endif
}

void fill_identity(eport_token_info* out, const TokenEntry& entry) {
  if constexpr (kAbi11) {
#if EPORT_DRIVER_ABI_MINOR >= 1
    if (covers(out, &eport_token_info::id)) {
      set_text(out, &eport_token_info::serial, entry.serial);
      set_text(out, &eport_token_info::id, entry.id);
      set_text(out, &eport_token_info::kind, std::string("usbkey"));
    } else {
      set_text(out, &eport_token_info::serial, entry.id.substr(4));  // "<label>:<serial>"
    }
#endif
  } else {
    set_text(out, &eport_token_info::serial, entry.id.substr(4));  // unique among libraries
  }
  set_text(out, &eport_token_info::label, entry.label);
  set_text(out, &eport_token_info::model, entry.model);
  set_text(out, &eport_token_info::manufacturer, entry.manufacturer);
}

void fill_pin(eport_pin_info* out, const PinReport& report, const Options& options) {
  if (out == nullptr) return;
  set_field(out, &eport_pin_info::tries_left, report.tries_left);
  set_field(out, &eport_pin_info::max_tries, report.max_tries);
  set_field(out, &eport_pin_info::is_default, report.is_default);
  set_field(out, &eport_pin_info::blocked, report.blocked);
  if (report.tries_left >= 0) set_field(out, &eport_pin_info::source, EPORT_SOURCE_SKF);
  if (report.max_tries >= 0) set_field(out, &eport_pin_info::max_source, EPORT_SOURCE_SKF);
  set_field(out, &eport_pin_info::min_length, static_cast<int32_t>(options.min_pin_length));
  set_field(out, &eport_pin_info::max_length, static_cast<int32_t>(options.max_pin_length));
}

bool fill_slot(eport_slot_info* out, const SlotReport& slot) {
  bool named = false;
#if EPORT_DRIVER_ABI_MINOR >= 1
  if (covers(out, &eport_slot_info::slot_id)) {
    set_text(out, &eport_slot_info::slot_id, slot.id);
    named = true;
  }
#endif
  if (slot.id.size() < sizeof out->slot) {
    set_text(out, &eport_slot_info::slot, slot.id);
    named = true;
  }
  set_text(out, &eport_slot_info::label, slot.label);
  set_field(out, &eport_slot_info::has_certificate, slot.has_certificate);
  set_field(out, &eport_slot_info::has_key, slot.has_key);
  return named;
}

int32_t skf_init(const eport_host* host, eport_driver** out) {
  return guarded(host, "init", [&]() -> int32_t {
    require(host != nullptr && out != nullptr, "NULL host or out");
    require(host->struct_size >= EPORT_HOST_SIZE_1_0 && host->log != nullptr, "host table too old");
    auto driver = std::make_unique<eport_driver>();
    driver->host = host;
    auto options = parse_options(host->config_json);
    driver->provider = std::make_unique<Provider>(
        std::move(options), [host](int level, const std::string& line) { log_line(host, level, line); });
    report_status(*driver);
    *out = driver.release();
    return EPORT_OK;
  });
}

void skf_shutdown(eport_driver* driver) { delete driver; }

int32_t skf_enumerate(eport_driver* driver, eport_token_info* infos, size_t* count) {
  return guarded(driver != nullptr ? driver->host : nullptr, "enumerate", [&]() -> int32_t {
    require(driver != nullptr && count != nullptr, "NULL argument");
    const auto tokens = driver->provider->enumerate();
    if (infos == nullptr || *count < tokens.size()) {
      *count = tokens.size();
      return EPORT_ERR_BUFFER_TOO_SMALL;
    }
    for (size_t i = 0; i < tokens.size(); ++i)
      fill_identity(EPORT_ELEMENT(eport_token_info, infos, i), tokens[i]);
    *count = tokens.size();
    return EPORT_OK;
  });
}

int32_t skf_open_provider_token(eport_driver* driver, const char* key, eport_token** out) {
  return guarded(driver != nullptr ? driver->host : nullptr, "open_provider_token", [&]() -> int32_t {
    require(driver != nullptr && key != nullptr && out != nullptr, "NULL argument");
    std::string id = key;
    if (id.rfind("skf:", 0) != 0) id = "skf:" + id;  // a v1.0 host passes "<label>:<serial>"
    auto entry = driver->provider->find(id);
    if (!entry) return EPORT_ERR_NOT_FOUND;
    *out = new eport_token{driver, SkfToken(*driver->provider, std::move(*entry))};
    return EPORT_OK;
  });
}

void skf_close_token(eport_token* token) { delete token; }

int32_t skf_wait_change(eport_driver* driver, uint32_t timeout_ms) {
  return guarded(driver != nullptr ? driver->host : nullptr, "wait_change", [&]() -> int32_t {
    require(driver != nullptr, "NULL driver");
    const int32_t status = driver->provider->wait_change(timeout_ms);
    if (driver->provider->take_status_change()) report_status(*driver);  // events: wait -> poll
    return status;
  });
}

int32_t skf_identify(eport_token* token, eport_channel*, eport_token_info* out) {
  return guarded(host_of(token), "identify", [&]() -> int32_t {
    require(token != nullptr && out != nullptr, "NULL argument");
    fill_identity(out, token->token.identify());
    return EPORT_OK;
  });
}

int32_t skf_pin_status(eport_token* token, eport_channel*, uint32_t which, eport_pin_info* out) {
  return guarded(host_of(token), "pin_status", [&]() -> int32_t {
    require(token != nullptr && out != nullptr, "NULL argument");
    fill_pin(out, token->token.pin_status(which), token->driver->provider->options());
    return EPORT_OK;
  });
}

int32_t skf_pin_reset(eport_token* token, eport_channel*, const char* puk, size_t puk_len,
                      const char* new_pin, size_t new_pin_len, eport_pin_info* out) {
  return guarded(host_of(token), "pin_reset", [&]() -> int32_t {
    require(token != nullptr && puk != nullptr && new_pin != nullptr, "NULL argument");
    PinReport report;
    const int32_t status = token->token.pin_reset(puk, puk_len, new_pin, new_pin_len, report);
    fill_pin(out, report, token->driver->provider->options());
    return status;
  });
}

int32_t skf_pin_change(eport_token* token, eport_channel*, uint32_t which, const char* old_pin,
                       size_t old_len, const char* new_pin, size_t new_len, eport_pin_info* out) {
  return guarded(host_of(token), "pin_change", [&]() -> int32_t {
    require(token != nullptr && old_pin != nullptr && new_pin != nullptr, "NULL argument");
    PinReport report;
    const int32_t status = token->token.pin_change(which, old_pin, old_len, new_pin, new_len, report);
    fill_pin(out, report, token->driver->provider->options());
    return status;
  });
}

int32_t skf_pin_verify(eport_token* token, eport_channel*, uint32_t which, const char* pin, size_t pin_len,
                       eport_pin_info* out) {
  return guarded(host_of(token), "pin_verify", [&]() -> int32_t {
    require(token != nullptr && pin != nullptr, "NULL argument");
    PinReport report;
    const int32_t status = token->token.pin_verify(which, pin, pin_len, report);
    fill_pin(out, report, token->driver->provider->options());
    return status;
  });
}

int32_t skf_cert_list(eport_token* token, eport_channel*, eport_slot_info* slots, size_t* count) {
  return guarded(host_of(token), "cert_list", [&]() -> int32_t {
    require(token != nullptr && count != nullptr, "NULL argument");
    const auto list = token->token.cert_list();
    if (slots == nullptr || *count < list.size()) {
      *count = list.size();
      return EPORT_ERR_BUFFER_TOO_SMALL;
    }
    size_t used = 0;
    for (const auto& slot : list) {
      if (fill_slot(EPORT_ELEMENT(eport_slot_info, slots, used), slot)) ++used;
      else log_line(host_of(token), EPORT_LOG_WARNING, "slot " + slot.id + " needs a host with ABI 1.1");
    }
    *count = used;
    return EPORT_OK;
  });
}

int32_t skf_cert_read(eport_token* token, eport_channel*, const char* slot, uint8_t* der, size_t* der_len) {
  return guarded(host_of(token), "cert_read", [&]() -> int32_t {
    require(token != nullptr && slot != nullptr && der_len != nullptr, "NULL argument");
    const auto cert = token->token.cert_read(slot);
    if (!cert) return EPORT_ERR_NOT_FOUND;
    return copy_out(*cert, der, der_len);
  });
}

int32_t skf_cert_write(eport_token* token, eport_channel*, const char* slot, const uint8_t* der,
                       size_t der_len, const uint8_t* credential, size_t credential_len) {
  return guarded(host_of(token), "cert_write", [&]() -> int32_t {
    require(token != nullptr && slot != nullptr && der != nullptr && der_len > 0, "NULL argument");
    require(credential != nullptr || credential_len == 0, "NULL credential");
    // SKF keys have no management key: the credential is the user PIN SKF_ImportCertificate needs.
    token->token.cert_write(slot, Bytes(der, der + der_len), reinterpret_cast<const char*>(credential),
                            credential_len);
    return EPORT_OK;
  });
}

int32_t skf_slot_public_key(eport_token* token, eport_channel*, const char* slot, uint8_t* spki,
                            size_t* len) {
  return guarded(host_of(token), "slot_public_key", [&]() -> int32_t {
    require(token != nullptr && slot != nullptr && len != nullptr, "NULL argument");
    const auto key = token->token.slot_public_key(slot);
    if (!key) return EPORT_ERR_NOT_FOUND;
    return copy_out(*key, spki, len);
  });
}

const eport_driver_ops kOps = [] {
  eport_driver_ops ops{};
  ops.abi_major = EPORT_DRIVER_ABI_MAJOR;
  ops.abi_minor = EPORT_DRIVER_ABI_MINOR;
  ops.struct_size = sizeof(eport_driver_ops);
  ops.name = "skf";
  ops.version = "0.1.0";
  ops.kind = EPORT_KIND_TOKEN_PROVIDER;
  ops.capabilities = EPORT_CAP_ENUMERATE | EPORT_CAP_WAIT_CHANGE | EPORT_CAP_IDENTIFY | EPORT_CAP_PIN_STATUS |
                     EPORT_CAP_PIN_RESET | EPORT_CAP_PIN_CHANGE | EPORT_CAP_CERT_LIST | EPORT_CAP_CERT_READ |
                     EPORT_CAP_CERT_WRITE | EPORT_CAP_SLOT_PUBLIC_KEY | EPORT_CAP_PIN_VERIFY;
  ops.init = skf_init;
  ops.shutdown = skf_shutdown;
  ops.close_token = skf_close_token;
  ops.enumerate = skf_enumerate;
  ops.open_provider_token = skf_open_provider_token;
  ops.wait_change = skf_wait_change;
  ops.identify = skf_identify;
  ops.pin_status = skf_pin_status;
  ops.pin_reset = skf_pin_reset;
  ops.pin_change = skf_pin_change;
  ops.cert_list = skf_cert_list;
  ops.cert_read = skf_cert_read;
  ops.cert_write = skf_cert_write;
  ops.slot_public_key = skf_slot_public_key;
  ops.pin_verify = skf_pin_verify;  // ABI 1.1
  return ops;
}();

}  // namespace

extern "C" EPORT_DRIVER_EXPORT int32_t eport_driver_entry(uint16_t host_major, uint16_t,
                                                          const eport_driver_ops** out) {
  if (out == nullptr || host_major != EPORT_DRIVER_ABI_MAJOR) return EPORT_ERR_UNSUPPORTED;
  *out = &kOps;
  return EPORT_OK;
}
