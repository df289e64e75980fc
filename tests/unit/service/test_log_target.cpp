#include "service/log_target.hpp"

#include <catch2/catch.hpp>

using eport::service::choose_log_target;
using eport::service::journal_stream_matches;
using eport::service::LogEnvironment;
using eport::service::LogTarget;

TEST_CASE("JOURNAL_STREAM matches only the exact device and inode of stderr", "[service][log]") {
  CHECK(journal_stream_matches("8:12345", 8, 12345));
  CHECK_FALSE(journal_stream_matches("8:12345", 8, 12346));
  CHECK_FALSE(journal_stream_matches("9:12345", 8, 12345));
  CHECK_FALSE(journal_stream_matches("8:12345x", 8, 12345));
  CHECK_FALSE(journal_stream_matches("garbage", 8, 12345));
  CHECK_FALSE(journal_stream_matches(":", 0, 0));
}

TEST_CASE("stderr connected to the journal sends logs to the journal", "[service][log]") {
  LogEnvironment environment;
  environment.journal_stream = "8:77";
  environment.stderr_known = true;
  environment.stderr_device = 8;
  environment.stderr_inode = 77;
  CHECK(choose_log_target(environment) == LogTarget::journal);
}

TEST_CASE("an inherited JOURNAL_STREAM with stderr redirected keeps logs on stderr", "[service][log]") {
  LogEnvironment environment;
  environment.journal_stream = "8:77";
  environment.stderr_known = true;
  environment.stderr_device = 8;
  environment.stderr_inode = 99;  // a test runner's pipe
  CHECK(choose_log_target(environment) == LogTarget::stderr_stream);
}

TEST_CASE("the service's own process logs to the journal unless stderr is a terminal", "[service][log]") {
  LogEnvironment environment;
  environment.under_systemd = true;
  CHECK(choose_log_target(environment) == LogTarget::journal);
  environment.stderr_is_tty = true;
  CHECK(choose_log_target(environment) == LogTarget::stderr_stream);
}

TEST_CASE("a shell without systemd logs to stderr", "[service][log]") {
  CHECK(choose_log_target(LogEnvironment{}) == LogTarget::stderr_stream);
}
