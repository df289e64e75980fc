"""The host's token-provider support, end to end through eportd's socket, with the fixture
provider eport-file-tokens.so (a test double: its tokens are files in a directory, so a test can
plug, pull, hang and crash a token; docs/driver-abi.md "Token providers run apart")."""

import os
import signal

import pytest

from harness import rpc
from providers_support import (fixture_plugin_dir, start_eportd, subscribe, token_ids, wait_event,
                               wait_until)


def write_token(directory, serial, **values):
    with open(os.path.join(directory, serial + ".token"), "w") as f:
        for key, value in values.items():
            f.write(f"{key}={value}\n")


def touch(path):
    with open(path, "w"):
        pass


@pytest.fixture
def tokens_dir(tmp_path):
    directory = tmp_path / "tokens"
    directory.mkdir()
    write_token(str(directory), "A", label="Alice", kind="usbkey", pin_tries=3, pin_max=6)
    write_token(str(directory), "B", label="Bob", pin_tries=6, pin_max=6)
    return str(directory)


@pytest.fixture
def daemon(tmp_path, tokens_dir):
    d = start_eportd(str(tmp_path / "eportd"),
                     [{"name": "file-tokens",
                       "options": {"dir": tokens_dir, "problem": "module x: C_Initialize failed"}}],
                     plugin_dir=fixture_plugin_dir())
    yield d
    d.stop()


def helper_pids(daemon_pid):
    """Pids of the daemon's provider helpers (children running --provider-host)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if ppid == daemon_pid and b"--provider-host" in argv:
            pids.append(int(entry))
    return pids


def test_provider_tokens_are_listed_with_the_providers_ids(daemon):
    wait_until("both tokens", lambda: token_ids(daemon) == ["fx:A", "fx:B"])
    tokens = {t["id"]: t for t in daemon.call("tokens.list")["result"]["tokens"]}
    assert tokens["fx:A"]["driver"] == "file-tokens"
    assert tokens["fx:A"]["kind"] == "usbkey"
    assert tokens["fx:A"]["label"] == "Alice"
    assert tokens["fx:A"]["serial"] == "A"
    assert tokens["fx:A"]["state"] == "ready"
    status = daemon.call("token.status", {"token": "fx:A"})["result"]
    assert status["pin"]["tries_left"] == 3
    assert status["pin"]["state"] == "low"
    assert status["pin"]["source"] == "skf"
    assert status["puk"] is None  # the fixture cannot tell its PUK: unknown, not an error


def test_tokens_come_and_go_at_run_time_with_events(daemon, tokens_dir):
    wait_until("both tokens", lambda: token_ids(daemon) == ["fx:A", "fx:B"])
    client = subscribe(daemon)
    write_token(tokens_dir, "C", label="Carol", pin_tries=6, pin_max=6)
    added = wait_event(client, "token.added", "fx:C")
    assert added["token"]["label"] == "Carol"
    os.unlink(os.path.join(tokens_dir, "A.token"))
    wait_event(client, "token.removed", "fx:A")
    assert token_ids(daemon) == ["fx:B", "fx:C"]
    with pytest.raises(rpc.RpcError) as error:
        client.call("token.status", {"token": "fx:A"})
    assert error.value.reason == "no_such_token"
    client.close()


def test_a_long_slot_id_from_a_provider_is_listed_and_read(daemon, tokens_dir, tmp_path):
    der = tmp_path / "cert.der"
    key = tmp_path / "key.pem"
    assert os.system(f"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout {key} "
                     f"-out {der} -outform DER -days 30 -subj /CN=fixture 2>/dev/null") == 0
    os.replace(der, os.path.join(tokens_dir, "B.der"))
    wait_until("token B", lambda: "fx:B" in token_ids(daemon))
    status = daemon.call("token.status", {"token": "fx:B"})["result"]
    [cert] = status["certificates"]
    assert cert["slot"] == "fixture/certificate-slot-with-a-long-id"
    assert cert["subject"] == "CN=fixture"
    assert cert["key"] == "EC-P256"


def test_a_failed_write_says_which_certificate_the_token_holds(daemon, tokens_dir, tmp_path):
    def cert(name):
        key, pem = tmp_path / f"{name}.key", tmp_path / f"{name}.pem"
        assert os.system(f"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout {key} "
                         f"-out {pem} -days 30 -subj /CN={name} 2>/dev/null") == 0
        return pem.read_text()
    slot = "fixture/certificate-slot-with-a-long-id"
    wait_until("token B", lambda: "fx:B" in token_ids(daemon))
    write = {"token": "fx:B", "slot": slot, "allow_key_mismatch": True}
    assert daemon.call("cert.write", dict(write, certificate=cert("first")))["result"]["verified"]
    touch(os.path.join(tokens_dir, "B.writefail"))
    error = daemon.call("cert.write", dict(write, certificate=cert("second")))["error"]
    assert error["data"]["reason"] == "driver_error"
    assert error["data"]["holds"] == "old"
    assert os.path.exists(error["data"]["backup"])
    [held] = daemon.call("token.status", {"token": "fx:B"})["result"]["certificates"]
    assert held["subject"] == "CN=first"
    # A slot the token does not have: -32602 naming the token's own slots.
    error = daemon.call("cert.write", dict(write, slot="9a", certificate=cert("third")))["error"]
    assert error["code"] == -32602
    assert slot in error["message"]
    status = daemon.call("token.status", {"token": "fx:B"})["result"]
    assert status["slots"] == [{"slot": slot, "label": "Fixture certificate", "has_certificate": True,
                                "has_key": None}]


def test_a_hung_call_holds_only_its_own_token(daemon, tokens_dir):
    wait_until("both tokens", lambda: token_ids(daemon) == ["fx:A", "fx:B"])
    hang = os.path.join(tokens_dir, "A.hang")
    touch(hang)
    client = rpc.connect(daemon.socket_path, timeout=60.0)
    hung = client.request("token.status", {"token": "fx:A"})
    # While A's call hangs inside the plug-in, B and the daemon answer.
    for _ in range(3):
        assert daemon.call("token.status", {"token": "fx:B"})["result"]["pin"]["tries_left"] == 6
    assert daemon.call("daemon.info")["result"]["version"]
    os.unlink(hang)
    answer = client.response(hung)
    assert answer["result"]["pin"]["tries_left"] == 3
    client.close()


def test_a_crash_in_the_plugin_removes_its_tokens_and_they_come_back(daemon, tokens_dir):
    wait_until("both tokens", lambda: token_ids(daemon) == ["fx:A", "fx:B"])
    [first_helper] = helper_pids(daemon.proc.pid)
    client = subscribe(daemon)
    touch(os.path.join(tokens_dir, "B.crash"))
    with pytest.raises(rpc.RpcError) as error:
        client.call("token.status", {"token": "fx:B"})
    assert error.value.reason == "token_removed"
    os.unlink(os.path.join(tokens_dir, "B.crash"))
    removed = {wait_event(client, "token.removed")["token"] for _ in range(2)}
    assert removed == {"fx:A", "fx:B"}
    added = {wait_event(client, "token.added")["token"]["id"] for _ in range(2)}
    assert added == {"fx:A", "fx:B"}
    assert daemon.alive()
    [second_helper] = helper_pids(daemon.proc.pid)
    assert second_helper != first_helper
    assert client.call("token.status", {"token": "fx:B"})["pin"]["tries_left"] == 6
    client.close()


def test_a_killed_helper_is_started_again(daemon):
    wait_until("both tokens", lambda: token_ids(daemon) == ["fx:A", "fx:B"])
    [helper] = helper_pids(daemon.proc.pid)
    client = subscribe(daemon)
    os.kill(helper, signal.SIGKILL)
    # The old tokens go with the helper and come back with the new one (listing the ids alone
    # could still show the old tokens before eportd noticed the helper's death).
    removed = {wait_event(client, "token.removed")["token"] for _ in range(2)}
    assert removed == {"fx:A", "fx:B"}
    added = {wait_event(client, "token.added")["token"]["id"] for _ in range(2)}
    assert added == {"fx:A", "fx:B"}
    client.close()
    assert helper_pids(daemon.proc.pid) not in ([], [helper])
    assert daemon.call("token.status", {"token": "fx:A"})["result"]["pin"]["tries_left"] == 3


def test_the_plugins_own_status_is_in_drivers_list_and_diag_report(daemon, tokens_dir):
    [driver] = daemon.call("drivers.list")["result"]["drivers"]
    assert driver["kind"] == "token-provider"
    assert driver["abi"] == "1.2"
    assert driver["status"] == {"problems": ["module x: C_Initialize failed"], "dir": tokens_dir}
    report = daemon.call("diag.report")["result"]
    assert "driver file-tokens: module x: C_Initialize failed" in report["problems"]
    assert report["drivers"]["loaded"][0]["status"]["dir"] == tokens_dir


def test_a_provider_that_fails_init_is_reported_and_the_daemon_serves(tmp_path):
    d = start_eportd(str(tmp_path / "eportd"), [{"name": "file-tokens", "options": {}}],
                     plugin_dir=fixture_plugin_dir())
    try:
        listing = d.call("drivers.list")["result"]
        assert listing["drivers"] == []
        [failed] = listing["failed"]
        assert failed["name"] == "file-tokens"
        assert "init failed" in failed["error"]
        assert 'option "dir" is required' in open(d.log_path).read()
        assert helper_pids(d.proc.pid) == []
    finally:
        d.stop()


def test_stopping_the_daemon_ends_its_helpers(daemon):
    wait_until("both tokens", lambda: token_ids(daemon) == ["fx:A", "fx:B"])
    [helper] = helper_pids(daemon.proc.pid)
    assert daemon.stop() == 0
    assert not os.path.exists(f"/proc/{helper}") or open(f"/proc/{helper}/stat").read().split()[2] == "Z"


def test_a_hung_call_times_out_like_a_card_and_the_token_recovers(tmp_path, tokens_dir):
    d = start_eportd(str(tmp_path / "eportd-short"), [{"name": "file-tokens", "options": {"dir": tokens_dir}}],
                     plugin_dir=fixture_plugin_dir(), config={"limits": {"card_timeout_s": 3}})
    try:
        wait_until("both tokens", lambda: token_ids(d) == ["fx:A", "fx:B"])
        hang = os.path.join(tokens_dir, "A.hang")
        touch(hang)
        error = d.call("token.status", {"token": "fx:A"}, timeout=60)["error"]
        assert error["data"]["reason"] == "timeout"
        # A request queued behind the stuck call is dropped at its deadline, never sent.
        error = d.call("token.status", {"token": "fx:A"}, timeout=60)["error"]
        assert error["data"]["reason"] == "timeout"
        assert d.call("token.status", {"token": "fx:B"})["result"]["pin"]["tries_left"] == 6
        os.unlink(hang)
        wait_until("token A again", lambda: "result" in d.call("token.status", {"token": "fx:A"}, timeout=60))
        assert token_ids(d) == ["fx:A", "fx:B"]
    finally:
        d.stop()
