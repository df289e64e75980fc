#pragma once
// Terminal presentation: colours and symbols on a terminal, plain markers when piped or NO_COLOR.

#include "i18n.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace eport::client {

/// How serious a line is; decides its symbol and colour.
enum class Level { ok, warn, bad, info };

/// Presentation choices for one run of eportctl.
struct Style {
  bool colour = false;   ///< ANSI colours (terminal and NO_COLOR unset)
  bool symbols = false;  ///< Unicode symbols instead of bracketed words (terminal only)

  /// The marker that starts a checklist or status line: "✔" or "[ok]" and so on.
  std::string mark(Level level) const;
  /// `text` in the colour of `level` (unchanged without colour).
  std::string paint(Level level, const std::string& text) const;
  /// `text` in bold (unchanged without colour).
  std::string bold(const std::string& text) const;
};

/// Style for stdout: symbols when it is a terminal, colours too unless NO_COLOR is set or TERM=dumb.
Style make_style(bool stdout_is_tty, const EnvLookup& env);

/// Columns `text` takes on a terminal (UTF-8; CJK characters take two columns).
size_t display_width(std::string_view text);

/// `text` padded with spaces to `width` columns (display width, not bytes).
std::string pad_right(std::string_view text, size_t width);

/// Lays out rows as aligned columns separated by two spaces; the first row is the header.
std::string render_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace eport::client
