#pragma once
// Pure helpers for reader lists and ATRs (no PC/SC calls, testable without pcscd).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace eport::devices {

/// Splits a PC/SC multi-string ("a\0b\0\0") of `size` bytes into names.
std::vector<std::string> parse_multistring(const char* data, std::size_t size);

/// What changed between two reader lists.
struct ReaderListDiff {
  /// In the new list only, in its order.
  std::vector<std::string> added;
  /// In the old list only, in its order.
  std::vector<std::string> removed;
  /// True when nothing changed.
  bool empty() const { return added.empty() && removed.empty(); }
};

/// Compares two reader lists by name (order does not matter).
ReaderListDiff diff_reader_lists(const std::vector<std::string>& before,
                                 const std::vector<std::string>& after);

/// True when `reported` — a reader name as a token provider's library gives it, e.g. a PKCS#11
/// slot description (64 characters at most, blank-padded) — names the PC/SC reader
/// `pcsc_reader`: equal after trimming blanks, or a prefix of it cut at 64 characters.
bool same_reader(const std::string& pcsc_reader, const std::string& reported);

/// Lower-case hex without separators ("3b8c80…"), as readers.list shows an ATR.
std::string atr_hex(const std::vector<std::uint8_t>& atr);

}  // namespace eport::devices

namespace eport::devices {

/// What happened to the card in one reader between two observations.
struct CardTransition {
  /// A card that was there has gone (report before `inserted`).
  bool removed = false;
  /// A card is there that was not (or a different one: it was swapped in between).
  bool inserted = false;
};

/// Compares two observations of a reader. pcsc-lite counts insertions and removals in the high
/// 16 bits of the event state: when a card is present both times but the count moved, the card
/// was swapped while we were not looking, which is a removal followed by an insertion.
CardTransition card_transition(bool was_present, std::uint16_t was_count, bool now_present,
                               std::uint16_t now_count);

}  // namespace eport::devices
