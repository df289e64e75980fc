#include "config_redaction.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <sstream>
#include <vector>

namespace eport::client {

namespace {

constexpr const char* kRedacted = "\"<redacted>\"";

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// The line without a trailing comment (a '#' after a blank, outside quotes).
std::string without_comment(const std::string& line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
      else if (c == '\\' && quote == '"') ++i;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(line[i - 1])))) {
      std::string kept = line.substr(0, i);
      while (!kept.empty() && std::isspace(static_cast<unsigned char>(kept.back()))) kept.pop_back();
      return kept;
    }
  }
  return line;
}

/// Secret values inside a flow mapping ({management_key_file: /x, other: 1}).
std::string redact_flow(const std::string& text) {
  if (text.find('{') == std::string::npos) return text;
  static const std::regex pair(R"re(([A-Za-z0-9_.\-]+)(\s*:\s*)("[^"]*"|'[^']*'|[^,{}\[\]]*))re");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), pair);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    out += text.substr(last, static_cast<std::size_t>(m.position(0)) - last);
    out += is_secret_key(m[1].str()) ? m[1].str() + m[2].str() + kRedacted : m[0].str();
    last = static_cast<std::size_t>(m.position(0) + m.length(0));
  }
  return out + text.substr(last);
}

/// Long hex runs (a key written anywhere) become "<redacted hex>".
std::string redact_hex(const std::string& text) {
  static const std::regex hex(R"re([0-9A-Fa-f]{32,}|(?:[0-9A-Fa-f]{2}[: ]){15,}[0-9A-Fa-f]{2})re");
  return std::regex_replace(text, hex, "<redacted hex>");
}

/// A block-mapping level: its indentation and whether it is under a secret key.
struct Level {
  std::size_t indent;
  bool secret;
};

/// One line of a mapping or sequence: indentation, "- " markers, key (may be empty) and value.
struct Parsed {
  std::size_t indent = 0;
  std::string dashes;
  std::string key;
  std::string separator;
  std::string value;
  bool has_key = false;
};

Parsed parse_line(const std::string& line) {
  Parsed p;
  while (p.indent < line.size() && line[p.indent] == ' ') ++p.indent;
  std::string rest = line.substr(p.indent);
  while (rest.rfind("- ", 0) == 0 || rest == "-") {
    p.dashes += rest.size() > 1 ? "- " : "-";
    rest = rest.size() > 1 ? rest.substr(2) : "";
  }
  static const std::regex key_value(
      R"re(^("[^"]*"|'[^']*'|[^:{}\[\],#"'][^:{}\[\],#]*?)(\s*:)(\s+(.*))?$)re");
  std::smatch m;
  if (std::regex_match(rest, m, key_value)) {
    p.has_key = true;
    p.key = m[1].str();
    p.separator = m[2].str();
    p.value = m[4].str();
  } else {
    p.value = rest;
  }
  return p;
}

bool starts_block(const std::string& value) {
  return value.empty() || value[0] == '|' || value[0] == '>' || value[0] == '&';
}

}  // namespace

bool is_secret_key(std::string_view key) {
  const std::string name = lower(key);
  for (const char* word : {"pin", "puk", "key", "secret", "passw", "passphrase", "credential", "token"})
    if (name.find(word) != std::string::npos) return true;
  return false;
}

std::string redact_config(const std::string& yaml) {
  std::istringstream in(yaml);
  std::ostringstream out;
  std::vector<Level> levels;
  bool in_pem = false;
  for (std::string raw; std::getline(in, raw);) {
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    if (raw.find("-----BEGIN") != std::string::npos) in_pem = true;
    if (in_pem) {
      if (raw.find("-----END") != std::string::npos) {
        in_pem = false;
        out << std::string(raw.find_first_not_of(' ') == std::string::npos ? 0 : raw.find_first_not_of(' '),
                           ' ')
            << "<redacted PEM block>\n";
      }
      continue;
    }
    const std::string line = without_comment(raw);
    if (line.find_first_not_of(' ') == std::string::npos) continue;  // blank or comment only
    Parsed p = parse_line(line);
    const std::size_t key_indent = p.indent + p.dashes.size();
    while (!levels.empty() && levels.back().indent >= (p.has_key ? key_indent : p.indent + 1))
      levels.pop_back();
    const bool inherited =
        std::any_of(levels.begin(), levels.end(), [](const Level& level) { return level.secret; });
    std::string text = std::string(p.indent, ' ') + p.dashes;
    if (p.has_key) {
      const bool secret = inherited || is_secret_key(p.key);
      text += p.key + p.separator;
      if (starts_block(p.value)) {
        levels.push_back({key_indent, secret});
        if (!p.value.empty()) text += " " + (secret ? std::string(kRedacted) : p.value);
      } else {
        text += " " + (secret ? std::string(kRedacted) : redact_flow(p.value));
      }
    } else {
      text += inherited ? std::string(kRedacted) : redact_flow(p.value);
    }
    out << redact_hex(text) << "\n";
  }
  return out.str();
}

}  // namespace eport::client
