#include "run_command.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include <eport/vcard/card.hpp>

#include "apdu_log.hpp"
#include "vpcd_connection.hpp"

namespace eport::vcard::tool {

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) { g_stop = 1; }

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking call returns EINTR and the loop sees g_stop
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

std::optional<VpcdConnection> connect_with_retry(const RunOptions& o) {
  while (!g_stop) {
    auto conn = VpcdConnection::connect(o.host, o.port);
    if (conn) return conn;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return std::nullopt;
}

void save_if_dirty(Card& card, const std::string& path) {
  if (!card.dirty()) return;
  try {
    save_state(path, card.state());
    card.clear_dirty();
  } catch (const std::exception& e) {
    // Keep answering; the next change retries the save.
    std::fprintf(stderr, "eport-vcard: %s\n", e.what());
  }
}

enum class Outcome { vpcd_gone, stop, dropped };

// Serves one vpcd connection until it closes, a signal arrives or --drop-after is reached.
Outcome serve(VpcdConnection& conn, Card& card, const RunOptions& o, ApduLog& log, long& apdus) {
  while (!g_stop) {
    auto frame = conn.read_frame(g_stop);
    if (!frame) return g_stop ? Outcome::stop : Outcome::vpcd_gone;
    if (frame->size() == 1) {
      // Control bytes; only GET ATR is answered, anything else would desynchronise vpcd.
      switch ((*frame)[0]) {
        case 0x00:
          card.power_off();
          log.event("power-off");
          break;
        case 0x01:
          card.power_on();
          log.event("power-on");
          break;
        case 0x02:
          card.reset();
          log.event("reset");
          break;
        case 0x04:
          if (!conn.write_frame(Card::atr())) return Outcome::vpcd_gone;
          break;
        default: break;
      }
      continue;
    }
    if (frame->empty()) continue;
    if (o.mute_after && apdus >= *o.mute_after) continue;  // a hung card: never answers
    auto response = card.transmit(*frame);
    save_if_dirty(card, o.state_path);
    log.write(*frame, response);
    ++apdus;
    if (o.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o.delay_ms));
    if (!conn.write_frame(response)) return Outcome::vpcd_gone;
    if (o.drop_after && apdus >= *o.drop_after) return Outcome::dropped;
  }
  return Outcome::stop;
}

}  // namespace

void parse_endpoint(const std::string& text, RunOptions& options) {
  std::size_t colon = text.rfind(':');
  const std::string usage = "--vpcd '" + text + "': expected HOST:PORT, e.g. 127.0.0.1:35963";
  if (colon == std::string::npos || colon == 0) throw std::invalid_argument(usage);
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  long port = 0;
  try {
    std::size_t used = 0;
    port = std::stol(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw std::invalid_argument(usage);
  }
  if (port < 1 || port > 65535) throw std::invalid_argument(usage + " (port 1-65535)");
  options.host = host;
  options.port = static_cast<uint16_t>(port);
}

int run_card(const RunOptions& o) {
  install_signal_handlers();
  Card card(load_state(o.state_path));
  card.corrupt_writes(o.corrupt_writes);
  ApduLog log(o.apdu_log);
  long apdus = 0;
  while (!g_stop) {
    auto conn = connect_with_retry(o);
    if (!conn) break;
    std::fprintf(stderr, "eport-vcard: card %u connected to vpcd at %s:%u\n", card.state().serial,
                 o.host.c_str(), o.port);
    std::fflush(stderr);
    card.power_on();
    Outcome outcome = serve(*conn, card, o, log, apdus);
    card.power_off();
    save_if_dirty(card, o.state_path);
    if (outcome == Outcome::dropped) {
      std::fprintf(stderr, "eport-vcard: card pulled after %ld APDUs (--drop-after)\n", apdus);
      return 0;
    }
    if (outcome == Outcome::vpcd_gone) {
      std::fprintf(stderr, "eport-vcard: vpcd closed the connection; retrying every 200 ms\n");
    }
  }
  return 0;
}

}  // namespace eport::vcard::tool
