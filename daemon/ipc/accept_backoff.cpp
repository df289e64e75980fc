#include "ipc/accept_backoff.hpp"

#include <algorithm>
#include <cerrno>

namespace eport::ipc {

bool AcceptBackoff::is_exhaustion(int error) {
  switch (error) {
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM: return true;
    default: return false;
  }
}

AcceptBackoff::Decision AcceptBackoff::failed(int error) {
  Decision decision;
  decision.log = failures_ == 0;
  ++failures_;
  // Other errors (a client that gave up, ECONNABORTED) concern one connection only.
  if (!is_exhaustion(error)) return decision;
  delay_ = delay_.count() == 0 ? first_ : std::min(delay_ * 2, ceiling_);
  decision.delay = delay_;
  return decision;
}

std::size_t AcceptBackoff::succeeded() {
  const std::size_t burst = failures_;
  failures_ = 0;
  delay_ = std::chrono::milliseconds(0);
  return burst;
}

}  // namespace eport::ipc
