"""eport-pkcs11.so when a module misbehaves, and what it leaves behind on a module that works.

- A module that hangs or crashes inside a call, next to SoftHSM2: the fixture module
  libfaulty-pkcs11.so (tests/fixtures/pkcs11/faulty_module.c — the one mock here: no real module
  hangs or crashes on cue) blocks or abort()s in C_Login when its trigger file says so.
- Every call the plug-in makes to SoftHSM2, seen through OpenSC's pkcs11-spy.so (a real module
  that logs each call and forwards it): nothing but the PIN jobs logs in, and every session and
  login a job opens is closed and ended.
"""

import os
import re

from harness import paths
from providers_support import start_eportd, subscribe, token_ids, wait_event, wait_until
from softhsm import MODULE, SO_PIN, USER_PIN, Ca, SoftHsm

import pytest

FAULTY = "p11:faulty:faulty0001"
SPY = "/usr/lib/x86_64-linux-gnu/pkcs11-spy.so"


@pytest.fixture
def hsm(tmp_path):
    h = SoftHsm(tmp_path / "softhsm")
    h.alice = h.init_token("alice")
    h.keypair("alice", "01", key_label="alice auth")
    return h


def faulty_module():
    path = os.path.join(paths.build_dir(), "tests", "fixtures", "pkcs11", "libfaulty-pkcs11.so")
    assert os.path.exists(path), f"{path} is not built"
    return path


def start(tmp_path, hsm, modules, env=None, config=None):
    return start_eportd(str(tmp_path / "eportd"), [{"name": "pkcs11", "options": {"modules": modules}}],
                        env=dict({"SOFTHSM2_CONF": hsm.conf}, **(env or {})), config=config)


def result(daemon, method, params=None):
    answer = daemon.call(method, params, timeout=60)
    assert "result" in answer, answer
    return answer["result"]


def reason(daemon, method, params):
    answer = daemon.call(method, params, timeout=60)
    assert "error" in answer, answer
    return answer["error"]["data"]["reason"]


@pytest.fixture
def faulty_daemon(tmp_path, hsm):
    trigger = tmp_path / "trigger"
    trigger.write_text("ok\n")
    d = start(tmp_path, hsm, [{"module": MODULE, "label": "softhsm"}, {"module": faulty_module(), "label": "faulty"}],
              env={"FAULTY_P11_TRIGGER": str(trigger)}, config={"limits": {"card_timeout_s": 3}})
    d.trigger = trigger
    d.soft = f"p11:softhsm:{hsm.alice}"
    wait_until("both modules' tokens", lambda: token_ids(d) == sorted([FAULTY, d.soft]))
    yield d
    d.trigger.write_text("ok\n")  # never leave the helper hung behind a failed assert
    d.stop()


def test_a_module_that_hangs_in_a_call_holds_only_its_own_token(faulty_daemon, hsm):
    d = faulty_daemon
    client = subscribe(d)
    d.trigger.write_text("hang\n")
    answer = d.call("pin.change", {"token": FAULTY, "old_pin": "1234", "new_pin": "5678"}, timeout=60)
    assert answer["error"]["data"]["reason"] == "timeout"
    assert answer["error"]["data"]["sent_to_card"] is True
    job = answer["error"]["data"]["job"]
    # A request behind the hung call is dropped unsent, like a card's.
    answer = d.call("token.status", {"token": FAULTY}, timeout=60)
    assert (answer["error"]["data"]["reason"], answer["error"]["data"]["sent_to_card"]) == ("timeout", False)
    # The other module's token answers, and its tokens still come and go.
    assert result(d, "token.status", {"token": d.soft})["pin"]["state"] == "ok"
    bob = hsm.init_token("bob")
    wait_event(client, "token.added", f"p11:softhsm:{bob}")
    assert result(d, "token.status", {"token": f"p11:softhsm:{bob}"})["pin"]["source"] == "pkcs11-flags"
    # Released, the hung call ends with the module's own answer, and the token serves again.
    d.trigger.write_text("ok\n")
    finished = wait_event(client, "job.finished", FAULTY, timeout=60)
    assert (finished["job"], finished["method"], finished["reason"]) == (job, "pin.change", "wrong_pin")
    assert result(d, "token.status", {"token": FAULTY})["pin"]["state"] == "ok"
    assert FAULTY in token_ids(d)
    client.close()


def test_a_module_that_crashes_in_a_call_takes_down_only_the_pkcs11_helper(faulty_daemon, hsm):
    d = faulty_daemon
    client = subscribe(d)
    d.trigger.write_text("crash\n")
    assert reason(d, "pin.change", {"token": FAULTY, "old_pin": "1234", "new_pin": "5678"}) == "token_removed"
    d.trigger.write_text("ok\n")
    # The helper died with both modules: their tokens leave, the helper is started again, and
    # they come back; the daemon answers throughout.
    wait_event(client, "token.removed", d.soft)
    assert result(d, "session.hello", {"client": "test", "protocol": 1})["protocol"] == 1
    wait_event(client, "token.added", d.soft, timeout=60)
    wait_until("both tokens again", lambda: token_ids(d) == sorted([FAULTY, d.soft]))
    assert result(d, "token.status", {"token": d.soft})["pin"]["state"] == "ok"
    assert reason(d, "pin.change", {"token": FAULTY, "old_pin": "1234", "new_pin": "5678"}) == "wrong_pin"
    client.close()


def test_a_module_that_cannot_initialise_is_reported_with_its_own_error(tmp_path, hsm):
    trigger = tmp_path / "trigger"
    trigger.write_text("fail-init\n")
    d = start(tmp_path, hsm, [{"module": faulty_module(), "label": "faulty"}, {"module": MODULE, "label": "softhsm"}],
              env={"FAULTY_P11_TRIGGER": str(trigger)})
    try:
        soft = f"p11:softhsm:{hsm.alice}"
        wait_until("the SoftHSM token", lambda: soft in token_ids(d))
        [driver] = result(d, "drivers.list")["drivers"]
        broken, working = driver["status"]["modules"]
        assert (broken["label"], broken["state"]) == ("faulty", "failed")
        assert "C_Initialize failed" in broken["error"] and "CKR_DEVICE_ERROR" in broken["error"]
        assert working["state"] == "ok"
        report = result(d, "diag.report")
        assert any("faulty" in p and "CKR_DEVICE_ERROR" in p for p in report["problems"])
        assert result(d, "token.status", {"token": soft})["pin"]["state"] == "ok"
        assert FAULTY not in token_ids(d)
    finally:
        d.stop()


def spy_calls(log):
    """The PKCS#11 functions pkcs11-spy logged, in order (one "N: C_Name" header per call)."""
    with open(log, errors="replace") as f:
        return re.findall(r"^\d+: (C_\w+)$", f.read(), re.M)


def test_no_job_leaves_a_session_open_or_a_login_behind(tmp_path, hsm):
    log = tmp_path / "spy.log"
    d = start(tmp_path, hsm, [{"module": SPY, "label": "spy"}],
              env={"PKCS11SPY": MODULE, "PKCS11SPY_OUTPUT": str(log)})
    try:
        token = f"p11:spy:{hsm.alice}"
        wait_until("the token through pkcs11-spy", lambda: token in token_ids(d))
        cert = Ca(tmp_path).issue(hsm.public_key("alice", "01"), "/CN=Alice spied")
        for _ in range(3):
            assert result(d, "token.status", {"token": token})["pin"]["state"] == "ok"
        result(d, "cert.check", {"token": token})
        # Listing, status and certificates never log in (no PIN is touched).
        assert "C_Login" not in spy_calls(log)
        result(d, "cert.write", {"token": token, "slot": "01", "certificate": cert})
        assert "C_Login" not in spy_calls(log)  # SoftHSM2 takes public objects without a login
        assert reason(d, "pin.change", {"token": token, "old_pin": "000000", "new_pin": "24681357"}) == "wrong_pin"
        result(d, "pin.change", {"token": token, "old_pin": USER_PIN, "new_pin": "24681357"})
        result(d, "pin.reset", {"token": token, "puk": SO_PIN})
        calls = spy_calls(log)
        # Three logins (the wrong PIN, the user PIN, the SO PIN); the two that succeeded were
        # ended with C_Logout, and every session opened was closed.
        assert calls.count("C_Login") == 3
        assert calls.count("C_Logout") == 2
        assert calls.count("C_OpenSession") == calls.count("C_CloseSession") > 0
        assert "C_CloseAllSessions" not in calls
        # The module was initialised for threads (every C_Initialize, also the re-initialisations
        # that let a polled module see new tokens).
        records = re.split(r"^\d+: (?=C_\w+$)", open(log, errors="replace").read(), flags=re.M)
        inits = [r for r in records if r.startswith("C_Initialize\n")]
        assert inits and all("CKF_OS_LOCKING_OK" in r for r in inits)
        # pkcs11-tool confirms what the jobs did.
        assert hsm.tool("alice", "-O", login=True, pin="88888888", check=False).returncode == 0
    finally:
        d.stop()
