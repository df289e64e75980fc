#pragma once
// The plug-in's options (eportd.yaml `drivers.piv.options`, handed over as JSON text at init).

#include <chrono>
#include <string>

namespace eport::piv {

/// What the driver can be told.
struct DriverOptions {
  /// File with the management key as hex text (3DES 24 bytes / AES 16, 24 or 32), read at the
  /// time of each cert_write that brings no key of its own; "" = none configured.
  std::string management_key_file;
  /// How long certificates read by cert_list stay usable for the cert_read calls that follow
  /// (each one at most once); 0 disables this and every cert_read goes to the card.
  std::chrono::milliseconds cert_cache{2000};
};

/// Parse the options JSON object. Unknown keys are ignored (a newer eportd.yaml may carry more);
/// a key of the wrong type throws PivError BAD_ARGS saying which key and what it must be.
DriverOptions parse_options(const char* json_text);

}  // namespace eport::piv
