#include "service/reload.hpp"

#include <cstdio>
#include <sstream>

namespace eport::service {

namespace {

std::string join(const std::vector<int>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    text += (i ? ", " : "") + std::to_string(values[i]);
  }
  return text + "]";
}

std::string join(const std::vector<std::string>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    text += (i ? ", " : "") + values[i];
  }
  return text + "]";
}

std::string describe(const std::vector<config::DriverSpec>& drivers) {
  std::string text = "[";
  for (std::size_t i = 0; i < drivers.size(); ++i) {
    text += (i ? ", " : "") + drivers[i].name + " " + drivers[i].options.dump();
  }
  return text + "]";
}

bool same_drivers(const std::vector<config::DriverSpec>& a, const std::vector<config::DriverSpec>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    // The line number moves when comments are edited; it is not a change of the driver.
    if (a[i].name != b[i].name || a[i].options != b[i].options) {
      return false;
    }
  }
  return true;
}

std::string describe(const config::Limits& l) {
  std::ostringstream text;
  text << "max_clients " << l.max_clients << ", max_message_bytes " << l.max_message_bytes
       << ", idle_timeout " << l.idle_timeout_s << "s, event_queue_size " << l.event_queue_size
       << ", max_clients_per_uid " << l.max_clients_per_uid << ", max_in_flight " << l.max_in_flight
       << ", write_stall_timeout " << l.write_stall_timeout_s << "s, background_queue_size "
       << l.background_queue_size;
  return text.str();
}

std::string describe(const config::AuditSettings& a) {
  std::ostringstream text;
  text << "max_bytes " << a.max_bytes << ", keep " << a.keep << ", refusal_window " << a.refusal_window_s
       << "s";
  return text.str();
}

bool operator!=(const config::AuditSettings& a, const config::AuditSettings& b) {
  return a.max_bytes != b.max_bytes || a.keep != b.keep || a.refusal_window_s != b.refusal_window_s;
}

bool operator!=(const config::Limits& a, const config::Limits& b) {
  return a.max_clients != b.max_clients || a.max_message_bytes != b.max_message_bytes ||
         a.idle_timeout_s != b.idle_timeout_s || a.event_queue_size != b.event_queue_size ||
         a.max_clients_per_uid != b.max_clients_per_uid || a.max_in_flight != b.max_in_flight ||
         a.write_stall_timeout_s != b.write_stall_timeout_s ||
         a.background_queue_size != b.background_queue_size;
}

// Records "name: old -> new" in `lines` when the two values differ.
template <typename T, typename Show>
bool note(std::vector<std::string>& lines, const char* name, const T& old_value, const T& new_value,
          Show show) {
  if (old_value != new_value) {
    lines.push_back(std::string(name) + ": " + show(old_value) + " -> " + show(new_value));
    return true;
  }
  return false;
}

const auto as_is = [](const std::string& s) { return s; };
const auto as_bool = [](bool b) { return std::string(b ? "on" : "off"); };

}  // namespace

ReloadPlan plan_reload(const config::Config& running, const config::Config& loaded) {
  ReloadPlan plan{running, {}, {}};
  auto& applied = plan.applied;
  note(applied, "log_level", running.log_level, loaded.log_level, as_is);
  note(applied, "expiry.warn_days", running.expiry_warn_days, loaded.expiry_warn_days,
       [](const auto& v) { return join(v); });
  note(applied, "expiry.cert_max_age_s", running.cert_max_age_s, loaded.cert_max_age_s,
       [](std::uint32_t v) { return std::to_string(v) + " s"; });
  note(applied, "limits", running.limits, loaded.limits, [](const auto& v) { return describe(v); });
  note(applied, "audit", running.audit, loaded.audit, [](const auto& v) { return describe(v); });
  note(applied, "admin_groups", running.admin_groups, loaded.admin_groups,
       [](const auto& v) { return join(v); });
  if (running.guidance != loaded.guidance) {
    applied.push_back("guidance: updated");
  }
  if (running.pin_default != loaded.pin_default) {
    applied.push_back("pin.default: changed");  // the PIN itself is never logged
  }
  plan.next.log_level = loaded.log_level;
  plan.next.expiry_warn_days = loaded.expiry_warn_days;
  plan.next.cert_max_age_s = loaded.cert_max_age_s;
  plan.next.limits = loaded.limits;
  plan.next.audit = loaded.audit;
  plan.next.admin_groups = loaded.admin_groups;
  plan.next.guidance = loaded.guidance;
  plan.next.pin_default = loaded.pin_default;
  plan.next.warnings = loaded.warnings;
  // web: the origins and the PIN switch apply to connections made from now on; turning the part
  // on or off or moving it needs a restart.
  if (running.web.enabled && loaded.web.enabled) {
    note(applied, "web.allowed_origins", running.web.allowed_origins, loaded.web.allowed_origins,
         [](const auto& v) { return join(v); });
    note(applied, "web.allow_pin_methods", running.web.allow_pin_methods, loaded.web.allow_pin_methods,
         as_bool);
    plan.next.web.allowed_origins = loaded.web.allowed_origins;
    plan.next.web.allow_pin_methods = loaded.web.allow_pin_methods;
  }

  auto& restart = plan.needs_restart;
  note(restart, "socket", running.socket, loaded.socket, as_is);
  note(restart, "socket_mode", running.socket_mode, loaded.socket_mode, [](std::uint32_t m) {
    char text[8];
    std::snprintf(text, sizeof(text), "%04o", static_cast<unsigned>(m & 07777));
    return std::string(text);
  });
  note(restart, "socket_group", running.socket_group, loaded.socket_group, as_is);
  note(restart, "state_dir", running.state_dir, loaded.state_dir, as_is);
  note(restart, "plugin_dir", running.plugin_dir, loaded.plugin_dir, as_is);
  if (!same_drivers(running.drivers, loaded.drivers)) {
    restart.push_back("drivers: " + describe(running.drivers) + " -> " + describe(loaded.drivers));
  }
  note(restart, "pcsc.enabled", running.pcsc_enabled, loaded.pcsc_enabled, as_bool);
  note(restart, "usb.enabled", running.usb_enabled, loaded.usb_enabled, as_bool);
  note(restart, "usb.device_table", running.usb_device_table, loaded.usb_device_table, as_is);
  note(restart, "metrics", running.metrics, loaded.metrics, [](const config::Metrics& m) {
    return "{textfile: " + (m.textfile.empty() ? std::string("none") : m.textfile) +
           ", refresh_s: " + std::to_string(m.refresh_s) + "}";
  });
  note(restart, "web", running.web.enabled ? running.web.listen : std::string("off"),
       loaded.web.enabled ? loaded.web.listen : std::string("off"), as_is);
  for (auto& line : restart) {
    line += " (kept; restart eportd to apply: systemctl restart eportd)";
  }
  return plan;
}

ReloadResult reload_config(const config::Config& running, const std::filesystem::path& file,
                           const ConfigLoader& load, const std::optional<StrictModesPolicy>& strict) {
  const std::string keep = "; still running with the previous configuration";
  if (strict) {
    const auto problems = check_strict_modes(file, {}, *strict);
    if (!problems.empty()) return unexpected("reload refused (StrictModes): " + problems.front() + keep);
  }
  try {
    return plan_reload(running, load(file));
  } catch (const std::exception& error) {
    // config::ConfigError's what() already names the file and line of every issue.
    return unexpected("reload failed: " + std::string(error.what()) + keep);
  }
}

}  // namespace eport::service
