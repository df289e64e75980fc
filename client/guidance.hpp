#pragma once
// Guidance for card holders: what to bring and where to go (from eportd's guidance.get).

#include "health.hpp"
#include "i18n.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace eport::client {

/// A text in both languages.
struct Bilingual {
  std::string en;  ///< English
  std::string zh;  ///< Simplified Chinese
  /// The text in `lang` (the English one when the Chinese one is empty).
  const std::string& in(Lang lang) const { return lang == Lang::zh && !zh.empty() ? zh : en; }
};

/// A list of items (documents to bring) in both languages.
struct BilingualList {
  std::vector<std::string> en;  ///< English items
  std::vector<std::string> zh;  ///< Chinese items
  /// The items in `lang` (the English ones when there are no Chinese ones).
  const std::vector<std::string>& in(Lang lang) const { return lang == Lang::zh && !zh.empty() ? zh : en; }
};

/// A business site where cards are unlocked and certificates extended.
struct Site {
  Bilingual name;     ///< e.g. "Capital Airport Customs"
  Bilingual address;  ///< street address
  std::string phone;  ///< telephone number
};

/// The guidance texts of one customs district.
struct Guidance {
  std::vector<Site> sites;     ///< where to go
  BilingualList bring_unlock;  ///< documents to bring to unlock a card
  BilingualList bring_renew;   ///< documents to bring to extend a certificate
  Bilingual contact;           ///< who to ask
};

/// The built-in guidance (Beijing business sites), used when eportd has no guidance.get.
Guidance default_guidance();

/// Guidance from a guidance.get result; every missing part falls back to the built-in one.
Guidance guidance_from_json(const nlohmann::json& result);

/// The guidance as JSON in guidance.get's shape.
nlohmann::json guidance_to_json(const Guidance& g);

/// Plain-words advice for one finding: first line what is wrong, then what to do and what to bring;
/// with `with_sites` also where to go (the sites block).
std::vector<std::string> advice_for(Lang lang, const Finding& finding, const Guidance& guidance,
                                    bool with_sites = true);

/// True when the card holder has to go to a business site for this problem.
bool needs_visit(Problem p);

/// "Where to go:" followed by one line per business site and the contact text.
std::vector<std::string> sites_block(Lang lang, const Guidance& g);

}  // namespace eport::client
