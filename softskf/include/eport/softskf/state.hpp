#pragma once
/// Persistent state of one soft SKF device (one state file = one plugged-in USBKey) and its
/// atomic storage on disk.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace eport::softskf {

/// Raw bytes.
using Bytes = std::vector<std::uint8_t>;

/// Shortest and longest PIN the soft token accepts (SAR_PIN_LEN_RANGE outside).
constexpr std::size_t kMinPinLength = 6;
/// Longest PIN the soft token accepts.
constexpr std::size_t kMaxPinLength = 16;

/// A user or admin PIN: only a salted hash is kept, never the value.
struct Pin {
  Bytes hash;          ///< SHA-256(salt || PIN) of the current value
  Bytes default_hash;  ///< hash of the value set by `init`; equal to `hash` = "default PIN"
  int max_tries = 6;   ///< tries after a successful verify / unblock
  int remaining = 6;   ///< tries left; 0 = locked
};

/// Key algorithm of a container (SKF_GetContainerType: 0 empty, 1 RSA, 2 ECC).
enum class KeyType { empty, rsa, ecc };

/// "empty", "rsa" or "ecc".
std::string key_type_name(KeyType type);

/// One key pair of a container (signing or encryption) and its certificate.
struct KeySlot {
  Bytes private_key;  ///< PKCS#8 DER; empty = no key
  Bytes certificate;  ///< DER; empty = no certificate
};

/// A container: one key algorithm, a signing and an encryption key pair.
struct Container {
  std::string name;               ///< container name
  KeyType type = KeyType::empty;  ///< algorithm of both key pairs
  KeySlot sign;                   ///< signing key pair (bSignFlag TRUE)
  KeySlot enc;                    ///< encryption key pair (bSignFlag FALSE)
};

/// An application: PINs and containers.
struct Application {
  std::string name;                   ///< application name
  Pin user_pin;                       ///< USER_TYPE
  Pin admin_pin;                      ///< ADMIN_TYPE (SKF_UnblockPIN)
  std::vector<Container> containers;  ///< in creation order
  /// Security state: "" (nobody), "user" or "admin". Volatile on a real key; kept in the state
  /// file so that `eport-softskf show` reveals a caller that did not SKF_ClearSecureState.
  std::string logged_in;
};

/// Test hook: "pull the key" when an SKF function is reached (the state file moves to
/// `<dir>/.pulled/`, as if the USBKey was pulled out at that moment).
struct PullAt {
  std::string function;  ///< e.g. "SKF_ImportCertificate"
  bool after = false;    ///< false: before the function acts; true: after it acted
  int skip = 0;          ///< calls of `function` to let through first
};

/// Everything a soft SKF device remembers.
struct DeviceState {
  std::string serial;                            ///< DEVINFO.SerialNumber (<= 31 chars)
  std::string label;                             ///< DEVINFO.Label (<= 31 chars)
  std::string manufacturer = "eportd soft SKF";  ///< DEVINFO.Manufacturer
  std::string issuer = "eportd test issuer";     ///< DEVINFO.Issuer
  std::uint8_t hw_major = 1, hw_minor = 0;       ///< DEVINFO.HWVersion
  std::uint8_t fw_major = 1, fw_minor = 2;       ///< DEVINFO.FirmwareVersion
  Bytes salt;                                    ///< salt of every PIN hash
  std::vector<Application> applications;         ///< in creation order
  std::optional<PullAt> pull_at;                 ///< test hook, usually absent
};

/// SHA-256(salt || pin).
Bytes pin_hash(const Bytes& salt, const std::string& pin);

/// Constant-time comparison of two hashes.
bool same_hash(const Bytes& a, const Bytes& b);

/// The state as JSON text (the state-file format, "eport-softskf-state" version 1).
std::string state_to_json(const DeviceState& state);

/// Parses state-file JSON; throws std::runtime_error when invalid.
DeviceState state_from_json(const std::string& text);

/// Reads a state file; throws std::runtime_error naming the file when unreadable or invalid.
DeviceState load_state(const std::string& path);

/// Writes the state atomically (temp file in the same directory, fsync, rename), mode 0600.
/// Creates or replaces `path`. Throws std::runtime_error on failure.
void save_state(const std::string& path, const DeviceState& state);

/// Like save_state, but only replaces an existing file: returns false (and writes nothing)
/// when `path` does not exist any more (the key was pulled meanwhile).
bool replace_state(const std::string& path, const DeviceState& state);

}  // namespace eport::softskf
