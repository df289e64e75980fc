#pragma once
// eportd.yaml made safe for a support bundle (doctor --bundle). Pure.

#include <string>
#include <string_view>

namespace eport::client {

/// True for a key whose value must not leave the machine: its name holds pin, puk, key,
/// secret, passw(ord), passphrase, credential or token (case-insensitive). Over-redacting a
/// harmless key is accepted; missing a secret is not.
bool is_secret_key(std::string_view key);

/// The configuration text with comments dropped, the value of every secret key (see
/// is_secret_key; in block and flow style) and everything nested under one replaced by
/// "<redacted>", and long hex strings (keys pasted anywhere) and PEM blocks replaced too.
/// Everything else — sockets, directories, drivers, limits, guidance — stays as written.
std::string redact_config(const std::string& yaml);

}  // namespace eport::client
