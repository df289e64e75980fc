#pragma once
// RAII owners for SCARDCONTEXT and SCARDHANDLE. Internal to daemon/devices.

#include <PCSC/winscard.h>

#include <cstdint>
#include <string>
#include <vector>

#include "devices/pcsc_error.hpp"

namespace eport::devices {

/// One PC/SC context (SCardEstablishContext / SCardReleaseContext). A context is used by one
/// thread at a time, except cancel(), which any thread may call.
class PcscContext {
 public:
  /// An empty context (valid() is false).
  PcscContext() = default;
  /// Releases the context.
  ~PcscContext();
  /// Move.
  PcscContext(PcscContext&& other) noexcept;
  /// Move assignment (releases the current context first).
  PcscContext& operator=(PcscContext&& other) noexcept;
  PcscContext(const PcscContext&) = delete;
  PcscContext& operator=(const PcscContext&) = delete;

  /// Establishes a system-scope context; `code` receives the PC/SC result.
  static PcscContext establish(PcscCode& code);

  /// True while a context is held.
  bool valid() const { return valid_; }
  /// The raw handle, for SCard* calls.
  SCARDCONTEXT get() const { return context_; }
  /// SCardCancel: wakes a SCardGetStatusChange blocked on this context (thread-safe).
  void cancel() const;
  /// Current reader names; an empty list when there are none. `code` gets the PC/SC result.
  std::vector<std::string> list_readers(PcscCode& code) const;

 private:
  void release() noexcept;
  SCARDCONTEXT context_ = 0;
  bool valid_ = false;
};

/// One connection to a card (SCardConnect / SCardDisconnect with SCARD_LEAVE_CARD).
class PcscCard {
 public:
  /// No connection.
  PcscCard() = default;
  /// Disconnects (leaving the card as it is).
  ~PcscCard();
  /// Move.
  PcscCard(PcscCard&& other) noexcept;
  /// Move assignment (disconnects the current card first).
  PcscCard& operator=(PcscCard&& other) noexcept;
  PcscCard(const PcscCard&) = delete;
  PcscCard& operator=(const PcscCard&) = delete;

  /// Connects shared, T=1 or T=0; `code` receives the PC/SC result.
  static PcscCard connect(const PcscContext& context, const std::string& reader, PcscCode& code);

  /// True while connected.
  bool connected() const { return connected_; }
  /// The raw handle, for SCardTransmit.
  SCARDHANDLE get() const { return handle_; }
  /// The negotiated protocol (SCARD_PROTOCOL_T0 or _T1).
  DWORD protocol() const { return protocol_; }
  /// SCardReconnect after someone reset the card (shared, leave the card as it is).
  PcscCode reconnect();
  /// SCardBeginTransaction.
  PcscCode begin_transaction() const;
  /// SCardEndTransaction: leave the card as it is, or reset it (SCARD_RESET_CARD: clears the
  /// card's security state; every other connection then reconnects, this one too).
  PcscCode end_transaction(bool reset = false) const;
  /// The card's current ATR (SCardStatus); empty on failure.
  std::vector<std::uint8_t> atr(PcscCode& code) const;

 private:
  void disconnect() noexcept;
  SCARDHANDLE handle_ = 0;
  DWORD protocol_ = 0;
  bool connected_ = false;
};

}  // namespace eport::devices
