#include <catch2/catch.hpp>

#include "cardops/failure.hpp"
#include "eport/common/reasons.hpp"
#include "ipc/error_codes.hpp"

using namespace eport::cardops;
using eport::drivers::Status;

TEST_CASE("a wrong PIN while resetting is a wrong PUK, while changing a wrong PIN", "[cardops][errors]") {
  CHECK(from_driver(Status::WrongPin, "", "piv", Operation::pin_reset).reason == "wrong_puk");
  CHECK(from_driver(Status::WrongPin, "", "piv", Operation::pin_change).reason == "wrong_pin");
  CHECK(from_driver(Status::PinBlocked, "", "piv", Operation::pin_reset).reason == "puk_blocked");
  CHECK(from_driver(Status::PinBlocked, "", "piv", Operation::pin_change).reason == "pin_blocked");
}

TEST_CASE("driver statuses map to the protocol's reasons", "[cardops][errors]") {
  CHECK(from_driver(Status::InvalidPin, "", "piv", Operation::pin_reset).reason == "invalid_pin");
  CHECK(from_driver(Status::WrongMgmtKey, "", "piv", Operation::cert_write).reason == "wrong_management_key");
  CHECK(from_driver(Status::MgmtKeyRequired, "", "piv", Operation::cert_write).reason ==
        "management_key_required");
  CHECK(from_driver(Status::CardRemoved, "", "piv", Operation::read).reason == "token_removed");
  CHECK(from_driver(Status::Unsupported, "", "piv", Operation::read).reason == "unsupported");
  auto other = from_driver(Status::CardError, "unexpected 6F00", "piv", Operation::read);
  CHECK(other.reason == "driver_error");
  CHECK(other.extra["driver"] == "piv");
  CHECK(other.message.find("unexpected 6F00") != std::string::npos);
}

TEST_CASE("a puk_blocked message tells the user the card must be replaced", "[cardops][errors]") {
  auto failure = from_driver(Status::PinBlocked, "", "piv", Operation::pin_reset);
  CHECK(failure.message.find("replaced") != std::string::npos);
}

TEST_CASE("queue refusals become busy and no_such_token", "[cardops][errors]") {
  CHECK(from_submit(eport::devices::SubmitResult::busy, "piv:1").reason == "busy");
  CHECK(from_submit(eport::devices::SubmitResult::no_such_token, "piv:1").reason == "no_such_token");
}

TEST_CASE("every reason a failure can carry is one of reasons.def", "[cardops][errors]") {
  for (std::int32_t raw = 1; eport::drivers::is_known_status(raw); ++raw) {
    const auto status = static_cast<Status>(raw);
    for (auto op : {Operation::read, Operation::pin_reset, Operation::pin_change, Operation::cert_write}) {
      const auto failure = from_driver(status, "detail", "piv", op);
      INFO(eport::drivers::to_string(status) << " -> '" << failure.reason << "'");
      CHECK((failure.reason.empty() ? failure.code == eport::ipc::kInvalidParams
                                    : eport::reasons::is_known(failure.reason)));
    }
  }
  for (auto result : {eport::devices::SubmitResult::busy, eport::devices::SubmitResult::no_such_token})
    CHECK(eport::reasons::is_known(from_submit(result, "piv:1").reason));
}
