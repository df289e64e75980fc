#include "driver.hpp"

#include <p11-kit/p11-kit.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace eport::pkcs11 {

void log_line(const eport_host* host, int32_t level, const std::string& message) noexcept {
  if (host != nullptr && host->log != nullptr) host->log(host->host_ctx, level, message.c_str());
}

Logger logger_for(const eport_host* host) {
  return [host](int32_t level, const std::string& message) { log_line(host, level, message); };
}

std::string token_key(const Module& module, const std::string& serial) {
  return "p11:" + module.label() + ":" + serial;
}

int32_t copy_out(const Bytes& bytes, uint8_t* buffer, size_t* len) {
  if (len == nullptr) throw P11Error(EPORT_ERR_BAD_ARGS, "NULL length");
  const size_t capacity = *len;
  *len = bytes.size();
  if (buffer == nullptr || capacity < bytes.size()) return EPORT_ERR_BUFFER_TOO_SMALL;
  if (!bytes.empty()) std::memcpy(buffer, bytes.data(), bytes.size());
  return EPORT_OK;
}

void report_modules(eport_driver& driver) {
  const eport_host* host = driver.host;
  if (host == nullptr || host->struct_size < EPORT_HOST_SIZE_1_1 || host->report_status == nullptr) return;
  nlohmann::json modules = nlohmann::json::array(), problems = nlohmann::json::array();
  for (const auto& m : driver.modules) {
    nlohmann::json entry = {{"label", m->label()},
                            {"module", m->path()},
                            {"source", m->from_p11_kit() ? "p11-kit" : "config"},
                            {"state", m->ready() ? "ok" : "failed"}};
    if (m->ready()) {
      entry["events"] = m->waits_for_events() ? "wait" : "poll";
    } else {
      entry["error"] = m->error();
      problems.push_back("PKCS#11 module " + m->label() + " (" + m->path() + "): " + m->error() +
                         "; its tokens are not available, the other modules work");
    }
    modules.push_back(std::move(entry));
  }
  const std::string text = nlohmann::json{{"modules", modules}, {"problems", problems}}.dump();
  {
    std::lock_guard<std::mutex> lock(driver.mutex);
    if (text == driver.last_status) return;
    driver.last_status = text;
  }
  host->report_status(host->host_ctx, text.c_str());
}

namespace {

std::string real_path(const std::string& path) {
  std::error_code error;
  auto canonical = std::filesystem::canonical(path, error);
  return error ? path : canonical.string();
}

std::string take(char* text) {
  std::string out = text != nullptr ? text : "";
  ::free(text);
  return out;
}

}  // namespace

void add_p11_kit_modules(eport_driver& driver) {
  const Logger log = logger_for(driver.host);
  driver.p11_kit = p11_kit_modules_load(nullptr, 0);
  if (driver.p11_kit == nullptr) {
    const char* why = p11_kit_message();
    log(EPORT_LOG_ERROR,
        std::string("p11-kit: cannot load the registered modules: ") + (why ? why : "unknown error"));
    return;
  }
  for (CK_FUNCTION_LIST** it = driver.p11_kit; *it != nullptr; ++it) {
    std::string name = take(p11_kit_module_get_name(*it));
    std::string file = take(p11_kit_module_get_filename(*it));
    if (!file.empty() && file.front() != '/') file = std::string(P11_MODULE_PATH) + "/" + file;
    bool configured = false;
    for (const auto& m : driver.modules)
      configured |= real_path(m->path()) == real_path(file) || m->label() == label_from_path(name);
    if (configured) {
      log(EPORT_LOG_DEBUG, "p11-kit module " + name + " (" + file + ") is configured already; used once");
      continue;
    }
    driver.modules.push_back(std::make_unique<Module>(label_from_path(name), file, *it, log));
  }
}

}  // namespace eport::pkcs11
