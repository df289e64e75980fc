#pragma once
// The plug-in's own declarations of the GM/T 0016-2012 ("SKF") interface, written from the
// standard — no vendor header. Only what eport-skf.so calls.
//
// ABI traps this file settles (seen in public vendor headers):
//  - ULONG is the standard's 32-bit unsigned integer, never the platform's `unsigned long`.
//  - BOOL is `int` (4 bytes) in the standard and most vendor headers, `long` (8 bytes) in some.
//    In-parameters are declared here as 64-bit integers: on x86-64 and AArch64 a BOOL argument
//    travels in a 64-bit register, so a library built with a 4-byte BOOL reads the low half and
//    one built with an 8-byte BOOL the whole value — both see exactly 0 or 1. (All BOOL
//    arguments used here are among the first six, so none goes to the stack.)
//    Out-parameters (BOOL*) point to zeroed 8-byte storage (BoolOut), read as "any bit set".
//  - DEVINFO and the public-key blobs are packed; their sizes are checked below.
//  - Name lists are NUL-separated and end with one more NUL; a NULL buffer asks for the size.
#include <cstddef>
#include <cstdint>

namespace eport::skf::abi {

using ULONG = std::uint32_t;
using BYTE = std::uint8_t;
using BoolIn = std::int64_t;    ///< a BOOL argument, passed in a full register (see above)
using BoolOut = std::uint64_t;  ///< storage a BOOL* may be written into, 4 or 8 bytes
using HANDLE = void*;

// Status codes (附录 A).
constexpr ULONG SAR_OK = 0x00000000;
constexpr ULONG SAR_FAIL = 0x0A000001;
constexpr ULONG SAR_NOTSUPPORTYETERR = 0x0A000003;
constexpr ULONG SAR_INVALIDHANDLEERR = 0x0A000005;
constexpr ULONG SAR_INVALIDPARAMERR = 0x0A000006;
constexpr ULONG SAR_TIMEOUTERR = 0x0A00000F;
constexpr ULONG SAR_INDATALENERR = 0x0A000010;
constexpr ULONG SAR_INDATAERR = 0x0A000011;
constexpr ULONG SAR_KEYNOTFOUNTERR = 0x0A00001B;
constexpr ULONG SAR_CERTNOTFOUNTERR = 0x0A00001C;
constexpr ULONG SAR_BUFFER_TOO_SMALL = 0x0A000020;
constexpr ULONG SAR_DEVICE_REMOVED = 0x0A000023;
constexpr ULONG SAR_PIN_INCORRECT = 0x0A000024;
constexpr ULONG SAR_PIN_LOCKED = 0x0A000025;
constexpr ULONG SAR_PIN_INVALID = 0x0A000026;
constexpr ULONG SAR_PIN_LEN_RANGE = 0x0A000027;
constexpr ULONG SAR_USER_TYPE_INVALID = 0x0A00002A;
constexpr ULONG SAR_USER_NOT_LOGGED_IN = 0x0A00002D;
constexpr ULONG SAR_APPLICATION_NOT_EXISTS = 0x0A00002E;
constexpr ULONG SAR_FILE_NOT_EXIST = 0x0A000031;

constexpr ULONG ADMIN_TYPE = 0;
constexpr ULONG USER_TYPE = 1;
constexpr ULONG DEV_EVENT_INSERTED = 1;
constexpr ULONG DEV_EVENT_REMOVED = 2;
constexpr ULONG CONTAINER_EMPTY = 0;
constexpr ULONG CONTAINER_RSA = 1;
constexpr ULONG CONTAINER_ECC = 2;

#pragma pack(push, 1)
struct Version {
  BYTE major;
  BYTE minor;
};

struct DevInfo {
  Version version;
  char manufacturer[64];
  char issuer[64];
  char label[32];
  char serial_number[32];
  Version hw_version;
  Version firmware_version;
  ULONG alg_sym_cap;
  ULONG alg_asym_cap;
  ULONG alg_hash_cap;
  ULONG dev_auth_alg_id;
  ULONG total_space;
  ULONG free_space;
  ULONG max_ecc_buffer_size;
  ULONG max_buffer_size;
  BYTE reserved[64];
};

struct RsaPublicKeyBlob {
  ULONG alg_id;
  ULONG bit_len;
  BYTE modulus[256];
  BYTE public_exponent[4];
};

struct EccPublicKeyBlob {
  ULONG bit_len;
  BYTE x[64];
  BYTE y[64];
};
#pragma pack(pop)

static_assert(sizeof(ULONG) == 4, "ULONG is 32 bits");
static_assert(sizeof(DevInfo) == 294, "DEVINFO is packed: 294 bytes");
static_assert(offsetof(DevInfo, serial_number) == 162, "DEVINFO.SerialNumber at 162");
static_assert(offsetof(DevInfo, firmware_version) == 196, "DEVINFO.FirmwareVersion at 196");
static_assert(sizeof(EccPublicKeyBlob) == 132, "ECCPUBLICKEYBLOB is packed: 132 bytes");
static_assert(sizeof(RsaPublicKeyBlob) == 268, "RSAPUBLICKEYBLOB is packed: 268 bytes");
static_assert(sizeof(BoolOut) == 8, "BOOL out-parameters get 8 bytes");

// Function types (cdecl on Linux).
using WaitForDevEvent = ULONG (*)(char* name, ULONG* name_len, ULONG* event);
using CancelWaitForDevEvent = ULONG (*)();
using EnumDev = ULONG (*)(BoolIn present, char* names, ULONG* size);
using ConnectDev = ULONG (*)(char* name, HANDLE* device);
using DisConnectDev = ULONG (*)(HANDLE device);
using GetDevInfo = ULONG (*)(HANDLE device, DevInfo* info);
using LockDev = ULONG (*)(HANDLE device, ULONG timeout_ms);
using UnlockDev = ULONG (*)(HANDLE device);
using EnumApplication = ULONG (*)(HANDLE device, char* names, ULONG* size);
using OpenApplication = ULONG (*)(HANDLE device, char* name, HANDLE* app);
using CloseApplication = ULONG (*)(HANDLE app);
using GetPINInfo = ULONG (*)(HANDLE app, ULONG type, ULONG* max, ULONG* remaining, BoolOut* is_default);
using VerifyPIN = ULONG (*)(HANDLE app, ULONG type, char* pin, ULONG* retry);
using ChangePIN = ULONG (*)(HANDLE app, ULONG type, char* old_pin, char* new_pin, ULONG* retry);
using UnblockPIN = ULONG (*)(HANDLE app, char* admin_pin, char* new_user_pin, ULONG* retry);
using ClearSecureState = ULONG (*)(HANDLE app);
using EnumContainer = ULONG (*)(HANDLE app, char* names, ULONG* size);
using OpenContainer = ULONG (*)(HANDLE app, char* name, HANDLE* container);
using CloseContainer = ULONG (*)(HANDLE container);
using GetContainerType = ULONG (*)(HANDLE container, ULONG* type);
using ImportCertificate = ULONG (*)(HANDLE container, BoolIn sign, BYTE* cert, ULONG len);
using ExportCertificate = ULONG (*)(HANDLE container, BoolIn sign, BYTE* cert, ULONG* len);
using ExportPublicKey = ULONG (*)(HANDLE container, BoolIn sign, BYTE* blob, ULONG* len);

/// Every function the plug-in may use, resolved with dlsym (nullptr when the library lacks it).
struct Functions {
  WaitForDevEvent wait_for_dev_event = nullptr;
  CancelWaitForDevEvent cancel_wait_for_dev_event = nullptr;
  EnumDev enum_dev = nullptr;
  ConnectDev connect_dev = nullptr;
  DisConnectDev disconnect_dev = nullptr;
  GetDevInfo get_dev_info = nullptr;
  LockDev lock_dev = nullptr;
  UnlockDev unlock_dev = nullptr;
  EnumApplication enum_application = nullptr;
  OpenApplication open_application = nullptr;
  CloseApplication close_application = nullptr;
  GetPINInfo get_pin_info = nullptr;
  VerifyPIN verify_pin = nullptr;
  ChangePIN change_pin = nullptr;
  UnblockPIN unblock_pin = nullptr;
  ClearSecureState clear_secure_state = nullptr;
  EnumContainer enum_container = nullptr;
  OpenContainer open_container = nullptr;
  CloseContainer close_container = nullptr;
  GetContainerType get_container_type = nullptr;
  ImportCertificate import_certificate = nullptr;
  ExportCertificate export_certificate = nullptr;
  ExportPublicKey export_public_key = nullptr;
};

/// The standard's name of a status code ("SAR_PIN_INCORRECT"), or "0x0A0000xx".
const char* status_name(ULONG status);

}  // namespace eport::skf::abi
