// eportd: parse the command line, load and check the configuration, load the driver plug-ins,
// build the parts (no singletons: everything is owned here and passed down by reference),
// then serve the socket until SIGTERM/SIGINT.
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "audit/audit_log.hpp"
#include "cardops/card_service.hpp"
#include "config/key_file_check.hpp"
#include "config/loader.hpp"
#include "config/shared_config.hpp"
#include "drivers/loader.hpp"
#include "events/event_bus.hpp"
#include "ipc/access_policy.hpp"
#include "ipc/dispatcher.hpp"
#include "ipc/server.hpp"
#include "methods/registry.hpp"
#include "metrics/metrics_service.hpp"
#include "providers/provider_host.hpp"
#include "providers/provider_service.hpp"
#include "service/log_target.hpp"
#include "service/notifier.hpp"
#include "service/reload.hpp"
#include "service/socket_activation.hpp"
#include "service/strict_modes.hpp"
#include "usb/usb_view.hpp"
#include "usb/usb_watcher.hpp"
#include "web/web_server.hpp"

namespace {

using namespace eport;

/// How long a stop waits for a card job in flight before leaving without it.
constexpr std::chrono::seconds kWorkerGrace{10};

/// No core file and no /proc/<pid>/mem for eportd's user: PINs, PUKs and keys pass through this
/// process's memory. (The unit also sets LimitCORE=0.)
void make_undumpable() {
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    std::cerr << "eportd: warning: cannot make the process non-dumpable: " << std::strerror(errno) << "\n";
}

/// Command-line options.
struct Options {
  std::string config_file = EPORT_DEFAULT_CONFIG;
  std::string socket;
  bool foreground = false;
  bool check_config = false;
};

/// The plug-in directory when the config does not name one: the build tree's own directory
/// for a binary running from that build tree, else the installed one.
std::string default_plugin_dir() {
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error && exe.parent_path() == std::filesystem::path(EPORT_BUILD_BIN_DIR))
    return EPORT_BUILD_PLUGIN_DIR;
  return EPORT_INSTALL_PLUGIN_DIR;
}

/// Loads and validates the config; prints every problem and returns nullopt on failure.
std::optional<config::Config> load(const Options& options) {
  try {
    config::Config config = config::load_config(options.config_file);
    if (!options.socket.empty()) config.socket = options.socket;
    if (config.plugin_dir.empty()) config.plugin_dir = default_plugin_dir();
    config::add_system_warnings(config);
    return config;
  } catch (const config::ConfigError& e) {
    for (const auto& issue : e.issues()) std::cerr << "eportd: " << issue.to_string() << "\n";
    std::cerr << "eportd: the configuration has " << e.issues().size()
              << " problem(s); fix them and run `eportd --check-config --config " << options.config_file
              << "` again\n";
    return std::nullopt;
  }
}

std::vector<drivers::DriverSpec> driver_specs(const config::Config& config) {
  std::vector<drivers::DriverSpec> specs;
  for (const auto& spec : config.drivers) specs.push_back({spec.name, spec.options});
  return specs;
}

/// Line of the `drivers:` entry for `name` (to point at it in messages).
int driver_line(const config::Config& config, const std::string& name) {
  for (std::size_t i = 0; i < config.drivers.size(); ++i)
    if (config.drivers[i].name == name) return config.drivers[i].line;
  return 0;
}

/// --check-config: validate the file, StrictModes, and run every plug-in load step.
int check_config(const Options& options) {
  auto config = load(options);
  if (!config) return 1;
  int problems = 0;
  for (const auto& problem : service::check_strict_modes(options.config_file, config->plugin_dir,
                                                         service::current_strict_modes_policy())) {
    std::cerr << "eportd: " << problem << "\n";
    ++problems;
  }
  const auto result =
      drivers::load_drivers(config->plugin_dir, driver_specs(*config), drivers::LoadMode::CheckOnly);
  for (const auto& failure : result.failures) {
    std::cerr << "eportd: " << config->source << ":" << driver_line(*config, failure.name)
              << ": key 'drivers': driver '" << failure.name << "' (" << failure.library
              << "): " << failure.reason << "\n";
    ++problems;
  }
  for (const auto& problem : config::key_file_problems(*config)) {
    std::cerr << "eportd: " << config->source << ": key 'drivers': " << problem << "\n";
    ++problems;
  }
  for (const auto& warning : config->warnings) std::cerr << "eportd: warning: " << warning << "\n";
  if (problems > 0) {
    std::cerr << "eportd: " << options.config_file << ": " << problems << " problem(s) found\n";
    return 1;
  }
  std::cout << options.config_file << ": configuration OK; " << result.checked.size()
            << " driver(s) checked in " << config->plugin_dir << "\n";
  return 0;
}

/// Forks into the background; the parent exits 0 once the child reports readiness through
/// the returned pipe (or 1 when the child dies first). Call before any thread exists.
int daemonize() {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid > 0) {
    ::close(pipe_fds[1]);
    char ready = 0;
    const ssize_t n = ::read(pipe_fds[0], &ready, 1);
    std::_Exit(n == 1 ? 0 : 1);
  }
  ::close(pipe_fds[0]);
  ::setsid();
  if (::chdir("/") != 0) {
    // Staying in the start directory is harmless; only unmounting it would be blocked.
  }
  return pipe_fds[1];
}

/// Sends the background parent away and detaches from the terminal.
void report_ready(int ready_fd) {
  if (ready_fd < 0) return;
  const char ok = 1;
  if (::write(ready_fd, &ok, 1) != 1) {
    // The parent is gone; nothing to tell.
  }
  ::close(ready_fd);
  const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd >= 0) {
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(null_fd, STDERR_FILENO);
    ::close(null_fd);
  }
}

void setup_logging(bool background) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (background)
    sink = std::make_shared<spdlog::sinks::syslog_sink_mt>("eportd", LOG_PID, LOG_DAEMON, false);
  else sink = service::make_log_sink(service::choose_log_target(service::detect_log_environment()));
  auto logger = std::make_shared<spdlog::logger>("eportd", sink);
  spdlog::set_default_logger(logger);
}

/// Where setup_logging() sent the log, for diag.report's `log` ("journal", "stderr", "syslog").
std::string log_target_name(bool background) {
  if (background) return "syslog";
  return service::choose_log_target(service::detect_log_environment()) == service::LogTarget::journal
             ? "journal"
             : "stderr";
}

void make_state_dir(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error)
    throw std::runtime_error("cannot create state_dir " + dir + ": " + error.message() +
                             "; create it or point state_dir at a writable directory");
  ::chmod(dir.c_str(), 0750);
}

/// Fills the driver parts of the context from a load result.
void record_drivers(methods::ServiceContext& context, const drivers::LoadResult& loaded) {
  for (const auto& driver : loaded.drivers) {
    const auto& info = driver->info();
    context.drivers.push_back(info);
    spdlog::info("driver {} {} loaded from {}", info.name, info.version, info.library);
  }
  for (const auto& failure : loaded.failures) {
    context.driver_failures.push_back({failure.name, failure.library, failure.reason});
    spdlog::error("driver {} did not load ({}): {}", failure.name, failure.library, failure.reason);
  }
}

ipc::ServerOptions server_options(const config::Config& config, std::optional<int> inherited_fd) {
  ipc::ServerOptions options;
  options.socket_path = config.socket;
  options.socket_mode = config.socket_mode;
  options.socket_group = config.socket_group;
  options.max_clients = config.limits.max_clients;
  options.max_clients_per_uid = config.limits.max_clients_per_uid;
  options.limits.max_message_bytes = config.limits.max_message_bytes;
  options.limits.idle_timeout = std::chrono::seconds(config.limits.idle_timeout_s);
  options.limits.max_in_flight = config.limits.max_in_flight;
  options.limits.write_stall_timeout = std::chrono::seconds(config.limits.write_stall_timeout_s);
  options.inherited_fd = inherited_fd.value_or(-1);
  return options;
}

/// audit.* as the audit log takes it.
audit::AuditPolicy audit_policy(const config::Config& config) {
  audit::AuditPolicy policy;
  policy.max_bytes = config.audit.max_bytes;
  policy.keep = config.audit.keep;
  policy.refusal_window = std::chrono::seconds(config.audit.refusal_window_s);
  return policy;
}

/// SIGHUP: re-read the config, take over what can change while running, log the rest. The new
/// configuration goes to SharedConfig only; every part follows it from there (shared_config.hpp).
void reload(const Options& options, config::SharedConfig& shared, const ipc::Server& server,
            const service::Notifier& notifier) {
  notifier.reloading();
  const auto running = shared.get();
  auto result = service::reload_config(
      *running, options.config_file,
      [&options](const std::filesystem::path& path) {
        auto config = config::load_config(path.string());
        if (!options.socket.empty()) config.socket = options.socket;
        config::add_system_warnings(config);
        return config;
      },
      service::current_strict_modes_policy());
  if (!result) {
    spdlog::error("reload refused, the running configuration stays: {}", result.error());
  } else {
    for (const auto& line : result->applied) spdlog::info("reload: {}", line);
    for (const auto& line : result->needs_restart) spdlog::warn("reload: {} (needs a restart)", line);
    shared.set(std::move(result->next));
  }
  notifier.ready("serving " + server.socket_path());
}

/// The parts that keep state derived from the configuration follow every reload; request
/// handlers read snapshots instead. Keep the result alive no longer than the parts it names.
std::vector<config::SharedConfig::Subscription> follow_reloads(config::SharedConfig& shared,
                                                               ipc::Dispatcher& dispatcher,
                                                               ipc::Server& server, events::EventBus& bus,
                                                               methods::ServiceContext& context) {
  std::vector<config::SharedConfig::Subscription> followers;
  followers.push_back(shared.subscribe(
      [](const config::Config& next) { spdlog::set_level(spdlog::level::from_str(next.log_level)); }));
  followers.push_back(shared.subscribe([&dispatcher](const config::Config& next) {
    dispatcher.set_policy(ipc::AccessPolicy(ipc::resolve_group_ids(next.admin_groups)));
  }));
  followers.push_back(shared.subscribe(
      [&server](const config::Config& next) { server.set_limits(server_options(next, std::nullopt)); }));
  followers.push_back(shared.subscribe(
      [&bus](const config::Config& next) { bus.set_queue_capacity(next.limits.event_queue_size); }));
  followers.push_back(shared.subscribe([&context](const config::Config& next) {
    context.background.set_capacity(next.limits.background_queue_size);
  }));
  followers.push_back(shared.subscribe(
      [&context](const config::Config& next) { context.audit.set_policy(audit_policy(next)); }));
  return followers;
}

/// daemon.info and diag.report read readers, tokens and pcscd's state from the card side.
void attach_card_views(methods::ServiceContext& context, const cardops::CardService& cards,
                       bool pcsc_enabled) {
  context.readers_view = [&cards] { return cards.readers_json(); };
  context.tokens_view = [&cards] { return cards.tokens_json(); };
  context.pcsc_view = [&cards, pcsc_enabled](std::string* detail) {
    const std::string state = cards.pcsc_state(detail);
    if (!pcsc_enabled && detail) *detail = "PC/SC is disabled in the configuration (pcsc.enabled: false)";
    return state;
  };
}

/// Drops every view into parts that are about to stop.
void detach_views(methods::ServiceContext& context) {
  context.readers_view = nullptr;
  context.tokens_view = nullptr;
  context.pcsc_view = nullptr;
  context.usb_view = nullptr;
  context.driver_status_view = nullptr;
  context.metrics_view = nullptr;
}

/// Watchdog pings, SIGHUP reload and STOPPING=1 for systemd (all harmless without it).
void connect_service_manager(ipc::Server& server, const service::Notifier& notifier,
                             std::function<void()> reload_now) {
  if (auto interval = notifier.watchdog_interval())
    server.every(std::chrono::duration_cast<std::chrono::milliseconds>(*interval),
                 [&notifier] { notifier.watchdog_ping(); });
  server.on_signal(SIGHUP, std::move(reload_now));
  server.on_stopping([&notifier] { notifier.stopping(); });
}

int serve(const Options& options, config::Config loaded, int ready_fd) {
  spdlog::set_level(spdlog::level::from_str(loaded.log_level));
  service::enforce_strict_modes(options.config_file, loaded.plugin_dir);
  make_state_dir(loaded.state_dir);
  // A key file the driver will refuse: said at start, and by diag.report (config.warnings).
  for (auto& problem : config::key_file_problems(loaded)) loaded.warnings.push_back(std::move(problem));
  for (const auto& warning : loaded.warnings) spdlog::warn("{}", warning);

  config::SharedConfig shared(std::move(loaded));
  const auto config = shared.get();
  audit::AuditLog audit_log(config->state_dir + "/audit.log", audit_policy(*config));
  events::EventBus bus(config->limits.event_queue_size);
  metrics::MetricsService metrics_service(bus, config->metrics,
                                          methods::daemon_version());  // sees every event from now on
  methods::PcscProbe pcsc(config->pcsc_enabled);
  pcsc.refresh();
  if (config->pcsc_enabled && pcsc.state() != "up") spdlog::warn("{}", pcsc.detail());

  const auto inherited_fd = service::take_activated_socket();
  // Token providers run in helper processes (`eportd --provider-host`): a crash or hang of a
  // vendor library stays there (docs/driver-abi.md).
  providers::ProviderHosts provider_hosts("/proc/self/exe", config->log_level);
  auto loaded_drivers = drivers::load_drivers(config->plugin_dir, driver_specs(*config),
                                              drivers::LoadMode::Full, nullptr, provider_hosts.hook());

  methods::BackgroundTasks background(config->limits.background_queue_size);
  methods::ServiceContext context{
      shared,     bus,  audit_log,
      background, pcsc, inherited_fd ? service::unix_socket_path(*inherited_fd) : config->socket};
  record_drivers(context, loaded_drivers);
  context.driver_status_view = [&loaded_drivers](const std::string& name) {
    for (const auto& driver : loaded_drivers.drivers)
      if (driver->info().name == name) return driver->reported_status();
    return nlohmann::json();
  };
  context.log_target = log_target_name(ready_fd >= 0);
  context.metrics_view = [&metrics_service] { return metrics_service.status(); };
  std::vector<std::string> driver_names;
  for (const auto& driver : context.drivers) driver_names.push_back(driver.name);
  metrics_service.set_drivers(driver_names);

  // Cards: the PC/SC watcher, token registry and workers, and the methods that touch cards.
  std::vector<drivers::Driver*> card_drivers;
  for (const auto& driver : loaded_drivers.drivers)
    if (driver->is_card_driver()) card_drivers.push_back(driver.get());
  auto cards = std::make_unique<cardops::CardService>(context, card_drivers);
  attach_card_views(context, *cards, config->pcsc_enabled);
  std::vector<drivers::Driver*> all_drivers;
  for (const auto& driver : loaded_drivers.drivers) all_drivers.push_back(driver.get());
  auto token_providers =
      std::make_unique<providers::ProviderService>(all_drivers, cards->registry(), &provider_hosts);
  // USB: one libusb event thread when usb.enabled (ARCHITECTURE.md "Threads"); a reload does not
  // start or stop it, so diag.report says what runs, not what the file now says.
  auto usb_table = usb::load_table_for(config->usb_device_table, context.warnings);
  usb::UsbWatcher usb_watcher(
      [&bus](const std::string& topic, const nlohmann::json& params) { bus.publish(topic, params); },
      usb_table);
  const bool usb_on = config->usb_enabled;
  if (usb_on) usb_watcher.start();
  context.usb_view = [&usb_watcher, usb_on, usb_table, &context](const nlohmann::json& readers) {
    return usb::usb_report(usb_on, usb_watcher.status(), readers, usb_table,
                           usb::serving_facts(usb::driver_list(context.config.get()->drivers),
                                              usb::token_ids(methods::current_tokens(context))));
  };

  ipc::MethodTable table;
  methods::register_core_methods(table, context);
  cards->register_methods(table);
  metrics_service.register_methods(table);
  ipc::Dispatcher dispatcher(table, ipc::AccessPolicy(ipc::resolve_group_ids(config->admin_groups)),
                             methods::make_audit_hook(context));
  metrics_service.observe_calls(dispatcher);

  auto options_for_server = server_options(*config, inherited_fd);
  options_for_server.socket_path = context.socket_path;  // the handed-over socket's own path
  ipc::Server server(options_for_server, dispatcher, bus);
  const auto reload_followers = follow_reloads(shared, dispatcher, server, bus, context);
  server.listen();
  // The web part (docs/web.md): only with a `web:` section; on the same I/O thread and dispatcher.
  std::optional<web::WebServer> web_server;
  if (config->web.enabled) {
    web_server.emplace(server.context(), shared, dispatcher, bus);
    web_server->listen();
    server.on_stopping([&web_server] { web_server->stop(); });
  }
  metrics_service.start();
  cards->start();
  token_providers->start();
  service::Notifier notifier;
  connect_service_manager(server, notifier, [&] { reload(options, shared, server, notifier); });

  spdlog::info("eportd {} ready on {} ({} method(s), {} driver(s))", methods::daemon_version(),
               context.socket_path, table.size(), context.drivers.size());
  notifier.ready("serving " + context.socket_path);
  report_ready(ready_fd);
  server.run();
  metrics_service.stop();  // the file says eportd_up 0 from now on
  // Background jobs may still read the card side (daemon.info): finish them first; then stop
  // the card workers while the server still exists, as they may answer waiting requests. A job
  // running on a card ends first (its outcome is audited); everything it uses stays alive until
  // the workers are joined.
  background.shutdown();
  detach_views(context);
  usb_watcher.stop();
  token_providers.reset();  // provider tokens' workers first: they are listed in the registry
  if (!cards->stop(kWorkerGrace)) {
    // A card that never answers keeps its worker in the reader driver: nothing it uses may be
    // destroyed, so leave without running destructors — after the queued audit records are on
    // disk (the attempt records already are: they are written before the first APDU).
    spdlog::error("a card did not answer within {} s of the stop; exiting without waiting for it",
                  std::chrono::duration_cast<std::chrono::seconds>(kWorkerGrace).count());
    audit_log.stop();
    std::_Exit(0);
  }
  cards.reset();
  // Queued audit records (and refusal counts) reach the disk while the answers they hold can
  // still be posted to the I/O loop.
  audit_log.stop();
  spdlog::info("eportd stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A file-size limit (or a full disk) must not kill the daemon: a write past it then fails
  // with EFBIG and is reported — an audit record that cannot be written sends nothing to a card.
  std::signal(SIGXFSZ, SIG_IGN);
  make_undumpable();
  // A provider helper started by a running eportd (daemon/providers): nothing else of main().
  if (argc == 3 && std::string(argv[1]) == "--provider-host") return providers::provider_host_main(argv[2]);
  Options options;
  CLI::App app{"eportd: smart-card middleware for China Electronic Port IC cards and USBKeys"};
  app.add_option("--config,-c", options.config_file, "configuration file")->capture_default_str();
  std::string positional_config;  // `eportd --check-config FILE` reads naturally too
  app.add_option("config_file", positional_config, "configuration file (same as --config)");
  app.add_option("--socket,-s", options.socket, "serve this socket path instead of the config's `socket`");
  app.add_flag("--foreground,-f", options.foreground, "stay in the foreground (systemd, tests)");
  app.add_flag("--check-config", options.check_config,
               "validate the configuration and check-load every driver plug-in, then exit");
  app.set_version_flag("--version", std::string("eportd ") + EPORT_VERSION);
  CLI11_PARSE(app, argc, argv);
  if (!positional_config.empty()) options.config_file = positional_config;

  if (options.check_config) {
    setup_logging(false);
    return check_config(options);
  }
  auto config = load(options);
  if (!config) return 1;
  try {
    const int ready_fd = options.foreground ? -1 : daemonize();
    setup_logging(!options.foreground);
    return serve(options, std::move(*config), ready_fd);
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    std::cerr << "eportd: " << e.what() << "\n";
    return 1;
  }
}
