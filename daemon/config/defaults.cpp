// Built-in defaults. The guidance texts follow the Beijing data sub-center's published
// procedure (see docs/configuration.md): unlocking and certificate renewal happen at a
// business site, and the holder brings the business licence and the card.
#include "config/config.hpp"

#include <cstdio>

namespace eport::config {

namespace {

using nlohmann::json;

json bilingual(const char* en, const char* zh) { return json{{"en", en}, {"zh", zh}}; }

json site(json name, json address, const char* phone) {
  return json{{"name", std::move(name)}, {"address", std::move(address)}, {"phone", phone}};
}

json default_sites() {
  return json::array({
      site(bilingual("Capital Airport Customs", "首都机场海关"),
           bilingual("3rd floor, Nanfaxin Hanggang Building, Shunyi District, Beijing",
                     "北京市顺义区南法信航港大厦3层"),
           "010-85733354"),
      site(bilingual("Zhongguancun Customs", "中关村海关"),
           bilingual("Declaration hall, No. 59 Zhichun Road, Haidian District, Beijing",
                     "北京市海淀区知春路59号中关村海关报关大厅"),
           "010-85732112"),
      site(bilingual("Beijing Customs Tianshuiyuan Office", "北京海关甜水园办公区"),
           bilingual("West gate hall, No. 6 Tianshuiyuan Street, Chaoyang District, Beijing",
                     "北京市朝阳区甜水园街6号西门大厅"),
           "010-85734201"),
  });
}

json default_bring() {
  const char* licence_en = "Business licence (original or copy) with the company's official seal";
  const char* licence_zh = "营业执照原件或复印件（加盖公章）";
  return json{
      {"unlock",
       {{"en", {licence_en, "The locked IC card or USBKey"}},
        {"zh", {licence_zh, "被锁定的IC卡（含USBKey）"}}}},
      {"renew",
       {{"en", {licence_en, "The IC card or USBKey whose certificate is to be renewed"}},
        {"zh", {licence_zh, "需要更新证书的IC卡（含USBKey）"}}}},
      {"replace",
       {{"en", {licence_en, "The damaged IC card or USBKey (unless it was lost)"}},
        {"zh", {licence_zh, "需要更换的IC卡（含USBKey）（遗失的除外）"}}}},
  };
}

}  // namespace

nlohmann::json default_guidance() {
  return json{
      {"sites", default_sites()},
      {"bring", default_bring()},
      {"contact", bilingual("Unlocking and certificate renewal are done by the China Electronic Port data "
                            "sub-center at a business site. Beijing enterprises can also go to one of the 16 "
                            "China Construction Bank outlets that issue Electronic Port cards. After an "
                            "unlock or a renewal the PIN is 88888888.",
                            "IC卡解锁和证书更新由中国电子口岸数据分中心在业务网点办理。北京地区企业也可前往"
                            "中国建设银行的16个合作发卡代理网点办理。解锁或证书更新后，IC卡密码恢复为"
                            "初始密码88888888。")},
  };
}

Config default_config() {
  Config config;
  config.guidance = default_guidance();
  return config;
}

std::string format_mode(std::uint32_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace eport::config
