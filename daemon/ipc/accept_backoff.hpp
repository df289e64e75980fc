#pragma once
// What to do when accept() fails. Out of file descriptors (EMFILE, ENFILE) or memory, the
// pending connection stays in the backlog and the listening socket stays readable: retrying at
// once would spin. So such failures wait, doubling the delay up to a ceiling, and are logged
// once per burst (the first failure), with the count told when accepting works again.
// Pure logic: the server owns the timer and the log.

#include <chrono>
#include <cstddef>

namespace eport::ipc {

/// Back-off state for the accept loop.
class AcceptBackoff {
 public:
  /// `first`: delay after the first failure; `ceiling`: the longest delay.
  explicit AcceptBackoff(std::chrono::milliseconds first = std::chrono::milliseconds(50),
                         std::chrono::milliseconds ceiling = std::chrono::milliseconds(1000))
      : first_(first), ceiling_(ceiling) {}

  /// The decision after a failed accept().
  struct Decision {
    std::chrono::milliseconds delay{0};  ///< wait this long before accepting again (0 = at once)
    bool log = false;                    ///< first failure of a burst: log it
  };

  /// Records a failed accept() with errno value `error`.
  Decision failed(int error);
  /// Records a successful accept(); returns how many failures the burst that just ended had
  /// (0 = there was none), so the server can say it recovered.
  std::size_t succeeded();

  /// True for errno values that mean "out of a resource" (retrying at once would spin).
  static bool is_exhaustion(int error);

 private:
  std::chrono::milliseconds first_;
  std::chrono::milliseconds ceiling_;
  std::chrono::milliseconds delay_{0};
  std::size_t failures_ = 0;
};

}  // namespace eport::ipc
