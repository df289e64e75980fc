#include <catch2/catch.hpp>

#include "ipc/json_message.hpp"

using namespace eport::ipc;

TEST_CASE("100,000 nested brackets are refused without parsing", "[ipc][json]") {
  const std::string deep(100000, '[');
  const auto parsed = parse_message(deep);
  CHECK_FALSE(parsed.ok);
  CHECK_THAT(parsed.error, Catch::Contains("nesting deeper"));
}

TEST_CASE("brackets inside strings do not count as nesting", "[ipc][json]") {
  const std::string text = "{\"a\":\"" + std::string(1000, '[') + "\\\"[\"}";
  CHECK(json_depth(text, 64) == 1);
  CHECK(parse_message(text).ok);
}

TEST_CASE("nesting up to the limit parses", "[ipc][json]") {
  const std::string text = std::string(64, '[') + std::string(64, ']');
  CHECK(parse_message(text).ok);
  const std::string deeper = std::string(65, '[') + std::string(65, ']');
  CHECK_FALSE(parse_message(deeper).ok);
}

TEST_CASE("a parse error says where", "[ipc][json]") {
  const auto parsed = parse_message("{\"a\": tru}");
  CHECK_FALSE(parsed.ok);
  CHECK_THAT(parsed.error, Catch::Contains("column"));
}
