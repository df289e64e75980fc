#!/usr/bin/python3
"""How to leave a card locked after a privileged job: VERIFY with P1=FF, or a card reset when the
transaction ends (SCARD_RESET_CARD)? Measures both through the real pcscd, vpcd and eport-vcard
(issue 11 §3), as two PC/SC programs (tests/harness/pcsc_peer.py): "me" plays eportd, "other" a
program that has its own session on the card (e.g. a browser signing with it).

  (a) VERIFY 00 20 FF 80 inside a transaction: round trip per APDU;
  (b) SCardEndTransaction(SCARD_RESET_CARD): its own time, and what the next job of "me" pays
      (SCardBeginTransaction answers SCARD_W_RESET_CARD: SCardReconnect, then SELECT again);
  (c) what "other" sees afterwards: with VERIFY FF its next APDU goes through (its PIN
      verification is gone, as it must be); with a reset its next call fails with
      SCARD_W_RESET_CARD and it must reconnect (and select its application again).

Figures only: nothing here asserts a time. Needs root (mount namespace), like the tests.

    PYTHONPATH=tests EPORT_BUILD_DIR=build/dev bench/bench_clearing.py [--runs 200]
"""

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))

import harness  # noqa: E402
from harness.pcsc_peer import PcscPeer  # noqa: E402

SELECT = "00a4040009a0000003080000100000"
VERIFY_PIN = "0020008008" + b"88888888".hex()
VERIFY_STATUS = "0020008000"
CLEAR = "0020ff80"
W_RESET_CARD = 0x80100068


def summary(values_ms):
    ordered = sorted(values_ms)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (f"median {statistics.median(ordered):.3f} ms, mean {statistics.mean(ordered):.3f} ms, "
            f"p95 {p95:.3f} ms, max {ordered[-1]:.3f} ms (n={len(ordered)})")


def verify_as_other(other):
    """The other program verifies its PIN (absorbing any earlier reset it has not seen yet)."""
    if other.step("begin", check=False)["code"] == W_RESET_CARD:
        other.reconnect()
        other.begin()
    other.transmit(SELECT)
    assert other.transmit(VERIFY_PIN)["sw"] == "9000"
    other.end()


def other_session(other):
    """The other program's next transaction: (code of its first call, empty-VERIFY sw)."""
    begin = other.step("begin", check=False)
    code = begin["code"]
    if code == W_RESET_CARD:
        other.reconnect()
        other.begin()
    first = other.transmit(SELECT)
    verify = other.transmit(VERIFY_STATUS)["sw"]
    other.end()
    return code or first["code"], verify


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args()
    with harness.Harness() as h:
        card = h.card("bench", serial=41000002, certs=["9a:p256:3650"])
        with PcscPeer(h.env(), "me") as me, PcscPeer(h.env(), "other") as other:
            me.connect(card.reader)
            other.connect(card.reader)

            clear_ms = []
            me.begin()
            me.transmit(SELECT)
            for _ in range(args.runs):
                me.transmit(VERIFY_PIN)
                clear_ms.append(me.transmit(CLEAR)["seconds"] * 1000)
            me.end()
            print("(a) VERIFY P1=FF round trip:", summary(clear_ms))

            verify_as_other(other)
            me.begin()
            me.transmit(SELECT)
            me.transmit(CLEAR)
            me.end()
            code, verify = other_session(other)
            print(f"(c) other program after VERIFY FF: first call 0x{code:08x}, its PIN now {verify}")

            end_ms, next_ms = [], []
            for _ in range(max(10, args.runs // 5)):
                me.begin()
                me.transmit(SELECT)
                me.transmit(VERIFY_PIN)
                end_ms.append(me.end("reset")["seconds"] * 1000)
                start = time.perf_counter()
                if me.step("begin", check=False)["code"] == W_RESET_CARD:
                    me.reconnect()
                    me.begin()
                me.transmit(SELECT)
                next_ms.append((time.perf_counter() - start) * 1000)
                me.end()
            print("(b) SCardEndTransaction(SCARD_RESET_CARD):", summary(end_ms))
            print("    next job of the resetting program (reconnect + SELECT):", summary(next_ms))

            verify_as_other(other)
            if me.step("begin", check=False)["code"] == W_RESET_CARD:
                me.reconnect()
                me.begin()
            me.end("reset")
            code, verify = other_session(other)
            print(f"(c) other program after a reset: first call 0x{code:08x} "
                  f"({'SCARD_W_RESET_CARD: must reconnect' if code == W_RESET_CARD else 'ok'}), "
                  f"its PIN now {verify}")


if __name__ == "__main__":
    main()
