#include "i18n.hpp"
#include "messages.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>

using namespace eport::client;

namespace {
EnvLookup env_of(std::map<std::string, std::string> vars) {
  auto holder = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [holder](const char* name) -> const char* {
    auto it = holder->find(name);
    return it == holder->end() ? nullptr : it->second.c_str();
  };
}
}  // namespace

TEST_CASE("LANG=zh_CN.UTF-8 selects Simplified Chinese", "[client][i18n]") {
  CHECK(detect_lang(env_of({{"LANG", "zh_CN.UTF-8"}})) == Lang::zh);
  CHECK(detect_lang(env_of({{"LANG", "zh_TW.UTF-8"}})) == Lang::zh);
  CHECK(detect_lang(env_of({{"LANG", "en_US.UTF-8"}})) == Lang::en);
}

TEST_CASE("LC_ALL wins over LC_MESSAGES, which wins over LANG", "[client][i18n]") {
  CHECK(detect_lang(env_of({{"LC_ALL", "C"}, {"LANG", "zh_CN.UTF-8"}})) == Lang::en);
  CHECK(detect_lang(env_of({{"LC_MESSAGES", "zh_CN.UTF-8"}, {"LANG", "en_GB.UTF-8"}})) == Lang::zh);
  CHECK(detect_lang(env_of({{"LC_ALL", ""}, {"LC_MESSAGES", "zh_CN"}})) == Lang::zh);
}

TEST_CASE("no locale at all means English", "[client][i18n]") { CHECK(detect_lang(env_of({})) == Lang::en); }

TEST_CASE("the lang option accepts en and zh and rejects others", "[client][i18n]") {
  CHECK(parse_lang("zh") == Lang::zh);
  CHECK(parse_lang("en") == Lang::en);
  CHECK(parse_lang("zh_CN") == Lang::zh);
  CHECK_FALSE(parse_lang("fr").has_value());
}

TEST_CASE("every catalogue entry has both languages with the same placeholders", "[client][i18n]") {
  auto placeholders = [](const std::string& s) {
    std::multiset<std::string> out;
    for (size_t i = s.find('{'); i != std::string::npos; i = s.find('{', i + 1)) {
      auto close = s.find('}', i);
      if (close == std::string::npos) break;
      std::string name = s.substr(i + 1, close - i - 1);
      if (!name.empty() && name.find('"') == std::string::npos) out.insert(name);
    }
    return out;
  };
  REQUIRE(message_catalogue().size() > 100);
  for (const auto& [key, e] : message_catalogue()) {
    INFO(key);
    CHECK(std::string(e.en).size() > 0);
    CHECK(std::string(e.zh).size() > 0);
    CHECK(placeholders(e.en) == placeholders(e.zh));
  }
}

TEST_CASE("Chinese texts are really Chinese, not copies of the English", "[client][i18n]") {
  CHECK(tr(Lang::zh, "pin.state.blocked") == "已锁定");
  CHECK(tr(Lang::zh, "advice.heading") == "处理建议");
  CHECK(tr(Lang::en, "pin.state.blocked") == "BLOCKED");
}

TEST_CASE("a missing key shows the key instead of failing", "[client][i18n]") {
  CHECK(tr(Lang::en, "no.such.key") == "no.such.key");
}

TEST_CASE("subst replaces known placeholders and leaves others", "[client][i18n]") {
  CHECK(subst("{a} and {b} and {c}", {{"a", "1"}, {"b", "2"}}) == "1 and 2 and {c}");
  CHECK(subst("{\"token\":1}", {{"token", "x"}}) == "{\"token\":1}");
}
