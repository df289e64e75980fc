#include "ipc/secure_wipe.hpp"

#include <string.h>  // explicit_bzero (glibc)

namespace eport::ipc {

void secure_wipe(void* data, std::size_t size) {
  if (data && size > 0) explicit_bzero(data, size);
}

void secure_clear(std::string& text) {
  secure_wipe(text.data(), text.size());
  text.clear();
}

}  // namespace eport::ipc
