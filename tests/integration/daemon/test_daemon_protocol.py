"""eportd over its socket: the methods that need no card, and JSON-RPC error handling."""

import json

import pytest

from harness import rpc
from daemon_support import start_eportd


@pytest.fixture
def daemon(tmp_path):
    d = start_eportd(tmp_path)
    yield d
    d.stop()


def test_session_hello_reports_protocol_peer_and_methods(daemon):
    with rpc.connect(daemon.socket_path) as client:
        hello = client.call("session.hello", {"client": "pytest", "protocol": 1})
    assert hello["protocol"] == 1
    assert hello["server"].startswith("eportd ")
    assert hello["peer"]["uid"] == 0 and hello["peer"]["admin"] is True
    for method in ("session.hello", "daemon.info", "drivers.list", "events.subscribe",
                   "diag.report", "audit.tail", "guidance.get"):
        assert method in hello["methods"]


def test_daemon_info_without_pcscd_says_down_and_invents_nothing(daemon):
    with rpc.connect(daemon.socket_path) as client:
        info = client.call("daemon.info")
    assert set(info) >= {"version", "uptime_s", "drivers", "readers", "tokens", "pcsc"}
    assert info["pcsc"] == "down"
    assert info["readers"] == [] and info["tokens"] == []


def test_diag_report_explains_pcscd_and_socket(daemon):
    with rpc.connect(daemon.socket_path) as client:
        report = client.call("diag.report")
    assert report["pcsc"]["state"] == "down"
    assert "pcscd" in report["pcsc"]["detail"]
    assert report["socket"]["exists"] is True and report["socket"]["is_socket"] is True
    assert report["socket"]["mode"] == "0660"
    assert report["ok"] is False and report["problems"]


def test_guidance_get_has_sites_in_both_languages(daemon):
    with rpc.connect(daemon.socket_path) as client:
        guidance = client.call("guidance.get")
    assert guidance["sites"][0]["name"]["zh"] == "首都机场海关"
    assert guidance["bring"]["unlock"]["en"]


def test_unbuilt_methods_answer_method_not_found(daemon):
    with rpc.connect(daemon.socket_path) as client:
        for method in ("no.such.method", "cert.frobnicate"):
            with pytest.raises(rpc.RpcError) as error:
                client.call(method, {"token": "piv:1"})
            assert error.value.code == -32601


def test_thousand_garbage_lines_then_hello_get_thousand_parse_errors_and_one_answer(daemon):
    with rpc.connect(daemon.socket_path) as client:
        client.send_raw(b"".join(b"garbage %d {{{\n" % i for i in range(1000)))
        client.request("session.hello", {"client": "after-garbage"}, request_id="hello")
        errors = 0
        while True:
            message = client.read_message(timeout=30)
            if message.get("id") == "hello":
                break
            assert message["error"]["code"] == -32700
            errors += 1
        assert errors == 1000
        assert message["result"]["protocol"] == 1


def test_deeply_nested_json_answers_an_error_and_the_daemon_lives(daemon):
    with rpc.connect(daemon.socket_path) as client:
        client.send_raw(b"[" * 100000 + b"\n")
        assert client.read_message()["error"]["code"] == -32700
        assert client.call("session.hello")["protocol"] == 1


def test_invalid_requests_and_params_get_their_codes(daemon):
    with rpc.connect(daemon.socket_path) as client:
        client.send_raw(b'{"id": 1, "method": "session.hello"}\n')
        assert client.read_message()["error"]["code"] == -32600
        client.send_raw(b'[{"jsonrpc": "2.0", "id": 2, "method": "session.hello"}]\n')
        assert client.read_message()["error"]["code"] == -32600
        with pytest.raises(rpc.RpcError) as error:
            client.call("session.hello", {"protocol": "one"})
        assert error.value.code == -32602
        with pytest.raises(rpc.RpcError) as error:
            client.call("events.subscribe", {"topics": ["no.such.topic"]})
        assert error.value.code == -32602


def test_pipelined_requests_all_get_answers_matched_by_id(daemon):
    with rpc.connect(daemon.socket_path) as client:
        ids = [client.request("daemon.info") for _ in range(20)]
        ids += [client.request("session.hello") for _ in range(20)]
        for request_id in ids:
            assert "result" in client.response(request_id)


def test_events_subscribe_answers_the_topics(daemon):
    with rpc.connect(daemon.socket_path) as client:
        assert "token.added" in client.call("events.subscribe")["topics"]
        assert client.call("events.subscribe", {"topics": ["reader.added"]})["topics"] == ["reader.added"]
