"""eportd under a service manager: SIGHUP reload and systemd socket activation."""

import os
import signal
import socket

import pytest

from harness import paths, rpc
from harness.procs import Proc, wait_for
from daemon_support import eportd_binary, isolated_env, start_eportd, write_config


def guidance_contact(daemon):
    with rpc.connect(daemon.socket_path) as client:
        return client.call("guidance.get")["contact"]["en"]


def test_sighup_applies_a_good_config_and_keeps_the_old_one_on_errors(tmp_path):
    daemon = start_eportd(tmp_path, {"guidance": {"contact": {"en": "first", "zh": "第一"}}})
    try:
        assert guidance_contact(daemon) == "first"
        daemon.extra_config["guidance"] = {"contact": {"en": "second", "zh": "第二"}}
        daemon.write_config()
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for("the reloaded guidance", lambda: guidance_contact(daemon) == "second", 10)

        with open(daemon.config_path, "a") as f:
            f.write("limits:\n  max_clents: 3\n")
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for("the refused reload in the log", lambda: "reload refused" in open(daemon.log_path).read(), 30)
        assert daemon.alive()
        assert guidance_contact(daemon) == "second"
        with open(daemon.log_path) as f:
            log = f.read()
        assert "max_clents" in log and "reload refused" in log
    finally:
        daemon.stop()


def test_socket_activation_serves_the_handed_over_socket(tmp_path):
    activate = paths.tool("systemd-socket-activate")
    if not activate:
        pytest.skip("systemd-socket-activate is not installed")
    sock = tmp_path / "activated.sock"
    config = write_config(str(tmp_path), f"socket: {tmp_path}/unused.sock\n"
                                         f"state_dir: {tmp_path}/state\ndrivers: []\n")
    proc = Proc("socket-activate", [activate, "-l", str(sock), eportd_binary(), "--config", config,
                                    "--foreground"],
                env=isolated_env(str(tmp_path)), log_path=str(tmp_path / "eportd.log")).start()
    try:
        wait_for("the activation socket", sock.exists, 10)
        with rpc.connect(str(sock)) as client:  # the first connection starts eportd
            assert client.call("session.hello")["protocol"] == 1
            report = client.call("diag.report")
        assert report["socket"]["path"] == str(sock)
        # eportd did not bind (or lock) a socket of its own
        assert not (tmp_path / "unused.sock").exists()
        assert not (tmp_path / "unused.sock.lock").exists()
    finally:
        proc.stop(timeout=5.0)


def test_readiness_watchdog_and_stopping_reach_the_service_manager(tmp_path):
    """A fake service manager: eportd sends READY=1 once serving, WATCHDOG=1 at half the
    WatchdogSec interval, and STOPPING=1 on SIGTERM."""
    notify_path = str(tmp_path / "notify.sock")
    manager = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    manager.bind(notify_path)
    manager.settimeout(10)
    env = isolated_env(str(tmp_path))
    env["NOTIFY_SOCKET"] = notify_path
    env["WATCHDOG_USEC"] = "400000"
    config = write_config(str(tmp_path), f"socket: {tmp_path}/n.sock\nstate_dir: {tmp_path}/state\n"
                                         "drivers: []\n")
    proc = Proc("eportd", [eportd_binary(), "--config", config, "--foreground"], env=env,
                log_path=str(tmp_path / "eportd.log")).start()
    try:
        messages = []

        def received(word):
            while not any(word in m for m in messages):
                messages.append(manager.recv(4096).decode())
            return True

        assert received("READY=1")
        assert os.path.exists(f"{tmp_path}/n.sock")  # ready means serving
        # Pings keep coming (several per second at WATCHDOG_USEC=400000; the recv timeout of 10 s
        # per message is the only clock here).
        for _ in range(3):
            messages.clear()
            assert received("WATCHDOG=1")
        proc.send_signal(signal.SIGTERM)
        assert received("STOPPING=1")
    finally:
        proc.stop(timeout=5.0)
        manager.close()


def test_sighup_reaches_the_parts_that_follow_the_configuration(tmp_path):
    """limits.max_clients lives in the server, which follows SharedConfig (it does not read a
    snapshot per request): after the reload a second client is refused with the new limit."""
    daemon = start_eportd(tmp_path)
    try:
        daemon.extra_config["limits"] = {"max_clients": 1}
        daemon.write_config()
        daemon.proc.send_signal(signal.SIGHUP)

        def reloaded():
            with open(daemon.log_path) as f:
                return "reload: limits: max_clients 256" in f.read()
        wait_for("the reload to be logged", reloaded, 10)
        with rpc.connect(daemon.socket_path) as first:
            assert first.call("session.hello")["protocol"] == 1
            with rpc.connect(daemon.socket_path) as second:
                refusal = second.read_message(timeout=10)
                assert refusal["error"]["data"]["reason"] == "too_many_clients", refusal
                assert refusal["error"]["data"]["limit"] == 1, refusal
    finally:
        daemon.stop()
