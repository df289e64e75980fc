// Fuzz target: NDJSON framing + JSON-RPC parsing + dispatch against the real method table (the
// core methods; no card: no PC/SC, no drivers) with a fake peer, like one hostile connection.
// The input is a byte stream cut into reads of varying size. Any crash, leak, UB or exception
// escaping the dispatcher is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "ipc/dispatcher.hpp"
#include "ipc/framing.hpp"
#include "ipc/json_message.hpp"
#include "methods/registry.hpp"

namespace {

using namespace eport;

/// A connection stand-in (events.subscribe needs one).
struct FakeSession : ipc::ClientSession {
  void subscribe(std::set<std::string>) override {}
};

config::Config fuzz_config() {
  config::Config config = config::default_config();
  config.pcsc_enabled = false;
  config.usb_enabled = false;
  return config;
}

/// One daemon for the whole run (as eportd has one), state in a private temp dir.
struct Daemon {
  std::string dir;
  config::SharedConfig config{fuzz_config()};
  events::EventBus bus{16};
  std::unique_ptr<audit::AuditLog> audit;
  methods::BackgroundTasks background{64};
  methods::PcscProbe pcsc{false};
  std::unique_ptr<methods::ServiceContext> context;
  ipc::MethodTable table;
  std::unique_ptr<ipc::Dispatcher> dispatcher;
  std::shared_ptr<FakeSession> session = std::make_shared<FakeSession>();

  Daemon() {
    char pattern[] = "/tmp/eport-fuzz-XXXXXX";
    dir = mkdtemp(pattern);
    audit::AuditPolicy policy;
    policy.max_bytes = 1 << 20;  // a long run rotates instead of filling /tmp
    policy.keep = 1;
    audit = std::make_unique<audit::AuditLog>(dir + "/audit.log", policy);
    context =
        std::make_unique<methods::ServiceContext>(config, bus, *audit, background, pcsc, dir + "/no.sock");
    methods::register_core_methods(table, *context);
    dispatcher =
        std::make_unique<ipc::Dispatcher>(table, ipc::AccessPolicy(), methods::make_audit_hook(*context));
  }
};

Daemon& daemon() {
  static Daemon* instance = new Daemon();  // never destroyed: the fuzzer exits with it alive
  return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& d = daemon();
  ipc::LineFramer framer(4096);
  std::size_t offset = 0;
  std::string line;
  // The first byte picks the peer: root (admin) or an ordinary user.
  const ipc::PeerIdentity peer =
      size > 0 && (data[0] & 1) ? ipc::PeerIdentity{1000, 1000, 1, {}} : ipc::PeerIdentity{0, 0, 1, {}};
  while (offset < size) {
    const std::size_t chunk = 1 + (data[offset] % 64);
    const std::size_t take = std::min(chunk, size - offset);
    framer.feed(std::string_view(reinterpret_cast<const char*>(data) + offset, take));
    offset += take;
    for (;;) {
      const auto status = framer.next(line);
      if (status != ipc::LineFramer::Status::line) break;
      d.dispatcher->dispatch(line, ipc::CallerContext{peer, d.session}, [](nlohmann::json response) {
        if (!response.is_null()) (void)ipc::serialise_message(response);
      });
    }
  }
  return 0;
}
