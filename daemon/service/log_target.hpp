// Where eportd's log goes: the journal under systemd, stderr otherwise.
#pragma once

#include <spdlog/sinks/sink.h>

#include <sys/types.h>
#include <memory>
#include <optional>
#include <string_view>

namespace eport::service {

/// The two places a log line can go.
enum class LogTarget { journal, stderr_stream };

/// What choose_log_target looks at, gathered by detect_log_target (kept apart to test it).
struct LogEnvironment {
  std::optional<std::string_view> journal_stream;  ///< $JOURNAL_STREAM ("<dev>:<inode>")
  bool stderr_known = false;                       ///< fstat(2) succeeded
  dev_t stderr_device = 0;
  ino_t stderr_inode = 0;
  bool stderr_is_tty = false;
  bool under_systemd = false;  ///< systemd started this very process
};

/// True when $JOURNAL_STREAM names exactly the device and inode of our stderr, i.e. stderr is
/// already connected to journald (systemd's documented test, see systemd.exec(5)).
bool journal_stream_matches(std::string_view journal_stream, dev_t device, ino_t inode);

/// The journal when stderr is systemd's journal stream, or when we run as a systemd service
/// whose stderr goes somewhere that is not a terminal; stderr otherwise (a developer's shell,
/// a test harness capturing output).
LogTarget choose_log_target(const LogEnvironment& environment);

/// Reads the environment and fstat(2) of this process.
LogEnvironment detect_log_environment();

/// The sink for a target: JournalSink, or a colour-when-terminal stderr sink.
std::shared_ptr<spdlog::sinks::sink> make_log_sink(LogTarget target);

}  // namespace eport::service
