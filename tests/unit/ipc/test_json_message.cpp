#include <catch2/catch.hpp>

#include <cmath>

#include "ipc/json_message.hpp"

using namespace eport::ipc;

TEST_CASE("100,000 nested brackets are refused without parsing", "[ipc][json]") {
  const std::string deep(100000, '[');
  const auto parsed = parse_message(deep);
  CHECK_FALSE(parsed.has_value());
  CHECK_THAT(parsed.error(), Catch::Contains("nesting deeper"));
}

TEST_CASE("brackets inside strings do not count as nesting", "[ipc][json]") {
  const std::string text = "{\"a\":\"" + std::string(1000, '[') + "\\\"[\"}";
  CHECK(json_depth(text, 64) == 1);
  CHECK(parse_message(text).has_value());
}

TEST_CASE("nesting up to the limit parses", "[ipc][json]") {
  const std::string text = std::string(64, '[') + std::string(64, ']');
  CHECK(parse_message(text).has_value());
  const std::string deeper = std::string(65, '[') + std::string(65, ']');
  CHECK_FALSE(parse_message(deeper).has_value());
}

TEST_CASE("a parse error says where", "[ipc][json]") {
  const auto parsed = parse_message("{\"a\": tru}");
  CHECK_FALSE(parsed.has_value());
  CHECK_THAT(parsed.error(), Catch::Contains("column"));
}

TEST_CASE("a number beyond a double does not abort the parse: it becomes an infinity", "[ipc][json]") {
  const auto parsed = parse_message(R"({"a":1e999,"b":-1E+400,"c":[2e308],"d":1})");
  REQUIRE(parsed.has_value());
  CHECK((*parsed)["a"].is_number_float());
  CHECK(std::isinf((*parsed)["a"].get<double>()));
  CHECK((*parsed)["b"].get<double>() < 0);
  CHECK(std::isinf((*parsed)["c"][0].get<double>()));
  CHECK((*parsed)["d"] == 1);
}

TEST_CASE("an overflow inside a string or after a syntax error is not rewritten", "[ipc][json]") {
  const auto text = parse_message(R"({"a":"1e999 -2e999"})");
  REQUIRE(text.has_value());
  CHECK((*text)["a"] == "1e999 -2e999");
  CHECK_FALSE(parse_message(R"({"a":1e999.5})").has_value());  // not a number token: still an error
  CHECK_FALSE(parse_message(R"({"a":01e999})").has_value());
  CHECK_FALSE(parse_message(R"({"a":1e999)").has_value());
}

TEST_CASE("a top-level id that a double would change keeps its source text", "[ipc][json]") {
  for (const std::string id : {"1e999", "18446744073709551616", "-9223372036854775809", "1.50", "0.1e-400",
                               "123456789012345678901234567890", "9007199254740993.0"}) {
    const auto parsed = parse_message(R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"m"})");
    REQUIRE(parsed.has_value());
    CHECK(raw_number_text((*parsed)["id"]) == id);
    CHECK(serialise_message({{"jsonrpc", "2.0"}, {"id", (*parsed)["id"]}, {"result", 1}}) ==
          R"({"id":)" + id + R"(,"jsonrpc":"2.0","result":1})");
  }
  // Integers a 64-bit integer holds stay ordinary numbers.
  for (const std::string id : {"9007199254740993", "18446744073709551615", "-9223372036854775808"}) {
    const auto parsed = parse_message(R"({"id":)" + id + "}");
    REQUIRE(parsed.has_value());
    CHECK((*parsed)["id"].is_number_integer());
    CHECK(serialise_message(*parsed) == R"({"id":)" + id + "}");
  }
  // Only the top-level id: a nested "id" is data.
  CHECK((*parse_message(R"({"params":{"id":1.5}})"))["params"]["id"].is_number_float());
}

TEST_CASE("escaped key names and duplicate ids are read like any JSON parser reads them", "[ipc][json]") {
  const auto escaped = parse_message(R"({"\u0069d":2.5})");
  REQUIRE(escaped.has_value());
  CHECK(raw_number_text((*escaped)["id"]) == std::string("2.5"));
  const auto twice = parse_message(R"({"id":1.5,"id":7})");
  REQUIRE(twice.has_value());
  CHECK((*twice)["id"] == 7);  // the last one counts
}

TEST_CASE("no input makes parse_message throw", "[ipc][json]") {
  for (const std::string& text : {std::string("\xff\xfe"), std::string("\"\xc3\x28\""), std::string("\0", 1),
                                  std::string("[1,2"), std::string("{\"a\":1}{"), std::string(""),
                                  std::string("-"), std::string("[-]"), std::string("1e")}) {
    CHECK_NOTHROW(parse_message(text));
    CHECK_FALSE(parse_message(text).has_value());
  }
}

TEST_CASE("invalid UTF-8 in a serialised message is replaced, not thrown about", "[ipc][json]") {
  const nlohmann::json message{{"text", std::string("a\xff"
                                                    "b")}};
  CHECK_NOTHROW(serialise_message(message));
  CHECK(serialise_message(message).find("\xef\xbf\xbd") != std::string::npos);
}
