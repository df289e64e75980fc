"""Issue 5, the two help-desk flows of EPORT.md end to end over the socket, confirmed afterwards
by OpenSC and yubico-piv-tool: unlock (a blocked PIN back to 88888888, certificates untouched)
and certificate extension (an expired certificate renewed for 10 years, then the PIN back to
88888888)."""

import pytest

from harness import DEFAULT_MGM_KEY
from harness.piv_tools import PivTools

import cards_support as cs

PUK = "12345678"


@pytest.fixture
def desk(pcsc, daemon, make_card, tmp_path):
    def make(name, serial, certs):
        card = make_card(name, serial=serial, certs=certs)
        tools = PivTools(pcsc, card, str(tmp_path / name))
        return card, tools, cs.wait_token(daemon, card)["id"]
    return make


def test_unlock_flow_blocked_pin_back_to_88888888(desk, daemon):
    card, tools, tid = desk("unlock", 30000040, ["9a:rsa2048:3650", "9c:p256:3650"])
    assert tools.ykpiv("-a", "change-pin", "-P", "88888888", "-N", "24682468").returncode == 0
    cs.block_pin_with_ykpiv(tools)
    before = cs.status(daemon, tid)
    assert before["pin"]["state"] == "blocked"

    result = cs.call(daemon, "pin.reset", {"token": tid, "puk": PUK})
    assert result["pin"]["state"] == "ok" and result["pin"]["is_default"] is True

    after = cs.status(daemon, tid)
    assert [c["sha256"] for c in after["certificates"]] == \
        [c["sha256"] for c in before["certificates"]], "unlocking must leave certificates alone"
    res = tools.pkcs15("--verify-pin", "--pin", "88888888")
    assert res.returncode == 0, res.out
    res = tools.ykpiv("-a", "verify-pin", "-P", "88888888")
    assert res.returncode == 0, res.out
    assert tools.yk_pin_tries() == 3


def test_extension_flow_expired_certificate_renewed_for_10_years_and_pin_reset(desk, daemon,
                                                                                certs):
    card, tools, tid = desk("extend", 30000041, ["9a:rsa2048:-20"])
    assert tools.ykpiv("-a", "change-pin", "-P", "88888888", "-N", "13571357").returncode == 0
    check = cs.call(daemon, "cert.check", {"token": tid})
    assert check["worst"] == "expired"
    old = cs.call(daemon, "cert.read", {"token": tid, "slot": "9a"})
    pem, der = certs.issue(certs.pubkey_of_pem(old["pem"]), days=3650,
                           subject="/CN=Example Trading Co operator/O=Example Trading Co")

    written = cs.call(daemon, "cert.write", {"token": tid, "slot": "9a", "certificate": pem,
                                             "management_key": DEFAULT_MGM_KEY})
    assert written["verified"] is True and written["certificate"]["state"] == "valid"
    reset = cs.call(daemon, "pin.reset", {"token": tid, "puk": PUK})
    assert reset["pin"]["is_default"] is True

    check = cs.call(daemon, "cert.check", {"token": tid})
    assert check["worst"] == "valid", check
    assert cs.cert_of(check["tokens"][0], "9a")["days_left"] >= 3648
    assert tools.pkcs15_read_cert("9a") == der
    assert tools.yk_read_cert("9a") == der
    assert tools.pkcs15("--verify-pin", "--pin", "88888888").returncode == 0
    assert tools.ykpiv("-a", "verify-pin", "-P", "88888888").returncode == 0
    # yubico-piv-tool sees the 10-year validity
    facts = cs.yk_facts(tools)
    assert facts["slots"]["9a"]["not_after"].year - facts["slots"]["9a"]["not_before"].year >= 9
