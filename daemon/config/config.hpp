#pragma once
// The daemon's configuration as plain data. Loading and validation live in loader.hpp; nothing
// here knows about YAML, so every other module can include this header.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eport::config {

/// One `drivers:` entry: plug-in `eport-<name>.so` and its options (handed to it as JSON).
struct DriverSpec {
  std::string name;                                   ///< plug-in name, e.g. "piv"
  nlohmann::json options = nlohmann::json::object();  ///< the `options:` map, as JSON
  int line = 0;                                       ///< line in the config file (for messages)
};

/// `limits:` — protections against misbehaving clients.
struct Limits {
  std::uint32_t max_clients = 256;                ///< concurrent connections
  std::uint64_t max_message_bytes = 1024 * 1024;  ///< longest accepted line, without the '\n'
  std::uint32_t idle_timeout_s = 600;             ///< close idle non-subscribers; 0 = never
  std::uint32_t event_queue_size = 1024;          ///< events queued per subscriber before dropping
  std::uint32_t card_timeout_s = 30;              ///< a card job not started by then is dropped
  std::uint32_t max_clients_per_uid = 32;         ///< concurrent connections of one uid
  std::uint32_t max_in_flight = 32;          ///< unanswered requests per connection before reading pauses
  std::uint32_t write_stall_timeout_s = 30;  ///< close a client whose answers wait unread this long
  std::uint32_t background_queue_size = 64;  ///< jobs waiting off the I/O thread; more answer `busy`
};

/// `audit:` — size cap, rotation and rate limit of state_dir/audit.log.
struct AuditSettings {
  std::uint64_t max_bytes = 10 * 1024 * 1024;  ///< rotate audit.log before it passes this; 0 = never
  std::uint32_t keep = 5;                      ///< rotated files kept: audit.log.1 ... audit.log.<keep>
  std::uint32_t refusal_window_s = 60;  ///< refusals of one uid and method after a written one: counted only
};

/// `metrics:` — the Prometheus textfile for node_exporter (docs/monitoring.md).
struct Metrics {
  std::string textfile;           ///< the .prom file to write; "" = no file (metrics.get still answers)
  std::uint32_t refresh_s = 300;  ///< rewrite at least this often while nothing changes; 0 = only on changes
  /// Same settings.
  bool operator==(const Metrics& other) const {
    return textfile == other.textfile && refresh_s == other.refresh_s;
  }
  /// Different settings.
  bool operator!=(const Metrics& other) const { return !(*this == other); }
};

/// `web:` — the loopback HTTP and WebSocket part (docs/web.md). Off unless the section is there.
struct WebSettings {
  bool enabled = false;                      ///< the file has a `web:` section
  std::string listen = "127.0.0.1:61232";    ///< as written: a loopback address and port
  std::string host = "127.0.0.1";            ///< the address of `listen` (IPv6 without brackets)
  std::uint16_t port = 61232;                ///< the port of `listen`
  std::vector<std::string> allowed_origins;  ///< normalised origins, besides eportd's own page
  bool allow_pin_methods = false;  ///< cus-sec_SpcVerifyPIN/ChangePIN, pin.change/pin.verify over the web
  /// Same settings.
  bool operator==(const WebSettings& other) const {
    return enabled == other.enabled && listen == other.listen && allowed_origins == other.allowed_origins &&
           allow_pin_methods == other.allow_pin_methods;
  }
  /// Different settings.
  bool operator!=(const WebSettings& other) const { return !(*this == other); }
};

/// The whole configuration after validation; every field holds a usable value.
struct Config {
  std::string source;                              ///< file it came from ("" = built-in defaults)
  std::string socket = "/run/eportd/eportd.sock";  ///< Unix socket path
  std::uint32_t socket_mode = 0660;                ///< permission bits of the socket file
  std::string socket_group = "eport";              ///< group of the socket file ("" = keep)
  std::string state_dir = "/var/lib/eportd";       ///< audit log and certificate backups
  std::string plugin_dir;                          ///< "" = the built-in plug-in directory
  std::vector<DriverSpec> drivers;                 ///< plug-ins to load, in order
  bool pcsc_enabled = true;                        ///< watch PC/SC readers
  bool usb_enabled = true;                         ///< watch USB tokens
  std::string usb_device_table;                    ///< usb-tokens.yaml; "" = the installed one
  std::string pin_default = "88888888";            ///< PIN set by pin.reset when none is given
  std::vector<int> expiry_warn_days{90, 30, 7};    ///< thresholds, largest first
  std::uint32_t cert_max_age_s = 3600;  ///< token.status re-reads certificates this old; 0 = always
  std::vector<std::string> admin_groups{"eport-admin"};  ///< groups allowed privileged methods
  Limits limits;                                         ///< client limits
  Metrics metrics;                                       ///< Prometheus textfile
  AuditSettings audit;                                   ///< audit log size cap and rate limit
  WebSettings web;                                       ///< loopback web part (off by default)
  std::string log_level = "info";                        ///< spdlog level name
  nlohmann::json guidance;                               ///< help-desk guidance (see defaults.cpp)
  std::vector<std::string> warnings;                     ///< non-fatal findings, shown by diag.report
};

/// The help-desk guidance shipped with eportd: Beijing business sites and what to bring.
nlohmann::json default_guidance();

/// A Config with every default filled in (what an empty file gives).
Config default_config();

/// Renders a permission mode as four octal digits, e.g. 0660 -> "0660".
std::string format_mode(std::uint32_t mode);

}  // namespace eport::config
