#pragma once
// What the command line asked for, filled by the CLI11 parser (cli.cpp).

#include <optional>
#include <string>

namespace eport::client {

/// The default socket of an installed eportd.
inline constexpr const char* kDefaultSocket = "/run/eportd/eportd.sock";

/// Global options and the chosen subcommand with its arguments.
struct Options {
  std::string command;              ///< subcommand name ("status", "check", ...)
  std::string socket;               ///< --socket, else $EPORTCTL_SOCKET, else kDefaultSocket
  bool json = false;                ///< --json: machine-readable output
  std::string lang;                 ///< --lang as given ("" = from the locale)
  std::string token;                ///< TOKEN argument (optional for status/check)
  std::optional<int> warn_days;     ///< check --warn-days
  bool puk_stdin = false;           ///< unlock --puk-stdin
  bool pins_stdin = false;          ///< change-pin --stdin
  std::string slot;                 ///< renew --slot; "" = the token's certificate slot
  std::string cert_file;            ///< renew --cert
  bool reset_pin = false;           ///< renew --reset-pin
  bool with_pin = false;            ///< renew --with-pin: ask for the user PIN (SKF USBKeys)
  bool yes = false;                 ///< renew --yes: no confirmation question
  bool force = false;               ///< renew --force: accept a certificate not valid now
  std::string management_key_file;  ///< renew --management-key-file: hex key in a file, never an argument
  int audit_limit = 20;             ///< audit -n
  std::string bundle;               ///< doctor --bundle FILE: write a support bundle there
  int bundle_lines = 200;           ///< doctor --lines: log lines and audit records in the bundle
  std::string method;               ///< call METHOD
  std::string params;               ///< call [JSON]
};

}  // namespace eport::client
