"""eportctl against the real stack: eportd + a private pcscd + eport-vcard virtual cards.

Every command with its exit codes and --json fields, Chinese output, the interactive flows in a
pseudo-terminal (PUK without echo, final-try warning, --yes), and doctor with pcscd stopped,
eportd stopped and as a non-admin user. Cards are made with `eport-vcard init` (harness); other
programs (yubico-piv-tool, openssl) act on the cards where the test needs an independent view.
"""

import hashlib
import json
import os
import select
import signal
import subprocess
import time

import pytest

from eportctl_support import PtySession, base_env, eportctl_path, run
from harness import DEFAULT_MGM_KEY, DEFAULT_PIN, DEFAULT_PUK, wait_for
from harness.piv_tools import cert_der, make_ca, make_cert, openssl

CARD_METHODS = ("tokens.list", "readers.list", "token.status", "cert.check", "pin.reset", "cert.write")
NOBODY = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]


@pytest.fixture(autouse=True)
def built():
    if not os.path.exists(eportctl_path()):
        pytest.fail(f"{eportctl_path()} is not built: cmake --build <build> --target eportctl")


@pytest.fixture
def daemon(eportd):
    """The harness eportd, once it offers the card methods this suite needs."""
    methods = eportd.call("session.hello", {"client": "pytest", "protocol": 1})["result"].get("methods", [])
    missing = [m for m in CARD_METHODS if m not in methods]
    if missing:
        pytest.skip(f"this eportd does not offer {missing} yet (issues 4/5)")
    return eportd


def tokens_of(daemon, n, timeout=15):
    """Waits until eportd lists n tokens; returns them keyed by reader."""
    found = {}

    def ready():
        found.clear()
        for t in daemon.call("tokens.list")["result"]["tokens"]:
            found[t["reader"]] = t
        return len(found) == n
    wait_for(f"eportd to list {n} token(s)", ready, timeout, interval=0.1)
    return found


def token_id(daemon, card, n=1):
    return tokens_of(daemon, n)[card.reader]["id"]


def ctl(daemon, *args, env=None, input=None, preexec_fn=None):
    return run(args, socket=daemon.socket_path, env=env, input=input, preexec_fn=preexec_fn)


def ctl_json(daemon, *args, **kwargs):
    r = ctl(daemon, "--json", *args, **kwargs)
    try:
        return r.returncode, json.loads(r.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"not JSON (exit {r.returncode}):\n{r.stdout}\n{r.stderr}")


def block_pin(piv_tools, card):
    """Blocks the PIN with wrong verifies through yubico-piv-tool (another program)."""
    tools = piv_tools(card)
    for _ in range(5):
        tools.ykpiv("-a", "verify-pin", "-P", "00000000")
    return tools


def pin_state(daemon, token):
    return daemon.call("token.status", {"token": token})["result"]


# -- read side ---------------------------------------------------------------------------------

def test_status_lists_readers_cards_pins_and_certificates(daemon, make_card):
    make_card("healthy", certs=["9a:rsa2048:3650"])
    make_card("soon", certs=["9a:p256:20"])
    tokens = tokens_of(daemon, 2)
    r = ctl(daemon, "status")
    assert r.returncode == 0, r.stderr
    for t in tokens.values():
        assert f"Card {t['id']}" in r.stdout
    assert "PIN: OK, 3 of 3 tries left" in r.stdout
    assert "20 days left" in r.stdout or "19 days left" in r.stdout
    assert "\033[" not in r.stdout  # piped: plain
    assert "What to do" in r.stdout and "expires on" in r.stdout


def test_status_json_has_protocol_fields_and_findings(daemon, make_card):
    card = make_card("soon", certs=["9a:p256:20"])
    token = token_id(daemon, card)
    code, doc = ctl_json(daemon, "status")
    assert code == 0
    status = next(s for s in doc["tokens"] if s["token"]["id"] == token)
    assert status["pin"]["state"] == "ok" and status["pin"]["tries_left"] == 3
    cert = status["certificates"][0]
    assert cert["slot"] == "9a" and cert["key"] == "EC-P256" and 18 <= cert["days_left"] <= 20
    assert any(r["name"] == card.reader and r["card_present"] for r in doc["readers"])
    problems = {(f["problem"], f["token"]) for f in doc["findings"]}
    assert ("cert_expiring", token) in problems
    code, one = ctl_json(daemon, "status", token)
    assert [s["token"]["id"] for s in one["tokens"]] == [token] and "readers" not in one


def test_tokens_and_readers(daemon, make_card):
    card = make_card("c", certs=["9a:rsa2048:3650"])
    token = token_id(daemon, card)
    code, doc = ctl_json(daemon, "tokens")
    assert code == 0 and doc["tokens"][0]["id"] == token and doc["tokens"][0]["driver"] == "piv"
    code, doc = ctl_json(daemon, "readers")
    assert code == 0 and {r["name"] for r in doc["readers"]} >= {card.reader}
    r = ctl(daemon, "tokens")
    assert token in r.stdout and "CARD ID" in r.stdout
    assert card.reader in ctl(daemon, "readers").stdout


@pytest.mark.parametrize("cert,code", [("9a:rsa2048:3650", 0), ("9a:rsa2048:20", 1), ("9a:rsa2048:-5", 2)])
def test_check_exit_code_follows_certificate_expiry(daemon, make_card, cert, code):
    card = make_card("c", certs=[cert])
    token = token_id(daemon, card)
    r = ctl(daemon, "check")
    assert r.returncode == code, r.stdout + r.stderr
    got, doc = ctl_json(daemon, "check", token)
    assert got == code and doc["exit_code"] == code
    assert doc["tokens"][0]["certificates"][0]["slot"] == "9a"
    assert doc["tokens"][0]["pin"]["state"] == "ok"


def test_check_warn_days_widens_the_window(daemon, make_card):
    make_card("c", certs=["9a:rsa2048:45"])
    tokens_of(daemon, 1)
    assert ctl(daemon, "check", "--warn-days", "10").returncode == 0
    assert ctl(daemon, "check", "--warn-days", "60").returncode == 1


def test_check_exits_2_for_a_pin_blocked_by_another_program(daemon, make_card, piv_tools):
    card = make_card("c", certs=["9a:rsa2048:3650"])
    block_pin(piv_tools, card)
    card.restart()
    token = token_id(daemon, card)
    wait_for("eportd to see the PIN blocked",
             lambda: pin_state(daemon, token)["pin"]["state"] == "blocked", 10, interval=0.2)
    r = ctl(daemon, "check")
    assert r.returncode == 2
    assert "eportctl unlock " + token in r.stdout


def test_check_exits_3_without_cards_or_daemon(daemon, tmp_path):
    assert ctl(daemon, "check").returncode == 3
    r = run(["check"], socket=str(tmp_path / "nothing.sock"))
    assert r.returncode == 3 and "eportd is not running" in r.stderr


def test_chinese_output_under_zh_locale(daemon, make_card):
    card = make_card("c", certs=["9a:rsa2048:-5"])
    token = token_id(daemon, card)
    zh = {"LANG": "zh_CN.UTF-8"}
    r = ctl(daemon, "status", env=zh)
    assert "PIN 码：正常" in r.stdout and "过期" in r.stdout and "处理建议" in r.stdout
    assert "营业执照" in r.stdout and "首都机场海关" in r.stdout or "业务网点" in r.stdout
    r = ctl(daemon, "check", env=zh)
    assert r.returncode == 2 and "有证书已过期或有 PIN 码被锁定" in r.stdout
    r = ctl(daemon, "status", "piv:ffffffff", env=zh)
    assert r.returncode == 1 and "找不到该卡" in r.stderr
    assert "Card " + token in ctl(daemon, "--lang", "en", "status", env=zh).stdout


def test_unknown_token_error_is_explained_with_its_reason(daemon, make_card):
    make_card("c", certs=["9a:rsa2048:3650"])
    tokens_of(daemon, 1)
    r = ctl(daemon, "status", "piv:ffffffff")
    assert r.returncode == 1 and "No such card" in r.stderr and "reason: no_such_token" in r.stderr
    code, doc = ctl_json(daemon, "status", "piv:ffffffff")
    assert code == 1 and doc["error"]["reason"] == "no_such_token"


def test_call_and_audit(daemon, make_card):
    info = json.loads(ctl(daemon, "call", "daemon.info").stdout)
    assert "version" in info and info["pcsc"] == "up"
    assert ctl(daemon, "call", "daemon.info", "[1]").returncode == 64
    r = ctl(daemon, "call", "no.such.method")
    assert r.returncode == 1 and "method_not_found" in r.stderr
    code, doc = ctl_json(daemon, "audit", "-n", "5")
    assert code == 0 and isinstance(doc["records"], list)


# -- unlock ------------------------------------------------------------------------------------

def test_unlock_in_a_terminal_does_not_echo_the_puk(daemon, make_card, piv_tools):
    card = make_card("c", certs=["9a:rsa2048:3650"])
    tools = block_pin(piv_tools, card)
    card.restart()
    token = token_id(daemon, card)
    s = PtySession(["unlock", token], socket=daemon.socket_path)
    s.expect("BLOCKED")
    s.expect("PUK (not shown): ")
    s.send(DEFAULT_PUK)
    assert s.wait() == 0, s.text()
    assert DEFAULT_PUK not in s.text()
    assert "PIN is now the default 88888888" in s.text()
    assert "Resetting the PIN" in s.text()
    assert tools.ykpiv("-a", "verify-pin", "-P", DEFAULT_PIN).returncode == 0


def test_unlock_with_wrong_puk_reports_tries_left(daemon, make_card, piv_tools):
    card = make_card("c", certs=["9a:rsa2048:3650"])
    block_pin(piv_tools, card)
    card.restart()
    token = token_id(daemon, card)
    code, doc = ctl_json(daemon, "unlock", token, "--puk-stdin", input="99999999\n")
    assert code == 1 and doc["error"]["reason"] == "wrong_puk"
    assert doc["error"]["data"]["puk_tries_left"] == 2
    r = ctl(daemon, "unlock", token, "--puk-stdin", input=DEFAULT_PUK + "\n")
    assert r.returncode == 0, r.stderr
    code, doc = ctl_json(daemon, "status", token)
    assert doc["tokens"][0]["pin"]["state"] == "ok"


def test_final_puk_try_warns_and_needs_a_typed_yes(daemon, make_card, piv_tools):
    card = make_card("c", certs=["9a:rsa2048:3650"], puk_tries=1)
    block_pin(piv_tools, card)
    card.restart()
    token = token_id(daemon, card)
    s = PtySession(["unlock", token], socket=daemon.socket_path)
    s.expect("PUK (not shown): ")
    s.send(DEFAULT_PUK)
    s.expect("LAST TRY")
    s.expect("Type YES")
    s.send("no")
    assert s.wait() == 4
    assert pin_state(daemon, token)["puk"]["tries_left"] == 1  # nothing was spent
    s = PtySession(["unlock", token], socket=daemon.socket_path)
    s.expect("PUK (not shown): ")
    s.send(DEFAULT_PUK)
    s.expect("Type YES")
    s.send("YES")
    assert s.wait() == 0, s.text()
    assert pin_state(daemon, token)["pin"]["state"] == "ok"


def test_unlock_as_non_admin_is_refused_in_plain_words(daemon, make_card, open_socket):
    card = make_card("c", certs=["9a:rsa2048:3650"])
    token = token_id(daemon, card)
    r = ctl(daemon, "unlock", token, "--puk-stdin", input=DEFAULT_PUK + "\n", preexec_fn=open_socket)
    assert r.returncode == 1
    assert "not allowed" in r.stderr and "eport-admin" in r.stderr and "reason: not_authorized" in r.stderr


# -- renew and change-pin ------------------------------------------------------------------------

def renewed_cert(tmp_path, piv_tools, card, days=3650):
    """A certificate for the key in slot 9a (read with yubico-piv-tool), issued by a test CA."""
    tools = piv_tools(card)
    old = tmp_path / "old.der"
    old.write_bytes(tools.yk_read_cert("9a"))
    pub = tmp_path / "pub.pem"
    pub.write_bytes(openssl("x509", "-inform", "DER", "-in", str(old), "-pubkey", "-noout"))
    ca_key, ca_cert = make_ca(str(tmp_path))
    new = make_cert(str(tmp_path / "new.pem"), "/CN=Zhang San renewed", days, pubkey=str(pub),
                    ca_key=ca_key, ca_cert=ca_cert)
    return new, tools


def key_file(tmp_path):
    """The cards' default management key in a file, as --management-key-file wants it."""
    path = tmp_path / "mgm.key"
    path.write_text(DEFAULT_MGM_KEY + "\n")
    path.chmod(0o600)
    return str(path)


def test_renew_with_yes_and_reset_pin(daemon, make_card, piv_tools, tmp_path):
    card = make_card("c", certs=["9a:rsa2048:20"])
    token = token_id(daemon, card)
    new, tools = renewed_cert(tmp_path, piv_tools, card)
    code, doc = ctl_json(daemon, "renew", token, "--slot", "9a", "--cert", new, "--yes", "--reset-pin",
                         "--management-key-file", key_file(tmp_path), "--puk-stdin", input=DEFAULT_PUK + "\n")
    assert code == 0, doc
    assert doc["verified"] is True and doc["slot"] == "9a"
    assert 3648 <= doc["certificate"]["days_left"] <= 3650
    assert doc["previous"]["days_left"] <= 20
    assert doc["pin"]["state"] == "ok"
    assert doc["certificate"]["sha256"] == hashlib.sha256(cert_der(new)).hexdigest()
    assert ctl(daemon, "check").returncode == 0


def test_renew_shows_old_and_new_side_by_side_and_asks(daemon, make_card, piv_tools, tmp_path):
    card = make_card("c", certs=["9a:rsa2048:20"])
    token = token_id(daemon, card)
    new, _ = renewed_cert(tmp_path, piv_tools, card)
    before = pin_state(daemon, token)["certificates"][0]["sha256"]
    s = PtySession(["renew", token, "--cert", new], socket=daemon.socket_path)
    s.expect("[y/N]")
    out = s.text()
    assert "On the card now" in out and "New certificate" in out and "Valid until" in out
    assert "CN=Zhang San renewed" in out
    s.send("n")
    assert s.wait() == 4
    assert pin_state(daemon, token)["certificates"][0]["sha256"] == before
    code, doc = ctl_json(daemon, "renew", token, "--cert", new, "--yes")  # no key: refused, explained
    assert code == 1 and doc["error"]["reason"] == "management_key_required"
    assert "--management-key-file" in doc["error"]["advice"]
    s = PtySession(["renew", token, "--cert", new, "--yes", "--management-key-file", key_file(tmp_path)],
                   socket=daemon.socket_path)
    assert s.wait() == 0, s.text()
    assert "[y/N]" not in s.text() and "Writing certificate" in s.text()
    assert pin_state(daemon, token)["certificates"][0]["sha256"] != before


def test_renew_refuses_a_certificate_for_another_key(daemon, make_card, tmp_path):
    card = make_card("c", certs=["9a:rsa2048:3650"])
    token = token_id(daemon, card)
    key = tmp_path / "k.pem"
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(key))
    other = make_cert(str(tmp_path / "other.pem"), "/CN=someone else", 3650, key=str(key))
    code, doc = ctl_json(daemon, "renew", token, "--cert", other, "--yes")
    assert code == 1 and doc["error"]["reason"] == "cert_key_mismatch"
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    code, doc = ctl_json(daemon, "renew", token, "--cert", str(garbage), "--yes")
    assert code == 1 and doc["error"]["reason"] == "cert_invalid"


def test_change_pin_from_stdin(daemon, make_card, piv_tools):
    card = make_card("c", certs=["9a:rsa2048:3650"])
    token = token_id(daemon, card)
    code, doc = ctl_json(daemon, "change-pin", token, "--stdin", input=f"{DEFAULT_PIN}\n24681357\n")
    assert code == 0, doc
    assert doc["pin"]["state"] == "ok"
    assert piv_tools(card).ykpiv("-a", "verify-pin", "-P", "24681357").returncode == 0


def test_verify_pin_from_stdin_checks_the_pin_and_leaves_the_card_locked(daemon, make_card, piv_tools):
    card = make_card("v", certs=["9a:rsa2048:3650"])
    token = token_id(daemon, card)
    code, doc = ctl_json(daemon, "verify-pin", token, "--stdin", input=f"{DEFAULT_PIN}\n")
    assert code == 0, doc
    assert doc["verified"] is True and doc["pin"]["tries_left"] == 3, doc
    code, doc = ctl_json(daemon, "verify-pin", token, "--stdin", input="97531864\n")
    assert code == 1 and doc["error"]["reason"] == "wrong_pin", doc
    assert doc["error"]["data"]["tries_left"] == 2, doc
    # the card's own counter, read by another program: exactly one try spent, none verified
    assert piv_tools(card).yk_pin_tries() == 2


# -- watch ---------------------------------------------------------------------------------------

def test_watch_prints_one_json_line_per_event(daemon, make_card):
    proc = subprocess.Popen([eportctl_path(), "--socket", daemon.socket_path, "--json", "watch"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=base_env())
    try:
        # Insert the card only once eportctl's subscription is in place (diag.report counts it).
        deadline = time.time() + 30
        while daemon.call("diag.report")["result"]["events"]["subscribers"] < 1:
            assert proc.poll() is None and time.time() < deadline, "eportctl watch never subscribed"
            time.sleep(0.05)
        card = make_card("c", certs=["9a:rsa2048:3650"])
        deadline, lines = time.time() + 15, []
        while time.time() < deadline and not any(e.get("topic") == "token.added" for e in lines):
            ready, _, _ = select.select([proc.stdout], [], [], 0.5)
            if ready:
                line = proc.stdout.readline()
                if line:
                    lines.append(json.loads(line))
        added = [e for e in lines if e.get("topic") == "token.added"]
        assert added, lines
        assert card.reader in json.dumps(added[0])
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0


# -- doctor --------------------------------------------------------------------------------------

def test_doctor_all_good(daemon, make_card):
    make_card("c", certs=["9a:rsa2048:3650"])
    tokens_of(daemon, 1)
    code, doc = ctl_json(daemon, "doctor")
    items = {i["id"]: i for i in doc["items"]}
    for key in ("eportd", "admin", "pcscd", "readers", "cards", "plugins"):
        assert items[key]["status"] == "ok", items[key]
    assert code == 0 and doc["ok"] is True, doc["items"]
    assert not [i for i in doc["items"] if i["status"] == "fail"]
    r = ctl(daemon, "doctor")
    assert r.returncode == 0
    assert "eportd answers on" in r.stdout and "pcscd is running" in r.stdout
    assert "the PIN is still the default 88888888" in r.stdout  # advice for the card holder


def test_doctor_with_pcscd_stopped(daemon, pcsc):
    pcsc.pcscd.stop()
    try:
        def pcsc_down():
            return ctl_json(daemon, "doctor")[1]["items"]
        wait_for("eportd to notice pcscd is gone",
                 lambda: any(i["id"] == "pcscd" and i["status"] == "fail" for i in pcsc_down()), 15, interval=0.5)
        code, doc = ctl_json(daemon, "doctor")
        pcscd = next(i for i in doc["items"] if i["id"] == "pcscd")
        assert code == 1 and "systemctl start pcscd.socket" in pcscd["advice"]
        r = ctl(daemon, "doctor", env={"LANG": "zh_CN.UTF-8"})
        assert "pcscd 未运行" in r.stdout
        r = ctl(daemon, "status")
        assert "No reader found" in r.stdout and "pcscd" in r.stdout and "systemctl start pcscd.socket" in r.stdout
    finally:
        pcsc.pcscd.start()


def test_doctor_with_eportd_stopped(eportd):
    eportd.stop()
    r = run(["doctor"], socket=eportd.socket_path)
    assert r.returncode == 3
    assert "eportd" in r.stdout and ("not running" in r.stdout or "not answering" in r.stdout)
    assert "systemctl" in r.stdout
    code = run(["--json", "doctor"], socket=eportd.socket_path)
    doc = json.loads(code.stdout)
    assert doc["items"][0]["id"] == "eportd" and doc["items"][0]["status"] == "fail"


@pytest.fixture
def open_socket(daemon):
    """Lets uid 65534 reach the harness socket (test dirs are 0700); returns a preexec_fn for it."""
    path = daemon.socket_path
    d = os.path.dirname(path)
    while d not in ("/", "/tmp"):
        os.chmod(d, os.stat(d).st_mode | 0o011)
        d = os.path.dirname(d)
    os.chmod(path, 0o666)

    def as_nobody():
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    return as_nobody


def test_doctor_as_non_admin_user(daemon, make_card, open_socket):
    make_card("c", certs=["9a:rsa2048:3650"])
    tokens_of(daemon, 1)
    r = subprocess.run(NOBODY + [eportctl_path(), "--socket", daemon.socket_path, "doctor"],
                       capture_output=True, text=True, env=base_env(), timeout=60)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "You may not run admin commands" in r.stdout and "uid 65534" in r.stdout
    assert "eport-admin" in r.stdout


def test_doctor_when_the_socket_is_closed_to_the_user(daemon):
    os.chmod(daemon.socket_path, 0o600)
    d = os.path.dirname(daemon.socket_path)
    while d not in ("/", "/tmp"):
        os.chmod(d, os.stat(d).st_mode | 0o011)
        d = os.path.dirname(d)
    r = subprocess.run(NOBODY + [eportctl_path(), "--socket", daemon.socket_path, "doctor"],
                       capture_output=True, text=True, env=base_env(), timeout=60)
    assert r.returncode == 3
    assert "permission denied" in r.stdout and "eport group" in r.stdout


# -- terminal presentation, change-pin on a terminal, help ---------------------------------------

def test_terminal_gets_colours_and_symbols_and_no_color_turns_colours_off(daemon, make_card):
    make_card("c", certs=["9a:rsa2048:3650"])
    tokens_of(daemon, 1)
    s = PtySession(["status"], socket=daemon.socket_path)
    assert s.wait() == 0
    assert "\033[" in s.text() and "✔" in s.text()
    s = PtySession(["status"], socket=daemon.socket_path, env={"NO_COLOR": "1"})
    assert s.wait() == 0
    assert "\033[" not in s.text() and "✔" in s.text()


def test_change_pin_on_a_terminal_hides_both_pins(daemon, make_card, piv_tools):
    card = make_card("c", certs=["9a:rsa2048:3650"])
    token = token_id(daemon, card)
    s = PtySession(["change-pin", token], socket=daemon.socket_path)
    s.expect("Current PIN (not shown): ")
    s.send(DEFAULT_PIN)
    s.expect("New PIN, 6 to 8 characters (not shown): ")
    s.send("13572468")
    s.expect("New PIN again: ")
    s.send("13572468")
    assert s.wait() == 0, s.text()
    assert DEFAULT_PIN not in s.text().replace("(88888888)", "") and "13572468" not in s.text()
    assert "PIN changed." in s.text()
    assert piv_tools(card).ykpiv("-a", "verify-pin", "-P", "13572468").returncode == 0


def test_change_pin_with_two_different_new_pins_sends_nothing(daemon, make_card):
    card = make_card("c", certs=["9a:rsa2048:3650"])
    token = token_id(daemon, card)
    mark = card.apdu_mark()
    s = PtySession(["change-pin", token], socket=daemon.socket_path)
    s.expect("Current PIN (not shown): ")
    s.send(DEFAULT_PIN)
    s.expect("(not shown): ", timeout=10)
    s.send("11112222")
    s.expect("New PIN again: ")
    s.send("33334444")
    assert s.wait() == 1
    assert "The two new PINs differ" in s.text()
    verifies = [x for x in card.apdus_since(mark) if x.command[1:2] in (b"\x20", b"\x24")
                and len(x.command) > 5]
    assert verifies == []  # no VERIFY or CHANGE REFERENCE DATA with a PIN reached the card


def test_help_and_version(daemon):
    r = run(["--help"])
    assert r.returncode == 0
    for needle in ("status", "unlock", "renew", "doctor", "Help desk, step by step"):
        assert needle in r.stdout
    assert "服务台操作步骤" in run(["--help"], env={"LANG": "zh_CN.UTF-8"}).stdout
    assert run(["--version"]).stdout.startswith("eportctl ")
    assert run(["frobnicate"]).returncode == 64
