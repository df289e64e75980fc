#pragma once
// Parsing one received line as JSON with a nesting limit: nlohmann/json would accept 100,000
// nested arrays, and destroying or walking such a value recursively can exhaust the stack.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace eport::ipc {

/// Deepest nesting of arrays and objects accepted in a message.
constexpr std::size_t kMaxJsonDepth = 64;

/// A parsed line or the reason it is not JSON.
struct ParsedMessage {
  bool ok = false;       ///< true when `value` holds the message
  nlohmann::json value;  ///< the message
  std::string error;     ///< why parsing failed (for error.data.detail)
};

/// Depth of the deepest array/object nesting, stopping early once it passes `limit`.
std::size_t json_depth(std::string_view text, std::size_t limit);

/// Parses `text` when it nests at most `max_depth` levels.
ParsedMessage parse_message(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

}  // namespace eport::ipc
