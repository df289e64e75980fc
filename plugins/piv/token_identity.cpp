// Token: opening (identity, Key History) and the slot list.
#include <eport/driver.h>

#include "piv_error.hpp"
#include "status_words.hpp"
#include "token.hpp"

namespace eport::piv {

namespace {
constexpr uint32_t kTagChuid = 0x5FC102;
constexpr uint32_t kTagKeyHistory = 0x5FC10C;
}  // namespace

Token::Token(const DriverOptions& options, Logger log, SteadyClock clock)
    : options_(options), log_(std::move(log)), certs_(options.cert_cache, std::move(clock)) {}

void Token::select(PivCard& card) {
  const uint64_t session = card.session();
  if (session != 0 && session == selected_in_) return;  // nobody else reached the card since
  selected_in_ = 0;
  card.require_select();
  selected_in_ = session;
}

void Token::learn_serial(PivCard& card) {
  identity_.serial = card.get_serial();
  identity_.serial_source = identity_.serial.empty() ? "" : "serial";
  if (identity_.serial.empty()) {
    const Response chuid = card.get_data(kTagChuid);
    if (chuid.sw == kSwOk) identity_.serial = serial_from_chuid(chuid.data);
    identity_.serial_source = identity_.serial.empty() ? "" : "chuid";
  }
}

void Token::open(PivCard& card) {
  identity_.model = "PIV";
  selected_in_ = card.session();  // match() selected PIV in this same transaction
  learn_serial(card);
  // match() selected PIV just before; should something have come between, select again once
  // rather than open a token without a stable serial.
  if (identity_.serial.empty() && card.select()) learn_serial(card);
  if (identity_.serial.empty()) {
    log_(EPORT_LOG_WARNING, "card has neither GET SERIAL nor a CHUID with a GUID/FASC-N: no stable serial");
    identity_.label = "PIV card";
  } else {
    identity_.label = "PIV card " + identity_.serial;
  }
  const Response history = card.get_data(kTagKeyHistory);
  if (history.sw == kSwOk) {
    if (const auto parsed = parse_key_history(history.data)) key_history_ = *parsed;
  }
}

std::vector<Slot> Token::slots() const {
  std::vector<Slot> all = standard_slots();
  for (Slot& retired : retired_slots(key_history_.on_card_certs)) all.push_back(std::move(retired));
  return all;
}

std::optional<Metadata> Token::metadata_if_supported(PivCard& card, uint8_t ref) {
  if (metadata_supported_ == false) return std::nullopt;
  const MetadataAnswer answer = card.get_metadata(ref);
  if (answer.unsupported()) {
    metadata_supported_ = false;  // a card's command set does not change: never ask again
    return std::nullopt;
  }
  if (answer.sw == kSwOk) metadata_supported_ = true;
  return answer.value;
}

}  // namespace eport::piv
