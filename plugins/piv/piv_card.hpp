#pragma once
// The PIV commands the driver sends, one method each, over an ApduChannel. No policy here:
// which commands an operation needs, and what their answers mean for the ABI, is token_ops'.

#include <cstdint>
#include <optional>
#include <string>

#include "apdu_channel.hpp"
#include "card_data.hpp"
#include "mgmt_auth.hpp"

namespace eport::piv {

/// Key references of the PIN, the PUK and the management key.
constexpr uint8_t kRefPin = 0x80;
constexpr uint8_t kRefPuk = 0x81;
constexpr uint8_t kRefMgmtKey = 0x9B;

/// The answer to GET METADATA.
struct MetadataAnswer {
  uint16_t sw = 0;                ///< the card's status word
  std::optional<Metadata> value;  ///< parsed data when sw was 9000 and the data parsed
  /// True when the card does not know GET METADATA at all (not just this reference).
  bool unsupported() const;
};

/// PIV commands on one card.
class PivCard {
 public:
  /// `channel` must outlive this object.
  explicit PivCard(ApduChannel& channel) : channel_(channel) {}

  /// SELECT the PIV application (`00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00`); true when the
  /// card answers 9000 or 61xx. The FCI behind 61xx is not fetched.
  bool select();
  /// select(), throwing PivError CARD_ERROR when PIV is gone (another applet answered?).
  void require_select();

  /// GET DATA for `tag` (`00 CB 3F FF 05 5C 03 <tag> 00`, or `5C 01 7E`), whole object.
  Response get_data(uint32_t tag);
  /// PUT DATA of `object` (`53 ...`) under `tag`, chained; returns the status word.
  uint16_t put_data(uint32_t tag, const Bytes& object);

  /// GET METADATA (`00 F7 00 <ref> 00`) for a PIN, PUK, the management key or a slot.
  MetadataAnswer get_metadata(uint8_t ref);
  /// GET SERIAL (`00 F8 00 00 00`): 8 hex digits, or "" when the card does not have it.
  std::string get_serial();

  /// Empty VERIFY of the PIN (`00 20 00 80 00`): 63Cx / 6983 / 9000 without spending a try.
  uint16_t verify_status();
  /// VERIFY with P1=FF (`00 20 FF 80`, SP 800-73-4 part 2, 3.2.1): resets the PIN's security
  /// status, so the card is no longer PIN-verified. Sends no PIN and costs no try.
  uint16_t clear_pin_verification();
  /// VERIFY of the PIN (`00 20 00 80 08 PIN`), already checked as sendable: 9000 = right,
  /// 63Cx = wrong with x tries left, 6983 = blocked. Leaves the card PIN-verified on 9000.
  uint16_t verify_pin(const char* pin, size_t pin_len);
  /// RESET RETRY COUNTER (`00 2C 00 80 10 PUK newPIN`); both already checked as sendable.
  uint16_t reset_retry_counter(const char* puk, size_t puk_len, const char* pin, size_t pin_len);
  /// CHANGE REFERENCE DATA (`00 24 00 <ref> 10 old new`) for kRefPin or kRefPuk.
  uint16_t change_reference_data(uint8_t ref, const char* old_pin, size_t old_len, const char* new_pin,
                                 size_t new_len);

  /// Mutual authentication with the management key. Throws PivError WRONG_MGMT_KEY when the card
  /// refuses the key, CARD_ERROR when the card's answer is malformed or does not prove the key.
  void authenticate(MgmtAlgorithm algorithm, const SecureBytes& key);

  /// APDUs sent through the channel so far.
  size_t apdu_count() const { return channel_.apdu_count(); }
  /// The stretch of exclusive card access this call runs in (0 = unknown).
  uint64_t session() const { return channel_.session(); }

 private:
  uint16_t send_pin_pair(uint8_t ins, uint8_t ref, const char* first, size_t first_len, const char* second,
                         size_t second_len);

  ApduChannel& channel_;
};

}  // namespace eport::piv
