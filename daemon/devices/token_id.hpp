#pragma once
// Token ids: derived from what the card says about itself, never from the reader, so that the
// same card keeps its id across re-insertion and daemon restarts.

#include <set>
#include <string>

namespace eport::devices {

/// "<driver>:<serial>" with characters outside [A-Za-z0-9._-] replaced by '_'
/// ("piv:0001e240"); an empty serial becomes "unknown".
std::string token_id_for(const std::string& driver, const std::string& serial);

/// Id of a token provider's token: the id the provider gave (ABI 1.1 eport_token_info.id, e.g.
/// "p11:softhsm:63c85daa8f665c71") with characters outside [A-Za-z0-9._:-] replaced by '_';
/// "<driver>:<serial>" when it gave none.
std::string provider_token_id(const std::string& driver, const std::string& id, const std::string& serial);

/// Id for a card a driver recognised but could not identify: "<driver>:reader-<reader>",
/// stable while the card stays in that reader.
std::string unidentified_token_id(const std::string& driver, const std::string& reader);

/// Hands out unique ids among the tokens present. Two cards with the same serial (a cloned or
/// badly personalised card) in two readers: the first keeps the plain id, the next gets
/// "-2", "-3", … Not thread-safe: the registry guards it.
class TokenIdAllocator {
 public:
  /// A free id based on `base`; `duplicate` is set to true when a suffix was needed.
  std::string acquire(const std::string& base, bool& duplicate);
  /// Gives an id back (the token went away).
  void release(const std::string& id);
  /// True while `id` is handed out.
  bool in_use(const std::string& id) const { return used_.count(id) != 0; }

 private:
  std::set<std::string> used_;
};

}  // namespace eport::devices
