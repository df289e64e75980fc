#include "config/guidance_schema.hpp"

namespace eport::config {

namespace {

using nlohmann::json;

std::optional<json> bilingual_text(YamlReader& reader, const Field& field) {
  auto fields = reader.map_fields(field, {"en", "zh"});
  if (!fields) return std::nullopt;
  json text = json::object();
  for (const char* lang : {"en", "zh"}) {
    auto it = fields->find(lang);
    if (it == fields->end()) {
      reader.fail(field.line, field.key + "." + lang,
                  "missing; give the text in English (en) and Chinese (zh)");
      return std::nullopt;
    }
    auto value = reader.string(it->second);
    if (!value) return std::nullopt;
    text[lang] = *value;
  }
  return text;
}

std::optional<json> bilingual_list(YamlReader& reader, const Field& field) {
  auto fields = reader.map_fields(field, {"en", "zh"});
  if (!fields) return std::nullopt;
  json lists = json::object();
  for (const char* lang : {"en", "zh"}) {
    auto it = fields->find(lang);
    if (it == fields->end()) {
      reader.fail(field.line, field.key + "." + lang,
                  "missing; give the list in English (en) and Chinese (zh)");
      return std::nullopt;
    }
    auto items = reader.string_list(it->second);
    if (!items) return std::nullopt;
    lists[lang] = *items;
  }
  return lists;
}

std::optional<json> one_site(YamlReader& reader, const Field& field) {
  auto fields = reader.map_fields(field, {"name", "address", "phone"});
  if (!fields) return std::nullopt;
  json site = json::object();
  for (const char* part : {"name", "address"}) {
    auto it = fields->find(part);
    if (it == fields->end()) {
      reader.fail(field.line, field.key + "." + part, "missing; every site needs a name and an address");
      return std::nullopt;
    }
    auto text = bilingual_text(reader, it->second);
    if (!text) return std::nullopt;
    site[part] = *text;
  }
  site["phone"] = nullptr;
  if (auto it = fields->find("phone"); it != fields->end()) {
    auto phone = reader.string(it->second);
    if (!phone) return std::nullopt;
    site["phone"] = *phone;
  }
  return site;
}

void read_sites(YamlReader& reader, const Field& field, json& guidance) {
  auto items = reader.sequence(field);
  if (!items) return;
  json sites = json::array();
  for (const auto& item : *items) {
    auto site = one_site(reader, item);
    if (!site) return;
    sites.push_back(*site);
  }
  guidance["sites"] = sites;
}

void read_bring(YamlReader& reader, const Field& field, json& guidance) {
  auto fields = reader.map_fields(field, {"unlock", "renew", "replace"});
  if (!fields) return;
  json bring = guidance.value("bring", json::object());
  for (const auto& [name, entry] : *fields) {
    auto lists = bilingual_list(reader, entry);
    if (lists) bring[name] = *lists;
  }
  guidance["bring"] = bring;
}

}  // namespace

nlohmann::json read_guidance(YamlReader& reader, const Field& field, nlohmann::json defaults) {
  auto fields = reader.map_fields(field, {"sites", "bring", "contact"});
  if (!fields) return defaults;
  if (auto it = fields->find("sites"); it != fields->end()) read_sites(reader, it->second, defaults);
  if (auto it = fields->find("bring"); it != fields->end()) read_bring(reader, it->second, defaults);
  if (auto it = fields->find("contact"); it != fields->end()) {
    if (auto text = bilingual_text(reader, it->second)) defaults["contact"] = *text;
  }
  return defaults;
}

}  // namespace eport::config
