// Table validation rules (pure: no plug-in loaded).
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstring>

#include "drivers/ops_table.hpp"
#include "drivers/plugin_path.hpp"
#include "drivers/status.hpp"
#include "drivers/types.hpp"

#include <nlohmann/json.hpp>

using namespace eport::drivers;

namespace {

int32_t init(const eport_host*, eport_driver**) { return EPORT_OK; }
void shutdown(eport_driver*) {}
int32_t match(eport_driver*, eport_channel*, const uint8_t*, size_t) { return EPORT_OK; }
int32_t open_token(eport_driver*, eport_channel*, eport_token**) { return EPORT_OK; }
void close_token(eport_token*) {}
int32_t enumerate(eport_driver*, eport_token_info*, size_t*) { return EPORT_OK; }
int32_t open_provider(eport_driver*, const char*, eport_token**) { return EPORT_OK; }

eport_driver_ops card_table() {
  eport_driver_ops ops{};
  ops.abi_major = EPORT_DRIVER_ABI_MAJOR;
  ops.struct_size = sizeof ops;
  ops.name = "t";
  ops.version = "1";
  ops.kind = EPORT_KIND_CARD;
  ops.capabilities = EPORT_CAP_MATCH;
  ops.init = init;
  ops.shutdown = shutdown;
  ops.match = match;
  ops.open_token = open_token;
  ops.close_token = close_token;
  return ops;
}

std::string check(const eport_driver_ops& ops) {
  eport_driver_ops copy;
  return accept_ops_table(&ops, "t", copy);
}

}  // namespace

TEST_CASE("a minimal card table is accepted", "[drivers][table]") { CHECK(check(card_table()).empty()); }

TEST_CASE("a table smaller than v1.0 is refused", "[drivers][table]") {
  auto ops = card_table();
  ops.struct_size = EPORT_DRIVER_OPS_SIZE_1_0 - 8;
  CHECK_THAT(check(ops), Catch::Contains("smaller than"));
}

TEST_CASE("fields beyond struct_size are treated as absent", "[drivers][table]") {
  auto ops = card_table();
  ops.struct_size = EPORT_DRIVER_OPS_SIZE_1_0;
  eport_driver_ops copy;
  REQUIRE(accept_ops_table(&ops, "t", copy).empty());
  CHECK(std::memcmp(&copy, &ops, EPORT_DRIVER_OPS_SIZE_1_0) == 0);
}

static int32_t pin_verify(eport_token*, eport_channel*, uint32_t, const char*, size_t, eport_pin_info*) {
  return EPORT_OK;
}

TEST_CASE("a v1.0 table (without pin_verify) loads; pin_verify is absent from it", "[drivers][table]") {
  // A 1.0 plug-in's table ends at slot_public_key: whatever follows in memory is not its own.
  auto ops = card_table();
  ops.struct_size = EPORT_DRIVER_OPS_SIZE_1_0;
  ops.pin_verify = pin_verify;  // beyond struct_size: must not be read
  eport_driver_ops copy;
  REQUIRE(accept_ops_table(&ops, "t", copy).empty());
  CHECK(copy.pin_verify == nullptr);
  CHECK(EPORT_DRIVER_OPS_SIZE_1_1 > EPORT_DRIVER_OPS_SIZE_1_0);
}

TEST_CASE("pin_verify is a capability of ABI 1.1 that needs its function", "[drivers][table]") {
  auto ops = card_table();
  ops.capabilities |= EPORT_CAP_PIN_VERIFY;
  CHECK_THAT(check(ops), Catch::Contains("\"pin_verify\" is set but its function is NULL"));
  ops.pin_verify = pin_verify;
  eport_driver_ops copy;
  REQUIRE(accept_ops_table(&ops, "t", copy).empty());
  CHECK((copy.capabilities & EPORT_CAP_PIN_VERIFY) != 0);
  CHECK(capability_names(EPORT_CAP_PIN_VERIFY) == std::vector<std::string>{"pin_verify"});
  // the bit set in a 1.0-sized table: its function lies beyond struct_size, so it is missing
  ops.struct_size = EPORT_DRIVER_OPS_SIZE_1_0;
  CHECK_THAT(check(ops), Catch::Contains("\"pin_verify\" is set but its function is NULL"));
}

TEST_CASE("an unknown kind is refused", "[drivers][table]") {
  auto ops = card_table();
  ops.kind = 7;
  CHECK_THAT(check(ops), Catch::Contains("unknown driver kind 7"));
}

TEST_CASE("a card driver without match is refused", "[drivers][table]") {
  auto ops = card_table();
  ops.capabilities = 0;
  CHECK_THAT(check(ops), Catch::Contains("needs EPORT_CAP_MATCH"));
}

TEST_CASE("kinds may not borrow each other's capabilities", "[drivers][table]") {
  auto card = card_table();
  card.capabilities |= EPORT_CAP_ENUMERATE;
  card.enumerate = enumerate;
  CHECK_THAT(check(card), Catch::Contains("for token providers"));

  auto provider = card_table();
  provider.kind = EPORT_KIND_TOKEN_PROVIDER;
  provider.enumerate = enumerate;
  provider.open_provider_token = open_provider;
  provider.capabilities = EPORT_CAP_ENUMERATE;
  CHECK(check(provider).empty());
  provider.capabilities |= EPORT_CAP_MATCH;
  CHECK_THAT(check(provider), Catch::Contains("for card drivers"));
}

TEST_CASE("a table without init or close_token is refused", "[drivers][table]") {
  auto ops = card_table();
  ops.init = nullptr;
  CHECK_THAT(check(ops), Catch::Contains("init() or shutdown() is missing"));
  ops = card_table();
  ops.close_token = nullptr;
  CHECK_THAT(check(ops), Catch::Contains("close_token() is missing"));
}

TEST_CASE("capability names follow the bits", "[drivers][table]") {
  CHECK(capability_names(EPORT_CAP_PIN_STATUS | EPORT_CAP_CERT_READ) ==
        std::vector<std::string>{"pin_status", "cert_read"});
  CHECK(capability_name(UINT64_C(1) << 50) == nullptr);
}

TEST_CASE("driver names are plain file-name parts", "[drivers][directory]") {
  CHECK(check_driver_name("piv").empty());
  CHECK(check_driver_name("pkcs11-feitian_2.0").empty());
  CHECK_FALSE(check_driver_name("../piv").empty());
  CHECK_FALSE(check_driver_name("a/b").empty());
  CHECK_FALSE(check_driver_name("p iv").empty());
  CHECK(plugin_file_name("piv") == "eport-piv.so");
}

TEST_CASE("status names and codes match the ABI", "[drivers][status]") {
  CHECK(std::string(to_string(Status::WrongPin)) == "wrong_pin");
  CHECK(to_abi(Status::Internal) == EPORT_ERR_INTERNAL);
  CHECK(is_known_status(EPORT_ERR_LAST));
  CHECK_FALSE(is_known_status(EPORT_ERR_LAST + 1));
  CHECK_FALSE(is_known_status(-1));
}

TEST_CASE("the v1.0 layout stays frozen on 64-bit Linux", "[drivers][abi]") {
  // Moving or resizing a member breaks every plug-in built before: new members go at the end.
#if defined(__LP64__)
  CHECK(offsetof(eport_driver_ops, name) == 8);
  CHECK(offsetof(eport_driver_ops, kind) == 24);
  CHECK(offsetof(eport_driver_ops, capabilities) == 32);
  CHECK(offsetof(eport_driver_ops, init) == 40);
  CHECK(offsetof(eport_driver_ops, enumerate) == 80);
  CHECK(offsetof(eport_driver_ops, identify) == 104);
  CHECK(EPORT_DRIVER_OPS_SIZE_1_0 == 168);
  CHECK(offsetof(eport_host, host_ctx) == 8);
  CHECK(offsetof(eport_host, transmit) == 24);
  CHECK(EPORT_HOST_SIZE_1_0 == 40);
  CHECK(offsetof(eport_token_info, id) == 264);  // sizeof(1.0 struct) was 264
  CHECK(offsetof(eport_pin_info, source) == 20);
  CHECK(offsetof(eport_pin_info, state) == 36);  // sizeof(1.0 struct) was 36
  CHECK(offsetof(eport_slot_info, has_certificate) == 80);
  CHECK(offsetof(eport_slot_info, slot_id) == 88);  // 1.1 appended after the 1.0 members
#endif
  CHECK(EPORT_DRIVER_ABI_MAJOR == 1);
}

TEST_CASE("ABI 1.1 and 1.2 only append to the 1.0 structs", "[drivers][abi]") {
#if defined(__LP64__)
  CHECK(offsetof(eport_token_info, id) == 264);
  CHECK(offsetof(eport_token_info, kind) == 264 + 129);
  CHECK(offsetof(eport_token_info, reader) == 264 + 129 + 17);
  CHECK(offsetof(eport_host, report_status) == EPORT_HOST_SIZE_1_0);
  CHECK(EPORT_HOST_SIZE_1_1 == 48);
  CHECK(offsetof(eport_pin_info, state) == 36);
  // 1.2 appends channel_session after report_status.
  CHECK(offsetof(eport_host, channel_session) == EPORT_HOST_SIZE_1_1);
  CHECK(EPORT_HOST_SIZE_1_2 == 56);
#endif
  CHECK(EPORT_DRIVER_ABI_MINOR == 2);
}

TEST_CASE("driver facts serialise for drivers.list", "[drivers][json]") {
  DriverInfo info{"piv",
                  "0.1.0",
                  "1.0",
                  "/p/eport-piv.so",
                  "card",
                  {"match", "identify"},
                  EPORT_CAP_MATCH | EPORT_CAP_IDENTIFY};
  const nlohmann::json json = info;
  CHECK(json == nlohmann::json{{"name", "piv"},
                               {"version", "0.1.0"},
                               {"abi", "1.0"},
                               {"library", "/p/eport-piv.so"},
                               {"kind", "card"},
                               {"capabilities", {"match", "identify"}}});
}
