#pragma once
// The protocol's error reasons as names the compiler checks (reasons::busy, ...) and as a table,
// both made from reasons.def. Header-only; no dependencies.

#include <cstddef>
#include <string_view>

namespace eport::reasons {

// One constant per reason, spelled as on the wire: reasons::wrong_puk == "wrong_puk".
#define EPORT_REASON(name, extension, extra, meaning) inline constexpr char name[] = #name;
#include "eport/common/reasons.def"
#undef EPORT_REASON

/// One row of reasons.def.
struct ReasonInfo {
  const char* name;     ///< error.data.reason
  bool extension;       ///< eportd's addition to the design contract
  const char* extra;    ///< further error.data fields (Markdown), "" for none
  const char* meaning;  ///< what it means (Markdown)
};

/// Every reason, in the order of reasons.def (= docs/protocol.md's table).
inline constexpr ReasonInfo kAll[] = {
#define EPORT_REASON(name, extension, extra, meaning) {#name, (extension) != 0, extra, meaning},
#include "eport/common/reasons.def"
#undef EPORT_REASON
};

/// True when `name` is one of the protocol's reasons.
constexpr bool is_known(std::string_view name) {
  for (const auto& info : kAll)
    if (name == info.name) return true;
  return false;
}

}  // namespace eport::reasons
