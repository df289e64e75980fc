"""pytest set-up for the monitoring suites (issue 16): the harness fixtures (private pcscd,
eport-vcard cards, eportd) and the helpers in monitoring_support.py."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness.fixtures import *  # noqa: E402,F401,F403  (pcsc, make_card, card, eportd, piv_tools)
