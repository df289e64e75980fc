"""pytest set-up for the web suites: the harness fixtures and the card suites' helpers."""

import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _here)
sys.path.insert(0, os.path.join(_here, "..", "cards"))

from harness.fixtures import *  # noqa: E402,F401,F403  (pcsc, make_card, card, eportd, piv_tools)
