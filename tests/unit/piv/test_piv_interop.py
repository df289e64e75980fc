"""eport-piv.so over real PC/SC (private pcscd + eport-vcard), checked by the independent tools.

piv_host.py is a tiny host (ctypes: pcsc-lite + the plug-in's C ABI) so that the driver's APDUs
travel through pcscd and vpcd exactly as they do under eportd.
"""

import json
import os
import subprocess
import sys

import pytest

import harness
from harness.piv_tools import PivTools, cert_der, make_ca, make_cert

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("EPORT_BUILD_DIR", "")
PLUGIN = os.path.join(BUILD, "plugins", "eport-piv.so")


@pytest.fixture(scope="module")
def h():
    reason = harness.namespace_unavailable()
    if reason:
        pytest.skip(reason)
    if not os.path.exists(PLUGIN) or not harness.built("eport-vcard"):
        pytest.fail("build targets eport-piv and eport-vcard first")
    with harness.Harness() as stack:
        yield stack


@pytest.fixture
def card(h):
    c = h.card("piv", serial=4242, certs=["9a:p256:365"])
    yield c
    h.discard(c)


def host(h, card, *args):
    res = subprocess.run([sys.executable, os.path.join(HERE, "piv_host.py"), PLUGIN, card.reader]
                         + [str(a) for a in args], env=harness.paths.sanitizer_env(h.env()),
                         capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_status_matches_yubico_piv_tool_and_a_pin_blocked_by_it_shows(h, card, tmp_path):
    tools = PivTools(h, card, str(tmp_path))
    status = host(h, card, "status")
    assert status["serial"] == "00001092"
    assert (status["pin"]["tries_left"], status["pin"]["max_tries"]) == (3, 3)
    assert status["pin"]["is_default"] == 1
    assert status["puk"]["tries_left"] == 3
    assert status["slots"]["9a"] == 1 and status["read_9a"] == 0
    # PIN 2+, PUK 2, list 5 (+ GET RESPONSEs); the 9A read is served from the list's read
    assert 9 <= status["apdus"] <= 11
    assert tools.yk_pin_tries() == 3
    for _ in range(3):
        tools.ykpiv("-a", "verify-pin", "-P", "00000000")
    blocked = host(h, card, "status")
    assert blocked["pin"]["tries_left"] == 0 and blocked["pin"]["blocked"] == 1


def test_a_written_certificate_over_2kb_reads_back_identical_with_both_tools(h, card, tmp_path):
    tools = PivTools(h, card, str(tmp_path))
    spki = tmp_path / "spki.der"
    assert host(h, card, "pubkey", "9a", spki)["rv"] == 0
    pub_pem = tmp_path / "pub.pem"
    subprocess.run(["openssl", "pkey", "-pubin", "-inform", "DER", "-in", spki, "-out", pub_pem],
                   check=True)
    ca_key, ca_cert = make_ca(str(tmp_path))
    ext = tmp_path / "san.cnf"
    ext.write_text("subjectAltName = " + ",".join(f"DNS:h{i}.example.test" for i in range(120)))
    cert_pem = tmp_path / "renewed.pem"
    make_cert(str(cert_pem), pubkey=str(pub_pem), days=3650, ca_key=ca_key, ca_cert=ca_cert,
              extra=["-extfile", str(ext)])
    der = cert_der(str(cert_pem))
    assert len(der) > 2048
    der_file = tmp_path / "renewed.der"
    der_file.write_bytes(der)
    assert host(h, card, "write", "9a", der_file, harness.DEFAULT_MGM_KEY)["rv"] == 0
    assert tools.yk_read_cert("9a") == der
    assert tools.pkcs15_read_cert("9a") == der
    back = tmp_path / "back.der"
    assert host(h, card, "read", "9a", back)["rv"] == 0
    assert back.read_bytes() == der


def test_reset_with_the_puk_unblocks_for_yubico_piv_tool(h, card, tmp_path):
    tools = PivTools(h, card, str(tmp_path))
    for _ in range(3):
        tools.ykpiv("-a", "verify-pin", "-P", "00000000")
    wrong = host(h, card, "reset", "00000000", "88888888")
    assert wrong["rv"] == 4 and wrong["info"]["tries_left"] == 2  # EPORT_ERR_WRONG_PIN
    ok = host(h, card, "reset", harness.DEFAULT_PUK, "88888888")
    assert ok["rv"] == 0 and ok["info"]["tries_left"] == 3
    assert tools.ykpiv("-a", "verify-pin", "-P", "88888888").returncode == 0
