#!/usr/bin/python3
"""A minimal eportd-like host for eport-piv.so over real PC/SC, with ctypes only.

Loads the plug-in, connects to one reader (shared, T=1, inside a transaction per operation as
eportd does), runs one operation and prints the result as JSON. Used by test_piv_interop.py to
check the driver against pcscd + eport-vcard + yubico-piv-tool / OpenSC.

    piv_host.py PLUGIN READER status
    piv_host.py PLUGIN READER read SLOT OUT.der
    piv_host.py PLUGIN READER write SLOT IN.der HEXKEY
    piv_host.py PLUGIN READER pubkey SLOT OUT.der
    piv_host.py PLUGIN READER reset PUK NEWPIN
"""

import ctypes as C
import json
import sys

# -- pcsc-lite -----------------------------------------------------------------------------
pcsc = C.CDLL("libpcsclite.so.1")
SCARD_SCOPE_SYSTEM, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, SCARD_LEAVE_CARD = 2, 2, 2, 0


class IoRequest(C.Structure):
    _fields_ = [("dwProtocol", C.c_ulong), ("cbPciLength", C.c_ulong)]


T1_PCI = IoRequest.in_dll(pcsc, "g_rgSCardT1Pci")


def check(rv, what):
    if rv != 0:
        raise SystemExit(f"{what}: 0x{rv & 0xFFFFFFFF:08x}")


# -- driver.h ------------------------------------------------------------------------------
LOG = C.CFUNCTYPE(None, C.c_void_p, C.c_int32, C.c_char_p)
TRANSMIT = C.CFUNCTYPE(C.c_int32, C.c_void_p, C.POINTER(C.c_uint8), C.c_size_t,
                       C.POINTER(C.c_uint8), C.POINTER(C.c_size_t))
FN = C.CFUNCTYPE(C.c_int32)  # placeholder type for pointers this host never calls


class Host(C.Structure):
    _fields_ = [("abi_major", C.c_uint16), ("abi_minor", C.c_uint16), ("struct_size", C.c_uint32),
                ("host_ctx", C.c_void_p), ("log", LOG), ("transmit", TRANSMIT),
                ("config_json", C.c_char_p)]


class PinInfo(C.Structure):
    _fields_ = [(n, C.c_int32) for n in ("struct_size", "tries_left", "max_tries", "is_default",
                                        "blocked", "source", "max_source", "min_length",
                                        "max_length")]


class SlotInfo(C.Structure):
    _fields_ = [("struct_size", C.c_uint32), ("slot", C.c_char * 9), ("label", C.c_char * 65),
                ("has_certificate", C.c_int32), ("has_key", C.c_int32)]


class TokenInfo(C.Structure):
    _fields_ = [("struct_size", C.c_uint32), ("serial", C.c_char * 65), ("label", C.c_char * 65),
                ("model", C.c_char * 65), ("manufacturer", C.c_char * 65)]


P = C.c_void_p
CH = C.c_void_p(1)  # the channel: opaque to the plug-in, never NULL; this host has one card
SZ = C.POINTER(C.c_size_t)
BUF = C.POINTER(C.c_uint8)


class Ops(C.Structure):
    _fields_ = [
        ("abi_major", C.c_uint16), ("abi_minor", C.c_uint16), ("struct_size", C.c_uint32),
        ("name", C.c_char_p), ("version", C.c_char_p), ("kind", C.c_uint32),
        ("capabilities", C.c_uint64),
        ("init", C.CFUNCTYPE(C.c_int32, C.POINTER(Host), C.POINTER(P))),
        ("shutdown", C.CFUNCTYPE(None, P)),
        ("match", C.CFUNCTYPE(C.c_int32, P, P, BUF, C.c_size_t)),
        ("open_token", C.CFUNCTYPE(C.c_int32, P, P, C.POINTER(P))),
        ("close_token", C.CFUNCTYPE(None, P)),
        ("enumerate", FN), ("open_provider_token", FN), ("wait_change", FN),
        ("identify", C.CFUNCTYPE(C.c_int32, P, P, C.POINTER(TokenInfo))),
        ("pin_status", C.CFUNCTYPE(C.c_int32, P, P, C.c_uint32, C.POINTER(PinInfo))),
        ("pin_reset", C.CFUNCTYPE(C.c_int32, P, P, C.c_char_p, C.c_size_t, C.c_char_p,
                                  C.c_size_t, C.POINTER(PinInfo))),
        ("pin_change", FN),
        ("cert_list", C.CFUNCTYPE(C.c_int32, P, P, C.POINTER(SlotInfo), SZ)),
        ("cert_read", C.CFUNCTYPE(C.c_int32, P, P, C.c_char_p, BUF, SZ)),
        ("cert_write", C.CFUNCTYPE(C.c_int32, P, P, C.c_char_p, BUF, C.c_size_t, BUF,
                                   C.c_size_t)),
        ("slot_public_key", C.CFUNCTYPE(C.c_int32, P, P, C.c_char_p, BUF, SZ)),
    ]


class Session:
    """One PC/SC connection and the plug-in's token on it; counts APDUs."""

    def __init__(self, plugin, reader):
        self.apdus = 0
        self.ctx, self.card = C.c_long(), C.c_long()
        check(pcsc.SCardEstablishContext(SCARD_SCOPE_SYSTEM, None, None, C.byref(self.ctx)),
              "SCardEstablishContext")
        proto = C.c_ulong()
        check(pcsc.SCardConnect(self.ctx, reader.encode(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1,
                                C.byref(self.card), C.byref(proto)), "SCardConnect")
        lib = C.CDLL(plugin)
        entry = lib.eport_driver_entry
        entry.argtypes = [C.c_uint16, C.c_uint16, C.POINTER(C.POINTER(Ops))]
        ops = C.POINTER(Ops)()
        check(entry(1, 0, C.byref(ops)), "eport_driver_entry")
        self.ops = ops.contents
        self._log = LOG(lambda ctx, level, msg: print(msg.decode(), file=sys.stderr))
        self._transmit = TRANSMIT(self._send)
        self.host = Host(1, 0, C.sizeof(Host), None, self._log, self._transmit, b"{}")
        self.driver, self.token = P(), P()
        check(self.ops.init(C.byref(self.host), C.byref(self.driver)), "init")
        with self.transaction():
            atr = (C.c_uint8 * 1)()
            check(self.ops.match(self.driver, CH, atr, 0), "match")
            check(self.ops.open_token(self.driver, CH, C.byref(self.token)), "open_token")
        self.apdus = 0

    def _send(self, ch, cmd, cmd_len, resp, resp_len):
        self.apdus += 1
        length = C.c_ulong(resp_len[0])
        rv = pcsc.SCardTransmit(self.card, C.byref(T1_PCI), cmd, C.c_ulong(cmd_len), None, resp,
                                C.byref(length))
        if rv != 0:
            return 11  # EPORT_ERR_TRANSMIT
        resp_len[0] = length.value
        return 0

    def transaction(self):
        session = self

        class Tx:
            def __enter__(self):
                check(pcsc.SCardBeginTransaction(session.card), "SCardBeginTransaction")

            def __exit__(self, *exc):
                pcsc.SCardEndTransaction(session.card, SCARD_LEAVE_CARD)

        return Tx()

    def call(self, fn, *args):
        with self.transaction():
            return fn(self.token, CH, *args)

    def bytes_out(self, fn, slot):
        buf = (C.c_uint8 * 65536)()
        length = C.c_size_t(len(buf))
        rv = self.call(fn, slot.encode(), buf, C.byref(length))
        return rv, bytes(buf[:length.value]) if rv == 0 else b""


def pin(info):
    return {n: getattr(info, n) for n, _ in PinInfo._fields_ if n != "struct_size"}


def main(argv):
    plugin, reader, op = argv[1], argv[2], argv[3]
    s = Session(plugin, reader)
    out = {}
    if op == "status":
        info = TokenInfo(C.sizeof(TokenInfo))
        s.call(s.ops.identify, C.byref(info))
        out["serial"] = info.serial.decode()
        for which, name in ((1, "pin"), (2, "puk")):
            p = PinInfo(C.sizeof(PinInfo), *([-1] * 4), 0, 0, -1, -1)
            out[name + "_rv"] = s.call(s.ops.pin_status, which, C.byref(p))
            out[name] = pin(p)
        slots = (SlotInfo * 32)()
        for slot in slots:
            slot.struct_size = C.sizeof(SlotInfo)
        count = C.c_size_t(32)
        out["list_rv"] = s.call(s.ops.cert_list, slots, C.byref(count))
        out["slots"] = {slots[i].slot.decode(): slots[i].has_certificate for i in range(count.value)}
        for name, has in out["slots"].items():
            if has == 1:
                out["read_" + name] = s.bytes_out(s.ops.cert_read, name)[0]
    elif op in ("read", "pubkey"):
        fn = s.ops.cert_read if op == "read" else s.ops.slot_public_key
        rv, data = s.bytes_out(fn, argv[4])
        out["rv"] = rv
        with open(argv[5], "wb") as f:
            f.write(data)
    elif op == "write":
        der = open(argv[5], "rb").read()
        key = bytes.fromhex(argv[6])
        out["rv"] = s.call(s.ops.cert_write, argv[4].encode(),
                           (C.c_uint8 * len(der)).from_buffer_copy(der), len(der),
                           (C.c_uint8 * len(key)).from_buffer_copy(key), len(key))
    elif op == "reset":
        p = PinInfo(C.sizeof(PinInfo), *([-1] * 4), 0, 0, -1, -1)
        puk, new = argv[4].encode(), argv[5].encode()
        out["rv"] = s.call(s.ops.pin_reset, puk, len(puk), new, len(new), C.byref(p))
        out["info"] = pin(p)
    out["apdus"] = s.apdus
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
