#include <catch2/catch.hpp>

#include "config/loader.hpp"
#include "config/web_settings.hpp"

using namespace eport::config;

namespace {
std::vector<ConfigIssue> issues_of(const std::string& text) {
  try {
    parse_config(text, "test.yaml", "/base");
  } catch (const ConfigError& e) {
    return e.issues();
  }
  return {};
}
}  // namespace

TEST_CASE("without a web section the web part is off", "[config][web]") {
  const Config c = parse_config("socket: /tmp/a.sock\n", "test.yaml");
  CHECK_FALSE(c.web.enabled);
}

TEST_CASE("web: alone turns the part on with the defaults", "[config][web]") {
  const Config c = parse_config("web:\n", "test.yaml");
  CHECK(c.web.enabled);
  CHECK(c.web.host == "127.0.0.1");
  CHECK(c.web.port == 61232);
  CHECK(c.web.allowed_origins.empty());
  CHECK_FALSE(c.web.allow_pin_methods);
}

TEST_CASE("web settings are read and origins normalised", "[config][web]") {
  const Config c = parse_config(R"(
web:
  listen: "[::1]:8080"
  allowed_origins: ["HTTP://Example.com:80", "https://www.singlewindow.cn", "http://example.com"]
  allow_pin_methods: true
)",
                                "test.yaml");
  CHECK(c.web.host == "::1");
  CHECK(c.web.port == 8080);
  CHECK(c.web.allowed_origins ==
        std::vector<std::string>{"http://example.com", "https://www.singlewindow.cn"});
  CHECK(c.web.allow_pin_methods);
}

TEST_CASE("a non-loopback or named listen address is a configuration error", "[config][web]") {
  for (const char* listen : {"0.0.0.0:61232", "192.168.1.2:61232", "localhost:61232", "[::]:61232"}) {
    const auto issues = issues_of(std::string("web:\n  listen: \"") + listen + "\"\n");
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].key == "web.listen");
    CHECK(issues[0].line == 2);
  }
  const auto port = issues_of("web:\n  listen: \"127.0.0.1:70000\"\n");
  REQUIRE(port.size() == 1);
  CHECK_THAT(port[0].message, Catch::Contains("not from 1 to 65535"));
}

TEST_CASE("wildcard, null and path-carrying origins are refused with a reason", "[config][web]") {
  std::string problem;
  CHECK_FALSE(normalise_origin("*", problem));
  CHECK_THAT(problem, Catch::Contains("every web site"));
  CHECK_FALSE(normalise_origin("null", problem));
  CHECK_FALSE(normalise_origin("http://example.com/page", problem));
  CHECK_THAT(problem, Catch::Contains("not an origin"));
  CHECK(normalise_origin("https://x.cn:443", problem) == std::string("https://x.cn"));
  const auto issues = issues_of("web:\n  allowed_origins: [\"*\"]\n");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].key == "web.allowed_origins");
}
