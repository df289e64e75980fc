#pragma once
// Loads eport-piv.so with dlopen and drives it through its exported table, as eportd does, with
// a transmit that forwards every APDU to an in-process eport::vcard::Card (the real virtual card
// implementation) and records it.

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <eport/driver.h>
#include <eport/vcard/card.hpp>
#include <eport/vcard/personalise.hpp>

namespace piv_test {

using Bytes = std::vector<uint8_t>;

/// A card reachable through the host's transmit: a virtual card, optionally with a filter that
/// may answer some commands itself (to play a card without GET METADATA, say).
struct CardSlot {
  eport::vcard::Card card;
  std::vector<Bytes> apdus;  ///< every command the plug-in sent
  /// Returns true and fills `answer` to answer instead of the card.
  std::function<bool(const Bytes& command, Bytes& answer)> filter;
  /// Not EPORT_OK: every transmit fails with this status (a pulled card, a dead reader).
  int32_t transmit_status = EPORT_OK;
  /// What eport_host.channel_session answers: the host's current card transaction (0 = unknown).
  uint64_t session = 0;

  explicit CardSlot(eport::vcard::CardState state) : card(std::move(state)) {}
  /// Remove and re-insert: volatile state (selection, authentication) is gone.
  void reinsert() { card.reset(); }
};

}  // namespace piv_test

/// The host's channel: which card the current call talks to.
struct eport_channel {
  piv_test::CardSlot* slot = nullptr;
};

namespace piv_test {

/// The plug-in, loaded and initialised with `options_json`.
class Plugin {
 public:
  explicit Plugin(const std::string& options_json = "{}");
  ~Plugin();
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  /// The exported table.
  const eport_driver_ops& ops() const { return *ops_; }
  /// The context from init().
  eport_driver* driver() const { return driver_; }
  /// Status init() returned.
  int32_t init_status() const { return init_status_; }
  /// Raw dlopen handle (for dlsym checks).
  void* handle() const { return handle_; }
  /// Log lines the plug-in wrote.
  const std::vector<std::string>& log() const { return log_; }

 private:
  static void log_callback(void* ctx, int32_t level, const char* message);

  void* handle_ = nullptr;
  const eport_driver_ops* ops_ = nullptr;
  eport_host host_{};
  eport_driver* driver_ = nullptr;
  int32_t init_status_ = -1;
  std::string options_;
  std::vector<std::string> log_;
};

/// A card inserted into a reader, matched and opened by the plug-in.
class OpenCard {
 public:
  OpenCard(Plugin& plugin, CardSlot& slot);
  ~OpenCard();
  OpenCard(const OpenCard&) = delete;
  OpenCard& operator=(const OpenCard&) = delete;

  /// The token from open_token().
  eport_token* token() const { return token_; }
  /// The channel to pass to operations.
  eport_channel* channel() { return &channel_; }
  /// APDUs sent since the last call of this function.
  size_t take_apdu_count();

  eport_token_info identify();
  int32_t pin_status(uint32_t which, eport_pin_info& info);
  int32_t pin_reset(const std::string& puk, const std::string& new_pin, eport_pin_info& info);
  int32_t pin_change(uint32_t which, const std::string& old_pin, const std::string& new_pin,
                     eport_pin_info& info);
  int32_t pin_verify(uint32_t which, const std::string& pin, eport_pin_info& info);
  int32_t cert_list(std::vector<eport_slot_info>& slots);
  int32_t cert_read(const char* slot, Bytes& der);
  int32_t cert_write(const char* slot, const Bytes& der, const Bytes& key);
  int32_t slot_public_key(const char* slot, Bytes& spki);

  int32_t match_status = -1;  ///< what match() answered
  int32_t open_status = -1;   ///< what open_token() answered

 private:
  Plugin& plugin_;
  CardSlot& slot_;
  eport_channel channel_{};
  eport_token* token_ = nullptr;
  size_t counted_ = 0;
};

/// A fresh eport_pin_info as the host pre-fills it (everything unknown).
eport_pin_info unknown_pin_info();

/// A card state from `eport-vcard init`-style options (serial 123456 unless set).
eport::vcard::CardState make_card(eport::vcard::PersonaliseOptions options = {});

/// Send one APDU to the card directly, as another program would.
Bytes send_direct(CardSlot& slot, const Bytes& apdu);

/// A self-signed certificate for a new P-256 key, padded with subjectAltNames to at least
/// `min_size` bytes of DER.
Bytes make_certificate(size_t min_size, int days_valid = 365);

/// SubjectPublicKeyInfo DER of a certificate.
Bytes spki_of_certificate(const Bytes& der);

/// The DER certificate stored in `slot`'s object of the card, or empty.
Bytes stored_certificate(const CardSlot& slot, uint32_t tag);

}  // namespace piv_test
