"""Goals 1, 2, 3 and 6 of issue 15, each measured on the running harness (see bench_status.py).

Every function returns plain figures (dicts of numbers); nothing here asserts a time.
"""

import json
import os
import statistics
import subprocess
import tempfile
import threading
import time

from bench_lifecycle import _cpu_and_switches
from harness import paths, rpc
from harness.piv_tools import openssl

SELECT_PIV = "00 A4 04 00 09 A0 00 00 03 08 00 00 10 00"


def percentile(values, p):
    """The p-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def apdus_settled(card, mark, quiet=0.05, timeout=5.0):
    """The card's exchanges since mark, once its log has stopped growing for `quiet` s (a peer
    process that just exited may still have its last lines in flight)."""
    deadline = time.monotonic() + timeout
    seen = len(card.apdus_since(mark))
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = len(card.apdus_since(mark))
        if now == seen:
            break
        seen = now
    return card.apdus_since(mark)


def measure(card, runs, query):
    """Runs query() `runs` times; {median_ms, p99_ms, apdus (median per query)}."""
    times, apdus = [], []
    for _ in range(runs):
        mark = card.apdu_mark()
        start = time.perf_counter()
        query()
        times.append(time.perf_counter() - start)
        apdus.append(len(apdus_settled(card, mark)))
    return {"median_ms": round(statistics.median(times) * 1000, 3),
            "p99_ms": round(percentile(times, 99) * 1000, 3),
            "apdus": statistics.median(apdus)}


# -- goal 1: tries left + expiry of every certificate ------------------------------------------
def goal1_status(h, daemon, card, tid, runs):
    """eportd token.status (warm; persistent connection and one connection per query) against
    yubico-piv-tool and OpenSC on the same card."""
    env = h.env()
    out = {}
    with rpc.connect(daemon.socket_path) as client:
        client.call("token.status", {"token": tid})
        out["eportd token.status"] = measure(
            card, runs, lambda: client.call("token.status", {"token": tid}))

        def per_connection():
            with rpc.connect(daemon.socket_path) as once:
                once.call("token.status", {"token": tid})
        out["eportd token.status, new connection"] = measure(card, runs, per_connection)
        try:  # `fresh` (issue 15): certificates read again, not taken from the insertion read
            client.call("token.status", {"token": tid, "fresh": True})
            out["eportd token.status fresh:true"] = measure(
                card, runs, lambda: client.call("token.status", {"token": tid, "fresh": True}))
        except rpc.RpcError:
            pass  # a daemon without `fresh`

    def ykpiv():
        subprocess.run(["yubico-piv-tool", "-r", card.reader, "-a", "status"], env=env,
                       capture_output=True, check=True, timeout=60)
    out["yubico-piv-tool -a status"] = measure(card, runs, ykpiv)

    def opensc():
        subprocess.run(["pkcs15-tool", "--reader", card.reader, "--list-certificates"], env=env,
                       capture_output=True, check=True, timeout=60)
        subprocess.run(["opensc-tool", "--reader", card.reader, "-s", SELECT_PIV, "-s",
                        "00 20 00 80"], env=env, capture_output=True, check=True, timeout=60)
    out["pkcs15-tool + opensc-tool PIN status"] = measure(card, runs, opensc)
    return out


def status_cpu(daemon, tid, calls):
    """eportd's own CPU time (user + system, all threads) per token.status, over `calls` calls on
    one connection: what the daemon adds to the APDUs' cost (the clock tick is 10 ms, hence the
    many calls)."""
    with rpc.connect(daemon.socket_path) as client:
        client.call("token.status", {"token": tid})
        cpu0, _ = _cpu_and_switches(daemon.proc.pid)
        for _ in range(calls):
            client.call("token.status", {"token": tid})
        cpu1, _ = _cpu_and_switches(daemon.proc.pid)
    return {"calls": calls, "cpu_ms_per_call": round((cpu1 - cpu0) * 1000 / calls, 3)}


# -- goal 2: many callers, one card read -------------------------------------------------------
def _concurrent_round(clients, tid, barrier, results):
    """Every client sends token.status after the barrier; results gets (latency s, reason)."""
    def one(client):
        barrier.wait()
        start = time.perf_counter()
        try:
            client.call("token.status", {"token": tid}, timeout=120)
            reason = None
        except rpc.RpcError as exc:
            reason = exc.reason or str(exc.code)
        except (OSError, rpc.ConnectionClosed) as exc:  # refused or closed by eportd
            reason = f"connection: {exc.__class__.__name__}"
        results.append((start, time.perf_counter(), reason))
    threads = [threading.Thread(target=one, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def goal2_concurrency(daemon, card, tid, rounds, levels=(1, 16, 64)):
    """For each level n: `rounds` rounds of n clients (one connection each) asking token.status
    at the same moment. Requests/s, p50/p99 latency, errors by reason, APDUs per round."""
    out = {}
    for n in levels:
        clients = [rpc.connect(daemon.socket_path, timeout=120) for _ in range(n)]
        try:
            latencies, errors, apdus, busy_s = [], {}, [], 0.0
            for _ in range(rounds):
                mark = card.apdu_mark()
                results = []
                _concurrent_round(clients, tid, threading.Barrier(n), results)
                apdus.append(len(apdus_settled(card, mark)))
                busy_s += max(r[1] for r in results) - min(r[0] for r in results)
                for start, end, reason in results:
                    latencies.append(end - start)
                    if reason:
                        errors[reason] = errors.get(reason, 0) + 1
            out[str(n)] = {"requests": n * rounds, "requests_per_s": round(n * rounds / busy_s, 1),
                           "p50_ms": round(percentile(latencies, 50) * 1000, 2),
                           "p99_ms": round(percentile(latencies, 99) * 1000, 2),
                           "errors": errors, "apdus_per_round": statistics.median(apdus)}
        finally:
            for c in clients:
                c.close()
    return out


# -- goal 3: socket round trip against pcscd's own ---------------------------------------------
def goal3_round_trip(h, daemon, card, calls):
    """eport-bench-rtt: session.hello on eportd's socket vs SCardStatus / SCardListReaders."""
    tool = paths.built("eport-bench-rtt")
    if not tool:
        raise SystemExit("eport-bench-rtt is not built (bench/run builds it)")
    res = subprocess.run([tool, "rtt", daemon.socket_path, card.reader, str(calls)], env=h.env(),
                         capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        raise SystemExit(f"eport-bench-rtt failed: {res.stderr.strip()}")
    return json.loads(res.stdout)


# -- goal 6: cert.write of a certificate over 2 KB ---------------------------------------------
def _big_certificate(workdir, pubkey_pem, sans=40):
    """A certificate over 2 KB for the public key (40 long DNS names), signed by a bench CA."""
    ca_key, ca_cert = os.path.join(workdir, "ca.key"), os.path.join(workdir, "ca.pem")
    if not os.path.exists(ca_cert):
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", ca_key)
        openssl("req", "-x509", "-new", "-key", ca_key, "-subj", "/CN=eport bench CA",
                "-days", "7300", "-out", ca_cert)
    pub = os.path.join(workdir, "pub.pem")
    with open(pub, "wb") as f:
        f.write(openssl("x509", "-pubkey", "-noout", input=pubkey_pem.encode()))
    ext = os.path.join(workdir, "ext.cnf")
    names = ",".join(f"DNS:host-{i:04d}.branch.renewal.eport.example.com" for i in range(sans))
    with open(ext, "w") as f:
        f.write("[v3]\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                f"extendedKeyUsage=clientAuth\nsubjectAltName={names}\n")
    out = os.path.join(workdir, "big.pem")
    openssl("x509", "-new", "-subj", "/CN=eport bench renewed", "-force_pubkey", pub, "-CA",
            ca_cert, "-CAkey", ca_key, "-days", "3650", "-extfile", ext, "-extensions", "v3",
            "-sha256", "-out", out)
    with open(out) as f:
        pem = f.read()
    der = openssl("x509", "-outform", "DER", input=pem.encode())
    return pem, len(der)


def goal6_cert_write(daemon, card, tid, slot, runs):
    """cert.write of a >2 KB certificate for the slot's key: median time and APDUs."""
    with tempfile.TemporaryDirectory(prefix="eport-bench-") as workdir, \
            rpc.connect(daemon.socket_path, timeout=120) as client:
        current = client.call("cert.read", {"token": tid, "slot": slot})["pem"]
        pem, size = _big_certificate(workdir, current)
        times, apdus = [], []
        for _ in range(runs):
            mark = card.apdu_mark()
            start = time.perf_counter()
            result = client.call("cert.write", {"token": tid, "slot": slot, "certificate": pem})
            times.append(time.perf_counter() - start)
            if result.get("verified") is not True:
                raise SystemExit(f"cert.write did not verify: {result}")
            apdus.append(len(apdus_settled(card, mark)))
    return {"slot": slot, "der_bytes": size, "runs": runs,
            "median_ms": round(statistics.median(times) * 1000, 2),
            "apdus": statistics.median(apdus)}
