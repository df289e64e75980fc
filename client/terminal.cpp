#include "terminal.hpp"

#include <openssl/crypto.h>

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "eport/common/unique_fd.hpp"

namespace eport::client {

void wipe(std::string& secret) {
  if (!secret.empty()) OPENSSL_cleanse(&secret[0], secret.size());
  secret.clear();
  secret.shrink_to_fit();
}

namespace {

// Saved terminal state for the signal handler: a Ctrl-C while echo is off must give the echo back.
volatile sig_atomic_t g_tty_fd = -1;
struct termios g_saved;

extern "C" void restore_and_reraise(int sig) {
  if (g_tty_fd >= 0) tcsetattr(g_tty_fd, TCSANOW, &g_saved);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

/// /dev/tty opened for reading and writing; closed on scope exit.
class Tty {
 public:
  Tty() : fd_(::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) {}
  bool ok() const { return static_cast<bool>(fd_); }
  int fd() const { return fd_.get(); }
  void write(const std::string& s) const {
    size_t done = 0;
    while (done < s.size()) {
      ssize_t n = ::write(fd_.get(), s.data() + done, s.size() - done);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }
  std::optional<std::string> read_line() const {
    std::string out;
    char c;
    for (;;) {
      ssize_t n = ::read(fd_.get(), &c, 1);
      if (n <= 0) return out.empty() ? std::nullopt : std::optional<std::string>(out);
      if (c == '\n' || c == '\r') return out;
      out += c;
    }
  }

 private:
  UniqueFd fd_;
};

/// Turns echo off on a terminal for its lifetime (and on SIGINT/SIGTERM/SIGHUP restores it).
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (tcgetattr(fd, &saved_) != 0) return;
    g_saved = saved_;
    g_tty_fd = fd;
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) old_[s] = std::signal(s, restore_and_reraise);
    struct termios t = saved_;
    t.c_lflag &= static_cast<tcflag_t>(~(ECHO | ECHONL));
    t.c_lflag |= ICANON;
    active_ = tcsetattr(fd, TCSANOW, &t) == 0;
  }
  ~EchoOff() {
    if (active_) tcsetattr(fd_, TCSANOW, &saved_);
    g_tty_fd = -1;
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT})
      if (old_[s] != nullptr) std::signal(s, old_[s] == SIG_ERR ? SIG_DFL : old_[s]);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  int fd_;
  struct termios saved_ {};
  bool active_ = false;
  using Handler = void (*)(int);
  Handler old_[32] = {};
};

std::optional<std::string> stdin_line() {
  std::string s;
  if (!std::getline(std::cin, s)) return std::nullopt;
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

}  // namespace

TerminalPrompter::TerminalPrompter(bool secrets_from_stdin) : secrets_from_stdin_(secrets_from_stdin) {}

std::optional<std::string> TerminalPrompter::secret(const std::string& prompt) {
  if (secrets_from_stdin_) return stdin_line();
  Tty tty;
  if (!tty.ok()) return std::nullopt;
  std::optional<std::string> answer;
  {
    // Echo goes off before the prompt shows, so that nothing typed after it is ever echoed.
    EchoOff guard(tty.fd());
    tty.write(prompt);
    answer = tty.read_line();
  }
  tty.write("\n");
  return answer;
}

std::optional<std::string> TerminalPrompter::line(const std::string& prompt) {
  Tty tty;
  if (tty.ok()) {
    tty.write(prompt);
    return tty.read_line();
  }
  // No terminal (a script or a pipe): the answer may come from stdin.
  std::cerr << prompt << std::flush;
  return stdin_line();
}

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

}  // namespace eport::client
