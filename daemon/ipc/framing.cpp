#include "ipc/framing.hpp"

namespace eport::ipc {

void LineFramer::feed(std::string_view bytes) {
  if (failed_) return;
  // Drop consumed bytes once they dominate the buffer, keeping appends amortised O(1).
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(0, start_);
    scan_ -= start_;
    start_ = 0;
  }
  buffer_.append(bytes.data(), bytes.size());
}

LineFramer::Status LineFramer::next(std::string& line) {
  if (failed_) return Status::too_long;
  const std::size_t newline = buffer_.find('\n', scan_);
  if (newline == std::string::npos) {
    scan_ = buffer_.size();
    if (buffer_.size() - start_ > max_line_) {
      failed_ = true;
      return Status::too_long;
    }
    return Status::need_more;
  }
  std::size_t end = newline;
  if (end > start_ && buffer_[end - 1] == '\r') --end;
  if (end - start_ > max_line_) {
    failed_ = true;
    return Status::too_long;
  }
  line.assign(buffer_, start_, end - start_);
  start_ = newline + 1;
  scan_ = start_;
  return Status::line;
}

}  // namespace eport::ipc
