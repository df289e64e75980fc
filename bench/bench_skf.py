#!/usr/bin/python3
"""Figures for eport-skf.so over the soft SKF token (libeport-softskf.so as a vendor's library).

Starts eportd from a build tree with the skf plug-in (PC/SC and USB off) and a soft USBKey with
two SM2 containers (four slots, three certificates), and measures:

  (a) eportd `token.status` over the socket (one persistent connection) — median and p99;
  (b) plug to `token.added`: a key's state file appears (eport-softskf init) until the event
      reaches a subscriber (SKF_WaitForDevEvent wakes the plug-in) — median of a few plugs;
  (c) pull to `token.removed` — median;
  (d) the PIN and admin-PIN tries left after all those calls (read with eport-softskf show):
      reading the state spends no try.

Figures only: nothing here asserts a time. No pcscd, no root needed.

    bench/bench_skf.py --build-dir build/dev [--runs 50] [--plugs 5] [--json F]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "skf"))


def percentile(values, p):
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def ms(value):
    return round(value * 1000, 2)


def run(args):
    import skf_support as skf  # noqa: E402

    figures = {"runs": args.runs, "plugs": args.plugs}
    with tempfile.TemporaryDirectory(prefix="bench-skf-") as work:
        keys = os.path.join(work, "keys")
        os.makedirs(keys)
        skf.make_key(keys, "BENCH1", "--cert", "c1:sign:sm2:3650", "--cert", "c1:enc:sm2:3650",
                     "--cert", "c2:sign:sm2:20")
        daemon = skf.start(os.path.join(work, "eportd"), keys, config={"log": {"level": "warn"}})
        try:
            token = "skf:soft:BENCH1"
            skf.wait_token(daemon, token)
            daemon.call("token.status", {"token": token})  # warm
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                answer = daemon.call("token.status", {"token": token})
                times.append(time.perf_counter() - start)
                assert "result" in answer, answer
            figures["eportd token.status (3 certificates, 4 slots)"] = {
                "median_ms": ms(statistics.median(times)), "p99_ms": ms(percentile(times, 99))}

            client = skf.subscribe(daemon)
            plugged, pulled = [], []
            for n in range(args.plugs):
                serial = f"PLUG{n}"
                start = time.perf_counter()
                skf.make_key(keys, serial)  # the init program's own start-up is part of the figure
                skf.wait_event(client, "token.added", f"skf:soft:{serial}")
                plugged.append(time.perf_counter() - start)
                start = time.perf_counter()
                skf.pull(keys, serial)
                skf.wait_event(client, "token.removed", f"skf:soft:{serial}")
                pulled.append(time.perf_counter() - start)
            client.close()
            figures["plug (eport-softskf init) to token.added"] = {"median_ms": ms(statistics.median(plugged))}
            figures["pull (file moved away) to token.removed"] = {"median_ms": ms(statistics.median(pulled))}
        finally:
            daemon.stop()
        app = skf.app_state(keys, "BENCH1")
        figures["PIN / admin-PIN tries left afterwards (of 6 / 10)"] = [app["user_pin"]["remaining"],
                                                                         app["admin_pin"]["remaining"]]
        figures["left logged in"] = app["logged_in"]
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build", "dev"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--plugs", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    os.environ["EPORT_BUILD_DIR"] = os.path.abspath(args.build_dir)
    figures = run(args)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
