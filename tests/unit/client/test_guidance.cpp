#include "guidance.hpp"

#include <catch2/catch.hpp>

using namespace eport::client;
using nlohmann::json;

namespace {
std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}
}  // namespace

TEST_CASE("a locked card's advice names the documents and the business sites", "[client][guidance]") {
  Finding f{Problem::pin_blocked, "piv:1", "", 0, ""};
  std::string en = joined(advice_for(Lang::en, f, default_guidance()));
  CHECK_THAT(en, Catch::Contains("eportctl unlock piv:1"));
  CHECK_THAT(en, Catch::Contains("business license"));
  CHECK_THAT(en, Catch::Contains("Capital Airport Customs") && Catch::Contains("010-85733354"));
  std::string zh = joined(advice_for(Lang::zh, f, default_guidance()));
  CHECK_THAT(zh, Catch::Contains("营业执照") && Catch::Contains("首都机场海关"));
}

TEST_CASE("an expired certificate's advice says when and how to renew", "[client][guidance]") {
  Finding f{Problem::cert_expired, "piv:1", "9a", -12, "2026-11-14T00:00:00Z"};
  std::string en = joined(advice_for(Lang::en, f, default_guidance()));
  CHECK_THAT(en, Catch::Contains("expired on 2026-11-14 (12 days ago)"));
  CHECK_THAT(en, Catch::Contains("eportctl renew piv:1 --slot 9a"));
  CHECK_THAT(en, Catch::Contains("10 years"));
}

TEST_CASE("guidance from eportd replaces the built-in sites", "[client][guidance]") {
  json r = {{"sites", json::array({{{"name", {{"en", "Shanghai Site"}, {"zh", "上海网点"}}},
                                    {"address", {{"en", "1 Road"}, {"zh", "一号路"}}},
                                    {"phone", "021-1"}}})},
            {"bring", {{"unlock", {{"en", json::array({"a passport"})}, {"zh", json::array({"护照"})}}}}},
            {"contact", {{"en", "call us"}, {"zh", "请来电"}}}};
  Guidance g = guidance_from_json(r);
  REQUIRE(g.sites.size() == 1);
  std::string en = joined(advice_for(Lang::en, {Problem::pin_blocked, "t", "", 0, ""}, g));
  CHECK_THAT(en,
             Catch::Contains("Shanghai Site") && Catch::Contains("a passport") && Catch::Contains("call us"));
  CHECK_THAT(en, !Catch::Contains("Capital Airport"));
  std::string zh = joined(advice_for(Lang::zh, {Problem::pin_blocked, "t", "", 0, ""}, g));
  CHECK_THAT(zh, Catch::Contains("上海网点") && Catch::Contains("护照"));
  CHECK(g.bring_renew.en == default_guidance().bring_renew.en);  // missing part falls back
}

TEST_CASE("garbage guidance falls back to the built-in one", "[client][guidance]") {
  CHECK(guidance_from_json(json("nonsense")).sites.size() == default_guidance().sites.size());
  CHECK(guidance_from_json(json::object()).sites.size() == 3);
}

TEST_CASE("guidance round-trips through its JSON shape", "[client][guidance]") {
  Guidance g = guidance_from_json(guidance_to_json(default_guidance()));
  CHECK(g.sites[1].name.zh == "中关村海关");
  CHECK(g.bring_unlock.zh == default_guidance().bring_unlock.zh);
}
