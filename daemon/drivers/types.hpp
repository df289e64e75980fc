// C++ views of what drivers report: driver facts, token identity, PIN state, slots.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace eport::drivers {

/// What the host knows about one loaded plug-in (drivers.list, daemon.info, diag.report).
struct DriverInfo {
  std::string name;                       ///< "piv"; equals eport-<name>.so
  std::string version;                    ///< the plug-in's own version
  std::string abi;                        ///< ABI the plug-in was built for, "1.0"
  std::string library;                    ///< path of the loaded .so
  std::string kind;                       ///< "card" or "token-provider"
  std::vector<std::string> capabilities;  ///< e.g. "identify", "pin_status" (see capability_name)
  std::uint64_t capability_bits = 0;      ///< EPORT_CAP_* bits the host understands
};

/// JSON object {name, version, abi, library, kind, capabilities}.
void to_json(nlohmann::json& out, const DriverInfo& info);

/// Which credential a PIN operation is about.
enum class PinKind : std::uint32_t {
  User = 1,  ///< the user PIN
  Puk = 2,   ///< the PUK (PIV) or SO PIN (PKCS#11, SKF)
};

/// Identity of a token; empty strings are unknown.
struct TokenIdentity {
  std::string serial;        ///< the token's serial
  std::string label;         ///< user-visible label
  std::string model;         ///< model or applet
  std::string manufacturer;  ///< manufacturer
  std::string id;            ///< token providers: the token's id (ABI 1.1), "" = "<driver>:<serial>"
  std::string kind;          ///< "smartcard", "usbkey", "pkcs11"; "" = the driver kind's default
  std::string reader;        ///< token providers: the PC/SC reader it sits in, "" = none / unknown

  /// The key a provider's token is opened with: id when set, else serial.
  const std::string& key() const { return id.empty() ? serial : id; }
};

/// State of one PIN; nullopt = the driver does not know.
struct PinInfo {
  std::optional<int> tries_left;    ///< tries before the PIN blocks
  std::optional<int> max_tries;     ///< tries after a successful verify / reset
  std::optional<bool> is_default;   ///< still the factory / configured default
  std::optional<bool> blocked;      ///< no tries left
  std::string source = "none";      ///< where tries_left came from: "verify-status", "metadata",
                                    ///< "pkcs11-flags", "skf", "config" or "none"
  std::string max_source = "none";  ///< where max_tries came from (same names)
  std::optional<int> min_length;    ///< shortest PIN the card accepts
  std::optional<int> max_length;    ///< longest PIN the card accepts
  std::string state;                ///< as the token states it without a count (ABI 1.1): "ok",
                                    ///< "low", "final_try", "blocked"; "" = derive from the counts
};

/// One certificate / key slot of a token.
struct SlotInfo {
  std::string slot;                     ///< slot id, e.g. "9a"; pass it to cert_read
  std::string label;                    ///< e.g. "PIV Authentication"
  std::optional<bool> has_certificate;  ///< a certificate is stored
  std::optional<bool> has_key;          ///< a private key is present
};

}  // namespace eport::drivers
