#include "i18n.hpp"

#include <cctype>

namespace eport::client {

std::optional<Lang> parse_lang(std::string_view text) {
  std::string low;
  for (char c : text) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (low == "en" || low.rfind("en_", 0) == 0 || low.rfind("en-", 0) == 0) return Lang::en;
  if (low == "zh" || low.rfind("zh_", 0) == 0 || low.rfind("zh-", 0) == 0) return Lang::zh;
  return std::nullopt;
}

Lang detect_lang(const EnvLookup& env) {
  // POSIX precedence: the first non-empty of these decides, even if it is "C".
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = env(name);
    if (v == nullptr || *v == '\0') continue;
    std::string_view value(v);
    return value.size() >= 2 && (value.substr(0, 3) == "zh_" || value == "zh" || value.substr(0, 3) == "zh.")
               ? Lang::zh
               : Lang::en;
  }
  return Lang::en;
}

std::string tr(Lang lang, std::string_view key) {
  const auto& cat = message_catalogue();
  auto it = cat.find(key);
  if (it == cat.end()) return std::string(key);
  return lang == Lang::zh ? it->second.zh : it->second.en;
}

std::string subst(std::string_view tmpl, const std::map<std::string, std::string>& vars) {
  std::string out;
  out.reserve(tmpl.size());
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{') {
      auto close = tmpl.find('}', i);
      if (close != std::string_view::npos) {
        auto it = vars.find(std::string(tmpl.substr(i + 1, close - i - 1)));
        if (it != vars.end()) {
          out += it->second;
          i = close;
          continue;
        }
      }
    }
    out += tmpl[i];
  }
  return out;
}

std::string trf(Lang lang, std::string_view key, const std::map<std::string, std::string>& vars) {
  return subst(tr(lang, key), vars);
}

}  // namespace eport::client
