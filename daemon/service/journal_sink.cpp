#include "service/journal_sink.hpp"

#include <sys/uio.h>

// Without this, sd_journal_sendv() stamps CODE_FILE/LINE/FUNC of this sink into every entry;
// the fields we add come from the caller's spdlog source location instead.
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include <cctype>

namespace eport::service {

namespace {
// The fields of the ScopedLogFields alive on this thread; a plain stack, owned by the thread.
thread_local std::vector<LogField> scoped_fields;
}  // namespace

int syslog_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return 7;     // LOG_DEBUG
    case spdlog::level::info: return 6;      // LOG_INFO
    case spdlog::level::warn: return 4;      // LOG_WARNING
    case spdlog::level::err: return 3;       // LOG_ERR
    case spdlog::level::critical: return 2;  // LOG_CRIT
    default: return 5;                       // LOG_NOTICE
  }
}

std::string journal_field_name(std::string_view key) {
  std::string name;
  for (char c : key) {
    const auto u = static_cast<unsigned char>(c);
    name += std::isalnum(u) ? static_cast<char>(std::toupper(u)) : '_';
  }
  const auto first = name.find_first_not_of("_0123456789");
  if (first == std::string::npos) {
    return {};
  }
  name.erase(0, first);
  return name.substr(0, 64);
}

std::vector<std::string> journal_fields(const spdlog::details::log_msg& msg, std::string_view identifier,
                                        const std::vector<LogField>& extra) {
  std::vector<std::string> fields;
  fields.push_back("MESSAGE=" + std::string(msg.payload.data(), msg.payload.size()));
  fields.push_back("PRIORITY=" + std::to_string(syslog_priority(msg.level)));
  fields.push_back("SYSLOG_IDENTIFIER=" + std::string(identifier));
  if (msg.logger_name.size() > 0) {
    fields.push_back("EPORT_LOGGER=" + std::string(msg.logger_name.data(), msg.logger_name.size()));
  }
  if (!msg.source.empty()) {
    fields.push_back(std::string("CODE_FILE=") + msg.source.filename);
    fields.push_back("CODE_LINE=" + std::to_string(msg.source.line));
    if (msg.source.funcname != nullptr) {
      fields.push_back(std::string("CODE_FUNC=") + msg.source.funcname);
    }
  }
  for (const auto& [key, value] : extra) {
    const std::string name = journal_field_name(key);
    if (!name.empty()) {
      fields.push_back(name + "=" + value);
    }
  }
  return fields;
}

ScopedLogFields::ScopedLogFields(std::vector<LogField> fields) : previous_size_(scoped_fields.size()) {
  for (auto& field : fields) {
    scoped_fields.push_back(std::move(field));
  }
}

ScopedLogFields::~ScopedLogFields() { scoped_fields.resize(previous_size_); }

std::vector<LogField> ScopedLogFields::current() { return scoped_fields; }

JournalSink::JournalSink(std::string identifier) : identifier_(std::move(identifier)) {}

void JournalSink::sink_it_(const spdlog::details::log_msg& msg) {
  const std::vector<std::string> fields = journal_fields(msg, identifier_, scoped_fields);
  std::vector<iovec> vector(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    vector[i].iov_base = const_cast<char*>(fields[i].data());
    vector[i].iov_len = fields[i].size();
  }
  // A full or absent journal must never stop the daemon; there is nowhere better to report it.
  (void)sd_journal_sendv(vector.data(), static_cast<int>(vector.size()));
}

}  // namespace eport::service
