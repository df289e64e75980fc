"""Authorization from SO_PEERCRED: audit.tail needs root or an admin group."""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

from harness import paths, rpc

from daemon_support import start_eportd, temp_dir

HARNESS_DIR = os.path.join(paths.SOURCE_DIR, "tests", "harness")

CLIENT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import rpc
with rpc.connect(sys.argv[2]) as client:
    hello = client.call("session.hello")
    try:
        outcome = {"result": client.call("audit.tail", {"limit": 10})}
    except rpc.RpcError as e:
        outcome = {"code": e.code, "reason": e.reason, "data": e.data, "message": e.message}
print(json.dumps({"hello": hello, "audit": outcome}))
"""


@pytest.fixture
def public_dir():
    """A directory other uids can reach (pytest's tmp_path is private to root)."""
    path = pathlib.Path(temp_dir())
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run_as_nobody(tmp_path, socket_path):
    """Runs the client as uid/gid 65534 without supplementary groups; returns its JSON output."""
    setpriv = paths.tool("setpriv")
    if not setpriv:
        pytest.skip("setpriv (util-linux) is not installed")
    client_dir = tmp_path / "client"
    client_dir.mkdir()
    shutil.copy(os.path.join(HARNESS_DIR, "rpc.py"), client_dir / "rpc.py")
    os.chmod(client_dir, 0o755)
    out = subprocess.run([setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups",
                          "/usr/bin/python3", "-c", CLIENT, str(client_dir), socket_path],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_non_root_gets_not_authorized_and_root_gets_records(public_dir):
    tmp_path = public_dir
    daemon = start_eportd(tmp_path, {"socket_mode": "0666"})
    try:
        seen = run_as_nobody(tmp_path, daemon.socket_path)
        assert seen["hello"]["peer"]["uid"] == 65534
        assert seen["hello"]["peer"]["admin"] is False
        assert seen["audit"]["code"] == -32000
        assert seen["audit"]["reason"] == "not_authorized"
        assert seen["audit"]["data"]["required"] == "admin"

        with rpc.connect(daemon.socket_path) as root:
            records = root.call("audit.tail", {"limit": 10})["records"]
        refused = [r for r in records if r["uid"] == 65534]
        assert refused and refused[-1]["method"] == "audit.tail"
        assert refused[-1]["outcome"] == "refused"
        assert refused[-1]["process"] == "python3"
    finally:
        daemon.stop()


def test_audit_log_is_private_json_lines(tmp_path):
    daemon = start_eportd(tmp_path)
    try:
        with rpc.connect(daemon.socket_path) as root:
            root.call("audit.tail")
        log = os.path.join(daemon.state_dir, "audit.log")
        assert oct(os.stat(log).st_mode & 0o777) == oct(0o600)
        with open(log) as f:
            lines = [json.loads(line) for line in f if line.strip()]
        assert lines[-1]["method"] == "audit.tail" and lines[-1]["outcome"] == "ok"
        assert lines[-1]["uid"] == 0
    finally:
        daemon.stop()


def test_admin_group_membership_grants_admin(public_dir):
    tmp_path = public_dir
    """A supplementary group listed in access.admin_groups makes a non-root peer admin."""
    setpriv = paths.tool("setpriv")
    if not setpriv:
        pytest.skip("setpriv (util-linux) is not installed")
    # Group 'root' (gid 0) as the admin group: the client runs as uid 65534 with gid 0 as a
    # supplementary group, so only the supplementary-group path can make it admin.
    daemon = start_eportd(tmp_path, {"socket_mode": "0666", "access": {"admin_groups": ["root"]}})
    try:
        client_dir = tmp_path / "client"
        client_dir.mkdir()
        shutil.copy(os.path.join(HARNESS_DIR, "rpc.py"), client_dir / "rpc.py")
        os.chmod(client_dir, 0o755)
        out = subprocess.run([setpriv, "--reuid", "65534", "--regid", "65534", "--groups", "0",
                              "/usr/bin/python3", "-c", CLIENT, str(client_dir), daemon.socket_path],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        seen = json.loads(out.stdout)
        assert seen["hello"]["peer"]["admin"] is True
        assert "records" in seen["audit"]["result"]
    finally:
        daemon.stop()
