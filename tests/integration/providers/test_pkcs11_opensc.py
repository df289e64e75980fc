"""eport-pkcs11.so with OpenSC's opensc-pkcs11.so over eport-vcard through the real pcscd (the
harness's private pcscd + vpcd): the card as a PKCS#11 token, its PIN flags after wrong PINs
through yubico-piv-tool, and one card listed once when the piv driver sees it too."""

import os
import re

import pytest

from harness import paths
from harness.fixtures import *  # noqa: F401,F403  (pcsc, make_card, piv_tools)
from providers_support import subscribe, token_ids, wait_event, wait_until

SERIAL = 4101


def opensc_module():
    module = paths.opensc_pkcs11()
    assert module, "opensc-pkcs11.so is not installed (scripts/deps installs opensc)"
    return module


def pkcs11_driver():
    return {"name": "pkcs11", "options": {"modules": [{"module": opensc_module(), "label": "opensc"}]}}


def start(pcsc, drivers):
    daemon = pcsc.eportd(drivers=drivers, config={"usb": {"enabled": False}, "log": {"level": "debug"}})
    return daemon


@pytest.fixture
def card(make_card):
    return make_card("p11card", serial=SERIAL, certs=["9a:rsa2048:3650"])


def opensc_token(daemon):
    ids = [t for t in token_ids(daemon) if t.startswith("p11:opensc:")]
    return ids[0] if ids else None


def pin_state(daemon, token):
    answer = daemon.call("token.status", {"token": token})
    assert "result" in answer, answer
    return answer["result"]["pin"]


def test_the_card_appears_as_an_opensc_token_and_its_flags_follow_wrong_pins(pcsc, card, piv_tools):
    daemon = start(pcsc, [pkcs11_driver()])
    try:
        token = wait_until("the OpenSC token", lambda: opensc_token(daemon))
        [listed] = [t for t in daemon.call("tokens.list")["result"]["tokens"] if t["id"] == token]
        assert listed["kind"] == "pkcs11"
        assert listed["reader"] == card.reader
        status = daemon.call("token.status", {"token": token})["result"]
        assert [c["key"] for c in status["certificates"]] == ["RSA-2048"]
        assert status["pin"] == {"state": "ok", "tries_left": None, "max_tries": None, "is_default": None,
                                 "source": "pkcs11-flags"}
        [driver] = daemon.call("drivers.list")["result"]["drivers"]
        assert driver["status"]["modules"][0]["events"] == "wait"  # OpenSC waits for slot events
        tools = piv_tools(card)
        for left in (2, 1):
            res = tools.ykpiv("-a", "verify-pin", "-P", "00000000")
            assert f"{left} tries left" in res.stdout.decode() + res.stderr.decode()
        assert pin_state(daemon, token)["state"] == "final_try"
        tools.ykpiv("-a", "verify-pin", "-P", "00000000")
        blocked = pin_state(daemon, token)
        assert blocked["state"] == "blocked" and blocked["tries_left"] == 0
        # No SO PIN flag from OpenSC's PIV emulation: the PUK is unknown, not "ok".
        assert daemon.call("token.status", {"token": token})["result"]["puk"]["state"] == "unknown"
    finally:
        daemon.stop()


def test_a_card_pulled_and_put_back_gives_token_events(pcsc, card):
    daemon = start(pcsc, [pkcs11_driver()])
    try:
        token = wait_until("the OpenSC token", lambda: opensc_token(daemon))
        client = subscribe(daemon)
        card.remove()
        # Usually within a second. OpenSC 0.23 can deadlock in C_GetTokenInfo when the card is
        # pulled during the insertion read (docs/drivers/pkcs11.md); eportd then restarts the
        # helper once a listing has gone unanswered for 30 s (after at most 10 s): the removal
        # still comes, later.
        wait_event(client, "token.removed", token, timeout=75)
        card.insert()
        wait_event(client, "token.added", token)
        client.close()
    finally:
        daemon.stop()


def test_piv_and_opensc_see_one_card_and_it_is_listed_once(pcsc, card):
    daemon = start(pcsc, [{"name": "piv"}, pkcs11_driver()])
    try:
        piv_id = f"piv:{SERIAL:08x}"
        wait_until("the piv token", lambda: piv_id in token_ids(daemon))
        # The provider has looked at the card too (its log says it stays with piv) ...
        wait_until("OpenSC's view of the card", lambda: re.search(
            r"token p11:opensc:\S+ is the card a card driver serves in", open(daemon.log_path).read()))
        # ... and the card is listed once, by the card driver.
        assert token_ids(daemon) == [piv_id]
        assert [r["token"] for r in daemon.call("readers.list")["result"]["readers"] if r["card_present"]] == [piv_id]
    finally:
        daemon.stop()


def test_the_shipped_configuration_with_pkcs11_enabled_lists_the_card_once(pcsc, card, tmp_path):
    """config/eportd.yaml as shipped, its commented pkcs11 entry enabled the way an installer
    would (module: OpenSC, p11-kit: true to take every registered module as well)."""
    shipped = open(os.path.join(paths.SOURCE_DIR, "config", "eportd.yaml")).read()
    # Only the pkcs11 entry's own lines (the commented skf entry after it stays commented).
    block = re.search(r"^  # - name: pkcs11\n(?:  #   .*\n)*", shipped, flags=re.M).group(0)
    enabled = shipped.replace(block, re.sub(r"^  # ", "  ", block, flags=re.M))
    enabled = enabled.replace("/usr/lib/x86_64-linux-gnu/libgm3000_pkcs11.so", opensc_module())
    enabled = re.sub(r"p11-kit: false", "p11-kit: true", enabled)
    assert "- name: pkcs11" in enabled and "p11-kit: true" in enabled, "the shipped pkcs11 entry changed"
    workdir = tmp_path / "shipped"
    workdir.mkdir()
    config = workdir / "eportd.yaml"
    config.write_text(enabled)
    daemon = pcsc.eportd(start=False)
    daemon.config_path = str(config)
    daemon.extra_config = {}

    def write_config():  # the shipped text with only the paths of a real system moved
        text = enabled
        for key, value in (("socket", daemon.socket_path), ("state_dir", daemon.state_dir),
                           ("socket_group", '""')):
            text = re.sub(rf"^{key}:.*$", f"{key}: {value}", text, flags=re.M)
        text += f"\nplugin_dir: {paths.plugin_dir()}\n"
        os.makedirs(daemon.state_dir, mode=0o700, exist_ok=True)
        with open(daemon.config_path, "w") as f:
            f.write(text)
        return daemon.config_path
    daemon.write_config = write_config
    daemon.start()
    try:
        piv_id = f"piv:{SERIAL:08x}"
        wait_until("the piv token", lambda: piv_id in token_ids(daemon))
        [driver] = [d for d in daemon.call("drivers.list")["result"]["drivers"] if d["name"] == "pkcs11"]
        assert driver["status"]["modules"][0] == {"label": "gm3000", "module": opensc_module(), "source": "config",
                                                  "state": "ok", "events": "wait"}
        wait_until("OpenSC's view of the card", lambda: re.search(
            r"token p11:gm3000:\S+ is the card a card driver serves in", open(daemon.log_path).read()))
        assert [t for t in token_ids(daemon) if SERIAL_HEX in t or t.startswith("p11:")] == [piv_id]
    finally:
        daemon.stop()


SERIAL_HEX = f"{SERIAL:08x}"
