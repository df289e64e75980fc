#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cardops/card_reading.hpp"
#include "cardops/cert_cache.hpp"
#include "cardops/read_coalescer.hpp"

using namespace eport::cardops;
using namespace std::chrono_literals;

namespace {

CardReading reading_with(std::uint8_t byte) {
  CardReading reading;
  eport::drivers::SlotInfo slot;
  slot.slot = "9a";
  reading.slots = {slot};
  reading.certificates = {{slot, {0x30, byte}}};
  return reading;
}

/// A Reply whose responses land in `out`.
eport::ipc::Reply collecting(int id, std::vector<nlohmann::json>& out) {
  return eport::ipc::Reply(id, [&out](nlohmann::json response) { out.push_back(std::move(response)); });
}

}  // namespace

TEST_CASE("cached certificates are used only for the same reset count and within the age",
          "[cardops][cache]") {
  CertCache cache;
  const auto t0 = CertCache::Clock::now();
  const auto reading = reading_with(1);
  cache.store("piv:1", reading.slots, reading.certificates, 1000, 0, t0);
  auto hit = cache.usable("piv:1", 0, 60s, t0 + 59s);
  REQUIRE(hit);
  CHECK(hit->read_at == 1000);
  CHECK(hit->certificates.at(0).der == std::vector<std::uint8_t>{0x30, 1});
  CHECK_FALSE(cache.usable("piv:1", 0, 60s, t0 + 60s));  // too old
  CHECK_FALSE(cache.usable("piv:1", 1, 60s, t0 + 1s));   // the card was reset since
  CHECK_FALSE(cache.usable("piv:1", 0, 0s, t0));         // max age 0: never cached
  CHECK_FALSE(cache.usable("piv:2", 0, 60s, t0));        // another token
  cache.forget("piv:1");
  CHECK_FALSE(cache.usable("piv:1", 0, 60s, t0));
}

TEST_CASE("callers of an open group get the leader's answer under their own ids", "[cardops][coalesce]") {
  ReadCoalescer coalescer;
  std::vector<nlohmann::json> out;
  auto lead = coalescer.join_or_lead("token.status\npiv:1", collecting(1, out));
  REQUIRE(lead);
  CHECK_FALSE(coalescer.join_or_lead("token.status\npiv:1", collecting(2, out)));
  CHECK_FALSE(coalescer.join_or_lead("token.status\npiv:1", collecting(3, out)));
  auto other = coalescer.join_or_lead("token.status\npiv:2", collecting(4, out));
  REQUIRE(other);  // another token: a job of its own
  lead->reply.result({{"pin", "ok"}});
  REQUIRE(out.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(out[i]["id"] == static_cast<int>(i) + 1);
    CHECK(out[i]["result"]["pin"] == "ok");
  }
  CHECK(coalescer.joined_total() == 2);
  // the group is closed: the next caller leads again
  CHECK(coalescer.join_or_lead("token.status\npiv:1", collecting(5, out)));
}

TEST_CASE("once the job started, new callers start a job of their own; errors are shared",
          "[cardops][coalesce]") {
  ReadCoalescer coalescer;
  std::vector<nlohmann::json> out;
  auto lead = coalescer.join_or_lead("k", collecting(1, out));
  REQUIRE(lead);
  CHECK_FALSE(coalescer.join_or_lead("k", collecting(2, out)));
  lead->group->started();
  auto second = coalescer.join_or_lead("k", collecting(3, out));
  REQUIRE(second);
  lead->reply.fail("busy", "The card is busy.");
  REQUIRE(out.size() == 2);
  for (const auto& response : out) CHECK(response["error"]["data"]["reason"] == "busy");
  second->reply.result(nlohmann::json::object());
  REQUIRE(out.size() == 3);
  CHECK(out[2]["id"] == 3);
}

TEST_CASE("a group whose leader is never answered answers every caller with an error",
          "[cardops][coalesce]") {
  ReadCoalescer coalescer;
  std::vector<nlohmann::json> out;
  {
    auto lead = coalescer.join_or_lead("k", collecting(1, out));
    CHECK_FALSE(coalescer.join_or_lead("k", collecting(2, out)));
  }
  REQUIRE(out.size() == 2);
  CHECK(out[0].contains("error"));
  CHECK(out[1]["id"] == 2);
  CHECK(out[1].contains("error"));
}
