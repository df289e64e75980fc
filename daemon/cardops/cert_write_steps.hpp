#pragma once
// The steps of a guarded certificate write, on the card, inside one transaction:
//
//   1. the slot's key must be the certificate's key (unless allow_key_mismatch);
//   2. the old certificate is read and backed up to disk (fsync'ed) before anything is written;
//   3. the new certificate is written (the card is reset when the transaction ends: writing
//      authenticated the management key);
//   4. it is read back; a read-back that differs puts the old certificate back and reads again.
//
// Every failure from step 3 on says what the card holds (`write_state`: "old", "new",
// "unknown") and where the backup is.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cardops/failure.hpp"
#include "devices/token_job.hpp"
#include "x509/certificate.hpp"

namespace eport::cardops {

/// One cert.write as the card job needs it. The management key is wiped on destruction.
struct WriteRequest {
  std::string token;                         ///< token id (names the backup directory)
  std::string slot;                          ///< e.g. "9a"
  std::vector<std::uint8_t> der;             ///< the new certificate
  std::vector<std::uint8_t> management_key;  ///< empty = the driver's configured key
  bool allow_key_mismatch = false;           ///< skip step 1
  std::string state_dir;                     ///< where backups go
  std::string key_file_problem;              ///< why the driver's key file is refused ("" = fine)
  std::int64_t now = 0;                      ///< names the backup file
  WriteRequest() = default;
  WriteRequest(const WriteRequest&) = delete;
  WriteRequest& operator=(const WriteRequest&) = delete;
  ~WriteRequest();
};

/// What the card holds after a write that did not end well.
enum class WriteState {
  old_certificate,  ///< "old": nothing reached the card, or the old certificate is back
  new_certificate,  ///< "new": the card acknowledged the new certificate (read-back missing)
  unknown           ///< "unknown": the card was lost or garbled mid-write: re-read it
};

/// "old", "new" or "unknown".
const char* to_string(WriteState state);

/// How a write ended on the card.
struct WriteOutcome {
  bool started = false;                            ///< the job's work ran
  std::optional<Failure> failure;                  ///< why it failed (with backup and write_state)
  std::vector<std::uint8_t> read_back;             ///< on success: what the card holds now
  std::optional<std::string> backup;               ///< the old certificate's backup file, if any
  WriteState state = WriteState::old_certificate;  ///< what the card holds (meaningful on failure)
};

/// Runs steps 1-4 on the card of `session`; `out` says how it ended.
void write_on_card(devices::TokenSession& session, const WriteRequest& request, const x509::Certificate& cert,
                   WriteOutcome& out);

/// The failure to answer when the job itself was cut short (`interrupted`: the card left or was
/// reset, pcscd went away), with what `out` knows: the backup and what the card holds. nullopt
/// when the work had ended with a verified write (its result stands).
std::optional<Failure> interrupted_write(const Failure& interrupted, const WriteOutcome& out);

}  // namespace eport::cardops
