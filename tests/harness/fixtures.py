"""pytest fixtures over the harness. In a suite's conftest.py: `from harness.fixtures import *`.

- `pcsc`      (module scope) a running Harness: private pcscd with two vpcd slots
- `make_card` factory: make_card("name", certs=[...], pin=..., ...) -> inserted Card
- `card`      one fresh default card with an RSA-2048 key and certificate in 9A
- `eportd`    an eportd from the build tree on a temporary socket, using the private pcscd
- `piv_tools` factory: piv_tools(card) -> PivTools (yubico-piv-tool, OpenSC, openssl helpers)

A failed test prints the tail of each card's APDU log and process log in its teardown output.
"""

import os
import shutil

import pytest

from .card import vcard_program
from .pcscd import namespace_unavailable
from .piv_tools import PivTools
from .procs import HarnessError
from .stack import Harness

__all__ = ["pcsc", "make_card", "card", "eportd", "piv_tools", "pytest_runtest_makereport"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remembers each phase's outcome on the test item so fixtures can tell a failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


def _failed(request):
    rep = getattr(request.node, "rep_call", None)
    return rep is not None and rep.failed


@pytest.fixture(scope="module")
def pcsc():
    """A private pcscd for the module's tests; skipped when no mount namespace can be made."""
    reason = namespace_unavailable()
    if reason:
        pytest.skip(reason)
    try:
        vcard_program()
    except HarnessError as exc:
        pytest.fail(str(exc))
    with Harness() as h:
        yield h


def _dump(card):
    print(f"--- card {card.name} in {card.reader!r}: {card.workdir}")
    for ex in card.apdu_log()[-25:]:
        print(f"  {ex.time}  {ex.command.hex()}  ->  {ex.response.hex()}")
    if os.path.exists(card.log_path):
        with open(card.log_path, errors="replace") as f:
            print("  run.log:", "".join(f.readlines()[-15:]))


@pytest.fixture
def make_card(pcsc, request):
    """Factory for cards; every card it made is pulled out after the test."""
    made = []

    def make(name=None, *init_args, **kwargs):
        card = pcsc.card(name or f"card{len(made)}", *init_args, **kwargs)
        made.append(card)
        return card

    yield make
    for card in made:
        if _failed(request):
            _dump(card)
        pcsc.discard(card)
    for name in [c.name for c in made]:  # names may be reused by the next test
        shutil.rmtree(os.path.join(pcsc.workdir, "cards", name), ignore_errors=True)


@pytest.fixture
def card(make_card):
    """A fresh card with default PIN/PUK/management key and an RSA-2048 9A certificate."""
    return make_card("card", certs=["9a:rsa2048:3650"])


@pytest.fixture
def eportd(pcsc, request):
    """eportd from the build tree on a temporary socket (fails the test if it is not built)."""
    try:
        daemon = pcsc.eportd()
    except HarnessError as exc:
        pytest.fail(str(exc))
    yield daemon
    if _failed(request) and os.path.exists(daemon.log_path):
        with open(daemon.log_path, errors="replace") as f:
            print("--- eportd log:", "".join(f.readlines()[-40:]))
    daemon.stop()
    if daemon in pcsc.daemons:
        pcsc.daemons.remove(daemon)


@pytest.fixture
def piv_tools(pcsc, tmp_path):
    """Factory: piv_tools(card) -> PivTools with a scratch directory under tmp_path."""
    return lambda card: PivTools(pcsc, card, str(tmp_path / f"tools-{card.name}"))
