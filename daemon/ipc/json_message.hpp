#pragma once
// Parsing one received line as JSON, safely for hostile input:
// - a nesting limit (nlohmann/json would accept 100,000 nested arrays, and destroying or walking
//   such a value recursively can exhaust the stack);
// - numbers beyond the range of a double (`1e999`) do not abort the parse: they become an
//   infinite float, which every integer param rejects with -32602;
// - the top-level "id", when it is a number that a double or a 64-bit integer would change
//   (a fraction, an exponent, an integer beyond 2^64, an overflow), is kept as its source text
//   (see raw_number()) so that the answer echoes it byte for byte.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "eport/common/expected.hpp"

namespace eport::ipc {

/// Deepest nesting of arrays and objects accepted in a message.
constexpr std::size_t kMaxJsonDepth = 64;

/// A parsed line, or why it is not JSON (for error.data.detail).
using ParsedMessage = Expected<nlohmann::json, std::string>;

/// Depth of the deepest array/object nesting, stopping early once it passes `limit`.
std::size_t json_depth(std::string_view text, std::size_t limit);

/// Parses `text` when it nests at most `max_depth` levels. Never throws for any input.
ParsedMessage parse_message(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

/// A JSON number kept as its source text (`text` must be a valid JSON number). Held in a json
/// value as a tagged binary; serialise_message() writes the text back unchanged.
nlohmann::json raw_number(std::string_view text);

/// The source text of a raw_number() value, std::nullopt for any other value.
std::optional<std::string> raw_number_text(const nlohmann::json& value);

/// One message as the text sent on the wire (without the '\n'): a top-level raw-number "id" is
/// written as its source text; invalid UTF-8 in strings is replaced, never thrown about.
std::string serialise_message(const nlohmann::json& message);

}  // namespace eport::ipc
