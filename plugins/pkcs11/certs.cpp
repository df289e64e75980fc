// Certificates and keys: a slot is the hex CKA_ID shared by a certificate object and its key.
// cert_write replaces a certificate so that one complete certificate is on the token whatever
// step fails: create the new object, read it back, and only then destroy the old one.
#include <map>

#include "der.hpp"
#include "driver.hpp"

namespace eport::pkcs11 {

namespace {

CK_ATTRIBUTE attr(CK_ATTRIBUTE_TYPE type, const void* value, std::size_t size) {
  return {type, const_cast<void*>(value), static_cast<CK_ULONG>(size)};
}

const CK_OBJECT_CLASS kCertificate = CKO_CERTIFICATE;
const CK_OBJECT_CLASS kPublicKey = CKO_PUBLIC_KEY;
const CK_OBJECT_CLASS kPrivateKey = CKO_PRIVATE_KEY;
const CK_CERTIFICATE_TYPE kX509 = CKC_X_509;

std::vector<CK_OBJECT_HANDLE> objects(Session& s, const CK_OBJECT_CLASS& klass, const Bytes* id = nullptr) {
  std::vector<CK_ATTRIBUTE> query{attr(CKA_CLASS, &klass, sizeof klass)};
  if (&klass == &kCertificate) query.push_back(attr(CKA_CERTIFICATE_TYPE, &kX509, sizeof kX509));
  if (id != nullptr) query.push_back(attr(CKA_ID, id->data(), id->size()));
  return s.find(query);
}

std::string text(const std::optional<Bytes>& bytes) {
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}

// The slot's CKA_ID; BAD_ARGS when `slot` is not a hex id.
Bytes slot_id(const char* slot) {
  auto id = slot != nullptr ? from_hex(slot) : std::nullopt;
  if (!id || id->empty())
    throw P11Error(EPORT_ERR_BAD_ARGS,
                   std::string("\"") + (slot ? slot : "") + "\" is not a slot of this token");
  return *id;
}

bool has_keys(Session& s, const Bytes& id) {
  return !objects(s, kPublicKey, &id).empty() || !objects(s, kPrivateKey, &id).empty();
}

// SPKI from an object's key attributes; nullopt when they are not readable.
std::optional<Bytes> spki_of(Session& s, CK_OBJECT_HANDLE key) {
  const auto type = s.ulong_attribute(key, CKA_KEY_TYPE);
  if (type && *type == CKK_RSA) {
    auto modulus = s.attribute(key, CKA_MODULUS);
    auto exponent = s.attribute(key, CKA_PUBLIC_EXPONENT);
    if (modulus && exponent && !modulus->empty()) return rsa_spki(*modulus, *exponent);
    return std::nullopt;
  }
  auto params = s.attribute(key, CKA_EC_PARAMS);
  auto point = s.attribute(key, CKA_EC_POINT);
  if (params && point && !params->empty() && !point->empty()) return ec_spki(*params, *point);
  return std::nullopt;
}

// The certificate objects with `id` and their DER.
std::vector<std::pair<CK_OBJECT_HANDLE, Bytes>> certificates(Session& s, const Bytes& id) {
  std::vector<std::pair<CK_OBJECT_HANDLE, Bytes>> out;
  for (auto handle : objects(s, kCertificate, &id)) {
    auto value = s.attribute(handle, CKA_VALUE);
    if (value) out.emplace_back(handle, std::move(*value));
  }
  return out;
}

}  // namespace

int32_t list_slots(Module::Use& use, const TokenSeen& seen, eport_slot_info* slots, size_t* count) {
  struct Row {
    std::string label;
    bool certificate = false;
    bool key = false;
  };
  std::map<std::string, Row> rows;
  Session s(use, seen.slot, false);
  auto note = [&](CK_OBJECT_HANDLE object, bool certificate) {
    const auto id = s.attribute(object, CKA_ID);
    if (!id || id->empty() || id->size() > 64) return;  // no CKA_ID: not addressable as a slot
    Row& row = rows[to_hex(*id)];
    if (row.label.empty() || certificate) {
      const std::string label = text(s.attribute(object, CKA_LABEL));
      if (!label.empty()) row.label = label;
    }
    (certificate ? row.certificate : row.key) = true;
  };
  for (auto object : objects(s, kCertificate)) note(object, true);
  for (auto object : objects(s, kPublicKey)) note(object, false);
  for (auto object : objects(s, kPrivateKey)) note(object, false);
  const size_t room = *count;
  *count = rows.size();
  if (rows.size() > room) return EPORT_ERR_BUFFER_TOO_SMALL;
  size_t i = 0;
  for (const auto& [id, row] : rows) {
    eport_slot_info* out = EPORT_ELEMENT(eport_slot_info, slots, i++);
    if (id.size() < sizeof out->slot) put_text(out, &eport_slot_info::slot, id);
    put_text(out, &eport_slot_info::slot_id, id);
    put_text(out, &eport_slot_info::label, row.label);
    out->has_certificate = row.certificate ? 1 : 0;
    out->has_key = row.key ? 1 : -1;  // a private key may be hidden until login
  }
  return EPORT_OK;
}

int32_t read_certificate(Module::Use& use, const TokenSeen& seen, const char* slot, uint8_t* der,
                         size_t* len) {
  const Bytes id = slot_id(slot);
  Session s(use, seen.slot, false);
  auto found = certificates(s, id);
  if (!found.empty()) return copy_out(found.front().second, der, len);
  if (has_keys(s, id)) return EPORT_ERR_NOT_FOUND;
  throw P11Error(EPORT_ERR_BAD_ARGS, std::string("no object has CKA_ID ") + slot);
}

int32_t public_key(Module::Use& use, const TokenSeen& seen, const char* slot, uint8_t* spki, size_t* len) {
  const Bytes id = slot_id(slot);
  Session s(use, seen.slot, false);
  for (const auto* klass : {&kPublicKey, &kPrivateKey})
    for (auto key : objects(s, *klass, &id))
      if (auto der = spki_of(s, key)) return copy_out(*der, spki, len);
  if (certificates(s, id).empty() && !has_keys(s, id))
    throw P11Error(EPORT_ERR_BAD_ARGS, std::string("no object has CKA_ID ") + slot);
  return EPORT_ERR_NOT_FOUND;
}

int32_t write_certificate(Module::Use& use, const TokenSeen& seen, const eport_host* host, const char* slot,
                          const uint8_t* der, size_t der_len, const uint8_t* pin, size_t pin_len) {
  const Bytes id = slot_id(slot);
  const Bytes value(der, der + der_len);
  const auto parts = certificate_parts(value);
  if (!parts) throw P11Error(EPORT_ERR_BAD_ARGS, "the certificate does not parse");
  Session s(use, seen.slot, true);
  const auto old = certificates(s, id);
  if (old.empty() && !has_keys(s, id))
    throw P11Error(EPORT_ERR_BAD_ARGS, std::string("no object has CKA_ID ") + slot);
  // The new object keeps the old one's label, else the key's, else the subject's CN.
  std::string label = old.empty() ? std::string() : text(s.attribute(old.front().first, CKA_LABEL));
  for (const auto* klass : {&kPrivateKey, &kPublicKey})
    for (auto key : objects(s, *klass, &id))
      if (label.empty()) label = text(s.attribute(key, CKA_LABEL));
  if (label.empty()) label = parts->common_name.empty() ? std::string("certificate") : parts->common_name;

  const CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  std::vector<CK_ATTRIBUTE> object{attr(CKA_CLASS, &kCertificate, sizeof kCertificate),
                                   attr(CKA_CERTIFICATE_TYPE, &kX509, sizeof kX509),
                                   attr(CKA_TOKEN, &yes, sizeof yes),
                                   attr(CKA_PRIVATE, &no, sizeof no),
                                   attr(CKA_ID, id.data(), id.size()),
                                   attr(CKA_LABEL, label.data(), label.size()),
                                   attr(CKA_SUBJECT, parts->subject.data(), parts->subject.size()),
                                   attr(CKA_ISSUER, parts->issuer.data(), parts->issuer.size()),
                                   attr(CKA_SERIAL_NUMBER, parts->serial.data(), parts->serial.size()),
                                   attr(CKA_VALUE, value.data(), value.size())};
  CK_OBJECT_HANDLE created = CK_INVALID_HANDLE;
  CK_RV rv = use->C_CreateObject(s.handle(), object.data(), static_cast<CK_ULONG>(object.size()), &created);
  if (rv == CKR_USER_NOT_LOGGED_IN) {
    // The token writes only after a login: the caller's `pin` (cert.write) takes the management
    // key's place here. Nothing was written yet, whatever the login says.
    if (pin_len == 0) return EPORT_ERR_MGMT_KEY_REQUIRED;
    const CK_RV login = s.login(CKU_USER, reinterpret_cast<const char*>(pin), pin_len);
    if (login == CKR_PIN_INCORRECT) return EPORT_ERR_WRONG_PIN;
    if (login == CKR_PIN_LEN_RANGE) return EPORT_ERR_BAD_ARGS;
    if (login == CKR_PIN_LOCKED) return EPORT_ERR_PIN_BLOCKED;
    check(login, "C_Login");
    rv = use->C_CreateObject(s.handle(), object.data(), static_cast<CK_ULONG>(object.size()), &created);
  }
  if (rv == CKR_TEMPLATE_INCONSISTENT || rv == CKR_ATTRIBUTE_VALUE_INVALID || rv == CKR_TOKEN_WRITE_PROTECTED)
    throw P11Error(EPORT_ERR_UNSUPPORTED, "C_CreateObject: " + rv_name(rv) + "; nothing was written", rv);
  check(rv, "C_CreateObject");  // nothing was written either

  // Read it back; only a complete new certificate may replace the old one.
  const auto back = s.attribute(created, CKA_VALUE);
  if (!back || *back != value) {
    use->C_DestroyObject(s.handle(), created);
    throw P11Error(EPORT_ERR_CARD_ERROR,
                   "the token kept something else than the certificate written; "
                   "the new object was removed and the old certificate stays");
  }
  for (const auto& [handle, bytes] : old) {
    const CK_RV gone = use->C_DestroyObject(s.handle(), handle);
    if (gone == CKR_OK) continue;
    // The old one stays: take the new one away again, so that one certificate is there.
    const CK_RV undo = use->C_DestroyObject(s.handle(), created);
    throw P11Error(EPORT_ERR_CARD_ERROR,
                   "C_DestroyObject of the old certificate: " + rv_name(gone) +
                       (undo == CKR_OK ? "; the new certificate was removed again, the old one stays"
                                       : "; the new one could not be removed either (" + rv_name(undo) +
                                             "): the token holds both"),
                   gone);
  }
  log_line(host, EPORT_LOG_INFO,
           "certificate written to slot " + std::string(slot) + " of token " + seen.serial);
  return EPORT_OK;
}

}  // namespace eport::pkcs11
