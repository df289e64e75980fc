// libeport-softskf.so: every SKF_* function comes from the eport_softskf_api archive (linked
// whole); this file only gives the shared library a translation unit of its own and checks the
// layout the standard fixes.
#include <cstddef>

#include <eport/softskf/skf.h>

static_assert(sizeof(ULONG) == 4, "ULONG is 32 bits in the SKF ABI");
static_assert(sizeof(DEVINFO) == 294, "DEVINFO is packed: 294 bytes");
static_assert(sizeof(ECCPUBLICKEYBLOB) == 132, "ECCPUBLICKEYBLOB is packed: 132 bytes");
static_assert(sizeof(RSAPUBLICKEYBLOB) == 268, "RSAPUBLICKEYBLOB is packed: 268 bytes");
static_assert(offsetof(DEVINFO, SerialNumber) == 162, "DEVINFO.SerialNumber offset");
#ifdef EPORT_SOFTSKF_BOOL64
static_assert(sizeof(BOOL) == 8, "the bool64 variant has an 8-byte BOOL");
#else
static_assert(sizeof(BOOL) == 4, "BOOL is a 32-bit int");
#endif
