#include "piv_card.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "pin_codec.hpp"
#include "piv_error.hpp"
#include "status_words.hpp"
#include "tlv.hpp"

namespace eport::piv {

namespace {
constexpr uint8_t kInsSelect = 0xA4;
constexpr uint8_t kInsGetData = 0xCB;
constexpr uint8_t kInsPutData = 0xDB;
constexpr uint8_t kInsVerify = 0x20;
constexpr uint8_t kInsChangeReference = 0x24;
constexpr uint8_t kInsResetRetry = 0x2C;
constexpr uint8_t kInsGetMetadata = 0xF7;
constexpr uint8_t kInsGetSerial = 0xF8;
constexpr uint32_t kTagDiscovery = 0x7E;

/// The tag list `5C 03 5F C1 xx` (or `5C 01 7E`) naming a data object.
Bytes tag_list(uint32_t tag) {
  Bytes tag_bytes;
  if (tag > 0xFFFF) tag_bytes.push_back(static_cast<uint8_t>(tag >> 16));
  if (tag > 0xFF) tag_bytes.push_back(static_cast<uint8_t>(tag >> 8));
  tag_bytes.push_back(static_cast<uint8_t>(tag & 0xFF));
  Bytes out;
  append_tlv(out, 0x5C, tag_bytes);
  return out;
}

Command simple(uint8_t ins, uint8_t p1, uint8_t p2, int le) {
  Command command;
  command.ins = ins;
  command.p1 = p1;
  command.p2 = p2;
  command.le = le;
  return command;
}
}  // namespace

bool MetadataAnswer::unsupported() const {
  return is_unsupported_sw(sw) && sw != 0x6A86 && sw != 0x6B00;  // wrong P2 = unknown reference
}

bool PivCard::select() {
  Command command = simple(kInsSelect, 0x04, 0x00, kLeMax);
  command.data = {0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00};
  command.fetch_more = false;
  const Response response = channel_.exchange(command);
  return response.sw == kSwOk || response.sw1() == 0x61;
}

void PivCard::require_select() {
  if (!select()) {
    throw PivError(EPORT_ERR_CARD_ERROR, "the card no longer answers SELECT of the PIV application");
  }
}

Response PivCard::get_data(uint32_t tag) {
  Command command = simple(kInsGetData, 0x3F, 0xFF, kLeMax);
  command.data = tag_list(tag == kTagDiscovery ? kTagDiscovery : tag);
  return channel_.exchange(command);
}

uint16_t PivCard::put_data(uint32_t tag, const Bytes& object) {
  Command command = simple(kInsPutData, 0x3F, 0xFF, kNoLe);
  command.data = tag_list(tag);
  command.data.insert(command.data.end(), object.begin(), object.end());
  return channel_.exchange(command).sw;
}

MetadataAnswer PivCard::get_metadata(uint8_t ref) {
  const Response response = channel_.exchange(simple(kInsGetMetadata, 0x00, ref, kLeMax));
  MetadataAnswer answer;
  answer.sw = response.sw;
  if (response.sw == kSwOk) answer.value = parse_metadata(response.data);
  return answer;
}

std::string PivCard::get_serial() {
  const Response response = channel_.exchange(simple(kInsGetSerial, 0x00, 0x00, kLeMax));
  return response.sw == kSwOk ? serial_from_f8(response.data) : "";
}

uint16_t PivCard::verify_status() {
  // `00 20 00 80 00` as yubico-piv-tool sends it: the trailing 00 reads as Le, no data, no try.
  return channel_.exchange(simple(kInsVerify, 0x00, kRefPin, kLeMax)).sw;
}

uint16_t PivCard::clear_pin_verification() {
  return channel_.exchange(simple(kInsVerify, 0xFF, kRefPin, kNoLe)).sw;
}

uint16_t PivCard::send_pin_pair(uint8_t ins, uint8_t ref, const char* first, size_t first_len,
                                const char* second, size_t second_len) {
  Command command = simple(ins, 0x00, ref, kNoLe);
  command.secret = true;
  command.data.reserve(2 * kPinMaxLength);  // no reallocation: no stray copies of the PIN
  append_padded_pin(command.data, first, first_len);
  append_padded_pin(command.data, second, second_len);
  return channel_.exchange(command).sw;  // `command` wipes the PINs when it goes away
}

uint16_t PivCard::verify_pin(const char* pin, size_t pin_len) {
  Command command = simple(kInsVerify, 0x00, kRefPin, kNoLe);
  command.secret = true;
  command.data.reserve(kPinMaxLength);  // no reallocation: no stray copies of the PIN
  append_padded_pin(command.data, pin, pin_len);
  return channel_.exchange(command).sw;  // `command` wipes the PIN when it goes away
}

uint16_t PivCard::reset_retry_counter(const char* puk, size_t puk_len, const char* pin, size_t pin_len) {
  return send_pin_pair(kInsResetRetry, kRefPin, puk, puk_len, pin, pin_len);
}

uint16_t PivCard::change_reference_data(uint8_t ref, const char* old_pin, size_t old_len, const char* new_pin,
                                        size_t new_len) {
  return send_pin_pair(kInsChangeReference, ref, old_pin, old_len, new_pin, new_len);
}

void PivCard::authenticate(MgmtAlgorithm algorithm, const SecureBytes& key) {
  const size_t block = mgmt_block_size(algorithm);
  const Response first = channel_.exchange(witness_request(algorithm));
  if (first.sw == kSwSecurityStatus || tries_from_sw(first.sw) >= 0 || first.sw == 0x6A80 ||
      first.sw == 0x6A86) {
    // The card does not accept this algorithm for 9B: the key (or its type) is not the card's.
    throw PivError(EPORT_ERR_WRONG_MGMT_KEY,
                   "card refused management-key authentication: " + describe_sw(first.sw));
  }
  if (first.sw != kSwOk)
    throw PivError(status_for_sw(first.sw), "GENERAL AUTHENTICATE: " + describe_sw(first.sw));
  const auto encrypted_witness = parse_witness(first.data, block);
  if (!encrypted_witness) throw PivError(EPORT_ERR_CARD_ERROR, "malformed witness from the card");
  const SecureBytes witness = mgmt_crypt_block(algorithm, key, encrypted_witness->data(), false);
  Bytes challenge(block);
  if (RAND_bytes(challenge.data(), static_cast<int>(block)) != 1) {
    throw PivError(EPORT_ERR_INTERNAL, "no random bytes for the challenge");
  }
  const Response second = channel_.exchange(challenge_command(algorithm, witness, challenge));
  if (second.sw != kSwOk) {
    throw PivError(EPORT_ERR_WRONG_MGMT_KEY, "card refused the management key: " + describe_sw(second.sw));
  }
  const auto answer = parse_challenge_response(second.data, block);
  const SecureBytes expected = mgmt_crypt_block(algorithm, key, challenge.data(), true);
  if (!answer || CRYPTO_memcmp(answer->data(), expected.data(), block) != 0) {
    throw PivError(EPORT_ERR_CARD_ERROR, "the card did not prove it holds the management key");
  }
}

}  // namespace eport::piv
