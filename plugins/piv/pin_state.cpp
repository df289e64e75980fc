#include "pin_state.hpp"

#include <cstddef>

#include "abi_fields.hpp"
#include "pin_codec.hpp"
#include "status_words.hpp"

namespace eport::piv {

PinFigures figures_from_verify_sw(uint16_t sw) {
  PinFigures figures;
  if (sw == kSwOk) {
    figures.blocked = 0;
    figures.source = EPORT_SOURCE_VERIFY_STATUS;
    return figures;
  }
  return figures_from_attempt_sw(sw);
}

PinFigures figures_from_attempt_sw(uint16_t sw) {
  PinFigures figures;
  const int tries = tries_from_sw(sw);
  if (tries >= 0) {
    figures.tries_left = tries;
    figures.blocked = tries == 0 ? 1 : 0;
    figures.source = EPORT_SOURCE_VERIFY_STATUS;
  }
  return figures;
}

PinFigures figures_from_metadata(const Metadata& meta) {
  PinFigures figures;
  figures.is_default = meta.is_default;
  if (meta.retries_left >= 0) {
    figures.tries_left = meta.retries_left;
    figures.blocked = meta.retries_left == 0 ? 1 : 0;
    figures.source = EPORT_SOURCE_METADATA;
  }
  if (meta.retries_total >= 0) {
    figures.max_tries = meta.retries_total;
    figures.max_source = EPORT_SOURCE_METADATA;
  }
  return figures;
}

void write_pin_info(const PinFigures& figures, eport_pin_info* out) {
  if (out == nullptr) return;
  set_field(out, &eport_pin_info::tries_left, static_cast<int32_t>(figures.tries_left));
  set_field(out, &eport_pin_info::max_tries, static_cast<int32_t>(figures.max_tries));
  set_field(out, &eport_pin_info::is_default, static_cast<int32_t>(figures.is_default));
  set_field(out, &eport_pin_info::blocked, static_cast<int32_t>(figures.blocked));
  set_field(out, &eport_pin_info::source, figures.source);
  set_field(out, &eport_pin_info::max_source, figures.max_source);
  set_field(out, &eport_pin_info::min_length, static_cast<int32_t>(kPinMinLength));
  set_field(out, &eport_pin_info::max_length, static_cast<int32_t>(kPinMaxLength));
}

}  // namespace eport::piv
