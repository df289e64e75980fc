"""The devices layer against a real private pcscd (tests/harness) and vpcd cards.

Runs eport-devices-probe (PcscWatcher + TokenRegistry + the fixture "good" driver, or the PIV
driver with eport-vcard) and checks the events and snapshots it prints: readers found, tokens
added/removed on insertion/removal, duplicate serials, busy queues, and pcscd killed and
restarted without restarting the probe.
"""

import json
import os
import queue
import subprocess
import sys
import threading
import time

import pytest

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("EPORT_BUILD_DIR", "")
PROBE = os.path.join(BUILD, "tests", "unit", "devices", "eport-devices-probe")
FIXTURE_PLUGINS = os.path.join(BUILD, "tests", "fixtures", "plugins")


def fixture_card(serial, apdu_log=None):
    argv = [sys.executable, os.path.join(HERE, "fixture_card.py"), "--serial", serial]
    return argv + (["--apdu-log", apdu_log] if apdu_log else [])


class Probe:
    """eport-devices-probe as a subprocess: events and replies are JSON lines."""

    def __init__(self, h, plugin_dir, drivers, extra=()):
        argv = [PROBE, "--plugin-dir", plugin_dir, "--retry-ms", "300"]
        for d in drivers:
            argv += ["--driver", d]
        self.log = open(os.path.join(h.workdir, "probe.stderr"), "w")
        self.proc = subprocess.Popen(argv + list(extra), env=h.env(), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, daemon=True).start()
        self.wait(lambda m: m.get("event") == "started")

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def wait(self, pred, timeout=10.0, what="a message"):
        """The first unseen message matching pred (earlier non-matching ones are kept)."""
        for i, m in enumerate(self.seen):
            if pred(m):
                return self.seen.pop(i)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                m = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if pred(m):
                return m
            self.seen.append(m)
        raise AssertionError(f"timed out waiting for {what}; got {self.seen}")

    def event(self, name, timeout=10.0, **fields):
        def match(m):
            if m.get("event") != name:
                return False
            return all(self._field(m, k) == v for k, v in fields.items())
        return self.wait(match, timeout, f"event {name} {fields}")

    @staticmethod
    def _field(m, key):
        value = m
        for part in key.split("__"):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def ask(self, command, reply, timeout=10.0):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.wait(lambda m: m.get("reply") == reply, timeout, f"reply {reply}")

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


@pytest.fixture(scope="module")
def h():
    reason = harness.namespace_unavailable()
    if reason:
        pytest.skip(reason)
    if not os.path.exists(PROBE):
        pytest.fail(f"{PROBE} is not built: build target eport-devices-probe")
    if not os.path.exists(os.path.join(FIXTURE_PLUGINS, "eport-good.so")):
        pytest.fail("fixture plug-ins are not built: build target eport_fixture_plugins")
    with harness.Harness() as stack:
        yield stack


@pytest.fixture
def probe(h):
    p = Probe(h, FIXTURE_PLUGINS, ["good"])
    yield p
    assert p.close() == 0, "the probe did not stop cleanly"
    for card in list(h.cards.values()):
        h.discard(card)


def insert(h, name, serial, apdu_log=None):
    return h.card(name, init=False, program=fixture_card(serial, apdu_log))


def test_both_vpcd_readers_are_reported_with_no_card(h, probe):
    probe.event("pcsc", up=True)
    names = {probe.event("reader.added")["reader"]["name"] for _ in range(2)}
    assert names == {s.reader for s in h.pcscd.slots()}
    readers = probe.ask("readers", "readers")["readers"]
    assert all(r["card_present"] is False and r["token"] is None and r["atr"] is None
               for r in readers)


def test_inserted_card_becomes_a_token_with_an_id_from_its_serial(h, probe):
    card = insert(h, "a", "0001e240")
    ev = probe.event("token.added")
    token = ev["token"]
    assert token["id"] == "good:0001e240"
    assert token["reader"] == card.reader
    assert (token["kind"], token["state"], token["model"]) == ("smartcard", "ready", "fixture card")
    readers = {r["name"]: r for r in probe.ask("readers", "readers")["readers"]}
    assert readers[card.reader]["token"] == "good:0001e240"
    assert readers[card.reader]["atr"] == "3b8880010000000000000000"
    reply = probe.ask("pin good:0001e240", "job")
    assert reply["outcome"] == "completed"
    assert reply["result"]["tries_left"] == 3

    h.discard(card)
    assert probe.event("token.removed")["token"] == "good:0001e240"
    assert probe.ask("tokens", "tokens")["tokens"] == []
    assert probe.ask("pin good:0001e240", "job")["outcome"] == "no_such_token"


def test_the_same_card_gets_the_same_id_after_reinsertion(h, probe):
    card = insert(h, "a", "00000042")
    assert probe.event("token.added")["token"]["id"] == "good:00000042"
    card.remove()
    assert probe.event("token.removed")["token"] == "good:00000042"
    card.insert()
    assert probe.event("token.added")["token"]["id"] == "good:00000042"


def test_two_cards_with_one_serial_get_distinct_ids(h, probe):
    insert(h, "a", "0000beef")
    first = probe.event("token.added")["token"]
    insert(h, "b", "0000beef")
    second = probe.event("token.added")["token"]
    assert first["id"] == "good:0000beef"
    assert second["id"] == "good:0000beef-2"
    assert first["reader"] != second["reader"]


def test_a_full_queue_answers_busy_and_jobs_run_one_at_a_time(h, tmp_path):
    p = Probe(h, FIXTURE_PLUGINS, ["good"], extra=["--queue-limit", "2"])
    try:
        insert(h, "a", "00000001")
        p.event("token.added")
        reply = p.ask("hold good:00000001 300 4", "hold")
        # one job runs at once; two may wait; the fourth finds the queue full
        assert reply["submitted"].count("busy") >= 1
        assert reply["submitted"][0] == "queued"
        start = time.monotonic()
        queued = reply["submitted"].count("queued")
        for _ in range(queued):
            assert p.wait(lambda m: m.get("reply") == "held")["outcome"] == "completed"
        assert time.monotonic() - start >= 0.3 * (queued - 1) - 0.05
    finally:
        assert p.close() == 0
        for card in list(h.cards.values()):
            h.discard(card)


def test_waiting_jobs_end_as_token_removed_when_the_card_goes(h, probe):
    card = insert(h, "a", "00000002")
    probe.event("token.added")
    probe.ask("hold good:00000002 400 3", "hold")
    h.discard(card)
    outcomes = [probe.wait(lambda m: m.get("reply") == "held")["outcome"] for _ in range(3)]
    assert "token_removed" in outcomes
    probe.event("token.removed")


def test_pcscd_restart_removes_everything_and_finds_it_again(h, probe):
    insert(h, "a", "0badcafe")
    probe.event("token.added", token__id="good:0badcafe")
    h.pcscd.stop()
    assert probe.event("token.removed")["token"] == "good:0badcafe"
    removed = {probe.event("reader.removed")["reader"] for _ in range(2)}
    assert removed == {s.reader for s in h.pcscd.slots()}
    down = probe.event("pcsc", up=False)
    assert down["detail"]
    assert probe.ask("pcsc", "pcsc")["up"] is False
    assert probe.ask("readers", "readers")["readers"] == []

    h.pcscd.start()
    probe.event("pcsc", up=True, timeout=15)
    token = probe.event("token.added", timeout=15)["token"]
    assert token["id"] == "good:0badcafe"
    assert len(probe.ask("readers", "readers")["readers"]) == 2


def test_a_card_reset_by_another_program_is_reconnected_for_the_next_job(h, probe, tmp_path):
    log = str(tmp_path / "apdu.log")
    card = insert(h, "a", "00000003", apdu_log=log)
    probe.event("token.added")
    assert probe.ask("pin good:00000003", "job")["outcome"] == "completed"
    conf = tmp_path / "opensc.conf"
    conf.write_text("app default {\n  reader_driver pcsc {\n    disconnect_action = reset;\n"
                    "  }\n}\n")
    env = h.env()
    env["OPENSC_CONF"] = str(conf)
    res = h.run(["opensc-tool", "-r", card.reader, "-s", "00a4040005f045504f52"], env=env)
    assert res.returncode == 0, res.stderr
    with open(log) as f:
        assert "reset" in f.read().split(), "opensc-tool did not reset the card"
    reply = probe.ask("pin good:00000003", "job")
    assert reply["outcome"] == "completed"
    assert reply["result"]["tries_left"] == 3
    probe.ask("tokens", "tokens")
    assert not any(m.get("event") == "token.removed" for m in probe.seen)
    with open(os.path.join(h.workdir, "probe.stderr")) as f:
        assert "was reset by another program; reconnected: ok" in f.read()



def test_started_before_pcscd_it_reports_down_then_finds_the_readers(h):
    h.pcscd.stop()
    p = Probe(h, FIXTURE_PLUGINS, ["good"])
    try:
        assert "pcscd" in p.event("pcsc", up=False)["detail"]
        assert p.ask("pcsc", "pcsc")["up"] is False
        card = h.card("a", init=False, insert=False, program=fixture_card("00000004"))
        card.insert(wait=False)  # the card keeps trying until vpcd listens
        h.pcscd.start()
        p.event("pcsc", up=True, timeout=15)
        names = {p.event("reader.added")["reader"]["name"] for _ in range(2)}
        assert names == {s.reader for s in h.pcscd.slots()}
        assert p.event("token.added", timeout=15)["token"]["id"] == "good:00000004"
    finally:
        if not h.pcscd.alive():
            h.pcscd.start()
        assert p.close() == 0
        for c in list(h.cards.values()):
            h.discard(c)



def test_a_card_that_cannot_be_identified_is_listed_in_state_error(h, probe):
    card = insert(h, "a", "0102ff")  # 3-byte serial: the fixture driver's identify fails
    token = probe.event("token.added")["token"]
    assert token["state"] == "error"
    assert "identify" in token["error"]
    assert token["id"] == "good:reader-" + card.reader.replace(" ", "_")
    reply = probe.ask("pin " + token["id"], "job")
    assert reply["outcome"] == "completed"  # the token is open: status questions still work
    h.discard(card)
    assert probe.event("token.removed")["token"] == token["id"]


PIV_PLUGINS = os.path.join(BUILD, "plugins")


def test_a_piv_card_is_identified_and_sees_a_pin_blocked_by_another_program(h):
    """The real PIV plug-in and eport-vcard: the token id comes from the card's serial, and
    PIN tries spent by yubico-piv-tool (which resets the card when it disconnects) show up in
    the next job after the worker reconnected."""
    if not os.path.exists(os.path.join(PIV_PLUGINS, "eport-piv.so")) or not harness.built(
            "eport-vcard"):
        pytest.skip("eport-piv.so or eport-vcard not built (targets eport-piv, eport-vcard)")
    p = Probe(h, PIV_PLUGINS, ["piv"])
    try:
        card = h.card("piv", serial=1001)
        token = p.event("token.added", timeout=15)["token"]
        assert (token["id"], token["driver"], token["serial"]) == ("piv:000003e9", "piv",
                                                                   "000003e9")
        assert p.ask("pin piv:000003e9", "job")["result"]["tries_left"] == 3
        for _ in range(3):
            h.run(["yubico-piv-tool", "-r", card.reader, "-a", "verify-pin", "-P", "00000000"])
        reply = p.ask("pin piv:000003e9", "job")
        assert reply["outcome"] == "completed"
        assert reply["result"]["tries_left"] == 0
    finally:
        assert p.close() == 0
        for c in list(h.cards.values()):
            h.discard(c)
