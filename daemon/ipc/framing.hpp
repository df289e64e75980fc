#pragma once
// NDJSON framing: bytes in, complete lines out. Pure (no I/O), so it is tested without a socket.
// Request bytes may hold secrets: the buffer is wiped wherever bytes leave it (compaction,
// growth, destruction), so no copy of a request outlives its line.

#include <cstddef>
#include <string>
#include <string_view>

namespace eport::ipc {

/// Splits a byte stream into '\n'-terminated lines of at most `max_line` bytes.
class LineFramer {
 public:
  /// Result of next().
  enum class Status {
    line,       ///< a complete line was stored in the out parameter
    need_more,  ///< no complete line buffered yet
    too_long,   ///< the current line exceeds the limit; the stream cannot be resynchronised
  };

  /// `max_line`: the longest line accepted, not counting the '\n'.
  explicit LineFramer(std::size_t max_line) : max_line_(max_line) {}
  ~LineFramer();
  LineFramer(const LineFramer&) = delete;
  LineFramer& operator=(const LineFramer&) = delete;

  /// Appends bytes as they arrived from the socket.
  void feed(std::string_view bytes);

  /// The next complete line without its '\n' (and without a '\r' before it).
  Status next(std::string& line);

  /// Bytes received but not yet returned as lines.
  std::size_t buffered() const { return buffer_.size() - start_; }

 private:
  void compact();
  void reserve_for(std::size_t more);

  std::size_t max_line_;
  std::string buffer_;
  std::size_t start_ = 0;  // first byte of the current (incomplete) line
  std::size_t scan_ = 0;   // bytes before this offset hold no '\n'
  bool failed_ = false;
};

}  // namespace eport::ipc
