"""pytest set-up for the eportctl suites: the harness fixtures (private pcscd, cards, eportd)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness.fixtures import *  # noqa: E402,F401,F403  (pcsc, make_card, card, eportd, piv_tools)
