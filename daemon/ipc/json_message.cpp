#include "ipc/json_message.hpp"

namespace eport::ipc {

std::size_t json_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

ParsedMessage parse_message(std::string_view text, std::size_t max_depth) {
  ParsedMessage parsed;
  if (json_depth(text, max_depth) > max_depth) {
    parsed.error = "nesting deeper than " + std::to_string(max_depth) + " levels";
    return parsed;
  }
  try {
    parsed.value = nlohmann::json::parse(text.begin(), text.end());
    parsed.ok = true;
  } catch (const nlohmann::json::parse_error& e) {
    // Keep nlohmann's position information, drop its "[json.exception...]" prefix.
    std::string what = e.what();
    const auto bracket = what.find("] ");
    parsed.error = bracket == std::string::npos ? what : what.substr(bracket + 2);
  }
  return parsed;
}

}  // namespace eport::ipc
