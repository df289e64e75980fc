#!/usr/bin/env python3
"""eportd under abuse: RSS and a well-behaved client's session.hello latency while hostile
clients run (issue 10). Figures, not a test: nothing is asserted; it prints a table (and JSON
with --json). Needs a built eportd (default: build/dev; --build-dir to choose).

The abuse, all at once, from child processes so that the measuring client is not slowed by
them: 4 clients each pipelining 100,000 daemon.info requests and never reading an answer,
20 slowloris clients (a request one byte at a time), 1,000 connection attempts held open at
once, and every line of tests/harness/abuse.py HOSTILE_LINES on one connection, repeated.

    bench/hostile_clients.py [--build-dir build/dev] [--hello 2000] [--json FILE]
"""

import argparse
import json
import multiprocessing
import os
import select
import socket
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

from harness import abuse  # noqa: E402
from harness.eportd import Eportd  # noqa: E402


def pipeliners(path, stop, count=4, requests=100000):
    clients = [abuse.Pipeliner(path, "daemon.info", requests) for _ in range(count)]
    while not stop.is_set() and not all(c.closed_by_server() for c in clients):
        for c in clients:
            c.push()
        select.select([], [c.sock for c in clients if not c.closed], [], 0.2)


def slowloris(path, stop, count=20):
    clients = [abuse.Slowloris(path) for _ in range(count)]
    while not stop.is_set():
        for c in clients:
            c.drip()
        stop.wait(0.2)


def storm(path, stop, attempts=1000):
    served, refused, silent = abuse.open_many(path, attempts)
    print(f"  connection storm: {len(served)} served, {len(refused)} refused, {len(silent)} silent",
          flush=True)
    stop.wait()


def hostile(path, stop):
    while not stop.is_set():
        try:
            hostile_round(path)
        except OSError:
            stop.wait(0.1)  # refused (per-uid cap reached by the other clients): knock again


def hostile_round(path):
    """Every hostile line on one connection; reads the answers."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(30)
        s.connect(path)
        s.sendall(b"\n".join(abuse.HOSTILE_LINES) + b"\n")
        expected = sum(not abuse.is_notification(line) for line in abuse.HOSTILE_LINES)
        data = b""
        while data.count(b"\n") < expected:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            data += chunk


def vm_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default=os.path.join(HERE, "..", "build", "dev"))
    ap.add_argument("--hello", type=int, default=2000, help="session.hello calls measured under load")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    os.environ["EPORT_BUILD_DIR"] = os.path.abspath(args.build_dir)

    work = tempfile.mkdtemp(prefix="eport-bench-hostile-")
    env = dict(os.environ, PCSCLITE_CSOCK_NAME=os.path.join(work, "no-pcscd.comm"))
    daemon = Eportd(work, env=env, drivers=[]).start()
    pid = daemon.proc.pid
    try:
        quiet = abuse.hello_latencies(daemon.socket_path, 500)
        rss_before = abuse.rss_kib(pid)
        stop = multiprocessing.Event()
        loads = [multiprocessing.Process(target=f, args=(daemon.socket_path, stop))
                 for f in (pipeliners, slowloris, hostile)]
        measuring = multiprocessing.Process(target=storm, args=(daemon.socket_path, stop))
        for p in loads:
            p.start()
        time.sleep(2)  # a benchmark, not a test: let the load build up before measuring
        measuring.start()
        started = time.monotonic()
        loaded = abuse.hello_latencies(daemon.socket_path, args.hello)
        load_seconds = time.monotonic() - started
        rss_under_load = abuse.rss_kib(pid)
        stop.set()
        for p in loads + [measuring]:
            p.join(timeout=60)
        figures = {
            "rss_before_kib": rss_before,
            "rss_under_load_kib": rss_under_load,
            "rss_after_kib": abuse.rss_kib(pid),
            "rss_peak_kib": vm_kib(pid, "VmHWM"),
            "hello_quiet_p50_ms": round(abuse.percentile(quiet, 0.5) * 1000, 3),
            "hello_quiet_p99_ms": round(abuse.percentile(quiet, 0.99) * 1000, 3),
            "hello_under_load_p50_ms": round(abuse.percentile(loaded, 0.5) * 1000, 3),
            "hello_under_load_p99_ms": round(abuse.percentile(loaded, 0.99) * 1000, 3),
            "hello_under_load_calls": len(loaded),
            "load_seconds": round(load_seconds, 1),
            "daemon_alive": daemon.alive(),
        }
        figures["rss_growth_kib"] = figures["rss_peak_kib"] - rss_before
    finally:
        daemon.stop()
    print("eportd under abuse (4 never-reading pipeliners x 100,000, 20 slowloris, 1,000 connections, "
          "hostile lines)")
    for key, value in figures.items():
        print(f"  {key:26} {value}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)


if __name__ == "__main__":
    main()
