"""Starting eportd for the daemon suites: a temp dir with socket, state dir and config, no
system pcscd (PCSCLITE_CSOCK_NAME points at a socket that does not exist)."""

import os
import subprocess
import tempfile

from harness import paths
from harness.eportd import Eportd


def eportd_binary():
    """<build>/bin/eportd; fails the test with a clear message when it is not built."""
    program = paths.built("eportd")
    assert program, f"{paths.build_dir()}/bin/eportd is not built"
    return program


def isolated_env(workdir):
    """The environment for eportd: no system pcscd, no systemd notification socket."""
    env = dict(os.environ)
    env["PCSCLITE_CSOCK_NAME"] = os.path.join(workdir, "no-pcscd.comm")
    for name in ("NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC", "JOURNAL_STREAM"):
        env.pop(name, None)
    return env


def start_eportd(tmp_path, config=None, drivers=()):
    """A running eportd (harness Eportd) in tmp_path with `config` keys overriding."""
    workdir = str(tmp_path)
    os.chmod(workdir, 0o755)  # other uids (setpriv tests) must reach the socket
    daemon = Eportd(workdir, env=isolated_env(workdir), drivers=list(drivers),
                    config=dict(config or {}))
    return daemon.start()


def run_eportd(args, timeout=30, env=None):
    """Runs eportd to completion (--check-config, --version); returns CompletedProcess."""
    return subprocess.run([eportd_binary()] + list(args), capture_output=True, text=True,
                          timeout=timeout, env=env)


def write_config(directory, text):
    """Writes an eportd.yaml with `text` into `directory`; returns its path."""
    path = os.path.join(directory, "eportd.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def temp_dir():
    """A fresh temporary directory (mode 0755)."""
    path = tempfile.mkdtemp(prefix="eportd-it-")
    os.chmod(path, 0o755)
    return path
