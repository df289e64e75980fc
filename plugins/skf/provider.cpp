#include "provider.hpp"

#include <chrono>
#include <set>

#include <eport/driver.h>
#include <nlohmann/json.hpp>

#include "skf_error.hpp"
#include "skf_session.hpp"

namespace eport::skf {

std::string token_id(const std::string& label, const std::string& serial) {
  std::string safe = serial;
  for (char& c : safe)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  return "skf:" + label + ":" + safe;
}

Provider::Provider(Options options, LogFn log)
    : options_(std::move(options)), log_(std::move(log)), changes_(std::make_shared<ChangeSignal>()) {
  for (const auto& lib_options : options_.libraries) {
    auto entry = std::make_unique<LibraryEntry>();
    entry->options = lib_options;
    entry->lib = SkfLibrary::open(lib_options.path, entry->error);
    if (!entry->lib) {
      log_(EPORT_LOG_ERROR,
           "library '" + lib_options.label + "' (" + lib_options.path + ") not loaded: " + entry->error);
    } else {
      const auto disabled = entry->lib->disabled();
      std::string line = "library '" + lib_options.label + "' (" + lib_options.path + ") loaded";
      if (!entry->lib->missing().empty()) {
        line += "; missing";
        for (const auto& name : entry->lib->missing()) line += " " + name;
      }
      log_(entry->lib->missing().empty() ? EPORT_LOG_INFO : EPORT_LOG_WARNING, line);
      if (lib_options.events && entry->lib->has(Feature::events))
        entry->watch = std::make_unique<DeviceWatch>(*entry->lib, changes_, log_, lib_options.label);
    }
    libraries_.push_back(std::move(entry));
  }
}

Provider::~Provider() {
  for (auto& entry : libraries_)
    if (entry->watch) entry->watch->stop();
}

std::optional<TokenEntry> Provider::identify_device(LibraryEntry& entry, const std::string& name) const {
  try {
    Device device(*entry.lib, name);
    const auto info = device.info();
    TokenEntry token;
    token.device_name = name;
    token.serial = text_field(info.serial_number, sizeof info.serial_number);
    if (token.serial.empty()) token.serial = name;
    token.label = text_field(info.label, sizeof info.label);
    token.manufacturer = text_field(info.manufacturer, sizeof info.manufacturer);
    token.model = "SKF USBKey, firmware " + std::to_string(info.firmware_version.major) + "." +
                  std::to_string(info.firmware_version.minor);
    token.id = token_id(entry.options.label, token.serial);
    token.library = &entry;
    return token;
  } catch (const SkfError& e) {
    log_(EPORT_LOG_DEBUG,
         "library '" + entry.options.label + "': device '" + name + "' skipped: " + e.what());
    return std::nullopt;
  }
}

std::vector<TokenEntry> Provider::enumerate() {
  std::vector<TokenEntry> found;
  std::set<std::string> ids;
  for (auto& entry : libraries_) {
    if (!entry->lib) continue;
    std::vector<std::string> names;
    try {
      names = list_devices(*entry->lib);
    } catch (const SkfError& e) {
      log_(EPORT_LOG_WARNING, "library '" + entry->options.label + "': " + e.what());
      continue;
    }
    for (const auto& name : names) {
      auto token = identify_device(*entry, name);
      if (!token) continue;
      if (!ids.insert(token->id).second) {
        log_(EPORT_LOG_WARNING, "library '" + entry->options.label + "': two keys with serial " +
                                    token->serial + "; only the first is served");
        continue;
      }
      found.push_back(std::move(*token));
    }
  }
  std::lock_guard<std::mutex> lock(known_mutex_);
  known_ = found;
  return found;
}

std::optional<TokenEntry> Provider::find(const std::string& id) {
  std::optional<TokenEntry> hint;
  {
    std::lock_guard<std::mutex> lock(known_mutex_);
    for (const auto& token : known_)
      if (token.id == id) hint = token;
  }
  if (hint) {
    // The device name may belong to another key by now: check the serial again.
    auto again = identify_device(*hint->library, hint->device_name);
    if (again && again->id == id) return again;
  }
  for (auto& token : enumerate())
    if (token.id == id) return token;
  return std::nullopt;
}

int32_t Provider::wait_change(std::uint32_t timeout_ms) {
  bool polled = false;
  for (auto& entry : libraries_) {
    if (!entry->lib) continue;
    if (entry->watch && entry->watch->gave_up()) status_changed_ = true;
    if (!entry->watch || !entry->watch->running()) polled = true;
  }
  const bool changed = changes_->wait(std::chrono::milliseconds(timeout_ms));
  return changed || polled ? EPORT_OK : EPORT_ERR_TIMEOUT;
}

nlohmann::json Provider::status() const {
  nlohmann::json libraries = nlohmann::json::array(), problems = nlohmann::json::array();
  for (const auto& entry : libraries_) {
    nlohmann::json lib{
        {"label", entry->options.label}, {"library", entry->options.path}, {"loaded", bool(entry->lib)}};
    if (!entry->lib) {
      lib["error"] = entry->error;
      problems.push_back("The SKF library " + entry->options.path + " (label '" + entry->options.label +
                         "') could not be loaded: " + entry->error +
                         ". Install the USBKey vendor's Linux SKF library or fix the path in eportd.yaml.");
    } else {
      lib["missing"] = entry->lib->missing();
      lib["disabled"] = entry->lib->disabled();
      lib["events"] = entry->watch && entry->watch->running() ? "wait" : "poll";
    }
    libraries.push_back(std::move(lib));
  }
  if (options_.libraries.empty())
    problems.push_back(
        "The skf driver has no libraries configured: add the USBKey vendor's SKF library under "
        "drivers: - name: skf, options: libraries (see docs/drivers/skf.md).");
  return {{"libraries", libraries}, {"problems", problems}};
}

}  // namespace eport::skf
