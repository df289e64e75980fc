#include "session.hpp"

namespace eport::pkcs11 {

std::vector<TokenSeen> list_tokens(Module::Use& module) {
  CK_ULONG count = 0;
  check(module->C_GetSlotList(CK_TRUE, nullptr, &count), "C_GetSlotList");
  std::vector<CK_SLOT_ID> slots(count);
  if (count != 0) check(module->C_GetSlotList(CK_TRUE, slots.data(), &count), "C_GetSlotList");
  slots.resize(count);
  std::vector<TokenSeen> tokens;
  for (CK_SLOT_ID slot : slots) {
    TokenSeen seen;
    seen.slot = slot;
    if (module->C_GetTokenInfo(slot, &seen.info) != CKR_OK) continue;  // pulled in between
    if ((seen.info.flags & CKF_TOKEN_INITIALIZED) == 0) continue;      // e.g. SoftHSM's free slot
    seen.serial = field(seen.info.serialNumber);
    if (seen.serial.empty()) continue;
    CK_SLOT_INFO slot_info{};
    if (module->C_GetSlotInfo(slot, &slot_info) == CKR_OK)
      seen.description = field(slot_info.slotDescription);
    tokens.push_back(seen);
  }
  return tokens;
}

TokenSeen find_token(Module::Use& module, const std::string& serial) {
  for (const auto& seen : list_tokens(module))
    if (seen.serial == serial) return seen;
  throw P11Error(EPORT_ERR_CARD_REMOVED, "the token " + serial + " is no longer there");
}

Session::Session(Module::Use& module, CK_SLOT_ID slot, bool write) : fn_(module.functions()) {
  CK_FLAGS flags = CKF_SERIAL_SESSION | (write ? CKF_RW_SESSION : 0);
  check(fn_->C_OpenSession(slot, flags, nullptr, nullptr, &handle_), "C_OpenSession");
}

Session::~Session() {
  if (logged_in_) fn_->C_Logout(handle_);
  fn_->C_CloseSession(handle_);
}

CK_RV Session::login(CK_USER_TYPE user, const char* pin, std::size_t pin_len) {
  auto attempt = [&] {
    return fn_->C_Login(handle_, user, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(pin)),
                        static_cast<CK_ULONG>(pin_len));
  };
  CK_RV rv = attempt();
  if (rv == CKR_USER_ALREADY_LOGGED_IN || rv == CKR_USER_ANOTHER_ALREADY_LOGGED_IN) {
    fn_->C_Logout(handle_);  // left over: no try was spent by that answer
    rv = attempt();
  }
  logged_in_ = rv == CKR_OK;
  return rv;
}

std::vector<CK_OBJECT_HANDLE> Session::find(std::vector<CK_ATTRIBUTE> attributes) {
  check(fn_->C_FindObjectsInit(handle_, attributes.data(), static_cast<CK_ULONG>(attributes.size())),
        "C_FindObjectsInit");
  std::vector<CK_OBJECT_HANDLE> found;
  CK_OBJECT_HANDLE batch[32];
  for (;;) {
    CK_ULONG n = 0;
    const CK_RV rv = fn_->C_FindObjects(handle_, batch, 32, &n);
    if (rv != CKR_OK) {
      fn_->C_FindObjectsFinal(handle_);
      check(rv, "C_FindObjects");
    }
    found.insert(found.end(), batch, batch + n);
    if (n < 32) break;
  }
  fn_->C_FindObjectsFinal(handle_);
  return found;
}

std::optional<Bytes> Session::attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE query{type, nullptr, 0};
  CK_RV rv = fn_->C_GetAttributeValue(handle_, object, &query, 1);
  if (rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE ||
      query.ulValueLen == CK_UNAVAILABLE_INFORMATION)
    return std::nullopt;
  check(rv, "C_GetAttributeValue");
  Bytes value(query.ulValueLen);
  query.pValue = value.data();
  check(fn_->C_GetAttributeValue(handle_, object, &query, 1), "C_GetAttributeValue");
  value.resize(query.ulValueLen);
  return value;
}

std::optional<CK_ULONG> Session::ulong_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
  CK_ULONG value = 0;
  CK_ATTRIBUTE query{type, &value, sizeof value};
  if (fn_->C_GetAttributeValue(handle_, object, &query, 1) != CKR_OK || query.ulValueLen != sizeof value)
    return std::nullopt;
  return value;
}

std::string to_hex(const Bytes& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (auto b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::optional<Bytes> from_hex(const std::string& text) {
  if (text.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

}  // namespace eport::pkcs11
