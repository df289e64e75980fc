#include <catch2/catch.hpp>

#include <unistd.h>
#include <cstdio>

#include "bytes.hpp"
#include "cert_cache.hpp"
#include "mgmt_key_source.hpp"
#include "options.hpp"
#include "pin_codec.hpp"
#include "pin_state.hpp"
#include "piv_error.hpp"
#include "slots.hpp"

using eport::piv::Bytes;

namespace {
int32_t status_of_options(const char* json) {
  try {
    eport::piv::parse_options(json);
    return EPORT_OK;
  } catch (const eport::piv::PivError& error) {
    return error.status();
  }
}

std::string temp_file(const std::string& content) {
  char name[] = "/tmp/piv-key-XXXXXX";
  const int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  close(fd);
  return name;
}
}  // namespace

TEST_CASE("a new PIN must be 6 to 8 characters without the FF padding byte", "[piv][pin]") {
  CHECK(eport::piv::is_valid_new_pin("123456", 6));
  CHECK(eport::piv::is_valid_new_pin("88888888", 8));
  CHECK_FALSE(eport::piv::is_valid_new_pin("12345", 5));
  CHECK_FALSE(eport::piv::is_valid_new_pin("123456789", 9));
  CHECK_FALSE(
      eport::piv::is_valid_new_pin("1234\xff"
                                   "6",
                                   6));
  CHECK_FALSE(eport::piv::is_valid_new_pin(nullptr, 6));
  CHECK(eport::piv::is_sendable_pin("1", 1));
  CHECK_FALSE(eport::piv::is_sendable_pin("", 0));
}

TEST_CASE("PINs are padded with FF to eight bytes", "[piv][pin]") {
  Bytes out;
  eport::piv::append_padded_pin(out, "123456", 6);
  CHECK(out == Bytes{'1', '2', '3', '4', '5', '6', 0xFF, 0xFF});
}

TEST_CASE("PIN figures come from the status word or the metadata, never guessed", "[piv][pin]") {
  const auto three = eport::piv::figures_from_verify_sw(0x63C3);
  CHECK(three.tries_left == 3);
  CHECK(three.blocked == 0);
  CHECK(three.max_tries == -1);
  CHECK(three.source == EPORT_SOURCE_VERIFY_STATUS);
  const auto blocked = eport::piv::figures_from_verify_sw(0x6983);
  CHECK(blocked.tries_left == 0);
  CHECK(blocked.blocked == 1);
  const auto verified = eport::piv::figures_from_verify_sw(0x9000);
  CHECK(verified.tries_left == -1);  // yubico-piv-tool #77: the count is not told
  CHECK(verified.blocked == 0);
  const auto odd = eport::piv::figures_from_verify_sw(0x6A88);
  CHECK(odd.source == EPORT_SOURCE_NONE);
  CHECK(odd.blocked == -1);

  eport::piv::Metadata meta;
  meta.retries_total = 5;
  meta.retries_left = 0;
  meta.is_default = 0;
  const auto from_meta = eport::piv::figures_from_metadata(meta);
  CHECK(from_meta.max_tries == 5);
  CHECK(from_meta.blocked == 1);
  CHECK(from_meta.source == EPORT_SOURCE_METADATA);
  CHECK(from_meta.max_source == EPORT_SOURCE_METADATA);
}

TEST_CASE("pin info is written only as far as the caller's struct_size reaches", "[piv][abi]") {
  eport_pin_info info{};
  info.struct_size = offsetof(eport_pin_info, is_default);  // an older, shorter struct
  info.is_default = -7;
  eport::piv::PinFigures figures;
  figures.tries_left = 2;
  figures.max_tries = 3;
  figures.is_default = 1;
  eport::piv::write_pin_info(figures, &info);
  CHECK(info.tries_left == 2);
  CHECK(info.max_tries == 3);
  CHECK(info.is_default == -7);
}

TEST_CASE("slots have names, labels and certificate objects", "[piv][slots]") {
  const auto slots = eport::piv::standard_slots();
  REQUIRE(slots.size() == 4);
  CHECK(slots[0].name() == "9a");
  CHECK(slots[3].object_tag == 0x5FC101);
  CHECK(eport::piv::find_slot("9C")->object_tag == 0x5FC10A);
  CHECK(eport::piv::find_slot("82")->object_tag == 0x5FC10D);
  CHECK(eport::piv::find_slot("95")->object_tag == 0x5FC120);
  CHECK_FALSE(eport::piv::find_slot("96"));
  CHECK_FALSE(eport::piv::find_slot("9b"));
  CHECK(eport::piv::retired_slots(3).size() == 3);
}

TEST_CASE("options: the key file and cache lifetime; wrong types are refused", "[piv][options]") {
  const auto options = eport::piv::parse_options(
      R"({"management_key_file":"/etc/eportd/piv.key","cert_cache_ms":0,"future":1})");
  CHECK(options.management_key_file == "/etc/eportd/piv.key");
  CHECK(options.cert_cache.count() == 0);
  CHECK(eport::piv::parse_options("{}").management_key_file.empty());
  CHECK(status_of_options(R"({"management_key_file":5})") == EPORT_ERR_BAD_ARGS);
  CHECK(status_of_options(R"({"cert_cache_ms":-1})") == EPORT_ERR_BAD_ARGS);
  CHECK(status_of_options("[1]") == EPORT_ERR_BAD_ARGS);
  CHECK(status_of_options("{oops") == EPORT_ERR_BAD_ARGS);
}

TEST_CASE("a management key comes from the call, else from the configured file", "[piv][mgmt]") {
  const uint8_t given[3] = {1, 2, 3};
  CHECK(eport::piv::resolve_management_key(given, 3, "").bytes() == Bytes{1, 2, 3});
  const std::string path = temp_file("01 02 03 04 05 06 07 08\n0102030405060708\n0102030405060708\n");
  CHECK(eport::piv::resolve_management_key(nullptr, 0, path).size() == 24);
  std::remove(path.c_str());
  try {
    eport::piv::resolve_management_key(nullptr, 0, "");
    FAIL("no key, no file");
  } catch (const eport::piv::PivError& error) {
    CHECK(error.status() == EPORT_ERR_MGMT_KEY_REQUIRED);
  }
  const std::string bad = temp_file("SECRET-MATERIAL");
  try {
    eport::piv::resolve_management_key(nullptr, 0, bad);
    FAIL("not hex");
  } catch (const eport::piv::PivError& error) {
    CHECK(error.status() == EPORT_ERR_MGMT_KEY_REQUIRED);
    CHECK(std::string(error.what()).find("SECRET") == std::string::npos);  // content not echoed
  }
  std::remove(bad.c_str());
  CHECK_THROWS_AS(eport::piv::resolve_management_key(nullptr, 0, "/nonexistent/key"), eport::piv::PivError);
}

TEST_CASE("cached certificates are used once and only while fresh", "[piv][cache]") {
  auto now = std::chrono::steady_clock::time_point{};
  eport::piv::CertCache cache(std::chrono::milliseconds(2000), [&] { return now; });
  cache.put(0x9A, Bytes{1, 2});
  cache.put(0x9C, std::nullopt);
  CHECK(cache.peek(0x9A) == eport::piv::SlotContent(Bytes{1, 2}));
  CHECK(cache.take(0x9A) == eport::piv::SlotContent(Bytes{1, 2}));
  CHECK_FALSE(cache.take(0x9A));  // used once
  now += std::chrono::milliseconds(2500);
  CHECK_FALSE(cache.take(0x9C));  // too old
  eport::piv::CertCache off(std::chrono::milliseconds(0), [&] { return now; });
  off.put(0x9A, Bytes{1});
  CHECK_FALSE(off.take(0x9A));
}
