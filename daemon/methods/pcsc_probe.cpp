#include "methods/pcsc_probe.hpp"

#include <PCSC/winscard.h>

#include <cstdio>

namespace eport::methods {

void PcscProbe::refresh(std::chrono::milliseconds max_age) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (probed_ && now - last_ < max_age) return;
  }
  bool up = false;
  std::string detail;
  if (!enabled_) {
    detail = "PC/SC is disabled in the configuration (pcsc.enabled: false)";
  } else {
    SCARDCONTEXT context = 0;
    const LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
    if (rv == SCARD_S_SUCCESS) {
      SCardReleaseContext(context);
      up = true;
    } else {
      char code[24];
      std::snprintf(code, sizeof code, "0x%08X", static_cast<unsigned>(rv & 0xFFFFFFFF));
      detail = std::string("pcscd is not reachable (") + pcsc_stringify_error(rv) + ", " + code +
               "); start it with `systemctl start pcscd.socket` and check that eportd may use it";
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  probed_ = true;
  up_ = up;
  detail_ = detail;
  last_ = std::chrono::steady_clock::now();
}

std::string PcscProbe::state() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return up_ ? "up" : "down";
}

std::string PcscProbe::detail() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return detail_;
}

}  // namespace eport::methods
