#include "options.hpp"

#include <cctype>
#include <set>

#include <nlohmann/json.hpp>

#include "p11.hpp"

namespace eport::pkcs11 {

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw P11Error(EPORT_ERR_BAD_ARGS, "pkcs11 options: " + what);
}

ModuleOption module_option(const nlohmann::json& item, std::size_t index) {
  const std::string where = "modules[" + std::to_string(index) + "]";
  if (!item.is_object()) bad(where + " must be a mapping with `module` (and `label`)");
  for (const auto& [key, value] : item.items())
    if (key != "module" && key != "label") bad(where + ": unknown key `" + key + "` (known: module, label)");
  const auto module = item.find("module");
  if (module == item.end() || !module->is_string() || module->get<std::string>().empty())
    bad(where + ".module must be the path of a PKCS#11 module (.so)");
  ModuleOption option{module->get<std::string>(), ""};
  if (option.module.front() != '/') bad(where + ".module must be an absolute path: " + option.module);
  const auto label = item.find("label");
  if (label != item.end() && !label->is_null()) {
    if (!label->is_string()) bad(where + ".label must be text");
    option.label = label->get<std::string>();
  } else {
    option.label = label_from_path(option.module);
  }
  if (!valid_label(option.label))
    bad(where + ".label \"" + option.label + "\" must be 1-32 letters, digits, '.', '_' or '-'");
  return option;
}

}  // namespace

std::string label_from_path(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  if (name.rfind("lib", 0) == 0 && name.size() > 3) name = name.substr(3);
  const auto so = name.find(".so");
  if (so != std::string::npos && so > 0) name = name.substr(0, so);
  std::string label;
  for (char c : name)
    label += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ? c : '_';
  return label.substr(0, 32);
}

bool valid_label(const std::string& label) {
  if (label.empty() || label.size() > 32) return false;
  for (char c : label)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

Options parse_options(const char* json_text) {
  Options options;
  if (json_text == nullptr || *json_text == '\0') return options;
  const auto json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) bad("not a JSON object");
  for (const auto& [key, value] : json.items())
    if (key != "modules" && key != "p11-kit") bad("unknown key `" + key + "` (known: modules, p11-kit)");
  if (const auto it = json.find("modules"); it != json.end() && !it->is_null()) {
    if (!it->is_array()) bad("`modules` must be a list of {module, label}");
    std::set<std::string> labels;
    for (std::size_t i = 0; i < it->size(); ++i) {
      options.modules.push_back(module_option((*it)[i], i));
      if (!labels.insert(options.modules.back().label).second)
        bad("two modules have the label \"" + options.modules.back().label + "\"; give one another `label`");
    }
  }
  if (const auto it = json.find("p11-kit"); it != json.end() && !it->is_null()) {
    if (!it->is_boolean()) bad("`p11-kit` must be true or false");
    options.p11_kit = it->get<bool>();
  }
  return options;
}

}  // namespace eport::pkcs11
