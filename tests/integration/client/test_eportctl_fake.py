"""eportctl against a SCRIPTED FAKE eportd — FIRST PASS ONLY.

This suite runs eportctl against a tiny JSON-RPC server written here (a Unix socket server in a
thread answering canned JSON per PROTOCOL.md). It exists only because the real eportd card
methods were not there when eportctl was written; it tests the client's side of the protocol
(framing, error reasons, exit codes, prompts) where exact daemon answers must be forced (a PUK on
its final try, a cert.write error). The main suite, test_eportctl.py, runs against the real
eportd + private pcscd + eport-vcard from tests/harness.
"""

import json
import os
import socket
import tempfile
import threading

import pytest

from eportctl_support import PtySession, eportctl_path, run

pytestmark = pytest.mark.skipif(not os.path.exists(eportctl_path()), reason="eportctl not built")

TOKEN = {"id": "piv:0001e240", "driver": "piv", "kind": "smartcard", "reader": "Virtual PCD 00 00",
         "serial": "0001e240", "label": "Zhang San", "model": "PIV", "state": "ready", "error": None}
PIN_OK = {"state": "ok", "tries_left": 3, "max_tries": 3, "is_default": False, "source": "metadata"}
PIN_BLOCKED = {"state": "blocked", "tries_left": 0, "max_tries": 3, "is_default": False, "source": "metadata"}
PUK_OK = {"state": "ok", "tries_left": 3, "max_tries": 3, "is_default": False, "source": "metadata"}
PUK_FINAL = {"state": "final_try", "tries_left": 1, "max_tries": 3, "is_default": False, "source": "metadata"}
CERT = {"slot": "9a", "label": "PIV Authentication", "subject": "CN=Zhang San", "issuer": "CN=Test CA",
        "serial": "01", "not_before": "2026-01-01T00:00:00Z", "not_after": "2036-01-01T00:00:00Z",
        "days_left": 3323, "state": "valid", "key": "RSA-2048", "sha256": "ab" * 32}


class AppError(Exception):
    def __init__(self, reason, message="", **data):
        super().__init__(message)
        self.error = {"code": -32000, "message": message or reason, "data": {"reason": reason, **data}}


class FakeEportd:
    """A scripted JSON-RPC 2.0 server on a Unix socket: handlers[method](params) -> result."""

    def __init__(self, handlers):
        self.handlers = handlers
        self.calls = []
        self.dir = tempfile.mkdtemp(prefix="eportctl-fake-")
        self.path = os.path.join(self.dir, "eportd.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(8)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._client, args=(conn,), daemon=True).start()

    def _client(self, conn):
        buf = b""
        with conn:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    for out in self._answer(json.loads(line)):
                        conn.sendall((json.dumps(out) + "\n").encode())

    def _answer(self, req):
        method, params = req["method"], req.get("params", {})
        self.calls.append((method, params))
        handler = self.handlers.get(method)
        if handler is None:
            yield {"jsonrpc": "2.0", "id": req["id"],
                   "error": {"code": -32601, "message": "Method not found"}}
            return
        try:
            result = handler(params)
        except AppError as e:
            yield {"jsonrpc": "2.0", "id": req["id"], "error": e.error}
            return
        events = result.pop("_events", []) if isinstance(result, dict) else []
        yield {"jsonrpc": "2.0", "id": req["id"], "result": result}
        for e in events:
            yield {"jsonrpc": "2.0", "method": "event", "params": e}

    def called(self, method):
        return [p for m, p in self.calls if m == method]

    def close(self):
        # Wake the accept thread and wait for it before closing: a thread still about to call
        # accept() on a closed descriptor number could otherwise accept on the next test's socket.
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.thread.join(timeout=5)
        self.sock.close()
        os.unlink(self.path)
        os.rmdir(self.dir)


def card_handlers(pin=PIN_OK, puk=PUK_OK, certs=(CERT,), admin=True, worst=None):
    certs = list(certs)
    worst = worst or (max((c["state"] for c in certs), key=["valid", "expiring", "expired"].index)
                      if certs else "none")
    return {
        "session.hello": lambda p: {"server": "eportd fake", "protocol": 1,
                                    "peer": {"uid": 0 if admin else 65534, "gid": 0, "pid": 1, "admin": admin},
                                    "methods": []},
        "daemon.info": lambda p: {"version": "0", "uptime_s": 1, "drivers": [], "readers": 1, "tokens": 1,
                                  "pcsc": "up"},
        "diag.report": lambda p: {"pcsc": "up", "usb": [], "config_warnings": []},
        "drivers.list": lambda p: {"drivers": [{"name": "piv", "version": "1", "abi": "1.0"}]},
        "readers.list": lambda p: {"readers": [{"name": TOKEN["reader"], "card_present": True,
                                                "token": TOKEN["id"], "atr": "3b"}]},
        "tokens.list": lambda p: {"tokens": [TOKEN]},
        "token.status": lambda p: ({"token": TOKEN, "pin": pin, "puk": puk, "certificates": certs}
                                   if p.get("token") == TOKEN["id"] else _no_such_token()),
        "cert.check": lambda p: {"tokens": [{"token": TOKEN["id"], "certificates": certs}], "worst": worst},
    }


def _no_such_token():
    raise AppError("no_such_token", "unknown token")


@pytest.fixture
def fake():
    servers = []

    def start(handlers):
        s = FakeEportd(handlers)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.close()


def test_status_shows_pin_and_certificate_plain_when_piped(fake):
    srv = fake(card_handlers())
    r = run(["status"], socket=srv.path)
    assert r.returncode == 0, r.stderr
    assert "[ok]   PIN: OK, 3 of 3 tries left" in r.stdout
    assert "Certificate 9a (PIV Authentication): CN=Zhang San, valid until 2036-01-01" in r.stdout
    assert "\033[" not in r.stdout


def test_status_json_keeps_the_protocol_fields(fake):
    srv = fake(card_handlers(pin=PIN_BLOCKED))
    r = run(["status", "--json"], socket=srv.path)
    doc = json.loads(r.stdout)
    assert doc["tokens"][0]["pin"]["state"] == "blocked"
    assert doc["readers"][0]["name"] == "Virtual PCD 00 00"
    assert doc["findings"][0]["problem"] == "pin_blocked"
    # guidance.get is missing on this fake: the built-in sites are used, silently
    assert any("Capital Airport Customs" in line for line in doc["findings"][0]["advice"])
    assert r.stderr == ""


@pytest.mark.parametrize("state,days,code", [("valid", 3000, 0), ("expiring", 20, 1), ("expired", -3, 2)])
def test_check_exit_code_follows_the_worst_certificate(fake, state, days, code):
    srv = fake(card_handlers(certs=[dict(CERT, state=state, days_left=days)]))
    r = run(["check"], socket=srv.path)
    assert r.returncode == code, r.stdout + r.stderr


def test_check_exits_2_for_a_blocked_pin_and_3_without_tokens(fake):
    srv = fake(card_handlers(pin=PIN_BLOCKED))
    assert run(["check"], socket=srv.path).returncode == 2
    srv2 = fake(dict(card_handlers(), **{"cert.check": lambda p: {"tokens": [], "worst": "none"}}))
    assert run(["check"], socket=srv2.path).returncode == 3


def test_unreachable_daemon_gives_exit_3_and_advice(tmp_path):
    r = run(["check"], socket=str(tmp_path / "none.sock"))
    assert r.returncode == 3
    assert "eportd is not running" in r.stderr and "systemctl start eportd.socket" in r.stderr
    r = run(["status", "--json"], socket=str(tmp_path / "none.sock"))
    assert r.returncode == 3
    assert json.loads(r.stdout)["error"]["reason"] == "no_daemon"


def test_daemon_reason_is_explained_in_both_languages(fake):
    srv = fake(card_handlers())
    r = run(["status", "piv:ffff"], socket=srv.path)
    assert r.returncode == 1
    assert "No such card" in r.stderr and "(reason: no_such_token)" in r.stderr
    r = run(["status", "piv:ffff"], socket=srv.path, env={"LANG": "zh_CN.UTF-8"})
    assert "找不到该卡" in r.stderr
    r = run(["--json", "status", "piv:ffff"], socket=srv.path)
    assert json.loads(r.stdout)["error"]["reason"] == "no_such_token"


def test_unlock_with_puk_stdin_passes_the_puk_without_force(fake):
    handlers = card_handlers(pin=PIN_BLOCKED)
    handlers["pin.reset"] = lambda p: {"pin": PIN_OK}
    srv = fake(handlers)
    r = run(["unlock", TOKEN["id"], "--puk-stdin"], socket=srv.path, input="12345678\n")
    assert r.returncode == 0, r.stderr
    assert srv.called("pin.reset") == [{"token": TOKEN["id"], "puk": "12345678"}]
    assert "PIN is now the default 88888888" in r.stdout
    assert "12345678" not in r.stdout + r.stderr


def test_wrong_puk_shows_tries_left(fake):
    handlers = card_handlers(pin=PIN_BLOCKED)

    def wrong(p):
        raise AppError("wrong_puk", "wrong PUK", puk_tries_left=2)

    handlers["pin.reset"] = wrong
    srv = fake(handlers)
    r = run(["unlock", TOKEN["id"], "--puk-stdin", "--json"], socket=srv.path, input="00000000\n")
    assert r.returncode == 1
    err = json.loads(r.stdout)["error"]
    assert err["reason"] == "wrong_puk" and err["data"]["puk_tries_left"] == 2
    assert "Tries left: 2" in err["message"]


def test_puk_prompt_does_not_echo_on_a_terminal(fake):
    handlers = card_handlers(pin=PIN_BLOCKED)
    handlers["pin.reset"] = lambda p: {"pin": PIN_OK}
    srv = fake(handlers)
    s = PtySession(["unlock", TOKEN["id"]], socket=srv.path)
    s.expect("PUK (not shown): ")
    s.send("87654321")
    assert s.wait() == 0
    assert "87654321" not in s.text()
    assert srv.called("pin.reset")[0]["puk"] == "87654321"


def test_final_puk_try_warns_and_needs_typed_yes(fake):
    handlers = card_handlers(pin=PIN_BLOCKED, puk=PUK_FINAL)
    handlers["pin.reset"] = lambda p: ({"pin": PIN_OK} if p.get("force") else
                                       (_ for _ in ()).throw(AppError("puk_final_try", puk_tries_left=1)))
    srv = fake(handlers)
    s = PtySession(["unlock", TOKEN["id"]], socket=srv.path)
    s.expect("PUK (not shown): ")
    s.send("12345678")
    s.expect("LAST TRY")
    s.expect("Type YES")
    s.send("no")
    assert s.wait() == 4
    assert srv.called("pin.reset") == []
    s = PtySession(["unlock", TOKEN["id"]], socket=srv.path)
    s.expect("PUK (not shown): ")
    s.send("12345678")
    s.expect("Type YES")
    s.send("YES")
    assert s.wait() == 0
    assert srv.called("pin.reset") == [{"token": TOKEN["id"], "puk": "12345678", "force": True}]


def _make_cert(tmp_path, days=3650):
    path = tmp_path / "new.pem"
    os.system(f"openssl req -x509 -newkey rsa:2048 -nodes -keyout {tmp_path}/k.pem -subj /CN=Zhang\\ San "
              f"-days {days} -out {path} 2>/dev/null")
    return str(path)


def test_renew_with_yes_writes_the_pem_and_shows_the_read_back(fake, tmp_path):
    handlers = card_handlers()
    new = dict(CERT, not_after="2036-11-26T00:00:00Z", days_left=3650)
    handlers["cert.write"] = lambda p: {"certificate": new, "verified": True, "backup": "/var/lib/eportd/b.der"}
    srv = fake(handlers)
    r = run(["renew", TOKEN["id"], "--slot", "9a", "--cert", _make_cert(tmp_path), "--yes"], socket=srv.path)
    assert r.returncode == 0, r.stderr
    written = srv.called("cert.write")[0]
    assert written["slot"] == "9a" and written["certificate"].startswith("-----BEGIN CERTIFICATE-----")
    assert "Writing certificate…" in r.stderr
    assert "Valid until" in r.stdout and "2036-11-26" in r.stdout
    assert "/var/lib/eportd/b.der" in r.stdout


def test_renew_asks_and_a_no_writes_nothing(fake, tmp_path):
    handlers = card_handlers()
    handlers["cert.write"] = lambda p: {"certificate": CERT, "verified": True, "backup": None}
    srv = fake(handlers)
    s = PtySession(["renew", TOKEN["id"], "--cert", _make_cert(tmp_path)], socket=srv.path)
    s.expect("[y/N]")
    s.send("n")
    assert s.wait() == 4
    assert srv.called("cert.write") == []


def test_doctor_as_non_admin_says_how_to_get_admin_rights(fake):
    srv = fake(card_handlers(admin=False))
    r = run(["doctor"], socket=srv.path)
    assert r.returncode == 1
    assert "You may not run admin commands" in r.stdout and "eport-admin" in r.stdout
    doc = json.loads(run(["doctor", "--json"], socket=srv.path).stdout)
    items = {i["id"]: i for i in doc["items"]}
    assert items["admin"]["status"] == "fail" and items["pcscd"]["status"] == "ok"


def test_doctor_reports_pcscd_down(fake):
    handlers = card_handlers()
    handlers["diag.report"] = lambda p: {"pcsc": "down"}
    handlers["readers.list"] = lambda p: {"readers": []}
    handlers["tokens.list"] = lambda p: {"tokens": []}
    srv = fake(handlers)
    doc = json.loads(run(["doctor", "--json"], socket=srv.path).stdout)
    items = {i["id"]: i for i in doc["items"]}
    assert items["pcscd"]["status"] == "fail" and "systemctl start pcscd.socket" in items["pcscd"]["advice"]
    assert doc["exit_code"] == 1


def test_watch_json_prints_one_event_per_line(fake):
    handlers = card_handlers()
    handlers["events.subscribe"] = lambda p: {"topics": ["token.added"], "_events": [
        {"topic": "token.added", "time": "2026-11-26T18:00:00Z", "token": TOKEN},
        {"topic": "token.removed", "time": "2026-11-26T18:00:01Z", "token": TOKEN["id"]}]}
    srv = fake(handlers)
    s = PtySession(["watch", "--json"], socket=srv.path)
    s.expect("token.removed")
    os.kill(s.pid, 2)
    assert s.wait() == 0
    lines = [json.loads(line) for line in s.text().splitlines() if line.startswith("{")]
    assert [e["topic"] for e in lines] == ["token.added", "token.removed"]


def test_call_prints_the_raw_result(fake):
    srv = fake(card_handlers())
    r = run(["call", "daemon.info", "--json"], socket=srv.path)
    assert json.loads(r.stdout)["pcsc"] == "up"
    r = run(["call", "token.status", "not json"], socket=srv.path)
    assert r.returncode == 64
