"""Issue 11 §2: the final-try guards work on every PIV card, not only on YubiKey-like ones.

Each test runs against a YubiKey-like card (GET METADATA tells the counters) and a plain PIV card
(`eport-vcard init --plain-piv`: no YubiKey instructions, so the PUK counter is only ever known
from the card's answer to a PUK). eportd must remember the last PUK counter each card reported
(across restarts), refuse the PUK's final try without `force` — sending nothing — and say where
the figure came from. pin.change must not spend the PIN's final try without `force` either.
Wrong PINs are typed by another program (harness.pcsc_peer) so that the counters move under
eportd's feet as they do in the field.
"""

import itertools
import json
import os
import stat
import subprocess

import pytest

from harness import paths
from harness.pcsc_peer import PcscPeer

import cards_support as cs

PUK = "27182818"
SELECT = "00a4040009a0000003080000100000"
#: Every test gets a card eportd has never seen (eportd remembers PUK answers per card).
SERIALS = itertools.count(30000070)


def _pin_apdu(pin):
    return "0020008008" + (pin.encode() + b"\xff" * (8 - len(pin))).hex()


@pytest.fixture(params=["yubikey", "plain"])
def guarded(request, pcsc, daemon, make_card):
    """A card of each kind known to eportd: (card, token id, kind)."""
    kind = request.param
    serial = next(SERIALS)
    args = ["--plain-piv"] if kind == "plain" else []
    for token in cs.call(daemon, "tokens.list")["tokens"]:  # the previous test's card has left
        cs.wait_token_gone(daemon, token["id"])
    card = make_card(f"guard-{kind}", *args, serial=serial, puk=PUK, certs=["9a:p256:3650"])
    token = cs.wait_token(daemon, card)
    return card, token["id"], kind


def _wrong_pins(pcsc, card, count):
    """Another program types `count` wrong PINs."""
    with PcscPeer(pcsc.env()) as peer:
        peer.connect(card.reader)
        assert peer.transmit(SELECT)["sw"] in ("9000", "6111")
        for _ in range(count):
            assert peer.transmit(_pin_apdu("00000000"))["sw"].startswith(("63c", "6983"))


def _sent(card, mark, ins):
    return [ex for ex in card.apdus_since(mark) if cs.ins_of(ex) == ins]


def test_the_pins_state_and_the_pukS_source_are_told_for_both_kinds(guarded, daemon):
    card, tid, kind = guarded
    puk = cs.status(daemon, tid)["puk"]
    if kind == "plain":
        # nothing on the card tells it and no PUK has been tried yet: said plainly, not guessed
        assert puk == {"state": "unknown", "tries_left": None, "max_tries": None,
                       "is_default": None, "source": "none"}, puk
    else:
        assert puk["source"] == "metadata" and puk["tries_left"] == 3, puk


def test_the_pukS_final_try_is_guarded_from_the_cards_last_answer(guarded, pcsc, daemon):
    card, tid, kind = guarded
    _wrong_pins(pcsc, card, 3)
    assert cs.status(daemon, tid)["pin"]["state"] == "blocked"
    for left in (2, 1):
        err = cs.call_error(daemon, "pin.reset", {"token": tid, "puk": "11223344"})
        assert err.reason == "wrong_puk" and err.data["puk_tries_left"] == left, err
        puk = cs.status(daemon, tid)["puk"]
        assert puk["tries_left"] == left, puk
        if kind == "plain":
            assert puk["source"] == "last_answer" and puk["as_of"].endswith("Z"), puk
            assert puk["state"] == ("final_try" if left == 1 else "low"), puk
    assert cs.puk_tries_from_state(card) == 1

    for restart in (False, True):
        if restart:  # what the card said is kept across an eportd restart
            daemon.stop()
            daemon.start()
            cs.wait_token(daemon, card)
        mark = card.apdu_mark()
        err = cs.call_error(daemon, "pin.reset", {"token": tid, "puk": PUK})
        assert err.reason == "puk_final_try" and err.data["puk_tries_left"] == 1, err
        assert "nothing was sent" in err.message.lower(), err.message
        if kind == "plain":
            assert err.data["puk_source"] == "last_answer" and err.data["as_of"], err
        assert not _sent(card, mark, cs.INS_RESET_RETRY), cs.describe(card.apdus_since(mark))
        assert cs.puk_tries_from_state(card) == 1 and cs.pin_tries_from_state(card) == 0

    path = os.path.join(daemon.state_dir, "puk-counters.json")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path) as f:
        text = f.read()
    assert PUK not in text and "11223344" not in text
    if kind == "plain":
        assert json.loads(text)["tokens"][tid]["tries_left"] == 1

    result = cs.call(daemon, "pin.reset", {"token": tid, "puk": PUK, "force": True})
    assert result["pin"]["state"] == "ok"
    puk = cs.status(daemon, tid)["puk"]
    assert puk["state"] == "ok", puk  # a right PUK put the counter back to its maximum
    assert cs.puk_tries_from_state(card) == 3


def test_a_puk_blocked_in_the_cards_last_answer_is_refused_without_sending(guarded, pcsc, daemon):
    card, tid, kind = guarded
    _wrong_pins(pcsc, card, 3)
    for _ in range(2):
        cs.call_error(daemon, "pin.reset", {"token": tid, "puk": "11223344"})
    err = cs.call_error(daemon, "pin.reset", {"token": tid, "puk": "11223344", "force": True})
    assert err.reason in ("wrong_puk", "puk_blocked"), err
    assert cs.puk_tries_from_state(card) == 0
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "pin.reset", {"token": tid, "puk": PUK})
    assert err.reason == "puk_blocked", err
    assert not _sent(card, mark, cs.INS_RESET_RETRY), cs.describe(card.apdus_since(mark))
    assert cs.status(daemon, tid)["puk"]["state"] == "blocked"


def test_pin_change_does_not_spend_the_pins_final_try_without_force(guarded, pcsc, daemon):
    card, tid, kind = guarded
    _wrong_pins(pcsc, card, 2)
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "pin.change", {"token": tid, "old_pin": "88888888",
                                               "new_pin": "31415926"})
    assert err.reason == "pin_final_try" and err.data["tries_left"] == 1, err
    assert not _sent(card, mark, cs.INS_CHANGE), cs.describe(card.apdus_since(mark))
    assert cs.pin_tries_from_state(card) == 1
    result = cs.call(daemon, "pin.change", {"token": tid, "old_pin": "88888888",
                                            "new_pin": "31415926", "force": True})
    assert result["pin"]["tries_left"] == 3 and cs.pin_tries_from_state(card) == 3, result
    _wrong_pins(pcsc, card, 3)
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "pin.change", {"token": tid, "old_pin": "31415926",
                                               "new_pin": "27182818", "force": True})
    assert err.reason == "pin_blocked", err
    assert not _sent(card, mark, cs.INS_CHANGE), cs.describe(card.apdus_since(mark))


def test_eportctl_warns_before_unlocking_when_the_puk_counter_is_unknown(guarded, daemon):
    card, tid, kind = guarded
    res = subprocess.run([paths.built("eportctl"), "--socket", daemon.socket_path, "unlock", tid,
                          "--puk-stdin"], input=PUK + "\n", capture_output=True, text=True,
                         timeout=60, env={"LANG": "C.UTF-8", "PATH": os.environ["PATH"]})
    assert res.returncode == 0, res.stdout + res.stderr
    warned = "does not tell how many PUK tries are left" in res.stderr
    assert warned == (kind == "plain"), res.stderr
