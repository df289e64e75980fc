"""Goals 4 and 5 of issue 15: insertion/pull events against pcscd's own detection, and eportd
idle (CPU time, context switches, RSS). Figures only; see bench_status.py."""

import os
import queue
import statistics
import subprocess
import threading
import time

from harness import paths, rpc
from harness.card import REINSERT_GAP


class _Stamped:
    """Lines (or messages) of a source with the CLOCK_MONOTONIC ns they arrived at."""

    def __init__(self, read):
        self.items = queue.Queue()
        self._read = read
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        while True:
            try:
                item = self._read()
            except Exception:  # noqa: BLE001 (the source closed: the reader ends)
                return
            if item is None:
                return
            self.items.put((time.monotonic_ns(), item))

    def wait(self, match, timeout=20.0):
        """The arrival time (ns) of the first item for which match(item) is true."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SystemExit("bench: timed out waiting for a card event")
            try:
                at, item = self.items.get(timeout=left)
            except queue.Empty:
                continue
            if match(item):
                return at


def _event(topic):
    return lambda m: m.get("method") == "event" and m.get("params", {}).get("topic") == topic


def _summary(values_ms):
    return {"median_ms": round(statistics.median(values_ms), 1), "max_ms": round(max(values_ms), 1)}


def goal4_insert_pull(h, daemon, card, cycles):
    """`cycles` pulls and insertions of `card`: time from the card process starting (or being
    stopped) to pcscd's own detection (eport-bench-rtt watch, SCardGetStatusChange) and to
    eportd's token.added / token.removed on a subscribed connection."""
    tool = paths.built("eport-bench-rtt")
    watcher = subprocess.Popen([tool, "watch", card.reader], env=h.env(), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    pcscd = _Stamped(lambda: (watcher.stdout.readline().split() or [None])[0])
    client = rpc.connect(daemon.socket_path, timeout=120)
    client.call("events.subscribe", {"topics": ["token.added", "token.removed"]})
    events = _Stamped(lambda: client.read_message(timeout=3600))
    times = {"pcscd_insert": [], "eportd_insert": [], "pcscd_pull": [], "eportd_pull": []}
    try:
        pcscd.wait(lambda k: k in ("present", "absent"))  # the watcher's first look
        for _ in range(cycles):
            start = time.monotonic_ns()
            card.remove(wait=False)
            times["pcscd_pull"].append((pcscd.wait(lambda k: k == "absent") - start) / 1e6)
            times["eportd_pull"].append((events.wait(_event("token.removed")) - start) / 1e6)
            time.sleep(REINSERT_GAP + 0.1)  # the harness's gap for vpcd (tests/harness/card.py)
            start = time.monotonic_ns()
            card.insert(*card.run_args, wait=False)
            times["pcscd_insert"].append((pcscd.wait(lambda k: k == "present") - start) / 1e6)
            times["eportd_insert"].append((events.wait(_event("token.added")) - start) / 1e6)
            time.sleep(0.3)  # the insertion read is over before the card is pulled again
    finally:
        client.close()
        watcher.stdin.close()
        watcher.wait(timeout=10)
    return {"cycles": cycles, **{k: _summary(v) for k, v in times.items()}}


def _cpu_and_switches(pid):
    """(CPU seconds user+system, context switches) summed over every thread of pid."""
    ticks = os.sysconf("SC_CLK_TCK")
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14, 15)
    switches = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        switches += int(line.split()[1])
        except FileNotFoundError:
            continue
    return cpu, switches


def rss_kib(pid):
    """Resident set size of a process in KiB (VmRSS from /proc)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def loaded_plugins(pid):
    """Base names of the eport plug-ins and driver libraries mapped into pid."""
    found = set()
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            name = os.path.basename(line.split()[-1]) if "/" in line else ""
            if name.startswith(("eport-", "libeport-")) and name.endswith(".so"):
                found.add(name)
    return sorted(found)


def goal5_idle(daemon, seconds):
    """eportd's CPU time and context switches over `seconds` with nothing asked, and its RSS."""
    pid = daemon.proc.pid
    cpu0, sw0 = _cpu_and_switches(pid)
    time.sleep(seconds)
    cpu1, sw1 = _cpu_and_switches(pid)
    threads = len(os.listdir(f"/proc/{pid}/task"))
    return {"seconds": seconds, "cpu_ms": round((cpu1 - cpu0) * 1000, 1),
            "context_switches": sw1 - sw0, "threads": threads, "rss_kib": rss_kib(pid),
            "plugins": loaded_plugins(pid)}
