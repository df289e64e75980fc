#pragma once
// The last PUK counter each card reported in an answer, so that the final-try guard of pin.reset
// also works on cards that cannot tell the counter without spending a try (every PIV card
// without YubiKey's GET METADATA). The card reports it whenever a PUK reaches it: 63Cx (x tries
// left) or 6983 (blocked) for a wrong PUK, 9000 (counter back to its maximum) for a right one.
//
// Kept per token in state_dir/puk-counters.json (mode 0600, rewritten atomically): token id,
// tries left, blocked, when. No secret is in it. Thread-safe.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace eport::cardops {

/// What the card's last answer to a PUK said.
struct PukAnswer {
  std::optional<int> tries_left;  ///< tries left; nullopt after a right PUK (back to its maximum)
  bool blocked = false;           ///< the PUK is blocked
  std::int64_t time = 0;          ///< when the card said so (unix seconds)
};

/// The PUK answers remembered per token, persisted in one file.
class PukMemory {
 public:
  /// Loads `path` ("" = keep nothing on disk); a missing file is empty, a broken one is logged
  /// and ignored (the counters are then unknown, which is safe: the guard only ever refuses).
  explicit PukMemory(std::string path);

  /// The last answer of `token`, if one was seen.
  std::optional<PukAnswer> last(const std::string& token) const;
  /// Remembers `answer` for `token` and rewrites the file (errors are logged: the memory still
  /// holds it until eportd stops).
  void remember(const std::string& token, const PukAnswer& answer);

 private:
  void save_locked() const;

  const std::string path_;
  mutable std::mutex mutex_;
  std::map<std::string, PukAnswer> answers_;
};

/// The file's JSON for `answers`.
nlohmann::json puk_memory_json(const std::map<std::string, PukAnswer>& answers);
/// The answers in `json`; throws std::runtime_error when it is not such a file.
std::map<std::string, PukAnswer> puk_memory_from_json(const nlohmann::json& json);

/// PROTOCOL.md's PinState for a PUK known only from the card's last answer:
/// {"state","tries_left","max_tries":null,"is_default":null,"source":"last_answer","as_of"}.
nlohmann::json last_answer_pin_state(const PukAnswer& answer);

}  // namespace eport::cardops
