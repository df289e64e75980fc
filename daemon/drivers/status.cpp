#include "drivers/status.hpp"

#include <eport/driver.h>

namespace eport::drivers {

namespace {

struct StatusText {
  const char* name;
  const char* description;
};

// Indexed by the status value; keep in the order of the enum.
constexpr StatusText kTexts[] = {
    {"ok", "success"},
    {"no_match", "the card is not handled by this driver"},
    {"buffer_too_small", "the answer did not fit the buffer"},
    {"unsupported", "the driver or this card model cannot do this"},
    {"wrong_pin", "the PIN or PUK was wrong"},
    {"pin_blocked", "the PIN or PUK is blocked"},
    {"invalid_pin", "the new PIN does not fit the card's rules; nothing was sent to the card"},
    {"wrong_mgmt_key", "the card refused the management key"},
    {"mgmt_key_required", "a management key is needed and none was given or configured"},
    {"not_found", "the object does not exist (empty slot or unknown token)"},
    {"card_removed", "the card was removed during the operation; insert it and retry"},
    {"transmit", "communication with the card failed; reinsert the card and retry"},
    {"timeout", "the card did not answer in time; reinsert the card and retry"},
    {"bad_args", "invalid arguments were passed to the driver"},
    {"card_error", "the card answered with an unexpected status"},
    {"no_memory", "the driver ran out of memory"},
    {"internal", "internal error in the driver; see the daemon log"},
};

static_assert(sizeof(kTexts) / sizeof(kTexts[0]) == EPORT_ERR_LAST + 1, "one text per ABI status code");
static_assert(static_cast<int>(Status::Internal) == EPORT_ERR_INTERNAL &&
                  static_cast<int>(Status::WrongPin) == EPORT_ERR_WRONG_PIN &&
                  static_cast<int>(Status::Timeout) == EPORT_ERR_TIMEOUT,
              "Status values equal the ABI codes");

}  // namespace

const char* to_string(Status status) {
  const auto index = static_cast<std::int32_t>(status);
  return is_known_status(index) ? kTexts[index].name : "unknown";
}

const char* describe(Status status) {
  const auto index = static_cast<std::int32_t>(status);
  return is_known_status(index) ? kTexts[index].description : "unknown status";
}

bool is_known_status(std::int32_t raw) { return raw >= EPORT_OK && raw <= EPORT_ERR_LAST; }

std::int32_t to_abi(Status status) { return static_cast<std::int32_t>(status); }

}  // namespace eport::drivers
