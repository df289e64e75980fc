#include "plugin_fixture.hpp"

#include <dlfcn.h>

#include <cstring>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace piv_test {

namespace {
uint64_t channel_session(eport_channel* ch) { return ch == nullptr ? 0 : ch->slot->session; }

int32_t transmit(eport_channel* ch, const uint8_t* command, size_t command_len, uint8_t* response,
                 size_t* response_len) {
  CardSlot& slot = *ch->slot;
  const Bytes apdu(command, command + command_len);
  slot.apdus.push_back(apdu);
  if (slot.transmit_status != EPORT_OK) return slot.transmit_status;
  Bytes answer;
  if (!slot.filter || !slot.filter(apdu, answer)) answer = slot.card.transmit(apdu);
  if (answer.size() > *response_len) return EPORT_ERR_BUFFER_TOO_SMALL;
  std::memcpy(response, answer.data(), answer.size());
  *response_len = answer.size();
  return EPORT_OK;
}
}  // namespace

Plugin::Plugin(const std::string& options_json) : options_(options_json) {
  handle_ = dlopen(EPORT_PIV_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
  auto entry = reinterpret_cast<eport_driver_entry_fn>(dlsym(handle_, EPORT_DRIVER_ENTRY_SYMBOL));
  if (entry == nullptr || entry(EPORT_DRIVER_ABI_MAJOR, EPORT_DRIVER_ABI_MINOR, &ops_) != EPORT_OK) {
    throw std::runtime_error("eport_driver_entry missing or refused");
  }
  host_.abi_major = EPORT_DRIVER_ABI_MAJOR;
  host_.abi_minor = EPORT_DRIVER_ABI_MINOR;
  host_.struct_size = sizeof(eport_host);
  host_.host_ctx = this;
  host_.log = &Plugin::log_callback;
  host_.transmit = &transmit;
  host_.channel_session = &channel_session;
  host_.config_json = options_.c_str();
  init_status_ = ops_->init(&host_, &driver_);
}

Plugin::~Plugin() {
  if (init_status_ == EPORT_OK) ops_->shutdown(driver_);
  if (handle_ != nullptr) dlclose(handle_);
}

void Plugin::log_callback(void* ctx, int32_t level, const char* message) {
  static_cast<Plugin*>(ctx)->log_.push_back(std::to_string(level) + " " + message);
}

OpenCard::OpenCard(Plugin& plugin, CardSlot& slot) : plugin_(plugin), slot_(slot) {
  channel_.slot = &slot;
  const Bytes atr = eport::vcard::Card::atr();
  match_status = plugin_.ops().match(plugin_.driver(), &channel_, atr.data(), atr.size());
  if (match_status == EPORT_OK) open_status = plugin_.ops().open_token(plugin_.driver(), &channel_, &token_);
  counted_ = slot_.apdus.size();
}

OpenCard::~OpenCard() {
  if (token_ != nullptr) plugin_.ops().close_token(token_);
}

size_t OpenCard::take_apdu_count() {
  const size_t count = slot_.apdus.size() - counted_;
  counted_ = slot_.apdus.size();
  return count;
}

eport_token_info OpenCard::identify() {
  eport_token_info info{};
  info.struct_size = sizeof info;
  if (plugin_.ops().identify(token_, &channel_, &info) != EPORT_OK) throw std::runtime_error("identify");
  return info;
}

int32_t OpenCard::pin_status(uint32_t which, eport_pin_info& info) {
  return plugin_.ops().pin_status(token_, &channel_, which, &info);
}

int32_t OpenCard::pin_reset(const std::string& puk, const std::string& new_pin, eport_pin_info& info) {
  return plugin_.ops().pin_reset(token_, &channel_, puk.data(), puk.size(), new_pin.data(), new_pin.size(),
                                 &info);
}

int32_t OpenCard::pin_change(uint32_t which, const std::string& old_pin, const std::string& new_pin,
                             eport_pin_info& info) {
  return plugin_.ops().pin_change(token_, &channel_, which, old_pin.data(), old_pin.size(), new_pin.data(),
                                  new_pin.size(), &info);
}

int32_t OpenCard::pin_verify(uint32_t which, const std::string& pin, eport_pin_info& info) {
  return plugin_.ops().pin_verify(token_, &channel_, which, pin.data(), pin.size(), &info);
}

int32_t OpenCard::cert_list(std::vector<eport_slot_info>& slots) {
  size_t count = slots.size();
  for (auto& slot : slots) slot.struct_size = sizeof(eport_slot_info);
  const int32_t status =
      plugin_.ops().cert_list(token_, &channel_, slots.empty() ? nullptr : slots.data(), &count);
  if (status == EPORT_OK || status == EPORT_ERR_BUFFER_TOO_SMALL) slots.resize(count);
  return status;
}

int32_t OpenCard::cert_read(const char* slot, Bytes& der) {
  size_t len = der.size();
  const int32_t status = plugin_.ops().cert_read(token_, &channel_, slot, der.data(), &len);
  if (status == EPORT_OK || status == EPORT_ERR_BUFFER_TOO_SMALL) der.resize(len);
  return status;
}

int32_t OpenCard::cert_write(const char* slot, const Bytes& der, const Bytes& key) {
  return plugin_.ops().cert_write(token_, &channel_, slot, der.data(), der.size(),
                                  key.empty() ? nullptr : key.data(), key.size());
}

int32_t OpenCard::slot_public_key(const char* slot, Bytes& spki) {
  size_t len = spki.size();
  const int32_t status = plugin_.ops().slot_public_key(token_, &channel_, slot, spki.data(), &len);
  if (status == EPORT_OK || status == EPORT_ERR_BUFFER_TOO_SMALL) spki.resize(len);
  return status;
}

eport_pin_info unknown_pin_info() {
  eport_pin_info info{};
  info.struct_size = sizeof info;
  info.tries_left = info.max_tries = info.is_default = info.blocked = -1;
  info.min_length = info.max_length = -1;
  info.source = info.max_source = EPORT_SOURCE_NONE;
  return info;
}

eport::vcard::CardState make_card(eport::vcard::PersonaliseOptions options) {
  if (!options.serial) options.serial = 123456;
  return eport::vcard::personalise(options, std::time(nullptr));
}

Bytes send_direct(CardSlot& slot, const Bytes& apdu) { return slot.card.transmit(apdu); }

namespace {
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
}  // namespace

Bytes make_certificate(size_t min_size, int days_valid) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
  std::unique_ptr<X509, X509Free> cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 4242);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * days_valid);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("piv plug-in test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  std::string sans;
  for (int i = 0; sans.size() < min_size; ++i) {
    if (!sans.empty()) sans += ",";
    sans += "DNS:host" + std::to_string(i) + ".example.test";
  }
  if (!sans.empty()) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, sans.c_str());
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert.get(), key.get(), EVP_sha256());
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert.get(), &der);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Bytes spki_of_certificate(const Bytes& der) {
  const unsigned char* cursor = der.data();
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!cert) return {};
  unsigned char* out = nullptr;
  const int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), &out);
  Bytes spki(out, out + len);
  OPENSSL_free(out);
  return spki;
}

Bytes stored_certificate(const CardSlot& slot, uint32_t tag) {
  const auto& objects = slot.card.state().objects;
  const auto it = objects.find(tag);
  if (it == objects.end()) return {};
  return eport::vcard::certificate_from_object(it->second).value_or(Bytes{});
}

}  // namespace piv_test
