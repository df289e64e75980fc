#include "options.hpp"

#include <climits>
#include <cstdlib>
#include <set>

#include <eport/driver.h>
#include <nlohmann/json.hpp>

#include "skf_error.hpp"

namespace eport::skf {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& what) { throw SkfError(EPORT_ERR_BAD_ARGS, "skf options: " + what); }

bool label_ok(const std::string& label) {
  if (label.empty() || label.size() > 32) return false;
  for (unsigned char c : label)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

std::string text_member(const json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) bad(where + "." + key + " must be text");
  return it->get<std::string>();
}

LibraryOptions library_from(const json& entry, std::size_t index) {
  const std::string where = "libraries[" + std::to_string(index) + "]";
  if (!entry.is_object()) bad(where + " must be an object {library, label}");
  LibraryOptions lib;
  lib.path = text_member(entry, "library", where);
  if (lib.path.empty()) bad(where + ".library (the SKF library's path) is missing");
  lib.label = text_member(entry, "label", where);
  if (lib.label.empty()) lib.label = default_label(lib.path);
  if (!label_ok(lib.label)) bad(where + ".label '" + lib.label + "': 1-32 of A-Z a-z 0-9 . _ -");
  lib.application = text_member(entry, "application", where);
  const std::string events = text_member(entry, "events", where);
  if (!events.empty() && events != "auto" && events != "poll") bad(where + ".events must be auto or poll");
  lib.events = events != "poll";
  return lib;
}

std::string canonical(const std::string& path) {
  char resolved[PATH_MAX];
  return ::realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : path;
}

}  // namespace

std::string default_label(const std::string& path) {
  std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  if (name.rfind("lib", 0) == 0 && name.size() > 3) name = name.substr(3);
  if (const auto so = name.find(".so"); so != std::string::npos && so > 0) name = name.substr(0, so);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  if (name.size() > 32) name.resize(32);
  return name.empty() ? "skf" : name;
}

Options parse_options(const char* json_text) {
  Options options;
  if (json_text == nullptr || *json_text == '\0') return options;
  const json root = json::parse(json_text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) bad("not a JSON object");
  if (const auto it = root.find("libraries"); it != root.end() && !it->is_null()) {
    if (!it->is_array()) bad("libraries must be a list of {library, label}");
    std::set<std::string> labels, files;
    for (std::size_t i = 0; i < it->size(); ++i) {
      auto lib = library_from((*it)[i], i);
      if (!labels.insert(lib.label).second) bad("label '" + lib.label + "' is used twice");
      if (!files.insert(canonical(lib.path)).second) bad("library " + lib.path + " is configured twice");
      options.libraries.push_back(std::move(lib));
    }
  }
  if (const auto it = root.find("lock_timeout_ms"); it != root.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 25000)
      bad("lock_timeout_ms must be 0..25000 (milliseconds; 0 = do not lock)");
    options.lock_timeout_ms = static_cast<std::uint32_t>(it->get<long long>());
  }
  for (auto [key, field] : {std::pair<const char*, std::size_t*>{"min_pin_length", &options.min_pin_length},
                            {"max_pin_length", &options.max_pin_length}}) {
    const auto it = root.find(key);
    if (it == root.end() || it->is_null()) continue;
    if (!it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > 64)
      bad(std::string(key) + " must be 1..64");
    *field = static_cast<std::size_t>(it->get<long long>());
  }
  if (options.min_pin_length > options.max_pin_length) bad("min_pin_length is above max_pin_length");
  return options;
}

}  // namespace eport::skf
