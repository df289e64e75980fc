#pragma once
// Language choice and the message catalogue (English and Simplified Chinese).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace eport::client {

/// The two languages eportctl speaks.
enum class Lang { en, zh };

/// Reads an environment variable; injected so that tests need no real environment.
using EnvLookup = std::function<const char*(const char*)>;

/// "en"/"zh" (also "zh_CN", "zh-CN"...) -> Lang; nullopt for anything else.
std::optional<Lang> parse_lang(std::string_view text);

/// Language from the locale: the first set of LC_ALL, LC_MESSAGES, LANG; zh_* gives Chinese.
Lang detect_lang(const EnvLookup& env);

/// One catalogue entry: a stable key and its text in both languages.
struct MessageEntry {
  const char* key;  ///< stable identifier, e.g. "pin.blocked"
  const char* en;   ///< English text; may hold {name} placeholders
  const char* zh;   ///< Simplified Chinese text with the same placeholders
};

/// Every entry of the catalogue (for lookups and for the test that checks completeness).
const std::map<std::string_view, MessageEntry>& message_catalogue();

/// The text of `key` in `lang`; the key itself when it is missing (never throws).
std::string tr(Lang lang, std::string_view key);

/// Replaces each {name} in `tmpl` by its value in `vars`; unknown placeholders stay as they are.
std::string subst(std::string_view tmpl, const std::map<std::string, std::string>& vars);

/// tr() followed by subst().
std::string trf(Lang lang, std::string_view key, const std::map<std::string, std::string>& vars);

}  // namespace eport::client
