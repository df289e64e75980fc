"""The package unpacked into a throwaway root (`dpkg -x`), then the *installed* eportd with the
*installed* config (only socket, state and plug-in paths moved into the test's directory) run
against a virtual card through the harness; the installed eportctl must see the card."""

import json
import os
import re
import socket
import subprocess
import time

import pytest

import harness
from conftest import cache_value, run


def adjusted_config(root, workdir):
    """The installed /etc/eportd/eportd.yaml with the paths that point at a real system moved
    into `workdir`/`root`; every other setting (drivers, limits, guidance) as shipped."""
    plugins = root / "usr" / (cache_value("EPORT_PLUGIN_INSTALL_DIR") or "lib/eportd/plugins")
    text = (root / "etc/eportd/eportd.yaml").read_text()
    replacements = {
        "socket": str(workdir / "eportd.sock"),
        "state_dir": str(workdir / "state"),
        "socket_group": '""',  # group eport exists only where the package was really installed
    }
    for key, value in replacements.items():
        text, count = re.subn(rf"^{key}:.*$", f"{key}: {value}", text, flags=re.M)
        assert count == 1, f"shipped config has no top-level {key}:"
    assert not re.search(r"^plugin_dir:", text, re.M)
    text += f"\nplugin_dir: {plugins}\n"
    (workdir / "state").mkdir(mode=0o700)
    config = workdir / "eportd.yaml"
    config.write_text(text)
    config.chmod(0o644)
    return config


def wait_for_socket(path, proc, log, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"installed eportd exited ({proc.returncode}):\n{log.read_text()}")
        with socket.socket(socket.AF_UNIX) as s:
            try:
                s.connect(str(path))
                return
            except OSError:
                time.sleep(0.05)
    pytest.fail(f"installed eportd did not listen on {path}:\n{log.read_text()}")


def test_installed_check_config_accepts_the_shipped_config(installed_root, tmp_path):
    config = adjusted_config(installed_root, tmp_path)
    res = run([installed_root / "usr/sbin/eportd", "--check-config", "--config", config])
    assert res.returncode == 0, res.stdout + res.stderr
    assert "configuration OK" in res.stdout


def test_installed_eportctl_status_sees_the_virtual_card(installed_root, tmp_path):
    reason = harness.namespace_unavailable()
    if reason:
        pytest.skip(reason)
    config = adjusted_config(installed_root, tmp_path)
    sock = tmp_path / "eportd.sock"
    log = tmp_path / "eportd.log"
    with harness.Harness() as h:
        h.card("installed")
        with open(log, "w") as out:
            daemon = subprocess.Popen(
                [str(installed_root / "usr/sbin/eportd"), "--config", str(config), "--foreground"],
                env=h.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_socket(sock, daemon, log)
            ctl = [str(installed_root / "usr/bin/eportctl"), "--socket", str(sock)]
            tokens = []
            deadline = time.monotonic() + 20
            while not tokens and time.monotonic() < deadline:
                res = run(ctl + ["--json", "status"], env=h.env(), timeout=60)
                assert res.returncode in (0, 1, 2), res.stdout + res.stderr
                tokens = re.findall(r'"id"\s*:\s*"(piv:[0-9a-f]+)"', res.stdout)
                if not tokens:
                    time.sleep(0.3)
            assert tokens, f"eportctl status shows no PIV token:\n{res.stdout}\n{res.stderr}\n{log.read_text()}"
            human = run(ctl + ["status"], env=h.env(), timeout=60)
            assert tokens[0].split(":")[1] in human.stdout, human.stdout + human.stderr
        finally:
            daemon.terminate()
            daemon.wait(timeout=10)
    assert "driver piv" in log.read_text(), log.read_text()
