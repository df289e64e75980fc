// Token: certificate slots — list, read, write, and the slot's public key.
#include <eport/driver.h>

#include "cert_object.hpp"
#include "piv_error.hpp"
#include "spki.hpp"
#include "status_words.hpp"
#include "token.hpp"

namespace eport::piv {

SlotContent Token::read_slot(PivCard& card, const Slot& slot) {
  const Response response = card.get_data(slot.object_tag);
  if (response.sw == kSwNotFound) return std::nullopt;
  if (response.sw != kSwOk) {
    throw PivError(status_for_sw(response.sw),
                   "GET DATA of slot " + slot.name() + ": " + describe_sw(response.sw));
  }
  try {
    return parse_certificate_object(response.data).der;
  } catch (const PivError& error) {
    if (error.status() == EPORT_ERR_NOT_FOUND) return std::nullopt;  // an emptied object
    throw PivError(error.status(), "slot " + slot.name() + ": " + error.what());
  }
}

std::vector<SlotReport> Token::cert_list(PivCard& card) {
  select(card);
  std::vector<SlotReport> reports;
  for (const Slot& slot : slots()) {
    SlotReport report{slot, -1};
    try {
      SlotContent content = read_slot(card, slot);
      report.has_certificate = content ? 1 : 0;
      certs_.put(slot.key_ref, std::move(content));
    } catch (const PivError& error) {
      if (error.status() != EPORT_ERR_CARD_ERROR) throw;  // removed card, transmit failure
      log_(EPORT_LOG_WARNING, std::string("cert_list: ") + error.what());
    }
    reports.push_back(std::move(report));
  }
  return reports;
}

Bytes Token::cert_read(PivCard& card, const Slot& slot) {
  std::optional<SlotContent> content = certs_.take(slot.key_ref);
  if (!content) {
    select(card);
    content = read_slot(card, slot);
  }
  if (!*content) throw PivError(EPORT_ERR_NOT_FOUND, "slot " + slot.name() + " holds no certificate");
  return std::move(**content);
}

MgmtAlgorithm Token::choose_mgmt_algorithm(PivCard& card, size_t key_len) {
  if (const auto meta = metadata_if_supported(card, kRefMgmtKey)) {
    if (const auto algorithm = mgmt_algorithm_from_id(meta->algorithm)) {
      if (mgmt_key_length(*algorithm) != key_len) {
        throw PivError(EPORT_ERR_WRONG_MGMT_KEY, "the management key given is " + std::to_string(key_len) +
                                                     " bytes; the card's is " +
                                                     std::to_string(mgmt_key_length(*algorithm)));
      }
      return *algorithm;
    }
  }
  const auto algorithm = mgmt_algorithm_from_key_length(key_len);
  if (!algorithm) {
    throw PivError(EPORT_ERR_WRONG_MGMT_KEY,
                   "a management key is 16, 24 or 32 bytes, not " + std::to_string(key_len));
  }
  return *algorithm;
}

void Token::cert_write(PivCard& card, const Slot& slot, const Bytes& der, const SecureBytes& key) {
  if (der.empty() || der.size() > kMaxCertificate) {
    throw PivError(EPORT_ERR_BAD_ARGS, "certificate size " + std::to_string(der.size()) + " is outside 1.." +
                                           std::to_string(kMaxCertificate));
  }
  certs_.clear();
  select(card);
  card.authenticate(choose_mgmt_algorithm(card, key.size()), key);
  const uint16_t sw = card.put_data(slot.object_tag, build_certificate_object(der));
  if (sw != kSwOk) {
    const std::string hint = sw == 0x6A84 ? " — the card has no room for this certificate" : "";
    throw PivError(EPORT_ERR_CARD_ERROR, "PUT DATA of slot " + slot.name() + ": " + describe_sw(sw) + hint);
  }
}

Bytes Token::slot_public_key(PivCard& card, const Slot& slot) {
  select(card);
  if (const auto meta = metadata_if_supported(card, slot.key_ref); meta && !meta->public_key.empty()) {
    Bytes spki = spki_from_metadata(meta->algorithm, meta->public_key);
    if (!spki.empty()) return spki;
  }
  SlotContent content;
  if (auto cached = certs_.peek(slot.key_ref)) {
    content = std::move(*cached);
  } else {
    content = read_slot(card, slot);
  }
  if (!content) {
    throw PivError(
        EPORT_ERR_NOT_FOUND,
        "slot " + slot.name() + ": the card does not tell its public key and holds no certificate");
  }
  return spki_from_certificate(*content);
}

}  // namespace eport::piv
