"""What one tool does to the card, the other tools see: PIN counters, certificates, and state
that survives pulling and re-inserting the card (a restart of eport-vcard)."""

from harness import DEFAULT_MGM_KEY, DEFAULT_PIN, DEFAULT_PUK
from harness.piv_tools import cert_der, make_cert, make_key

SELECT_PIV = "00 A4 04 00 09 A0 00 00 03 08 00 00 10 00"
NEW_MGM_KEY = "0102030405060708a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8"


def _verify_apdu(pin):
    return "00 20 00 80 08 " + " ".join(f"{b:02X}" for b in pin.encode().ljust(8, b"\xff"))


def test_a_pin_blocked_through_yubico_piv_tool_is_blocked_for_opensc(card, piv_tools):
    t = piv_tools(card)
    for _ in range(3):
        assert t.ykpiv("-a", "verify-pin", "-P", "99999999").returncode != 0
    assert t.pin_status_sw() == 0x6983
    res = t.pkcs15("--verify-pin", "--pin", DEFAULT_PIN)
    assert res.returncode != 0, res.out
    login = t.pkcs11("--login", "--pin", DEFAULT_PIN, "--list-objects")
    assert login.returncode != 0 and "CKR_PIN_LOCKED" in login.out, login.out


def test_a_pin_blocked_through_opensc_is_blocked_for_yubico_piv_tool(card, piv_tools):
    t = piv_tools(card)
    for _ in range(3):
        assert t.pkcs15("--verify-pin", "--pin", "99999999").returncode != 0
    res = t.ykpiv("-a", "verify-pin", "-P", DEFAULT_PIN)
    assert res.returncode != 0 and "blocked" in res.out, res.out
    assert t.yk_pin_tries() == 0
    # and unblocking through yubico-piv-tool is seen by OpenSC
    assert t.ykpiv("-a", "unblock-pin", "-P", DEFAULT_PUK, "-N", "31415926").returncode == 0
    assert t.pkcs15("--verify-pin", "--pin", "31415926").returncode == 0


def test_a_certificate_imported_by_yubico_piv_tool_is_byte_identical_in_opensc(card, piv_tools):
    t = piv_tools(card)
    cert = make_cert(t.path("9c.pem"), "/CN=cross 9c", 30, key=make_key(t.path("k"), "p256"))
    t.yk_import_cert("9c", cert)
    want = cert_der(cert)
    assert t.pkcs15_read_cert("9c") == want
    out = t.path("9c.der")
    res = t.pkcs11("--read-object", "--type", "cert", "--id", "02", "--output-file", out)
    assert res.returncode == 0, res.out
    with open(out, "rb") as f:
        assert f.read() == want


def test_a_certificate_loaded_by_piv_tool_is_byte_identical_in_yubico_piv_tool(card, piv_tools):
    t = piv_tools(card)
    cert = make_cert(t.path("9d.pem"), "/CN=cross 9d", 30, key=make_key(t.path("k"), "rsa2048"))
    # piv-tool 0.23's exit status after -C is unreliable (see test_opensc.py): check the card
    t.piv_tool("--admin", "M:9B:03", "-C", "9D", "-i", cert, ext_auth_key=DEFAULT_MGM_KEY)
    assert t.yk_read_cert("9d") == cert_der(cert)
    assert t.pkcs15_read_cert("9d") == cert_der(cert)


def test_state_survives_a_restart_of_the_card(card, piv_tools):
    t = piv_tools(card)
    cert = make_cert(t.path("9e.pem"), "/CN=persist", 30, key=make_key(t.path("k"), "p256"))
    t.yk_import_cert("9e", cert)
    assert t.ykpiv("-a", "change-pin", "-P", DEFAULT_PIN, "-N", "27182818").returncode == 0
    assert t.ykpiv("--key=" + DEFAULT_MGM_KEY, "-a", "set-mgm-key", "-n", NEW_MGM_KEY) \
        .returncode == 0
    assert t.ykpiv("-a", "verify-pin", "-P", "00000000").returncode != 0  # one try spent
    original_9a = t.yk_read_cert("9a")

    card.restart()

    assert t.pin_status_sw() == 0x63C2
    assert t.yk_read_cert("9e") == cert_der(cert)
    assert t.yk_read_cert("9a") == original_9a
    assert t.ykpiv("-a", "verify-pin", "-P", DEFAULT_PIN).returncode != 0
    assert t.ykpiv("-a", "verify-pin", "-P", "27182818").returncode == 0
    assert t.ykpiv("--key=" + DEFAULT_MGM_KEY, "-a", "import-certificate", "-s", "9c", "-i",
                   cert).returncode != 0
    assert t.ykpiv("--key=" + NEW_MGM_KEY, "-a", "import-certificate", "-s", "9c", "-i",
                   cert).returncode == 0


def test_a_restart_forgets_a_verified_pin(card, piv_tools):
    t = piv_tools(card)
    sws = t.raw_apdus(SELECT_PIV, _verify_apdu(DEFAULT_PIN), "00 20 00 80")
    assert sws[1:] == [0x9000, 0x9000]  # in the same session the PIN counts as verified
    card.restart()
    assert t.pin_status_sw() == 0x63C3


def test_a_card_pulled_mid_session_can_be_inserted_again_with_its_state(make_card, piv_tools):
    card = make_card("pulled", certs=["9a:p256:30"], insert=False)
    card.insert(drop_after=3)
    t = piv_tools(card)
    t.ykpiv("-a", "status")  # the card goes away after 3 APDUs
    card.remove()
    assert not card.alive() and not card.present()
    card.insert()
    assert t.yk_status()["slots"]["9a"]["Algorithm"] == "ECCP256"
