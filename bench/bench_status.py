#!/usr/bin/python3
"""Side-by-side figures for eportd against its peers on the same virtual card.

Runs the test harness (private pcscd in a mount namespace, one eport-vcard card, eportd from the
build tree) and measures, on the same card:

  (a) eportd `token.status` over the socket (one persistent connection, and a fresh
      connection per query as a front end that connects each time would do);
  (b) `yubico-piv-tool -a status`;
  (c) `pkcs15-tool --list-certificates` + an `opensc-tool` PIN status (SELECT + empty VERIFY);

each as median wall time per query and APDUs per query (from the card's APDU log), with the
ratios eportd/peer. Then eportd's RSS idle and after 1000 requests, and the latency of
`session.hello` (p50/p99 over 1000 calls on one connection).

Figures only: nothing here asserts a time. Needs root (or CAP_SYS_ADMIN) for the namespace.

    PYTHONPATH=tests EPORT_BUILD_DIR=build/release bench/bench_status.py [--runs 20] [--json F]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))

import harness  # noqa: E402
from harness import rpc  # noqa: E402

SELECT_PIV = "00 A4 04 00 09 A0 00 00 03 08 00 00 10 00"
SERIAL = 41000001


def rss_kib(pid):
    """Resident set size of a process in KiB (VmRSS from /proc)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def percentile(values, p):
    """The p-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def measure(card, runs, query):
    """Runs query() `runs` times; returns (median seconds, APDUs per query, all times)."""
    times, apdus = [], []
    for _ in range(runs):
        mark = card.apdu_mark()
        start = time.perf_counter()
        query()
        times.append(time.perf_counter() - start)
        time.sleep(0.05)  # let the card's log catch up with a process that just exited
        apdus.append(len(card.apdus_since(mark)))
    return statistics.median(times), statistics.median(apdus), times


def wait_token(daemon, reader, timeout=20.0):
    """The id of the ready token in reader once eportd lists it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for token in daemon.call("tokens.list").get("result", {}).get("tokens", []):
            if token.get("reader") == reader and token.get("state") == "ready":
                return token["id"]
        time.sleep(0.1)
    raise SystemExit(f"eportd did not list a ready token in {reader!r} within {timeout} s")


def run(args):
    """Builds the stack, measures, returns the figures as a dict."""
    figures = {"runs": args.runs, "card": args.certs}
    with harness.Harness() as h:
        card = h.card("bench", serial=SERIAL, certs=args.certs.split(","))
        daemon = h.eportd()
        env = h.env()
        tid = wait_token(daemon, card.reader)
        time.sleep(1.0)  # the insertion read is over
        figures["rss_idle_kib"] = rss_kib(daemon.proc.pid)

        with rpc.connect(daemon.socket_path) as client:
            client.call("token.status", {"token": tid})  # warm: first call after insertion
            peers = {}
            peers["eportd token.status (persistent connection)"] = measure(
                card, args.runs, lambda: client.call("token.status", {"token": tid}))
            def fresh_connection():
                with rpc.connect(daemon.socket_path) as once:
                    once.call("token.status", {"token": tid})
            peers["eportd token.status (connection per query)"] = measure(
                card, args.runs, fresh_connection)

            def ykpiv():
                subprocess.run(["yubico-piv-tool", "-r", card.reader, "-a", "status"], env=env,
                               capture_output=True, check=True, timeout=60)
            peers["yubico-piv-tool -a status"] = measure(card, args.runs, ykpiv)

            def opensc():
                subprocess.run(["pkcs15-tool", "--reader", card.reader, "--list-certificates"],
                               env=env, capture_output=True, check=True, timeout=60)
                subprocess.run(["opensc-tool", "--reader", card.reader, "-s", SELECT_PIV, "-s",
                                "00 20 00 80"], env=env, capture_output=True, check=True,
                               timeout=60)
            peers["pkcs15-tool --list-certificates + opensc-tool PIN status"] = measure(
                card, args.runs, opensc)

            figures["queries"] = {name: {"median_ms": round(m * 1000, 2), "apdus": a}
                                  for name, (m, a, _) in peers.items()}

            hello = []
            for _ in range(args.hello):
                start = time.perf_counter()
                client.call("session.hello", {"client": "bench", "protocol": 1})
                hello.append(time.perf_counter() - start)
            figures["session_hello_us"] = {"p50": round(percentile(hello, 50) * 1e6, 1),
                                           "p99": round(percentile(hello, 99) * 1e6, 1),
                                           "calls": args.hello}
            figures["rss_after_kib"] = rss_kib(daemon.proc.pid)
            figures["requests_before_rss_after"] = args.hello + 2 * args.runs + 1
    return figures


def table(figures):
    """The figures as a plain-text table with ratios against eportd (persistent connection)."""
    lines = [f"card: {figures['card']}   runs per query: {figures['runs']}", "",
             f"{'query':58} {'median ms':>10} {'APDUs':>6} {'eportd/peer':>12}"]
    queries = figures["queries"]
    base = queries["eportd token.status (persistent connection)"]
    for name, q in queries.items():
        ratio = base["median_ms"] / q["median_ms"] if q["median_ms"] else float("nan")
        lines.append(f"{name:58} {q['median_ms']:>10.2f} {q['apdus']:>6g} {ratio:>12.3f}")
    h = figures["session_hello_us"]
    lines += ["", f"session.hello latency over {h['calls']} calls: p50 {h['p50']} us, "
              f"p99 {h['p99']} us",
              f"eportd RSS: idle {figures['rss_idle_kib']} KiB, after "
              f"{figures['requests_before_rss_after']} requests {figures['rss_after_kib']} KiB"]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="repetitions per query (20)")
    parser.add_argument("--hello", type=int, default=1000, help="session.hello calls (1000)")
    parser.add_argument("--certs", default="9a:p256:3650",
                        help="eport-vcard --cert specs, comma separated (9a:p256:3650)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    reason = harness.namespace_unavailable()
    if reason:
        raise SystemExit(reason)
    figures = run(args)
    print(table(figures))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)


if __name__ == "__main__":
    main()
