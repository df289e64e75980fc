#include <catch2/catch.hpp>

#include "usb/usb_report.hpp"

using namespace eport::usb;
using nlohmann::json;

namespace {

UsbStatus two_devices() {
  UsbStatus status;
  status.running = true;
  status.hotplug = true;
  status.devices = {{0x076b, 0x3021, 1, 2, "HID Global OMNIKEY 3x21 Smart Card Reader", Kind::ccid_reader},
                    {0x163c, 0x0417, 1, 3, "Watchdata USB Key", Kind::token}};
  return status;
}

}  // namespace

TEST_CASE("a reader is seen when a PC/SC reader name contains the device name", "[usb]") {
  UsbDevice omnikey{0x076b, 0x3021, 1, 2, "HID Global OMNIKEY 3x21 Smart Card Reader", Kind::ccid_reader};
  const std::vector<std::string> names{"HID Global OMNIKEY 3x21 Smart Card Reader [OMNIKEY 3x21] 00 00"};
  CHECK(reader_seen(omnikey, &names) == std::optional<bool>(true));
}

TEST_CASE("a reader is seen through the table's hint when the names differ", "[usb]") {
  UsbDevice omnikey{0x076b, 0x3021, 1, 2, "unknown", Kind::ccid_reader};
  const std::vector<std::string> names{"OMNIKEY CardMan 3121 00 00"};
  CHECK(reader_seen(omnikey, &names) == std::optional<bool>(true));
}

TEST_CASE("reader_seen is false without a matching reader and unknown without a reader list", "[usb]") {
  UsbDevice key{0x163c, 0x0417, 1, 3, "Watchdata USB Key", Kind::token};
  const std::vector<std::string> names{"Virtual PCD 00 00"};
  CHECK(reader_seen(key, &names) == std::optional<bool>(false));
  CHECK_FALSE(reader_seen(key, nullptr).has_value());
  UsbDevice nameless{0x4321, 0x0001, 1, 4, "unknown", Kind::ccid_reader};
  CHECK_FALSE(reader_seen(nameless, &names).has_value());
}

TEST_CASE("the usb section lists devices with kind and reader_seen, and the orphans apart", "[usb]") {
  const json readers =
      json::array({{{"name", "HID Global OMNIKEY 3x21 Smart Card Reader 00 00"}, {"card_present", false}}});
  const json report = usb_report(true, two_devices(), readers);
  CHECK(report["enabled"] == true);
  CHECK(report["hotplug"] == true);
  CHECK_FALSE(report.contains("detail"));
  REQUIRE(report["devices"].size() == 2);
  CHECK(report["devices"][0] == json{{"vid", "076b"},
                                     {"pid", "3021"},
                                     {"name", "HID Global OMNIKEY 3x21 Smart Card Reader"},
                                     {"bus", 1},
                                     {"address", 2},
                                     {"kind", "ccid_reader"},
                                     {"reader_seen", true}});
  CHECK(report["devices"][1]["kind"] == "token");
  CHECK(report["devices"][1]["reader_seen"] == false);
  REQUIRE(report["without_reader"].size() == 1);
  CHECK(report["without_reader"][0]["vid"] == "163c");
}

TEST_CASE("without a reader list reader_seen is null and nothing is called an orphan", "[usb]") {
  const json report = usb_report(true, two_devices(), json());
  CHECK(report["devices"][0]["reader_seen"].is_null());
  CHECK(report["without_reader"].empty());
}

TEST_CASE("a disabled watcher reports enabled false and no devices", "[usb]") {
  const json report = usb_report(false, two_devices(), json::array());
  CHECK(report["enabled"] == false);
  CHECK(report["hotplug"] == false);
  CHECK(report["devices"].empty());
}

TEST_CASE("the watcher's detail is passed on", "[usb]") {
  UsbStatus status;
  status.detail = "libusb has no hotplug support here";
  CHECK(usb_report(true, status, json::array())["detail"] == "libusb has no hotplug support here");
}
