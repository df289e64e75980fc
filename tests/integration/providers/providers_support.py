"""eportd with token-provider plug-ins, without pcscd: a temporary socket and state dir."""

import os
import time

from harness import paths, rpc
from harness.eportd import Eportd


def fixture_plugin_dir():
    """<build>/tests/fixtures/plugins: the fixture plug-ins (eport-file-tokens.so ...)."""
    return os.path.join(paths.build_dir(), "tests", "fixtures", "plugins")


def isolated_env(workdir, extra=None):
    """The environment for eportd: no system pcscd, no systemd sockets, plus `extra`."""
    env = dict(os.environ)
    env["PCSCLITE_CSOCK_NAME"] = os.path.join(workdir, "no-pcscd.comm")
    for name in ("NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC", "JOURNAL_STREAM"):
        env.pop(name, None)
    env.update(extra or {})
    return env


def start_eportd(workdir, drivers, plugin_dir=None, env=None, config=None):
    """A started eportd (harness Eportd) with `drivers`, PC/SC and USB off."""
    os.makedirs(workdir, exist_ok=True)
    cfg = {"pcsc": {"enabled": False}, "usb": {"enabled": False}, "log": {"level": "debug"}}
    cfg["plugin_dir"] = plugin_dir or paths.plugin_dir()
    cfg.update(config or {})
    daemon = Eportd(workdir, env=isolated_env(workdir, env), drivers=drivers, config=cfg)
    return daemon.start()


def wait_until(what, predicate, timeout=30.0):
    """Waits for predicate() to be true (checked every 0.1 s); fails the test after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def token_ids(daemon):
    """The ids tokens.list shows."""
    return sorted(t["id"] for t in daemon.call("tokens.list")["result"]["tokens"])


def wait_event(client, topic, token=None, timeout=30.0):
    """The next event `topic` (for `token`, an id) on a subscribed client."""
    def matches(note):
        params = note.get("params", {})
        if params.get("topic") != topic:
            return False
        if token is None:
            return True
        value = params.get("token")
        return (value.get("id") if isinstance(value, dict) else value) == token
    return client.wait_notification("event", timeout=timeout, predicate=matches)["params"]


def subscribe(daemon):
    """A client subscribed to every event."""
    client = rpc.connect(daemon.socket_path, timeout=60.0)
    client.call("events.subscribe")
    return client
