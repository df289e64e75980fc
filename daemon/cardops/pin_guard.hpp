#pragma once
// The final-try guards of pin.reset (the PUK) and pin.change / pin.verify (the PIN), and what a PUK attempt
// teaches about the counter. Pure: the card methods read the figures, these rules decide.
//
// eportd never spends the last try of a PUK or a PIN unless the caller says `force`: a blocked
// PUK means a new card and a trip to a business site, and any `eport` member may call
// pin.change, so it must not be a way to block someone's PIN.

#include <cstdint>
#include <optional>
#include <string>

#include "cardops/failure.hpp"
#include "cardops/puk_memory.hpp"
#include "drivers/status.hpp"
#include "drivers/types.hpp"

namespace eport::cardops {

/// What eportd knows about a PUK counter before an attempt, and where it comes from.
struct PukKnowledge {
  std::optional<int> tries_left;  ///< tries left, when known
  bool blocked = false;           ///< known to be blocked
  bool final_try = false;         ///< the token states one try is left without a count (PKCS#11)
  std::string source = "none";    ///< "metadata" (the card says so now), "last_answer", "none"
  std::int64_t as_of = 0;         ///< last_answer: when the card said so (unix seconds)
};

/// The PUK figures the driver read now (no try spent), else the card's last answer, else none.
PukKnowledge know_puk(const std::optional<drivers::PinInfo>& now, const std::optional<PukAnswer>& last);

/// Why a PUK attempt must not go out: blocked (the card said so now, or its last answer did and
/// `force` is not set), or on its final try without `force`. nullopt = go ahead.
std::optional<Failure> puk_guard(const PukKnowledge& known, bool force);

/// Why a pin.change (or pin.verify: `operation`) must not go out: the PIN is blocked, or on its
/// final try without `force`.
std::optional<Failure> pin_guard(const drivers::PinInfo& pin, bool force,
                                 Operation operation = Operation::pin_change);

/// What a PUK attempt that reached the card says about the counter: a wrong PUK (63Cx: tries
/// left), a blocked one (6983), a right one (back to its maximum). nullopt when the attempt
/// failed otherwise (nothing learnt).
std::optional<PukAnswer> puk_answer(drivers::Status status, const drivers::PinInfo& figures,
                                    std::int64_t now);

}  // namespace eport::cardops
