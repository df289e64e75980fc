"""Issue 14, pin.verify through the Unix socket against the real stack (private pcscd, vpcd,
eport-vcard): a right PIN verifies and the card is left NOT verified (VERIFY P1=FF right after
the VERIFY, and another program's empty VERIFY answers 63Cx); a wrong PIN costs exactly one try
and says how many are left; the PIN's final try is refused without `force` and nothing reaches
the card; a blocked PIN likewise; every attempt is audited and no PIN is written anywhere. Runs
on a YubiKey-like card (GET METADATA) and a plain PIV card (empty VERIFY for the counter)."""

import itertools

import pytest

from harness.pcsc_peer import PcscPeer

import cards_support as cs

PIN = "88888888"
WRONG = "13579246"  # easy to spot if it leaks anywhere
SELECT = "00a4040009a0000003080000100000"
VERIFY_STATUS = "0020008000"
CLEAR = bytes.fromhex("0020ff80")
SERIALS = itertools.count(30000140)


@pytest.fixture(params=["yubikey", "plain"])
def fresh(request, pcsc, daemon, make_card):
    """A new card of each kind known to eportd: (card, token id)."""
    for token in cs.call(daemon, "tokens.list")["tokens"]:
        cs.wait_token_gone(daemon, token["id"])
    args = ["--plain-piv"] if request.param == "plain" else []
    card = make_card(f"verify-{request.param}", *args, serial=next(SERIALS), certs=["9a:p256:3650"])
    return card, cs.wait_token(daemon, card)["id"]


def _pin_verifies(sent):
    """The VERIFY commands that carried a PIN (not the empty status VERIFY, not P1=FF)."""
    return [ex for ex in sent if cs.ins_of(ex) == cs.INS_VERIFY and ex.command[2] == 0x00
            and len(ex.command) > 5]


def _cleared_right_after_the_verify(sent):
    verifies = [i for i, ex in enumerate(sent) if ex in _pin_verifies(sent)]
    assert len(verifies) == 1, cs.describe(sent)
    return verifies[0] + 1 < len(sent) and sent[verifies[0] + 1].command == CLEAR


def _another_program_verify_status(pcsc, card):
    """What another program's empty VERIFY answers right away (9000 = the card is verified)."""
    with PcscPeer(pcsc.env()) as peer:
        peer.connect(card.reader)
        peer.begin()
        assert peer.transmit(SELECT)["sw"] == "9000"
        sw = peer.transmit(VERIFY_STATUS)["sw"]
        peer.end()
    return sw


def _verify_records(daemon, tid):
    return [r for r in cs.audit_records(daemon, 1000) if r["method"] == "pin.verify" and r["token"] == tid]


def test_a_right_pin_verifies_and_leaves_the_card_unverified(fresh, pcsc, daemon):
    card, tid = fresh
    records = len(_verify_records(daemon, tid))
    mark = card.apdu_mark()
    result = cs.call(daemon, "pin.verify", {"token": tid, "pin": PIN})
    sent = card.apdus_since(mark)
    assert result["verified"] is True and result["blocked"] is False, result
    assert result["tries_left"] == 3 and result["pin"]["tries_left"] == 3, result
    assert result["pin"]["state"] == "ok", result
    assert _cleared_right_after_the_verify(sent), cs.describe(sent)
    assert cs.sw_of(_pin_verifies(sent)[0]) == 0x9000
    sw = _another_program_verify_status(pcsc, card)
    assert sw == "63c3", f"another program finds the card PIN-verified: {sw}"
    mine = _verify_records(daemon, tid)[records:]
    assert [r["outcome"] for r in mine] == ["attempt", "ok"], mine
    assert mine[0]["job"] == mine[1]["job"] == result["job"], (mine, result)


def test_a_wrong_pin_costs_exactly_one_try_and_says_how_many_are_left(fresh, pcsc, daemon):
    card, tid = fresh
    with daemon.client(timeout=20.0) as sub:
        sub.call("events.subscribe", {"topics": ["pin.changed"]})
        mark = card.apdu_mark()
        err = cs.call_error(daemon, "pin.verify", {"token": tid, "pin": WRONG})
        sent = card.apdus_since(mark)
        assert err.reason == "wrong_pin" and err.data["tries_left"] == 2, err
        assert cs.pin_tries_from_state(card) == 2
        assert len(_pin_verifies(sent)) == 1, cs.describe(sent)  # never retried
        assert cs.sw_of(_pin_verifies(sent)[0]) == 0x63C2
        assert _cleared_right_after_the_verify(sent), cs.describe(sent)
        event = sub.wait_notification("event", timeout=10.0,
                                      predicate=lambda n: n["params"].get("topic") == "pin.changed"
                                      and n["params"].get("token") == tid)
        assert event["params"]["pin"]["tries_left"] == 2
    assert cs.status(daemon, tid)["pin"]["tries_left"] == 2
    err = cs.call_error(daemon, "pin.verify", {"token": tid, "pin": WRONG})
    assert err.reason == "wrong_pin" and err.data["tries_left"] == 1, err
    assert "one PIN try is left" in err.message, err.message
    assert cs.pin_tries_from_state(card) == 1
    assert _another_program_verify_status(pcsc, card) == "63c1"


def test_the_final_try_is_refused_without_force_and_nothing_is_sent(fresh, daemon):
    card, tid = fresh
    for left in (2, 1):
        err = cs.call_error(daemon, "pin.verify", {"token": tid, "pin": WRONG})
        assert err.data["tries_left"] == left, err
    records = len(_verify_records(daemon, tid))
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "pin.verify", {"token": tid, "pin": PIN})
    sent = card.apdus_since(mark)
    assert err.reason == "pin_final_try" and err.data["tries_left"] == 1, err
    assert _pin_verifies(sent) == [], cs.describe(sent)
    assert cs.pin_tries_from_state(card) == 1
    assert [r["outcome"] for r in _verify_records(daemon, tid)[records:]] == ["attempt", "error"]
    # with force the final try goes out; the right PIN puts the counter back
    result = cs.call(daemon, "pin.verify", {"token": tid, "pin": PIN, "force": True})
    assert result["verified"] is True and result["tries_left"] == 3, result
    assert cs.pin_tries_from_state(card) == 3


def test_a_blocked_pin_is_refused_without_a_verify(fresh, daemon):
    card, tid = fresh
    for _ in range(2):
        cs.call_error(daemon, "pin.verify", {"token": tid, "pin": WRONG})
    err = cs.call_error(daemon, "pin.verify", {"token": tid, "pin": WRONG, "force": True})
    assert err.reason in ("wrong_pin", "pin_blocked"), err
    assert "blocked" in err.message, err.message
    assert cs.pin_tries_from_state(card) == 0
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "pin.verify", {"token": tid, "pin": PIN, "force": True})
    assert err.reason == "pin_blocked", err
    assert _pin_verifies(card.apdus_since(mark)) == []


def test_bad_params_are_refused_before_anything_reaches_the_card(fresh, daemon):
    card, tid = fresh
    mark = card.apdu_mark()
    for params in ({"token": tid}, {"token": tid, "pin": ""}, {"token": tid, "pin": 12345678},
                   {"token": tid, "pin": "123456789"}):
        err = cs.call_error(daemon, "pin.verify", params)
        assert err.code == -32602, (params, err)
    assert _pin_verifies(card.apdus_since(mark)) == []
    assert cs.pin_tries_from_state(card) == 3


def test_no_pin_is_written_to_the_audit_file_or_the_log(fresh, daemon):
    card, tid = fresh
    cs.call_error(daemon, "pin.verify", {"token": tid, "pin": WRONG})
    cs.call(daemon, "pin.verify", {"token": tid, "pin": PIN})
    audit, log = cs.audit_file(daemon), cs.daemon_log(daemon)
    for text, where in ((audit, "audit file"), (log, "eportd log")):
        assert WRONG not in text, f"a PIN found in the {where}"
        assert WRONG.encode().hex() not in text.lower(), f"hex of a PIN in the {where}"
