"""Issue 11 §3: no card is left unlocked after pin.change, pin.reset or cert.write.

"Another program" (harness.pcsc_peer) asks the card right after each method: an empty VERIFY
(`00 20 00 80`) must answer 63Cx — 90 00 would mean the card is still PIN-verified and anyone on
the machine could sign with it — and a PUT DATA without management-key authentication must
answer 69 82. The card's APDU log shows how eportd cleared the state: VERIFY with P1=FF
(`00 20 FF 80`) right after the command that carried a PIN, and a card reset when cert.write's
transaction ended (management-key authentication has no command that ends it). Every test runs
on a YubiKey-like and a plain PIV card.
"""

import itertools

import pytest

from harness.pcsc_peer import PcscPeer

import cards_support as cs

PUK = "27182818"
SELECT = "00a4040009a0000003080000100000"
VERIFY_STATUS = "0020008000"
CLEAR = bytes.fromhex("0020ff80")
#: PUT DATA deleting the (absent) certificate object of retired slot 82: harmless if accepted.
PUT_DATA_PROBE = "00db3fff075c035fc10d5300"
SERIALS = itertools.count(30000080)


def EPORTD_CONFIG(directory):  # noqa: N802 (read by conftest's daemon fixture)
    return cs.management_key_config(directory, cert_cache_ms=0)


@pytest.fixture(params=["yubikey", "plain"])
def kinds(request, pcsc, daemon, make_card):
    """A card of each kind known to eportd: (card, token id)."""
    for token in cs.call(daemon, "tokens.list")["tokens"]:
        cs.wait_token_gone(daemon, token["id"])
    args = ["--plain-piv"] if request.param == "plain" else []
    card = make_card(f"state-{request.param}", *args, serial=next(SERIALS), puk=PUK,
                     certs=["9a:p256:3650"])
    return card, cs.wait_token(daemon, card)["id"]


def _other_program_sees(pcsc, card):
    """What another program gets right away: (empty VERIFY sw, PUT DATA sw)."""
    with PcscPeer(pcsc.env()) as peer:
        peer.connect(card.reader)
        peer.begin()
        assert peer.transmit(SELECT)["sw"] == "9000"
        verify = peer.transmit(VERIFY_STATUS)["sw"]
        put = peer.transmit(PUT_DATA_PROBE)["sw"]
        peer.end()
    return verify, put


def _cleared_after(sent, ins):
    """True when VERIFY P1=FF follows the last exchange with `ins` before anything else."""
    last = max(i for i, ex in enumerate(sent) if cs.ins_of(ex) == ins)
    return last + 1 < len(sent) and sent[last + 1].command == CLEAR


def test_after_pin_change_another_program_finds_the_card_locked(kinds, pcsc, daemon):
    card, tid = kinds
    mark = card.apdu_mark()
    result = cs.call(daemon, "pin.change", {"token": tid, "old_pin": "88888888",
                                            "new_pin": "31415926"})
    sent = card.apdus_since(mark)
    assert _cleared_after(sent, cs.INS_CHANGE), cs.describe(sent)
    assert result["pin"]["tries_left"] == 3, result  # read after the clearing: the real count
    verify, put = _other_program_sees(pcsc, card)
    assert verify.startswith("63c"), f"the card is still PIN-verified: {verify}"
    assert put == "6982", put


def test_after_a_failed_pin_change_the_card_is_locked_too(kinds, pcsc, daemon):
    card, tid = kinds
    mark = card.apdu_mark()
    cs.call_error(daemon, "pin.change", {"token": tid, "old_pin": "00000000",
                                         "new_pin": "31415926"})
    assert _cleared_after(card.apdus_since(mark), cs.INS_CHANGE)
    assert _other_program_sees(pcsc, card)[0] == "63c2"


def test_after_pin_reset_another_program_finds_the_card_locked(kinds, pcsc, daemon):
    card, tid = kinds
    mark = card.apdu_mark()
    result = cs.call(daemon, "pin.reset", {"token": tid, "puk": PUK})
    sent = card.apdus_since(mark)
    assert _cleared_after(sent, cs.INS_RESET_RETRY), cs.describe(sent)
    assert result["pin"]["tries_left"] == 3, result
    verify, put = _other_program_sees(pcsc, card)
    assert verify.startswith("63c"), verify
    assert put == "6982", put


def test_after_cert_write_another_program_can_neither_write_nor_sign(kinds, pcsc, daemon, certs):
    card, tid = kinds
    pem = cs.call(daemon, "cert.read", {"token": tid, "slot": "9a"})["pem"]
    renewed, der = certs.issue(certs.pubkey_of_pem(pem), days=3650)
    with daemon.client(timeout=30) as events:
        events.call("events.subscribe", {"topics": ["token.added", "token.removed"]})
        mark = card.apdu_mark()
        result = cs.call(daemon, "cert.write", {"token": tid, "slot": "9a", "certificate": renewed})
        assert result["verified"] is True
        sent = card.apdus_since(mark)
        last_put = max(i for i, ex in enumerate(sent) if cs.ins_of(ex) == cs.INS_PUT_DATA)
        resets = [n - mark for n, what in card.control_events() if what == "reset" and n > mark]
        assert resets and resets[0] > last_put, (resets, cs.describe(sent))
        verify, put = _other_program_sees(pcsc, card)
        assert put == "6982", f"the card still takes PUT DATA without the management key: {put}"
        assert verify.startswith("63c"), verify
        # eportd itself goes on with the card after its own reset: same token, no re-insertion
        assert cs.slot_der(daemon, tid, "9a") == der
        card.remove()
        first = events.wait_notification("event", timeout=15)["params"]
    assert first["topic"] == "token.removed" and first["token"] == tid, first
