// eport-pkcs11.so: a token provider over PKCS#11 modules. The ops table and the one exported
// symbol; each function runs inside guarded()/on_token() so that nothing is thrown across.
#include <p11-kit/p11-kit.h>

#include <chrono>
#include <memory>

#include "driver.hpp"

using namespace eport::pkcs11;

namespace {

int32_t p11_init(const eport_host* host, eport_driver** out) {
  return guarded(host, "init", [&]() -> int32_t {
    if (host == nullptr || out == nullptr || host->struct_size < EPORT_HOST_SIZE_1_0)
      throw P11Error(EPORT_ERR_BAD_ARGS, "NULL host or out, or a host table older than ABI 1.0");
    auto driver = std::make_unique<eport_driver>();
    driver->host = host;
    driver->options = parse_options(host->config_json);
    const Logger log = logger_for(host);
    for (const auto& m : driver->options.modules)
      driver->modules.push_back(std::make_unique<Module>(m.label, m.module, log));
    if (driver->options.p11_kit) add_p11_kit_modules(*driver);
    eport_driver* d = driver.get();
    std::size_t working = 0;
    for (auto& module : driver->modules) {
      const bool ok = module->start([d] {
        std::lock_guard<std::mutex> lock(d->mutex);
        ++d->events;
        d->changed.notify_all();
      });
      if (ok) ++working;
      log(ok ? EPORT_LOG_INFO : EPORT_LOG_WARNING,
          "module " + module->label() + " (" + module->path() + "): " + (ok ? "ready" : module->error()));
    }
    if (driver->modules.empty())
      log(EPORT_LOG_WARNING, "no PKCS#11 module is configured (options.modules, or p11-kit: true)");
    report_modules(*driver);
    log(EPORT_LOG_INFO,
        std::to_string(working) + " of " + std::to_string(driver->modules.size()) + " module(s) work");
    *out = driver.release();
    return EPORT_OK;
  });
}

void p11_shutdown(eport_driver* driver) {
  if (driver == nullptr) return;
  for (auto& module : driver->modules) module->stop();  // C_Finalize: ends the event threads
  driver->modules.clear();
  if (driver->p11_kit != nullptr) p11_kit_modules_release(driver->p11_kit);
  delete driver;
}

int32_t p11_enumerate(eport_driver* driver, eport_token_info* infos, size_t* count) {
  const eport_host* host = driver != nullptr ? driver->host : nullptr;
  return guarded(host, "enumerate", [&]() -> int32_t {
    if (driver == nullptr || count == nullptr) throw P11Error(EPORT_ERR_BAD_ARGS, "NULL argument");
    {
      std::lock_guard<std::mutex> lock(driver->mutex);
      driver->listed = std::chrono::steady_clock::now();
    }
    std::vector<std::pair<Module*, TokenSeen>> found;
    for (auto& module : driver->modules) {
      module->refresh();  // polled modules (SoftHSM2) see other processes' tokens only this way
      if (!module->ready()) continue;
      try {
        Module::Use use = module->use();
        for (auto& seen : list_tokens(use)) found.emplace_back(module.get(), std::move(seen));
      } catch (const P11Error& error) {  // one module's trouble does not hide the others' tokens
        log_line(host, EPORT_LOG_WARNING, "module " + module->label() + ": " + error.what());
      }
    }
    report_modules(*driver);
    const size_t room = *count;
    *count = found.size();
    if (found.size() > room) return EPORT_ERR_BUFFER_TOO_SMALL;
    for (size_t i = 0; i < found.size(); ++i) {
      const auto& [module, seen] = found[i];
      eport_token_info* out = EPORT_ELEMENT(eport_token_info, infos, i);
      put_text(out, &eport_token_info::serial, seen.serial);
      put_text(out, &eport_token_info::label, field(seen.info.label));
      put_text(out, &eport_token_info::model, field(seen.info.model));
      put_text(out, &eport_token_info::manufacturer, field(seen.info.manufacturerID));
      put_text(out, &eport_token_info::id, token_key(*module, seen.serial));
      put_text(out, &eport_token_info::kind, "pkcs11");
      put_text(out, &eport_token_info::reader, seen.description);
    }
    return EPORT_OK;
  });
}

int32_t p11_open(eport_driver* driver, const char* key, eport_token** out) {
  const eport_host* host = driver != nullptr ? driver->host : nullptr;
  return guarded(host, "open_provider_token", [&]() -> int32_t {
    if (driver == nullptr || key == nullptr || out == nullptr)
      throw P11Error(EPORT_ERR_BAD_ARGS, "NULL argument");
    const std::string text = key;
    for (auto& module : driver->modules) {
      const std::string prefix = token_key(*module, "");
      if (text.rfind(prefix, 0) != 0) continue;
      const std::string serial = text.substr(prefix.size());
      Module::Use use = module->use();
      try {
        find_token(use, serial);
      } catch (const P11Error& error) {
        if (error.status() == EPORT_ERR_CARD_REMOVED) return EPORT_ERR_NOT_FOUND;
        throw;
      }
      *out = new eport_token{driver, module.get(), serial};
      return EPORT_OK;
    }
    return EPORT_ERR_NOT_FOUND;
  });
}

void p11_close(eport_token* token) { delete token; }

int32_t p11_wait(eport_driver* driver, uint32_t timeout_ms) {
  const eport_host* host = driver != nullptr ? driver->host : nullptr;
  return guarded(host, "wait_change", [&]() -> int32_t {
    if (driver == nullptr) throw P11Error(EPORT_ERR_BAD_ARGS, "NULL driver");
    bool polled = false;
    for (const auto& module : driver->modules) polled |= !module->waits_for_events();
    std::unique_lock<std::mutex> lock(driver->mutex);
    driver->changed.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                             [driver] { return driver->events != driver->seen; });
    const bool event = driver->events != driver->seen;
    driver->seen = driver->events;
    // Polled modules cannot tell: have the host enumerate (and so refresh them) every wait.
    // Waiting modules: also every 10 s, in case their wait missed an event.
    const bool due = std::chrono::steady_clock::now() - driver->listed >= std::chrono::seconds(10);
    return event || polled || due ? EPORT_OK : EPORT_ERR_TIMEOUT;
  });
}

int32_t p11_identify(eport_token* token, eport_channel*, eport_token_info* out) {
  return on_token(token, "identify", [&](Module::Use&, const TokenSeen& seen) -> int32_t {
    put_text(out, &eport_token_info::serial, seen.serial);
    put_text(out, &eport_token_info::label, field(seen.info.label));
    put_text(out, &eport_token_info::model, field(seen.info.model));
    put_text(out, &eport_token_info::manufacturer, field(seen.info.manufacturerID));
    put_text(out, &eport_token_info::id, token_key(*token->module, seen.serial));
    put_text(out, &eport_token_info::kind, "pkcs11");
    put_text(out, &eport_token_info::reader, seen.description);
    return EPORT_OK;
  });
}

int32_t p11_pin_status(eport_token* token, eport_channel*, uint32_t which, eport_pin_info* out) {
  return on_token(token, "pin_status", [&](Module::Use&, const TokenSeen& seen) -> int32_t {
    if (which != EPORT_PIN_USER && which != EPORT_PIN_PUK) return EPORT_ERR_BAD_ARGS;
    pin_state(seen.info, which, out);
    return EPORT_OK;
  });
}

int32_t p11_pin_reset(eport_token* token, eport_channel*, const char* puk, size_t puk_len, const char* pin,
                      size_t pin_len, eport_pin_info* out) {
  return on_token(token, "pin_reset", [&](Module::Use& use, const TokenSeen& seen) {
    return reset_pin(use, seen, puk, puk_len, pin, pin_len, out);
  });
}

int32_t p11_pin_change(eport_token* token, eport_channel*, uint32_t which, const char* old_pin,
                       size_t old_len, const char* new_pin, size_t new_len, eport_pin_info* out) {
  return on_token(token, "pin_change", [&](Module::Use& use, const TokenSeen& seen) {
    return change_pin(use, seen, which, old_pin, old_len, new_pin, new_len, out);
  });
}

int32_t p11_pin_verify(eport_token* token, eport_channel*, uint32_t which, const char* pin, size_t pin_len,
                       eport_pin_info* out) {
  return on_token(token, "pin_verify", [&](Module::Use& use, const TokenSeen& seen) {
    return verify_pin(use, seen, which, pin, pin_len, out);
  });
}

int32_t p11_cert_list(eport_token* token, eport_channel*, eport_slot_info* slots, size_t* count) {
  return on_token(token, "cert_list", [&](Module::Use& use, const TokenSeen& seen) {
    return list_slots(use, seen, slots, count);
  });
}

int32_t p11_cert_read(eport_token* token, eport_channel*, const char* slot, uint8_t* der, size_t* len) {
  return on_token(token, "cert_read", [&](Module::Use& use, const TokenSeen& seen) {
    return read_certificate(use, seen, slot, der, len);
  });
}

int32_t p11_cert_write(eport_token* token, eport_channel*, const char* slot, const uint8_t* der,
                       size_t der_len, const uint8_t* key, size_t key_len) {
  return on_token(token, "cert_write", [&](Module::Use& use, const TokenSeen& seen) {
    return write_certificate(use, seen, token->driver->host, slot, der, der_len, key, key_len);
  });
}

int32_t p11_public_key(eport_token* token, eport_channel*, const char* slot, uint8_t* spki, size_t* len) {
  return on_token(token, "slot_public_key", [&](Module::Use& use, const TokenSeen& seen) {
    return public_key(use, seen, slot, spki, len);
  });
}

const eport_driver_ops kOps = {
    EPORT_DRIVER_ABI_MAJOR,
    EPORT_DRIVER_ABI_MINOR,
    sizeof(eport_driver_ops),
    "pkcs11",
    "0.1.0",
    EPORT_KIND_TOKEN_PROVIDER,
    EPORT_CAP_ENUMERATE | EPORT_CAP_WAIT_CHANGE | EPORT_CAP_IDENTIFY | EPORT_CAP_PIN_STATUS |
        EPORT_CAP_PIN_RESET | EPORT_CAP_PIN_CHANGE | EPORT_CAP_CERT_LIST | EPORT_CAP_CERT_READ |
        EPORT_CAP_CERT_WRITE | EPORT_CAP_SLOT_PUBLIC_KEY | EPORT_CAP_PIN_VERIFY,
    p11_init,
    p11_shutdown,
    nullptr,  // match: card drivers only
    nullptr,  // open_token: card drivers only
    p11_close,
    p11_enumerate,
    p11_open,
    p11_wait,
    p11_identify,
    p11_pin_status,
    p11_pin_reset,
    p11_pin_change,
    p11_cert_list,
    p11_cert_read,
    p11_cert_write,
    p11_public_key,
    p11_pin_verify,  // ABI 1.1
};

}  // namespace

extern "C" EPORT_DRIVER_EXPORT int32_t eport_driver_entry(uint16_t host_major, uint16_t host_minor,
                                                          const eport_driver_ops** out_ops) {
  (void)host_minor;
  if (host_major != EPORT_DRIVER_ABI_MAJOR || out_ops == nullptr) return EPORT_ERR_UNSUPPORTED;
  *out_ops = &kOps;
  return EPORT_OK;
}
