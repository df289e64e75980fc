// eport-bench-rtt: the round trips bench/bench_status.py compares (goals 3 and 4 of issue 15),
// measured from C++ so that neither side pays for a Python interpreter.
//
//   eport-bench-rtt rtt SOCKET READER [CALLS]
//       CALLS x `session.hello` on one connection to eportd's socket, CALLS x SCardStatus on one
//       shared connection to the card in READER, CALLS x SCardListReaders on one context; prints
//       one JSON object {"hello":{...},"scard_status":{...},"scard_list_readers":{...}} with the
//       p50/p99/mean of each in microseconds.
//   eport-bench-rtt watch READER
//       pcscd's own detection: blocks in SCardGetStatusChange on READER and prints
//       "present <ns>" / "absent <ns>" (CLOCK_MONOTONIC, as Python's time.monotonic_ns()) at
//       every change, flushed at once, until stdin closes or it is killed.
//
// Figures only: nothing here is a test.
#include <PCSC/winscard.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

namespace {

/// CLOCK_MONOTONIC in nanoseconds.
long long now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

/// A PC/SC context, released on scope exit.
struct Context {
  SCARDCONTEXT handle = 0;
  Context() {
    if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &handle) != SCARD_S_SUCCESS) handle = 0;
  }
  ~Context() {
    if (handle != 0) SCardReleaseContext(handle);
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
};

/// A shared card connection, left as it is on scope exit.
struct Card {
  SCARDHANDLE handle = 0;
  ~Card() {
    if (handle != 0) SCardDisconnect(handle, SCARD_LEAVE_CARD);
  }
};

/// A connected Unix socket, closed on scope exit.
struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) close(fd);
  }
};

/// "p50/p99/mean" of microsecond samples as a JSON object.
std::string stats_json(std::vector<double> us) {
  if (us.empty()) return "null";
  std::sort(us.begin(), us.end());
  auto rank = [&us](double p) {
    return us[std::min(us.size() - 1, static_cast<std::size_t>(p * us.size()))];
  };
  const double mean = std::accumulate(us.begin(), us.end(), 0.0) / static_cast<double>(us.size());
  char out[160];
  std::snprintf(out, sizeof out, R"({"calls":%zu,"p50_us":%.1f,"p99_us":%.1f,"mean_us":%.1f})", us.size(),
                rank(0.50), rank(0.99), mean);
  return out;
}

/// Times `calls` runs of `once`; an empty vector when one of them failed.
std::vector<double> time_calls(int calls, const std::function<bool()>& once) {
  std::vector<double> us;
  for (int i = 0; i < calls; ++i) {
    const long long start = now_ns();
    if (!once()) return {};
    us.push_back(static_cast<double>(now_ns() - start) / 1000.0);
  }
  return us;
}

/// One NDJSON request and its answer line; false on any I/O error or an error answer.
bool hello(int fd, int id, std::string& pending) {
  const std::string line = R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
                           R"(,"method":"session.hello","params":{"client":"eport-bench-rtt","protocol":1}})"
                           "\n";
  if (send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) return false;
  char buf[8192];
  for (;;) {
    const auto nl = pending.find('\n');
    if (nl != std::string::npos) {
      const std::string answer = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (answer.find("\"result\"") == std::string::npos) return false;
      return true;
    }
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending.append(buf, static_cast<std::size_t>(n));
  }
}

bool connect_socket(Socket& s, const std::string& path) {
  s.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (s.fd < 0 || path.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

int rtt(const std::string& socket_path, const std::string& reader, int calls) {
  Socket sock;
  if (!connect_socket(sock, socket_path)) {
    std::fprintf(stderr, "eport-bench-rtt: cannot connect to %s\n", socket_path.c_str());
    return 1;
  }
  Context ctx;
  Card card;
  DWORD proto = 0;
  if (ctx.handle == 0 ||
      SCardConnect(ctx.handle, reader.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                   &card.handle, &proto) != SCARD_S_SUCCESS) {
    std::fprintf(stderr, "eport-bench-rtt: no card in '%s' (PCSCLITE_CSOCK_NAME?)\n", reader.c_str());
    return 1;
  }
  std::string pending;
  int id = 0;
  const auto hellos = time_calls(calls, [&] { return hello(sock.fd, ++id, pending); });
  const auto status = time_calls(calls, [&] {
    char name[256];
    DWORD name_len = sizeof name, state = 0, protocol = 0, atr_len = MAX_ATR_SIZE;
    BYTE atr[MAX_ATR_SIZE];
    return SCardStatus(card.handle, name, &name_len, &state, &protocol, atr, &atr_len) == SCARD_S_SUCCESS;
  });
  const auto lists = time_calls(calls, [&] {
    char buf[1024];
    DWORD len = sizeof buf;
    return SCardListReaders(ctx.handle, nullptr, buf, &len) == SCARD_S_SUCCESS;
  });
  std::printf("{\"hello\":%s,\"scard_status\":%s,\"scard_list_readers\":%s}\n", stats_json(hellos).c_str(),
              stats_json(status).c_str(), stats_json(lists).c_str());
  return hellos.empty() || status.empty() || lists.empty() ? 1 : 0;
}

int watch(const std::string& reader) {
  Context ctx;
  if (ctx.handle == 0) {
    std::fprintf(stderr, "eport-bench-rtt: no PC/SC (PCSCLITE_CSOCK_NAME?)\n");
    return 1;
  }
  SCARD_READERSTATE state{};
  state.szReader = reader.c_str();
  state.dwCurrentState = SCARD_STATE_UNAWARE;
  for (;;) {
    pollfd in{STDIN_FILENO, POLLIN, 0};
    if (poll(&in, 1, 0) > 0) return 0;  // stdin closed (or written to): the caller is done
    const LONG rv = SCardGetStatusChange(ctx.handle, 500, &state, 1);
    if (rv == static_cast<LONG>(SCARD_E_TIMEOUT)) continue;
    if (rv != SCARD_S_SUCCESS) {
      std::fprintf(stderr, "eport-bench-rtt: SCardGetStatusChange: 0x%lx\n", static_cast<unsigned long>(rv));
      return 1;
    }
    const long long at = now_ns();
    const DWORD was = state.dwCurrentState;
    state.dwCurrentState = state.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
    const bool present = (state.dwEventState & SCARD_STATE_PRESENT) != 0;
    if (was == SCARD_STATE_UNAWARE || present != ((was & SCARD_STATE_PRESENT) != 0)) {
      std::printf("%s %lld\n", present ? "present" : "absent", at);
      std::fflush(stdout);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "rtt" && argc >= 4) return rtt(argv[2], argv[3], argc > 4 ? std::stoi(argv[4]) : 1000);
  if (mode == "watch" && argc == 3) return watch(argv[2]);
  std::fprintf(stderr,
               "usage: eport-bench-rtt rtt SOCKET READER [CALLS]\n"
               "       eport-bench-rtt watch READER\n");
  return 2;
}
