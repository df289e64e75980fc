#include "audit/audit_record.hpp"

#include <ctime>
#include <fstream>

namespace eport::audit {

namespace {
std::string utc(std::chrono::system_clock::time_point time) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(ms % 1000));
  return text;
}
}  // namespace

nlohmann::json to_json(const AuditRecord& r) {
  nlohmann::json out = {{"time", utc(r.time)},
                        {"uid", r.uid},
                        {"gid", r.gid},
                        {"pid", r.pid},
                        {"process", r.process},
                        {"method", r.method},
                        {"token", r.token.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.token)},
                        {"outcome", r.outcome},
                        {"reason", r.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.reason)}};
  if (!r.job.empty()) out["job"] = r.job;
  if (!r.write_state.empty()) out["write_state"] = r.write_state;
  if (!r.backup.empty()) out["backup"] = r.backup;
  if (r.repeated > 0) out["repeated"] = r.repeated;
  return out;
}

std::string process_name(std::int32_t pid) {
  if (pid <= 0) return {};
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

}  // namespace eport::audit
