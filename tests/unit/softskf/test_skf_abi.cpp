// Both shared libraries as a program sees them through dlopen: only SKF_* exported, and the
// BOOL out-parameter written with 4 bytes (libeport-softskf.so) or 8 (libeport-softskf-bool64.so).
#include <dlfcn.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>

#include "softskf_support.hpp"

using namespace softskf_test;

namespace {

// Declared here as a caller must: ULONG 32 bits, the BOOL* as a pointer to 8 bytes of storage.
using ConnectDev = std::uint32_t (*)(char*, void**);
using DisConnectDev = std::uint32_t (*)(void*);
using OpenApplication = std::uint32_t (*)(void*, char*, void**);
using CloseApplication = std::uint32_t (*)(void*);
using GetPINInfo = std::uint32_t (*)(void*, std::uint32_t, std::uint32_t*, std::uint32_t*, void*);

struct Library {
  void* handle;
  explicit Library(const char* path) : handle(dlopen(path, RTLD_NOW | RTLD_LOCAL)) {
    if (handle == nullptr) FAIL(dlerror());
  }
  ~Library() {
    if (handle != nullptr) dlclose(handle);
  }
  template <class F>
  F get(const char* name) const {
    auto f = reinterpret_cast<F>(dlsym(handle, name));
    REQUIRE(f != nullptr);
    return f;
  }
};

// The default-PIN flag as the library writes it into 8 bytes pre-filled with 0xAA.
std::uint64_t default_flag_bytes(const Library& lib) {
  std::string name = "SKBOOL", app_name = "EPORT";
  void* device = nullptr;
  void* app = nullptr;
  REQUIRE(lib.get<ConnectDev>("SKF_ConnectDev")(name.data(), &device) == SAR_OK);
  REQUIRE(lib.get<OpenApplication>("SKF_OpenApplication")(device, app_name.data(), &app) == SAR_OK);
  std::uint32_t max = 0, remaining = 0;
  std::uint64_t flag = 0xAAAAAAAAAAAAAAAAull;
  REQUIRE(lib.get<GetPINInfo>("SKF_GetPINInfo")(app, USER_TYPE, &max, &remaining, &flag) == SAR_OK);
  CHECK(max == 6);
  lib.get<CloseApplication>("SKF_CloseApplication")(app);
  lib.get<DisConnectDev>("SKF_DisConnectDev")(device);
  return flag;
}

}  // namespace

TEST_CASE("softskf: the standard library writes a 4-byte BOOL, the bool64 variant all 8 bytes") {
  DeviceDir dir;
  dir.add_sm2("SKBOOL");
  Library standard(EPORT_SOFTSKF_LIBRARY), bool64(EPORT_SOFTSKF_BOOL64_LIBRARY);
  CHECK(default_flag_bytes(standard) == 0xAAAAAAAA00000001ull);  // little-endian int 1, rest untouched
  CHECK(default_flag_bytes(bool64) == 1);
}

TEST_CASE("softskf: the shared libraries export the SKF functions and nothing of C++") {
  Library lib(EPORT_SOFTSKF_LIBRARY);
  for (const char* name :
       {"SKF_EnumDev", "SKF_WaitForDevEvent", "SKF_CancelWaitForDevEvent", "SKF_GetPINInfo", "SKF_UnblockPIN",
        "SKF_ImportCertificate", "SKF_ExportPublicKey", "SKF_LockDev"})
    CHECK(dlsym(lib.handle, name) != nullptr);
  CHECK(dlsym(lib.handle,
              "_ZN5eport7softskf9load_stateERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE") ==
        nullptr);
}
