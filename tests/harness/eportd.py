"""eportd from the build tree on a temporary socket, talking to the private pcscd."""

import grp
import importlib
import json
import os
import socket

from . import paths
from .procs import HarnessError, Proc, wait_for


def _yaml(value, indent=0):
    """Block-style YAML for plain dicts, lists and scalars (scalars written as JSON strings)."""
    pad = " " * indent
    lines = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines.append(_yaml(item, indent + 2))
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                first, *rest = _yaml(item, indent + 2).splitlines()
                lines.append(f"{pad}- {first.lstrip()}")
                lines.extend(rest)
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    return "\n".join(lines)


def _scalar(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dict, list)):
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(str(value))


def default_drivers():
    """[{name: piv}] when the build tree has eport-piv.so, else no drivers."""
    if os.path.exists(os.path.join(paths.plugin_dir(), "eport-piv.so")):
        return [{"name": "piv"}]
    return []


class Eportd:
    """One eportd process with a generated config in workdir."""

    def __init__(self, workdir, env=None, drivers=None, config=None, args=()):
        self.workdir = os.path.abspath(workdir)
        os.makedirs(self.workdir, exist_ok=True)
        self.socket_path = os.path.join(self.workdir, "eportd.sock")
        self.state_dir = os.path.join(self.workdir, "state")
        self.config_path = os.path.join(self.workdir, "eportd.yaml")
        self.log_path = os.path.join(self.workdir, "eportd.log")
        self.env = dict(os.environ if env is None else env)
        self.drivers = default_drivers() if drivers is None else drivers
        self.extra_config = config or {}
        self.args = list(args)
        self.proc = None

    def config(self):
        """The config dict written for eportd (extra keys from `config` override)."""
        cfg = {
            "socket": self.socket_path,
            # the temporary socket belongs to whoever runs the tests, not to a group "eport"
            "socket_group": grp.getgrgid(os.getgid()).gr_name,
            "state_dir": self.state_dir,
            "plugin_dir": paths.plugin_dir(),
            "drivers": self.drivers,
        }
        cfg.update(self.extra_config)
        return cfg

    def write_config(self):
        """Writes the config file and returns its path."""
        os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        with open(self.config_path, "w") as f:
            f.write("# written by the eportd test harness\n" + _yaml(self.config()) + "\n")
        return self.config_path

    def start(self, timeout=15.0):
        """Starts eportd in the foreground and waits until its socket accepts a connection."""
        program = paths.built("eportd")
        if not program:
            raise HarnessError(f"{paths.build_dir()}/bin/eportd is not built: "
                               "run `cmake --build <build> --target eportd`")
        self.write_config()
        argv = [program, "--config", self.config_path, "--socket", self.socket_path,
                "--foreground"] + self.args
        self.proc = Proc("eportd", argv, env=self.env, log_path=self.log_path).start()

        def ready():
            if not self.proc.alive():
                raise HarnessError(f"eportd exited with status {self.proc.returncode()}:\n"
                                   + self.proc.log_tail())
            return self._connectable()
        wait_for(f"eportd socket {self.socket_path}", ready, timeout,
                 detail=lambda: f"eportd log ({self.log_path}):\n" + self.proc.log_tail())
        return self

    def _connectable(self):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            try:
                s.connect(self.socket_path)
            except OSError:
                return False
        return True

    def stop(self):
        """SIGTERM (clean shutdown), SIGKILL if it hangs; returns the exit status."""
        if self.proc:
            return self.proc.stop(timeout=5.0)
        return None

    def alive(self):
        """True while eportd runs."""
        return self.proc is not None and self.proc.alive()

    def client(self, **kwargs):
        """A client from tests/harness/rpc.py connected to this eportd."""
        try:
            rpc = importlib.import_module(".rpc", __package__)
        except ImportError as exc:
            raise HarnessError(f"tests/harness/rpc.py is not there yet: {exc}") from exc
        for name in ("Client", "RpcClient", "connect"):
            factory = getattr(rpc, name, None)
            if factory:
                return factory(self.socket_path, **kwargs)
        raise HarnessError("tests/harness/rpc.py has no Client class or connect()")

    def call(self, method, params=None, timeout=30.0):
        """One JSON-RPC request on a fresh connection; returns the whole response object."""
        return call_socket(self.socket_path, method, params, timeout)


def call_socket(path, method, params=None, timeout=30.0):
    """Minimal NDJSON JSON-RPC call used by the harness itself (not a client library)."""
    request = {"jsonrpc": "2.0", "id": 1, "method": method}
    if params is not None:
        request["params"] = params
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall(json.dumps(request).encode() + b"\n")
        buf = b""
        while True:
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                msg = json.loads(line)
                if msg.get("id") == 1:
                    return msg
            chunk = s.recv(65536)
            if not chunk:
                raise HarnessError(f"eportd closed the connection before answering {method}")
            buf += chunk
