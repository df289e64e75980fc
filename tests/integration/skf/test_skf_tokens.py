"""SKF USBKeys through eportd's socket: listing, plug and pull events, exact PIN and admin-PIN
tries from SKF_GetPINInfo (no try spent), pin.reset with the admin PIN, the admin PIN's final try,
pin.change, two SKF libraries at once. The soft SKF library is loaded by eport-skf.so exactly as
a vendor library would be; eport-softskf checks the key's own state from outside."""

import os
import re

import pytest

from harness import paths

from skf_support import (BOOL64_LIBRARY, SOFT_LIBRARY, app_state, error, keys_dir, make_key, plug_back,
                         prepare, pull, result, skf_driver, softskf, start, subscribe, wait_event, wait_token)

TOKEN = "skf:soft:SK1"


@pytest.fixture
def desk(tmp_path):
    keys = keys_dir(tmp_path)
    make_key(keys, "SK1", "--cert", "c1:sign:sm2:3650", "--cert", "c1:enc:sm2:3650")
    daemon = start(str(tmp_path / "eportd"), keys)
    wait_token(daemon, TOKEN)
    yield daemon, keys
    daemon.stop()


def test_a_usbkey_is_listed_with_exact_pin_and_admin_pin_tries_and_its_sm2_certificates(desk):
    daemon, keys = desk
    [token] = result(daemon, "tokens.list")["tokens"]
    assert token["id"] == TOKEN
    assert token["driver"] == "skf"
    assert token["kind"] == "usbkey"
    assert token["serial"] == "SK1"
    assert token["label"] == "eport soft SKF SK1"
    assert token["model"] == "SKF USBKey, firmware 1.2"  # DEVINFO.FirmwareVersion of the soft key
    assert token["state"] == "ready"
    status = result(daemon, "token.status", {"token": TOKEN})
    assert status["pin"] == {**status["pin"], "state": "ok", "tries_left": 6, "max_tries": 6, "is_default": True,
                             "source": "skf"}
    assert status["puk"]["tries_left"] == 10 and status["puk"]["max_tries"] == 10
    assert status["puk"]["source"] == "skf"
    certs = {c["slot"]: c for c in status["certificates"]}
    assert set(certs) == {"EPORT/c1/sign", "EPORT/c1/enc"}
    assert certs["EPORT/c1/sign"]["key"] == "SM2"
    assert certs["EPORT/c1/sign"]["state"] == "valid"
    assert certs["EPORT/c1/sign"]["label"] == "c1 (signing)"
    # Reading all that spent nothing and left nobody logged in.
    app = app_state(keys, "SK1")
    assert app["user_pin"]["remaining"] == 6 and app["admin_pin"]["remaining"] == 10
    assert app["logged_in"] is None
    drivers = {d["name"]: d for d in result(daemon, "drivers.list")["drivers"]}
    assert drivers["skf"]["kind"] == "token-provider"
    [library] = drivers["skf"]["status"]["libraries"]
    assert library == {**library, "label": "soft", "loaded": True, "events": "wait", "missing": []}


def test_plugging_and_pulling_a_key_gives_token_added_and_removed(desk):
    daemon, keys = desk
    client = subscribe(daemon)
    make_key(keys, "SK2")
    added = wait_event(client, "token.added", "skf:soft:SK2")
    assert added["token"]["kind"] == "usbkey"
    pull(keys, "SK2")
    wait_event(client, "token.removed", "skf:soft:SK2")
    assert error(daemon, "token.status", {"token": "skf:soft:SK2"})["data"]["reason"] == "no_such_token"
    plug_back(keys, "SK2")
    wait_event(client, "token.added", "skf:soft:SK2")
    assert result(daemon, "token.status", {"token": "skf:soft:SK2"})["pin"]["tries_left"] == 6
    client.close()


def test_wrong_pins_show_as_exact_tries_left(desk):
    daemon, keys = desk
    for left in (5, 4):
        failure = error(daemon, "pin.change", {"token": TOKEN, "old_pin": "11111111", "new_pin": "24682468"})
        assert failure["data"]["reason"] == "wrong_pin"
        assert failure["data"]["tries_left"] == left
    # Another program spends one more (as the vendor's own tool would).
    assert softskf("verify-pin", "--dir", keys, "--serial", "SK1", "--user-pin", "00000000", check=False).returncode == 2
    pin = result(daemon, "token.status", {"token": TOKEN})["pin"]
    assert pin["tries_left"] == 3 and pin["state"] == "low" and pin["max_tries"] == 6
    assert app_state(keys, "SK1")["user_pin"]["remaining"] == 3


def test_pin_reset_with_the_admin_pin_unblocks_to_88888888(desk):
    daemon, keys = desk
    for _ in range(6):
        softskf("verify-pin", "--dir", keys, "--serial", "SK1", "--user-pin", "00000000", check=False)
    assert result(daemon, "token.status", {"token": TOKEN})["pin"]["state"] == "blocked"
    failure = error(daemon, "pin.reset", {"token": TOKEN, "puk": "99999999"})
    assert failure["data"]["reason"] == "wrong_puk"
    assert failure["data"]["puk_tries_left"] == 9
    reset = result(daemon, "pin.reset", {"token": TOKEN, "puk": "12345678"})
    assert reset["pin"]["tries_left"] == 6 and reset["pin"]["is_default"] is True
    assert softskf("verify-pin", "--dir", keys, "--serial", "SK1", "--user-pin", "88888888").stdout == "accepted\n"
    app = app_state(keys, "SK1")
    assert app["admin_pin"]["remaining"] == 10
    assert app["logged_in"] is None  # SKF_ClearSecureState after the job
    assert result(daemon, "token.status", {"token": TOKEN})["puk"]["tries_left"] == 10


def test_the_admin_pins_final_try_is_refused_without_force(tmp_path):
    keys = keys_dir(tmp_path)
    make_key(keys, "SK3", "--admin-tries", "2")
    daemon = start(str(tmp_path / "eportd"), keys)
    try:
        wait_token(daemon, "skf:soft:SK3")
        assert error(daemon, "pin.reset", {"token": "skf:soft:SK3", "puk": "99999999"})["data"]["puk_tries_left"] == 1
        refused = error(daemon, "pin.reset", {"token": "skf:soft:SK3", "puk": "12345678"})
        assert refused["data"]["reason"] == "puk_final_try"
        assert app_state(keys, "SK3")["admin_pin"]["remaining"] == 1  # nothing was tried
        done = result(daemon, "pin.reset", {"token": "skf:soft:SK3", "puk": "12345678", "force": True})
        assert done["pin"]["tries_left"] == 6
        assert app_state(keys, "SK3")["admin_pin"]["remaining"] == 2
    finally:
        daemon.stop()


def test_pin_change_sets_a_new_pin_the_key_accepts(desk):
    daemon, keys = desk
    changed = result(daemon, "pin.change", {"token": TOKEN, "old_pin": "88888888", "new_pin": "24682468"})
    assert changed["pin"]["is_default"] is False and changed["pin"]["tries_left"] == 6
    assert softskf("verify-pin", "--dir", keys, "--serial", "SK1", "--user-pin", "24682468").returncode == 0
    assert app_state(keys, "SK1")["logged_in"] is None
    assert error(daemon, "pin.change", {"token": TOKEN, "old_pin": "24682468", "new_pin": "12"})["data"]["reason"] \
        == "invalid_pin"
    assert app_state(keys, "SK1")["user_pin"]["remaining"] == 6


def test_pin_verify_checks_the_pin_and_clears_the_secure_state(desk):
    daemon, keys = desk
    failure = error(daemon, "pin.verify", {"token": TOKEN, "pin": "11111111"})
    assert failure["data"]["reason"] == "wrong_pin" and failure["data"]["tries_left"] == 5, failure
    assert app_state(keys, "SK1")["user_pin"]["remaining"] == 5  # exactly one try
    verified = result(daemon, "pin.verify", {"token": TOKEN, "pin": "88888888"})
    assert verified["verified"] is True and verified["tries_left"] == 6, verified
    app = app_state(keys, "SK1")
    assert app["user_pin"]["remaining"] == 6
    assert app["logged_in"] is None  # SKF_ClearSecureState right after SKF_VerifyPIN


def test_pin_verify_refuses_the_final_try_without_force(tmp_path):
    keys = keys_dir(tmp_path)
    make_key(keys, "SK4", "--user-tries", "2")
    daemon = start(str(tmp_path / "eportd"), keys)
    try:
        wait_token(daemon, "skf:soft:SK4")
        assert error(daemon, "pin.verify", {"token": "skf:soft:SK4", "pin": "11111111"})["data"]["tries_left"] == 1
        refused = error(daemon, "pin.verify", {"token": "skf:soft:SK4", "pin": "88888888"})
        assert refused["data"]["reason"] == "pin_final_try", refused
        assert app_state(keys, "SK4")["user_pin"]["remaining"] == 1  # nothing was tried
        done = result(daemon, "pin.verify", {"token": "skf:soft:SK4", "pin": "88888888", "force": True})
        assert done["verified"] is True and done["tries_left"] == 2
    finally:
        daemon.stop()


def test_two_skf_libraries_serve_their_keys_at_once(tmp_path):
    keys, wide = keys_dir(tmp_path), keys_dir(tmp_path, "wide-keys")
    make_key(keys, "SK4")
    make_key(wide, "WK1", "--user-tries", "5")
    daemon = start(str(tmp_path / "eportd"), keys, keys64=wide,
                   drivers=[skf_driver((SOFT_LIBRARY, "soft"), (BOOL64_LIBRARY, "wide"))])
    try:
        wait_token(daemon, "skf:soft:SK4")
        wait_token(daemon, "skf:wide:WK1")
        wide_pin = result(daemon, "token.status", {"token": "skf:wide:WK1"})["pin"]
        assert wide_pin["tries_left"] == 5 and wide_pin["is_default"] is True  # an 8-byte BOOL read right
        assert result(daemon, "token.status", {"token": "skf:soft:SK4"})["pin"]["tries_left"] == 6
        libraries = result(daemon, "drivers.list")["drivers"]
        [skf] = [d for d in libraries if d["name"] == "skf"]
        assert [lib["label"] for lib in skf["status"]["libraries"]] == ["soft", "wide"]
    finally:
        daemon.stop()


def test_a_library_that_does_not_load_is_reported_and_the_others_serve(tmp_path):
    keys = keys_dir(tmp_path)
    make_key(keys, "SK5")
    missing = "/nonexistent/vendor/libvendor_skf.so"
    daemon = start(str(tmp_path / "eportd"), keys, drivers=[skf_driver((SOFT_LIBRARY, "soft"), (missing, "vendor"))])
    try:
        wait_token(daemon, "skf:soft:SK5")
        [skf] = [d for d in result(daemon, "drivers.list")["drivers"] if d["name"] == "skf"]
        soft, vendor = skf["status"]["libraries"]
        assert soft["loaded"] is True
        assert vendor["loaded"] is False and vendor["library"] == missing
        assert "cannot open shared object file" in vendor["error"]
        problems = result(daemon, "diag.report")["problems"]
        assert any(missing in p and p.startswith("driver skf:") for p in problems), problems
    finally:
        daemon.stop()


def test_a_library_without_some_skf_functions_serves_what_it_can_and_says_what_is_missing(tmp_path):
    """The soft library exporting only device, application and SKF_GetPINInfo functions (built for
    the unit tests), as a vendor library without certificate or PIN-change functions."""
    partial = os.path.join(paths.build_dir(), "tests", "unit", "skf", "libeport-softskf-partial.so")
    assert os.path.exists(partial), "libeport-softskf-partial.so is not built"
    keys = keys_dir(tmp_path)
    make_key(keys, "SK6", "--cert", "c1:sign:sm2:3650")
    daemon = start(str(tmp_path / "eportd"), keys, drivers=[skf_driver((partial, "part"))])
    try:
        wait_token(daemon, "skf:part:SK6")  # no device events: found by polling
        [skf] = [d for d in result(daemon, "drivers.list")["drivers"] if d["name"] == "skf"]
        [library] = skf["status"]["libraries"]
        assert "SKF_ImportCertificate" in library["missing"] and "SKF_WaitForDevEvent" in library["missing"]
        assert {"cert_write", "pin_reset", "events"} <= set(library["disabled"])
        assert library["events"] == "poll"
        status = result(daemon, "token.status", {"token": "skf:part:SK6"})
        assert status["pin"]["tries_left"] == 6 and status["puk"]["tries_left"] == 10
        assert status["certificates"] == []  # no container functions: no slots to read
        refused = error(daemon, "pin.reset", {"token": "skf:part:SK6", "puk": "12345678"})
        assert refused["data"]["reason"] == "unsupported"
        assert app_state(keys, "SK6")["admin_pin"]["remaining"] == 10
    finally:
        daemon.stop()


def test_the_shipped_configuration_with_its_skf_entry_enabled_serves_a_key(tmp_path):
    """config/eportd.yaml as shipped, its commented skf entry enabled the way docs/drivers/skf.md
    tells an installer (the '#' removed, the vendor's library path put in); only the paths of a
    real system are moved, and PC/SC and USB watching are turned off (no pcscd here)."""
    shipped = open(os.path.join(paths.SOURCE_DIR, "config", "eportd.yaml")).read()
    block = re.search(r"^  # - name: skf\n(?:  #   .*\n)*", shipped, flags=re.M)
    assert block, "the shipped skf entry changed"
    enabled = shipped.replace(block.group(0), re.sub(r"^  # ", "  ", block.group(0), flags=re.M))
    assert "/opt/vendor/lib/libvendor_skf.so" in enabled
    enabled = enabled.replace("/opt/vendor/lib/libvendor_skf.so", SOFT_LIBRARY)
    keys = keys_dir(tmp_path)
    make_key(keys, "SHIP1", "--cert", "c1:sign:sm2:3650")
    daemon = prepare(str(tmp_path / "eportd"), keys)  # its environment; the config is the shipped one
    text = enabled
    for key, value in (("socket", daemon.socket_path), ("state_dir", daemon.state_dir), ("socket_group", '""')):
        text = re.sub(rf"^{key}:.*$", f"{key}: {value}", text, flags=re.M)
    text = re.sub(r"^(pcsc|usb):\n  enabled: true$", r"\1:\n  enabled: false", text, flags=re.M)
    text += f"\nplugin_dir: {paths.plugin_dir()}\n"

    def write_config():
        os.makedirs(daemon.state_dir, mode=0o700, exist_ok=True)
        with open(daemon.config_path, "w") as f:
            f.write(text)
        return daemon.config_path
    daemon.write_config = write_config
    daemon.start()
    try:
        wait_token(daemon, "skf:vendor:SHIP1")
        status = result(daemon, "token.status", {"token": "skf:vendor:SHIP1"})
        assert status["pin"]["tries_left"] == 6 and status["pin"]["source"] == "skf"
        assert [c["slot"] for c in status["certificates"]] == ["EPORT/c1/sign"]
    finally:
        daemon.stop()
