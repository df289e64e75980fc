// Device management through the SKF functions: listing, connecting, DEVINFO, removal, locking.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>

#include "softskf_support.hpp"

using namespace softskf_test;

TEST_CASE("softskf: SKF_EnumDev lists the state files as a double-NUL list, sized by a NULL call") {
  DeviceDir dir;
  ULONG size = 99;
  REQUIRE(SKF_EnumDev(1, nullptr, &size) == SAR_OK);
  CHECK(size == 2);  // an empty list: two NULs
  dir.add_sm2("SKA");
  dir.add_sm2("SKB");
  CHECK(enum_devices() == std::vector<std::string>{"SKA", "SKB"});
  REQUIRE(SKF_EnumDev(1, nullptr, &size) == SAR_OK);
  CHECK(size == 9);  // "SKA\0SKB\0\0"
  char small[4];
  ULONG small_size = sizeof small;
  CHECK(SKF_EnumDev(1, small, &small_size) == SAR_BUFFER_TOO_SMALL);
  CHECK(small_size == 9);
}

TEST_CASE("softskf: SKF_GetDevInfo reports serial, label and manufacturer in a packed DEVINFO") {
  DeviceDir dir;
  dir.add_sm2("SK0042");
  Session s("SK0042");
  REQUIRE(s.status == SAR_OK);
  DEVINFO info;
  std::memset(&info, 0x7F, sizeof info);
  REQUIRE(SKF_GetDevInfo(s.device, &info) == SAR_OK);
  CHECK(std::string(info.SerialNumber) == "SK0042");
  CHECK(std::string(info.Label) == "eport soft SKF SK0042");
  CHECK(std::string(info.Manufacturer) == "eportd soft SKF");
  CHECK(info.FirmwareVersion.major == 1);
  CHECK((info.AlgAsymCap & SGD_SM2_1) != 0);
  std::string name = "SK0042";
  ULONG state = 99;
  REQUIRE(SKF_GetDevState(name.data(), &state) == SAR_OK);
  CHECK(state == DEV_PRESENT_STATE);
}

TEST_CASE("softskf: a removed state file is a pulled key: SAR_DEVICE_REMOVED, the handle stays refused") {
  DeviceDir dir;
  const auto file = dir.add_sm2("SKR");
  Session s("SKR", "c1");
  REQUIRE(s.status == SAR_OK);
  REQUIRE(::unlink(file.c_str()) == 0);
  DEVINFO info;
  CHECK(SKF_GetDevInfo(s.device, &info) == SAR_DEVICE_REMOVED);
  ULONG max = 0, remaining = 0;
  BOOL is_default = 0;
  CHECK(SKF_GetPINInfo(s.app, USER_TYPE, &max, &remaining, &is_default) == SAR_DEVICE_REMOVED);
  ULONG rv = 0;
  export_certificate(s.container, true, &rv);
  CHECK(rv == SAR_DEVICE_REMOVED);
  std::string name = "SKR";
  DEVHANDLE other = nullptr;
  CHECK(SKF_ConnectDev(name.data(), &other) == SAR_DEVICE_REMOVED);
}

TEST_CASE("softskf: unknown or closed handles are refused, never dereferenced") {
  DeviceDir dir;
  dir.add_sm2("SKH");
  DEVINFO info;
  int not_a_handle = 0;
  CHECK(SKF_GetDevInfo(&not_a_handle, &info) == SAR_INVALIDHANDLEERR);
  std::string name = "SKH";
  DEVHANDLE device = nullptr;
  REQUIRE(SKF_ConnectDev(name.data(), &device) == SAR_OK);
  HAPPLICATION app = nullptr;
  std::string app_name = "EPORT";
  REQUIRE(SKF_OpenApplication(device, app_name.data(), &app) == SAR_OK);
  REQUIRE(SKF_DisConnectDev(device) == SAR_OK);
  CHECK(SKF_GetDevInfo(device, &info) == SAR_INVALIDHANDLEERR);
  ULONG max = 0, remaining = 0;
  BOOL is_default = 0;
  CHECK(SKF_GetPINInfo(app, USER_TYPE, &max, &remaining, &is_default) == SAR_INVALIDHANDLEERR);
  std::string missing = "NOPE";
  CHECK(SKF_OpenApplication(device, missing.data(), &app) == SAR_INVALIDHANDLEERR);
}

TEST_CASE("softskf: SKF_LockDev excludes a second handle until unlocked, and its timeout is bounded") {
  DeviceDir dir;
  dir.add_sm2("SKL");
  Session first("SKL"), second("SKL");
  REQUIRE(first.status == SAR_OK);
  REQUIRE(second.status == SAR_OK);
  REQUIRE(SKF_LockDev(first.device, 1000) == SAR_OK);
  const auto start = std::chrono::steady_clock::now();
  CHECK(SKF_LockDev(second.device, 50) == SAR_TIMEOUTERR);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
  REQUIRE(SKF_UnlockDev(first.device) == SAR_OK);
  CHECK(SKF_LockDev(second.device, 1000) == SAR_OK);
  CHECK(SKF_UnlockDev(second.device) == SAR_OK);
}

TEST_CASE("softskf: applications and containers are listed and typed") {
  DeviceDir dir;
  eport::softskf::InitOptions options;
  options.serial = "SKC";
  options.certificates = {eport::softskf::parse_certificate_request("gm:sign:sm2:10"),
                          eport::softskf::parse_certificate_request("rsa:enc:rsa2048:10")};
  dir.add(options);
  Session s("SKC");
  REQUIRE(s.status == SAR_OK);
  char list[256];
  ULONG size = sizeof list;
  REQUIRE(SKF_EnumContainer(s.app, list, &size) == SAR_OK);
  CHECK(split_list(list, size) == std::vector<std::string>{"gm", "rsa"});
  for (auto [name, type] :
       {std::pair<std::string, ULONG>{"gm", CONTAINER_TYPE_ECC}, {"rsa", CONTAINER_TYPE_RSA}}) {
    HCONTAINER c = nullptr;
    REQUIRE(SKF_OpenContainer(s.app, name.data(), &c) == SAR_OK);
    ULONG got = 99;
    CHECK(SKF_GetContainerType(c, &got) == SAR_OK);
    CHECK(got == type);
    SKF_CloseContainer(c);
  }
  std::string missing = "none";
  HCONTAINER c = nullptr;
  CHECK(SKF_OpenContainer(s.app, missing.data(), &c) == SAR_FILE_NOT_EXIST);
  HAPPLICATION app = nullptr;
  CHECK(SKF_OpenApplication(s.device, missing.data(), &app) == SAR_APPLICATION_NOT_EXISTS);
}
