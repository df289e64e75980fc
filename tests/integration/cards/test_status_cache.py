"""Issue 15, behaviour behind the speed: token.status reads the PIN and PUK from the card on every
call but takes the certificates from the insertion read (`read_at` says when), re-reading them
after a card reset, a re-insertion, eportd's own cert.write, or on `fresh: true`; and identical
token.status requests in flight share one card job (64 callers at once: every one gets its
answer, the card sees one read). No time is asserted here: the figures live in bench/."""

import datetime
import hashlib

from harness import DEFAULT_PIN
from harness.pcsc_peer import PcscPeer

import cards_support as cs

SERIAL = 30000150
PIN_METADATA, PUK_METADATA = 0x80, 0x81


def EPORTD_CONFIG(directory):  # noqa: N802 (read by conftest's daemon fixture)
    """The management key in a file, for the cert.write test; 64 connections of one uid (the
    default cap is 32 per uid)."""
    config = cs.management_key_config(directory)
    config["limits"] = {"max_clients_per_uid": 128}
    return config


def _metadata_reads(exchanges, p2):
    return [e for e in exchanges if cs.ins_of(e) == cs.INS_METADATA and e.command[3] == p2]


def _get_data(exchanges):
    return [e for e in exchanges if cs.ins_of(e) == cs.INS_GET_DATA]


def _sha(answer, slot):
    return cs.cert_of(answer, slot)["sha256"].lower()


def _read_at(answer):
    return datetime.datetime.strptime(answer["read_at"], "%Y-%m-%dT%H:%M:%SZ")


def _card(make_card, daemon, name):
    card = make_card(name, serial=SERIAL, certs=["9a:p256:3650"])
    tid = cs.wait_token(daemon, card)["id"]
    cs.settle(card)  # the insertion read is over
    return card, tid


def _import_other(tools, certs, slot="9a"):
    """Puts a certificate for another key into the slot with yubico-piv-tool (behind eportd's
    back); returns its sha256."""
    pem, der = certs.self_signed(certs.new_key())
    path = certs.fresh("other", "pem")
    with open(path, "w") as f:
        f.write(pem)
    cs.import_with_ykpiv(tools, slot, path)
    return hashlib.sha256(der).hexdigest()


def test_status_reads_the_pin_every_time_and_the_certificates_from_the_insertion_read(
        pcsc, daemon, make_card, piv_tools):
    card, tid = _card(make_card, daemon, "cached")
    mark = card.apdu_mark()
    first = cs.status(daemon, tid)
    sent = card.apdus_since(mark)
    assert len(_metadata_reads(sent, PIN_METADATA)) == 1, cs.describe(sent)
    assert len(_metadata_reads(sent, PUK_METADATA)) == 1, cs.describe(sent)
    assert _get_data(sent) == [], "certificates read again:\n" + cs.describe(sent)
    assert first["pin"]["tries_left"] == 3 and _sha(first, "9a")
    assert _read_at(first) <= datetime.datetime.utcnow() + datetime.timedelta(seconds=1)
    # another program spends a PIN try: the very next answer says so
    tools = piv_tools(card)
    assert tools.ykpiv("-a", "verify-pin", "-P", "99999999").returncode != 0
    assert cs.status(daemon, tid)["pin"]["tries_left"] == 2
    assert tools.ykpiv("-a", "verify-pin", "-P", DEFAULT_PIN).returncode == 0
    # fresh: true reads the certificates now
    mark = card.apdu_mark()
    fresh = cs.call(daemon, "token.status", {"token": tid, "fresh": True})
    assert _get_data(card.apdus_since(mark)), "fresh: true did not read the certificates"
    assert _read_at(fresh) >= _read_at(first) and _sha(fresh, "9a") == _sha(first, "9a")


def test_a_certificate_changed_behind_eportds_back_is_seen_on_fresh_reset_and_reinsertion(
        pcsc, daemon, make_card, piv_tools, certs):
    card, tid = _card(make_card, daemon, "changed")
    tools = piv_tools(card)
    before = _sha(cs.status(daemon, tid), "9a")
    # 1. fresh: true
    other = _import_other(tools, certs)
    assert other != before
    assert _sha(cs.call(daemon, "token.status", {"token": tid, "fresh": True}), "9a") == other
    assert _sha(cs.status(daemon, tid), "9a") == other  # and the cache holds it now
    # 2. another program resets the card (yubico-piv-tool leaves it as it is: reset it here)
    third = _import_other(tools, certs)
    with PcscPeer(pcsc.env()) as peer:
        peer.connect(card.reader)
        peer.begin()
        peer.end("reset")
    assert _sha(cs.status(daemon, tid), "9a") == third
    # 3. the card is pulled and put back
    fourth = _import_other(tools, certs)
    card.restart()
    tid = cs.wait_token(daemon, card)["id"]
    assert _sha(cs.status(daemon, tid), "9a") == fourth


def test_eportds_own_cert_write_is_seen_by_the_next_status(pcsc, daemon, make_card, certs):
    card, tid = _card(make_card, daemon, "written")
    pubkey = certs.pubkey_of_pem(cs.call(daemon, "cert.read", {"token": tid, "slot": "9a"})["pem"])
    pem, der = certs.issue(pubkey, days=3650)
    cs.call(daemon, "cert.write", {"token": tid, "slot": "9a", "certificate": pem})
    assert _sha(cs.status(daemon, tid), "9a") == hashlib.sha256(der).hexdigest()


def test_64_callers_at_once_all_get_their_answer_from_one_card_read(pcsc, daemon, make_card):
    card, tid = _card(make_card, daemon, "crowd")
    clients = [daemon.client(timeout=60.0) for _ in range(64)]
    try:
        with PcscPeer(pcsc.env()) as peer:
            # Another program holds the card, so eportd's job cannot start while the callers
            # come in; each caller's session.hello answer proves its token.status was taken.
            peer.connect(card.reader)
            peer.begin()
            mark = card.apdu_mark()
            ids = [c.request("token.status", {"token": tid}) for c in clients]
            for c in clients:
                c.call("session.hello", {"client": "crowd"})
            peer.end()
        answers = [c.response(i, timeout=60.0) for c, i in zip(clients, ids)]
    finally:
        for c in clients:
            c.close()
    errors = [a["error"] for a in answers if "error" in a]
    assert errors == [], errors[:3]
    assert all(a["result"]["pin"]["tries_left"] == 3 for a in answers)
    assert len({a["result"]["read_at"] for a in answers}) == 1
    cs.settle(card)
    sent = card.apdus_since(mark)
    assert len(_metadata_reads(sent, PIN_METADATA)) == 1, cs.describe(sent)


def test_two_callers_after_a_started_read_get_a_read_of_their_own(pcsc, daemon, make_card):
    """A caller that comes while the card is already being read gets a job of its own: its
    answer is never older than its question."""
    card, tid = _card(make_card, daemon, "sequence")
    mark = card.apdu_mark()
    cs.status(daemon, tid)
    cs.status(daemon, tid)
    assert len(_metadata_reads(card.apdus_since(mark), PIN_METADATA)) == 2
