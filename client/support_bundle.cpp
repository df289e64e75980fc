#include "support_bundle.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config_redaction.hpp"
#include "log_source.hpp"
#include "tar_gz_writer.hpp"

#ifndef EPORT_VERSION
#define EPORT_VERSION "0.0.0"
#endif

namespace eport::client {

using nlohmann::json;

namespace {

std::string pretty(const json& value) {
  return value.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string utc(std::time_t t, const char* format) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown-host";
  std::string out;
  for (char c : std::string(name))
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
  return out.empty() ? "unknown-host" : out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Gathers one method's answer into the bundle, or notes why it is missing.
class Gatherer {
 public:
  Gatherer(RpcClient* rpc, Bundle& bundle) : rpc_(rpc), bundle_(bundle) {}

  /// The result of `method`, stored as `file` unless that is "" (null when it failed; the
  /// reason is noted).
  json ask(const std::string& file, const std::string& method, const json& params = nullptr) {
    if (!rpc_) return json();
    try {
      json result = rpc_->call(method, params);
      if (!file.empty()) bundle_.files.push_back({file, pretty(result)});
      return result;
    } catch (const RpcError& e) {
      bundle_.missing.push_back((file.empty() ? method : file) + ": eportd answered " + method +
                                " with an error: " + e.what());
    } catch (const std::exception& e) {
      bundle_.missing.push_back((file.empty() ? method : file) + ": " + method + " failed: " + e.what());
    }
    return json();
  }

  void add(const std::string& file, std::string content) {
    bundle_.files.push_back({file, std::move(content)});
  }
  void missing(const std::string& why) { bundle_.missing.push_back(why); }

 private:
  RpcClient* rpc_;
  Bundle& bundle_;
};

std::string versions(const json& hello, const json& info) {
  std::ostringstream out;
  out << "eportctl " << EPORT_VERSION << "\n";
  out << "eportd "
      << (info.is_object() ? info.value("version", std::string("?")) : std::string("(not reachable)"))
      << "\n";
  if (hello.is_object())
    out << "server " << hello.value("server", std::string("?")) << ", protocol " << hello.value("protocol", 0)
        << "\n";
  utsname system{};
  if (::uname(&system) == 0)
    out << "kernel " << system.sysname << " " << system.release << " " << system.machine << "\n";
  std::ifstream release("/etc/os-release");
  for (std::string line; std::getline(release, line);)
    if (line.rfind("PRETTY_NAME=", 0) == 0) out << "os " << line.substr(12) << "\n";
  out << "host " << host_name() << "\n";
  return out.str();
}

void gather_config(Gatherer& g, const json& diag, const BundleOptions& options) {
  std::string path = options.config_file;
  if (diag.is_object() && diag.contains("config") && diag["config"].value("file", json()).is_string())
    path = diag["config"]["file"].get<std::string>();
  try {
    g.add("config/eportd.yaml", "# " + path + ", with secrets and key paths redacted by eportctl\n" +
                                    redact_config(read_file(path)));
  } catch (const std::exception& e) {
    g.missing(std::string("config/eportd.yaml: cannot read the configuration ") + e.what());
  }
}

void gather_log(Gatherer& g, const json& diag, std::size_t lines) {
  const auto excerpt = last_log_lines(diag.is_object() ? diag.value("log", json()) : json(), lines);
  std::ostringstream text;
  if (excerpt.found) {
    text << "# the last " << lines << " lines eportd logged, from " << excerpt.source << "\n" << excerpt.text;
  } else {
    text << "# no log lines of eportd could be read. Tried:\n";
    for (const auto& why : excerpt.tried) text << "#  - " << why << "\n";
    g.missing("log.txt: no log lines could be read (see log.txt for what was tried)");
  }
  g.add("log.txt", text.str());
}

void gather_usb(Gatherer& g, const json& diag) {
  if (diag.is_object() && diag.contains("usb")) g.add("usb.json", pretty(diag["usb"]));
  FILE* pipe = ::popen("lsusb 2>/dev/null", "r");
  std::string listing;
  if (pipe) {
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) listing.append(buffer, n);
    if (::pclose(pipe) != 0) listing.clear();
  }
  if (listing.empty()) g.missing("lsusb.txt: lsusb is not installed or failed (Debian package usbutils)");
  else g.add("lsusb.txt", listing);
}

void gather_tokens(Gatherer& g, RpcClient* rpc, const json& tokens) {
  if (!rpc || !tokens.is_object()) return;
  json statuses = json::object();
  for (const auto& token : tokens.value("tokens", json::array())) {
    const std::string id = token.value("id", std::string());
    try {
      statuses[id] = rpc->call("token.status", {{"token", id}});
    } catch (const std::exception& e) {
      statuses[id] = {{"error", e.what()}};
    }
  }
  g.add("token.status.json", pretty(statuses));
}

}  // namespace

Bundle gather_bundle(RpcClient* rpc, const std::string& connect_problem, const BundleOptions& options) {
  Bundle bundle;
  bundle.made = std::time(nullptr);
  Gatherer g(rpc, bundle);
  if (!rpc) g.missing("everything eportd answers: " + connect_problem);
  const json hello =
      g.ask("session.hello.json", "session.hello", {{"client", "eportctl-bundle"}, {"protocol", 1}});
  const json info = g.ask("daemon.info.json", "daemon.info");
  const json diag = g.ask("diag.report.json", "diag.report");
  g.add("version.txt", versions(hello, info));
  g.ask("readers.list.json", "readers.list");
  const json tokens = g.ask("tokens.list.json", "tokens.list");
  gather_tokens(g, rpc, tokens);
  g.ask("cert.check.json", "cert.check");
  g.ask("drivers.list.json", "drivers.list");
  gather_usb(g, diag);
  const json metrics = g.ask("", "metrics.get");
  if (metrics.is_object() && metrics.value("text", json()).is_string())
    g.add("metrics.prom", metrics["text"].get<std::string>());
  const bool admin = hello.is_object() && hello.value("peer", json::object()).value("admin", false);
  if (admin) g.ask("audit.tail.json", "audit.tail", {{"limit", options.lines}});
  else if (rpc)
    g.missing(
        "audit.tail.json: the audit records need the admin role (root, or a member of a group in "
        "access.admin_groups such as eport-admin); run eportctl doctor --bundle as such a user");
  gather_config(g, diag, options);
  gather_log(g, diag, options.lines);
  if (!options.doctor_json.empty()) g.add("doctor.json", options.doctor_json);
  return bundle;
}

std::string bundle_readme(const Bundle& bundle) {
  std::ostringstream out;
  out << "eportd support bundle, made " << utc(bundle.made, "%Y-%m-%dT%H:%M:%SZ") << " on " << host_name()
      << " by uid " << ::getuid() << " with eportctl doctor --bundle.\n"
      << "It holds no PIN, PUK or key: eportd never answers one, and secrets and key paths in the\n"
      << "configuration are replaced by \"<redacted>\".\n\nFiles:\n";
  for (const auto& file : bundle.files) out << "  " << file.name << "\n";
  if (!bundle.missing.empty()) {
    out << "\nNot included:\n";
    for (const auto& why : bundle.missing) out << "  - " << why << "\n";
  }
  return out.str();
}

std::string write_bundle(const Bundle& bundle, const std::string& path) {
  const std::string top = "eportd-bundle-" + host_name() + "-" + utc(bundle.made, "%Y%m%dT%H%M%SZ");
  write_tar_gz(path, [&](TarGzWriter& tar) {
    tar.add(top + "/README.txt", bundle_readme(bundle), bundle.made);
    for (const auto& file : bundle.files) tar.add(top + "/" + file.name, file.content, bundle.made);
  });
  return top;
}

}  // namespace eport::client
