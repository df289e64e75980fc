#pragma once
// Slots as the token's driver lists them: the host knows no slot names of its own (a PIV "9a",
// a PKCS#11 CKA_ID in hex, an SKF "<application>/<container>/sign" are all just slots).

#include <optional>
#include <string>
#include <vector>

#include "cardops/failure.hpp"
#include "devices/token_job.hpp"
#include "drivers/types.hpp"

namespace eport::cardops {

/// The token's slots (cert_list); empty when the driver cannot list them. On the worker.
std::vector<drivers::SlotInfo> token_slots(devices::TokenSession& session);

/// `known` (the token's latest listing, SlotLabels) when not empty, else token_slots(): naming
/// the slots after a refusal costs the token nothing when they were listed before.
std::vector<drivers::SlotInfo> known_or_listed(devices::TokenSession& session,
                                               const std::vector<drivers::SlotInfo>& known);

/// The listed spelling of `slot` when the token has it under another case ("9A" -> "9a");
/// nullopt when no listed slot matches.
std::optional<std::string> listed_slot(const std::vector<drivers::SlotInfo>& slots, const std::string& slot);

/// The -32602 answer for a slot the token does not have, naming the slots it has.
Failure unknown_slot(const std::string& slot, const std::vector<drivers::SlotInfo>& slots);

}  // namespace eport::cardops
