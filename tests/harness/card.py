"""A virtual card (`eport-vcard`) in one vpcd slot: personalise, insert, remove, restart."""

import collections
import os
import re
import subprocess
import sys
import time

from . import paths
from .procs import HarnessError, Proc, wait_for

#: One line of the card's APDU log. eport-vcard masks secret data (PIN, PUK, keys) as `xx`;
#: those bytes read as 00 here and `masked` is True.
Exchange = collections.namedtuple("Exchange", "time command response masked")

DEFAULT_PIN = "88888888"
DEFAULT_PUK = "12345678"
DEFAULT_MGM_KEY = "010203040506070801020304050607080102030405060708"

#: Seconds a slot stays empty before the next card goes in. A card that drops its connection in
#: the middle of a session looks absent to clients at once, but pcscd's status thread (400 ms
#: poll) has not processed the removal yet; a card connecting in that window is accepted by
#: vpcd and then never reported present (pcscd 1.9.9 + vpcd 0.8, reproducible).
REINSERT_GAP = 0.5


def vcard_program():
    """Path of eport-vcard in the build tree; HarnessError naming the target when not built."""
    path = paths.built("eport-vcard")
    if not path:
        raise HarnessError(f"{paths.build_dir()}/bin/eport-vcard is not built: "
                           "run `cmake --build <build> --target eport-vcard`")
    return path


def init_args(serial=None, pin=None, puk=None, management_key=None, pin_tries=None,
              puk_tries=None, certs=(), ca_key=None, ca_cert=None, subject=None, extra=()):
    """The `eport-vcard init` options for these settings (None = the card's default)."""
    args = []
    for flag, value in (("--serial", serial), ("--pin", pin), ("--puk", puk),
                        ("--management-key", management_key), ("--pin-tries", pin_tries),
                        ("--puk-tries", puk_tries), ("--ca-key", ca_key),
                        ("--ca-cert", ca_cert), ("--subject", subject)):
        if value is not None:
            args += [flag, str(value)]
    for cert in certs:
        args += ["--cert", cert]
    return args + list(extra)


class Card:
    """One eport-vcard process plugged into one slot of the private pcscd."""

    def __init__(self, pcscd, slot, workdir, name="card", program=None):
        self.pcscd = pcscd
        self.slot = slot
        self.name = name
        self.workdir = os.path.abspath(workdir)
        os.makedirs(self.workdir, exist_ok=True)
        self.state_path = os.path.join(self.workdir, "state")
        self.apdu_log_path = os.path.join(self.workdir, "apdu.log")
        self.log_path = os.path.join(self.workdir, "run.log")
        self.program = program  # argv prefix instead of eport-vcard (harness self-tests)
        self.run_args = []
        self.proc = None

    @property
    def reader(self):
        """The reader name pcscd shows for this card's slot, e.g. "Virtual PCD 00 00"."""
        return self.slot.reader

    def __repr__(self):
        return f"<Card {self.name} in {self.reader!r}>"

    # -- personalisation -----------------------------------------------------------------
    def init(self, *args, **settings):
        """Runs `eport-vcard init` with raw args and/or init_args() settings; returns its output."""
        argv = [vcard_program(), "init", "--state", self.state_path] + list(args) \
            + init_args(**settings)
        res = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        with open(os.path.join(self.workdir, "init.log"), "a") as f:
            f.write(f"$ {' '.join(argv)}\n{res.stdout}{res.stderr}")
        if res.returncode != 0:
            raise HarnessError(f"eport-vcard init for card {self.name} failed "
                               f"(exit {res.returncode}):\n{res.stdout}{res.stderr}")
        return res.stdout

    # -- insertion and removal -----------------------------------------------------------
    def insert(self, *run_args, drop_after=None, mute_after=None, delay_ms=None, wait=True,
               timeout=10.0):
        """Starts `eport-vcard run` on the slot's port and waits until pcscd sees the card."""
        if self.alive():
            raise HarnessError(f"card {self.name} is already inserted")
        if self.proc:  # ended by itself (--drop-after): reap it before starting again
            self.proc.stop()
            self._mark_slot_empty()
        freed = self.pcscd.slot_freed_at.get(self.slot.port)
        if freed is not None:
            time.sleep(max(0.0, REINSERT_GAP - (time.monotonic() - freed)))
        extra = list(run_args)
        for flag, value in (("--drop-after", drop_after), ("--mute-after", mute_after),
                            ("--delay-ms", delay_ms)):
            if value is not None:
                extra += [flag, str(value)]
        self.run_args = extra
        vpcd = f"127.0.0.1:{self.slot.port}"
        if self.program:
            argv = list(self.program) + ["--vpcd", vpcd] + extra
        else:
            argv = [vcard_program(), "run", "--state", self.state_path, "--vpcd", vpcd,
                    "--apdu-log", self.apdu_log_path] + extra
        self.proc = Proc(f"card {self.name}", argv, log_path=self.log_path,
                         env=_python_env()).start()
        if wait:
            self.wait_present(timeout)
        return self

    def remove(self, wait=True, timeout=10.0):
        """Pulls the card: stops the process (its socket closes) and waits until pcscd notices."""
        if self.proc:
            self.proc.stop()
            self.proc = None
            self._mark_slot_empty()
        if wait and self.pcscd.alive():  # with pcscd down there is nobody to notice
            wait_for(f"pcscd to see card {self.name} removed from {self.reader!r}",
                     lambda: not self.pcscd.card_present(self.reader), timeout, interval=0.1)
        return self

    def restart(self, timeout=10.0):
        """Removes and re-inserts the card with the same run options (a power cycle)."""
        self.remove(timeout=timeout)
        return self.insert(*self.run_args, timeout=timeout)

    def _mark_slot_empty(self):
        self.pcscd.slot_freed_at[self.slot.port] = time.monotonic()

    def alive(self):
        """True while the card process runs."""
        return self.proc is not None and self.proc.alive()

    def present(self):
        """True when pcscd reports the card in its reader."""
        return self.pcscd.card_present(self.reader)

    def wait_present(self, timeout=10.0):
        """Waits until pcscd reports the card; fails early with the card's log if it died."""
        def ready():
            if not self.alive():
                raise HarnessError(
                    f"card {self.name} exited with status {self.proc.returncode()}:\n"
                    + self.proc.log_tail())
            return self.present()
        wait_for(f"pcscd to see card {self.name} in {self.reader!r}", ready, timeout,
                 interval=0.1, detail=lambda: f"card log ({self.log_path}):\n"
                 + self.proc.log_tail() + f"\nreaders: {self.pcscd.readers_now()}")
        return self

    # -- APDU log ------------------------------------------------------------------------
    def apdu_log(self):
        """Every exchange the card logged so far, oldest first."""
        if not os.path.exists(self.apdu_log_path):
            return []
        out = []
        with open(self.apdu_log_path) as f:
            for line in f:
                ex = parse_apdu_line(line)
                if ex:
                    out.append(ex)
        return out

    def control_events(self):
        """(index, event) for each line of the APDU log that is not an exchange: what vpcd did to
        the card without an APDU ("power-off", "power-on", "reset"). `index` is the number of
        exchanges logged before it, comparable with apdu_mark()."""
        if not os.path.exists(self.apdu_log_path):
            return []
        out, exchanges = [], 0
        with open(self.apdu_log_path) as f:
            for line in f:
                if parse_apdu_line(line):
                    exchanges += 1
                elif len(line.split()) == 2:
                    out.append((exchanges, line.split()[1]))
        return out

    def apdu_mark(self):
        """A position in the APDU log; pass it to apdus_since() to see what came after."""
        return len(self.apdu_log())

    def apdus_since(self, mark):
        """The exchanges logged after apdu_mark() returned mark."""
        return self.apdu_log()[mark:]


_HEX = re.compile(r"^[0-9A-Fa-f]+$")


def parse_apdu_line(line):
    """One APDU log line -> Exchange(time, command bytes, response bytes), or None.

    Accepted: `TIME CMDHEX RESPHEX` (whitespace separated) or `TIME CMD -> RESP` where the hex
    may be grouped with spaces or colons.
    """
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    if "->" in line:
        left, _, right = line.partition("->")
        time_, _, cmd = left.strip().partition(" ")
        resp = right
    else:
        fields = line.split()
        if len(fields) != 3:
            return None
        time_, cmd, resp = fields
    cmd, resp = (re.sub(r"[\s:]", "", x) for x in (cmd, resp))
    masked = "x" in cmd.lower()
    cmd = re.sub("[xX]", "0", cmd)
    if not (_HEX.match(cmd) and _HEX.match(resp)) or len(cmd) % 2 or len(resp) % 2:
        return None
    return Exchange(time_, bytes.fromhex(cmd), bytes.fromhex(resp), masked)


def _python_env():
    """Environment for card processes (the fake card is a Python module under tests/)."""
    env = dict(os.environ)
    tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = tests_dir + (os.pathsep + env["PYTHONPATH"]
                                     if env.get("PYTHONPATH") else "")
    return env


def fake_card_program():
    """argv prefix that runs harness.fakecard instead of eport-vcard."""
    return [sys.executable, "-m", "harness.fakecard"]
