#include "devices/pcsc_card_channel.hpp"

#include <PCSC/pcsclite.h>
#include <PCSC/winscard.h>

#include "devices/pcsc_handles.hpp"

namespace eport::devices {

namespace {
// Room for an extended-length response (65536 data bytes + SW1 SW2); short APDUs need 258.
constexpr std::size_t kResponseCapacity = 65538;
}  // namespace

PcscCardChannel::PcscCardChannel(PcscCard& card) : card_(card), buffer_(kResponseCapacity) {}

drivers::Status PcscCardChannel::transmit(const std::vector<std::uint8_t>& command,
                                          std::vector<std::uint8_t>& response) {
  response.clear();
  if (command.empty()) return drivers::Status::BadArgs;
  const SCARD_IO_REQUEST* pci =
      card_.protocol() == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
  DWORD len = static_cast<DWORD>(buffer_.size());
  ++apdu_count_;
  const LONG rv = SCardTransmit(card_.get(), pci, command.data(), static_cast<DWORD>(command.size()),
                                nullptr, buffer_.data(), &len);
  if (rv == SCARD_S_SUCCESS) {
    response.assign(buffer_.begin(), buffer_.begin() + len);
    return drivers::Status::Ok;
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
  return drivers::Status::Transmit;
}

void PcscCardChannel::clear() {
  reset_seen_ = false;
  removed_seen_ = false;
  last_error_ = 0;
}

}  // namespace eport::devices
