"""Per-connection limits: message size, client count, idle timeout."""

import pytest

from harness import rpc, wait_for
from daemon_support import start_eportd


def test_a_line_over_the_limit_closes_only_that_connection(tmp_path):
    daemon = start_eportd(tmp_path, {"limits": {"max_message_bytes": 4096}})
    try:
        with rpc.connect(daemon.socket_path) as bystander, rpc.connect(daemon.socket_path) as offender:
            assert bystander.call("session.hello")["protocol"] == 1
            offender.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"session.hello","params":{"x":"'
                              + b"a" * 5000 + b'"}}\n')
            error = offender.read_message()
            assert error["error"]["code"] == -32600
            assert error["error"]["data"]["limit"] == 4096
            assert offender.closed_by_server()
            assert bystander.call("session.hello")["protocol"] == 1
    finally:
        daemon.stop()


def test_clients_beyond_max_clients_are_told_and_closed(tmp_path):
    daemon = start_eportd(tmp_path, {"limits": {"max_clients": 2}})
    try:
        first = rpc.connect(daemon.socket_path)
        second = rpc.connect(daemon.socket_path)
        assert first.call("session.hello") and second.call("session.hello")
        with rpc.connect(daemon.socket_path) as third:
            refusal = third.read_message()
            assert refusal["error"]["data"]["reason"] == "too_many_clients"
            assert third.closed_by_server()
        first.close()

        def served():
            try:
                with rpc.connect(daemon.socket_path) as fourth:
                    return fourth.call("session.hello")["protocol"] == 1
            except (rpc.ConnectionClosed, OSError):
                return False  # refused: eportd has not seen the first client leave yet

        wait_for("a free slot after a client left", served, 30)
        second.close()
    finally:
        daemon.stop()


def test_idle_connections_close_but_subscribers_stay(tmp_path):
    daemon = start_eportd(tmp_path, {"limits": {"idle_timeout_s": 1}})
    try:
        with rpc.connect(daemon.socket_path) as idle, rpc.connect(daemon.socket_path) as subscriber:
            subscriber.call("events.subscribe")
            idle.call("session.hello")
            assert idle.closed_by_server(timeout=30)
            # A witness connected after that is closed only once a whole idle timeout has passed
            # since: by then the subscriber has been idle for longer than the timeout too.
            with rpc.connect(daemon.socket_path) as witness:
                assert witness.closed_by_server(timeout=30)
            assert subscriber.call("session.hello")["protocol"] == 1
    finally:
        daemon.stop()


def test_a_huge_line_still_gets_its_error_before_the_close(tmp_path):
    """The daemon swallows the rest of an over-limit line, so the client is not reset before it
    can read the error."""
    daemon = start_eportd(tmp_path, {"limits": {"max_message_bytes": 4096}})
    try:
        for _ in range(3):
            with rpc.connect(daemon.socket_path) as client:
                client.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"x","params":{"p":"'
                                + b"a" * (4 * 1024 * 1024) + b'"}}\n')
                error = client.read_message()
                assert error["error"]["code"] == -32600
                assert client.closed_by_server()
    finally:
        daemon.stop()
