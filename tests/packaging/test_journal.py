"""Logging to the journal when stderr is systemd's journal stream, with structured fields.
journald is played by tests/packaging/journal_capture.py on /run/systemd/journal/socket inside
a private mount namespace (tmpfs over /run), so this machine's journal is never touched."""

import json
import os
import subprocess
import sys

import pytest

from conftest import BUILD_DIR, run

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE = os.path.join(BUILD_DIR, "tests", "bin", "service_probe")
EPORTD = os.path.join(BUILD_DIR, "bin", "eportd")


def capture(tmp_path, connect, argv):
    if run(["unshare", "-m", "--propagation", "private", "true"]).returncode != 0:
        pytest.skip("unshare -m is not permitted here: no private /run for a fake journald")
    script = (f"mount -t tmpfs tmpfs /run && exec {sys.executable} "
              f"{os.path.join(HERE, 'journal_capture.py')} {tmp_path} {connect} "
              + " ".join(str(a) for a in argv))
    res = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    return [json.loads(line) for line in res.stdout.splitlines()]


def test_probe_logs_to_the_journal_with_priority_and_identifier(tmp_path):
    if not os.path.exists(PROBE):
        pytest.fail(f"{PROBE} is not built (target service_probe)")
    entries = capture(tmp_path, tmp_path / "p.sock", [PROBE, tmp_path / "p.sock"])
    listening = [e for e in entries if e.get("MESSAGE", "").startswith("listening on")]
    assert listening, entries
    entry = listening[0]
    assert entry["MESSAGE"].endswith("logging to journal")
    assert entry["PRIORITY"] == "6"
    assert entry["SYSLOG_IDENTIFIER"] == "eportd"
    assert entry["EPORT_LOGGER"] == "service_probe"
    # The sink's own source location must not be stamped on every entry.
    assert "journal_sink.cpp" not in entry.get("CODE_FILE", "")
    assert (tmp_path / "stderr").read_text() == "", "with a journal stream nothing goes to stderr"


def test_eportd_logs_to_the_journal_when_stderr_is_the_journal_stream(tmp_path):
    if not os.path.exists(EPORTD):
        pytest.fail(f"{EPORTD} is not built")
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    config = tmp_path / "eportd.yaml"
    config.write_text(f"socket: {tmp_path / 'eportd.sock'}\nstate_dir: {state}\n"
                      f"plugin_dir: {os.path.join(BUILD_DIR, 'plugins')}\ndrivers: []\n"
                      "pcsc:\n  enabled: false\nusb:\n  enabled: false\n")
    config.chmod(0o644)
    entries = capture(tmp_path, tmp_path / "eportd.sock",
                      [EPORTD, "--config", config, "--foreground"])
    messages = [e["MESSAGE"] for e in entries]
    assert any("ready on" in m for m in messages), messages
    assert all(e["SYSLOG_IDENTIFIER"] == "eportd" for e in entries)
    assert {"6"} <= {e["PRIORITY"] for e in entries}
