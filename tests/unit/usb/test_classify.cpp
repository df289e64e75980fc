#include <catch2/catch.hpp>

#include "usb/known_devices.hpp"
#include "usb/usb_device.hpp"

using namespace eport::usb;

TEST_CASE("a device with a CCID interface is a reader whatever its vendor", "[usb]") {
  CHECK(classify({0x1234, 0x5678, 0x00, {0x03, 0x0b}}) == Kind::ccid_reader);
  CHECK(classify({0x076b, 0x3021, 0x00, {0x0b}}) == Kind::ccid_reader);
}

TEST_CASE("a device whose own class is CCID is a reader", "[usb]") {
  CHECK(classify({0x1234, 0x5678, kCcidClass, {}}) == Kind::ccid_reader);
}

TEST_CASE("a known USBKey without a CCID interface is a token", "[usb]") {
  CHECK(classify({0x163c, 0x0417, 0x00, {0xff}}) == Kind::token);
  CHECK(classify({0x096e, 0x9999, 0x00, {0x03}}) == Kind::token);  // vendor-wide row
}

TEST_CASE("an unknown device without a CCID interface is other", "[usb]") {
  CHECK(classify({0x046d, 0xc077, 0x00, {0x03}}) == Kind::other);
  CHECK(classify({0x1d6b, 0x0002, 0x09, {0x09}}) == Kind::other);  // a root hub
}

TEST_CASE("the table prefers the exact product over the vendor-wide row", "[usb]") {
  const auto exact = find_known_device(0x096e, 0x0807);
  REQUIRE(exact);
  CHECK(std::string(exact->name) == "Feitian ePass2003");
  const auto vendor = find_known_device(0x096e, 0x1234);
  REQUIRE(vendor);
  CHECK(vendor->pid == 0);
  CHECK_FALSE(find_known_device(0x046d, 0xc077));
  CHECK(known_device_count() >= 10);
}

TEST_CASE("ids are four lower-case hex digits", "[usb]") {
  CHECK(hex4(0x076b) == "076b");
  CHECK(hex4(0xABCD) == "abcd");
  CHECK(hex4(0x0001) == "0001");
}

TEST_CASE("names come from the strings, then the table, then unknown", "[usb]") {
  CHECK(display_name(0x076b, 0x3021, "HID Global", "OMNIKEY 3x21") == "HID Global OMNIKEY 3x21");
  CHECK(display_name(0x076b, 0x3021, "HID Global", "HID Global OMNIKEY 3x21") == "HID Global OMNIKEY 3x21");
  CHECK(display_name(0x076b, 0x3021, "", "") == "OMNIKEY CardMan 3121");
  CHECK(display_name(0x4321, 0x0001, "", "  ") == "unknown");
  CHECK(display_name(0x4321, 0x0001, "Acme", "") == "Acme");
}

TEST_CASE("usb events carry vid, pid, name, bus and address", "[usb]") {
  UsbDevice device{0x163c, 0x0417, 3, 12, "Watchdata USB Key", Kind::token};
  const auto params = event_params(device);
  CHECK(params ==
        nlohmann::json{
            {"vid", "163c"}, {"pid", "0417"}, {"name", "Watchdata USB Key"}, {"bus", 3}, {"address", 12}});
}
