#pragma once
// What a method handler may ask of the client connection it was called on.

#include <set>
#include <string>

namespace eport::ipc {

/// The calling connection, as seen by handlers (e.g. events.subscribe).
class ClientSession {
 public:
  virtual ~ClientSession() = default;
  /// Makes the connection an event subscriber for `topics` (empty = all), replacing an earlier
  /// filter. Subscribers are exempt from the idle timeout. Call on the I/O thread.
  virtual void subscribe(std::set<std::string> topics) = 0;
};

}  // namespace eport::ipc
