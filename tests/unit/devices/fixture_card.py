"""A vpcd card for the devices tests that speaks the fixture "good" driver's tiny protocol.

SELECT F0 45 50 4F 52 -> 9000; 80 CA 00 00 -> 4-byte serial + 9000; 00 20 00 80 -> 63C3;
everything else 6D00. Each APDU is appended to --apdu-log as "<command hex> <response hex>", power events as
"power-off", "power-on" or "reset".
Usage: python3 fixture_card.py --serial 0001e240 [--apdu-log FILE] --vpcd 127.0.0.1:PORT
"""

import argparse
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from harness.fakecard import read_exact  # noqa: E402  (vpcd framing, shared)

ATR = bytes.fromhex("3b8880010000000000000000")
SELECT = bytes.fromhex("00a4040005f045504f52")
CONTROL = {0x00: "power-off", 0x01: "power-on", 0x02: "reset"}


def answer(apdu, serial):
    if apdu.startswith(SELECT):
        return b"\x90\x00"
    if apdu[:4] == b"\x80\xca\x00\x00":
        return serial + b"\x90\x00"
    if apdu[:4] == b"\x00\x20\x00\x80":
        return b"\x63\xc3"
    return b"\x6d\x00"


def serve(host, port, serial, log):
    with socket.create_connection((host, port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            (length,) = struct.unpack(">H", read_exact(sock, 2))
            payload = read_exact(sock, length)
            if length == 1:
                if payload[0] == 0x04:
                    sock.sendall(struct.pack(">H", len(ATR)) + ATR)
                elif log and payload[0] in CONTROL:
                    with open(log, "a") as f:
                        f.write(CONTROL[payload[0]] + "\n")
                continue
            reply = answer(payload, serial)
            if log:
                with open(log, "a") as f:
                    f.write(f"{payload.hex()} {reply.hex()}\n")
            sock.sendall(struct.pack(">H", len(reply)) + reply)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vpcd", required=True)
    ap.add_argument("--serial", default="0001e240")
    ap.add_argument("--apdu-log")
    args = ap.parse_args()
    host, _, port = args.vpcd.rpartition(":")
    serial = bytes.fromhex(args.serial)
    while True:  # reconnect when pcscd (and vpcd with it) restarts
        try:
            serve(host or "127.0.0.1", int(port), serial, args.apdu_log)
        except (ConnectionError, OSError):
            time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
