"""Test harness: a private pcscd in its own mount namespace, eport-vcard cards, and eportd.

Python stdlib only. Typical use (PYTHONPATH=tests):

    import harness
    with harness.Harness() as h:
        card = h.card("alice", certs=["9a:rsa2048:3650"])
        out = h.run(["yubico-piv-tool", "-r", card.reader, "-a", "status"])
        daemon = h.eportd()

pytest fixtures live in harness.fixtures; the shell front end is tests/harness/eport-harness.
"""

from .card import (DEFAULT_MGM_KEY, DEFAULT_PIN, DEFAULT_PUK, Card, Exchange, fake_card_program,
                   init_args, parse_apdu_line)
from .eportd import Eportd, call_socket
from .paths import build_dir, built, opensc_pkcs11, plugin_dir
from .pcscd import NamespaceUnavailable, Pcscd, Slot, namespace_unavailable
from .ports import free_ports
from .procs import HarnessError, Proc, stop_all, wait_for
from .stack import Harness, current


def env(base=None):
    """Environment for subprocesses (eportd, yubico-piv-tool, pkcs15-tool, pkcs11-tool ...)
    that must talk to the private pcscd of the most recently started Harness."""
    return current().env(base)


__all__ = [
    "Card", "DEFAULT_MGM_KEY", "DEFAULT_PIN", "DEFAULT_PUK", "Eportd", "Exchange", "Harness",
    "HarnessError", "NamespaceUnavailable", "Pcscd", "Proc", "Slot", "build_dir", "built",
    "call_socket", "current", "env", "fake_card_program", "free_ports", "init_args",
    "namespace_unavailable", "opensc_pkcs11", "parse_apdu_line", "plugin_dir", "stop_all",
    "wait_for",
]
