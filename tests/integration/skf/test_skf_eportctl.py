"""The help desk's view of an SKF USBKey with eportctl: status with exact PIN and admin-PIN tries
and SM2 certificate expiry, expiry events, unlock with the admin PIN, renew with the user PIN."""

import json
import os
import subprocess

import pytest

from harness import paths
from skf_support import (certificate_der, keys_dir, make_key, pem_to_der, renewed_certificate, result, softskf,
                         start, subscribe, wait_event, wait_token)

TOKEN = "skf:soft:SKE"


def eportctl(daemon, *args, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "EPORTCTL_"))}
    env["LANG"] = "C.UTF-8"
    out = subprocess.run([paths.built("eportctl"), "--socket", daemon.socket_path] + list(args), input=stdin,
                         capture_output=True, text=True, timeout=120, env=env)
    return out


@pytest.fixture
def desk(tmp_path):
    keys = keys_dir(tmp_path)
    daemon = start(str(tmp_path / "eportd"), keys)
    yield daemon, keys, str(tmp_path)
    daemon.stop()


def test_sm2_certificate_expiry_is_announced_and_checked(desk):
    daemon, keys, _ = desk
    client = subscribe(daemon)
    make_key(keys, "SKE", "--cert", "c1:sign:sm2:-5", "--cert", "c2:sign:sm2:20")
    expired = wait_event(client, "cert.expired", TOKEN)
    assert expired["certificate"]["slot"] == "EPORT/c1/sign"
    assert expired["certificate"]["key"] == "SM2"
    expiring = wait_event(client, "cert.expiring", TOKEN)
    assert expiring["certificate"]["slot"] == "EPORT/c2/sign"
    assert expiring["threshold_days"] == 30
    check = result(daemon, "cert.check", {"token": TOKEN})
    assert check["worst"] == "expired"
    [entry] = check["tokens"]
    days = {c["slot"]: (c["state"], c["days_left"]) for c in entry["certificates"]}
    # notAfter is now -5 / +20 days to the second: a day boundary passes a moment later.
    assert days["EPORT/c1/sign"][0] == "expired" and days["EPORT/c1/sign"][1] in (-6, -5)
    assert days["EPORT/c2/sign"][0] == "expiring" and days["EPORT/c2/sign"][1] in (19, 20)
    client.close()


def test_status_shows_the_usbkey_with_exact_tries_and_the_certificates_expiry(desk):
    daemon, keys, _ = desk
    make_key(keys, "SKE", "--user-tries", "6", "--cert", "c1:sign:sm2:-5")
    wait_token(daemon, TOKEN)
    softskf("verify-pin", "--dir", keys, "--serial", "SKE", "--user-pin", "00000000", check=False)
    out = eportctl(daemon, "--json", "status", TOKEN)
    assert out.returncode in (0, 1), out.stderr
    doc = json.loads(out.stdout)
    [token] = doc["tokens"] if "tokens" in doc else [doc]
    assert token["pin"]["tries_left"] == 5 and token["pin"]["max_tries"] == 6
    assert token["puk"]["tries_left"] == 10
    [cert] = token["certificates"]
    assert cert["key"] == "SM2" and cert["state"] == "expired"
    text = eportctl(daemon, "status", TOKEN).stdout
    assert TOKEN in text
    assert "5 of 6 tries left" in text and "Admin PIN: OK, 10 of 10 tries left" in text
    assert "EPORT/c1/sign" in text
    # The help desk's advice for a USBKey: its user PIN authorises the write, not a management key.
    assert f"eportctl renew {TOKEN} --slot EPORT/c1/sign --cert FILE --with-pin" in text


def test_unlock_and_renew_through_eportctl(desk):
    daemon, keys, work = desk
    make_key(keys, "SKE", "--cert", "c1:sign:sm2:3650")
    wait_token(daemon, TOKEN)
    for _ in range(6):
        softskf("verify-pin", "--dir", keys, "--serial", "SKE", "--user-pin", "00000000", check=False)
    unlock = eportctl(daemon, "unlock", TOKEN, "--puk-stdin", stdin="12345678\n")
    assert unlock.returncode == 0, unlock.stdout + unlock.stderr
    assert "0 of 6 tries left" in unlock.stdout and "6 of 6 tries left" in unlock.stdout
    assert "no certificate" not in unlock.stdout  # unlock shows the PINs only: the key holds one
    assert softskf("verify-pin", "--dir", keys, "--serial", "SKE", "--user-pin", "88888888").returncode == 0
    pem = renewed_certificate(work, keys, "SKE")
    cert_file = os.path.join(work, "renewed-for-eportctl.pem")
    with open(cert_file, "w") as f:
        f.write(pem)
    # Without --with-pin nothing is written and eportctl says what the USBKey needs.
    refused = eportctl(daemon, "renew", TOKEN, "--slot", "EPORT/c1/sign", "--cert", cert_file, "--yes")
    assert refused.returncode != 0 and "--with-pin" in refused.stdout + refused.stderr
    renew = eportctl(daemon, "--json", "renew", TOKEN, "--slot", "EPORT/c1/sign", "--cert", cert_file, "--yes",
                     "--with-pin", "--puk-stdin", stdin="88888888\n")
    assert renew.returncode == 0, renew.stdout + renew.stderr
    doc = json.loads(renew.stdout)
    assert doc["verified"] is True and doc["certificate"]["key"] == "SM2"
    assert certificate_der(keys, "SKE") == pem_to_der(pem)
