/*
 * eport/softskf/skf.h — the soft SKF token's own declarations of the GM/T 0016-2012 ("SKF")
 * interface: the subset libeport-softskf.so implements.
 *
 * Written from the standard, independently of plugins/skf (the plug-in carries its own): the
 * soft token is the plug-in's test oracle, and sharing declarations would let one mistake hide
 * itself on both sides.
 *
 * ABI facts this header fixes (they are what vendor libraries on Linux x86-64 do):
 *   - ULONG is 32 bits (the standard's UINT32), not the platform's `unsigned long`;
 *   - BOOL is a 32-bit int in the standard and most vendor headers. Some headers make it
 *     `long` (8 bytes on LP64). libeport-softskf-bool64.so is built with EPORT_SOFTSKF_BOOL64
 *     defined and uses an 8-byte BOOL everywhere, to prove a caller copes with both;
 *   - DEVINFO and the public-key blobs are packed (no padding): 294, 268 and 132 bytes;
 *   - name lists are NUL-separated and end with an extra NUL; a NULL buffer asks for the size.
 */
#ifndef EPORT_SOFTSKF_SKF_H
#define EPORT_SOFTSKF_SKF_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint8_t BYTE;
typedef char CHAR;
typedef int32_t LONG;
typedef uint32_t ULONG;
typedef uint32_t DWORD;
#ifdef EPORT_SOFTSKF_BOOL64
typedef int64_t BOOL;
#else
typedef int32_t BOOL;
#endif
typedef CHAR* LPSTR;
typedef void* HANDLE;
typedef HANDLE DEVHANDLE;
typedef HANDLE HAPPLICATION;
typedef HANDLE HCONTAINER;

#if defined(__GNUC__) || defined(__clang__)
#define SOFTSKF_API __attribute__((visibility("default")))
#else
#define SOFTSKF_API
#endif

/* --- error codes (GM/T 0016-2012, 附录 A) --------------------------------------------------- */
#define SAR_OK 0x00000000u
#define SAR_FAIL 0x0A000001u
#define SAR_UNKNOWNERR 0x0A000002u
#define SAR_NOTSUPPORTYETERR 0x0A000003u
#define SAR_FILEERR 0x0A000004u
#define SAR_INVALIDHANDLEERR 0x0A000005u
#define SAR_INVALIDPARAMERR 0x0A000006u
#define SAR_READFILEERR 0x0A000007u
#define SAR_WRITEFILEERR 0x0A000008u
#define SAR_NAMELENERR 0x0A000009u
#define SAR_KEYUSAGEERR 0x0A00000Au
#define SAR_MODULUSLENERR 0x0A00000Bu
#define SAR_NOTINITIALIZEERR 0x0A00000Cu
#define SAR_OBJERR 0x0A00000Du
#define SAR_MEMORYERR 0x0A00000Eu
#define SAR_TIMEOUTERR 0x0A00000Fu
#define SAR_INDATALENERR 0x0A000010u
#define SAR_INDATAERR 0x0A000011u
#define SAR_KEYNOTFOUNTERR 0x0A00001Bu
#define SAR_CERTNOTFOUNTERR 0x0A00001Cu
#define SAR_BUFFER_TOO_SMALL 0x0A000020u
#define SAR_NOT_EVENTERR 0x0A000022u
#define SAR_DEVICE_REMOVED 0x0A000023u
#define SAR_PIN_INCORRECT 0x0A000024u
#define SAR_PIN_LOCKED 0x0A000025u
#define SAR_PIN_INVALID 0x0A000026u
#define SAR_PIN_LEN_RANGE 0x0A000027u
#define SAR_USER_ALREADY_LOGGED_IN 0x0A000028u
#define SAR_USER_PIN_NOT_INITIALIZED 0x0A000029u
#define SAR_USER_TYPE_INVALID 0x0A00002Au
#define SAR_APPLICATION_NAME_INVALID 0x0A00002Bu
#define SAR_APPLICATION_EXISTS 0x0A00002Cu
#define SAR_USER_NOT_LOGGED_IN 0x0A00002Du
#define SAR_APPLICATION_NOT_EXISTS 0x0A00002Eu
#define SAR_FILE_ALREADY_EXIST 0x0A00002Fu
#define SAR_NO_ROOM 0x0A000030u
#define SAR_FILE_NOT_EXIST 0x0A000031u
#define SAR_REACH_MAX_CONTAINER_COUNT 0x0A000032u

/* --- constants ------------------------------------------------------------------------------ */
#define ADMIN_TYPE 0u
#define USER_TYPE 1u
#define DEV_ABSENT_STATE 0u
#define DEV_PRESENT_STATE 1u
#define DEV_EVENT_INSERTED 1u /* SKF_WaitForDevEvent: a device arrived */
#define DEV_EVENT_REMOVED 2u  /* SKF_WaitForDevEvent: a device left */
#define CONTAINER_TYPE_EMPTY 0u
#define CONTAINER_TYPE_RSA 1u
#define CONTAINER_TYPE_ECC 2u
#define SGD_RSA 0x00010000u
#define SGD_SM2_1 0x00020100u /* SM2 signature */
#define SGD_SM2_3 0x00020400u /* SM2 encryption */
#define SGD_SM3 0x00000001u
#define SGD_SHA256 0x00000004u

/* --- structures (packed) --------------------------------------------------------------------- */
#pragma pack(push, 1)
typedef struct Struct_Version {
  BYTE major;
  BYTE minor;
} VERSION;

typedef struct Struct_DEVINFO {
  VERSION Version;
  CHAR Manufacturer[64];
  CHAR Issuer[64];
  CHAR Label[32];
  CHAR SerialNumber[32];
  VERSION HWVersion;
  VERSION FirmwareVersion;
  ULONG AlgSymCap;
  ULONG AlgAsymCap;
  ULONG AlgHashCap;
  ULONG DevAuthAlgId;
  ULONG TotalSpace;
  ULONG FreeSpace;
  ULONG MaxECCBufferSize;
  ULONG MaxBufferSize;
  BYTE Reserved[64];
} DEVINFO;

#define MAX_RSA_MODULUS_LEN 256
#define MAX_RSA_EXPONENT_LEN 4
typedef struct Struct_RSAPUBLICKEYBLOB {
  ULONG AlgID;
  ULONG BitLen;
  BYTE Modulus[MAX_RSA_MODULUS_LEN];
  BYTE PublicExponent[MAX_RSA_EXPONENT_LEN];
} RSAPUBLICKEYBLOB;

#define ECC_MAX_XCOORDINATE_BITS_LEN 512
#define ECC_MAX_YCOORDINATE_BITS_LEN 512
typedef struct Struct_ECCPUBLICKEYBLOB {
  ULONG BitLen;
  BYTE XCoordinate[ECC_MAX_XCOORDINATE_BITS_LEN / 8];
  BYTE YCoordinate[ECC_MAX_YCOORDINATE_BITS_LEN / 8];
} ECCPUBLICKEYBLOB;
#pragma pack(pop)

/* --- device management ----------------------------------------------------------------------- */
SOFTSKF_API ULONG SKF_WaitForDevEvent(LPSTR szDevName, ULONG* pulDevNameLen, ULONG* pulEvent);
SOFTSKF_API ULONG SKF_CancelWaitForDevEvent(void);
SOFTSKF_API ULONG SKF_EnumDev(BOOL bPresent, LPSTR szNameList, ULONG* pulSize);
SOFTSKF_API ULONG SKF_ConnectDev(LPSTR szName, DEVHANDLE* phDev);
SOFTSKF_API ULONG SKF_DisConnectDev(DEVHANDLE hDev);
SOFTSKF_API ULONG SKF_GetDevState(LPSTR szDevName, ULONG* pulDevState);
SOFTSKF_API ULONG SKF_SetLabel(DEVHANDLE hDev, LPSTR szLabel);
SOFTSKF_API ULONG SKF_GetDevInfo(DEVHANDLE hDev, DEVINFO* pDevInfo);
SOFTSKF_API ULONG SKF_LockDev(DEVHANDLE hDev, ULONG ulTimeOut);
SOFTSKF_API ULONG SKF_UnlockDev(DEVHANDLE hDev);

/* --- access control --------------------------------------------------------------------------- */
SOFTSKF_API ULONG SKF_ChangePIN(HAPPLICATION hApplication, ULONG ulPINType, LPSTR szOldPin, LPSTR szNewPin,
                                ULONG* pulRetryCount);
SOFTSKF_API ULONG SKF_GetPINInfo(HAPPLICATION hApplication, ULONG ulPINType, ULONG* pulMaxRetryCount,
                                 ULONG* pulRemainRetryCount, BOOL* pbDefaultPin);
SOFTSKF_API ULONG SKF_VerifyPIN(HAPPLICATION hApplication, ULONG ulPINType, LPSTR szPIN,
                                ULONG* pulRetryCount);
SOFTSKF_API ULONG SKF_UnblockPIN(HAPPLICATION hApplication, LPSTR szAdminPIN, LPSTR szNewUserPIN,
                                 ULONG* pulRetryCount);
SOFTSKF_API ULONG SKF_ClearSecureState(HAPPLICATION hApplication);

/* --- applications and containers -------------------------------------------------------------- */
SOFTSKF_API ULONG SKF_EnumApplication(DEVHANDLE hDev, LPSTR szAppName, ULONG* pulSize);
SOFTSKF_API ULONG SKF_OpenApplication(DEVHANDLE hDev, LPSTR szAppName, HAPPLICATION* phApplication);
SOFTSKF_API ULONG SKF_CloseApplication(HAPPLICATION hApplication);
SOFTSKF_API ULONG SKF_EnumContainer(HAPPLICATION hApplication, LPSTR szContainerName, ULONG* pulSize);
SOFTSKF_API ULONG SKF_OpenContainer(HAPPLICATION hApplication, LPSTR szContainerName,
                                    HCONTAINER* phContainer);
SOFTSKF_API ULONG SKF_CloseContainer(HCONTAINER hContainer);
SOFTSKF_API ULONG SKF_GetContainerType(HCONTAINER hContainer, ULONG* pulContainerType);

/* --- certificates and public keys ------------------------------------------------------------- */
SOFTSKF_API ULONG SKF_ImportCertificate(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbCert, ULONG ulCertLen);
SOFTSKF_API ULONG SKF_ExportCertificate(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbCert,
                                        ULONG* pulCertLen);
SOFTSKF_API ULONG SKF_ExportPublicKey(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbBlob, ULONG* pulBlobLen);

#ifdef __cplusplus
}
#endif

#endif /* EPORT_SOFTSKF_SKF_H */
