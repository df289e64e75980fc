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


def test_change_pin_with_allow_pin_methods_is_the_users_own_pin_change(stack, pcsc):
    daemon, port, card, tid, allowed_port, _ = stack
    origin = f"http://127.0.0.1:{allowed_port}"
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
