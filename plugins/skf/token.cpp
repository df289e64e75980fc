#include "token.hpp"

#include <eport/driver.h>

#include "public_key.hpp"
#include "skf_error.hpp"

namespace eport::skf {

PinReport report_of(const PinCounts& counts) {
  PinReport report;
  report.tries_left = static_cast<int>(counts.remaining);
  report.max_tries = static_cast<int>(counts.max);
  report.is_default = counts.is_default ? 1 : 0;
  report.blocked = counts.remaining == 0 ? 1 : 0;
  return report;
}

std::unique_ptr<Device> SkfToken::connect() {
  auto* lib = entry_.library->lib.get();
  try {
    auto device = std::make_unique<Device>(*lib, entry_.device_name);
    const auto info = device->info();
    std::string serial = text_field(info.serial_number, sizeof info.serial_number);
    if (serial.empty()) serial = entry_.device_name;
    if (serial == entry_.serial) return device;
  } catch (const SkfError& e) {
    if (e.status() != EPORT_ERR_CARD_REMOVED && e.status() != EPORT_ERR_CARD_ERROR) throw;
  }
  // Another key under that name, or the name changed: look for the serial again.
  const auto found = provider_.find(entry_.id);
  if (!found) throw SkfError(EPORT_ERR_CARD_REMOVED, "the USBKey " + entry_.serial + " is not plugged in");
  entry_.device_name = found->device_name;
  return std::make_unique<Device>(*lib, entry_.device_name);
}

std::string SkfToken::application_of(const Device& device) const {
  const auto& wanted = entry_.library->options.application;
  const auto apps = device.applications();
  if (!wanted.empty()) {
    for (const auto& app : apps)
      if (app == wanted) return app;
    throw SkfError(EPORT_ERR_NOT_FOUND, "the USBKey has no application '" + wanted + "'");
  }
  if (apps.empty()) throw SkfError(EPORT_ERR_NOT_FOUND, "the USBKey has no application");
  return apps.front();
}

SlotRef SkfToken::slot_named(const Device& device, const std::string& slot) const {
  auto found = find_slot(device, slot);
  if (!found) throw SkfError(EPORT_ERR_BAD_ARGS, "no slot '" + slot + "' on this USBKey");
  return *found;
}

TokenEntry SkfToken::identify() {
  auto device = connect();
  const auto info = device->info();
  TokenEntry out = entry_;
  out.label = text_field(info.label, sizeof info.label);
  out.manufacturer = text_field(info.manufacturer, sizeof info.manufacturer);
  out.model = "SKF USBKey, firmware " + std::to_string(info.firmware_version.major) + "." +
              std::to_string(info.firmware_version.minor);
  return out;
}

std::vector<SlotReport> SkfToken::cert_list() {
  // A library without the container functions shows no slots (drivers.list says which functions
  // are missing), so that the PINs of its keys can still be read.
  if (!entry_.library->lib->has(Feature::cert_read)) return {};
  auto device = connect();
  std::vector<SlotReport> out;
  for (const auto& slot : list_slots(*device)) {
    Application app(*device, slot.application);
    Container container(app, slot.container);
    SlotReport report;
    report.id = slot.id;
    report.label = slot.container + (slot.sign ? " (signing)" : " (encryption)");
    if (const auto has = container.has_certificate(slot.sign)) report.has_certificate = *has ? 1 : 0;
    if (entry_.library->lib->fn().export_public_key != nullptr) {
      try {
        report.has_key = container.public_key_blob(slot.sign) ? 1 : 0;
      } catch (const SkfError& e) {
        if (e.status() == EPORT_ERR_CARD_REMOVED) throw;
      }
    }
    out.push_back(std::move(report));
  }
  return out;
}

std::optional<Bytes> SkfToken::cert_read(const std::string& slot) {
  if (!entry_.library->lib->has(Feature::cert_read))
    throw SkfError(EPORT_ERR_UNSUPPORTED, "the library cannot read certificates");
  auto device = connect();
  const auto ref = slot_named(*device, slot);
  Application app(*device, ref.application);
  Container container(app, ref.container);
  return container.certificate(ref.sign);
}

std::optional<Bytes> SkfToken::slot_public_key(const std::string& slot) {
  if (!entry_.library->lib->has(Feature::slot_public_key))
    throw SkfError(EPORT_ERR_UNSUPPORTED, "the library has no SKF_ExportPublicKey");
  auto device = connect();
  const auto ref = slot_named(*device, slot);
  Application app(*device, ref.application);
  Container container(app, ref.container);
  const auto blob = container.public_key_blob(ref.sign);
  if (!blob) return std::nullopt;
  return spki_from_blob(*blob);
}

void SkfToken::cert_write(const std::string& slot, const Bytes& der, const char* pin, std::size_t pin_len) {
  if (!entry_.library->lib->has(Feature::cert_write))
    throw SkfError(EPORT_ERR_UNSUPPORTED, "the library cannot store certificates");
  auto device = connect();
  const auto ref = slot_named(*device, slot);
  DeviceLock lock(*device, provider_.options().lock_timeout_ms);
  Application app(*device, ref.application);
  Container container(app, ref.container);
  SecureStateGuard clear(app);  // whatever happens below, nobody stays logged in
  if (pin_len > 0) {
    SecretText text(pin, pin_len);
    abi::ULONG retry = 0;
    const abi::ULONG rv =
        entry_.library->lib->fn().verify_pin(app.handle(), abi::USER_TYPE, text.c_str(), &retry);
    if (rv == abi::SAR_PIN_LEN_RANGE || rv == abi::SAR_PIN_INVALID)
      throw SkfError(EPORT_ERR_BAD_ARGS, "the USBKey refused the PIN's length; nothing was written");
    check(rv, "SKF_VerifyPIN");
  }
  const abi::ULONG rv = container.import_certificate(ref.sign, der);
  if (rv == abi::SAR_USER_NOT_LOGGED_IN)
    throw SkfError(EPORT_ERR_MGMT_KEY_REQUIRED,
                   "the USBKey stores certificates only after its user PIN was verified: pass the PIN with "
                   "the write; nothing was written");
  check(rv, "SKF_ImportCertificate");
}

}  // namespace eport::skf
