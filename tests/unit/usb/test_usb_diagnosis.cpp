// The USB device table (usb-tokens.yaml) and the per-device diagnosis behind diag.report's
// ok / needs_driver / no_permission / no_reader, with the file system faked by the facts.
#include <cerrno>
#include <fstream>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "usb/device_table.hpp"
#include "usb/usb_diagnosis.hpp"
#include "usb/usb_report.hpp"

using namespace eport::usb;

namespace {

const char* const kSkfLibrary = "/opt/vendor/lib/libvendor_skf.so";

DeviceTable table_with_skf_key() {
  return DeviceTable::parse(std::string(R"(devices:
  - {usb: "096e:0309", name: "Feitian ePass3000GM", serves: skf, library: )") +
                                kSkfLibrary + R"(}
  - {usb: "096e:0807", name: "Feitian ePass2003", serves: ccid, reader_hint: epass2003}
  - {usb: "096e:*", name: "Feitian device"}
)",
                            "test.yaml");
}

// Facts of a machine where `files` exist and `denied` may not be opened.
ServingFacts facts(std::vector<std::string> libraries, std::set<std::string> files,
                   std::set<std::string> denied = {}, std::vector<std::string> tokens = {}) {
  ServingFacts f = serving_facts({{"skf", {{"libraries", nlohmann::json::array()}}}}, std::move(tokens));
  f.skf_libraries = std::move(libraries);
  f.exists = [files](const std::string& path) { return files.count(path) != 0; };
  f.access_error = [denied](const std::string& path) { return denied.count(path) ? EACCES : 0; };
  return f;
}

const UsbDevice kGmKey{0x096e, 0x0309, 1, 7, "Feitian ePass3000GM", Kind::token};
const UsbDevice kEpass2003{0x096e, 0x0807, 1, 8, "Feitian ePass2003", Kind::ccid_reader};
const std::string kCcid = "/usr/lib/pcsc/drivers/ifd-ccid.bundle";

}  // namespace

TEST_CASE("usb-tokens.yaml rows: VID:PID, vendor-wide *, serves and library", "[usb]") {
  const auto table = table_with_skf_key();
  REQUIRE(table.entries().size() == 3);
  CHECK(table.find(0x096e, 0x0309)->serves == Serves::skf);
  CHECK(table.find(0x096e, 0x0309)->library == kSkfLibrary);
  CHECK(table.find(0x096e, 0x1234)->name == "Feitian device");
  CHECK(table.find(0x096e, 0x1234)->serves == Serves::unknown);
  CHECK(table.find(0x1234, 0x0001) == nullptr);
  for (const char* bad :
       {"devices: 3", "devices:\n  - {usb: \"96e:0309\", name: x}", "devices:\n  - {usb: \"096e:0309\"}",
        "devices:\n  - {usb: \"096e:0309\", name: x, serves: usb}",
        "devices:\n  - {usb: \"096e:0309\", name: x, colour: red}",
        "devices:\n  - {usb: \"096e:0309\", name: x, library: lib.so}", "[unclosed"})
    CHECK_THROWS_WITH(DeviceTable::parse(bad, "bad.yaml"), Catch::Contains("bad.yaml"));
}

TEST_CASE("the shipped config/usb-tokens.yaml has every built-in row and parses", "[usb]") {
  std::ifstream in(EPORT_SOURCE_DIR "/config/usb-tokens.yaml");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  const auto shipped = DeviceTable::parse(text.str(), "usb-tokens.yaml");
  const auto& built_in = DeviceTable::built_in().entries();
  REQUIRE(shipped.entries().size() == built_in.size());
  for (std::size_t i = 0; i < built_in.size(); ++i) {
    CHECK(shipped.entries()[i].vid == built_in[i].vid);
    CHECK(shipped.entries()[i].pid == built_in[i].pid);
    CHECK(shipped.entries()[i].name == built_in[i].name);
    CHECK(shipped.entries()[i].serves == built_in[i].serves);
    CHECK(shipped.entries()[i].reader_hint == built_in[i].reader_hint);
  }
}

TEST_CASE("a missing or broken table falls back to the built-in one; only a broken one warns", "[usb]") {
  std::string warning;
  CHECK(load_device_table("/nonexistent/usb-tokens.yaml", warning).origin() == "built-in");
  CHECK(warning.empty());
  const std::string broken = "/tmp/eport-usb-test-broken.yaml";
  std::ofstream(broken) << "devices: [1, 2";
  CHECK(load_device_table(broken, warning).origin() == "built-in");
  CHECK_THAT(warning, Catch::Contains(broken));
  std::remove(broken.c_str());
}

TEST_CASE("an SKF key whose library is not configured needs a driver, naming the file", "[usb]") {
  const auto table = table_with_skf_key();
  const auto d = diagnose(kGmKey, table.find(0x096e, 0x0309), std::nullopt, facts({}, {kSkfLibrary}));
  CHECK(d.state == "needs_driver");
  CHECK(d.library == kSkfLibrary);
  CHECK_THAT(d.detail, Catch::Contains(kSkfLibrary) && Catch::Contains("not configured"));
}

TEST_CASE("an SKF key whose configured library is not installed needs a driver", "[usb]") {
  const auto table = table_with_skf_key();
  const auto d = diagnose(kGmKey, table.find(0x096e, 0x0309), std::nullopt, facts({kSkfLibrary}, {}));
  CHECK(d.state == "needs_driver");
  CHECK_THAT(d.detail, Catch::Contains(kSkfLibrary) && Catch::Contains("missing"));
}

TEST_CASE("an SKF key eportd may not open is no_permission, with the udev rule that fixes it", "[usb]") {
  const auto table = table_with_skf_key();
  const auto d = diagnose(kGmKey, table.find(0x096e, 0x0309), std::nullopt,
                          facts({kSkfLibrary}, {kSkfLibrary}, {"/dev/bus/usb/001/007"}));
  CHECK(d.state == "no_permission");
  CHECK_THAT(d.detail,
             Catch::Contains("/dev/bus/usb/001/007") &&
                 Catch::Contains(R"(ATTR{idVendor}=="096e", ATTR{idProduct}=="0309", GROUP="eportd")"));
}

TEST_CASE("an SKF key is ok once its library serves a token", "[usb]") {
  const auto table = table_with_skf_key();
  const auto* row = table.find(0x096e, 0x0309);
  CHECK(diagnose(kGmKey, row, std::nullopt, facts({kSkfLibrary}, {kSkfLibrary})).state == "unknown");
  const auto d =
      diagnose(kGmKey, row, std::nullopt, facts({kSkfLibrary}, {kSkfLibrary}, {}, {"skf:vendor:SN1"}));
  CHECK(d.state == "ok");
  CHECK(d.library == kSkfLibrary);
}

TEST_CASE("a key served by an unknown library is fine with any configured SKF library", "[usb]") {
  const auto table = DeviceTable::built_in();
  const auto* row = table.find(0x096e, 0x0309);
  REQUIRE(row != nullptr);
  CHECK(diagnose(kGmKey, row, std::nullopt, facts({}, {})).state == "needs_driver");
  CHECK(diagnose(kGmKey, row, std::nullopt, facts({kSkfLibrary}, {kSkfLibrary}, {}, {"skf:v:1"})).state ==
        "ok");
}

TEST_CASE("a CCID key: no_reader without a PC/SC reader, needs_driver without libccid, ok with a reader",
          "[usb]") {
  const auto table = table_with_skf_key();
  const auto* row = table.find(0x096e, 0x0807);
  CHECK(diagnose(kEpass2003, row, false, facts({}, {kCcid})).state == "no_reader");
  CHECK(diagnose(kEpass2003, row, true, facts({}, {kCcid})).state == "ok");
  CHECK(diagnose(kEpass2003, row, std::nullopt, facts({}, {kCcid})).state == "unknown");
  const auto d = diagnose(kEpass2003, row, true, facts({}, {}));
  CHECK(d.state == "needs_driver");
  CHECK_THAT(d.detail, Catch::Contains("libccid"));
}

TEST_CASE("usb_report carries each device's state and a problem per device that needs work", "[usb]") {
  UsbStatus status;
  status.running = true;
  status.devices = {kGmKey, kEpass2003};
  const auto report = usb_report(true, status, nlohmann::json::array({"Virtual PCD 00 00"}),
                                 table_with_skf_key(), facts({}, {kCcid}));
  REQUIRE(report["devices"].size() == 2);
  CHECK(report["devices"][0]["state"] == "needs_driver");
  CHECK(report["devices"][0]["serves"] == "skf");
  CHECK(report["devices"][1]["state"] == "no_reader");
  CHECK(report["devices"][1]["serves"] == "ccid");
  CHECK(report["device_table"] == "test.yaml");
  REQUIRE(report["problems"].size() == 2);
  CHECK_THAT(report["problems"][0].get<std::string>(), Catch::Contains("Feitian ePass3000GM [096e:0309]"));
  CHECK(report["without_reader"].size() == 2);
}

TEST_CASE("serving_facts reads the skf and pkcs11 drivers' configured libraries", "[usb]") {
  const auto f = serving_facts({{"piv", nlohmann::json::object()},
                                {"skf", {{"libraries", {{{"library", "/a/libx.so"}}, {{"label", "nolib"}}}}}},
                                {"pkcs11", {{"modules", {{{"module", "/b/p11.so"}}}}}}},
                               {"piv:1"});
  CHECK(f.skf_driver);
  CHECK(f.skf_libraries == std::vector<std::string>{"/a/libx.so"});
  CHECK(f.pkcs11_modules == std::vector<std::string>{"/b/p11.so"});
  CHECK(f.token_ids == std::vector<std::string>{"piv:1"});
}
