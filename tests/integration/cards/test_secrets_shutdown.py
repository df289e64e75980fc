"""Issue 11 §5: secrets and shutdown.

- After pin.reset, pin.change, pin.verify and cert.write no copy of the PUK, the PINs or the management key
  is left in eportd's memory (read through /proc/<pid>/mem) outside the raw request text, which
  the IPC layer wipes (issue 10); the audit hook never holds the params.
- eportd is not dumpable: run as an unprivileged user, its /proc/<pid>/mem belongs to root (no
  core file, no /proc/<pid>/mem for its own user). The unit sets LimitCORE=0 (packaging suite).
- The management-key file must be a regular file, not a symbolic link, owned by root or
  eportd's user, without group/other access: otherwise cert.write refuses to use it and says
  why, eportd says so at start (diag.report) and `eportd --check-config` fails.
- SIGTERM while card jobs run: the running job finishes and is audited, waiting ones end, and
  eportd exits cleanly (under the asan preset, a use after destruction would show here).
"""

import os
import re
import signal
import stat
import subprocess
import tempfile
import time

import pytest

from harness import DEFAULT_MGM_KEY, paths
from harness.procs import Proc, wait_for

import cards_support as cs

PUK = "73570361"
NEW_PIN = "64646464"
CHANGED_PIN = "46464646"
SERIAL = 30000100


def EPORTD_CONFIG(directory):  # noqa: N802 (read by conftest's daemon fixture)
    return cs.management_key_config(directory, cert_cache_ms=0)


#: Writable mappings larger than this are not eportd's data but ASan's shadow memory (terabytes,
#: reserved without backing) in the asan preset; eportd's heap in these tests stays far below.
MAX_MAPPING = 1 << 30


def _memory_copies(pid, needle):
    """(copies inside raw request text, copies anywhere else) of `needle` in the writable
    memory of process `pid`."""
    raw, bare = 0, 0
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            if "r" not in fields[1] or "w" not in fields[1]:
                continue
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if end - start > MAX_MAPPING:
                continue
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except (OSError, ValueError, OverflowError):
                continue
            for m in re.finditer(re.escape(needle), data):
                before = data[max(0, m.start() - 24):m.start()]
                if b'": "' in before or b'":"' in before:
                    raw += 1
                else:
                    bare += 1
    return raw, bare


@pytest.fixture
def one_card(pcsc, daemon, make_card):
    for token in cs.call(daemon, "tokens.list")["tokens"]:
        cs.wait_token_gone(daemon, token["id"])
    card = make_card("secret", serial=SERIAL, puk=PUK, certs=["9a:p256:3650"])
    return card, cs.wait_token(daemon, card)["id"]


def _no_copy_left(pid, *secrets):
    for secret in secrets:
        raw, bare = _memory_copies(pid, secret.encode())
        print(f"{secret[:4]}…: {raw} in raw request text (the IPC layer's), {bare} elsewhere")
        assert bare == 0, f"{bare} copies of a secret ({secret[:4]}…) left in eportd's memory"


def test_no_pin_puk_or_key_is_left_in_memory(one_card, daemon, certs):
    card, tid = one_card
    pid = daemon.proc.pid
    pem = cs.call(daemon, "cert.read", {"token": tid, "slot": "9a"})["pem"]
    renewed, _ = certs.issue(certs.pubkey_of_pem(pem), days=3650)
    # each right after its call, before later traffic can reuse the memory
    cs.call(daemon, "pin.reset", {"token": tid, "puk": PUK, "new_pin": NEW_PIN})
    _no_copy_left(pid, PUK, NEW_PIN)
    cs.call(daemon, "pin.change", {"token": tid, "old_pin": NEW_PIN, "new_pin": CHANGED_PIN})
    _no_copy_left(pid, NEW_PIN, CHANGED_PIN)
    assert cs.call(daemon, "pin.verify", {"token": tid, "pin": CHANGED_PIN})["verified"] is True
    _no_copy_left(pid, CHANGED_PIN)
    cs.call(daemon, "cert.write", {"token": tid, "slot": "9a", "certificate": renewed,
                                   "management_key": DEFAULT_MGM_KEY})
    _no_copy_left(pid, DEFAULT_MGM_KEY)
    key = bytes.fromhex(DEFAULT_MGM_KEY)
    assert sum(_memory_copies(pid, key)) == 0, "the binary management key is left in memory"


def _unprivileged_config(workdir):
    state = os.path.join(workdir, "run")
    os.makedirs(state, mode=0o700)
    os.chown(state, 65534, 65534)
    config = os.path.join(workdir, "eportd.yaml")
    with open(config, "w") as f:
        f.write(f"socket: {state}/eportd.sock\nsocket_group: \"\"\nstate_dir: {state}/state\n"
                f"plugin_dir: {paths.plugin_dir()}\ndrivers: []\npcsc: {{enabled: false}}\n"
                "usb: {enabled: false}\n")
    os.chmod(config, 0o644)
    return config, os.path.join(state, "eportd.sock")


def test_eportd_is_not_dumpable():
    workdir = tempfile.mkdtemp(prefix="eport-dump-")
    os.chmod(workdir, 0o755)
    config, socket = _unprivileged_config(workdir)
    proc = Proc("eportd-nobody", ["setpriv", "--reuid", "65534", "--regid", "65534",
                                  "--clear-groups", paths.built("eportd"), "--config", config,
                                  "--foreground"],
                log_path=os.path.join(workdir, "eportd.log")).start()
    try:
        wait_for("eportd (uid 65534) to listen", lambda: os.path.exists(socket), 15,
                 detail=proc.log_tail)
        with open(f"/proc/{proc.pid}/status") as f:
            uid = next(line.split()[1] for line in f if line.startswith("Uid:"))
        assert uid == "65534"
        # a dumpable process's /proc/<pid>/mem and environ belong to its user; a non-dumpable
        # one's to root (and it leaves no core file)
        for entry in ("mem", "environ"):
            assert os.stat(f"/proc/{proc.pid}/{entry}").st_uid == 0, f"eportd is dumpable ({entry})"
    finally:
        proc.stop()


def _key_file_cases(directory):
    good = os.path.join(directory, "good.key")
    with open(os.open(good, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(DEFAULT_MGM_KEY + "\n")
    loose = os.path.join(directory, "loose.key")
    with open(loose, "w") as f:
        f.write(DEFAULT_MGM_KEY + "\n")
    os.chmod(loose, 0o644)
    foreign = os.path.join(directory, "foreign.key")
    with open(os.open(foreign, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(DEFAULT_MGM_KEY + "\n")
    os.chown(foreign, 65534, 65534)
    link = os.path.join(directory, "link.key")
    os.symlink(good, link)
    return {"group or others": loose, "owned by uid 65534": foreign, "symbolic link": link}


@pytest.mark.parametrize("why", ["group or others", "owned by uid 65534", "symbolic link"])
def test_a_key_file_others_could_touch_is_refused_and_eportd_says_why(why, pcsc, make_card,
                                                                      certs, tmp_path):
    path = _key_file_cases(str(tmp_path))[why]
    config = {"drivers": [{"name": "piv", "options": {"management_key_file": path}}]}
    daemon = pcsc.eportd(config=config)
    try:
        warnings = cs.call(daemon, "diag.report")["config"]["warnings"]
        assert any(why in w and path in w for w in warnings), warnings
        card = make_card("keyfile", serial=SERIAL + 1, certs=["9a:p256:3650"])
        tid = cs.wait_token(daemon, card)["id"]
        pem = cs.call(daemon, "cert.read", {"token": tid, "slot": "9a"})["pem"]
        renewed, _ = certs.issue(certs.pubkey_of_pem(pem), days=3650)
        mark = card.apdu_mark()
        err = cs.call_error(daemon, "cert.write", {"token": tid, "slot": "9a",
                                                   "certificate": renewed})
        assert err.reason == "management_key_required", err
        assert why in err.message and why in err.data["key_file"], err
        sent = card.apdus_since(mark)
        assert not [ex for ex in sent if cs.ins_of(ex) in (cs.INS_GENERAL_AUTH, cs.INS_PUT_DATA)]
        assert DEFAULT_MGM_KEY not in cs.daemon_log(daemon)
    finally:
        daemon.stop()
        pcsc.daemons.remove(daemon)
    res = subprocess.run([paths.built("eportd"), "--check-config", daemon.config_path],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 1, res.stdout + res.stderr
    assert why in res.stderr and path in res.stderr, res.stderr


def test_a_good_key_file_passes_check_config(pcsc, tmp_path):
    path = _key_file_cases(str(tmp_path))  # noqa: F841 (makes good.key)
    daemon = pcsc.eportd(start=False, config={
        "drivers": [{"name": "piv", "options": {"management_key_file": str(tmp_path / "good.key")}}]})
    daemon.write_config()
    res = subprocess.run([paths.built("eportd"), "--check-config", daemon.config_path],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr


def test_sigterm_with_card_jobs_in_flight_finishes_the_running_one_and_exits_cleanly(
        pcsc, daemon, make_card):
    for token in cs.call(daemon, "tokens.list")["tokens"]:
        cs.wait_token_gone(daemon, token["id"])
    card = make_card("inflight", serial=SERIAL + 2, certs=["9a:p256:3650"])
    tid = cs.wait_token(daemon, card)["id"]
    card.remove()
    cs.wait_token_gone(daemon, tid)
    card.insert(delay_ms=600)  # every answer takes 0.6 s: the jobs are still on the card
    cs.wait_token(daemon, card, timeout=60)
    cs.settle(card, quiet=1.5, timeout=60)
    clients = [daemon.client(timeout=60) for _ in range(3)]
    try:
        mark = card.apdu_mark()
        # The PIN change is on the card before the others are sent: requests on different
        # connections have no order, and the test is about the job that runs at the stop.
        clients[0].request("pin.change", {"token": tid, "old_pin": "88888888",
                                          "new_pin": "31415926"})
        wait_for("the PIN change's first APDU", lambda: len(card.apdus_since(mark)) >= 1, 30)
        clients[1].request("token.status", {"token": tid})
        clients[2].request("cert.check", {"token": tid})
        time.sleep(0.2)  # both are read and queued behind the running job
        daemon.proc.popen.send_signal(signal.SIGTERM)
        status = daemon.proc.popen.wait(timeout=40)
    finally:
        for c in clients:
            c.close()
    log = cs.daemon_log(daemon)
    assert status == 0, f"eportd exited with {status}:\n{log[-3000:]}"
    for sign in ("AddressSanitizer", "runtime error", "terminate called"):
        assert sign not in log, log[-3000:]
    assert "eportd stopped" in log
    # the running job (pin.change, first in the queue) ended on the card and was audited
    with open(card.state_path) as f:
        pin = __import__("json").load(f)["pin"]
    assert pin["hash"] != pin["default_hash"], "the PIN change did not reach its end"
    with open(os.path.join(daemon.state_dir, "audit.log")) as f:
        records = [line for line in f if '"pin.change"' in line]
    assert '"attempt"' in records[-2] and '"outcome":"ok"' in records[-1], records[-2:]
    assert stat.S_IMODE(os.stat(card.state_path).st_mode) == 0o600
    daemon.start()  # the module's daemon is used by nothing after this; keep the fixture sane


def test_sigterm_with_a_hung_card_still_ends_eportd(pcsc, daemon, make_card):
    for token in cs.call(daemon, "tokens.list")["tokens"]:
        cs.wait_token_gone(daemon, token["id"])
    card = make_card("hung-stop", serial=SERIAL + 3, certs=["9a:p256:3650"])
    tid = cs.wait_token(daemon, card)["id"]
    card.remove()
    cs.wait_token_gone(daemon, tid)
    mark = card.apdu_mark()
    card.insert()
    cs.wait_token(daemon, card)
    insertion = len(card.apdus_since(mark))
    card.remove()
    cs.wait_token_gone(daemon, tid)
    card.insert(mute_after=insertion + 1)  # answers the status read's SELECT, then nothing
    cs.wait_token(daemon, card)
    with daemon.client(timeout=60) as client:
        client.request("token.status", {"token": tid})
        wait_for("the card to hang in token.status",
                 lambda: len(card.apdus_since(mark)) >= 2 * insertion + 1, 30)
        daemon.proc.popen.send_signal(signal.SIGTERM)
        status = daemon.proc.popen.wait(timeout=60)
    log = cs.daemon_log(daemon)
    assert status == 0, log[-2000:]
    assert "did not answer" in log, log[-2000:]
    card.remove()
    daemon.start()
