#include "style.hpp"

#include <algorithm>

namespace eport::client {

namespace {

const char* colour_code(Level level) {
  switch (level) {
    case Level::ok: return "\033[32m";
    case Level::warn: return "\033[33m";
    case Level::bad: return "\033[1;31m";
    case Level::info: return "\033[36m";
  }
  return "";
}

bool is_wide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

}  // namespace

std::string Style::mark(Level level) const {
  if (symbols) {
    switch (level) {
      case Level::ok: return paint(level, "✔");
      case Level::warn: return paint(level, "⚠");
      case Level::bad: return paint(level, "✖");
      case Level::info: return paint(level, "•");
    }
  }
  switch (level) {
    case Level::ok: return paint(level, "[ok]  ");
    case Level::warn: return paint(level, "[warn]");
    case Level::bad: return paint(level, "[FAIL]");
    case Level::info: return paint(level, "[info]");
  }
  return "";
}

std::string Style::paint(Level level, const std::string& text) const {
  if (!colour) return text;
  return std::string(colour_code(level)) + text + "\033[0m";
}

std::string Style::bold(const std::string& text) const {
  if (!colour) return text;
  return "\033[1m" + text + "\033[0m";
}

Style make_style(bool stdout_is_tty, const EnvLookup& env) {
  Style s;
  s.symbols = stdout_is_tty;
  const char* no_color = env("NO_COLOR");
  const char* term = env("TERM");
  bool colour_off =
      (no_color != nullptr && *no_color != '\0') || (term != nullptr && std::string_view(term) == "dumb");
  s.colour = stdout_is_tty && !colour_off;
  return s;
}

size_t display_width(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x1b) {  // skip ANSI escape sequences: they take no column
      auto end = text.find('m', i);
      i = end == std::string_view::npos ? text.size() : end + 1;
      continue;
    }
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len && i + k < text.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    width += is_wide(cp) ? 2 : 1;
    i += len;
  }
  return width;
}

std::string pad_right(std::string_view text, size_t width) {
  std::string out(text);
  size_t w = display_width(text);
  if (w < width) out.append(width - w, ' ');
  return out;
}

std::string render_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      bool last = c + 1 == row.size();
      line += last ? row[c] : pad_right(row[c], widths[c]) + "  ";
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace eport::client
