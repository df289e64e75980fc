// diag.report: what a help-desk engineer needs to see first when "the card does not work".
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "methods/registry.hpp"

namespace eport::methods {

namespace {

using nlohmann::json;

std::string group_name(gid_t gid) {
  std::vector<char> buffer(16384);
  group entry{};
  group* found = nullptr;
  if (getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &found) == 0 && found) return found->gr_name;
  return std::to_string(gid);
}

std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

json socket_section(const ServiceContext& context, const config::Config& config,
                    std::vector<std::string>& problems) {
  json section{{"path", context.socket_path},
               {"expected_mode", config::format_mode(config.socket_mode)},
               {"expected_group", config.socket_group}};
  struct stat info {};
  if (::stat(context.socket_path.c_str(), &info) != 0) {
    section["exists"] = false;
    problems.push_back("the socket " + context.socket_path + " cannot be inspected (" + std::strerror(errno) +
                       "); was it removed? Restart eportd to recreate it");
    return section;
  }
  const auto mode = static_cast<std::uint32_t>(info.st_mode & 07777);
  section["exists"] = true;
  section["is_socket"] = S_ISSOCK(info.st_mode) != 0;
  section["mode"] = config::format_mode(mode);
  section["owner_uid"] = info.st_uid;
  section["group"] = group_name(info.st_gid);
  if (mode != config.socket_mode)
    problems.push_back("the socket has mode " + config::format_mode(mode) + " but socket_mode is " +
                       config::format_mode(config.socket_mode) +
                       "; restart eportd or fix the unit's SocketMode");
  if (!config.socket_group.empty() && section["group"] != config.socket_group)
    problems.push_back("the socket belongs to group " + section["group"].get<std::string>() + ", not " +
                       config.socket_group + "; members of " + config.socket_group + " cannot connect");
  struct stat dir {};
  const std::string directory = parent_of(context.socket_path);
  if (::stat(directory.c_str(), &dir) == 0) {
    section["directory_mode"] = config::format_mode(static_cast<std::uint32_t>(dir.st_mode & 07777));
    if ((mode & 0066) && !(dir.st_mode & 0011))
      problems.push_back("the directory " + directory + " is closed to other users (mode " +
                         config::format_mode(static_cast<std::uint32_t>(dir.st_mode & 07777)) +
                         "), so only its owner can reach the socket; make it 0755");
  }
  return section;
}

json drivers_section(const ServiceContext& context, const config::Config& config,
                     std::vector<std::string>& problems) {
  json loaded = json::array(), failed = json::array();
  for (const auto& d : context.drivers) {
    loaded.push_back({{"name", d.name}, {"version", d.version}, {"abi", d.abi}, {"library", d.library}});
    // A plug-in's own report (ABI 1.1 report_status): e.g. a PKCS#11 module that failed.
    auto status = context.driver_status_view ? context.driver_status_view(d.name) : nullptr;
    if (!status.is_object()) continue;
    if (status.contains("problems") && status["problems"].is_array())
      for (const auto& problem : status["problems"])
        if (problem.is_string()) problems.push_back("driver " + d.name + ": " + problem.get<std::string>());
    loaded.back()["status"] = std::move(status);
  }
  for (const auto& f : context.driver_failures) {
    failed.push_back({{"name", f.name}, {"library", f.library}, {"error", f.error}});
    problems.push_back("driver " + f.name + " did not load: " + f.error);
  }
  if (config.drivers.empty())
    problems.push_back("no drivers are configured (drivers: in " + config.source +
                       "), so no card can be recognised");
  return {{"plugin_dir", config.plugin_dir}, {"loaded", loaded}, {"failed", failed}};
}

/// Where eportd logs, so that a support bundle can fetch the last lines: the target, and for
/// stderr the file it goes to (null for a terminal or a pipe).
json log_section(const ServiceContext& context) {
  json section{{"target", context.log_target}, {"identifier", "eportd"}, {"file", nullptr}};
  if (context.log_target != "stderr") return section;
  std::error_code error;
  const auto target = std::filesystem::read_symlink("/proc/self/fd/2", error);
  struct stat info {};
  if (!error && target.is_absolute() && ::stat(target.c_str(), &info) == 0 && S_ISREG(info.st_mode))
    section["file"] = target.string();
  return section;
}

}  // namespace

json build_diag_report(const ServiceContext& context) {
  const auto config = context.config.get();
  std::vector<std::string> problems;
  json report{{"version", daemon_version()}, {"uptime_s", uptime_seconds(context)}, {"pid", ::getpid()}};
  std::string pcsc_detail;
  const std::string pcsc_state = current_pcsc_state(context, &pcsc_detail);
  report["pcsc"] = {{"enabled", config->pcsc_enabled}, {"state", pcsc_state}};
  if (pcsc_state != "up") {
    report["pcsc"]["detail"] = pcsc_detail;
    if (config->pcsc_enabled) problems.push_back(pcsc_detail);
  }
  report["readers"] = current_readers(context);
  report["tokens"] = current_tokens(context);
  report["usb"] = context.usb_view ? context.usb_view(pcsc_state == "up" ? report["readers"] : json())
                                   : json{{"enabled", config->usb_enabled}};
  if (report["usb"].contains("problems"))  // per USBKey: driver, permission or reader missing
    for (const auto& problem : report["usb"]["problems"]) problems.push_back(problem.get<std::string>());
  report["drivers"] = drivers_section(context, *config, problems);
  std::vector<std::string> warnings = config->warnings;
  warnings.insert(warnings.end(), context.warnings.begin(), context.warnings.end());
  report["config"] = {{"file", config->source}, {"warnings", warnings}};
  for (const auto& warning : warnings) problems.push_back(warning);
  report["socket"] = socket_section(context, *config, problems);
  report["events"] = {{"subscribers", context.events.subscribers()}};
  report["background"] = {{"queued", context.background.queued()}};
  report["audit"] = {{"path", context.audit.path()},
                     {"writable", ::access(context.audit.path().c_str(), W_OK) == 0}};
  if (!report["audit"]["writable"].get<bool>())
    problems.push_back("the audit log " + context.audit.path() +
                       " is not writable; privileged calls will fail to be recorded");
  report["log"] = log_section(context);
  if (context.metrics_view) {
    report["metrics"] = context.metrics_view();
    if (report["metrics"].value("error", json()).is_string())
      problems.push_back(
          "the metrics file cannot be written: " + report["metrics"]["error"].get<std::string>() +
          "; let eportd's user write in that directory (docs/monitoring.md)");
  }
  report["problems"] = problems;
  report["ok"] = problems.empty();
  return report;
}

void register_diag_methods(ipc::MethodTable& table, ServiceContext& context) {
  table.add({"diag.report", ipc::Role::all,
             [&context](const ipc::Request&, ipc::Reply reply) {
               context.background.post_or_busy(
                   reply, [&context, reply] { reply.result(build_diag_report(context)); });
             },
             false, "a structured health report"});
}

}  // namespace eport::methods
