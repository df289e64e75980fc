"""Issue 11 §1: a request whose caller heard `timeout` never runs later.

The card is made unavailable the two ways it happens in the field: another PC/SC program holds
it in a long transaction (harness.pcsc_peer: SCardBeginTransaction and wait), and a slow card
(`eport-vcard run --delay-ms`) that keeps an earlier request busy. A job that had not started by
its deadline (limits.card_timeout_s) must be dropped — the caller hears `timeout` with
`sent_to_card: false`, and the card's APDU log shows that nothing of it arrived, ever. A job the
deadline finds running finishes; its caller hears `timeout` with `sent_to_card: true` and the
job's id, and the real outcome comes as a `job.finished` event and in the audit log.
"""

import time

import pytest

from harness.pcsc_peer import PcscPeer

import cards_support as cs

PUK = "27182818"
SERIAL = 30000060
CARD_TIMEOUT_S = 2


def EPORTD_CONFIG(directory):  # noqa: N802 (read by conftest's daemon fixture)
    config = cs.management_key_config(directory, cert_cache_ms=0)
    config["limits"] = {"card_timeout_s": CARD_TIMEOUT_S}
    return config


@pytest.fixture
def held(pcsc, daemon, make_card):
    """A card known to eportd, then held by another program's transaction: (card, tid, peer)."""
    cs.wait_token_gone(daemon, cs.token_id(SERIAL))
    card = make_card("held", serial=SERIAL, puk=PUK, certs=["9a:p256:3650"])
    tid = cs.wait_token(daemon, card)["id"]
    with PcscPeer(pcsc.env()) as peer:
        peer.connect(card.reader)
        peer.begin()
        yield card, tid, peer


def _timeout_without_sending(daemon, method, params):
    started = time.monotonic()
    err = cs.call_error(daemon, method, params, timeout=CARD_TIMEOUT_S + 30)
    waited = time.monotonic() - started
    assert err.reason == "timeout", err
    assert err.data.get("sent_to_card") is False, err
    assert "nothing was sent" in err.message.lower(), err.message
    assert waited >= CARD_TIMEOUT_S - 0.5, f"answered after {waited:.1f} s"
    return err


def _release_and_settle(card, peer):
    """Ends the other program's transaction and waits until eportd has had every chance to
    send what it still had queued (a status read afterwards goes behind anything left)."""
    peer.end()
    peer.close()


def test_unlock_attempts_that_timed_out_never_reach_the_card(held, daemon):
    card, tid, peer = held
    mark = card.apdu_mark()
    clients = [daemon.client(timeout=CARD_TIMEOUT_S + 30) for _ in range(3)]
    try:
        ids = [c.request("pin.reset", {"token": tid, "puk": wrong})
               for c, wrong in zip(clients, ("11111111", "22222222", "33333333"))]
        answers = [c.response(i, timeout=CARD_TIMEOUT_S + 30) for c, i in zip(clients, ids)]
    finally:
        for c in clients:
            c.close()
    for answer in answers:
        data = answer.get("error", {}).get("data", {})
        assert data.get("reason") == "timeout" and data.get("sent_to_card") is False, answer
    _release_and_settle(card, peer)
    # the card is free now: a status read queues behind anything eportd might still have had
    assert cs.status(daemon, tid)["pin"]["state"] == "ok"
    sent = card.apdus_since(mark)
    assert not [ex for ex in sent if cs.ins_of(ex) == cs.INS_RESET_RETRY], cs.describe(sent)
    assert cs.puk_tries_from_state(card) == 3
    timeouts = [r for r in cs.audit_records(daemon, 1000)
                if r["method"] == "pin.reset" and r["token"] == tid]
    assert [r["reason"] for r in timeouts[-3:]] == ["timeout"] * 3, timeouts[-3:]
    assert not [r for r in timeouts if r["outcome"] == "attempt"], "an attempt record means it ran"


def test_pin_change_and_cert_write_that_timed_out_send_nothing(held, daemon, certs):
    card, tid, peer = held
    mark = card.apdu_mark()
    _timeout_without_sending(daemon, "pin.change", {"token": tid, "old_pin": "00000000",
                                                    "new_pin": "31415926"})
    other = certs.self_signed(certs.new_key())[0]
    _timeout_without_sending(daemon, "cert.write", {"token": tid, "slot": "9a",
                                                    "certificate": other,
                                                    "allow_key_mismatch": True})
    _release_and_settle(card, peer)
    assert cs.status(daemon, tid)["pin"]["tries_left"] == 3
    sent = card.apdus_since(mark)
    for ins in (cs.INS_CHANGE, cs.INS_PUT_DATA, cs.INS_GENERAL_AUTH):
        assert not [ex for ex in sent if cs.ins_of(ex) == ins], cs.describe(sent)
    assert cs.pin_tries_from_state(card) == 3


def test_the_card_serves_again_once_the_other_program_lets_go(held, daemon):
    card, tid, peer = held
    _timeout_without_sending(daemon, "token.status", {"token": tid})
    _release_and_settle(card, peer)
    result = cs.call(daemon, "pin.reset", {"token": tid, "puk": PUK})
    assert result["pin"]["state"] == "ok"


@pytest.fixture
def slow(pcsc, daemon, make_card):
    """A card that answers every APDU after 1 s (`--delay-ms`), known to eportd: any job of
    three APDUs or more outlives the 2 s deadline once it has started."""
    cs.wait_token_gone(daemon, cs.token_id(SERIAL + 1))
    card = make_card("slow", serial=SERIAL + 1, puk=PUK)
    tid = cs.wait_token(daemon, card)["id"]
    card.remove()
    cs.wait_token_gone(daemon, tid)
    card.insert(delay_ms=1000)
    cs.wait_token(daemon, card, timeout=60)
    cs.settle(card, quiet=2.0, timeout=60)
    return card, tid


def test_a_request_queued_behind_a_slow_one_is_dropped_and_the_slow_one_reports_later(slow, daemon):
    card, tid = slow
    with daemon.client(timeout=60) as events, daemon.client(timeout=60) as first, \
            daemon.client(timeout=60) as second:
        events.call("events.subscribe", {"topics": ["job.finished"]})
        mark = card.apdu_mark()
        status_id = first.request("token.status", {"token": tid})
        time.sleep(0.5)  # the status read is on the card (its first APDU takes 1 s)
        change_id = second.request("pin.change", {"token": tid, "old_pin": "88888888",
                                                  "new_pin": "31415926"})
        status = first.response(status_id, timeout=CARD_TIMEOUT_S + 30)
        change = second.response(change_id, timeout=CARD_TIMEOUT_S + 30)
        status_data = status.get("error", {}).get("data", {})
        assert status_data.get("reason") == "timeout", status
        assert status_data.get("sent_to_card") is True and status_data.get("job"), status
        change_data = change.get("error", {}).get("data", {})
        assert change_data.get("reason") == "timeout", change
        assert change_data.get("sent_to_card") is False, change
        finished = events.wait_notification(
            "event", timeout=60,
            predicate=lambda n: n["params"].get("topic") == "job.finished"
            and n["params"].get("job") == status_data["job"])["params"]
    assert finished["method"] == "token.status" and finished["token"] == tid, finished
    assert finished["outcome"] == "ok" and finished["result"]["pin"]["tries_left"] == 3, finished
    cs.settle(card, quiet=2.0, timeout=60)
    sent = card.apdus_since(mark)
    assert not [ex for ex in sent if cs.ins_of(ex) == cs.INS_CHANGE], cs.describe(sent)
    assert cs.pin_tries_from_state(card) == 3


def test_a_privileged_job_running_at_its_deadline_finishes_and_reports(slow, daemon):
    card, tid = slow
    with daemon.client(timeout=60) as events, daemon.client(timeout=60) as client:
        events.call("events.subscribe", {"topics": ["job.finished"]})
        started = time.monotonic()
        answer = client.response(client.request("pin.change", {
            "token": tid, "old_pin": "88888888", "new_pin": "31415926"}),
            timeout=CARD_TIMEOUT_S + 30)
        data = answer.get("error", {}).get("data", {})
        assert data.get("reason") == "timeout" and data.get("sent_to_card") is True, answer
        assert time.monotonic() - started < CARD_TIMEOUT_S + 10
        job = data["job"]
        finished = events.wait_notification(
            "event", timeout=60,
            predicate=lambda n: n["params"].get("topic") == "job.finished"
            and n["params"].get("job") == job)["params"]
    assert finished["method"] == "pin.change" and finished["outcome"] == "ok", finished
    assert finished["result"]["pin"]["is_default"] is False, finished
    records = [r for r in cs.audit_records(daemon, 1000) if r.get("job") == job]
    assert [(r["outcome"], r["reason"]) for r in records] == \
        [("attempt", None), ("error", "timeout"), ("ok", None)], records
    assert all(r["method"] == "pin.change" and r["token"] == tid for r in records), records
