"""Bounded resources under abuse, through the real socket: pipeliners that never read, slowloris
clients, a flood of connections from one uid, running out of file descriptors, a flooded
background queue, refusal floods in the audit log. eportd must stay small, keep serving a
well-behaved client, and never exit. (The same clients, with figures, run in
bench/hostile_clients.py.)"""

import json
import os
import re
import resource
import select
import shutil
import socket
import subprocess

import pytest

from harness import paths, rpc, wait_for
from harness.abuse import Pipeliner, Slowloris, open_fds, open_many, rss_kib
from daemon_support import start_eportd, temp_dir

HARNESS_DIR = os.path.join(paths.SOURCE_DIR, "tests", "harness")
RSS_BUDGET_KIB = 16 * 1024  # issue 10: RSS grows by less than 16 MiB under abuse
# Under ASan the same bound is checked with ASan's quarantine off (it holds 256 MiB of freed
# memory by design); its allocator caches and shadow memory still add about half the heap in use.
SANITIZED_RSS_BUDGET_KIB = 48 * 1024


def pid_of(daemon):
    return daemon.proc.pid


def hello_works(daemon):
    with rpc.connect(daemon.socket_path) as client:
        return client.call("session.hello")["protocol"] == 1


def log_text(daemon):
    with open(daemon.log_path, errors="replace") as f:
        return f.read()


@pytest.fixture
def public_dir():
    """A directory other uids can reach (pytest's tmp_path is private to root)."""
    path = temp_dir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run_as_nobody(workdir, script, *args):
    """Runs a Python `script` (with tests/harness/rpc.py importable) as uid/gid 65534."""
    setpriv = paths.tool("setpriv")
    assert setpriv, "setpriv (util-linux) is missing: scripts/deps installs it"
    client_dir = os.path.join(workdir, "client")
    os.makedirs(client_dir, exist_ok=True)
    shutil.copy(os.path.join(HARNESS_DIR, "rpc.py"), os.path.join(client_dir, "rpc.py"))
    os.chmod(client_dir, 0o755)
    code = "import sys\nsys.path.insert(0, sys.argv[1])\nimport rpc\n" + script
    out = subprocess.run([setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups",
                          "/usr/bin/python3", "-c", code, client_dir] + list(args),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_pipeliners_that_never_read_are_paused_and_closed_and_eportd_stays_small(tmp_path, monkeypatch):
    budget = RSS_BUDGET_KIB
    if paths.sanitized():
        monkeypatch.setenv("ASAN_OPTIONS", os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=0")
        budget = SANITIZED_RSS_BUDGET_KIB
    daemon = start_eportd(tmp_path, {"limits": {"write_stall_timeout_s": 3}})
    try:
        before = rss_kib(pid_of(daemon))
        clients = [Pipeliner(daemon.socket_path, "daemon.info", 100000) for _ in range(4)]

        def all_closed():
            for client in clients:
                client.push()
            if not all(c.closed_by_server() for c in clients):
                # wait until a socket can take more or is closed, instead of spinning
                select.select([], [c.sock for c in clients if not c.closed], [], 0.5)
                return False
            return True

        assert hello_works(daemon)
        wait_for("eportd closing the clients that do not read", all_closed, timeout=120)
        # Back-pressure: eportd stopped reading long before it had taken every request.
        for client in clients:
            assert client.sent < len(client.data) / 2, "eportd kept reading from a client that reads nothing"
            client.close()
        grown = rss_kib(pid_of(daemon)) - before
        assert grown < budget, f"RSS grew by {grown} KiB"
        assert hello_works(daemon)
        assert "has not read its answers for 3 s" in log_text(daemon)
    finally:
        daemon.stop()


def test_slowloris_clients_are_closed_as_idle_while_others_are_served(tmp_path):
    daemon = start_eportd(tmp_path, {"limits": {"idle_timeout_s": 2}})
    try:
        before = rss_kib(pid_of(daemon))
        clients = [Slowloris(daemon.socket_path) for _ in range(20)]
        served = []

        def all_closed():
            for client in clients:
                client.drip()
            served.append(hello_works(daemon))
            return all(c.closed_by_server() for c in clients)

        wait_for("eportd closing 20 slowloris clients", all_closed, timeout=120, interval=0.1)
        assert all(served)
        assert min(c.sent for c in clients) > 0
        for client in clients:
            client.close()
        assert rss_kib(pid_of(daemon)) - before < RSS_BUDGET_KIB
    finally:
        daemon.stop()


def test_one_uid_cannot_take_every_slot_and_refusals_do_not_linger(public_dir):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2048:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    daemon = start_eportd(public_dir, {"socket_mode": "0666",
                                       "limits": {"max_clients": 40, "max_clients_per_uid": 10}})
    try:
        pid = pid_of(daemon)
        before_rss, before_fds = rss_kib(pid), open_fds(pid)
        served, refused, silent = open_many(daemon.socket_path, 1000)
        try:
            assert len(served) == 10 and not silent
            assert len(refused) == 990
            assert all(r["reason"] == "too_many_clients" and r["scope"] == "uid" and r["limit"] == 10
                       for r in refused)
            # Refused connections are closed, not kept: eportd ends up holding only the 10 it
            # serves (waited for: the last refusals may still be in flight on a loaded machine).
            wait_for("eportd holding only the connections it serves",
                     lambda: open_fds(pid) <= before_fds + 10, timeout=30)
            # Another user still gets in: the help desk is not locked out.
            out = run_as_nobody(public_dir, "with rpc.connect(sys.argv[2]) as c:\n"
                                "    print(c.call('session.hello')['peer']['uid'])\n", daemon.socket_path)
            assert out.strip() == "65534"
            assert rss_kib(pid) - before_rss < RSS_BUDGET_KIB
        finally:
            for sock in served:
                sock.close()
        # One warning per period for 990 refusals, not 990 lines.
        assert log_text(daemon).count("refusing pid") < 20
    finally:
        daemon.stop()


def test_running_out_of_descriptors_backs_off_logs_once_and_recovers(tmp_path):
    daemon = start_eportd(tmp_path)
    try:
        pid = pid_of(daemon)
        soft, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (open_fds(pid) + 3, hard))  # the soft limit only
        held = []
        for _ in range(12):  # 3 are accepted, the others wait in the backlog behind EMFILE
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(60)
            sock.connect(daemon.socket_path)
            held.append(sock)
        wait_for("eportd reporting that it cannot accept", lambda: "cannot accept a client" in log_text(daemon),
                 timeout=30)
        # The accepted connections keep being served meanwhile (the loop runs, it does not spin).
        for sock in held[:3]:
            sock.sendall(b'{"jsonrpc":"2.0","id":1,"method":"session.hello"}\n')
            assert b'"result"' in sock.recv(65536)
        for sock in held[:3]:
            sock.close()
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (soft, hard))
        # The clients that waited in the backlog are accepted and served.
        for sock in held[3:]:
            sock.sendall(b'{"jsonrpc":"2.0","id":2,"method":"session.hello"}\n')
            assert b'"result"' in sock.recv(65536)
            sock.close()
        text = log_text(daemon)
        assert text.count("cannot accept a client") == 1, "logged per attempt instead of once per burst"
        recovered = re.search(r"accepting clients again after (\d+) failed attempt", text)
        assert recovered, text[-2000:]
        assert int(recovered.group(1)) < 200, "accept() was retried without backing off"
        assert hello_works(daemon)
    finally:
        daemon.stop()


def test_a_flooded_background_queue_answers_busy_at_once(tmp_path):
    daemon = start_eportd(tmp_path, {"limits": {"background_queue_size": 1}})
    try:
        with rpc.connect(daemon.socket_path) as client:
            client.send_raw(b"".join(b'{"jsonrpc":"2.0","id":%d,"method":"daemon.info"}\n' % i
                                     for i in range(32)))
            answers = [client.response(i) for i in range(32)]
        busy = [a for a in answers if "error" in a]
        assert busy, "32 pipelined daemon.info calls never found the queue of 1 full"
        assert all(a["error"]["data"]["reason"] == "busy" for a in busy)
        assert any("result" in a for a in answers)
        assert hello_works(daemon)
    finally:
        daemon.stop()


def test_a_refusal_flood_is_counted_not_written_one_by_one(public_dir):
    daemon = start_eportd(public_dir, {"socket_mode": "0666", "audit": {"refusal_window_s": 2}})
    try:
        run_as_nobody(public_dir, "with rpc.connect(sys.argv[2]) as c:\n"
                      "    for i in range(200):\n"
                      "        try:\n"
                      "            c.call('audit.tail')\n"
                      "        except rpc.RpcError as e:\n"
                      "            assert e.reason == 'not_authorized', e\n", daemon.socket_path)

        def records():
            with rpc.connect(daemon.socket_path) as root:
                return [r for r in root.call("audit.tail", {"limit": 1000})["records"] if r["uid"] == 65534]

        wait_for("the refusal count in the audit log", lambda: any(r.get("repeated") for r in records()),
                 timeout=60)
        mine = records()
        assert len(mine) == 2, mine
        assert mine[0]["outcome"] == "refused" and "repeated" not in mine[0]
        assert mine[1]["outcome"] == "refused" and mine[1]["repeated"] == 199
    finally:
        daemon.stop()


def test_the_audit_log_rotates_at_max_bytes_and_tail_reads_across_files(tmp_path):
    daemon = start_eportd(tmp_path, {"audit": {"max_bytes": 4096, "keep": 2}})
    try:
        with rpc.connect(daemon.socket_path) as root:
            for _ in range(120):
                root.call("audit.tail", {"limit": 1})
            records = root.call("audit.tail", {"limit": 40})["records"]
        log = os.path.join(daemon.state_dir, "audit.log")
        assert os.path.getsize(log) <= 4096
        assert os.path.exists(log + ".1") and os.path.exists(log + ".2")
        assert not os.path.exists(log + ".3")
        assert oct(os.stat(log + ".1").st_mode & 0o777) == oct(0o600)
        assert len(records) == 40
    finally:
        daemon.stop()


def test_a_client_that_half_closes_still_gets_every_answer(tmp_path):
    daemon = start_eportd(tmp_path)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(30)
            sock.connect(daemon.socket_path)
            sock.sendall(b"".join(b'{"jsonrpc":"2.0","id":%d,"method":"daemon.info"}\n' % i for i in range(5)))
            sock.shutdown(socket.SHUT_WR)
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        answers = [json.loads(line) for line in data.splitlines()]
        assert sorted(a["id"] for a in answers) == list(range(5))
        assert all("result" in a for a in answers)
    finally:
        daemon.stop()
