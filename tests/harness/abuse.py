"""Hostile clients for eportd, shared by the abuse tests (tests/integration/daemon) and the
benchmark that measures eportd under abuse (bench/hostile_clients.py). Standard library only.

- HOSTILE_LINES: request lines that once ended or could end a JSON-RPC daemon;
- Pipeliner: pipelines requests and never reads an answer;
- Slowloris: sends a request one byte at a time;
- open_many(): many connections at once (to hit max_clients / max_clients_per_uid);
- hello_latencies(): a well-behaved client's session.hello round trips;
- rss_kib(), open_fds(): what a process uses, from /proc.
"""

import errno
import json
import os
import select
import socket
import time

# Lines a client in the eport group can send. Each must leave eportd serving.
HOSTILE_LINES = [
    b'{"jsonrpc":"2.0","id":1e999,"method":"session.hello"}',       # ended eportd before issue 10
    b'{"jsonrpc":"2.0","id":-1e999,"method":"session.hello"}',
    b'{"jsonrpc":"2.0","id":1,"method":"session.hello","params":{"protocol":1e999}}',
    b'{"jsonrpc":"2.0","id":1,"method":"session.hello","params":{"x":[1e999,-1E+99999]}}',
    b'{"jsonrpc":"2.0","id":1,"method":"session.hello","params":{"protocol":' + b"9" * 5000 + b"}}",
    b'{"jsonrpc":"2.0","id":' + b"9" * 5000 + b',"method":"session.hello"}',
    b'{"jsonrpc":"2.0","id":1,"method":"audit.tail","params":{"limit":1e999}}',
    b'{"jsonrpc":"2.0","id":1,"method":"cert.check","params":{"warn_days":[1e999]}}',
    b'{"jsonrpc":"2.0","id":1,"method":"cert.check","params":{"warn_days":-1}}',
    b"[" * 100000,
    b"{" * 100000,
    b'{"a":' * 70 + b"1" + b"}" * 70,
    b'{"jsonrpc":"2.0","id":1,"method":"session.hello","params":"\xff\xfe"}',
    b'{"jsonrpc":"2.0","id":"\xc3\x28","method":"session.hello"}',
    b'{"jsonrpc":"2.0","id":1,"method":"\x00"}',
    b"\x00\x01\x02\x03",
    b'{"jsonrpc":"2.0","id":1,"method":"session.hello"}{',
    b'[{"jsonrpc":"2.0","id":1,"method":"session.hello"}]',
    b'{"jsonrpc":"2.0","id":{"x":1},"method":"session.hello"}',
    b'{"jsonrpc":"2.0","id":[1],"method":"session.hello"}',
    b'{"jsonrpc":"2.0","id":1,"method":"session.hello","params":[1,2]}',
    b'{"jsonrpc":"2.0","id":1,"method":"events.subscribe","params":{"topics":[1e999]}}',
    b'{"jsonrpc":"2.0","id":1,"method":"token.status","params":{"token":1e999}}',
    b'{"jsonrpc":"2.0","id":1,"method":"pin.reset","params":{"token":"x","puk":1e999}}',
    b'{"jsonrpc":"2.0","method":"session.hello","params":{"protocol":1e999}}',  # notification
    b'"\\ud800"',
    b"-",
    b"1e999",
    b'{"jsonrpc":"2.0","id":0.1e-99999,"method":"session.hello"}',
]


def is_notification(line):
    """True for the lines of HOSTILE_LINES that get no answer (valid requests without an id)."""
    return b'"id"' not in line and line.startswith(b'{"jsonrpc":"2.0","method"')


def rss_kib(pid):
    """Resident set size of `pid` in KiB (VmRSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def open_fds(pid):
    """Number of file descriptors `pid` has open."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def _request(request_id, method, params=None):
    message = {"jsonrpc": "2.0", "id": request_id, "method": method}
    if params is not None:
        message["params"] = params
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def _peer_closed(sock):
    """True when the peer closed `sock` (POLLHUP/POLLERR), without reading from it."""
    poller = select.poll()
    poller.register(sock, select.POLLHUP | select.POLLERR | select.POLLRDHUP)
    return any(event & (select.POLLHUP | select.POLLERR | select.POLLRDHUP) for _, event in poller.poll(0))


class Pipeliner:
    """A client that pipelines `count` requests and never reads an answer."""

    def __init__(self, path, method="daemon.info", count=100000):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.sock.setblocking(False)
        self.data = b"".join(_request(i, method) for i in range(count))
        self.sent = 0
        self.closed = False

    def push(self):
        """Sends what the kernel takes now; returns the bytes sent this time."""
        before = self.sent
        while not self.closed and self.sent < len(self.data):
            try:
                self.sent += self.sock.send(self.data[self.sent:self.sent + 65536])
            except BlockingIOError:
                break
            except (BrokenPipeError, ConnectionResetError):
                self.closed = True
        return self.sent - before

    def closed_by_server(self):
        """True once eportd has closed this connection."""
        self.closed = self.closed or _peer_closed(self.sock)
        return self.closed

    def close(self):
        self.sock.close()


class Slowloris:
    """A client that sends one request one byte per drip() and never finishes it in time."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.sock.setblocking(False)
        self.data = b'{"jsonrpc":"2.0","id":1,"method":"session.hello","params":{"client":"' + b"s" * 4096
        self.sent = 0
        self.closed = False

    def drip(self):
        """Sends the next byte (nothing once closed)."""
        if self.closed:
            return
        try:
            self.sent += self.sock.send(self.data[self.sent % len(self.data):][:1])
        except (BlockingIOError, BrokenPipeError, ConnectionResetError):
            self.closed = True

    def closed_by_server(self):
        """True once eportd has closed this connection."""
        self.closed = self.closed or _peer_closed(self.sock)
        return self.closed

    def close(self):
        self.sock.close()


def open_many(path, count, timeout=30.0):
    """Opens `count` connections at once and sends session.hello on each. Returns
    (open sockets that got a result, refusals as dicts of error.data, sockets without an answer).
    The caller closes the open sockets."""
    socks = []
    for _ in range(count):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(path)
        socks.append(sock)
    served, refused, silent = [], [], []
    for sock in socks:
        try:
            sock.sendall(_request(1, "session.hello"))
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused and closed before the request went out: the error is still readable
        buffer = b""
        try:
            while b"\n" not in buffer:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                buffer += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        if b"\n" not in buffer:
            silent.append(sock)
            continue
        answer = json.loads(buffer.split(b"\n", 1)[0])
        if "result" in answer:
            served.append(sock)
        else:
            refused.append(answer["error"].get("data") or {})
            sock.close()
    return served, refused, silent


def hello_latencies(path, count, timeout=30.0):
    """`count` sequential session.hello round trips on one connection, in seconds each."""
    times = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        buffer = b""
        for i in range(count):
            started = time.perf_counter()
            sock.sendall(_request(i, "session.hello"))
            while b"\n" not in buffer:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("eportd closed the well-behaved client's connection")
                buffer += chunk
            line, buffer = buffer.split(b"\n", 1)
            times.append(time.perf_counter() - started)
            if b'"result"' not in line:
                raise AssertionError(f"session.hello failed under load: {line[:200]!r}")
    return times


def percentile(values, fraction):
    """The value below which `fraction` (0..1) of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * len(ordered))) - 1))]


def errno_name(code):
    """'EMFILE' for errno.EMFILE, for messages."""
    return errno.errorcode.get(code, str(code))
