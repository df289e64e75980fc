#pragma once
// Writing into the ABI's out-structs: only the bytes the caller's struct_size covers (an older
// host passes a smaller struct), strings NUL-terminated and cut to fit.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace eport::piv {

/// True when `member` of `out` lies inside out->struct_size.
template <typename S, typename F>
bool covers(const S* out, F S::*member) {
  const auto offset = static_cast<size_t>(reinterpret_cast<const char*>(&(out->*member)) -
                                          reinterpret_cast<const char*>(out));
  return offset + sizeof(F) <= out->struct_size;
}

/// Set a scalar field when the caller's struct has it.
template <typename S, typename F, typename V>
void set_field(S* out, F S::*member, V value) {
  if (covers(out, member)) out->*member = static_cast<F>(value);
}

/// Copy `text` into a char array field (cut to fit, always NUL-terminated) when present.
template <typename S, size_t N>
void set_text(S* out, char (S::*member)[N], const std::string& text) {
  if (!covers(out, member)) return;
  char* field = out->*member;
  const size_t len = text.size() < N - 1 ? text.size() : N - 1;
  std::memcpy(field, text.data(), len);
  field[len] = '\0';
}

}  // namespace eport::piv
