#include "devices/pcsc_card_channel.hpp"

#include <PCSC/pcsclite.h>
#include <PCSC/winscard.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "devices/pcsc_error.hpp"
#include "devices/pcsc_handles.hpp"

namespace eport::devices {

namespace {
// Room for an extended-length response (65536 data bytes + SW1 SW2); short APDUs need 258.
constexpr std::size_t kResponseCapacity = 65538;
}  // namespace

void PcscCardChannel::begin_session() {
  static std::atomic<std::uint64_t> last{0};  // shared by every card: a number is never reused
  session_ = ++last;
}

PcscCardChannel::PcscCardChannel(PcscCard& card) : card_(card), buffer_(kResponseCapacity) {}

drivers::Status PcscCardChannel::transmit(const std::vector<std::uint8_t>& command,
                                          std::vector<std::uint8_t>& response) {
  response.clear();
  if (command.empty()) return drivers::Status::BadArgs;
  const SCARD_IO_REQUEST* pci = card_.protocol() == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
  DWORD len = static_cast<DWORD>(buffer_.size());
  ++apdu_count_;
  const LONG rv = SCardTransmit(card_.get(), pci, command.data(), static_cast<DWORD>(command.size()), nullptr,
                                buffer_.data(), &len);
  if (rv == SCARD_S_SUCCESS && len >= 2) {
    response.assign(buffer_.begin(), buffer_.begin() + len);
    return drivers::Status::Ok;
  }
  if (rv == SCARD_S_SUCCESS) {
    // No status word: the reader lost the card mid-command (vpcd answers an empty response
    // when the card's connection closes). Treat it as a failed transmission.
    last_error_ = SCARD_F_COMM_ERROR;
    if (card_gone_after_failure()) {
      removed_seen_ = true;
      return drivers::Status::CardRemoved;
    }
    return drivers::Status::Transmit;
  }
  last_error_ = rv;
  if (pcsc_card_reset(rv)) {
    reset_seen_ = true;
    return drivers::Status::CardRemoved;
  }
  if (pcsc_card_gone(rv)) {
    removed_seen_ = true;
    return drivers::Status::CardRemoved;
  }
  if (rv == SCARD_E_TIMEOUT) return drivers::Status::Timeout;
  if (card_gone_after_failure()) {
    removed_seen_ = true;
    return drivers::Status::CardRemoved;
  }
  return drivers::Status::Transmit;
}

bool PcscCardChannel::card_gone_after_failure() {
  // A card pulled in the middle of a command first shows as a failed transmission
  // (SCARD_E_NOT_TRANSACTED from vpcd and most readers); pcscd notices the removal on its next
  // presence poll (400 ms). Ask for up to ~1.2 s, so that the caller hears "removed" rather
  // than "communication failed". Only this error path waits.
  LONG code = 0;
  for (int i = 0; i < 30; ++i) {  // 30 x 100 ms: several of pcscd's presence polls
    DWORD state = 0, protocol = 0, name_len = 0, atr_len = MAX_ATR_SIZE;
    BYTE atr[MAX_ATR_SIZE];
    code = SCardStatus(card_.get(), nullptr, &name_len, &state, &protocol, atr, &atr_len);
    if (pcsc_card_gone(code)) return true;
    if (code == SCARD_S_SUCCESS && (state & (SCARD_ABSENT | SCARD_SWALLOWED)) == SCARD_ABSENT) return true;
    if (pcsc_card_reset(code)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  spdlog::warn("card transmission failed (PC/SC 0x{:08x}); the card is still present (0x{:08x})",
               static_cast<unsigned long>(last_error_), static_cast<unsigned long>(code));
  return false;
}

void PcscCardChannel::clear() {
  reset_seen_ = false;
  removed_seen_ = false;
  last_error_ = 0;
}

}  // namespace eport::devices
