"""A minimal vpcd card for testing the harness itself: answers GET ATR, refuses every APDU.

Usage: python3 -m harness.fakecard --vpcd 127.0.0.1:PORT
It lets the harness's presence/removal logic be tested without eport-vcard.
"""

import argparse
import socket
import struct
import sys
import time

ATR = bytes.fromhex("3b8880010000000000000000")  # T=1, no historical bytes of note


def read_exact(sock, n):
    """Reads exactly n bytes of vpcd's framing (shared by the test cards written in Python)."""
    buf = b""
    while len(buf) < n:
        # vpcd sends length and payload in two writes: without an immediate ACK (QUICKACK
        # resets itself, so set it before every read) each APDU waits ~40 ms (see PIV.md)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("vpcd closed the connection")
        buf += chunk
    return buf


def serve(host, port):
    """Connects to vpcd and answers until it goes away (then main() reconnects)."""
    with socket.create_connection((host, port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            (length,) = struct.unpack(">H", read_exact(sock, 2))
            payload = read_exact(sock, length)
            if length == 1:
                if payload[0] == 0x04:
                    sock.sendall(struct.pack(">H", len(ATR)) + ATR)
                continue  # power off/on/reset get no reply
            sock.sendall(struct.pack(">H", 2) + b"\x6d\x00")


def main(argv=None):
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vpcd", required=True, help="HOST:PORT of the vpcd slot")
    args = ap.parse_args(argv)
    host, _, port = args.vpcd.rpartition(":")
    while True:  # like a real vpcd card: reconnect when vpcd (pcscd) goes away and comes back
        try:
            serve(host or "127.0.0.1", int(port))
        except (ConnectionError, OSError) as exc:
            print(f"fakecard: {exc}; reconnecting", file=sys.stderr, flush=True)
            time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
