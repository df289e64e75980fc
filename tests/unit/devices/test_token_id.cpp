#include <catch2/catch.hpp>

#include "devices/token.hpp"
#include "devices/token_id.hpp"
#include "devices/token_job.hpp"

using namespace eport::devices;

TEST_CASE("token id comes from driver and serial, not from the reader", "[devices][tokenid]") {
  CHECK(token_id_for("piv", "0001e240") == "piv:0001e240");
  CHECK(token_id_for("piv", "") == "piv:unknown");
  CHECK(token_id_for("piv", "a b/c:d") == "piv:a_b_c_d");
  CHECK(unidentified_token_id("piv", "Virtual PCD 00 01") == "piv:reader-Virtual_PCD_00_01");
}

TEST_CASE("two cards with one serial get distinct ids, the first keeps the plain one", "[devices][tokenid]") {
  TokenIdAllocator ids;
  bool dup = true;
  CHECK(ids.acquire("piv:01", dup) == "piv:01");
  CHECK_FALSE(dup);
  CHECK(ids.acquire("piv:01", dup) == "piv:01-2");
  CHECK(dup);
  CHECK(ids.acquire("piv:01", dup) == "piv:01-3");
  ids.release("piv:01");
  CHECK_FALSE(ids.in_use("piv:01"));
  CHECK(ids.acquire("piv:01", dup) == "piv:01");  // re-inserted card gets its id back
  CHECK_FALSE(dup);
  CHECK(ids.in_use("piv:01-2"));
}

TEST_CASE("Token and ReaderInfo serialise as PROTOCOL.md says", "[devices][json]") {
  Token t;
  t.id = "piv:0001e240";
  t.driver = "piv";
  t.reader = "Virtual PCD 00 00";
  t.identity.serial = "0001e240";
  auto j = t.to_json();
  CHECK(j["kind"] == "smartcard");
  CHECK(j["state"] == "ready");
  CHECK(j["error"].is_null());
  CHECK(j.size() == 9);
  t.state = "error";
  t.error = "could not identify";
  CHECK(t.to_json()["error"] == "could not identify");

  ReaderInfo r;
  r.name = "Virtual PCD 00 00";
  j = r.to_json();
  CHECK(j["card_present"] == false);
  CHECK(j["token"].is_null());
  CHECK(j["atr"].is_null());
  r.card_present = true;
  r.atr = "3b80";
  r.token = "piv:1";
  j = r.to_json();
  CHECK(j["atr"] == "3b80");
  CHECK(j["token"] == "piv:1");
}

TEST_CASE("job outcomes map to protocol reasons", "[devices][job]") {
  CHECK(protocol_reason({JobEnd::completed, ""}).empty());
  CHECK(protocol_reason({JobEnd::token_removed, "x"}) == "token_removed");
  CHECK(protocol_reason({JobEnd::card_reset, "x"}) == "token_removed");
  CHECK(protocol_reason({JobEnd::pcsc_error, "x"}) == "pcsc_unavailable");
  CHECK(protocol_reason({JobEnd::failed, "x"}) == "driver_error");
  CHECK(protocol_reason({JobEnd::expired, "x"}) == "timeout");
}
