"""yubico-piv-tool 2.2.0 against eport-vcard through the private pcscd.

Keys and certificates are made with openssl (`-a selfsign-certificate` is broken on Debian 12).
"""

import hashlib

from harness import DEFAULT_MGM_KEY, DEFAULT_PIN, DEFAULT_PUK
from harness.piv_tools import cert_der, make_ca, make_cert, make_key, openssl, public_key

NEW_MGM_KEY = "f1f2f3f4f5f6f7f8f1f2f3f4f5f6f7f8f1f2f3f4f5f6f7f8"


def _key_opt(key=DEFAULT_MGM_KEY):
    return f"--key={key}"


def test_status_shows_the_9a_certificate_and_three_pin_tries(card, piv_tools):
    t = piv_tools(card)
    status = t.yk_status()
    assert status["top"]["PIN tries left"] == "3"
    slot = status["slots"]["9a"]
    assert slot["Algorithm"] == "RSA2048"
    der = t.yk_read_cert("9a")
    assert der and slot["Fingerprint"].lower() == hashlib.sha256(der).hexdigest()
    subject = openssl("x509", "-inform", "DER", "-noout", "-subject", "-nameopt", "RFC2253",
                      input=der).decode().strip().removeprefix("subject=")
    assert slot["Subject DN"] == subject
    assert "9c" not in status["slots"]


def test_verify_pin_counts_wrong_tries_and_a_right_pin_restores_them(card, piv_tools):
    t = piv_tools(card)
    ok = t.ykpiv("-a", "verify-pin", "-P", DEFAULT_PIN)
    assert ok.returncode == 0 and "Successfully verified PIN" in ok.out
    bad = t.ykpiv("-a", "verify-pin", "-P", "11223344")
    assert bad.returncode != 0 and "2 tries left before pin is blocked" in bad.out
    assert t.yk_pin_tries() == 2
    assert t.ykpiv("-a", "verify-pin", "-P", DEFAULT_PIN).returncode == 0
    assert t.yk_pin_tries() == 3


def test_change_pin_makes_the_new_pin_valid_and_the_old_one_wrong(card, piv_tools):
    t = piv_tools(card)
    res = t.ykpiv("-a", "change-pin", "-P", DEFAULT_PIN, "-N", "12121212")
    assert res.returncode == 0, res.out
    old = t.ykpiv("-a", "verify-pin", "-P", DEFAULT_PIN)
    assert old.returncode != 0 and "2 tries left" in old.out
    assert t.ykpiv("-a", "verify-pin", "-P", "12121212").returncode == 0


def test_unblock_pin_with_the_puk_after_three_wrong_pins(card, piv_tools):
    t = piv_tools(card)
    for left in ("2 tries left", "1 tries left", "Pin code blocked"):
        res = t.ykpiv("-a", "verify-pin", "-P", "00000000")
        assert res.returncode != 0 and left in res.out, res.out
    blocked = t.ykpiv("-a", "verify-pin", "-P", DEFAULT_PIN)
    assert blocked.returncode != 0 and "blocked" in blocked.out
    assert t.yk_pin_tries() == 0
    res = t.ykpiv("-a", "unblock-pin", "-P", DEFAULT_PUK, "-N", "24681357")
    assert res.returncode == 0, res.out
    assert t.yk_pin_tries() == 3
    assert t.ykpiv("-a", "verify-pin", "-P", "24681357").returncode == 0


def test_change_puk_retires_the_old_puk(card, piv_tools):
    t = piv_tools(card)
    res = t.ykpiv("-a", "change-puk", "-P", DEFAULT_PUK, "-N", "87654321")
    assert res.returncode == 0, res.out
    old = t.ykpiv("-a", "unblock-pin", "-P", DEFAULT_PUK, "-N", "11111111")
    assert old.returncode != 0 and "2 tries left" in old.out, old.out
    new = t.ykpiv("-a", "unblock-pin", "-P", "87654321", "-N", "11111111")
    assert new.returncode == 0, new.out
    assert t.ykpiv("-a", "verify-pin", "-P", "11111111").returncode == 0


def test_set_mgm_key_replaces_the_key_that_admin_actions_need(card, piv_tools):
    t = piv_tools(card)
    cert = make_cert(t.path("c.pem"), key=make_key(t.path("k.pem"), "p256"))
    res = t.ykpiv(_key_opt(), "-a", "set-mgm-key", "-n", NEW_MGM_KEY)
    assert res.returncode == 0, res.out
    old = t.ykpiv(_key_opt(), "-a", "import-certificate", "-s", "9e", "-i", cert)
    assert old.returncode != 0
    assert t.yk_read_cert("9e") is None
    new = t.ykpiv(_key_opt(NEW_MGM_KEY), "-a", "import-certificate", "-s", "9e", "-i", cert)
    assert new.returncode == 0, new.out
    assert t.yk_read_cert("9e") == cert_der(cert)


def _generate_certify_sign(t, slot, algorithm, key_bits_text):
    pub = t.path(f"pub-{slot}.pem")
    res = t.ykpiv(_key_opt(), "-a", "generate", "-s", slot, "-A", algorithm, "-o", pub)
    assert res.returncode == 0, res.out
    text = openssl("pkey", "-pubin", "-in", pub, "-noout", "-text").decode()
    assert key_bits_text in text
    ca_key, ca_cert = make_ca(t.workdir)
    cert = make_cert(t.path(f"cert-{slot}.pem"), "/CN=generated", 30, pubkey=pub,
                     ca_key=ca_key, ca_cert=ca_cert)
    t.yk_import_cert(slot, cert)
    # test-signature signs with the card and verifies against the certificate's public key
    sig = t.ykpiv("-a", "verify-pin", "-P", DEFAULT_PIN, "-a", "test-signature", "-s", slot,
                  "-i", cert)
    assert sig.returncode == 0, sig.out


def test_generate_rsa2048_gives_a_key_that_signs_for_its_certificate(card, piv_tools):
    _generate_certify_sign(piv_tools(card), "9c", "RSA2048", "Public-Key: (2048 bit)")


def test_generate_p256_gives_a_key_that_signs_for_its_certificate(card, piv_tools):
    _generate_certify_sign(piv_tools(card), "9a", "ECCP256", "NIST CURVE: P-256")


def test_generate_without_the_management_key_is_refused(card, piv_tools):
    t = piv_tools(card)
    res = t.ykpiv(_key_opt(NEW_MGM_KEY), "-a", "generate", "-s", "9c", "-A", "ECCP256")
    assert res.returncode != 0


def test_import_key_then_the_card_signs_with_that_key(card, piv_tools):
    t = piv_tools(card)
    for slot, alg in (("9d", "rsa2048"), ("9e", "p256")):
        key = make_key(t.path(f"{slot}.key"), alg)
        res = t.ykpiv(_key_opt(), "-a", "import-key", "-s", slot, "-i", key)
        assert res.returncode == 0, res.out
        cert = make_cert(t.path(f"{slot}.pem"), f"/CN=imported {slot}", 30, key=key)
        t.yk_import_cert(slot, cert)
        sig = t.ykpiv("-a", "verify-pin", "-P", DEFAULT_PIN, "-a", "test-signature", "-s", slot,
                      "-i", cert)
        assert sig.returncode == 0, sig.out
        # a certificate for another key must not verify: proves test-signature really checks
    other = make_cert(t.path("other.pem"), "/CN=other", 30, key=make_key(t.path("o.key"), "p256"))
    bad = t.ykpiv("-a", "verify-pin", "-P", DEFAULT_PIN, "-a", "test-signature", "-s", "9e",
                  "-i", other)
    assert bad.returncode != 0


def test_import_certificate_reads_back_byte_identical_small_and_over_2kb(card, piv_tools):
    t = piv_tools(card)
    key = make_key(t.path("k.pem"), "p256")
    small = make_cert(t.path("small.pem"), "/CN=small", 30, key=key)
    names = ",".join(f"DNS:host{i:03d}.interop.eport.example" for i in range(60))
    large = make_cert(t.path("large.pem"), "/CN=large", 30, key=key,
                      extra=("-addext", f"subjectAltName={names}"))
    assert 2048 < len(cert_der(large)) < 3000  # ykpiv 2.2.0 refuses objects over ~3 KB
    for slot, cert in (("9c", small), ("9d", large)):
        t.yk_import_cert(slot, cert)
        assert t.yk_read_cert(slot) == cert_der(cert)
    pem = t.ykpiv("-a", "read-certificate", "-s", "9d", check=True).stdout
    with open(large, "rb") as f:
        assert pem.strip() == f.read().strip()


def test_generate_p384_gives_a_key_that_signs_for_its_certificate(card, piv_tools):
    _generate_certify_sign(piv_tools(card), "9d", "ECCP384", "NIST CURVE: P-384")


def test_test_decipher_with_a_generated_rsa_key_in_9d(card, piv_tools):
    t = piv_tools(card)
    pub = t.path("pub.pem")
    assert t.ykpiv(_key_opt(), "-a", "generate", "-s", "9d", "-A", "RSA2048", "-o", pub) \
        .returncode == 0
    ca_key, ca_cert = make_ca(t.workdir)
    cert = make_cert(t.path("9d.pem"), "/CN=decipher", 30, pubkey=pub, ca_key=ca_key,
                     ca_cert=ca_cert)
    t.yk_import_cert("9d", cert)
    res = t.ykpiv("-a", "verify-pin", "-P", DEFAULT_PIN, "-a", "test-decipher", "-s", "9d",
                  "-i", cert)
    assert res.returncode == 0, res.out


def test_init_certificate_days_give_the_validity_tools_read(make_card, piv_tools):
    import datetime
    card = make_card("dated", certs=["9a:p256:20", "9c:rsa2048:-5"])
    t = piv_tools(card)
    now = datetime.datetime.now(datetime.timezone.utc)
    for slot, days in (("9a", 20), ("9c", -5)):
        end = openssl("x509", "-inform", "DER", "-noout", "-enddate", input=t.yk_read_cert(slot))
        not_after = datetime.datetime.strptime(end.decode().strip().split("=", 1)[1],
                                               "%b %d %H:%M:%S %Y %Z")
        delta = not_after.replace(tzinfo=datetime.timezone.utc) - now
        assert abs(delta.total_seconds() - days * 86400) < 2 * 3600, (slot, delta)
