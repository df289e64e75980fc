#include "guidance.hpp"

namespace eport::client {

using nlohmann::json;

Guidance default_guidance() {
  Guidance g;
  g.sites = {
      {{"Capital Airport Customs", "首都机场海关"},
       {"3rd floor, Nanfaxin Hanggang Building, Shunyi District, Beijing", "北京市顺义区南法信航港大厦3层"},
       "010-85733354"},
      {{"Zhongguancun Customs", "中关村海关"},
       {"Declaration hall, No. 59 Zhichun Road, Haidian District, Beijing",
        "北京市海淀区知春路59号中关村海关报关大厅"},
       "010-85732112"},
      {{"Beijing Customs Tianshuiyuan Office", "北京海关甜水园办公区"},
       {"West gate hall, No. 6 Tianshuiyuan Street, Chaoyang District, Beijing",
        "北京市朝阳区甜水园街6号西门大厅"},
       "010-85734201"},
  };
  g.bring_unlock = {
      {"the business license (original or copy, with the official seal)", "the locked IC card or USBKey"},
      {"营业执照原件或复印件（加盖公章）", "被锁的 IC 卡（含 USBKey）"}};
  g.bring_renew = {{"the business license (original or copy, with the official seal)",
                    "the IC card or USBKey whose certificate is to be extended"},
                   {"营业执照原件或复印件（加盖公章）", "需要更新证书的 IC 卡（含 USBKey）"}};
  g.contact = {
      "Unlocking and certificate renewal are done by the China Electronic Port data sub-center at a business "
      "site; Beijing enterprises can also go to one of the China Construction Bank outlets that issue the "
      "cards.",
      "IC "
      "卡解锁和证书更新由中国电子口岸数据分中心在业务网点办理；北京地区企业也可前往办理发卡业务的中国建设银行"
      "合作网点。"};
  return g;
}

namespace {

Bilingual bilingual(const json& j, const Bilingual& fallback) {
  if (j.is_string()) return {j.get<std::string>(), j.get<std::string>()};
  if (!j.is_object()) return fallback;
  Bilingual b{j.value("en", std::string()), j.value("zh", std::string())};
  return b.en.empty() && b.zh.empty() ? fallback : b;
}

std::vector<std::string> strings(const json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& v : j)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

BilingualList bilingual_list(const json& j, const BilingualList& fallback) {
  if (!j.is_object()) return fallback;
  BilingualList l{strings(j.value("en", json())), strings(j.value("zh", json()))};
  return l.en.empty() && l.zh.empty() ? fallback : l;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

}  // namespace

Guidance guidance_from_json(const json& r) {
  Guidance g = default_guidance();
  if (!r.is_object()) return g;
  if (r.contains("sites") && r["sites"].is_array() && !r["sites"].empty()) {
    g.sites.clear();
    for (const auto& s : r["sites"])
      if (s.is_object())
        g.sites.push_back({bilingual(s.value("name", json()), {}), bilingual(s.value("address", json()), {}),
                           s.value("phone", std::string())});
  }
  json bring = r.value("bring", json());
  if (bring.is_object()) {
    g.bring_unlock = bilingual_list(bring.value("unlock", json()), g.bring_unlock);
    g.bring_renew = bilingual_list(bring.value("renew", json()), g.bring_renew);
  }
  g.contact = bilingual(r.value("contact", json()), g.contact);
  return g;
}

json guidance_to_json(const Guidance& g) {
  json sites = json::array();
  for (const auto& s : g.sites)
    sites.push_back({{"name", {{"en", s.name.en}, {"zh", s.name.zh}}},
                     {"address", {{"en", s.address.en}, {"zh", s.address.zh}}},
                     {"phone", s.phone}});
  return {{"sites", sites},
          {"bring",
           {{"unlock", {{"en", g.bring_unlock.en}, {"zh", g.bring_unlock.zh}}},
            {"renew", {{"en", g.bring_renew.en}, {"zh", g.bring_renew.zh}}}}},
          {"contact", {{"en", g.contact.en}, {"zh", g.contact.zh}}}};
}

namespace {

void add_bring(Lang lang, const BilingualList& bring, std::vector<std::string>& out) {
  std::string sep = lang == Lang::zh ? "、" : "; ";
  out.push_back(trf(lang, "guide.bring", {{"items", join(bring.in(lang), sep)}}));
}

}  // namespace

bool needs_visit(Problem p) {
  return p == Problem::pin_blocked || p == Problem::puk_blocked || p == Problem::cert_expired ||
         p == Problem::cert_expiring;
}

std::vector<std::string> sites_block(Lang lang, const Guidance& g) {
  std::vector<std::string> out{tr(lang, "guide.where")};
  for (const auto& s : g.sites)
    out.push_back(trf(lang, "guide.site",
                      {{"name", s.name.in(lang)}, {"address", s.address.in(lang)}, {"phone", s.phone}}));
  if (!g.contact.in(lang).empty())
    out.push_back(trf(lang, "guide.contact", {{"contact", g.contact.in(lang)}}));
  return out;
}

namespace {

std::string date_of(const std::string& iso) { return iso.size() >= 10 ? iso.substr(0, 10) : iso; }

}  // namespace

std::vector<std::string> advice_for(Lang lang, const Finding& f, const Guidance& g, bool with_sites) {
  std::map<std::string, std::string> v{{"token", f.token},
                                       {"slot", f.slot},
                                       {"days", std::to_string(f.days_left)},
                                       {"ago", std::to_string(-f.days_left)},
                                       {"date", date_of(f.not_after)}};
  // An SKF USBKey (skf:<label>:<serial>) stores a certificate after its user PIN, not a management key.
  const char* renew_desk = f.token.rfind("skf:", 0) == 0 ? "advice.renew.desk_pin" : "advice.renew.desk";
  std::vector<std::string> out;
  switch (f.problem) {
    case Problem::pin_blocked:
      out = {trf(lang, "advice.pin_blocked", v), trf(lang, "advice.pin_blocked.desk", v),
             tr(lang, "advice.holder_unlock")};
      add_bring(lang, g.bring_unlock, out);
      break;
    case Problem::pin_final_try: out = {trf(lang, "advice.pin_final_try", v)}; break;
    case Problem::pin_default: out = {trf(lang, "advice.pin_default", v)}; break;
    case Problem::puk_blocked:
      out = {trf(lang, "advice.puk_blocked", v), tr(lang, "advice.holder_replace")};
      add_bring(lang, g.bring_unlock, out);
      break;
    case Problem::cert_expired:
      out = {trf(lang, "advice.cert_expired", v), tr(lang, "advice.holder_renew")};
      add_bring(lang, g.bring_renew, out);
      out.push_back(trf(lang, renew_desk, v));
      break;
    case Problem::cert_expiring:
      out = {trf(lang, "advice.cert_expiring", v), tr(lang, "advice.holder_renew_soon")};
      add_bring(lang, g.bring_renew, out);
      out.push_back(trf(lang, renew_desk, v));
      break;
    case Problem::cert_not_yet_valid: out = {trf(lang, "advice.cert_not_yet_valid", v)}; break;
  }
  if (with_sites && needs_visit(f.problem)) {
    auto sites = sites_block(lang, g);
    out.insert(out.end(), sites.begin(), sites.end());
  }
  return out;
}

}  // namespace eport::client
