"""The harness itself: private pcscd, slots, insert/remove, restart, teardown (no eport-vcard
needed: a minimal Python card answers the vpcd protocol)."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

import harness

HARNESS_CLI = os.path.join(os.path.dirname(harness.__file__), "eport-harness")

pytestmark = pytest.mark.skipif(bool(harness.namespace_unavailable()),
                                reason=harness.namespace_unavailable() or "")


def _host_mounts():
    with open("/proc/self/mountinfo") as f:
        return f.read()


def _pids_alive(pids):
    return [p for p in pids if os.path.exists(f"/proc/{p}") and _state(p) != "Z"]


def _state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


@pytest.fixture
def h():
    with harness.Harness() as stack:
        yield stack


def test_private_pcscd_lists_two_virtual_slots_and_leaves_the_host_mounts_alone(h):
    before_run_pcscd = os.path.exists("/run/pcscd")
    assert h.pcscd.readers_now() == {"Virtual PCD 00 00": False, "Virtual PCD 00 01": False}
    assert [s.port for s in h.pcscd.slots()] == [h.pcscd.port, h.pcscd.port + 1]
    assert " /run/pcscd " not in _host_mounts()
    assert os.path.exists("/run/pcscd") == before_run_pcscd
    assert os.readlink(h.env()["PCSCLITE_CSOCK_NAME"]).startswith(f"/proc/{h.pcscd.pid}/root/")


def test_a_card_is_seen_when_inserted_and_gone_when_removed(h):
    card = h.card("fake", program=harness.fake_card_program())
    assert h.pcscd.readers_now() == {"Virtual PCD 00 00": True, "Virtual PCD 00 01": False}
    atr = h.run(["opensc-tool", "-r", card.reader, "-a"], check=True).stdout.strip()
    assert atr == "3b:88:80:01:00:00:00:00:00:00:00:00"
    card.remove()
    assert not card.present()
    card.insert()
    assert card.present()


def test_two_cards_fill_both_slots_and_a_third_is_refused(h):
    a = h.card("a", program=harness.fake_card_program())
    b = h.card("b", program=harness.fake_card_program())
    assert (a.reader, b.reader) == ("Virtual PCD 00 00", "Virtual PCD 00 01")
    with pytest.raises(harness.HarnessError, match="both vpcd slots are in use"):
        h.card("c", program=harness.fake_card_program())
    h.discard(a)
    c = h.card("c", program=harness.fake_card_program())
    assert c.reader == "Virtual PCD 00 00"


def test_after_a_pcscd_restart_the_same_socket_path_reaches_the_new_pcscd(h):
    card = h.card("fake", program=harness.fake_card_program())
    link, old_pid = h.env()["PCSCLITE_CSOCK_NAME"], h.pcscd.pid
    h.pcscd.restart()
    assert h.pcscd.pid != old_pid
    assert h.env()["PCSCLITE_CSOCK_NAME"] == link
    card.wait_present()
    h.pcscd.kill()  # a crash, then a fresh start on the same port
    assert not h.pcscd.alive() and h.pcscd.readers_now() == {}
    h.pcscd.start()
    card.wait_present()


def test_a_card_that_dies_is_reported_with_its_log(h):
    with pytest.raises(harness.HarnessError, match="exited with status"):
        h.card("bad", program=[sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"])


def test_free_ports_are_consecutive_high_and_bindable():
    base = harness.free_ports(2)
    assert base >= 20000
    for port in (base, base + 1):
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))


def test_apdu_log_lines_parse_in_the_usual_layouts():
    for line in ("2026-11-26T18:00:00.123Z 00A4040005A000000308 6111",
                 "2026-11-26T18:00:00.123Z\t00a4040005a000000308\t6111",
                 "12.5 00 A4 04 00 05 A0 00 00 03 08 -> 61 11"):
        ex = harness.parse_apdu_line(line)
        assert ex.command == bytes.fromhex("00a4040005a000000308"), line
        assert ex.response == b"\x61\x11", line
    assert harness.parse_apdu_line("") is None
    pin = harness.parse_apdu_line("2026-11-26T18:00:00.1Z 0020008008xxxxxxxxxxxxxxxx 9000")
    assert pin.masked and pin.command == bytes.fromhex("00200080080000000000000000")
    assert harness.parse_apdu_line("t 00a4 zz") is None


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_eport_harness_leaves_no_process_behind_when_it_is_killed(tmp_path, sig):
    proc = subprocess.Popen([sys.executable, HARNESS_CLI, "up", "--dir", str(tmp_path),
                             "--fake-card", "a", "--no-eportd"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    env_file = tmp_path / "env"
    harness.wait_for("eport-harness up", lambda: env_file.exists() or proc.poll() is not None, 20)
    assert env_file.exists(), proc.stdout.read().decode()
    env = dict(line.removeprefix("export ").strip().split("=", 1)
               for line in env_file.read_text().splitlines())
    pids = [int(env["EPORT_PCSCD_PID"]), int(env["EPORT_CARD_A_PID"])]
    assert _pids_alive(pids) == pids
    proc.send_signal(sig)
    proc.wait(10)
    harness.wait_for("the harness's children to end", lambda: not _pids_alive(pids), 5)


def test_eport_harness_down_stops_a_running_harness(tmp_path):
    proc = subprocess.Popen([sys.executable, HARNESS_CLI, "up", "--dir", str(tmp_path),
                             "--fake-card", "a", "--no-eportd"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    harness.wait_for("eport-harness up", lambda: (tmp_path / "env").exists()
                     or proc.poll() is not None, 20)
    run = subprocess.run([sys.executable, HARNESS_CLI, "run", "--dir", str(tmp_path), "--",
                          "opensc-tool", "-l"], capture_output=True, text=True)
    assert "Yes             Virtual PCD 00 00" in run.stdout
    start = time.monotonic()
    subprocess.run([sys.executable, HARNESS_CLI, "down", "--dir", str(tmp_path)], check=True)
    assert proc.wait(10) == 0
    assert time.monotonic() - start < 10
    assert not (tmp_path / "env").exists()


def test_eportd_config_is_block_yaml_with_the_harness_paths(tmp_path):
    daemon = harness.Eportd(str(tmp_path), drivers=[{"name": "piv", "options": {"x": 1}}],
                            config={"log": {"level": "debug"}})
    text = open(daemon.write_config()).read()
    assert f'socket: "{daemon.socket_path}"' in text
    assert f'state_dir: "{daemon.state_dir}"' in text
    assert 'drivers:\n  - name: "piv"\n    options:\n      x: 1\n' in text
    assert 'log:\n  level: "debug"\n' in text


@pytest.mark.skipif(not harness.built("eportd"), reason="eportd is not built in this tree")
def test_the_harness_eportd_answers_session_hello_on_its_socket(h):
    daemon = h.eportd()
    answer = daemon.call("session.hello", {"client": "harness self-test", "protocol": 1})
    assert answer["result"]["protocol"] == 1
    assert "session.hello" in answer["result"]["methods"]
    with daemon.client() as client:
        # it reaches the private pcscd (the watcher connects shortly after the socket answers)
        from harness.procs import wait_for
        wait_for("eportd to reach the private pcscd", lambda: client.call("daemon.info")["pcsc"] == "up", 30)
    assert daemon.stop() == 0
