"""eport-pkcs11.so with SoftHSM2 (a real PKCS#11 module), through eportd's socket and eportctl,
confirmed with pkcs11-tool. Each test has its own SOFTHSM2_CONF and token directory."""

import base64
import datetime
import json
import os
import subprocess

import pytest

from harness import paths, rpc
from providers_support import start_eportd, subscribe, token_ids, wait_event, wait_until
from softhsm import MODULE, SO_PIN, USER_PIN, Ca, SoftHsm, openssl, pem_to_der


@pytest.fixture
def hsm(tmp_path):
    h = SoftHsm(tmp_path / "softhsm")
    h.alice = h.init_token("alice")
    h.keypair("alice", "01", key_label="alice auth")
    return h


def start(tmp_path, hsm, modules=None, p11_kit=False):
    modules = [{"module": MODULE, "label": "softhsm"}] if modules is None else modules
    return start_eportd(str(tmp_path / "eportd"),
                        [{"name": "pkcs11", "options": {"modules": modules, "p11-kit": p11_kit}}],
                        env={"SOFTHSM2_CONF": hsm.conf})


@pytest.fixture
def daemon(tmp_path, hsm):
    d = start(tmp_path, hsm)
    wait_until("the SoftHSM token", lambda: f"p11:softhsm:{hsm.alice}" in token_ids(d))
    yield d
    d.stop()


def call(daemon, method, params=None):
    answer = daemon.call(method, params)
    assert "result" in answer, answer
    return answer["result"]


def failure(daemon, method, params):
    answer = daemon.call(method, params)
    assert "error" in answer, answer
    return answer["error"]


def test_the_token_is_listed_with_its_pkcs11_identity(daemon, hsm):
    [token] = call(daemon, "tokens.list")["tokens"]
    assert token["id"] == f"p11:softhsm:{hsm.alice}"
    assert token["driver"] == "pkcs11"
    assert token["kind"] == "pkcs11"
    assert token["label"] == "alice"
    assert token["model"] == "SoftHSM v2"
    assert token["serial"] == hsm.alice
    [driver] = call(daemon, "drivers.list")["drivers"]
    assert driver["status"]["modules"] == [{"label": "softhsm", "module": MODULE, "source": "config",
                                           "state": "ok", "events": "poll"}]


def test_pin_state_comes_from_the_flags_without_a_count(daemon, hsm):
    token = f"p11:softhsm:{hsm.alice}"
    status = call(daemon, "token.status", {"token": token})
    assert status["pin"] == {"state": "ok", "tries_left": None, "max_tries": None, "is_default": None,
                             "source": "pkcs11-flags"}
    assert status["puk"]["state"] == "unknown"  # no SO flag set: nothing is claimed
    hsm.tool("alice", "-O", login=True, pin="999999", check=False)  # one wrong PIN, by another program
    wait_until("the low flag", lambda: call(daemon, "token.status", {"token": token})["pin"]["state"] == "low")
    assert call(daemon, "token.status", {"token": token})["pin"]["tries_left"] is None


def test_pin_reset_with_the_so_pin_sets_88888888(daemon, hsm):
    token = f"p11:softhsm:{hsm.alice}"
    result = call(daemon, "pin.reset", {"token": token, "puk": SO_PIN})
    assert result["pin"]["state"] == "ok"
    assert hsm.tool("alice", "-O", login=True, pin="88888888", check=False).returncode == 0
    assert hsm.tool("alice", "-O", login=True, pin=USER_PIN, check=False).returncode != 0
    # A wrong SO PIN is wrong_puk; the SO PIN's flag then shows it, still without a count.
    error = failure(daemon, "pin.reset", {"token": token, "puk": "87654321"})
    assert error["data"]["reason"] == "wrong_puk"
    assert error["data"]["puk_tries_left"] is None
    assert call(daemon, "token.status", {"token": token})["puk"]["state"] == "low"
    # The right SO PIN clears the flag; eportd then shows the token's last answer to an SO PIN.
    call(daemon, "pin.reset", {"token": token, "puk": SO_PIN})
    puk = call(daemon, "token.status", {"token": token})["puk"]
    assert (puk["state"], puk["source"], puk["tries_left"]) == ("ok", "last_answer", None)


def test_pin_change_and_a_wrong_old_pin(daemon, hsm):
    token = f"p11:softhsm:{hsm.alice}"
    error = failure(daemon, "pin.change", {"token": token, "old_pin": "000000", "new_pin": "24681357"})
    assert error["data"]["reason"] == "wrong_pin"
    assert error["data"]["tries_left"] is None
    assert call(daemon, "pin.change", {"token": token, "old_pin": USER_PIN, "new_pin": "24681357"})["pin"]["state"] == "ok"
    assert hsm.tool("alice", "-O", login=True, pin="24681357", check=False).returncode == 0
    # The token's own length rules (SoftHSM2: 4-255) decide, not PIV's 6-8.
    assert call(daemon, "pin.change", {"token": token, "old_pin": "24681357", "new_pin": "2468"})
    assert hsm.tool("alice", "-O", login=True, pin="2468", check=False).returncode == 0
    error = failure(daemon, "pin.change", {"token": token, "old_pin": "2468", "new_pin": "123"})
    assert error["data"]["reason"] == "invalid_pin"
    assert (error["data"]["min_length"], error["data"]["max_length"]) == (4, 255)  # from the token


def test_pin_verify_logs_in_once_and_out_again(daemon, hsm):
    token = f"p11:softhsm:{hsm.alice}"
    error = failure(daemon, "pin.verify", {"token": token, "pin": "000000"})
    assert error["data"]["reason"] == "wrong_pin" and error["data"]["tries_left"] is None, error
    assert call(daemon, "token.status", {"token": token})["pin"]["state"] == "low"  # one try spent
    result = call(daemon, "pin.verify", {"token": token, "pin": USER_PIN})
    assert result["verified"] is True and result["pin"]["state"] == "ok", result
    assert result["pin"]["source"] == "pkcs11-flags"
    # C_Logout ended the login: the next job logs in again (cert.write needs none, a change does)
    assert call(daemon, "pin.change", {"token": token, "old_pin": USER_PIN, "new_pin": "24681357"})
    assert hsm.tool("alice", "-O", login=True, pin="24681357", check=False).returncode == 0
    records = [r for r in call(daemon, "audit.tail", {"limit": 50})["records"] if r["method"] == "pin.verify"]
    assert [r["outcome"] for r in records] == ["attempt", "error", "attempt", "ok"], records


def test_cert_write_checks_the_key_and_reads_back(daemon, hsm, tmp_path):
    token = f"p11:softhsm:{hsm.alice}"
    ca = Ca(tmp_path)
    first = ca.issue(hsm.public_key("alice", "01"), "/CN=Alice first")
    result = call(daemon, "cert.write", {"token": token, "slot": "01", "certificate": first})
    assert result["verified"] is True
    assert result["backup"] is None  # the slot held no certificate
    assert result["certificate"]["subject"] == "CN=Alice first"
    assert hsm.read_cert("alice", "01") == pem_to_der(first)
    # A renewal replaces it; the old one is backed up; exactly one certificate object is left.
    second = ca.issue(hsm.public_key("alice", "01"), "/CN=Alice renewed")
    result = call(daemon, "cert.write", {"token": token, "slot": "01", "certificate": second})
    assert open(result["backup"], "rb").read() == pem_to_der(first)
    assert hsm.read_cert("alice", "01") == pem_to_der(second)
    listing = hsm.tool("alice", "--list-objects", "--type", "cert").stdout.decode()
    assert listing.count("Certificate Object") == 1
    assert "label:      alice auth" in listing  # the key's label, kept from the first certificate
    read = call(daemon, "cert.read", {"token": token, "slot": "01"})
    assert base64.b64decode(read["der_base64"]) == pem_to_der(second)


def test_a_certificate_for_another_key_is_refused(daemon, hsm, tmp_path):
    token = f"p11:softhsm:{hsm.alice}"
    other_key = tmp_path / "other.key"
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", other_key)
    foreign = Ca(tmp_path).issue(openssl("pkey", "-in", other_key, "-pubout").decode(), "/CN=Not Alice")
    error = failure(daemon, "cert.write", {"token": token, "slot": "01", "certificate": foreign})
    assert error["data"]["reason"] == "cert_key_mismatch"
    assert hsm.tool("alice", "--read-object", "--type", "cert", "--id", "01", check=False).returncode != 0


def test_an_ec_key_matches_its_certificate(daemon, hsm, tmp_path):
    token = f"p11:softhsm:{hsm.alice}"
    public = hsm.keypair("alice", "02", key_type="EC:prime256v1", key_label="alice sign")
    cert = Ca(tmp_path).issue(public, "/CN=Alice EC")
    result = call(daemon, "cert.write", {"token": token, "slot": "02", "certificate": cert})
    assert result["certificate"]["key"] == "EC-P256"
    assert hsm.read_cert("alice", "02") == pem_to_der(cert)


def test_unknown_slots_name_the_tokens_own(daemon, hsm):
    token = f"p11:softhsm:{hsm.alice}"
    error = failure(daemon, "cert.read", {"token": token, "slot": "9a"})
    assert error["code"] == -32602
    assert "01" in error["message"]
    error = failure(daemon, "cert.read", {"token": token, "slot": "01"})
    assert error["data"]["reason"] == "cert_not_found"  # the key is there, no certificate yet


def test_cert_check_reports_expiry(daemon, hsm, tmp_path):
    token = f"p11:softhsm:{hsm.alice}"
    ca = Ca(tmp_path)
    soon = ca.issue(hsm.public_key("alice", "01"), "/CN=Alice soon", days=10)
    call(daemon, "cert.write", {"token": token, "slot": "01", "certificate": soon})
    check = call(daemon, "cert.check", {"token": token, "warn_days": [30]})
    [cert] = check["tokens"][0]["certificates"]
    assert cert["state"] == "expiring"
    assert cert["days_left"] in (9, 10)
    assert check["worst"] == "expiring"
    expired = ca.issue(hsm.public_key("alice", "01"), "/CN=Alice expired", days=-1)  # ended yesterday
    error = failure(daemon, "cert.write", {"token": token, "slot": "01", "certificate": expired})
    assert error["data"]["reason"] == "cert_not_valid_now"
    call(daemon, "cert.write", {"token": token, "slot": "01", "certificate": expired, "force": True})
    assert call(daemon, "cert.check", {"token": token})["worst"] == "expired"


def test_an_sm2_certificate_object_is_reported_as_sm2_with_its_dates(daemon, hsm, tmp_path):
    token = f"p11:softhsm:{hsm.alice}"
    key, pem, der = tmp_path / "sm2.key", tmp_path / "sm2.pem", tmp_path / "sm2.der"
    openssl("genpkey", "-algorithm", "SM2", "-out", key)
    openssl("req", "-x509", "-new", "-key", key, "-sm3", "-sigopt", "distid:1234567812345678",
            "-subj", "/CN=SM2 holder", "-days", 45, "-out", pem)
    openssl("x509", "-in", pem, "-outform", "DER", "-out", der)
    hsm.write_cert("alice", "0a", der, "sm2 signing")
    dates = openssl("x509", "-in", pem, "-noout", "-startdate", "-enddate").decode()
    expect = {}
    for line in dates.splitlines():
        name, _, value = line.partition("=")
        when = datetime.datetime.strptime(value, "%b %d %H:%M:%S %Y GMT")
        expect[name] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    certs = {c["slot"]: c for c in call(daemon, "token.status", {"token": token})["certificates"]}
    sm2 = certs["0a"]
    assert sm2["key"] == "SM2"
    assert sm2["label"] == "sm2 signing"
    assert sm2["not_before"] == expect["notBefore"]
    assert sm2["not_after"] == expect["notAfter"]
    assert sm2["state"] == "expiring"  # 45 days: inside the default 90-day warning


def test_tokens_added_and_removed_at_run_time(daemon, hsm):
    client = subscribe(daemon)
    bob = hsm.init_token("bob")
    added = wait_event(client, "token.added", f"p11:softhsm:{bob}")
    assert added["token"]["label"] == "bob"
    hsm.delete_token("bob")
    wait_event(client, "token.removed", f"p11:softhsm:{bob}")
    assert token_ids(daemon) == [f"p11:softhsm:{hsm.alice}"]
    client.close()


def test_a_failing_module_is_reported_and_the_others_work(tmp_path, hsm):
    d = start(tmp_path, hsm, modules=[{"module": "/nonexistent/libnothing-pkcs11.so"},
                                      {"module": MODULE, "label": "softhsm"}])
    try:
        wait_until("the SoftHSM token", lambda: f"p11:softhsm:{hsm.alice}" in token_ids(d))
        [driver] = call(d, "drivers.list")["drivers"]
        broken = driver["status"]["modules"][0]
        assert broken["label"] == "nothing-pkcs11"
        assert broken["state"] == "failed"
        assert "cannot load it" in broken["error"] and "No such file" in broken["error"]
        report = call(d, "diag.report")
        assert any("nothing-pkcs11" in p and "No such file" in p for p in report["problems"])
        assert report["ok"] is False
    finally:
        d.stop()


def test_every_protocol_method_works_on_a_softhsm_token(daemon, hsm, tmp_path):
    token = f"p11:softhsm:{hsm.alice}"
    hello = call(daemon, "session.hello", {"client": "test", "protocol": 1})
    for method in ("session.hello", "daemon.info", "drivers.list", "events.subscribe", "diag.report",
                   "audit.tail", "guidance.get", "readers.list", "tokens.list", "token.status", "cert.read",
                   "cert.check", "pin.reset", "pin.change", "cert.write"):
        assert method in hello["methods"]
    assert any(t["id"] == token for t in call(daemon, "daemon.info")["tokens"])
    assert any(t["id"] == token for t in call(daemon, "diag.report")["tokens"])
    assert call(daemon, "readers.list")["readers"] == []
    assert call(daemon, "guidance.get")["sites"]
    cert = Ca(tmp_path).issue(hsm.public_key("alice", "01"), "/CN=Alice all")
    assert call(daemon, "cert.write", {"token": token, "slot": "01", "certificate": cert})["verified"]
    assert call(daemon, "cert.read", {"token": token, "slot": "01"})["certificate"]["subject"] == "CN=Alice all"
    assert call(daemon, "cert.check", {"token": token})["worst"] == "valid"
    with subscribe(daemon) as client:
        assert client.call("pin.reset", {"token": token, "puk": SO_PIN})["pin"]["state"] == "ok"
        assert wait_event(client, "pin.changed", token)["pin"]["source"] == "pkcs11-flags"
    assert call(daemon, "pin.change", {"token": token, "old_pin": "88888888", "new_pin": "13572468"})
    records = [r for r in call(daemon, "audit.tail", {"limit": 20})["records"] if r["outcome"] != "attempt"]
    assert [(r["method"], r["token"], r["outcome"]) for r in records[-3:]] == [
        ("cert.write", token, "ok"), ("pin.reset", token, "ok"), ("pin.change", token, "ok")]


def eportctl(daemon, *args):
    program = paths.built("eportctl")
    assert program, "eportctl is not built"
    return subprocess.run([program, "--socket", daemon.socket_path, *args], capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, LANG="C.UTF-8", EPORTCTL_LANG="en"))


def test_eportctl_shows_the_token_like_a_card(daemon, hsm, tmp_path):
    token = f"p11:softhsm:{hsm.alice}"
    cert = Ca(tmp_path).issue(hsm.public_key("alice", "01"), "/CN=Alice eportctl")
    call(daemon, "cert.write", {"token": token, "slot": "01", "certificate": cert})
    res = eportctl(daemon, "status")
    assert res.returncode == 0, res.stdout + res.stderr
    assert token in res.stdout
    assert "Alice eportctl" in res.stdout
    res = eportctl(daemon, "--json", "status")
    data = json.loads(res.stdout)
    assert token in json.dumps(data)
    res = eportctl(daemon, "check", token)
    assert res.returncode == 0, res.stdout + res.stderr


def test_eportctl_completes_and_checks_the_tokens_own_slots(daemon, hsm, tmp_path):
    token = f"p11:softhsm:{hsm.alice}"
    hsm.keypair("alice", "a1b2", key_type="EC:prime256v1", key_label="second")
    completion = os.path.join(paths.SOURCE_DIR, "client", "completion", "eportctl.bash")
    line = f"eportctl renew {token} --slot "
    script = (f"source {completion}\nCOMP_LINE='{line}'; read -ra COMP_WORDS <<< \"$COMP_LINE\"\n"
              "COMP_WORDS+=(''); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
              "_eportctl; printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    env = dict(os.environ, EPORTCTL_SOCKET=daemon.socket_path,
               PATH=os.path.dirname(paths.built("eportctl")) + ":" + os.environ["PATH"])
    res = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert sorted(res.stdout.split()) == ["01", "a1b2"]
    cert = tmp_path / "c.pem"
    cert.write_text(Ca(tmp_path).issue(hsm.public_key("alice", "a1b2"), "/CN=Alice second"))
    res = eportctl(daemon, "renew", token, "--slot", "9a", "--cert", str(cert), "--yes")
    assert res.returncode != 0
    assert "01, a1b2" in res.stdout + res.stderr  # the token's own slots
    res = eportctl(daemon, "renew", token, "--slot", "A1B2", "--cert", str(cert), "--yes")
    assert res.returncode == 0, res.stdout + res.stderr
    assert hsm.read_cert("alice", "a1b2") == pem_to_der(cert.read_text())


def test_p11_kit_true_loads_the_modules_registered_on_the_system(tmp_path, hsm):
    # Debian registers SoftHSM2 with p11-kit (/usr/share/p11-kit/modules/softhsm2.module); its
    # tokens are the ones SOFTHSM2_CONF names, so this test's private token shows up.
    d = start(tmp_path, hsm, modules=[], p11_kit=True)
    try:
        token = f"p11:softhsm2:{hsm.alice}"
        wait_until("the token through p11-kit", lambda: token in token_ids(d))
        [driver] = call(d, "drivers.list")["drivers"]
        [softhsm] = [m for m in driver["status"]["modules"] if m["label"] == "softhsm2"]
        assert softhsm["source"] == "p11-kit"
        assert softhsm["state"] == "ok"
        assert call(d, "token.status", {"token": token})["pin"]["source"] == "pkcs11-flags"
    finally:
        d.stop()
