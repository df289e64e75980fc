#pragma once
// `eport-vcard show`: a readable summary of a state file (program-private).
#include <ostream>

#include <eport/vcard/card_state.hpp>

namespace eport::vcard::tool {

/// Prints serial, version, counters, management key and per-slot keys and certificates.
void print_state(std::ostream& out, const CardState& state);

}  // namespace eport::vcard::tool
