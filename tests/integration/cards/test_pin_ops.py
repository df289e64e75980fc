"""Issue 5, PIN side: pin.reset with the PUK (blocked PIN back to 88888888), a wrong PUK, the PUK's
final try, a blocked PUK, pin.change — checked against the card's own counters, the APDU log,
yubico-piv-tool, the audit trail and the pin.changed events. Secrets must appear nowhere."""

import pytest

from harness.piv_tools import PivTools

import cards_support as cs

PUK = "27182818"       # not the card default: easy to spot if it leaks anywhere
SERIAL = 30000001      # 0x01c9c381


def _subscriber(daemon):
    client = daemon.client(timeout=20.0)
    client.call("events.subscribe", {"topics": ["pin.changed"]})
    return client


def _pin_changed(client, tid):
    note = client.wait_notification(
        "event", timeout=10.0,
        predicate=lambda n: n["params"].get("topic") == "pin.changed"
        and n["params"].get("token") == tid)
    return note["params"]


@pytest.fixture
def fresh(pcsc, daemon, make_card, tmp_path):
    """A new card (PUK 27182818) known to eportd: (card, tools, token id)."""
    cs.wait_token_gone(daemon, cs.token_id(SERIAL))  # the previous test's card has left
    card = make_card("pins", serial=SERIAL, puk=PUK, certs=["9a:p256:3650"])
    tools = PivTools(pcsc, card, str(tmp_path / "tools"))
    tid = cs.wait_token(daemon, card)["id"]
    return card, tools, tid


def _audit_count(daemon, method):
    return len(cs.outcome_records(daemon, method))


def _spend_puk_tries(tools, n):
    """Wrong PUKs through yubico-piv-tool (another program)."""
    for _ in range(n):
        res = tools.ykpiv("-a", "unblock-pin", "-P", "00000000", "-N", "55555555")
        assert res.returncode != 0, res.out


def test_a_pin_blocked_by_ykpiv_is_unlocked_to_88888888(fresh, daemon):
    card, tools, tid = fresh
    cs.block_pin_with_ykpiv(tools)
    assert cs.status(daemon, tid)["pin"]["state"] == "blocked"
    before = _audit_count(daemon, "pin.reset")
    with _subscriber(daemon) as sub:
        result = cs.call(daemon, "pin.reset", {"token": tid, "puk": PUK})
        event = _pin_changed(sub, tid)
    pin = result["pin"]
    assert pin["state"] == "ok" and pin["tries_left"] == pin["max_tries"] == 3, pin
    assert pin["is_default"] is True, pin
    assert event["pin"] == pin
    assert _audit_count(daemon, "pin.reset") == before + 1
    res = tools.ykpiv("-a", "verify-pin", "-P", "88888888")
    assert res.returncode == 0, res.out
    assert cs.puk_tries_from_state(card) == 3


def test_a_wrong_puk_says_wrong_puk_and_costs_exactly_one_try(fresh, daemon):
    card, tools, tid = fresh
    cs.block_pin_with_ykpiv(tools)
    before = cs.puk_tries_from_state(card)
    audits = _audit_count(daemon, "pin.reset")
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "pin.reset", {"token": tid, "puk": "11223344"})
    assert err.reason == "wrong_puk", err
    assert err.data["puk_tries_left"] == before - 1, err
    assert cs.puk_tries_from_state(card) == before - 1
    sent = card.apdus_since(mark)
    assert sum(cs.ins_of(ex) == cs.INS_RESET_RETRY for ex in sent) == 1, cs.describe(sent)
    assert _audit_count(daemon, "pin.reset") == audits + 1
    assert cs.status(daemon, tid)["puk"]["tries_left"] == before - 1
    assert tools.yk_pin_tries() == 0  # still blocked


def test_the_final_puk_try_is_refused_without_force_and_nothing_is_sent(fresh, daemon):
    card, tools, tid = fresh
    cs.block_pin_with_ykpiv(tools)
    _spend_puk_tries(tools, 2)
    assert cs.puk_tries_from_state(card) == 1
    audits = _audit_count(daemon, "pin.reset")
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "pin.reset", {"token": tid, "puk": PUK})
    assert err.reason == "puk_final_try" and err.data["puk_tries_left"] == 1, err
    sent = card.apdus_since(mark)
    assert not [ex for ex in sent if cs.ins_of(ex) == cs.INS_RESET_RETRY], cs.describe(sent)
    assert cs.puk_tries_from_state(card) == 1
    assert _audit_count(daemon, "pin.reset") == audits + 1

    result = cs.call(daemon, "pin.reset", {"token": tid, "puk": PUK, "force": True})
    assert result["pin"]["state"] == "ok" and result["pin"]["tries_left"] == 3
    assert tools.ykpiv("-a", "verify-pin", "-P", "88888888").returncode == 0


def test_a_blocked_puk_says_the_card_must_be_replaced_and_sends_nothing(fresh, daemon):
    card, tools, tid = fresh
    cs.block_pin_with_ykpiv(tools)
    _spend_puk_tries(tools, 2)
    err = cs.call_error(daemon, "pin.reset", {"token": tid, "puk": "11223344", "force": True})
    assert err.reason in ("wrong_puk", "puk_blocked"), err
    if err.reason == "wrong_puk":
        assert err.data["puk_tries_left"] == 0, err
    assert cs.puk_tries_from_state(card) == 0
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "pin.reset", {"token": tid, "puk": PUK, "force": True})
    assert err.reason == "puk_blocked", err
    assert "replace" in err.message.lower(), err.message
    sent = card.apdus_since(mark)
    assert not [ex for ex in sent if cs.ins_of(ex) == cs.INS_RESET_RETRY], cs.describe(sent)


def test_pin_change_checks_rules_counts_wrong_pins_and_changes(fresh, daemon):
    card, tools, tid = fresh
    audits = _audit_count(daemon, "pin.change")
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "pin.change", {"token": tid, "old_pin": "88888888",
                                               "new_pin": "12345"})
    assert err.reason == "invalid_pin", err
    assert err.data["min_length"] == 6 and err.data["max_length"] == 8, err  # the driver's rule
    # Only reads that spend no try (the PIN's state, which states the rule) may go out.
    sent = card.apdus_since(mark)
    assert not [ex for ex in sent if cs.ins_of(ex) in (cs.INS_CHANGE, cs.INS_VERIFY)
                and len(ex.command) > 5], cs.describe(sent)
    assert cs.pin_tries_from_state(card) == 3
    with _subscriber(daemon) as sub:
        err = cs.call_error(daemon, "pin.change", {"token": tid, "old_pin": "00000000",
                                                   "new_pin": "31415926"})
        assert err.reason == "wrong_pin" and err.data["tries_left"] == 2, err
        assert cs.pin_tries_from_state(card) == 2
        assert _pin_changed(sub, tid)["pin"]["tries_left"] == 2
        result = cs.call(daemon, "pin.change", {"token": tid, "old_pin": "88888888",
                                                "new_pin": "31415926"})
        assert result["pin"]["tries_left"] == 3 and result["pin"]["is_default"] is False, result
        assert _pin_changed(sub, tid)["pin"] == result["pin"]
    assert _audit_count(daemon, "pin.change") == audits + 3
    assert tools.ykpiv("-a", "verify-pin", "-P", "31415926").returncode == 0


def test_no_pin_or_puk_is_written_to_the_audit_file_or_the_log(fresh, daemon):
    card, tools, tid = fresh
    cs.call_error(daemon, "pin.reset", {"token": tid, "puk": "90817263"})
    cs.call(daemon, "pin.reset", {"token": tid, "puk": PUK, "new_pin": "64646464"})
    cs.call(daemon, "pin.change", {"token": tid, "old_pin": "64646464", "new_pin": "75757575"})
    audit, log = cs.audit_file(daemon), cs.daemon_log(daemon)
    assert audit, "no audit file in the state directory"
    for secret in (PUK, "90817263", "64646464", "75757575"):
        for text, where in ((audit, "audit file"), (log, "eportd log")):
            assert secret not in text, f"{secret} found in the {where}"
            assert secret.encode().hex() not in text.lower(), f"hex of {secret} in the {where}"
    records = cs.audit_records(daemon, 1000)
    mine = [r for r in records if r["method"] in ("pin.reset", "pin.change") and r["token"] == tid
            and r["outcome"] != "attempt"]
    assert [r["outcome"] for r in mine[-3:]] == ["error", "ok", "ok"], mine[-3:]


def test_a_new_pin_against_the_rules_is_refused_by_pin_reset_without_a_puk_try(fresh, daemon):
    card, tools, tid = fresh
    cs.block_pin_with_ykpiv(tools)
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "pin.reset", {"token": tid, "puk": PUK, "new_pin": "123"})
    assert err.reason == "invalid_pin", err
    sent = card.apdus_since(mark)
    assert not [ex for ex in sent if cs.ins_of(ex) == cs.INS_RESET_RETRY], cs.describe(sent)
    assert cs.puk_tries_from_state(card) == 3 and tools.yk_pin_tries() == 0


def test_a_puk_longer_than_any_piv_puk_is_refused_without_a_try_and_says_why(fresh, daemon):
    card, tools, tid = fresh
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "pin.reset", {"token": tid, "puk": "1234567890123"})
    sent = card.apdus_since(mark)
    assert not [ex for ex in sent if cs.ins_of(ex) == cs.INS_RESET_RETRY], cs.describe(sent)
    assert cs.puk_tries_from_state(card) == 3
    # a PIV PUK has at most 8 characters: the caller must learn that, not "driver_error"
    assert err.code == -32602 or err.reason in ("wrong_puk", "invalid_pin"), err


def test_pin_change_on_a_blocked_pin_says_pin_blocked(fresh, daemon):
    card, tools, tid = fresh
    cs.block_pin_with_ykpiv(tools)
    err = cs.call_error(daemon, "pin.change", {"token": tid, "old_pin": "88888888",
                                               "new_pin": "31415926"})
    assert err.reason == "pin_blocked", err
    assert cs.puk_tries_from_state(card) == 3
