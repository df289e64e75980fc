"""eport-vcard run against a fake vpcd (a Python TCP server): framing, control bytes, state
saving, APDU log, reconnect, --drop-after, --mute-after, --delay-ms and SIGTERM.

No pcscd is needed: the server speaks vpcd's side of the protocol.
"""

import json
import os
import signal
import socket
import subprocess
import time

import pytest

from harness import paths
from harness.ports import free_ports

VCARD = paths.built("eport-vcard")
pytestmark = pytest.mark.skipif(VCARD is None, reason="eport-vcard is not built")


class FakeVpcd:
    """vpcd's listening side; accepts the card and exchanges frames with it."""

    def __init__(self):
        self.port = free_ports(1)
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen(1)
        self.server.settimeout(5)
        self.conn = None

    def accept(self):
        self.conn, _ = self.server.accept()
        self.conn.settimeout(5)
        return self.conn

    def _recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.conn.recv(n - len(data))
            if not chunk:
                raise EOFError("card closed the connection")
            data += chunk
        return data

    def send(self, payload, split=False):
        header = len(payload).to_bytes(2, "big")
        if split:  # Debian's vpcd sends length and payload separately
            self.conn.sendall(header)
            time.sleep(0.01)
            self.conn.sendall(payload)
        else:
            self.conn.sendall(header + payload)

    def receive(self):
        n = int.from_bytes(self._recv_exact(2), "big")
        return self._recv_exact(n)

    def exchange(self, apdu_hex, split=False):
        self.send(bytes.fromhex(apdu_hex), split)
        return self.receive().hex()

    def close(self):
        if self.conn:
            self.conn.close()
        self.server.close()


@pytest.fixture
def state(tmp_path):
    path = tmp_path / "card.json"
    subprocess.run([VCARD, "init", "--state", str(path), "--serial", "4711"], check=True,
                   stdout=subprocess.DEVNULL)
    return path


@pytest.fixture
def vpcd():
    server = FakeVpcd()
    yield server
    server.close()


def start(state, vpcd, *extra):
    return subprocess.Popen([VCARD, "run", "--state", str(state), "--vpcd", f"127.0.0.1:{vpcd.port}", *extra],
                            stderr=subprocess.PIPE, text=True)


def catches_sigterm(pid):
    """True once `pid` has a handler for SIGTERM (/proc/<pid>/status SigCgt)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    return False


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
    return proc.returncode


def test_answers_get_atr_and_apdus_and_says_it_connected(state, vpcd):
    proc = start(state, vpcd)
    try:
        vpcd.accept()
        assert "connected" in proc.stderr.readline()
        vpcd.send(b"\x04")
        atr = vpcd.receive()
        assert atr[0] == 0x3B
        vpcd.send(b"\x01")  # power on: no reply, or the next read would see it
        assert vpcd.exchange("00a4040005a000000308", split=True).endswith("9000")
        assert vpcd.exchange("0020008000") == "63c3"
        assert vpcd.exchange("00f8000000") == "000012679000"
    finally:
        assert stop(proc) == 0


def test_a_state_change_is_saved_and_the_log_masks_the_pin(state, vpcd, tmp_path):
    log = tmp_path / "apdu.log"
    proc = start(state, vpcd, "--apdu-log", str(log))
    try:
        vpcd.accept()
        assert vpcd.exchange("002000800831323334353637ff") == "63c2"
        saved = json.loads(state.read_text())
        assert saved["pin"]["remaining"] == 2
        assert oct(os.stat(state).st_mode & 0o777) == "0o600"
        lines = log.read_text().splitlines()
        assert len(lines) == 1
        when, command, response = lines[0].split(" ")
        assert when.endswith("Z") and "T" in when
        assert command.startswith("0020008008") and "31323334" not in command
        assert response == "63c2"
    finally:
        assert stop(proc) == 0


def test_reconnects_when_vpcd_goes_away_and_keeps_state(state, vpcd):
    proc = start(state, vpcd)
    try:
        vpcd.accept()
        vpcd.exchange("002000800831323334353637ff")
        vpcd.conn.close()
        vpcd.accept()  # the card comes back within the accept timeout
        assert vpcd.exchange("0020008000") == "63c2"
    finally:
        assert stop(proc) == 0


def test_drop_after_closes_the_connection_and_exits_zero(state, vpcd):
    proc = start(state, vpcd, "--drop-after", "2")
    vpcd.accept()
    vpcd.exchange("0020008000")
    vpcd.exchange("0020008000")
    with pytest.raises(EOFError):
        vpcd.receive()
    assert proc.wait(timeout=5) == 0


def test_mute_after_stops_answering(state, vpcd):
    proc = start(state, vpcd, "--mute-after", "1")
    try:
        vpcd.accept()
        assert vpcd.exchange("0020008000") == "63c3"
        vpcd.conn.settimeout(0.5)
        vpcd.send(bytes.fromhex("0020008000"))
        with pytest.raises(socket.timeout):
            vpcd.receive()
    finally:
        assert stop(proc) == 0


def test_delay_slows_every_answer(state, vpcd):
    proc = start(state, vpcd, "--delay-ms", "300")
    try:
        vpcd.accept()
        t0 = time.monotonic()
        vpcd.exchange("0020008000")
        assert time.monotonic() - t0 >= 0.3
    finally:
        assert stop(proc) == 0


def test_a_non_loopback_vpcd_is_refused(state):
    proc = subprocess.run([VCARD, "run", "--state", str(state), "--vpcd", "192.0.2.1:35963"],
                          capture_output=True, text=True, timeout=10)
    assert proc.returncode != 0
    assert "loopback" in proc.stderr


def test_sigterm_exits_cleanly_while_waiting_for_vpcd(state):
    port = free_ports(1)
    proc = subprocess.Popen([VCARD, "run", "--state", str(state), "--vpcd", f"127.0.0.1:{port}"])
    # Signal it only once it handles SIGTERM (its SigCgt mask says so); earlier the default
    # action would end it with -15, which is not what this test is about.
    deadline = time.monotonic() + 30
    while not catches_sigterm(proc.pid):
        assert proc.poll() is None and time.monotonic() < deadline, "eport-vcard never installed its handler"
        time.sleep(0.01)
    assert stop(proc) == 0
