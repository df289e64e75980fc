"""pytest set-up for the card end-to-end suites (issues 4 and 5): the harness fixtures (private
pcscd, eport-vcard cards, eportd) plus a module-wide eportd and certificate factory."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness.fixtures import *  # noqa: E402,F401,F403  (pcsc, make_card, card, eportd, piv_tools)
from harness.procs import HarnessError  # noqa: E402

from cards_support import CertFactory  # noqa: E402


def start_daemon(pcsc, config=None):
    """An eportd on the module's private pcscd (fails the test when it does not come up)."""
    try:
        return pcsc.eportd(config=config or {})
    except HarnessError as exc:
        pytest.fail(str(exc))


def stop_daemon(pcsc, daemon, failed=False):
    """Stops an eportd; prints the tail of its log when something failed."""
    if failed and os.path.exists(daemon.log_path):
        with open(daemon.log_path, errors="replace") as f:
            print("--- eportd log:", "".join(f.readlines()[-60:]))
    daemon.stop()
    if daemon in pcsc.daemons:
        pcsc.daemons.remove(daemon)


@pytest.fixture(scope="module")
def daemon(pcsc, request, tmp_path_factory):
    """One eportd shared by the tests of a module (tests that restart it restart this one).
    A module's EPORTD_CONFIG (a dict, or a function of a scratch directory returning one) is
    merged into the harness config."""
    config = getattr(request.module, "EPORTD_CONFIG", None)
    if callable(config):
        config = config(str(tmp_path_factory.mktemp("eportd-config")))
    d = start_daemon(pcsc, config)
    yield d
    stop_daemon(pcsc, d, request.session.testsfailed > 0)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """A CertFactory (test CA, keys, certificates) for the module."""
    return CertFactory(tmp_path_factory.mktemp("certs"))
