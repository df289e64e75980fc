#pragma once
// Validation of the `web:` section: a loopback listen address, the origins allowed besides
// eportd's own page, and the PIN switch (docs/web.md). Pure apart from the YAML reader.

#include <optional>
#include <string>

#include "config/config.hpp"
#include "config/yaml_reader.hpp"

namespace eport::config {

/// Reads `web:`; the section being there turns the web part on (`web: {}` = all defaults).
WebSettings read_web(YamlReader& reader, const Field& field);

/// Splits "127.0.0.1:61232" or "[::1]:61232" into address and port and checks that the address
/// is a loopback one. Returns the problem in words ("" when fine).
std::string parse_loopback_listen(const std::string& text, std::string& host, std::uint16_t& port);

/// The canonical form of an origin ("http://Example.com:80" -> "http://example.com"), or
/// std::nullopt with `problem` set when the text is not a usable origin.
std::optional<std::string> normalise_origin(const std::string& text, std::string& problem);

}  // namespace eport::config
