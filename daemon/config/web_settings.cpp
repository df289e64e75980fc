#include "config/web_settings.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <regex>

namespace eport::config {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool is_loopback(const std::string& host) {
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

bool is_ip_literal(const std::string& host) {
  in_addr v4{};
  in6_addr v6{};
  return ::inet_pton(AF_INET, host.c_str(), &v4) == 1 || ::inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

}  // namespace

std::string parse_loopback_listen(const std::string& text, std::string& host, std::uint16_t& port) {
  static const std::regex form(R"((?:\[([0-9A-Fa-f:.]+)\]|([^:\[\]]+)):([0-9]{1,5}))");
  std::smatch match;
  if (!std::regex_match(text, match, form))
    return "'" + text + "' is not ADDRESS:PORT; write e.g. \"127.0.0.1:61232\" (or \"[::1]:61232\")";
  const std::string address = match[1].matched ? match[1].str() : match[2].str();
  const long number = std::stol(match[3].str());
  if (number < 1 || number > 65535) return "port " + match[3].str() + " is not from 1 to 65535";
  if (!is_ip_literal(address))
    return "'" + address +
           "' is not an IP address; write the loopback address itself (127.0.0.1 or [::1]), "
           "not a name that could resolve to another interface";
  if (!is_loopback(address))
    return "'" + address +
           "' is not a loopback address; the web part only listens on 127.0.0.1 (or [::1]): it "
           "has no authentication, so it must not be reachable from other machines";
  host = address;
  port = static_cast<std::uint16_t>(number);
  return {};
}

std::optional<std::string> normalise_origin(const std::string& text, std::string& problem) {
  const std::string value = lower(text);
  if (value == "*") {
    problem = "'*' would let every web site on the internet drive the cards; list each origin";
    return std::nullopt;
  }
  if (value == "null") {
    problem =
        "'null' is the origin of pages opened from a file and of sandboxed frames of any site, so "
        "it cannot be trusted; serve the page over http from this machine and list that origin";
    return std::nullopt;
  }
  static const std::regex form(R"((https?)://([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::([0-9]{1,5}))?)");
  std::smatch match;
  if (!std::regex_match(value, match, form)) {
    problem = "'" + text +
              "' is not an origin; write scheme://host[:port] without a path, e.g. "
              "\"http://127.0.0.1:8080\" or \"https://www.singlewindow.cn\"";
    return std::nullopt;
  }
  std::string origin = match[1].str() + "://" + match[2].str();
  if (match[3].matched) {
    const long port = std::stol(match[3].str());
    if (port < 1 || port > 65535) {
      problem = "port " + match[3].str() + " in '" + text + "' is not from 1 to 65535";
      return std::nullopt;
    }
    const bool default_port = (match[1] == "http" && port == 80) || (match[1] == "https" && port == 443);
    if (!default_port) origin += ":" + std::to_string(port);  // browsers leave default ports out
  }
  return origin;
}

WebSettings read_web(YamlReader& reader, const Field& field) {
  WebSettings web;
  web.enabled = true;
  if (field.value.IsNull()) return web;  // `web:` alone: on, with the defaults
  auto fields = reader.map_fields(field, {"listen", "allowed_origins", "allow_pin_methods"});
  if (!fields) return web;
  if (auto it = fields->find("listen"); it != fields->end()) {
    if (auto text = reader.string(it->second)) {
      const std::string problem = parse_loopback_listen(*text, web.host, web.port);
      if (!problem.empty()) reader.fail(it->second.line, it->second.key, problem);
      else web.listen = *text;
    }
  }
  if (auto it = fields->find("allowed_origins"); it != fields->end()) {
    if (auto origins = reader.string_list(it->second)) {
      for (const auto& origin : *origins) {
        std::string problem;
        if (auto normal = normalise_origin(origin, problem)) {
          if (std::find(web.allowed_origins.begin(), web.allowed_origins.end(), *normal) ==
              web.allowed_origins.end())
            web.allowed_origins.push_back(*normal);
        } else {
          reader.fail(it->second.line, it->second.key, problem);
        }
      }
    }
  }
  if (auto it = fields->find("allow_pin_methods"); it != fields->end()) {
    if (auto value = reader.boolean(it->second)) web.allow_pin_methods = *value;
  }
  return web;
}

}  // namespace eport::config
