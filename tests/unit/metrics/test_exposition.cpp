#include <catch2/catch.hpp>

#include "metrics/exposition.hpp"

using namespace eport::metrics;

TEST_CASE("a family has one HELP and one TYPE line before its samples", "[metrics][exposition]") {
  Exposition out;
  out.family("eportd_readers_present", "gauge", "PC/SC readers present.");
  out.sample({}, 2);
  out.family("eportd_tokens_present", "gauge", "Tokens.");
  out.sample({{"driver", "piv"}}, 1);
  out.sample({{"driver", "skf"}}, 0);
  CHECK(out.text() ==
        "# HELP eportd_readers_present PC/SC readers present.\n"
        "# TYPE eportd_readers_present gauge\n"
        "eportd_readers_present 2\n"
        "# HELP eportd_tokens_present Tokens.\n"
        "# TYPE eportd_tokens_present gauge\n"
        "eportd_tokens_present{driver=\"piv\"} 1\n"
        "eportd_tokens_present{driver=\"skf\"} 0\n");
}

TEST_CASE("label values escape backslash, quote and newline", "[metrics][exposition]") {
  CHECK(escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  Exposition out;
  out.family("x", "gauge", "help with \\ and\nnewline");
  out.sample({{"cn", "say \"hi\""}}, 1);
  CHECK(out.text() == "# HELP x help with \\\\ and\\nnewline\n# TYPE x gauge\nx{cn=\"say \\\"hi\\\"\"} 1\n");
}

TEST_CASE("timestamps and counts are written as integers without exponent", "[metrics][exposition]") {
  CHECK(format_value(1798761600) == "1798761600");
  CHECK(format_value(0) == "0");
  CHECK(format_value(-5) == "-5");
  CHECK(format_value(0.5) == "0.5");
  CHECK(format_value(0.1) == "0.1");
}

TEST_CASE("free text is capped in characters, never in the middle of one", "[metrics][exposition]") {
  CHECK(bounded_label_value("short", 64) == "short");
  CHECK(bounded_label_value("abcdefgh", 5) == "abcd\xE2\x80\xA6");
  // Chinese CN: three bytes per character; the cut keeps whole characters.
  const std::string cn =
      "\xE4\xB8\xAD\xE5\x9B\xBD\xE7\x94\xB5\xE5\xAD\x90\xE5\x8F\xA3\xE5\xB2\xB8";  // 中国电子口岸
  CHECK(bounded_label_value(cn, 6) == cn);
  CHECK(bounded_label_value(cn, 3) == "\xE4\xB8\xAD\xE5\x9B\xBD\xE2\x80\xA6");
}

TEST_CASE("control characters and bytes that are not UTF-8 cannot reach a label", "[metrics][exposition]") {
  CHECK(bounded_label_value(std::string("a\nb\tc\x01", 6), 64) == "a b c ");
  CHECK(bounded_label_value("a\xFF"
                            "b",
                            64) ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(bounded_label_value("\xE4\xB8", 64) == "\xEF\xBF\xBD\xEF\xBF\xBD");  // cut sequence
}

TEST_CASE("long identifiers stay distinct after capping", "[metrics][exposition]") {
  const std::string a(100, 'a');
  std::string b = a;
  b.back() = 'b';
  CHECK(unique_label_value("piv:0001e240", 64) == "piv:0001e240");
  const auto la = unique_label_value(a, 64), lb = unique_label_value(b, 64);
  CHECK(la != lb);
  CHECK(la.size() == 64);
  CHECK(la.substr(0, 55) == std::string(55, 'a'));
  CHECK(la[55] == '~');
}
