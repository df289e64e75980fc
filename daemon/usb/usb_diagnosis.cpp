#include "usb/usb_diagnosis.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace eport::usb {

namespace {

std::string canonical(const std::string& path) {
  char resolved[PATH_MAX];
  return ::realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : path;
}

std::vector<std::string> paths_in(const nlohmann::json& options, const char* list, const char* key) {
  std::vector<std::string> out;
  if (!options.is_object() || !options.contains(list) || !options[list].is_array()) return out;
  for (const auto& item : options[list])
    if (item.is_object() && item.contains(key) && item[key].is_string())
      out.push_back(item[key].get<std::string>());
  return out;
}

bool any_token(const ServingFacts& facts, const std::string& prefix) {
  return std::any_of(facts.token_ids.begin(), facts.token_ids.end(),
                     [&](const std::string& id) { return id.rfind(prefix, 0) == 0; });
}

Diagnosis ccid(const UsbDevice& device, std::optional<bool> reader_seen, const ServingFacts& facts) {
  if (!facts.exists(facts.ccid_driver))
    return {"needs_driver",
            "pcscd's CCID driver is not installed (" + facts.ccid_driver +
                " is missing): install it with `apt install libccid`, then unplug and plug in " +
                device.name + ".",
            facts.ccid_driver};
  if (!reader_seen)
    return {"unknown", "Whether pcscd shows a reader for it cannot be told: pcscd is not reachable.", ""};
  if (!*reader_seen)
    return {"no_reader",
            "pcscd shows no reader for it: unplug and plug it in again; if that does not help, check "
            "`journalctl -u pcscd` (a device the CCID driver does not list needs the vendor's driver).",
            facts.ccid_driver};
  return {"ok", "Served by pcscd's CCID driver as a PC/SC reader.", facts.ccid_driver};
}

Diagnosis vendor_library(const UsbDevice& device, const TableEntry& entry, const ServingFacts& facts) {
  const bool skf = entry.serves == Serves::skf;
  const char* driver = skf ? "skf" : "pkcs11";
  const char* kind = skf ? "SKF library" : "PKCS#11 module";
  const auto& configured = skf ? facts.skf_libraries : facts.pkcs11_modules;
  const std::string where = std::string("drivers: - name: ") + driver + ", options: " +
                            (skf ? "libraries: - library: <path>" : "modules: - module: <path>");
  std::string library = entry.library;
  if (library.empty()) {
    if (configured.empty())
      return {"needs_driver",
              "It is served by its vendor's " + std::string(kind) +
                  ", and none is configured: install the "
                  "vendor's Linux package and add the library to /etc/eportd/eportd.yaml (" +
                  where + ").",
              ""};
    library = configured.front();
  } else {
    const auto wanted = canonical(library);
    const bool listed = std::any_of(configured.begin(), configured.end(),
                                    [&](const std::string& path) { return canonical(path) == wanted; });
    if (!listed)
      return {"needs_driver",
              "Its " + std::string(kind) + " " + library +
                  " is not configured: add it to /etc/eportd/eportd.yaml (" + where + ").",
              library};
  }
  if (!facts.exists(library))
    return {"needs_driver",
            "Its " + std::string(kind) + " " + library + " is missing: install the vendor's Linux package.",
            library};
  const std::string node = device_node(device);
  if (const int error = facts.access_error(node); error == EACCES || error == EPERM)
    return {"no_permission",
            "eportd may not open " + node + ": add the udev rule `" + udev_rule(device) +
                "` to /etc/udev/rules.d/71-eportd-local.rules, run `udevadm control --reload && udevadm "
                "trigger`, then unplug and plug it in.",
            library};
  if (!any_token(facts, skf ? "skf:" : "p11:"))
    return {"unknown", "Its " + std::string(kind) + " " + library + " is configured but shows no key yet.",
            library};
  return {"ok", std::string("Served by the ") + kind + " " + library + ".", library};
}

}  // namespace

ServingFacts serving_facts(const std::vector<std::pair<std::string, nlohmann::json>>& drivers,
                           std::vector<std::string> token_ids) {
  ServingFacts facts;
  for (const auto& [name, options] : drivers) {
    if (name == "skf") {
      facts.skf_driver = true;
      for (auto& path : paths_in(options, "libraries", "library")) facts.skf_libraries.push_back(path);
    } else if (name == "pkcs11") {
      facts.pkcs11_driver = true;
      for (auto& path : paths_in(options, "modules", "module")) facts.pkcs11_modules.push_back(path);
    }
  }
  facts.token_ids = std::move(token_ids);
  facts.exists = [](const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  };
  facts.access_error = [](const std::string& path) {
    return ::access(path.c_str(), R_OK | W_OK) == 0 ? 0 : errno;
  };
  return facts;
}

std::string device_node(const UsbDevice& device) {
  char path[32];
  std::snprintf(path, sizeof path, "/dev/bus/usb/%03u/%03u", unsigned(device.bus), unsigned(device.address));
  return path;
}

std::string udev_rule(const UsbDevice& device) {
  return "SUBSYSTEM==\"usb\", ATTR{idVendor}==\"" + hex4(device.vid) + "\", ATTR{idProduct}==\"" +
         hex4(device.pid) + "\", GROUP=\"eportd\", MODE=\"0660\"";
}

Diagnosis diagnose(const UsbDevice& device, const TableEntry* entry, std::optional<bool> reader_seen,
                   const ServingFacts& facts) {
  Serves serves = entry != nullptr ? entry->serves : Serves::unknown;
  if (serves == Serves::unknown && device.kind == Kind::ccid_reader) serves = Serves::ccid;
  if (serves == Serves::ccid) return ccid(device, reader_seen, facts);
  if (serves == Serves::skf || serves == Serves::pkcs11) return vendor_library(device, *entry, facts);
  return {"unknown",
          "eportd does not know what serves this device: if it is a USBKey, add it with its library to "
          "/etc/eportd/usb-tokens.yaml (docs/drivers/skf.md, \"Adding a USBKey\").",
          ""};
}

}  // namespace eport::usb
