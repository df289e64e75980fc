#pragma once
// Finding a token again on every call (slot ids may change between calls), sessions that are
// always closed, logins that always end, and object searches.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "module.hpp"

namespace eport::pkcs11 {

using Bytes = std::vector<std::uint8_t>;

/// A token as a module lists it.
struct TokenSeen {
  CK_SLOT_ID slot = 0;
  CK_TOKEN_INFO info{};
  std::string serial;       ///< serialNumber without padding
  std::string description;  ///< the slot's description (a smart-card module: the reader)
};

/// Every initialised token with a serial in the module's slots (C_GetSlotList(CK_TRUE)).
std::vector<TokenSeen> list_tokens(Module::Use& module);

/// The token with `serial` now; throws P11Error(CARD_REMOVED) when it is gone.
TokenSeen find_token(Module::Use& module, const std::string& serial);

/// An open session; on destruction C_Logout when it logged in, then C_CloseSession. No token
/// is ever left logged in.
class Session {
 public:
  /// C_OpenSession on `slot` (read/write when `write`).
  Session(Module::Use& module, CK_SLOT_ID slot, bool write);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// C_Login; returns the CK_RV (a login left over from elsewhere is ended and tried once more).
  CK_RV login(CK_USER_TYPE user, const char* pin, std::size_t pin_len);
  /// The session handle.
  CK_SESSION_HANDLE handle() const { return handle_; }
  /// The module.
  CK_FUNCTION_LIST* fn() const { return fn_; }

  /// Objects matching `attributes` (C_FindObjects*).
  std::vector<CK_OBJECT_HANDLE> find(std::vector<CK_ATTRIBUTE> attributes);
  /// One attribute's value; nullopt when the object does not have it (or hides it).
  std::optional<Bytes> attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
  /// One CK_ULONG attribute; nullopt when absent.
  std::optional<CK_ULONG> ulong_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);

 private:
  CK_FUNCTION_LIST* fn_;
  CK_SESSION_HANDLE handle_ = CK_INVALID_HANDLE;
  bool logged_in_ = false;
};

/// Lower-case hex of `bytes`.
std::string to_hex(const Bytes& bytes);
/// Bytes of an even-length hex text; nullopt when it is not hex.
std::optional<Bytes> from_hex(const std::string& text);

}  // namespace eport::pkcs11
