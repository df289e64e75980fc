#include "doctor_checks.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace eport::client {

using nlohmann::json;

namespace {

std::string count(size_t n) { return std::to_string(n); }

CheckItem item(Lang lang, const std::string& id, const std::string& status, const std::string& text_key,
               const std::map<std::string, std::string>& vars = {}, const std::string& advice_key = "") {
  return {id, status, trf(lang, text_key, vars), advice_key.empty() ? "" : trf(lang, advice_key, vars)};
}

const json* find_array(const json& obj, std::initializer_list<const char*> keys) {
  if (!obj.is_object()) return nullptr;
  for (const char* k : keys)
    if (obj.contains(k) && obj[k].is_array()) return &obj[k];
  return nullptr;
}

std::string describe_usb(const json& d) {
  if (!d.is_object()) return d.dump();
  std::string name = d.value("name", std::string());
  std::string vid =
      d.contains("vid") ? (d["vid"].is_string() ? d["vid"].get<std::string>() : d["vid"].dump()) : "";
  std::string pid =
      d.contains("pid") ? (d["pid"].is_string() ? d["pid"].get<std::string>() : d["pid"].dump()) : "";
  return (name.empty() ? std::string("USB device") : name) +
         (vid.empty() ? "" : " [" + vid + ":" + pid + "]");
}

bool usb_is_orphan(const json& d) {
  if (!d.is_object()) return false;
  for (const char* k : {"without_reader", "no_reader", "no_driver", "orphan"})
    if (d.value(k, false)) return true;
  for (const char* k : {"has_reader", "has_driver", "supported"})
    if (d.contains(k) && d[k] == false) return true;
  if (d.contains("reader") && d["reader"].is_null() && d.contains("driver") && d["driver"].is_null())
    return true;
  return false;
}

}  // namespace

std::string pcsc_state(const DoctorFacts& f) {
  for (const json* src : {&f.diag, &f.info}) {
    if (!src->is_object()) continue;
    for (const char* key : {"pcsc", "pcscd"}) {
      if (!src->contains(key)) continue;
      const json& v = (*src)[key];
      if (v.is_string()) return v.get<std::string>() == "up" ? "up" : "down";
      if (v.is_boolean()) return v.get<bool>() ? "up" : "down";
      if (v.is_object()) {
        if (v.contains("enabled") && v["enabled"] == false) return "disabled";
        if (v.contains("state") && v["state"].is_string()) return v["state"] == "up" ? "up" : "down";
        for (const char* k : {"reachable", "up", "running"})
          if (v.contains(k) && v[k].is_boolean()) return v[k].get<bool>() ? "up" : "down";
      }
    }
  }
  return "";
}

std::vector<std::string> orphan_usb_tokens(const json& diag) {
  std::vector<std::string> out;
  const json* list = find_array(diag, {"usb", "usb_tokens", "usb_devices"});
  json usb = diag.is_object() ? diag.value("usb", json()) : json();
  // A daemon that diagnoses each device says its state: list those that need something done.
  if (const json* devices = find_array(usb, {"devices"});
      devices != nullptr && std::any_of(devices->begin(), devices->end(),
                                        [](const json& d) { return d.is_object() && d.contains("state"); })) {
    for (const auto& d : *devices) {
      const std::string state = d.is_object() ? d.value("state", std::string()) : std::string();
      if (state == "needs_driver" || state == "no_permission" || state == "no_reader")
        out.push_back(describe_usb(d) + " (" + state + ": " + d.value("detail", std::string()) + ")");
    }
    return out;
  }
  if (list == nullptr && usb.is_object()) {
    if (const json* orphans =
            find_array(usb, {"without_reader", "without_driver", "orphans", "unsupported"})) {
      for (const auto& d : *orphans) out.push_back(describe_usb(d));
      return out;
    }
    list = find_array(usb, {"tokens", "devices", "seen"});
    if (list != nullptr) {
      for (const auto& d : *list)
        if (usb_is_orphan(d)) out.push_back(describe_usb(d));
      return out;
    }
  }
  if (list != nullptr)
    for (const auto& d : *list)
      if (usb_is_orphan(d)) out.push_back(describe_usb(d));
  return out;
}

std::vector<std::string> config_warnings(const json& diag) {
  std::vector<std::string> out;
  const json* list = find_array(diag, {"config_warnings", "warnings"});
  if (list == nullptr && diag.is_object() && diag.contains("config"))
    list = find_array(diag["config"], {"warnings"});
  if (list != nullptr)
    for (const auto& w : *list) out.push_back(w.is_string() ? w.get<std::string>() : w.dump());
  return out;
}

std::vector<CheckItem> evaluate_doctor(Lang lang, const DoctorFacts& f) {
  std::vector<CheckItem> items;
  const json peer = f.hello.is_object() ? f.hello.value("peer", json()) : json();
  if (peer.is_object() && peer.value("admin", false))
    items.push_back(item(lang, "admin", "ok", "doctor.admin.ok"));
  else if (peer.is_object())
    items.push_back(item(lang, "admin", "fail", "doctor.admin.no",
                         {{"uid", peer.value("uid", json()).dump()}}, "doctor.admin.no.todo"));
  std::string pcsc = pcsc_state(f);
  if (pcsc == "up") items.push_back(item(lang, "pcscd", "ok", "doctor.pcscd.ok"));
  else if (pcsc == "disabled") items.push_back(item(lang, "pcscd", "skip", "doctor.pcscd.disabled"));
  else if (pcsc == "down")
    items.push_back(item(lang, "pcscd", "fail", "doctor.pcscd.down", {}, "doctor.pcscd.down.todo"));
  else items.push_back(item(lang, "pcscd", "warn", "doctor.pcscd.unknown", {}, "doctor.pcscd.unknown.todo"));
  size_t readers = f.readers.is_array() ? f.readers.size() : 0;
  if (readers > 0) items.push_back(item(lang, "readers", "ok", "doctor.readers.ok", {{"n", count(readers)}}));
  else
    items.push_back(item(lang, "readers", pcsc == "down" ? "skip" : "fail", "doctor.readers.none", {},
                         pcsc == "down" ? "doctor.readers.none.pcsc" : "doctor.readers.none.todo"));
  size_t tokens = f.tokens.is_array() ? f.tokens.size() : 0;
  size_t broken = 0;
  if (f.tokens.is_array())
    for (const auto& t : f.tokens)
      if (t.value("state", std::string()) == "error") ++broken;
  if (tokens == 0)
    items.push_back(item(lang, "cards", "fail", "doctor.cards.none", {}, "doctor.cards.none.todo"));
  else if (broken > 0)
    items.push_back(item(lang, "cards", "fail", "doctor.cards.broken",
                         {{"n", count(tokens)}, {"bad", count(broken)}}, "doctor.cards.broken.todo"));
  else items.push_back(item(lang, "cards", "ok", "doctor.cards.ok", {{"n", count(tokens)}}));
  auto orphans = orphan_usb_tokens(f.diag);
  if (orphans.empty()) items.push_back(item(lang, "usb", "ok", "doctor.usb.ok"));
  else {
    std::string list;
    for (const auto& o : orphans) list += (list.empty() ? "" : ", ") + o;
    items.push_back(
        item(lang, "usb", "fail", "doctor.usb.orphans", {{"list", list}}, "doctor.usb.orphans.todo"));
  }
  size_t drivers = f.drivers.is_array() ? f.drivers.size() : 0;
  std::string names;
  if (f.drivers.is_array())
    for (const auto& d : f.drivers) names += (names.empty() ? "" : ", ") + d.value("name", std::string("?"));
  if (drivers > 0)
    items.push_back(
        item(lang, "plugins", "ok", "doctor.plugins.ok", {{"n", count(drivers)}, {"list", names}}));
  else items.push_back(item(lang, "plugins", "fail", "doctor.plugins.none", {}, "doctor.plugins.none.todo"));
  const json drv = f.diag.is_object() ? f.diag.value("drivers", json()) : json();
  if (drv.is_object() && drv.contains("failed") && drv["failed"].is_array())
    for (const auto& d : drv["failed"])
      items.push_back(
          item(lang, "plugins", "fail", "doctor.plugins.failed",
               {{"name", d.value("name", std::string("?"))}, {"error", d.value("error", std::string())}},
               "doctor.plugins.failed.todo"));
  const json audit = f.diag.is_object() ? f.diag.value("audit", json()) : json();
  if (audit.is_object() && audit.contains("writable") && audit["writable"] == false)
    items.push_back(item(lang, "audit", "fail", "doctor.audit.unwritable",
                         {{"path", audit.value("path", std::string())}}, "doctor.audit.unwritable.todo"));
  for (const auto& w : config_warnings(f.diag))
    items.push_back(
        item(lang, "config", "warn", "doctor.config.warning", {{"text", w}}, "doctor.config.warning.todo"));
  return items;
}

CheckItem socket_item(Lang lang, const std::string& path, const json& diag) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return item(lang, "socket", "fail", "doctor.socket.missing", {{"path", path}},
                "doctor.socket.missing.todo");
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  const group* g = ::getgrgid(st.st_gid);
  std::map<std::string, std::string> v{
      {"path", path}, {"mode", mode}, {"group", g ? g->gr_name : std::to_string(st.st_gid)}};
  if (::access(path.c_str(), R_OK | W_OK) != 0)
    return item(lang, "socket", "fail", "doctor.socket.denied", v, "doctor.socket.denied.todo");
  bool world = (st.st_mode & S_IWOTH) != 0;
  const json sock = diag.is_object() ? diag.value("socket", json()) : json();
  std::string daemon_warning;
  if (sock.is_object() && sock.contains("warnings") && sock["warnings"].is_array() &&
      !sock["warnings"].empty())
    daemon_warning =
        sock["warnings"][0].is_string() ? sock["warnings"][0].get<std::string>() : sock["warnings"][0].dump();
  if (world) return item(lang, "socket", "warn", "doctor.socket.world", v, "doctor.socket.world.todo");
  if (sock.is_object() && sock.contains("expected_mode") && sock["expected_mode"].is_string() &&
      sock["expected_mode"].get<std::string>() != v["mode"]) {
    v["expected"] = sock["expected_mode"].get<std::string>();
    return item(lang, "socket", "warn", "doctor.socket.mode_differs", v, "doctor.socket.restart.todo");
  }
  if (sock.is_object() && sock.contains("expected_group") && sock["expected_group"].is_string() &&
      !sock["expected_group"].get<std::string>().empty() &&
      sock["expected_group"].get<std::string>() != v["group"]) {
    v["expected"] = sock["expected_group"].get<std::string>();
    return item(lang, "socket", "warn", "doctor.socket.group_differs", v, "doctor.socket.restart.todo");
  }
  if (!daemon_warning.empty()) {
    v["text"] = daemon_warning;
    return item(lang, "socket", "warn", "doctor.socket.daemon_warning", v, "doctor.socket.world.todo");
  }
  return item(lang, "socket", "ok", "doctor.socket.ok", v);
}

}  // namespace eport::client
