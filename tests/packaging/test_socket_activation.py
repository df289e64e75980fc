"""Socket activation, sd_notify and SIGHUP, tested the systemd way without a booted systemd:
systemd-socket-activate passes the listening socket, a datagram socket of the test plays
$NOTIFY_SOCKET."""

import os
import signal
import socket
import stat
import subprocess
import time

import pytest

from conftest import BUILD_DIR, need

PROBE = os.path.join(BUILD_DIR, "tests", "bin", "service_probe")
EPORTD = os.path.join(BUILD_DIR, "bin", "eportd")


class NotifySocket:
    """What systemd listens on for READY=1 and friends."""

    def __init__(self, path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)

    def wait_for(self, assignment, timeout=15.0):
        """All messages received until one contains `assignment` (fails on timeout)."""
        seen = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                message = self.sock.recv(4096).decode()
            except socket.timeout:
                break
            seen.append(message)
            if assignment in message.split("\n"):
                return seen
        pytest.fail(f"no {assignment} on the notify socket; got {seen}")

    def close(self):
        self.sock.close()


def activate(tmp_path, argv, sockets=("eportd.sock",), env_names=()):
    """Starts `argv` under systemd-socket-activate, listening on `sockets` in tmp_path."""
    need("systemd-socket-activate")
    cmd = ["systemd-socket-activate"]
    for name in sockets:
        cmd += ["-l", str(tmp_path / name)]
    cmd += ["-E", f"NOTIFY_SOCKET={tmp_path / 'notify'}"]
    for name in env_names:
        cmd += ["-E", name]
    proc = subprocess.Popen(cmd + [str(a) for a in argv], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    path = tmp_path / sockets[0]
    deadline = time.monotonic() + 10
    while not path.exists():
        assert proc.poll() is None, proc.stdout.read()
        assert time.monotonic() < deadline, "systemd-socket-activate did not listen"
        time.sleep(0.02)
    return proc


def exchange(path, line, timeout=15.0):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(str(path))
        s.sendall(line.encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return data.decode()


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.stdout.read()


@pytest.fixture
def notify(tmp_path):
    n = NotifySocket(tmp_path / "notify")
    yield n
    n.close()


# -- the library, through the probe server ------------------------------------------------------

def test_probe_serves_the_socket_systemd_passed_and_reports_ready(tmp_path, notify):
    if not os.path.exists(PROBE):
        pytest.fail(f"{PROBE} is not built (target service_probe)")
    proc = activate(tmp_path, [PROBE])
    try:
        assert exchange(tmp_path / "eportd.sock", "ping") == "probe: activated=yes ping\n"
        seen = notify.wait_for("READY=1")
        assert "STATUS=probe ready" in seen[-1]
        notify.wait_for("STOPPING=1")
        # The probe exits by itself after STOPPING: wait for that, or stop() races it with a
        # SIGTERM (seen once in CI: returncode -15).
        proc.wait(timeout=10)
    finally:
        output = stop(proc)
    assert proc.returncode == 0, output
    assert "(socket activation), logging to stderr" in output


def test_probe_refuses_two_passed_sockets_with_the_unit_fix(tmp_path):
    if not os.path.exists(PROBE):
        pytest.fail(f"{PROBE} is not built (target service_probe)")
    proc = activate(tmp_path, [PROBE], sockets=("a.sock", "b.sock"))
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(str(tmp_path / "a.sock"))  # the first connection makes it exec the probe
        proc.wait(timeout=10)
    finally:
        output = stop(proc)
    assert proc.returncode == 1, output
    assert "single ListenStream=" in output


# -- eportd itself ------------------------------------------------------------------------------

def write_config(tmp_path, log_level="info", extra=""):
    state = tmp_path / "state"
    state.mkdir(mode=0o700, exist_ok=True)
    config = tmp_path / "eportd.yaml"
    config.write_text(
        f"socket: {tmp_path / 'eportd.sock'}\n"
        f"state_dir: {state}\n"
        f"plugin_dir: {os.path.join(BUILD_DIR, 'plugins')}\n"
        "drivers: []\n"
        "pcsc:\n  enabled: false\n"
        "usb:\n  enabled: false\n"
        f"log:\n  level: {log_level}\n" + extra)
    config.chmod(0o644)
    return config


def hello(path):
    return exchange(path, '{"jsonrpc":"2.0","id":1,"method":"session.hello",'
                          '"params":{"client":"packaging-test","protocol":1}}')


@pytest.fixture
def eportd_bin():
    if not os.path.exists(EPORTD):
        pytest.fail(f"{EPORTD} is not built")
    return EPORTD


def test_eportd_serves_a_passed_socket_and_keeps_it_on_exit(tmp_path, notify, eportd_bin):
    config = write_config(tmp_path)
    proc = activate(tmp_path, [eportd_bin, "--config", config, "--foreground"])
    try:
        reply = hello(tmp_path / "eportd.sock")
        assert '"protocol":1' in reply.replace(" ", ""), reply
        notify.wait_for("READY=1")
    finally:
        output = stop(proc)
    notify.wait_for("STOPPING=1")
    assert proc.returncode == 0, output
    assert "handed over by the service manager" in output
    # The socket belongs to the socket unit: eportd must not unlink what it did not create.
    assert stat.S_ISSOCK((tmp_path / "eportd.sock").stat().st_mode)


def test_sighup_applies_a_good_config_and_keeps_running_on_a_bad_one(tmp_path, notify, eportd_bin):
    config = write_config(tmp_path)
    proc = activate(tmp_path, [eportd_bin, "--config", config, "--foreground"])
    try:
        hello(tmp_path / "eportd.sock")
        notify.wait_for("READY=1")

        write_config(tmp_path, log_level="debug")
        os.killpg(proc.pid, signal.SIGHUP)
        notify.wait_for("RELOADING=1")
        notify.wait_for("READY=1")

        config.write_text(config.read_text() + "limits:\n  max_clients: nonsense\n")
        os.killpg(proc.pid, signal.SIGHUP)
        notify.wait_for("RELOADING=1")
        notify.wait_for("READY=1")
        assert proc.poll() is None, "a bad config on SIGHUP must not stop eportd"
        assert '"protocol":1' in hello(tmp_path / "eportd.sock").replace(" ", "")
    finally:
        output = stop(proc)
    assert "log_level: info -> debug" in output, output
    assert "still running with the previous configuration" in output, output


def test_eportd_refuses_a_config_writable_by_others(tmp_path, eportd_bin):
    config = write_config(tmp_path)
    config.chmod(0o666)
    res = subprocess.run([eportd_bin, "--config", str(config), "--foreground"],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode != 0
    assert f"chmod go-w {config}" in res.stderr, res.stderr
