"""A small JSON-RPC 2.0 client for eportd's Unix socket (NDJSON), standard library only.

    from harness import rpc
    with rpc.connect("/run/eportd/eportd.sock") as client:
        info = client.call("daemon.info")
        try:
            client.call("audit.tail")
        except rpc.RpcError as e:
            print(e.code, e.reason, e.message)

Responses are matched by id; server notifications (no id) collect in `client.notifications`.
For protocol tests, `send_raw()` writes bytes as they are and `read_line()` / `read_message()`
read what comes back without interpretation.
"""

import itertools
import json
import socket
import time


class RpcError(Exception):
    """An error response: `code`, `message`, `data` (dict or None) and `reason` (data.reason)."""

    def __init__(self, code, message, data=None):
        super().__init__(f"{code}: {message}" + (f" {data}" if data else ""))
        self.code = code
        self.message = message
        self.data = data

    @property
    def reason(self):
        """error.data.reason for application errors (-32000), else None."""
        return self.data.get("reason") if isinstance(self.data, dict) else None


class ConnectionClosed(Exception):
    """eportd closed the connection."""


class Client:
    """One connection to eportd."""

    def __init__(self, path, timeout=30.0):
        self.path = path
        self.timeout = timeout
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self._buffer = b""
        self._ids = itertools.count(1)
        self._responses = {}
        self.notifications = []

    # --- plain JSON-RPC --------------------------------------------------------------------
    def request(self, method, params=None, request_id=None):
        """Sends a request without waiting; returns its id."""
        request_id = next(self._ids) if request_id is None else request_id
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send_raw(json.dumps(message).encode() + b"\n")
        return request_id

    def response(self, request_id, timeout=None):
        """The whole response object for `request_id` (waits for it)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while request_id not in self._responses:
            message = self.read_message(max(0.0, deadline - time.monotonic()))
            self._file(message)
        return self._responses.pop(request_id)

    def call(self, method, params=None, timeout=None):
        """Calls `method` and returns its result; raises RpcError for an error response."""
        response = self.response(self.request(method, params), timeout)
        if "error" in response:
            error = response["error"]
            raise RpcError(error.get("code"), error.get("message"), error.get("data"))
        return response["result"]

    def wait_notification(self, method="event", timeout=None, predicate=None):
        """The first collected notification called `method` (matching `predicate`), removed
        from `notifications`; waits for one when none is there yet."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            for index, note in enumerate(self.notifications):
                if note.get("method") == method and (predicate is None or predicate(note)):
                    return self.notifications.pop(index)
            self._file(self.read_message(max(0.0, deadline - time.monotonic())))

    # --- raw access for protocol tests ------------------------------------------------------
    def send_raw(self, data):
        """Writes bytes exactly as given."""
        self.sock.sendall(data)

    def read_line(self, timeout=None):
        """The next line from the server without its newline; None when the server closed."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout("no complete line from eportd in time")
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def read_message(self, timeout=None):
        """The next message as a dict; raises ConnectionClosed at end of stream."""
        line = self.read_line(timeout)
        if line is None:
            raise ConnectionClosed("eportd closed the connection")
        return json.loads(line)

    def closed_by_server(self, timeout=5.0):
        """True when the server closes the connection within `timeout` (data before is skipped)."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                if self.read_line(max(0.01, deadline - time.monotonic())) is None:
                    return True
        except (socket.timeout, TimeoutError):
            return False

    def _file(self, message):
        if "id" in message and ("result" in message or "error" in message):
            self._responses[message["id"]] = message
        else:
            self.notifications.append(message)

    # --- lifetime ---------------------------------------------------------------------------
    def close(self):
        """Closes the connection."""
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def connect(path, timeout=30.0):
    """A Client connected to the eportd socket at `path`."""
    return Client(path, timeout)
