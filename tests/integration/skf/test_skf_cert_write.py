"""cert.write on an SKF USBKey through eportd's socket: an SM2 certificate for the container's
own key is written (the user PIN authorises it), a certificate for another key is refused before
anything is written, and a key pulled at each step of the write leaves one complete certificate
— the old one or the new one — and says token_removed."""

import os

import pytest

from skf_support import (app_state, certificate_der, error, foreign_certificate, keys_dir, make_key, pem_to_der,
                         plug_back, renewed_certificate, result, softskf, start, wait_token)

TOKEN = "skf:soft:SK1"
SLOT = "EPORT/c1/sign"


@pytest.fixture
def desk(tmp_path):
    keys = keys_dir(tmp_path)
    make_key(keys, "SK1", "--cert", "c1:sign:sm2:3650", "--cert", "c1:enc:sm2:3650")
    daemon = start(str(tmp_path / "eportd"), keys)
    wait_token(daemon, TOKEN)
    yield daemon, keys, str(tmp_path)
    daemon.stop()


def test_an_sm2_certificate_for_the_containers_key_is_written_checked_and_backed_up(desk):
    daemon, keys, work = desk
    old = certificate_der(keys, "SK1")
    pem = renewed_certificate(work, keys, "SK1")
    written = result(daemon, "cert.write", {"token": TOKEN, "slot": SLOT, "certificate": pem, "pin": "88888888"})
    assert written["verified"] is True
    assert written["certificate"]["key"] == "SM2"
    assert written["certificate"]["subject"] == "O=Example Trading Co,CN=renewed"
    assert written["certificate"]["slot"] == SLOT
    assert certificate_der(keys, "SK1") == pem_to_der(pem)
    with open(written["backup"], "rb") as f:
        assert f.read() == old
    app = app_state(keys, "SK1")
    assert app["logged_in"] is None and app["user_pin"]["remaining"] == 6
    # The encryption half is untouched, and token.status reads the new certificate.
    certs = {c["slot"]: c for c in result(daemon, "token.status", {"token": TOKEN})["certificates"]}
    assert certs[SLOT]["subject"] == "O=Example Trading Co,CN=renewed"
    assert certs["EPORT/c1/enc"]["subject"] == "CN=eport softskf SK1 c1"


def test_a_certificate_for_another_key_is_refused_before_anything_is_written(desk):
    daemon, keys, work = desk
    old = certificate_der(keys, "SK1")
    refused = error(daemon, "cert.write", {"token": TOKEN, "slot": SLOT, "certificate": foreign_certificate(work),
                                           "pin": "88888888"})
    assert refused["data"]["reason"] == "cert_key_mismatch"
    # The encryption key is another key too: a signing certificate does not fit there.
    enc = error(daemon, "cert.write", {"token": TOKEN, "slot": "EPORT/c1/enc",
                                       "certificate": renewed_certificate(work, keys, "SK1"), "pin": "88888888"})
    assert enc["data"]["reason"] == "cert_key_mismatch"
    assert certificate_der(keys, "SK1") == old
    assert app_state(keys, "SK1")["user_pin"]["remaining"] == 6  # no PIN was tried


def test_without_the_user_pin_nothing_is_written_and_no_backup_is_left(desk):
    daemon, keys, work = desk
    old = certificate_der(keys, "SK1")
    refused = error(daemon, "cert.write", {"token": TOKEN, "slot": SLOT,
                                           "certificate": renewed_certificate(work, keys, "SK1")})
    assert refused["data"]["reason"] == "management_key_required"
    assert certificate_der(keys, "SK1") == old
    backups = os.path.join(daemon.state_dir, "backups")
    assert not os.path.exists(backups) or not any(files for _, _, files in os.walk(backups))
    wrong = error(daemon, "cert.write", {"token": TOKEN, "slot": SLOT,
                                         "certificate": renewed_certificate(work, keys, "SK1"), "pin": "00000000"})
    assert wrong["data"]["reason"] == "wrong_pin"
    assert certificate_der(keys, "SK1") == old
    assert app_state(keys, "SK1")["user_pin"]["remaining"] == 5


# (SKF function where the key is pulled, after it acted?, calls of it let through, what the key holds)
STEPS = [
    ("SKF_ExportPublicKey", False, 0, "old"),    # the key check
    ("SKF_ExportCertificate", False, 0, "old"),  # the backup's read
    ("SKF_VerifyPIN", False, 0, "old"),          # the user PIN
    ("SKF_ImportCertificate", False, 0, "old"),  # the write, before it happened
    ("SKF_ImportCertificate", True, 0, "new"),   # the write, after it happened
    ("SKF_ExportCertificate", False, 2, "new"),  # the read-back
]


@pytest.mark.parametrize("function,after,skip,holds", STEPS)
def test_a_key_pulled_during_the_write_holds_one_whole_certificate(desk, function, after, skip, holds):
    daemon, keys, work = desk
    old = certificate_der(keys, "SK1")
    pem = renewed_certificate(work, keys, "SK1")
    arm = ["pull-at", "--dir", keys, "--serial", "SK1", function, "--skip", str(skip)] + (["--after"] if after else [])
    softskf(*arm)
    failure = error(daemon, "cert.write", {"token": TOKEN, "slot": SLOT, "certificate": pem, "pin": "88888888"})
    assert failure["data"]["reason"] == "token_removed", failure
    wait_token(daemon, TOKEN, present=False)
    expected = old if holds == "old" else pem_to_der(pem)
    assert certificate_der(keys, "SK1") == expected  # read from the pulled key's file
    plug_back(keys, "SK1")
    wait_token(daemon, TOKEN)
    certs = {c["slot"]: c for c in result(daemon, "token.status", {"token": TOKEN})["certificates"]}
    assert certs[SLOT]["subject"] == ("CN=eport softskf SK1 c1" if holds == "old" else "O=Example Trading Co,CN=renewed")
    app = app_state(keys, "SK1")
    assert app["logged_in"] is None
    assert app["user_pin"]["remaining"] == 6


def test_an_rsa_container_is_listed_and_takes_a_certificate_for_its_own_rsa_key_only(tmp_path):
    """An RSA container beside the SM2 one: its certificate shows as RSA-2048, a certificate for
    its RSA key (modulus and exponent from the RSA public-key blob) is written, one for another
    RSA key or for the SM2 container's key is refused before the PIN is tried."""
    keys, work = keys_dir(tmp_path), str(tmp_path)
    make_key(keys, "SKR", "--cert", "c1:sign:sm2:3650", "--cert", "r1:sign:rsa2048:3650")
    daemon = start(str(tmp_path / "eportd"), keys)
    try:
        token, slot = "skf:soft:SKR", "EPORT/r1/sign"
        wait_token(daemon, token)
        certs = {c["slot"]: c for c in result(daemon, "token.status", {"token": token})["certificates"]}
        assert certs[slot]["key"] == "RSA-2048" and certs["EPORT/c1/sign"]["key"] == "SM2"
        old = certificate_der(keys, "SKR", container="r1")
        for wrong in (foreign_certificate(work, "foreign-rsa", algorithm="RSA"),
                      renewed_certificate(work, keys, "SKR", container="c1", name="sm2-for-rsa-slot")):
            refused = error(daemon, "cert.write", {"token": token, "slot": slot, "certificate": wrong,
                                                   "pin": "88888888"})
            assert refused["data"]["reason"] == "cert_key_mismatch"
        assert certificate_der(keys, "SKR", container="r1") == old
        assert app_state(keys, "SKR")["user_pin"]["remaining"] == 6  # no PIN was tried
        pem = renewed_certificate(work, keys, "SKR", container="r1", name="renewed-rsa")
        written = result(daemon, "cert.write", {"token": token, "slot": slot, "certificate": pem, "pin": "88888888"})
        assert written["verified"] is True and written["certificate"]["key"] == "RSA-2048"
        assert certificate_der(keys, "SKR", container="r1") == pem_to_der(pem)
        with open(written["backup"], "rb") as f:
            assert f.read() == old
        assert app_state(keys, "SKR")["logged_in"] is None
    finally:
        daemon.stop()
