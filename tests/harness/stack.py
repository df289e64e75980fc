"""The whole test stack: private pcscd, virtual cards in its slots, eportd — one context manager."""

import os
import shutil
import subprocess
import tempfile

from .card import Card
from .eportd import Eportd
from .pcscd import Pcscd
from .procs import HarnessError, on_teardown, remove_teardown

_DIR_PREFIX = "eport-h-"

_open = []  # open Harness objects, newest last (for the module-level env())


class Harness:
    """Owns a work directory, a private pcscd and everything plugged into it.

    with Harness() as h:
        card = h.card("alice", certs=["9a:rsa2048:3650"])
        h.run(["yubico-piv-tool", "-r", card.reader, "-a", "status"])
    """

    def __init__(self, workdir=None, debug=None, keep=None):
        self.own_dir = workdir is None
        if self.own_dir:
            _remove_stale_dirs()
        self.workdir = os.path.abspath(workdir or tempfile.mkdtemp(prefix=_DIR_PREFIX))
        os.makedirs(self.workdir, exist_ok=True)
        with open(os.path.join(self.workdir, "owner.pid"), "w") as f:
            f.write(f"{os.getpid()}\n")
        self.keep = bool(os.environ.get("EPORT_HARNESS_KEEP")) if keep is None else keep
        if self.keep:  # kept for debugging: the stale-dir sweep leaves it alone
            open(os.path.join(self.workdir, "keep"), "w").close()
        self.pcscd = Pcscd(os.path.join(self.workdir, "pcscd"), debug=debug)
        self.cards = {}      # name -> Card
        self.daemons = []    # Eportd objects
        self.started = False

    # -- context manager -------------------------------------------------------------------
    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
        return False

    def start(self):
        """Starts pcscd (cards and eportd come later, on demand)."""
        os.makedirs(self.pcscd.workdir, exist_ok=True)
        try:
            self.pcscd.start()
        except BaseException:
            self.close()
            raise
        self.started = True
        _open.append(self)
        on_teardown(self.close)
        return self

    def close(self):
        """Stops eportd, the cards and pcscd (in that order); removes the work dir it made."""
        for daemon in reversed(self.daemons):
            daemon.stop()
        self.daemons.clear()
        for card in list(self.cards.values()):
            if card.proc:
                card.proc.stop()
        self.cards.clear()
        self.pcscd.stop()
        if self in _open:
            _open.remove(self)
        remove_teardown(self.close)
        if self.own_dir and not self.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # -- environment -----------------------------------------------------------------------
    def env(self, base=None):
        """Environment for a subprocess that must use the private pcscd."""
        return self.pcscd.env(base)

    def run(self, argv, check=False, timeout=60, input=None, env=None):
        """Runs a client program against the private pcscd; returns a text CompletedProcess."""
        res = subprocess.run([str(a) for a in argv], env=env or self.env(), input=input,
                             capture_output=True, text=True, timeout=timeout)
        if check and res.returncode != 0:
            raise HarnessError(f"{' '.join(map(str, argv))} failed (exit {res.returncode}):\n"
                               f"{res.stdout}{res.stderr}")
        return res

    # -- cards -----------------------------------------------------------------------------
    def free_slot(self):
        """The first slot no card occupies."""
        used = {c.slot for c in self.cards.values()}
        for slot in self.pcscd.slots():
            if slot not in used:
                return slot
        raise HarnessError("both vpcd slots are in use (one pcscd serves at most 2 cards): "
                           "discard() a card first")

    def card(self, name, *init_args, insert=True, init=True, run_args=(), program=None,
             slot=None, **settings):
        """Personalises a new card (eport-vcard init) in a free slot and inserts it."""
        if name in self.cards:
            raise HarnessError(f"a card named {name!r} exists already")
        card = Card(self.pcscd, slot or self.free_slot(),
                    os.path.join(self.workdir, "cards", name), name=name, program=program)
        self.cards[name] = card
        try:
            if init and not program:
                card.init(*init_args, **settings)
            if insert:
                card.insert(*run_args)
        except BaseException:
            self.discard(card)
            raise
        return card

    def discard(self, card):
        """Pulls a card out for good and frees its slot once pcscd has seen the slot empty
        (a card inserted at once would otherwise look like the old one never left)."""
        try:
            if card.proc:
                card.remove()
        finally:
            card.proc = None
            self.cards.pop(card.name, None)

    # -- eportd ----------------------------------------------------------------------------
    def eportd(self, name=None, start=True, **kwargs):
        """An eportd on a socket in the work dir (eportd-N/), using the private pcscd."""
        kwargs.setdefault("env", self.env())
        if name is None:
            n = 1
            while os.path.exists(os.path.join(self.workdir, f"eportd-{n}")):
                n += 1
            name = f"eportd-{n}"
        daemon = Eportd(os.path.join(self.workdir, name), **kwargs)
        self.daemons.append(daemon)
        if start:
            daemon.start()
        return daemon


def current():
    """The most recently started Harness that is still open."""
    if not _open:
        raise HarnessError("no harness is running")
    return _open[-1]


def _remove_stale_dirs():
    """Removes work dirs of harnesses that were SIGKILLed (their owner pid is gone)."""
    tmp = tempfile.gettempdir()
    for entry in os.listdir(tmp):
        if not entry.startswith(_DIR_PREFIX):
            continue
        path = os.path.join(tmp, entry)
        try:
            with open(os.path.join(path, "owner.pid")) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            continue
        if not os.path.exists(f"/proc/{pid}") and not os.path.exists(os.path.join(path, "keep")):
            shutil.rmtree(path, ignore_errors=True)
