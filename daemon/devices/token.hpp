#pragma once
// What readers.list and tokens.list show: plain copies, safe to hand to any thread.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "drivers/types.hpp"

namespace eport::devices {

/// PROTOCOL.md's Token object.
struct Token {
  /// Stable id, "<driver>:<serial>" (e.g. "piv:0001e240"); see token_id.hpp.
  std::string id;
  /// Driver name ("piv").
  std::string driver;
  /// "smartcard" for cards in PC/SC readers.
  std::string kind = "smartcard";
  /// PC/SC reader name.
  std::string reader;
  /// Serial, label, model (and manufacturer, not shown) as the driver reports them.
  drivers::TokenIdentity identity;
  /// "ready", or "error" when the card was recognised but could not be opened/identified.
  std::string state = "ready";
  /// What went wrong when state is "error".
  std::optional<std::string> error;

  /// {"id","driver","kind","reader","serial","label","model","state","error"}.
  nlohmann::json to_json() const;
};

/// One entry of readers.list.
struct ReaderInfo {
  /// PC/SC reader name.
  std::string name;
  /// True while a card is in the reader.
  bool card_present = false;
  /// Id of the token on that card, when a driver recognised it.
  std::optional<std::string> token;
  /// ATR in lower-case hex while a card is present.
  std::optional<std::string> atr;

  /// {"name","card_present","token","atr"} with null for absent values.
  nlohmann::json to_json() const;
};

}  // namespace eport::devices
