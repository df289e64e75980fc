#pragma once
// "Did you mean ...?" for mistyped keys.

#include <optional>
#include <string>
#include <vector>

namespace eport::config {

/// Edit distance (insert, delete, substitute, swap of neighbours) between two short strings.
std::size_t edit_distance(const std::string& a, const std::string& b);

/// The candidate closest to `word` when it is close enough to be a likely typo.
std::optional<std::string> closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace eport::config
