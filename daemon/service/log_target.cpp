#include "service/log_target.hpp"

#include "service/journal_sink.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace eport::service {

bool journal_stream_matches(std::string_view journal_stream, dev_t device, ino_t inode) {
  const auto colon = journal_stream.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == journal_stream.size()) {
    return false;
  }
  try {
    std::size_t used = 0;
    const std::string dev_text(journal_stream.substr(0, colon));
    const std::string ino_text(journal_stream.substr(colon + 1));
    const unsigned long long dev = std::stoull(dev_text, &used);
    if (used != dev_text.size()) {
      return false;
    }
    const unsigned long long ino = std::stoull(ino_text, &used);
    if (used != ino_text.size()) {
      return false;
    }
    return dev == static_cast<unsigned long long>(device) && ino == static_cast<unsigned long long>(inode);
  } catch (const std::exception&) {
    return false;
  }
}

LogTarget choose_log_target(const LogEnvironment& environment) {
  if (environment.journal_stream && environment.stderr_known &&
      journal_stream_matches(*environment.journal_stream, environment.stderr_device,
                             environment.stderr_inode)) {
    return LogTarget::journal;
  }
  if (environment.under_systemd && !environment.stderr_is_tty) {
    return LogTarget::journal;
  }
  return LogTarget::stderr_stream;
}

LogEnvironment detect_log_environment() {
  LogEnvironment environment;
  if (const char* value = std::getenv("JOURNAL_STREAM")) {
    environment.journal_stream = value;
  }
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) == 0) {
    environment.stderr_known = true;
    environment.stderr_device = st.st_dev;
    environment.stderr_inode = st.st_ino;
  }
  environment.stderr_is_tty = isatty(STDERR_FILENO) == 1;
  // $SYSTEMD_EXEC_PID (systemd >= 248) names the process systemd itself started: only that one
  // is "the service"; a test runner inside some unit merely inherits $INVOCATION_ID.
  const char* exec_pid = std::getenv("SYSTEMD_EXEC_PID");
  environment.under_systemd = exec_pid != nullptr && std::string(exec_pid) == std::to_string(getpid());
  return environment;
}

std::shared_ptr<spdlog::sinks::sink> make_log_sink(LogTarget target) {
  if (target == LogTarget::journal) {
    return std::make_shared<JournalSink>("eportd");
  }
  return std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
}

}  // namespace eport::service
