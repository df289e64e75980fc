"""Helpers for the web suites: an eportd with the web part on, WebSocket calls (python3-websockets,
asyncio API of version 10), raw HTTP requests and hand-made WebSocket frames for hostile clients."""

import asyncio
import base64
import http.client
import json
import os
import socket
import struct

import pytest
import websockets

from harness.ports import free_ports
from harness.procs import HarnessError


def web_daemon(pcsc, allowed_origins=(), limits=None, web_extra=None):
    """An eportd with `web:` on a free loopback port; returns (daemon, port)."""
    port = free_ports(1)
    web = {"listen": f"127.0.0.1:{port}", "allowed_origins": list(allowed_origins)}
    web.update(web_extra or {})
    config = {"web": web}
    if limits:
        config["limits"] = limits
    try:
        return pcsc.eportd(config=config), port
    except HarnessError as exc:
        pytest.fail(str(exc))


def own_origin(port):
    return f"http://127.0.0.1:{port}"


def run(coro, timeout=60):
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def _call(port, path, origin, messages, expect):
    async with websockets.connect(f"ws://127.0.0.1:{port}{path}", origin=origin,
                                  max_size=None, open_timeout=20) as ws:
        answers = []
        if path == "/":  # the E-Port greeting comes first
            answers.append(json.loads(await ws.recv()))
        for message in messages:
            await ws.send(message if isinstance(message, str) else json.dumps(message))
        while len(answers) < expect:
            answers.append(json.loads(await ws.recv()))
        return answers


def ws_call(port, method, params=None, origin=None, path="/ws"):
    """One JSON-RPC request over /ws; the whole response object."""
    request = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or {}}
    return run(_call(port, path, origin or own_origin(port), [request], 1))[0]


def ws_exchange(port, messages, expect, origin=None, path="/ws"):
    """Sends `messages` on one WebSocket and returns the first `expect` messages received."""
    return run(_call(port, path, origin or own_origin(port), messages, expect))


def upgrade_status(port, origin, path="/ws", host=None):
    """The HTTP status a WebSocket upgrade gets (101 when accepted)."""
    headers = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}
    if origin is not None:
        headers["Origin"] = origin
    if host is not None:
        headers["Host"] = host
    return http_get(port, path, headers)[0]


def http_get(port, path, headers=None, method="GET"):
    """(status, headers dict, body bytes) of one plain HTTP request."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.putrequest(method, path, skip_host="Host" in (headers or {}))
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


class RawWebSocket:
    """A WebSocket client made by hand on a plain socket, to misbehave: it sends what it likes
    (huge frames, garbage) and reads only when told to."""

    def __init__(self, port, origin, rcvbuf=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(30)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise AssertionError(f"eportd closed during the handshake: {head!r}")
            head += chunk
        assert head.startswith(b"HTTP/1.1 101"), head

    def send_frame(self, payload, opcode=0x1):
        """One masked, final frame (clients must mask)."""
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_header_only(self, length, opcode=0x1):
        """The header of a frame announcing `length` bytes, and no payload."""
        self.sock.sendall(struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length) + os.urandom(4))

    def read_until_closed(self, timeout=60):
        """Reads until eportd closes; returns everything received."""
        self.sock.settimeout(timeout)
        data = b""
        while True:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                return data
            if not chunk:
                return data
            data += chunk

    def close(self):
        self.sock.close()
