#include "metrics/facts.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace eport::metrics {

namespace {

std::optional<int> optional_int(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int>();
}

std::optional<bool> optional_bool(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_cn(std::string_view type) {
  if (type == "2.5.4.3") return true;
  return type.size() == 2 && std::toupper(static_cast<unsigned char>(type[0])) == 'C' &&
         std::toupper(static_cast<unsigned char>(type[1])) == 'N';
}

}  // namespace

std::optional<PinFigures> PinFigures::from_json(const nlohmann::json& pin_state) {
  if (!pin_state.is_object()) return std::nullopt;
  PinFigures figures;
  figures.tries_left = optional_int(pin_state, "tries_left");
  figures.max_tries = optional_int(pin_state, "max_tries");
  figures.is_default = optional_bool(pin_state, "is_default");
  const std::string state = pin_state.value("state", std::string("unknown"));
  if (state == "blocked") figures.blocked = true;
  else if (state == "ok" || state == "low" || state == "final_try") figures.blocked = false;
  return figures;
}

bool PinFigures::operator==(const PinFigures& other) const {
  return tries_left == other.tries_left && max_tries == other.max_tries && blocked == other.blocked &&
         is_default == other.is_default;
}

std::optional<CertificateFacts> CertificateFacts::from_json(const nlohmann::json& certificate) {
  if (!certificate.is_object()) return std::nullopt;
  const auto slot = certificate.find("slot");
  const auto not_after = certificate.find("not_after");
  if (slot == certificate.end() || !slot->is_string() || slot->get<std::string>().empty())
    return std::nullopt;
  if (not_after == certificate.end() || !not_after->is_string()) return std::nullopt;
  const auto end = parse_utc(not_after->get<std::string>());
  if (!end) return std::nullopt;
  CertificateFacts facts;
  facts.slot = slot->get<std::string>();
  facts.not_after = *end;
  const auto subject = certificate.find("subject");
  if (subject != certificate.end() && subject->is_string())
    facts.common_name = metrics::common_name(subject->get<std::string>());
  return facts;
}

bool CertificateFacts::operator==(const CertificateFacts& other) const {
  return slot == other.slot && common_name == other.common_name && not_after == other.not_after;
}

std::string common_name(std::string_view subject) {
  std::string type, value;
  bool in_value = false;
  for (std::size_t i = 0; i <= subject.size(); ++i) {
    const bool end = i == subject.size();
    const char c = end ? ',' : subject[i];
    if (!end && c == '\\' && i + 1 < subject.size()) {
      const int hi = hex_digit(subject[i + 1]);
      const int lo = i + 2 < subject.size() ? hex_digit(subject[i + 2]) : -1;
      char decoded = subject[i + 1];
      if (hi >= 0 && lo >= 0) decoded = static_cast<char>(hi * 16 + lo), i += 1;
      (in_value ? value : type) += decoded;
      i += 1;
    } else if (c == ',' || c == '+') {
      if (in_value && is_cn(type)) return value;
      type.clear(), value.clear(), in_value = false;
    } else if (c == '=' && !in_value) {
      in_value = true;
    } else {
      (in_value ? value : type) += c;
    }
  }
  return {};
}

std::optional<std::int64_t> parse_utc(std::string_view text) {
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z')
    return std::nullopt;
  std::tm utc{};
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                  &utc.tm_hour, &utc.tm_min, &utc.tm_sec) != 6)
    return std::nullopt;
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&utc));
}

}  // namespace eport::metrics
