"""Issue 5, certificate side: renewal of the certificate for the key already in the slot (10
years, signed by a test CA), read back by OpenSSL's and Yubico's tools byte for byte, a
certificate over 2 KB (command chaining), the backup of the old certificate, and every refusal
leaving the card as it was."""

import base64
import datetime
import hashlib
import os
import stat

import pytest

from harness import DEFAULT_MGM_KEY
from harness.piv_tools import PivTools

import cards_support as cs

SERIAL = 30000010


def EPORTD_CONFIG(directory):  # noqa: N802 (read by conftest's daemon fixture)
    """The help desk's setup: the management key in a file named in the PIV driver's options.
    No certificate cache, so that the APDU sequence of each call does not depend on timing."""
    return cs.management_key_config(directory, cert_cache_ms=0)


@pytest.fixture(scope="module")
def renew(pcsc, daemon, tmp_path_factory):
    """One card for the module: RSA-2048 in 9A, P-256 in 9C, both with 10-year certificates."""
    card = pcsc.card("renew", serial=SERIAL, certs=["9a:rsa2048:3650", "9c:p256:3650"])
    tools = PivTools(pcsc, card, str(tmp_path_factory.mktemp("tools-renew")))
    tid = cs.wait_token(daemon, card)["id"]
    yield card, tools, tid
    pcsc.discard(card)


def _slot_pubkey(daemon, certs, tid, slot):
    """The slot's public key, taken from its certificate as cert.read returns it."""
    return certs.pubkey_of_pem(cs.call(daemon, "cert.read", {"token": tid, "slot": slot})["pem"])


def _write_and_confirm(daemon, tools, card, tid, slot, pem, der, certificate_param=None):
    old = tools.yk_read_cert(slot)
    audits = len(cs.outcome_records(daemon, "cert.write"))
    mark = card.apdu_mark()
    result = cs.call(daemon, "cert.write", {"token": tid, "slot": slot,
                                            "certificate": certificate_param or pem})
    sent = card.apdus_since(mark)
    assert result["verified"] is True
    assert result["certificate"]["sha256"].lower() == hashlib.sha256(der).hexdigest()
    assert result["certificate"]["slot"].lower() == slot
    # the independent tools read exactly the written DER
    assert tools.pkcs15_read_cert(slot) == der
    assert tools.yk_read_cert(slot) == der
    assert cs.slot_der(daemon, tid, slot) == der
    # ten years left
    entry = cs.call(daemon, "cert.check", {"token": tid})["tokens"][0]
    cert = cs.cert_of(entry, slot)
    assert 3648 <= cert["days_left"] <= 3650 and cert["state"] == "valid", cert
    # the backup holds the old certificate, private to the daemon
    backup = result["backup"]
    assert backup and os.path.isfile(backup), result
    assert backup.startswith(os.path.join(daemon.state_dir, "backups") + os.sep), backup
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    with open(backup, "rb") as f:
        assert f.read() == old
    after = len(cs.outcome_records(daemon, "cert.write"))
    assert after == audits + 1
    # the read-back Certificate is PROTOCOL.md's Certificate, label included (checked last)
    assert result["certificate"]["label"] == cs.SLOT_LABEL[slot], result["certificate"]
    return sent


def test_a_renewed_certificate_for_the_slot_key_is_written_and_read_back(renew, daemon, certs):
    card, tools, tid = renew
    pem, der = certs.issue(_slot_pubkey(daemon, certs, tid, "9a"), days=3650)
    sent = _write_and_confirm(daemon, tools, card, tid, "9a", pem, der)
    rng = cs.put_data_range(sent)
    assert rng, "no PUT DATA in the APDU log:\n" + cs.describe(sent)
    print(f"cert.write of {len(der)} bytes: {len(sent)} APDUs, PUT DATA at {rng}")


def test_a_certificate_over_2kb_is_written_in_a_chain(renew, daemon, certs):
    card, tools, tid = renew
    pem, der = certs.issue(_slot_pubkey(daemon, certs, tid, "9c"), days=3650, sans=40)
    assert len(der) > 2048
    sent = _write_and_confirm(daemon, tools, card, tid, "9c", pem, der,
                              certificate_param=cs.der_b64(der))  # base64 DER is accepted too
    puts = [ex for ex in sent if cs.ins_of(ex) == cs.INS_PUT_DATA]
    assert len(puts) >= len(der) // 255 + 1, cs.describe(puts)
    assert all(ex.command[0] == 0x10 for ex in puts[:-1]) and puts[-1].command[0] == 0x00


def _refusal(daemon, card, tools, tid, slot, certificate, reason):
    old = tools.yk_read_cert(slot)
    audits = len(cs.outcome_records(daemon, "cert.write"))
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "cert.write", {"token": tid, "slot": slot,
                                               "certificate": certificate})
    assert err.reason == reason, err
    sent = card.apdus_since(mark)
    assert not [ex for ex in sent if cs.ins_of(ex) == cs.INS_PUT_DATA], cs.describe(sent)
    assert tools.yk_read_cert(slot) == old
    after = len(cs.outcome_records(daemon, "cert.write"))
    assert after == audits + 1
    return err


def test_garbage_is_refused_as_cert_invalid(renew, daemon):
    card, tools, tid = renew
    _refusal(daemon, card, tools, tid, "9a", "this is not a certificate at all", "cert_invalid")
    _refusal(daemon, card, tools, tid, "9a", base64.b64encode(os.urandom(700)).decode(),
             "cert_invalid")


def test_a_pem_private_key_is_refused_and_not_logged(renew, daemon, certs):
    card, tools, tid = renew
    with open(certs.new_key("p256")) as f:
        key_pem = f.read()
    _refusal(daemon, card, tools, tid, "9a", key_pem, "cert_invalid")
    body = "".join(key_pem.strip().splitlines()[1:-1])
    for chunk in (body[10:50], body[-40:]):
        assert chunk not in cs.daemon_log(daemon)
        assert chunk not in cs.audit_file(daemon)


def test_a_certificate_for_another_key_is_refused_as_cert_key_mismatch(renew, daemon, certs):
    card, tools, tid = renew
    other_pub = certs.pubkey_of_pem(certs.self_signed(certs.new_key("rsa2048"))[0])
    pem, _ = certs.issue(other_pub, days=3650)
    _refusal(daemon, card, tools, tid, "9a", pem, "cert_key_mismatch")


def test_an_expired_certificate_is_refused_as_cert_not_valid_now(renew, daemon, certs):
    card, tools, tid = renew
    pem, _ = certs.issue(_slot_pubkey(daemon, certs, tid, "9a"), days=-1)
    err = _refusal(daemon, card, tools, tid, "9a", pem, "cert_not_valid_now")
    now = datetime.datetime.now(datetime.timezone.utc)
    assert cs.iso_time(err.data["not_after"]) < now and err.data["not_before"], err


def test_a_wrong_management_key_is_refused_and_the_certificate_stays(renew, daemon, certs):
    card, tools, tid = renew
    pem, _ = certs.issue(_slot_pubkey(daemon, certs, tid, "9a"), days=3650)
    old = tools.yk_read_cert("9a")
    err = cs.call_error(daemon, "cert.write", {
        "token": tid, "slot": "9a", "certificate": pem,
        "management_key": "0f0e0d0c0b0a09080f0e0d0c0b0a09080f0e0d0c0b0a0908"})
    assert err.reason == "wrong_management_key", err
    assert tools.yk_read_cert("9a") == old
    assert "0f0e0d0c0b0a0908" not in cs.daemon_log(daemon).lower()
    assert "0f0e0d0c0b0a0908" not in cs.audit_file(daemon).lower()


def test_no_management_key_and_no_certificate_write_secret_reaches_log_or_audit(renew, daemon):
    text = (cs.daemon_log(daemon) + cs.audit_file(daemon)).lower()
    assert DEFAULT_MGM_KEY not in text
    assert DEFAULT_MGM_KEY[:16] not in text
    records = [r for r in cs.audit_records(daemon, 1000) if r["method"] == "cert.write"]
    assert records and all(set(r) >= {"time", "uid", "method", "token", "outcome"} for r in records)
    assert {r["outcome"] for r in records} == {"attempt", "ok", "error"}, records


def test_a_first_certificate_for_a_key_generated_by_ykpiv_is_written(renew, daemon, certs):
    card, tools, tid = renew
    pub = certs.fresh("9d", "pub")
    res = tools.ykpiv("-k" + DEFAULT_MGM_KEY, "-a", "generate", "-s", "9d", "-A", "ECCP256",
                      "-o", pub)
    assert res.returncode == 0, res.out
    pem, der = certs.issue(pub, days=3650)
    result = cs.call(daemon, "cert.write", {"token": tid, "slot": "9d", "certificate": pem})
    assert result["verified"] is True and result["backup"] is None, result
    assert tools.pkcs15_read_cert("9d") == der
    assert tools.yk_read_cert("9d") == der
    assert cs.cert_of(cs.status(daemon, tid), "9d")["sha256"] == \
        hashlib.sha256(der).hexdigest()


def test_a_slot_without_a_key_is_refused_unless_allowed(renew, daemon, certs):
    card, tools, tid = renew
    pem, _ = certs.issue(certs.pubkey_of_pem(certs.self_signed(certs.new_key())[0]), days=3650)
    err = _refusal(daemon, card, tools, tid, "9e", pem, "cert_key_mismatch")
    assert "allow_key_mismatch" in err.message, err.message


def test_a_write_and_a_status_at_the_same_time_do_not_interleave(renew, daemon, certs):
    card, tools, tid = renew
    pem, der = certs.issue(_slot_pubkey(daemon, certs, tid, "9a"), days=3650)
    mark = card.apdu_mark()
    cs.status(daemon, tid)
    status_alone = cs.headers(card.apdus_since(mark), responses=False)
    mark = card.apdu_mark()
    cs.call(daemon, "cert.write", {"token": tid, "slot": "9a", "certificate": pem})
    write_alone = cs.headers(card.apdus_since(mark), responses=False)

    pem, der = certs.issue(_slot_pubkey(daemon, certs, tid, "9a"), days=3650)
    writer, reader = daemon.client(timeout=30.0), daemon.client(timeout=30.0)
    try:
        mark = card.apdu_mark()
        w = writer.request("cert.write", {"token": tid, "slot": "9a", "certificate": pem})
        r = reader.request("token.status", {"token": tid})
        written, status = writer.response(w), reader.response(r)
    finally:
        writer.close()
        reader.close()
    assert "result" in written and "result" in status, (written, status)
    got = cs.headers(card.apdus_since(mark), responses=False)
    assert got in (write_alone + status_alone, status_alone + write_alone), (
        "mixed:\n" + cs.describe(card.apdus_since(mark)) + "\nwrite alone: "
        + " ".join(h.hex() for h in write_alone) + "\nstatus alone: "
        + " ".join(h.hex() for h in status_alone))
    assert tools.yk_read_cert("9a") == der


@pytest.mark.parametrize("alg,key", [
    ("aes128", "00112233445566778899aabbccddeeff"),
    ("aes256", "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
])
def test_renewal_on_a_card_with_an_aes_management_key(alg, key, pcsc, daemon, certs, tmp_path):
    serial = 30000011 if alg == "aes128" else 30000012
    card = pcsc.card(f"aes-{alg}", "--management-alg", alg, serial=serial, management_key=key,
                     certs=["9a:p256:3650"])
    try:
        tools = PivTools(pcsc, card, str(tmp_path / "tools"))
        tid = cs.wait_token(daemon, card)["id"]
        pem, der = certs.issue(_slot_pubkey(daemon, certs, tid, "9a"), days=3650)
        err = cs.call_error(daemon, "cert.write", {"token": tid, "slot": "9a",
                                                   "certificate": pem})
        # the configured key file holds the default 3DES key: the wrong length for this card
        assert err.reason == "wrong_management_key", err
        result = cs.call(daemon, "cert.write", {"token": tid, "slot": "9a", "certificate": pem,
                                                "management_key": key})
        assert result["verified"] is True
        assert tools.yk_read_cert("9a") == der
        assert key not in cs.daemon_log(daemon).lower()
    finally:
        pcsc.discard(card)
