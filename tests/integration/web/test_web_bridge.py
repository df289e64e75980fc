"""Issue 14, the WebSocket bridge (/ws) against the real stack: private pcscd, an eport-vcard
card, eportd with `web:` on. The same methods as the Unix socket, never admin, the Host/Origin
gate, and every hostile client of the Unix socket suites leaves eportd serving."""

import asyncio
import json
import socket
import subprocess

import pytest
import websockets

import cards_support as cs
import web_support as ws

SERIAL = 14000001
STALL_S = 5
MAX_MESSAGE = 65536
MAX_SOCKETS = 6
ALLOWED = "http://127.0.0.1:1"  # a listed origin besides eportd's own page


@pytest.fixture(scope="module")
def stack(pcsc):
    daemon, port = ws.web_daemon(pcsc, allowed_origins=[ALLOWED],
                                 limits={"max_message_bytes": MAX_MESSAGE,
                                         "write_stall_timeout_s": STALL_S,
                                         "max_clients_per_uid": MAX_SOCKETS})
    card = pcsc.card("web", serial=SERIAL, certs=["9a:rsa2048:3650", "9c:p256:20"])
    token = cs.wait_token(daemon, card)
    yield daemon, port, card, token["id"]
    daemon.stop()


def still_serving(daemon, port, tid):
    """eportd answers on both transports."""
    assert ws.ws_call(port, "token.status", {"token": tid})["result"]["token"]["id"] == tid
    assert cs.call(daemon, "tokens.list")["tokens"]


def test_token_status_over_ws_is_the_unix_socket_answer(stack):
    daemon, port, card, tid = stack
    over_ws = ws.ws_call(port, "token.status", {"token": tid})["result"]
    over_unix = cs.status(daemon, tid)
    assert over_ws["pin"] == over_unix["pin"]
    assert over_ws["certificates"] == over_unix["certificates"]
    assert {c["slot"].lower() for c in over_ws["certificates"]} == {"9a", "9c"}
    # from a listed origin too
    assert ws.ws_call(port, "tokens.list", origin=ALLOWED)["result"]["tokens"][0]["id"] == tid


def test_admin_method_is_refused_without_touching_the_card(stack):
    daemon, port, card, tid = stack
    mark = card.apdu_mark()
    answer = ws.ws_call(port, "pin.reset", {"token": tid, "puk": "12345678"})
    assert answer["error"]["data"]["reason"] == "not_authorized"
    assert answer["error"]["data"]["required"] == "admin"
    cs.settle(card)
    assert card.apdus_since(mark) == []
    # the refusal is audited under the page's origin (read back as root over the Unix socket)
    records = [r for r in cs.audit_records(daemon) if r["method"] == "pin.reset"]
    assert records and records[-1]["process"] == f"web {ws.own_origin(port)}"


def test_pin_change_needs_web_allow_pin_methods(stack):
    daemon, port, card, tid = stack
    mark = card.apdu_mark()
    answer = ws.ws_call(port, "pin.change", {"token": tid, "old_pin": "123456", "new_pin": "654321"})
    assert answer["error"]["data"] == {"reason": "not_authorized", "required": "web.allow_pin_methods"}
    answer = ws.ws_call(port, "pin.verify", {"token": tid, "pin": "123456"})
    assert answer["error"]["data"] == {"reason": "not_authorized", "required": "web.allow_pin_methods"}
    assert answer["error"]["message"].startswith("pin.verify is not offered to web pages"), answer
    cs.settle(card)
    assert card.apdus_since(mark) == []


def test_foreign_host_and_origin_get_403(stack):
    daemon, port, card, tid = stack
    status, _, body = ws.http_get(port, "/", {"Host": f"rebind.example:{port}"})
    assert status == 403 and b"DNS rebinding" in body
    assert ws.upgrade_status(port, ws.own_origin(port), host=f"evil.example:{port}") == 403
    assert ws.upgrade_status(port, "http://evil.example") == 403
    assert ws.upgrade_status(port, None) == 403
    assert ws.upgrade_status(port, "null") == 403
    with pytest.raises(websockets.exceptions.InvalidStatusCode) as refused:
        ws.ws_call(port, "tokens.list", origin="http://127.0.0.1:2")
    assert refused.value.status_code == 403
    assert ws.upgrade_status(port, ws.own_origin(port)) == 101
    still_serving(daemon, port, tid)
    assert "web: refused" in cs.daemon_log(daemon)


def test_garbage_and_bad_requests_get_errors_and_the_socket_stays_usable(stack):
    daemon, port, card, tid = stack
    answers = ws.ws_exchange(port, ["{not json", "[1,2]", '"x"', "[" * 1000,
                                    {"jsonrpc": "2.0", "id": 9, "method": "tokens.list"}], 5)
    codes = [a.get("error", {}).get("code") for a in answers[:4]]
    assert codes == [-32700, -32600, -32600, -32700]
    assert answers[4]["id"] == 9 and answers[4]["result"]["tokens"]


def test_a_message_over_the_limit_closes_only_that_socket(stack):
    daemon, port, card, tid = stack
    raw = ws.RawWebSocket(port, ws.own_origin(port))
    raw.send_frame(b"x" * (MAX_MESSAGE + 1))
    data = raw.read_until_closed()
    raw.close()
    assert data[:1] == b"\x88", data[:20]  # a close frame ...
    assert int.from_bytes(data[2:4], "big") == 1009  # ... "message too big"
    # a frame announcing 2^62 bytes that never come: refused from its header alone
    raw = ws.RawWebSocket(port, ws.own_origin(port))
    raw.send_header_only(1 << 62)
    assert raw.read_until_closed()[:1] == b"\x88"
    raw.close()
    still_serving(daemon, port, tid)


def test_a_client_that_never_reads_is_closed_and_others_are_served(stack):
    daemon, port, card, tid = stack
    raw = ws.RawWebSocket(port, ws.own_origin(port), rcvbuf=4096)
    request = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "metrics.get"}).encode()
    raw.sock.settimeout(2)
    sent = 0
    try:
        for _ in range(2000):  # until eportd stops reading (back-pressure) or enough is queued
            raw.send_frame(request)
            sent += 1
    except (socket.timeout, BlockingIOError):
        pass
    still_serving(daemon, port, tid)  # while the hog's answers wait
    cs.wait_until("eportd to close the client that does not read",
                  lambda: "has not read its answers" in cs.daemon_log(daemon), timeout=STALL_S * 12)
    raw.close()
    still_serving(daemon, port, tid)


def test_more_websockets_than_the_limit_are_refused_then_served_again(stack):
    daemon, port, card, tid = stack

    async def flood():
        open_ = []
        refused = 0
        for _ in range(MAX_SOCKETS + 4):
            try:
                open_.append(await websockets.connect(f"ws://127.0.0.1:{port}/ws",
                                                      origin=ws.own_origin(port), open_timeout=20))
            except websockets.exceptions.InvalidStatusCode as exc:
                assert exc.status_code == 503
                refused += 1
        # the open ones work while the others are refused
        await open_[0].send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tokens.list"}))
        answer = json.loads(await open_[0].recv())
        for sock in open_:
            await sock.close()
        return len(open_), refused, answer

    opened, refused, answer = ws.run(flood())
    assert opened == MAX_SOCKETS and refused == 4
    assert answer["result"]["tokens"]
    cs.wait_until("the closed WebSockets to be forgotten",
                  lambda: ws.upgrade_status(port, ws.own_origin(port)) == 101, timeout=30)
    still_serving(daemon, port, tid)


def test_events_arrive_over_ws(stack, pcsc):
    daemon, port, card, tid = stack

    async def watch():
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws", origin=ws.own_origin(port)) as sock:
            await sock.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "events.subscribe",
                                        "params": {"topics": ["token.removed", "token.added"]}}))
            assert "result" in json.loads(await sock.recv())
            await asyncio.get_running_loop().run_in_executor(None, card.remove)
            topics = []
            while "token.removed" not in topics:
                message = json.loads(await sock.recv())
                topics.append(message["params"]["topic"])
            await asyncio.get_running_loop().run_in_executor(None, card.insert)
            while "token.added" not in topics:
                message = json.loads(await sock.recv())
                topics.append(message["params"]["topic"])
            return topics

    assert ws.run(watch(), timeout=90)[-1] == "token.added"
    cs.wait_token(daemon, card)


def eportctl(daemon, *args):
    from harness import paths
    return subprocess.run([paths.built("eportctl"), "--socket", daemon.socket_path, "--lang", "en", *args],
                          capture_output=True, text=True, timeout=60)


def test_eportctl_open_prints_the_page_address_that_serves_the_page(stack):
    daemon, port, card, tid = stack
    result = eportctl(daemon, "open")
    assert result.returncode == 0, result.stderr
    address = result.stdout.strip()
    assert address == f"http://127.0.0.1:{port}/"
    assert "browser" in result.stderr
    status, headers, body = ws.http_get(port, "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b"app.js" in body


def test_eportctl_open_without_web_says_it_is_off(eportd):
    result = eportctl(eportd, "open")
    assert result.returncode == 1
    assert "status page is off" in result.stdout + result.stderr
    assert "web:" in result.stdout + result.stderr
    assert cs.call(eportd, "daemon.info")["web"] is None
