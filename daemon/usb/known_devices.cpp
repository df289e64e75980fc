#include "usb/known_devices.hpp"

#include <iterator>

namespace eport::usb {

namespace {

// STARTING LIST, extend it as help desks report devices. Sources: the CCID driver's supported
// device list (Debian libccid, /usr/lib/pcsc/drivers/ifd-ccid.bundle/Contents/Info.plist) for
// exact products served by CCID, and the public usb.ids list (Debian package usb.ids) for
// vendor-wide rows and for keys served by their vendor's library. Vendor-wide rows mark a vendor
// whose devices in this field are USBKeys or readers, so an unknown product of theirs is still
// reported (with kind "token") rather than hidden. config/usb-tokens.yaml holds the same rows;
// eportd reads that file and falls back to this list when it is missing.
constexpr KnownDevice kTable[] = {
    // HID Global / OMNIKEY readers.
    {0x076b, 0x3021, "OMNIKEY CardMan 3121", "omnikey", Serves::ccid},
    {0x076b, 0x3031, "HID Global OMNIKEY 3x21 Smart Card Reader", "omnikey", Serves::ccid},
    {0x076b, 0x5421, "OMNIKEY 5421", "omnikey", Serves::ccid},
    {0x076b, 0x5422, "HID Global OMNIKEY 5422 Smartcard Reader", "omnikey", Serves::ccid},
    {0x076b, 0x0000, "HID Global OMNIKEY reader", "omnikey", Serves::unknown},
    // Feitian: ePass2003 USBKeys (common for China E-Port certificates) and readers.
    {0x096e, 0x0807, "Feitian ePass2003", "epass2003", Serves::ccid},
    {0x096e, 0x080a, "FT ePass2003Auto", "epass2003", Serves::ccid},
    {0x096e, 0x080f, "Feitian eJAVA Token", "feitian", Serves::ccid},
    // Feitian ePass3000GM: an SM2 USBKey served by Feitian's own SKF library (usb.ids 096e:0309).
    {0x096e, 0x0309, "Feitian ePass3000GM", "epass3000", Serves::skf},
    {0x096e, 0x0000, "Feitian Technologies device", "feitian", Serves::unknown},
    // Watchdata (握奇) USBKeys.
    {0x163c, 0x0407, "Watchdata USB Key", "watchdata", Serves::ccid},
    {0x163c, 0x0417, "Watchdata USB Key", "watchdata", Serves::ccid},
    {0x163c, 0x0418, "Watchdata USB Key", "watchdata", Serves::ccid},
    {0x163c, 0x0000, "Watchdata device", "watchdata", Serves::unknown},
    // Yubico YubiKeys (PIV-capable through their CCID interface).
    {0x1050, 0x0404, "Yubico YubiKey CCID", "yubikey", Serves::ccid},
    {0x1050, 0x0406, "Yubico YubiKey FIDO+CCID", "yubikey", Serves::ccid},
    {0x1050, 0x0407, "Yubico YubiKey OTP+FIDO+CCID", "yubikey", Serves::ccid},
    {0x1050, 0x0000, "Yubico YubiKey", "yubikey", Serves::unknown},
    // VASCO / OneSpan DIGIPASS keys.
    {0x1a44, 0x0000, "VASCO DIGIPASS", "digipass", Serves::unknown},
};

}  // namespace

std::optional<KnownDevice> find_known_device(std::uint16_t vid, std::uint16_t pid) {
  std::optional<KnownDevice> vendor_wide;
  for (const auto& entry : kTable) {
    if (entry.vid != vid) continue;
    if (entry.pid == pid && pid != 0) return entry;
    if (entry.pid == 0) vendor_wide = entry;
  }
  return vendor_wide;
}

std::size_t known_device_count() { return std::size(kTable); }

const KnownDevice* known_devices_begin() { return std::begin(kTable); }
const KnownDevice* known_devices_end() { return std::end(kTable); }

}  // namespace eport::usb
