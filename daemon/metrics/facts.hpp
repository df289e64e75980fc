#pragma once
// The facts the metrics keep, taken from PROTOCOL.md objects (PinState, Certificate) as events
// and answers carry them. Pure.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace eport::metrics {

/// A PIN's or PUK's figures as a PinState reports them; what is unknown stays empty and gets
/// no sample (a number is never invented).
struct PinFigures {
  std::optional<int> tries_left;   ///< null in the PinState: unknown
  std::optional<int> max_tries;    ///< null: unknown
  std::optional<bool> blocked;     ///< empty when the PinState's state is "unknown"
  std::optional<bool> is_default;  ///< null: unknown

  /// From PROTOCOL.md's PinState object; nullopt when it is not one.
  static std::optional<PinFigures> from_json(const nlohmann::json& pin_state);
  /// Same figures.
  bool operator==(const PinFigures& other) const;
};

/// One certificate on a token.
struct CertificateFacts {
  std::string slot;            ///< "9a"
  std::string common_name;     ///< the subject's CN ("" when it has none)
  std::int64_t not_after = 0;  ///< Unix seconds

  /// From PROTOCOL.md's Certificate object; nullopt without a slot or a readable not_after.
  static std::optional<CertificateFacts> from_json(const nlohmann::json& certificate);
  /// Same slot, CN and end.
  bool operator==(const CertificateFacts& other) const;
};

/// The first CN of an RFC 2253 subject ("CN=Li\, Lei,O=X" -> "Li, Lei"); "" when none.
std::string common_name(std::string_view subject);

/// "2026-01-01T00:00:00Z" as Unix seconds; nullopt when it is not that format.
std::optional<std::int64_t> parse_utc(std::string_view text);

/// The longest label values: a CN, a token id (ids are derived from serials, but a provider
/// may report long ones), and everything else.
inline constexpr std::size_t kMaxCommonName = 64;
inline constexpr std::size_t kMaxTokenId = 64;
inline constexpr std::size_t kMaxShortLabel = 40;

}  // namespace eport::metrics
