#include "config/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "config/guidance_schema.hpp"
#include "config/web_settings.hpp"
#include "config/yaml_reader.hpp"

namespace eport::config {

namespace {

const std::vector<std::string> kTopKeys{
    "socket", "socket_mode", "socket_group", "state_dir", "plugin_dir", "drivers", "pcsc",  "usb", "pin",
    "expiry", "access",      "limits",       "log",       "guidance",   "metrics", "audit", "web"};

const std::vector<std::string> kAllKeys{"socket",
                                        "socket_mode",
                                        "socket_group",
                                        "state_dir",
                                        "plugin_dir",
                                        "drivers",
                                        "drivers.name",
                                        "drivers.options",
                                        "pcsc.enabled",
                                        "usb.enabled",
                                        "usb.device_table",
                                        "pin.default",
                                        "expiry.warn_days",
                                        "expiry.cert_max_age_s",
                                        "access.admin_groups",
                                        "limits.max_clients",
                                        "limits.max_message_bytes",
                                        "limits.idle_timeout_s",
                                        "limits.event_queue_size",
                                        "limits.card_timeout_s",
                                        "limits.max_clients_per_uid",
                                        "limits.max_in_flight",
                                        "limits.write_stall_timeout_s",
                                        "limits.background_queue_size",
                                        "audit.max_bytes",
                                        "audit.keep",
                                        "audit.refusal_window_s",
                                        "log.level",
                                        "guidance.sites",
                                        "guidance.bring",
                                        "guidance.contact",
                                        "metrics.textfile",
                                        "metrics.refresh_s",
                                        "web.listen",
                                        "web.allowed_origins",
                                        "web.allow_pin_methods"};

/// True when every string in `value` (keys included) is valid UTF-8.
bool valid_utf8(const nlohmann::json& value) {
  try {
    (void)value.dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

/// Walks the top-level map and fills a Config.
class Loader {
 public:
  Loader(YamlReader& reader, std::string base_dir) : r_(reader), base_dir_(std::move(base_dir)) {}

  void load(const YAML::Node& root, Config& config) {
    if (root.IsNull()) return;  // an empty file means "all defaults"
    auto top = r_.map_fields(Field{"", line_of(root), root}, kTopKeys);
    if (!top) return;
    for (const auto& [name, field] : *top) apply(name, field, config);
  }

 private:
  void apply(const std::string& name, const Field& field, Config& c) {
    if (name == "socket") path(field, c.socket, true);
    else if (name == "socket_mode") socket_mode(field, c);
    else if (name == "socket_group") text(field, c.socket_group);
    else if (name == "state_dir") path(field, c.state_dir, false);
    else if (name == "plugin_dir") path(field, c.plugin_dir, false);
    else if (name == "drivers") drivers(field, c);
    else if (name == "pcsc")
      section(field, {"enabled"}, [&](auto& f) { flag(f, "enabled", c.pcsc_enabled); });
    else if (name == "usb")
      section(field, {"enabled", "device_table"}, [&](auto& f) {
        flag(f, "enabled", c.usb_enabled);
        if (auto it = f.find("device_table"); it != f.end()) path(it->second, c.usb_device_table, false);
      });
    else if (name == "pin") section(field, {"default"}, [&](auto& f) { pin_default(f, c); });
    else if (name == "expiry")
      section(field, {"warn_days", "cert_max_age_s"}, [&](auto& f) {
        warn_days(f, c);
        cert_max_age(f, c);
      });
    else if (name == "access") section(field, {"admin_groups"}, [&](auto& f) { admin_groups(f, c); });
    else if (name == "limits")
      section(field,
              {"max_clients", "max_message_bytes", "idle_timeout_s", "event_queue_size", "card_timeout_s",
               "max_clients_per_uid", "max_in_flight", "write_stall_timeout_s", "background_queue_size"},
              [&](auto& f) { limits(f, c.limits); });
    else if (name == "audit")
      section(field, {"max_bytes", "keep", "refusal_window_s"}, [&](auto& f) { audit(f, c.audit); });
    else if (name == "log") section(field, {"level"}, [&](auto& f) { log_level(f, c); });
    else if (name == "guidance") c.guidance = read_guidance(r_, field, c.guidance);
    else if (name == "metrics")
      section(field, {"textfile", "refresh_s"}, [&](auto& f) { metrics(f, c.metrics); });
    else if (name == "web") c.web = read_web(r_, field);
  }

  template <typename Body>
  void section(const Field& field, const std::vector<std::string>& keys, Body body) {
    if (auto fields = r_.map_fields(field, keys)) body(*fields);
  }

  void text(const Field& field, std::string& out) {
    if (auto value = r_.string(field)) out = *value;
  }

  void flag(const std::map<std::string, Field>& fields, const char* name, bool& out) {
    if (auto it = fields.find(name); it != fields.end()) {
      if (auto value = r_.boolean(it->second)) out = *value;
    }
  }

  void path(const Field& field, std::string& out, bool is_socket) {
    auto value = r_.string(field);
    if (!value) return;
    if (value->empty()) return r_.fail(field.line, field.key, "must not be empty; give a path");
    std::string resolved = value->front() == '/' ? *value : base_dir_ + "/" + *value;
    // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
    if (is_socket && resolved.size() > 107)
      return r_.fail(
          field.line, field.key,
          "path is " + std::to_string(resolved.size()) + " bytes; a Unix socket path must be at most 107");
    out = resolved;
  }

  void socket_mode(const Field& field, Config& c) {
    auto value = r_.string(field);
    if (!value) return;
    static const std::regex octal("0?[0-7]{3}");
    if (!std::regex_match(*value, octal))
      return r_.fail(
          field.line, field.key,
          "'" + *value + "' is not a permission mode; write it in octal as a quoted string, e.g. \"0660\"");
    c.socket_mode = static_cast<std::uint32_t>(std::stoul(*value, nullptr, 8));
    if ((c.socket_mode & 0600) != 0600)
      r_.fail(
          field.line, field.key,
          "mode " + *value + " does not let eportd's own user read and write the socket; use e.g. \"0660\"");
  }

  void drivers(const Field& field, Config& c) {
    auto items = r_.sequence(field);
    if (!items) return;
    c.drivers.clear();
    std::set<std::string> seen;
    for (const auto& item : *items) {
      DriverSpec spec;
      spec.line = item.line;
      if (item.value.IsScalar()) {
        spec.name = item.value.Scalar();  // short form: "- piv"
      } else {
        auto fields = r_.map_fields(item, {"name", "options"});
        if (!fields) continue;
        auto name = fields->find("name");
        if (name == fields->end()) {
          r_.fail(item.line, item.key + ".name",
                  "missing; every driver needs a name (plug-in eport-<name>.so)");
          continue;
        }
        if (auto text = r_.string(name->second)) spec.name = *text;
        if (auto options = fields->find("options"); options != fields->end()) {
          const auto& node = options->second.value;
          if (!node.IsMap() && !node.IsNull()) {
            r_.fail(options->second.line, options->second.key, "expected a map of driver options");
            continue;
          }
          if (node.IsMap()) {
            auto json = r_.to_json(options->second);
            if (!json) continue;
            spec.options = std::move(*json);
          }
          if (!valid_utf8(spec.options)) {
            // The options are handed to the plug-in as JSON text, which must be UTF-8 (found by
            // tests/fuzz/fuzz_config.cpp: eportd failed to start with a JSON exception instead).
            r_.fail(options->second.line, options->second.key,
                    "is not valid UTF-8 text; save the file as UTF-8");
            continue;
          }
        }
      }
      static const std::regex name_re("[a-z0-9][a-z0-9_-]{0,63}");
      if (!std::regex_match(spec.name, name_re)) {
        r_.fail(item.line, item.key + ".name",
                "'" + spec.name +
                    "' is not a plug-in name; use lower-case letters, digits, '-' and '_' (file "
                    "eport-<name>.so)");
        continue;
      }
      if (!seen.insert(spec.name).second) {
        r_.fail(item.line, item.key + ".name", "driver '" + spec.name + "' is listed twice; keep one entry");
        continue;
      }
      c.drivers.push_back(std::move(spec));
    }
  }

  void pin_default(const std::map<std::string, Field>& fields, Config& c) {
    auto it = fields.find("default");
    if (it == fields.end()) return;
    auto value = r_.string(it->second);
    if (!value) return;
    static const std::regex pin_re("[\\x21-\\x7e]{4,16}");
    if (!std::regex_match(*value, pin_re))
      return r_.fail(it->second.line, it->second.key,
                     "a PIN must be 4 to 16 printable characters without spaces (the Electronic Port default "
                     "is \"88888888\")");
    c.pin_default = *value;
  }

  void cert_max_age(const std::map<std::string, Field>& fields, Config& c) {
    auto it = fields.find("cert_max_age_s");
    if (it == fields.end()) return;
    if (auto value = r_.integer(it->second, 0, 7 * 24 * 3600))
      c.cert_max_age_s = static_cast<std::uint32_t>(*value);
  }

  void warn_days(const std::map<std::string, Field>& fields, Config& c) {
    auto it = fields.find("warn_days");
    if (it == fields.end()) return;
    auto items = r_.sequence(it->second);
    if (!items) return;
    std::vector<int> days;
    for (const auto& item : *items) {
      if (auto value = r_.integer(item, 1, 3650)) days.push_back(static_cast<int>(*value));
      else return;
    }
    if (days.empty())
      return r_.fail(it->second.line, it->second.key,
                     "give at least one threshold in days, e.g. [90, 30, 7]");
    std::sort(days.begin(), days.end(), std::greater<int>());
    if (std::adjacent_find(days.begin(), days.end()) != days.end())
      return r_.fail(it->second.line, it->second.key,
                     "a threshold appears twice; list each number of days once");
    c.expiry_warn_days = days;
  }

  void admin_groups(const std::map<std::string, Field>& fields, Config& c) {
    auto it = fields.find("admin_groups");
    if (it == fields.end()) return;
    auto groups = r_.string_list(it->second);
    if (!groups) return;
    for (const auto& group : *groups) {
      if (group.empty()) return r_.fail(it->second.line, it->second.key, "a group name must not be empty");
    }
    c.admin_groups = *groups;
  }

  void limits(const std::map<std::string, Field>& fields, Limits& l) {
    auto number = [&](const char* name, std::int64_t min, std::int64_t max, auto& out) {
      auto it = fields.find(name);
      if (it == fields.end()) return;
      if (auto value = r_.integer(it->second, min, max))
        out = static_cast<std::remove_reference_t<decltype(out)>>(*value);
    };
    number("max_clients", 1, 65536, l.max_clients);
    number("max_message_bytes", 1024, 64 * 1024 * 1024, l.max_message_bytes);
    number("idle_timeout_s", 0, 7 * 24 * 3600, l.idle_timeout_s);
    number("event_queue_size", 1, 1000000, l.event_queue_size);
    number("card_timeout_s", 1, 3600, l.card_timeout_s);
    number("max_clients_per_uid", 1, 65536, l.max_clients_per_uid);
    number("max_in_flight", 1, 1024, l.max_in_flight);
    number("write_stall_timeout_s", 1, 3600, l.write_stall_timeout_s);
    number("background_queue_size", 1, 100000, l.background_queue_size);
  }

  void audit(const std::map<std::string, Field>& fields, AuditSettings& a) {
    auto number = [&](const char* name, std::int64_t min, std::int64_t max, auto& out) {
      auto it = fields.find(name);
      if (it == fields.end()) return;
      if (auto value = r_.integer(it->second, min, max))
        out = static_cast<std::remove_reference_t<decltype(out)>>(*value);
    };
    number("max_bytes", 0, std::int64_t(1) << 40, a.max_bytes);
    number("keep", 0, 1000, a.keep);
    number("refusal_window_s", 1, 86400, a.refusal_window_s);
  }

  void metrics(const std::map<std::string, Field>& fields, Metrics& m) {
    if (auto it = fields.find("textfile"); it != fields.end()) {
      if (auto value = r_.string(it->second); value && value->empty()) {
        m.textfile.clear();  // "" = no file, as when the key is left out
      } else if (value) {
        path(it->second, m.textfile, false);
        if (m.textfile.size() < 6 || m.textfile.compare(m.textfile.size() - 5, 5, ".prom") != 0)
          r_.fail(it->second.line, it->second.key,
                  "'" + *value +
                      "' does not end in .prom; node_exporter's textfile collector reads only *.prom files "
                      "(e.g. /var/lib/prometheus/node-exporter/eportd.prom)");
      }
    }
    if (auto it = fields.find("refresh_s"); it != fields.end())
      if (auto value = r_.integer(it->second, 0, 86400)) m.refresh_s = static_cast<std::uint32_t>(*value);
  }

  void log_level(const std::map<std::string, Field>& fields, Config& c) {
    auto it = fields.find("level");
    if (it == fields.end()) return;
    auto value = r_.string(it->second);
    if (!value) return;
    static const std::vector<std::string> levels{"trace", "debug",    "info", "warn",
                                                 "error", "critical", "off"};
    if (std::find(levels.begin(), levels.end(), *value) == levels.end())
      return r_.fail(
          it->second.line, it->second.key,
          "'" + *value + "' is not a log level; use one of trace, debug, info, warn, error, critical, off");
    c.log_level = *value;
  }

  YamlReader& r_;
  std::string base_dir_;
};

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Config parse_config(const std::string& text, const std::string& name, const std::string& base_dir) {
  Config config = default_config();
  config.source = name;
  YamlReader reader(name);
  reader.set_known_keys(kAllKeys);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(
        {ConfigIssue{name, e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "not valid YAML: " + e.msg}});
  }
  Loader(reader, base_dir).load(root, config);
  if (!reader.issues().empty()) throw ConfigError(reader.issues());
  return config;
}

Config load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError({ConfigIssue{path, 0, "",
                                   std::string("cannot read the file (") + std::strerror(errno) +
                                       "); pass an existing file with --config"}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  // Messages and diag.report name the file as given; relative paths inside it resolve from
  // its own directory, wherever eportd was started.
  std::error_code error;
  const std::string absolute = std::filesystem::absolute(path, error).lexically_normal().string();
  return parse_config(text.str(), error ? path : absolute, directory_of(error ? path : absolute));
}

}  // namespace eport::config
