#pragma once
// eport-softskf's commands besides init.
#include <string>

namespace eport::softskf::tool {

/// A device: directory and serial (= device name); serial may be empty for "all".
struct Target {
  std::string dir;     ///< device directory
  std::string serial;  ///< device
};

/// `show`: text (describe_state) or a JSON summary without keys or PIN hashes.
int show(const Target& target, bool json);

/// `pull-at` options.
struct PullOptions {
  std::string function;  ///< SKF function name
  bool after = false;    ///< after it acted
  int skip = 0;          ///< calls to let through first
  bool clear = false;    ///< disarm instead
};

/// `pull-at`: arms (or clears) the PullAt hook in the device's state.
int arm_pull(const Target& target, const PullOptions& options);

/// `public-key`: the PEM SubjectPublicKeyInfo of a container's signing or encryption key.
int print_public_key(const Target& target, const std::string& container, bool signing);

/// `verify-pin` options.
struct VerifyOptions {
  std::string application;  ///< "" = the first
  std::string pin;          ///< the PIN to verify
  bool admin = false;       ///< ADMIN_TYPE instead of USER_TYPE
};

/// `verify-pin`: SKF_VerifyPIN through the library's own code, then SKF_ClearSecureState.
/// Exit 0 when accepted, 2 when refused (prints the SKF error and the tries left).
int verify_pin(const Target& target, const VerifyOptions& options);

}  // namespace eport::softskf::tool
