#include "ipc/framing.hpp"

#include <algorithm>
#include <cstring>

#include "ipc/secure_wipe.hpp"

namespace eport::ipc {

LineFramer::~LineFramer() { secure_wipe(buffer_.data(), buffer_.size()); }

void LineFramer::compact() {
  // Drop consumed bytes once they dominate the buffer, keeping appends amortised O(1); the
  // place the kept bytes came from is wiped, not just abandoned.
  if (start_ == 0 || start_ < buffer_.size() / 2) return;
  const std::size_t rest = buffer_.size() - start_;
  std::memmove(buffer_.data(), buffer_.data() + start_, rest);
  secure_wipe(buffer_.data() + rest, buffer_.size() - rest);
  buffer_.resize(rest);
  scan_ -= start_;
  start_ = 0;
}

void LineFramer::reserve_for(std::size_t more) {
  if (buffer_.size() + more <= buffer_.capacity()) return;
  // Grow by hand so the old allocation is wiped before it is freed.
  std::string bigger;
  bigger.reserve(std::max(buffer_.size() + more, 2 * buffer_.capacity()));
  bigger.append(buffer_);
  secure_wipe(buffer_.data(), buffer_.size());
  buffer_.swap(bigger);
}

void LineFramer::feed(std::string_view bytes) {
  if (failed_) return;
  compact();
  reserve_for(bytes.size());
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
  secure_clear(line);  // an earlier line may have been a request with a PIN
  line.assign(buffer_, start_, end - start_);
  start_ = newline + 1;
  scan_ = start_;
  return Status::line;
}

}  // namespace eport::ipc
