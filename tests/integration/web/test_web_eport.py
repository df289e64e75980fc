"""Issue 14, the E-Port compatible subset: a page that speaks the Electronic Port client
control's message format, served from an allowed origin and run in headless chromium, reads the
card ID, certificate number, validity and signing certificate from eportd, and the answers match
token.status and cert.read. From an origin not listed the upgrade is refused. Real stack: private
pcscd, an eport-vcard card, eportd with `web:` on."""

import json
import os
import subprocess

import pytest

import cards_support as cs
import web_support as ws
from browser import Chromium
from harness.ports import free_ports

SERIAL = 14000201
PAGES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pages")


def serve_pages(port):
    """python3 -m http.server for tests/integration/web/pages on 127.0.0.1:port."""
    proc = subprocess.Popen(["/usr/bin/python3", "-m", "http.server", str(port), "--bind", "127.0.0.1",
                             "--directory", PAGES], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cs.wait_until(f"the page server on {port}", lambda: ws_status(port) == 200, timeout=30)
    return proc


def ws_status(port):
    try:
        return ws.http_get(port, "/eport_page.html")[0]
    except OSError:
        return None


@pytest.fixture(scope="module")
def stack(pcsc):
    allowed_port = free_ports(1)
    foreign_port = free_ports(1, avoid=(allowed_port,))
    daemon, port = ws.web_daemon(pcsc, allowed_origins=[f"http://127.0.0.1:{allowed_port}"])
    card = pcsc.card("eport", serial=SERIAL, certs=["9a:rsa2048:3650", "9c:p256:400"])
    tid = cs.wait_token(daemon, card)["id"]
    servers = [serve_pages(allowed_port), serve_pages(foreign_port)]
    yield daemon, port, card, tid, allowed_port, foreign_port
    for server in servers:
        server.terminate()
        server.wait(10)
    daemon.stop()


def test_an_eport_page_from_an_allowed_origin_reads_id_cert_number_and_validity(stack):
    daemon, port, card, tid, allowed_port, _ = stack
    status = cs.status(daemon, tid)
    sign = cs.cert_of(status, "9c")
    read = cs.call(daemon, "cert.read", {"token": tid, "slot": "9c"})
    with Chromium() as browser:
        browser.goto(f"http://127.0.0.1:{allowed_port}/eport_page.html?port={port}")
        answers = browser.wait_for("seven answers after the greeting",
                                   "Object.keys(window.answers).length === 8 && window.answers")
    assert answers["open"] == {"_method": "open"}
    ids = {name: a["_id"] for name, a in answers.items() if name != "open"}
    assert sorted(ids.values()) == list(range(1, 8))
    for name, answer in answers.items():
        if name != "open":
            assert answer["_status"] == "00" and answer["_method"] == name
    def ok(name):
        args = answers[name]["_args"]
        assert args["Result"] is True and args["Error"] == [], (name, args)
        return args["Data"]
    assert ok("cus-sec_SpcGetCardID") == [status["token"]["serial"]]
    assert ok("cus-sec_SpcGetCertNo") == [sign["serial"]]
    assert json.loads(ok("cus-sec_SpcGetValidTimeFromCert")[0]) == {
        "szStartTime": sign["not_before"], "szEndTime": sign["not_after"]}
    assert ok("cus-sec_SpcGetSignCertAsPEM") == [read["der_base64"]]
    # what eportd cannot or may not do is Result:false with the reason, never made-up data
    for name, words in (("cus-sec_SpcGetCardAttachInfo", "attach"),
                        ("cus-sec_SpcSignDataAsPEM", "not supported"),
                        ("cus-sec_SpcVerifyPIN", "web.allow_pin_methods")):
        args = answers[name]["_args"]
        assert args["Result"] is False and args["Data"] == [] and words in args["Error"][0], (name, args)


def test_the_same_page_from_an_origin_not_listed_is_refused(stack):
    daemon, port, card, tid, _, foreign_port = stack
    with Chromium() as browser:
        browser.goto(f"http://127.0.0.1:{foreign_port}/eport_page.html?port={port}")
        events = browser.wait_for("the WebSocket to fail", "window.events.length >= 2 && window.events")
        assert browser.eval("Object.keys(window.answers).length") == 0
    assert "close:1006" in events
    assert f"Origin 'http://127.0.0.1:{foreign_port}'" in cs.daemon_log(daemon)
    # and a request naming a foreign Host is 403 before anything else
    assert ws.http_get(port, "/", {"Host": f"eport.example:{port}"})[0] == 403


def test_malformed_messages_get_result_false_and_the_socket_stays_usable(stack):
    daemon, port, card, tid, allowed_port, _ = stack
    answers = ws.ws_exchange(port, ["{oops", {"_id": 5}, {"_method": "cus-sec_SpcGetCardID", "_id": 6, "args": {}}],
                             4, origin=f"http://127.0.0.1:{allowed_port}", path="/")
    assert answers[0] == {"_method": "open"}
    assert answers[1]["_args"]["Result"] is False and "E-Port format" in answers[1]["_args"]["Error"][0]
    assert answers[2]["_id"] == 5 and "_method" in answers[2]["_args"]["Error"][0]
    assert answers[3]["_id"] == 6 and answers[3]["_args"]["Data"] == [cs.status(daemon, tid)["token"]["serial"]]


def _pin_verifies(card, mark):
    """VERIFY commands that carried a PIN since `mark` (not the empty status VERIFY, not P1=FF)."""
    return [ex for ex in card.apdus_since(mark)
            if cs.ins_of(ex) == cs.INS_VERIFY and ex.command[2] == 0x00 and len(ex.command) > 5]


def test_verify_pin_without_allow_pin_methods_is_refused_and_sends_nothing(stack):
    daemon, port, card, tid, allowed_port, _ = stack
    mark = card.apdu_mark()
    message = {"_method": "cus-sec_SpcVerifyPIN", "_id": 3, "args": {"passwd": "88888888"}}
    answer = ws.ws_exchange(port, [message], 2, origin=f"http://127.0.0.1:{allowed_port}", path="/")[1]
    assert answer["_id"] == 3 and answer["_method"] == "cus-sec_SpcVerifyPIN"
    args = answer["_args"]
    assert args["Result"] is False and args["Data"] == [] and "web.allow_pin_methods" in args["Error"][0], args
    # and pin.verify over /ws likewise
    rpc = ws.ws_call(port, "pin.verify", {"token": tid, "pin": "88888888"},
                     origin=f"http://127.0.0.1:{allowed_port}")
    assert rpc["error"]["data"] == {"reason": "not_authorized", "required": "web.allow_pin_methods"}, rpc
    cs.settle(card)
    assert card.apdus_since(mark) == [], cs.describe(card.apdus_since(mark))


def test_verify_pin_with_allow_pin_methods_checks_the_pin_and_leaves_the_card_unverified(stack, pcsc):
    daemon, port, card, tid, allowed_port, foreign_port = stack
    origin = f"http://127.0.0.1:{allowed_port}"
    if daemon.alive():
        daemon.stop()  # this card's eportd, now with PIN methods allowed for the listed origin
    pin_daemon, pin_port = ws.web_daemon(pcsc, allowed_origins=[origin], web_extra={"allow_pin_methods": True})
    try:
        cs.wait_token(pin_daemon, card)
        assert cs.status(pin_daemon, tid)["pin"]["tries_left"] == 3

        def verify(args, message_id=1):
            message = {"_method": "cus-sec_SpcVerifyPIN", "_id": message_id, "args": args}
            answer = ws.ws_exchange(pin_port, [message], 2, origin=origin, path="/")[1]
            assert answer["_id"] == message_id and answer["_method"] == "cus-sec_SpcVerifyPIN", answer
            return answer["_args"]

        mark = card.apdu_mark()
        assert verify({"passwd": "88888888"}) == {"Result": True, "Data": [], "Error": []}
        sent = card.apdus_since(mark)
        verifies = _pin_verifies(card, mark)
        assert len(verifies) == 1 and cs.sw_of(verifies[0]) == 0x9000, cs.describe(sent)
        after = sent.index(verifies[0]) + 1
        assert after < len(sent) and sent[after].command == bytes.fromhex("0020ff80"), cs.describe(sent)
        # a wrong PIN: one try spent, and the page is told how many are left
        mark = card.apdu_mark()
        wrong = verify({"pin": "97531864"}, 2)
        assert wrong["Result"] is False and wrong["Data"] == [], wrong
        text = " ".join(wrong["Error"])
        assert "wrong_pin" in text and "PIN tries left: 2" in text, wrong
        assert len(_pin_verifies(card, mark)) == 1
        assert cs.pin_tries_from_state(card) == 2
        assert cs.status(pin_daemon, tid)["pin"]["tries_left"] == 2
        assert verify({"passwd": "88888888"}, 3)["Result"] is True  # the counter is back
        assert cs.pin_tries_from_state(card) == 3
        # no PIN: refused before any APDU
        mark = card.apdu_mark()
        missing = verify({}, 4)
        assert missing["Result"] is False and "args.passwd" in missing["Error"][0], missing
        # a page from an origin not listed never gets a WebSocket, so never reaches the card
        assert ws.upgrade_status(pin_port, f"http://127.0.0.1:{foreign_port}", path="/") == 403
        cs.settle(card)
        assert card.apdus_since(mark) == [], cs.describe(card.apdus_since(mark))
        records = [r for r in cs.audit_records(pin_daemon) if r["method"] == "pin.verify"]
        assert [r["outcome"] for r in records] == ["attempt", "ok", "attempt", "error", "attempt", "ok"], records
        assert all(r["process"] == f"web {origin}" for r in records)
        log = cs.daemon_log(pin_daemon)
        assert "97531864" not in log and "88888888" not in log
    finally:
        pin_daemon.stop()


def test_change_pin_with_allow_pin_methods_is_the_users_own_pin_change(stack, pcsc):
    daemon, port, card, tid, allowed_port, _ = stack
    origin = f"http://127.0.0.1:{allowed_port}"
    if daemon.alive():
        daemon.stop()  # this card's eportd, now with PIN methods allowed for the listed origin
    pin_daemon, pin_port = ws.web_daemon(pcsc, allowed_origins=[origin], web_extra={"allow_pin_methods": True})
    try:
        cs.wait_token(pin_daemon, card)

        def change(old, new):
            message = {"_method": "cus-sec_SpcChangePIN", "_id": 1, "args": {"oldPin": old, "newPin": new}}
            return ws.ws_exchange(pin_port, [message], 2, origin=origin, path="/")[1]["_args"]

        assert change("88888888", "24681357") == {"Result": True, "Data": [], "Error": []}
        wrong = change("88888888", "13572468")  # the old PIN again: wrong now, one try spent
        assert wrong["Result"] is False and "wrong_pin" in " ".join(wrong["Error"])
        assert cs.status(pin_daemon, tid)["pin"]["tries_left"] == 2
        assert change("24681357", "88888888")["Result"] is True  # the first change took place
        assert cs.status(pin_daemon, tid)["pin"]["tries_left"] == 3
        records = [r for r in cs.audit_records(pin_daemon) if r["method"] == "pin.change"]
        assert records and all(r["process"] == f"web {origin}" for r in records)
        assert "88888888" not in cs.daemon_log(pin_daemon) and "24681357" not in cs.daemon_log(pin_daemon)
    finally:
        pin_daemon.stop()
