#include "devices/pcsc_handles.hpp"

#include <utility>

#include <PCSC/pcsclite.h>

#include "devices/reader_list.hpp"

namespace eport::devices {

PcscContext::~PcscContext() { release(); }

PcscContext::PcscContext(PcscContext&& other) noexcept
    : context_(other.context_), valid_(std::exchange(other.valid_, false)) {}

PcscContext& PcscContext::operator=(PcscContext&& other) noexcept {
  if (this != &other) {
    release();
    context_ = other.context_;
    valid_ = std::exchange(other.valid_, false);
  }
  return *this;
}

PcscContext PcscContext::establish(PcscCode& code) {
  PcscContext ctx;
  const LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx.context_);
  code = rv;
  ctx.valid_ = rv == SCARD_S_SUCCESS;
  return ctx;
}

void PcscContext::cancel() const {
  if (valid_) SCardCancel(context_);
}

std::vector<std::string> PcscContext::list_readers(PcscCode& code) const {
  DWORD size = 0;
  LONG rv = SCardListReaders(context_, nullptr, nullptr, &size);
  if (rv == SCARD_S_SUCCESS) {
    std::vector<char> buf(size);
    rv = SCardListReaders(context_, nullptr, buf.data(), &size);
    if (rv == SCARD_S_SUCCESS) {
      code = rv;
      return parse_multistring(buf.data(), size);
    }
  }
  // pcsc-lite reports "no readers" as an error; for us it is an empty list.
  code = rv == SCARD_E_NO_READERS_AVAILABLE ? SCARD_S_SUCCESS : rv;
  return {};
}

void PcscContext::release() noexcept {
  if (valid_) SCardReleaseContext(context_);
  valid_ = false;
}

PcscCard::~PcscCard() { disconnect(); }

PcscCard::PcscCard(PcscCard&& other) noexcept
    : handle_(other.handle_),
      protocol_(other.protocol_),
      connected_(std::exchange(other.connected_, false)) {}

PcscCard& PcscCard::operator=(PcscCard&& other) noexcept {
  if (this != &other) {
    disconnect();
    handle_ = other.handle_;
    protocol_ = other.protocol_;
    connected_ = std::exchange(other.connected_, false);
  }
  return *this;
}

PcscCard PcscCard::connect(const PcscContext& context, const std::string& reader, PcscCode& code) {
  PcscCard card;
  const LONG rv = SCardConnect(context.get(), reader.c_str(), SCARD_SHARE_SHARED,
                               SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0, &card.handle_, &card.protocol_);
  code = rv;
  card.connected_ = rv == SCARD_S_SUCCESS;
  return card;
}

PcscCode PcscCard::reconnect() {
  return SCardReconnect(handle_, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0, SCARD_LEAVE_CARD,
                        &protocol_);
}

PcscCode PcscCard::begin_transaction() const { return SCardBeginTransaction(handle_); }

PcscCode PcscCard::end_transaction(bool reset) const {
  return SCardEndTransaction(handle_, reset ? SCARD_RESET_CARD : SCARD_LEAVE_CARD);
}

std::vector<std::uint8_t> PcscCard::atr(PcscCode& code) const {
  std::vector<std::uint8_t> atr(MAX_ATR_SIZE);
  DWORD atr_len = static_cast<DWORD>(atr.size());
  DWORD state = 0;
  DWORD protocol = 0;
  DWORD name_len = 0;
  const LONG rv = SCardStatus(handle_, nullptr, &name_len, &state, &protocol, atr.data(), &atr_len);
  code = rv;
  if (rv != SCARD_S_SUCCESS) return {};
  atr.resize(atr_len);
  return atr;
}

void PcscCard::disconnect() noexcept {
  if (connected_) SCardDisconnect(handle_, SCARD_LEAVE_CARD);
  connected_ = false;
}

}  // namespace eport::devices
