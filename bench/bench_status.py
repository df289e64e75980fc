#!/usr/bin/python3
"""Issue 15's figures in one run: eportd against its peers and against pcscd on the same cards.

Starts the test harness (private pcscd in a mount namespace, two eport-vcard cards, eportd from
the build tree with the PIV and SKF plug-ins) and measures:

  1. tries left + expiry of every certificate: eportd `token.status` against
     `yubico-piv-tool -a status` and `pkcs15-tool --list-certificates` + an `opensc-tool` PIN
     status (median time and APDUs per query);
  2. 1, 16 and 64 clients asking `token.status` at the same moment: requests/s, p50/p99, errors,
     APDUs the card saw per round;
  3. `session.hello` against `SCardStatus` / `SCardListReaders` (eport-bench-rtt, C++);
  4. card insertion -> `token.added` and pull -> `token.removed` against pcscd's own detection;
  5. eportd idle: CPU time and context switches over --idle seconds with both cards in; RSS;
  6. `cert.write` of a certificate over 2 KB: median time and APDUs.

Figures only: nothing here asserts a time. Needs root (or CAP_SYS_ADMIN) for the namespace.

    PYTHONPATH=tests EPORT_BUILD_DIR=build/release bench/bench_status.py [--runs 30] [--json F]
"""

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
sys.path.insert(0, HERE)

import harness  # noqa: E402
from harness import DEFAULT_MGM_KEY, paths  # noqa: E402

import bench_goals as goals  # noqa: E402
import bench_lifecycle as lifecycle  # noqa: E402

SERIALS = (41000001, 41000002)


def daemon_config(workdir):
    """PIV (management key from a 0600 file, for cert.write) and SKF (eport-softskf) drivers."""
    key_file = os.path.join(workdir, "piv-management-key")
    with open(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(DEFAULT_MGM_KEY + "\n")
    drivers = [{"name": "piv", "options": {"management_key_file": key_file}}]
    softskf = os.path.join(paths.build_dir(), "lib", "libeport-softskf.so")
    if os.path.exists(os.path.join(paths.plugin_dir(), "eport-skf.so")) and os.path.exists(softskf):
        drivers.append({"name": "skf", "options": {"libraries": [{"library": softskf,
                                                                   "label": "softskf"}]}})
    return drivers


def wait_token(daemon, reader, timeout=30.0):
    """The id of the ready token in reader once eportd lists it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for token in daemon.call("tokens.list").get("result", {}).get("tokens", []):
            if token.get("reader") == reader and token.get("state") == "ready":
                return token["id"]
        time.sleep(0.1)
    raise SystemExit(f"eportd did not list a ready token in {reader!r} within {timeout} s")


def run(args):
    """Builds the stack, measures every goal, returns the figures as a dict."""
    figures = {"runs": args.runs, "cards": args.certs, "build": paths.build_dir()}
    with harness.Harness() as h:
        cards = [h.card(f"bench{i + 1}", serial=s, certs=args.certs.split(","))
                 for i, s in enumerate(SERIALS)]
        keys = os.path.join(h.workdir, "softskf-keys")
        os.makedirs(keys, exist_ok=True)
        # 64 clients of one uid (goal 2): above the default per-uid cap of 32 connections
        daemon = h.eportd(drivers=daemon_config(h.workdir), start=False,
                          config={"limits": {"max_clients_per_uid": 128, "max_clients": 256}})
        daemon.env["EPORT_SOFTSKF_DIR"] = keys
        daemon.start()
        tids = [wait_token(daemon, c.reader) for c in cards]
        time.sleep(2.0)  # the insertion reads are over
        step = lambda name: print(f"bench: {name}", file=sys.stderr, flush=True)  # noqa: E731
        step(f"goal 5: idle {args.idle} s")
        figures["goal5"] = lifecycle.goal5_idle(daemon, args.idle)
        step("goal 1: token.status against the peers")
        figures["goal1"] = goals.goal1_status(h, daemon, cards[0], tids[0], args.runs)
        figures["goal1_cpu"] = goals.status_cpu(daemon, tids[0], 1000)
        step("goal 2: concurrent callers")
        figures["goal2"] = goals.goal2_concurrency(daemon, cards[0], tids[0], args.rounds)
        step("goal 3: socket against pcscd round trips")
        figures["goal3"] = goals.goal3_round_trip(h, daemon, cards[0], args.hello)
        step("goal 4: insertion and pull")
        figures["goal4"] = lifecycle.goal4_insert_pull(h, daemon, cards[1], args.cycles)
        step("goal 6: cert.write over 2 KB")
        figures["goal6"] = goals.goal6_cert_write(daemon, cards[0], tids[0], "9a", args.writes)
        figures["goal5"]["rss_after_kib"] = lifecycle.rss_kib(daemon.proc.pid)
    return figures


def _ratio(a, b):
    return round(a / b, 2) if b else None


def rows(f):
    """(goal, figure, eportd, reference, ratio) rows of the table; ratios are computed here."""
    g1 = f["goal1"]
    mine = g1["eportd token.status"]
    peers = {k: v for k, v in g1.items() if not k.startswith("eportd")}
    fastest = min(peers.values(), key=lambda q: q["median_ms"])
    out = []
    for name, q in g1.items():
        ref = "" if name.startswith("eportd") else f"x{_ratio(q['median_ms'], mine['median_ms'])}"
        out.append(("1", f"{name}: median ms / APDUs", f"{q['median_ms']} / {q['apdus']:g}", "", ref))
    f["goal1_speedup"] = _ratio(fastest["median_ms"], mine["median_ms"])
    out.append(("1", "fastest peer / eportd token.status (goal >= 20)", "", "",
                f"x{f['goal1_speedup']}"))
    if "goal1_cpu" in f:
        cpu = f["goal1_cpu"]
        out.append(("1", f"eportd CPU per token.status ({cpu['calls']} calls): ms",
                    f"{cpu['cpu_ms_per_call']}", "", ""))
    for n, c in f["goal2"].items():
        errors = sum(c["errors"].values())
        if errors:
            errors = f"{errors} ({', '.join(sorted(c['errors']))})"
        out.append(("2", f"{n:>2} clients: req/s, p50/p99 ms, errors, APDUs/round",
                    f"{c['requests_per_s']}, {c['p50_ms']}/{c['p99_ms']}, {errors}, "
                    f"{c['apdus_per_round']:g}", "", ""))
    g3 = f["goal3"]
    hello = g3["hello"]["p50_us"]
    for key, label in (("scard_status", "SCardStatus"), ("scard_list_readers", "SCardListReaders")):
        f[f"goal3_ratio_{key}"] = _ratio(hello, g3[key]["p50_us"])
        out.append(("3", f"session.hello vs {label}: p50 us (goal <= 2)", f"{hello}",
                    f"{g3[key]['p50_us']}", f"x{f[f'goal3_ratio_{key}']}"))
    g4 = f["goal4"]
    for what in ("insert", "pull"):
        mine4, floor = g4[f"eportd_{what}"], g4[f"pcscd_{what}"]
        out.append(("4", f"{what} -> token.{'added' if what == 'insert' else 'removed'}: "
                    "median / max ms (ref: pcscd)", f"{mine4['median_ms']} / {mine4['max_ms']}",
                    f"{floor['median_ms']} / {floor['max_ms']}",
                    f"x{_ratio(mine4['median_ms'], floor['median_ms'])}"))
    g5 = f["goal5"]
    out.append(("5", f"idle {g5['seconds']} s: CPU ms, context switches", f"{g5['cpu_ms']}, "
                f"{g5['context_switches']}", "0, 0", ""))
    out.append(("5", "RSS KiB idle / after the run (goal < 16384)",
                f"{g5['rss_kib']} / {g5.get('rss_after_kib')}", ", ".join(g5["plugins"]), ""))
    g6 = f["goal6"]
    out.append(("6", f"cert.write {g6['der_bytes']} B in {g6['slot']}: median ms / APDUs",
                f"{g6['median_ms']} / {g6['apdus']:g}", "", ""))
    return out


def table(figures):
    """The figures as one plain-text table."""
    lines = [f"cards: {figures['cards']}   runs per query: {figures['runs']}   "
             f"build: {figures['build']}", "",
             f"{'goal':4} {'figure':58} {'eportd':>26} {'reference':>22} {'ratio':>8}"]
    for goal, name, mine, ref, ratio in rows(figures):
        lines.append(f"{goal:4} {name:58} {mine:>26} {ref:>22} {ratio:>8}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="repetitions per query (30)")
    parser.add_argument("--rounds", type=int, default=10, help="rounds per concurrency level (10)")
    parser.add_argument("--hello", type=int, default=2000, help="round trips for goal 3 (2000)")
    parser.add_argument("--cycles", type=int, default=20, help="pulls + insertions (20)")
    parser.add_argument("--idle", type=int, default=60, help="idle seconds for goal 5 (60)")
    parser.add_argument("--writes", type=int, default=5, help="cert.write runs (5)")
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
