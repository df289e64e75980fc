"""eportd as a process: --check-config, --version, socket lock, stale socket, SIGTERM."""

import os
import signal
import socket
import stat
import subprocess
import time

import pytest

from harness import paths
from harness.procs import wait_for
from daemon_support import eportd_binary, isolated_env, run_eportd, start_eportd, write_config


def test_check_config_accepts_the_shipped_config():
    shipped = os.path.join(paths.SOURCE_DIR, "config", "eportd.yaml")
    result = run_eportd(["--check-config", shipped])
    assert result.returncode == 0, result.stderr
    assert "configuration OK" in result.stdout


def test_check_config_names_line_and_key_of_a_typo(tmp_path):
    config = write_config(str(tmp_path), "socket: /tmp/x.sock\nlimits:\n  max_clents: 4\n")
    result = run_eportd(["--check-config", "--config", config])
    assert result.returncode != 0
    assert f"{config}:3: key 'limits.max_clents'" in result.stderr
    assert "did you mean 'limits.max_clients'" in result.stderr


def test_check_config_reports_a_driver_that_does_not_load(tmp_path):
    config = write_config(str(tmp_path), f"plugin_dir: {tmp_path}\ndrivers:\n  - name: nosuch\n")
    result = run_eportd(["--check-config", config])
    assert result.returncode != 0
    assert ":3: key 'drivers'" in result.stderr and "nosuch" in result.stderr


def test_version_prints_the_version():
    result = run_eportd(["--version"])
    assert result.returncode == 0 and result.stdout.startswith("eportd ")


def test_a_broken_config_stops_the_start_with_the_line(tmp_path):
    config = write_config(str(tmp_path), "pcsc:\n  enabled: perhaps\n")
    result = run_eportd(["--config", config, "--foreground"])
    assert result.returncode != 0
    assert ":2: key 'pcsc.enabled'" in result.stderr


def test_a_second_eportd_on_the_same_socket_refuses(tmp_path):
    first = start_eportd(tmp_path)
    try:
        result = run_eportd(["--config", first.config_path, "--socket", first.socket_path,
                             "--foreground"], timeout=20, env=isolated_env(str(tmp_path)))
        assert result.returncode != 0
        assert "already serving" in result.stderr
        assert first.alive()
        assert first.call("session.hello")["result"]["protocol"] == 1
    finally:
        first.stop()


def test_sigterm_removes_the_socket_and_exits_zero(tmp_path):
    daemon = start_eportd(tmp_path)
    assert stat.S_ISSOCK(os.stat(daemon.socket_path).st_mode)
    assert daemon.stop() == 0
    assert not os.path.exists(daemon.socket_path)


def test_a_stale_socket_of_a_killed_eportd_is_replaced(tmp_path):
    first = start_eportd(tmp_path)
    first.proc.send_signal(signal.SIGKILL)
    wait_for("the killed eportd to exit", lambda: not first.alive(), 10)
    assert os.path.exists(first.socket_path)  # left behind by SIGKILL
    second = start_eportd(tmp_path)
    try:
        assert second.call("session.hello")["result"]["protocol"] == 1
    finally:
        second.stop()


def test_a_file_that_is_not_a_socket_is_never_replaced(tmp_path):
    victim = tmp_path / "eportd.sock"
    victim.write_text("precious")
    config = write_config(str(tmp_path), f"socket: {victim}\nstate_dir: {tmp_path}/state\ndrivers: []\n")
    result = run_eportd(["--config", config, "--foreground"], env=isolated_env(str(tmp_path)))
    assert result.returncode != 0
    assert "is not a socket" in result.stderr
    assert victim.read_text() == "precious"


def test_background_mode_returns_once_the_socket_serves(tmp_path):
    sock = tmp_path / "bg.sock"
    config = write_config(str(tmp_path), f"socket: {sock}\nstate_dir: {tmp_path}/state\ndrivers: []\n")
    result = run_eportd(["--config", config], env=isolated_env(str(tmp_path)))
    assert result.returncode == 0, result.stderr
    pid = int((tmp_path / "bg.sock.lock").read_text())
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(sock))
    finally:
        os.kill(pid, signal.SIGTERM)
        wait_for("background eportd to stop", lambda: not sock.exists(), 10)


def test_socket_gets_the_configured_mode_and_group(tmp_path):
    daemon = start_eportd(tmp_path, {"socket_mode": "0640", "socket_group": "root",
                                     "access": {"admin_groups": ["root"]}})
    try:
        info = os.stat(daemon.socket_path)
        assert stat.S_IMODE(info.st_mode) == 0o640
        assert info.st_gid == 0
        report = daemon.call("diag.report")["result"]
        assert report["socket"]["group"] == "root" and report["socket"]["mode"] == "0640"
        assert report["config"]["warnings"] == []
    finally:
        daemon.stop()
