"""A private pcscd in its own mount namespace, with a vpcd reader on free high ports.

pcscd 1.9.9 always creates its socket at /run/pcscd/pcscd.comm, so a second pcscd can only live
in its own mount namespace: `unshare -m` (private propagation), a tmpfs over /run there, then
`pcscd -f -c DIR`. `-c` replaces /etc/reader.conf.d, so the system's reader.conf is never read.
Clients outside the namespace reach the socket through the magic link
/proc/<pid>/root/run/pcscd/pcscd.comm; the harness points PCSCLITE_CSOCK_NAME at a symlink in
its own directory so the path stays the same when pcscd is restarted.

One pcscd serves at most two cards: vpcd keeps its per-slot state in a table indexed by slot
number only, so a second vpcd reader in the same pcscd shares (and breaks) the first one's slots
(checked with vsmartcard-vpcd 0.8 on Debian 12). Tests that need more cards swap them.
"""

import collections
import os
import re
import signal
import subprocess

from . import paths
from .ports import free_ports
from .procs import HarnessError, Proc, wait_for

#: One card slot: the reader name pcscd shows and the TCP port a card connects to.
Slot = collections.namedtuple("Slot", "reader port")

_namespace_error = None  # cached answer of namespace_unavailable()


class NamespaceUnavailable(HarnessError):
    """No private mount namespace can be made here; tests must skip, never use a system pcscd."""


def namespace_unavailable():
    """None when `unshare -m` + a tmpfs mount work here, else the reason (cached per process)."""
    global _namespace_error
    if _namespace_error is None:
        argv = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -n -t tmpfs tmpfs /run"]
        try:
            res = subprocess.run(argv, capture_output=True, text=True, timeout=10)
            _namespace_error = "" if res.returncode == 0 else (
                f"`{' '.join(argv)}` failed (exit {res.returncode}): {res.stderr.strip()}")
        except (OSError, subprocess.TimeoutExpired) as exc:
            _namespace_error = f"cannot run unshare: {exc}"
        if _namespace_error:
            _namespace_error = ("no private mount namespace for a test pcscd (needs root or "
                                "CAP_SYS_ADMIN); a system pcscd is never used instead. "
                                + _namespace_error)
    return _namespace_error or None


def list_readers(env):
    """{reader name: card present} as `opensc-tool -l` sees them through env; {} if unreachable."""
    try:
        res = subprocess.run(["opensc-tool", "-l"], env=env, capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    readers = {}
    name_col = None
    for line in res.stdout.splitlines():
        if line.startswith("Nr.") and "Name" in line:
            name_col = line.index("Name")
            continue
        m = re.match(r"^\s*\d+\s+(Yes|No)\s", line)
        if m and name_col is not None:
            readers[line[name_col:].strip()] = m.group(1) == "Yes"
    return readers


class Pcscd:
    """pcscd in a private mount namespace serving one vpcd reader with 2 card slots."""

    FRIENDLY_NAME = "Virtual PCD"

    def __init__(self, workdir, debug=None):
        self.workdir = os.path.abspath(workdir)
        self.debug = bool(os.environ.get("EPORT_HARNESS_DEBUG")) if debug is None else debug
        self.confdir = os.path.join(self.workdir, "reader.conf.d")
        self.socket_link = os.path.join(self.workdir, "pcscd.comm")
        self.log_path = os.path.join(self.workdir, "pcscd.log")
        self.opensc_conf = os.path.join(self.workdir, "opensc.conf")
        self.port = None
        self.proc = None
        self.slot_freed_at = {}  # port -> time.monotonic() when its card last went away

    # -- configuration -------------------------------------------------------------------
    def slots(self):
        """Both card slots: ("Virtual PCD 00 00", port) and ("Virtual PCD 00 01", port + 1)."""
        name = self.FRIENDLY_NAME
        return [Slot(f"{name} 00 00", self.port), Slot(f"{name} 00 01", self.port + 1)]

    def _write_config(self):
        os.makedirs(self.confdir, exist_ok=True)
        if self.port is None:
            self.port = free_ports(2)
        with open(os.path.join(self.confdir, "vpcd"), "w") as f:
            f.write(f'FRIENDLYNAME "{self.FRIENDLY_NAME}"\n'
                    f"DEVICENAME /dev/null:{self.port}\n"
                    f"LIBPATH {paths.VPCD_DRIVER}\n"
                    f"CHANNELID {self.port}\n")
        # OpenSC's file cache is keyed by card serial: tests re-create cards with equal serials.
        with open(self.opensc_conf, "w") as f:
            f.write("app default {\n  framework pkcs15 {\n    use_file_caching = no;\n  }\n}\n")

    def _link_socket(self):
        tmp = self.socket_link + ".new"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(f"/proc/{self.proc.pid}/root/run/pcscd/pcscd.comm", tmp)
        os.replace(tmp, self.socket_link)

    # -- life cycle ----------------------------------------------------------------------
    def env(self, base=None):
        """Environment for any PC/SC client (eportd, OpenSC, yubico-piv-tool) of this pcscd."""
        env = dict(os.environ if base is None else base)
        env["PCSCLITE_CSOCK_NAME"] = self.socket_link
        env["OPENSC_CONF"] = self.opensc_conf
        return env

    def start(self, timeout=15.0):
        """Starts pcscd and waits until every vpcd reader is listed."""
        reason = namespace_unavailable()
        if reason:
            raise NamespaceUnavailable(reason)
        if not os.path.exists(paths.VPCD_DRIVER):
            raise HarnessError(f"{paths.VPCD_DRIVER} missing: install vsmartcard-vpcd")
        self._write_config()
        flags = "-f -d -a" if self.debug else "-f"
        script = ("mount -n -t tmpfs -o mode=0755 tmpfs /run && mkdir -p /run/pcscd && "
                  f"exec pcscd {flags} -c '{self.confdir}'")
        self.proc = Proc("pcscd", ["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                         log_path=self.log_path).start()
        self._link_socket()
        want = {s.reader for s in self.slots()}
        wait_for(f"pcscd to list the readers {sorted(want)}",
                 lambda: self._check_alive() and want <= set(list_readers(self.env())),
                 timeout, interval=0.1, detail=self._detail)
        return self

    def _check_alive(self):
        if not self.proc.alive():
            raise HarnessError(f"pcscd exited with status {self.proc.returncode()}:\n"
                               + self.proc.log_tail())
        return True

    def _detail(self):
        return f"pcscd log ({self.log_path}):\n{self.proc.log_tail()}"

    def stop(self):
        """Stops pcscd; its namespace and tmpfs go with it."""
        if self.proc:
            self.proc.stop()

    def kill(self):
        """SIGKILL: pcscd crashes (clients see it vanish without a clean shutdown)."""
        if self.proc:
            self.proc.stop(sig=signal.SIGKILL)

    def restart(self, timeout=15.0):
        """Stops and starts pcscd on the same ports and socket link (cards reconnect by themselves)."""
        self.stop()
        return self.start(timeout)

    def alive(self):
        """True while pcscd runs."""
        return self.proc is not None and self.proc.alive()

    @property
    def pid(self):
        """pcscd's process id (the namespace's only process)."""
        return self.proc.pid if self.proc else None

    def readers_now(self):
        """{reader: card present} right now."""
        return list_readers(self.env())

    def card_present(self, reader):
        """True when pcscd reports a card in that reader."""
        return self.readers_now().get(reader, False)
