"""Issue 5, access: a peer that is not admin (uid/gid 65534, no groups, on a socket of mode
0666) gets not_authorized for pin.reset and cert.write, the card sees no APDU, and the refusal
is audited; reading stays open to it."""

import os

import pytest

import cards_support as cs

SERIAL = 30000030
EPORTD_CONFIG = {"socket_mode": "0666"}


@pytest.fixture(scope="module")
def guarded(pcsc, daemon, certs):
    """A card known to eportd; the harness dirs made traversable for uid 65534."""
    for path in (pcsc.workdir, daemon.workdir):
        os.chmod(path, 0o711)
    card = pcsc.card("guarded", serial=SERIAL, certs=["9a:p256:3650"])
    tid = cs.wait_token(daemon, card)["id"]
    pem = cs.call(daemon, "cert.read", {"token": tid, "slot": "9a"})["pem"]
    yield card, tid, pem
    pcsc.discard(card)


def test_the_unprivileged_peer_is_seen_as_not_admin_and_may_read(guarded, daemon):
    card, tid, _ = guarded
    hello = cs.unprivileged_call(daemon, "session.hello", {"client": "nobody", "protocol": 1})
    peer = hello["result"]["peer"]
    assert peer["uid"] == 65534 and peer["admin"] is False, hello
    answer = cs.unprivileged_call(daemon, "token.status", {"token": tid})
    assert answer["result"]["token"]["id"] == tid, answer


@pytest.mark.parametrize("method", ["pin.reset", "cert.write"])
def test_a_non_admin_gets_not_authorized_and_the_card_sees_nothing(guarded, daemon, method):
    card, tid, pem = guarded
    params = {"pin.reset": {"token": tid, "puk": "12345678", "force": True},
              "cert.write": {"token": tid, "slot": "9a", "certificate": pem,
                             "allow_key_mismatch": True, "force": True}}[method]
    audits = len(_guarded_records(daemon))
    cs.settle(card)
    mark = card.apdu_mark()
    response = cs.unprivileged_call(daemon, method, params)
    assert "error" in response, response
    assert response["error"]["code"] == -32000
    assert response["error"]["data"]["reason"] == "not_authorized", response
    assert response["error"]["data"].get("required") == "admin", response
    cs.settle(card)
    assert card.apdus_since(mark) == [], "the card was touched for a refused call"
    records = _guarded_records(daemon)
    assert len(records) == audits + 1, records[audits:]
    assert records[-1]["method"] == method and records[-1]["outcome"] == "refused", records[-1]
    assert records[-1]["uid"] == 65534
    assert "12345678" not in cs.audit_file(daemon)


def _guarded_records(daemon):
    """Audit records of the guarded methods (audit.tail itself is audited too)."""
    return [r for r in cs.audit_records(daemon, 1000)
            if r["method"] in ("pin.reset", "pin.change", "cert.write")]


def test_a_write_without_any_management_key_is_refused_before_authenticating(guarded, daemon):
    card, tid, pem = guarded
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "cert.write", {"token": tid, "slot": "9a", "certificate": pem})
    assert err.reason == "management_key_required", err
    sent = card.apdus_since(mark)
    assert not [ex for ex in sent if cs.ins_of(ex) in (cs.INS_GENERAL_AUTH, cs.INS_PUT_DATA)], \
        cs.describe(sent)
    assert cs.call(daemon, "cert.read", {"token": tid, "slot": "9a"})["pem"] == pem
