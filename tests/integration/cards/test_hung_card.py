"""A card that stops answering in the middle of token.status (`eport-vcard run --mute-after N`):
eportd keeps serving everyone else, pulling the card ends the waiting request with
`token_removed`, and a card that just hangs gets `timeout` (PROTOCOL.md: "the card did not
answer in time") instead of an answer that never comes. The card comes back when re-inserted.
"""

import pytest

import cards_support as cs

SERIAL = 30000050
#: How long a hung card may hold a request before eportd must answer `timeout`.
TIMEOUT_BUDGET_S = 45


@pytest.fixture(scope="module")
def hung(pcsc, daemon):
    """A card and the number of APDUs its insertion costs (to mute it inside token.status)."""
    card = pcsc.card("hung", serial=SERIAL, certs=["9a:p256:3650"])
    tid = cs.wait_token(daemon, card)["id"]
    card.remove()
    cs.wait_token_gone(daemon, tid)
    mark = card.apdu_mark()
    card.insert()
    cs.wait_token(daemon, card)
    insertion = len(card.apdus_since(mark))
    yield card, tid, insertion
    pcsc.discard(card)


def _insert_muted(card, daemon, tid, insertion):
    card.remove()
    cs.wait_token_gone(daemon, tid)
    card.insert(mute_after=insertion + 2)  # answers SELECT + GET METADATA, then nothing
    cs.wait_token(daemon, card)


def _wait_until_hung(card, mark):
    """Waits until token.status has reached the muted card: it answered SELECT and GET METADATA
    (the two APDUs it still answers), so the next one hangs."""
    cs.wait_until("token.status reaching the card", lambda: len(card.apdus_since(mark)) >= 2, 30)


def _reinsert_and_check(card, daemon, tid):
    card.remove()
    cs.wait_token_gone(daemon, tid)
    card.insert()
    cs.wait_token(daemon, card)
    assert cs.status(daemon, tid)["pin"]["tries_left"] == 3


def test_pulling_a_hung_card_ends_the_waiting_request_with_token_removed(hung, daemon):
    card, tid, insertion = hung
    _insert_muted(card, daemon, tid, insertion)
    with daemon.client(timeout=30.0) as client:
        mark = card.apdu_mark()
        request = client.request("token.status", {"token": tid})
        _wait_until_hung(card, mark)
        assert cs.call(daemon, "session.hello", {"client": "e2e", "protocol": 1}, 10)["protocol"] == 1
        card.remove()
        response = client.response(request, timeout=15.0)
    cs.wait_token_gone(daemon, tid)
    _reinsert_and_check(card, daemon, tid)
    assert response.get("error", {}).get("data", {}).get("reason") == "token_removed", response


def test_a_card_that_stops_answering_gets_timeout_while_eportd_serves_others(hung, daemon):
    card, tid, insertion = hung
    _insert_muted(card, daemon, tid, insertion)
    response = None
    with daemon.client(timeout=TIMEOUT_BUDGET_S + 5) as client:
        mark = card.apdu_mark()
        request = client.request("token.status", {"token": tid})
        _wait_until_hung(card, mark)
        # Others are served while the card hangs (answered long before the hung request's timeout).
        assert cs.call(daemon, "session.hello", {"client": "e2e", "protocol": 1}, 10)["protocol"] == 1
        assert tid in [t["id"] for t in cs.call(daemon, "tokens.list", None, 10)["tokens"]]
        try:
            response = client.response(request, timeout=TIMEOUT_BUDGET_S)
        except (TimeoutError, OSError):
            pass
    _reinsert_and_check(card, daemon, tid)
    assert response is not None, f"no answer to token.status within {TIMEOUT_BUDGET_S} s"
    assert response.get("error", {}).get("data", {}).get("reason") == "timeout", response
