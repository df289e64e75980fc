#pragma once
// The steps of a guarded certificate write, on the card, inside one transaction; each returns
// CardResult (card_call.hpp):
//
//   0. find_slot: the slot as the token spells it ("9A" -> "9a") and what it holds, or -32602
//      naming the token's slots;
//   1. check_key: the slot's key must be the certificate's key (unless allow_key_mismatch);
//   2. back_up_old: the old certificate is read and backed up to disk (fsync'ed) before
//      anything is written;
//   3. write_new: the new certificate is written (the card is reset when the transaction ends:
//      writing authenticated the management key);
//   4. verify_or_restore: it is read back; a read-back that differs puts the old certificate
//      back and reads again.
//
// Every failure from step 3 on says what the card holds (`write_state`: "old", "new",
// "unknown") and where the backup is, in error.data and in its note (kept when the card is
// pulled and the worker's reason wins), and `holds`: which certificate the slot holds now, read
// back from the token ("old", "new", "none", "other", "unknown").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cardops/card_call.hpp"
#include "devices/token_job.hpp"
#include "drivers/types.hpp"
#include "x509/certificate.hpp"

namespace eport::cardops {

/// One cert.write as the card job needs it. The management key is wiped on destruction.
struct WriteRequest {
  std::string token;                           ///< token id (names the backup directory)
  std::string slot;                            ///< as the caller spelled it, e.g. "9a"
  std::vector<drivers::SlotInfo> known_slots;  ///< the token's latest listing (SlotLabels)
  std::vector<std::uint8_t> der;               ///< the new certificate
  std::vector<std::uint8_t> management_key;    ///< empty = the driver's configured key
  bool allow_key_mismatch = false;             ///< skip step 1
  std::string state_dir;                       ///< where backups go
  std::string key_file_problem;                ///< why the driver's key file is refused ("" = fine)
  std::int64_t now = 0;                        ///< names the backup file
  WriteRequest() = default;
  WriteRequest(const WriteRequest&) = delete;
  WriteRequest& operator=(const WriteRequest&) = delete;
  ~WriteRequest();
};

/// What the card holds after a write that did not end well.
enum class WriteState {
  old_certificate,  ///< "old": nothing reached the card, the card refused, or the old one is back
  new_certificate,  ///< "new": the card acknowledged the new certificate (read-back missing)
  unknown           ///< "unknown": the card was lost or garbled mid-write: re-read it
};

/// "old", "new" or "unknown".
const char* to_string(WriteState state);

/// Step 0's result: the slot as the token spells it, and the token's answer to reading it.
struct SlotNow {
  std::string slot;                                 ///< e.g. "9a"
  drivers::Result<std::vector<std::uint8_t>> read;  ///< NotFound: the slot is empty
};

/// Step 2's result: what the slot held, and where it was saved.
struct OldCertificate {
  std::optional<std::vector<std::uint8_t>> der;  ///< nullopt: the slot was empty
  std::optional<std::string> backup;             ///< the backup file, when there was one
};

/// A verified write.
struct WrittenCertificate {
  std::string slot;                   ///< the slot as the token spells it
  std::vector<std::uint8_t> der;      ///< what the card holds now (= the new certificate)
  std::optional<std::string> backup;  ///< the old certificate's backup file, if any
};

/// Step 0: request.slot as the token spells it, read once (the token's slots are listed only
/// when it has no such slot).
CardResult<SlotNow> find_slot(devices::TokenSession& session, const WriteRequest& request);
/// Step 1, on `slot` (step 0's).
CardResult<void> check_key(devices::TokenSession& session, const WriteRequest& request,
                           const std::string& slot, const x509::Certificate& cert);
/// Step 2.
CardResult<OldCertificate> back_up_old(const WriteRequest& request, const SlotNow& now,
                                       const std::string& driver);
/// Step 3; a write refused before any data reached the card removes the backup of `old`.
CardResult<void> write_new(devices::TokenSession& session, const WriteRequest& request,
                           const std::string& slot, OldCertificate& old);
/// Step 4: the certificate the card holds now (verified), or write_verify_failed after the
/// restore (`restored` says whether it verified).
CardResult<std::vector<std::uint8_t>> verify_or_restore(devices::TokenSession& session,
                                                        const WriteRequest& request, const std::string& slot,
                                                        const OldCertificate& old);

/// Steps 1-4.
CardResult<WrittenCertificate> write_on_card(devices::TokenSession& session, const WriteRequest& request,
                                             const x509::Certificate& cert);

/// A failure of cert.write that did not come from the steps (the job never ran, or the
/// deadline answered first) with what the card holds: "unknown" when the write may be on the
/// card (it was running, or the work failed unexpectedly), else "old".
Failure with_write_state(Failure failure);

}  // namespace eport::cardops
