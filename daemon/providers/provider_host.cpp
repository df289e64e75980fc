#include "providers/provider_host.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "drivers/loader.hpp"
#include "providers/host_calls.hpp"
#include "providers/lane.hpp"
#include "providers/wire.hpp"

namespace eport::providers {

namespace {

using wire::Type;

// Log lines go to the daemon, which logs them with its own sinks.
class ForwardSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ForwardSink(Outbox& outbox) : outbox_(outbox) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    wire::Writer w(Type::log);
    w.i32(static_cast<std::int32_t>(msg.level)).str(std::string(msg.payload.data(), msg.payload.size()));
    outbox_.send(w);
  }
  void flush_() override {}

 private:
  Outbox& outbox_;
};

// One helper: the plug-in, its lanes, and the socket.
class Helper {
 public:
  explicit Helper(int fd) : outbox_(fd), fd_(fd) {}

  int run() {
    std::vector<std::uint8_t> message;
    if (wire::receive_message(fd_, message) != wire::Received::message) return 1;
    if (!load(message)) return 1;
    serve();
    return stop();
  }

 private:
  bool load(const std::vector<std::uint8_t>& message) {
    wire::Reader r(message);
    const bool is_hello = r.type() == Type::hello;
    const std::string plugin_dir = r.str();
    drivers::DriverSpec spec;
    spec.name = r.str();
    const std::string options = r.str();
    const std::string level = r.str();
    auto logger = std::make_shared<spdlog::logger>("provider", std::make_shared<ForwardSink>(outbox_));
    logger->set_level(spdlog::level::from_str(level));
    spdlog::set_default_logger(logger);
    wire::Writer w(Type::hello_result);
    if (!is_hello || r.bad()) {
      w.u8(0).str("").str("the daemon sent no valid hello");
      outbox_.send(w);
      return false;
    }
    spec.options = nlohmann::json::parse(options, nullptr, false);
    auto loaded = drivers::load_drivers(plugin_dir, {spec}, drivers::LoadMode::Full, logger);
    if (loaded.drivers.empty()) {
      const auto& f = loaded.failures.front();
      w.u8(0).str(f.library).str(f.reason);
      outbox_.send(w);
      return false;
    }
    driver_ = std::move(loaded.drivers.front());
    w.u8(1);
    wire::put(w, driver_->info());
    outbox_.send(w);
    calls_ = std::make_unique<HostCalls>(*driver_, outbox_);
    calls_->send_status_if_changed();
    return true;
  }

  void serve() {
    std::vector<std::uint8_t> message;
    while (wire::receive_message(fd_, message) == wire::Received::message) {
      wire::Reader r(message);
      const Type type = r.type();
      if (type == Type::shutdown) break;
      if (type != Type::call) continue;
      calls_->dispatch(r);
    }
  }

  // Closes every token on its own thread, then shuts the plug-in down. A call that does not
  // return within 5 s means the plug-in is stuck: exit without shutdown() rather than hang.
  int stop() {
    calls_->close_all();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!calls_->all_done()) {
      if (std::chrono::steady_clock::now() > deadline) {
        spdlog::error("a call into the plug-in did not return within 5 s; exiting without shutdown()");
        spdlog::default_logger()->flush();
        ::_exit(2);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    calls_.reset();
    driver_.reset();  // shutdown() runs here: every token is closed
    return 0;
  }

  Outbox outbox_;
  int fd_;
  std::unique_ptr<drivers::Driver> driver_;
  std::unique_ptr<HostCalls> calls_;
};

}  // namespace

int run_provider_host(int fd) { return Helper(fd).run(); }

int provider_host_main(const char* fd_text) {
  const int fd = std::atoi(fd_text != nullptr ? fd_text : "-1");
  if (fd < 3) return 64;
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() == 1) return 1;  // the daemon is already gone
  // The daemon decides when this process ends (shutdown message, or its death).
  ::signal(SIGTERM, SIG_IGN);
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGHUP, SIG_IGN);
  ::signal(SIGPIPE, SIG_IGN);
  if (fd > 3) ::close_range(3, static_cast<unsigned>(fd) - 1, 0);
  ::close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);
  return run_provider_host(fd);
}

}  // namespace eport::providers
