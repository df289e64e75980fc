// An spdlog sink that writes to the systemd journal with structured fields.
#pragma once

#include <spdlog/details/log_msg.h>
#include <spdlog/sinks/base_sink.h>

#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eport::service {

/// One structured journal field, e.g. {"EPORT_TOKEN", "piv:0001e240"}.
using LogField = std::pair<std::string, std::string>;

/// The syslog priority (0 emerg .. 7 debug) journald files an spdlog level under.
int syslog_priority(spdlog::level::level_enum level);

/// A journal field name from any key: upper case, [A-Z0-9_] only, no leading '_' or digit
/// (those are reserved for journald's trusted fields), at most 64 characters. "" if nothing is left.
std::string journal_field_name(std::string_view key);

/// Everything one journal entry carries, as "NAME=value" strings: MESSAGE, PRIORITY,
/// SYSLOG_IDENTIFIER, EPORT_LOGGER, CODE_* when spdlog knows the source location, and `extra`.
std::vector<std::string> journal_fields(const spdlog::details::log_msg& msg, std::string_view identifier,
                                        const std::vector<LogField>& extra);

/// Adds structured fields to every entry logged by this thread while it lives, e.g. around one
/// card operation: `ScopedLogFields fields{{{"EPORT_TOKEN", token_id}}};`. Nested scopes add up.
/// Only the journal sink shows them; the stderr sink ignores them.
class ScopedLogFields {
 public:
  explicit ScopedLogFields(std::vector<LogField> fields);
  ~ScopedLogFields();
  ScopedLogFields(const ScopedLogFields&) = delete;
  ScopedLogFields& operator=(const ScopedLogFields&) = delete;

  /// The fields in force on the calling thread, outermost first.
  static std::vector<LogField> current();

 private:
  std::size_t previous_size_;
};

/// The journal sink: one sd_journal_sendv() per message; the journal stamps time, pid and unit.
class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  /// `identifier` becomes SYSLOG_IDENTIFIER (what `journalctl -t` filters on).
  explicit JournalSink(std::string identifier = "eportd");

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  std::string identifier_;
};

}  // namespace eport::service
