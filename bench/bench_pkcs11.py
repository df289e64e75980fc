#!/usr/bin/python3
"""Figures for eport-pkcs11.so on a SoftHSM2 token, beside pkcs11-tool on the same token.

Starts eportd from a build tree with the pkcs11 plug-in over SoftHSM2 (a private SOFTHSM2_CONF
and token with one RSA and one EC key, each with a certificate) and measures:

  (a) eportd `token.status` over the socket (one persistent connection) — median and p99;
  (b) `pkcs11-tool -L` + `pkcs11-tool --list-objects --type cert` (what a script would run to
      learn the same: the token's flags and its certificates) — median;
  (c) the PKCS#11 calls one `token.status` makes, counted with OpenSC's pkcs11-spy.so wrapping
      SoftHSM2 (a second eportd), and that none of them is C_Login.

Figures only: nothing here asserts a time. No pcscd, no root needed.

    bench/bench_pkcs11.py --build-dir build/dev [--runs 50] [--json F]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "providers"))

SPY = "/usr/lib/x86_64-linux-gnu/pkcs11-spy.so"


def percentile(values, p):
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def timed(runs, query):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        query()
        times.append(time.perf_counter() - start)
    return times


def spy_headers(log):
    with open(log, errors="replace") as f:
        return re.findall(r"^\d+: (C_\w+)$", f.read(), re.M)


def run(args):
    from providers_support import start_eportd, token_ids, wait_until  # noqa: E402
    from softhsm import MODULE, Ca, SoftHsm  # noqa: E402

    figures = {"runs": args.runs}
    with tempfile.TemporaryDirectory(prefix="bench-pkcs11-") as work:
        hsm = SoftHsm(os.path.join(work, "softhsm"))
        serial = hsm.init_token("bench")
        ca = Ca(work)
        for key_id, key_type in (("01", "rsa:2048"), ("02", "EC:prime256v1")):
            public = hsm.keypair("bench", key_id, key_type=key_type)
            der = os.path.join(work, f"{key_id}.der")
            subprocess.run(["openssl", "x509", "-outform", "DER", "-out", der],
                           input=ca.issue(public, f"/CN=bench {key_id}").encode(), check=True)
            hsm.write_cert("bench", key_id, der, f"cert {key_id}")

        def daemon(label, module, extra_env):
            d = start_eportd(os.path.join(work, f"eportd-{label}"),
                             [{"name": "pkcs11", "options": {"modules": [{"module": module, "label": label}]}}],
                             env=dict({"SOFTHSM2_CONF": hsm.conf}, **extra_env),
                             config={"log": {"level": "warn"}})
            token = f"p11:{label}:{serial}"
            wait_until("the token", lambda: token in token_ids(d))
            return d, token

        d, token = daemon("softhsm", MODULE, {})
        try:
            d.call("token.status", {"token": token})  # warm
            times = timed(args.runs, lambda: d.call("token.status", {"token": token}))
            figures["eportd token.status"] = {"median_ms": round(statistics.median(times) * 1000, 2),
                                              "p99_ms": round(percentile(times, 99) * 1000, 2)}
        finally:
            d.stop()

        def tool():
            hsm.run(["pkcs11-tool", "--module", MODULE, "-L"])
            hsm.tool("bench", "--list-objects", "--type", "cert")
        times = timed(max(5, args.runs // 5), tool)
        figures["pkcs11-tool -L + --list-objects --type cert"] = {
            "median_ms": round(statistics.median(times) * 1000, 2)}

        log = os.path.join(work, "spy.log")
        d, token = daemon("spy", SPY, {"PKCS11SPY": MODULE, "PKCS11SPY_OUTPUT": log})
        try:
            d.call("token.status", {"token": token})
            counts = []
            for _ in range(5):
                before = len(spy_headers(log))
                d.call("token.status", {"token": token})
                calls = spy_headers(log)[before:]
                counts.append(len(calls))
            figures["pkcs11 calls per token.status (min of 5, may include a poll)"] = min(counts)
            figures["C_Login calls by token.status"] = spy_headers(log).count("C_Login")
        finally:
            d.stop()
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build", "dev"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--json")
    args = parser.parse_args()
    os.environ["EPORT_BUILD_DIR"] = os.path.abspath(args.build_dir)
    figures = run(args)
    print(json.dumps(figures, indent=2))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)


if __name__ == "__main__":
    main()
