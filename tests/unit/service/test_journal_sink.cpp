#include "service/journal_sink.hpp"

#include <catch2/catch.hpp>

#include <spdlog/logger.h>

#include <algorithm>
#include <memory>

using eport::service::journal_field_name;
using eport::service::journal_fields;
using eport::service::ScopedLogFields;

namespace {

bool has(const std::vector<std::string>& fields, const std::string& field) {
  return std::find(fields.begin(), fields.end(), field) != fields.end();
}

}  // namespace

TEST_CASE("spdlog levels map to syslog priorities", "[service][journal]") {
  using spdlog::level::level_enum;
  CHECK(eport::service::syslog_priority(level_enum::critical) == 2);
  CHECK(eport::service::syslog_priority(level_enum::err) == 3);
  CHECK(eport::service::syslog_priority(level_enum::warn) == 4);
  CHECK(eport::service::syslog_priority(level_enum::info) == 6);
  CHECK(eport::service::syslog_priority(level_enum::debug) == 7);
  CHECK(eport::service::syslog_priority(level_enum::trace) == 7);
}

TEST_CASE("field names become journal-safe and never claim trusted fields", "[service][journal]") {
  CHECK(journal_field_name("eport-token") == "EPORT_TOKEN");
  CHECK(journal_field_name("_SYSTEMD_UNIT") == "SYSTEMD_UNIT");
  CHECK(journal_field_name("9lives") == "LIVES");
  CHECK(journal_field_name("___") == "");
  CHECK(journal_field_name(std::string(80, 'A')).size() == 64);
}

TEST_CASE("a journal entry carries message, priority, identifier and extra fields", "[service][journal]") {
  spdlog::details::log_msg msg(spdlog::source_loc{"pin.cpp", 42, "reset"}, "eportd", spdlog::level::warn,
                               "PIN reset refused");
  const auto fields = journal_fields(msg, "eportd", {{"eport_token", "piv:0001e240"}});
  CHECK(fields.front() == "MESSAGE=PIN reset refused");
  CHECK(has(fields, "PRIORITY=4"));
  CHECK(has(fields, "SYSLOG_IDENTIFIER=eportd"));
  CHECK(has(fields, "EPORT_LOGGER=eportd"));
  CHECK(has(fields, "CODE_FILE=pin.cpp"));
  CHECK(has(fields, "CODE_LINE=42"));
  CHECK(has(fields, "EPORT_TOKEN=piv:0001e240"));
}

TEST_CASE("scoped log fields nest and vanish when their scope ends", "[service][journal]") {
  CHECK(ScopedLogFields::current().empty());
  {
    ScopedLogFields outer{{{"EPORT_TOKEN", "piv:1"}}};
    {
      ScopedLogFields inner{{{"EPORT_METHOD", "pin.reset"}}};
      CHECK(ScopedLogFields::current().size() == 2);
    }
    REQUIRE(ScopedLogFields::current().size() == 1);
    CHECK(ScopedLogFields::current()[0].second == "piv:1");
  }
  CHECK(ScopedLogFields::current().empty());
}

TEST_CASE("logging to the journal sink never throws, even without journald", "[service][journal]") {
  auto logger = std::make_shared<spdlog::logger>("eportd", std::make_shared<eport::service::JournalSink>());
  CHECK_NOTHROW(logger->info("unit test of the journal sink"));
  CHECK_NOTHROW(logger->flush());
}
