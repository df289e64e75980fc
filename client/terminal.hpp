#pragma once
// Asking the person at the keyboard: secrets without echo on /dev/tty, confirmations, or stdin.

#include <optional>
#include <string>

namespace eport::client {

/// Overwrites a secret in memory (OPENSSL_cleanse) and empties the string.
void wipe(std::string& secret);

/// Wipes the referenced secret when the scope ends, however it ends.
class WipeOnExit {
 public:
  /// Guards `secret` (which must outlive the guard).
  explicit WipeOnExit(std::string& secret) : secret_(secret) {}
  ~WipeOnExit() { wipe(secret_); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  std::string& secret_;
};

/// Where secrets and answers come from; an interface so that flows can be tested without a terminal.
class Prompter {
 public:
  virtual ~Prompter() = default;
  /// Asks for a secret (PUK, PIN) without echo; nullopt when there is nobody to ask or input ended.
  virtual std::optional<std::string> secret(const std::string& prompt) = 0;
  /// Asks a question and returns the typed line; nullopt when there is nobody to ask.
  virtual std::optional<std::string> line(const std::string& prompt) = 0;
};

/// Asks on the controlling terminal (/dev/tty), with echo off for secrets; with `secrets_from_stdin`
/// secrets are the next lines of stdin, and questions go to /dev/tty when there is one, else stdin.
class TerminalPrompter : public Prompter {
 public:
  /// `secrets_from_stdin` is --puk-stdin / --stdin.
  explicit TerminalPrompter(bool secrets_from_stdin);
  /// Asks for a secret without echo.
  std::optional<std::string> secret(const std::string& prompt) override;
  /// Asks a question with echo.
  std::optional<std::string> line(const std::string& prompt) override;

 private:
  bool secrets_from_stdin_;
};

/// True when stdout is a terminal.
bool stdout_is_terminal();

}  // namespace eport::client
