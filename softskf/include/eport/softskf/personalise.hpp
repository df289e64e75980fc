#pragma once
/// What `eport-softskf init` and `show` do, usable in-process by tests.
#include <ctime>
#include <string>
#include <vector>

#include <eport/softskf/state.hpp>

namespace eport::softskf {

/// One `--cert CONTAINER:sign|enc:sm2|rsa2048:DAYS`.
struct CertificateRequest {
  std::string container;        ///< container name (created when new)
  bool signing = true;          ///< sign: the signing key pair; enc: the encryption key pair
  KeyType type = KeyType::ecc;  ///< ecc (SM2) or rsa
  int rsa_bits = 2048;          ///< for rsa
  int days = 3650;              ///< valid DAYS from now; negative = expired -DAYS days ago; never 0
};

/// Parses "c1:sign:sm2:3650"; throws std::invalid_argument with a usable message.
CertificateRequest parse_certificate_request(const std::string& text);

/// Everything `eport-softskf init` can set.
struct InitOptions {
  std::string serial;                            ///< DEVINFO.SerialNumber, 1-31 printable ASCII
  std::string label;                             ///< DEVINFO.Label; default "eport soft SKF <serial>"
  std::string application = "EPORT";             ///< the application's name
  std::string user_pin = "88888888";             ///< also the default the flag compares against
  std::string admin_pin = "12345678";            ///< admin PIN (SKF_UnblockPIN)
  int user_tries = 6;                            ///< 1-15
  int admin_tries = 10;                          ///< 1-15
  std::vector<CertificateRequest> certificates;  ///< keys and certificates to create
  std::string subject;  ///< certificates' subject; default "CN=eport softskf <serial> <container>"
};

/// A new device state; throws std::invalid_argument on bad options.
DeviceState personalise(const InitOptions& options, std::time_t now);

/// `<dir>/<serial>.json`: where `init` puts a device (the device's name is the file's stem).
std::string device_file(const std::string& dir, const std::string& serial);

/// Human-readable state (what `eport-softskf show` prints). No PIN is ever shown.
std::string describe_state(const DeviceState& state);

}  // namespace eport::softskf
