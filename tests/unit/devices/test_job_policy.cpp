#include <catch2/catch.hpp>

#include <PCSC/winscard.h>

#include "devices/job_policy.hpp"

using namespace eport::devices;

TEST_CASE("a read-only job is repeated once after a card reset", "[devices][job]") {
  AttemptReport reset;
  reset.reset = true;
  reset.pcsc_error = SCARD_W_RESET_CARD;
  CHECK(after_attempt(reset, true, 1).retry);
  const auto second = after_attempt(reset, true, 2);
  CHECK_FALSE(second.retry);
  CHECK(second.outcome.end == JobEnd::card_reset);
}

TEST_CASE("a job that changes the card is never repeated", "[devices][job]") {
  AttemptReport reset;
  reset.reset = true;
  const auto d = after_attempt(reset, false, 1);
  CHECK_FALSE(d.retry);
  CHECK(d.outcome.end == JobEnd::card_reset);
  CHECK(protocol_reason(d.outcome) == "token_removed");
  CHECK_FALSE(d.outcome.message.empty());
}

TEST_CASE("removal, pcscd failure and exceptions end the job", "[devices][job]") {
  AttemptReport removed;
  removed.removed = true;
  removed.pcsc_error = SCARD_W_REMOVED_CARD;
  CHECK(after_attempt(removed, true, 1).outcome.end == JobEnd::token_removed);

  AttemptReport gone;
  gone.pcsc_error = SCARD_E_NO_SERVICE;
  const auto d = after_attempt(gone, true, 1);
  CHECK_FALSE(d.retry);
  CHECK(d.outcome.end == JobEnd::pcsc_error);
  CHECK(protocol_reason(d.outcome) == "pcsc_unavailable");

  AttemptReport threw;
  threw.threw = true;
  threw.error = "boom";
  threw.reset = true;
  CHECK(after_attempt(threw, true, 1).outcome.end == JobEnd::failed);
  CHECK(after_attempt(threw, true, 1).outcome.message.find("boom") != std::string::npos);
}

TEST_CASE("an attempt without trouble completes", "[devices][job]") {
  AttemptReport fine;
  fine.pcsc_error = SCARD_E_TIMEOUT;  // a timeout is the driver's result to report, not ours
  const auto d = after_attempt(fine, true, 1);
  CHECK_FALSE(d.retry);
  CHECK(d.outcome.end == JobEnd::completed);
}

TEST_CASE("a transaction that cannot start maps to removed or pcsc_unavailable", "[devices][job]") {
  CHECK(outcome_for_pcsc(SCARD_W_REMOVED_CARD).end == JobEnd::token_removed);
  CHECK(outcome_for_pcsc(SCARD_E_NO_SMARTCARD).end == JobEnd::token_removed);
  CHECK(outcome_for_pcsc(SCARD_E_NO_SERVICE).end == JobEnd::pcsc_error);
  CHECK(outcome_for_pcsc(SCARD_E_NO_SERVICE).message.find("pcscd") != std::string::npos);
}
