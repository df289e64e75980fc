#pragma once
// Overwriting memory that held request bytes (a request may carry a PIN, PUK or management key)
// before it is reused or freed, in a way the compiler may not optimise away (explicit_bzero).

#include <cstddef>
#include <string>

namespace eport::ipc {

/// Overwrites `size` bytes at `data` with zeros.
void secure_wipe(void* data, std::size_t size);

/// Overwrites the characters of `text`, then empties it (the capacity is kept).
void secure_clear(std::string& text);

}  // namespace eport::ipc
