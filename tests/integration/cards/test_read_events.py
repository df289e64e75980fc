"""Issue 4, live behaviour: insertion and removal events, expiry events at insertion (once),
pcscd going away and coming back, two clients on one card at the same time, token ids that
survive re-insertion and an eportd restart, and the APDU cost of token.status."""

import signal
import threading
import time

import pytest

import cards_support as cs


def _subscriber(daemon, topics=None):
    client = daemon.client(timeout=20.0)
    client.call("events.subscribe", {"topics": topics} if topics else {})
    return client


def _event(client, topic, timeout=15.0, **match):
    """The next event of topic whose params contain match (token compared by id)."""
    def wanted(note):
        params = note.get("params", {})
        if params.get("topic") != topic:
            return False
        for key, value in match.items():
            got = params.get(key)
            if key == "token" and isinstance(got, dict):
                got = got.get("id")
            if got != value:
                return False
        return True
    try:
        return client.wait_notification("event", timeout=timeout, predicate=wanted)["params"]
    except (TimeoutError, OSError) as exc:
        pytest.fail(f"no {topic} event {match} within {timeout} s ({exc}); got: "
                    f"{[n.get('params', {}).get('topic') for n in client.notifications]}")


def _drain(client, seconds):
    """Collects notifications for `seconds`; returns the topics seen (and keeps them)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            client._file(client.read_message(max(0.01, deadline - time.monotonic())))
        except (TimeoutError, OSError):
            break
    return client.notifications


def test_a_subscriber_sees_token_added_and_token_removed(pcsc, daemon, make_card):
    with _subscriber(daemon, ["token.added", "token.removed"]) as sub:
        card = make_card("evt", serial=20000001, certs=["9a:p256:3650"])
        tid = cs.token_id(20000001)
        added = _event(sub, "token.added", token=tid)
        assert added["token"]["reader"] == card.reader and added["token"]["driver"] == "piv"
        assert added["time"].endswith("Z")
        cs.wait_token(daemon, card)
        card.remove()
        removed = _event(sub, "token.removed", token=tid)
        assert removed["token"] == tid
        cs.wait_token_gone(daemon, tid)


def test_inserting_a_card_expiring_in_20_days_sends_cert_expiring_once(pcsc, daemon, make_card):
    with _subscriber(daemon, ["cert.expiring", "cert.expired"]) as sub:
        card = make_card("exp20", serial=20000002, certs=["9a:p256:20", "9c:p256:3650"])
        tid = cs.token_id(20000002)
        event = _event(sub, "cert.expiring", token=tid)
        assert event["certificate"]["slot"].lower() == "9a", event
        assert event["certificate"]["state"] == "expiring"
        assert event["threshold_days"] == 30, event
        assert event["certificate"]["days_left"] in (19, 20), event
        cs.wait_token(daemon, card)
        cs.status(daemon, tid)
        cs.status(daemon, tid)
        cs.call(daemon, "cert.check", {"token": tid})
        late = [n["params"] for n in _drain(sub, 1.5)
                if n.get("params", {}).get("token") == tid]
        assert late == [], f"repeated expiry events: {late}"


def test_inserting_an_expired_card_sends_cert_expired_once(pcsc, daemon, make_card):
    with _subscriber(daemon, ["cert.expiring", "cert.expired"]) as sub:
        card = make_card("expd", serial=20000003, certs=["9a:rsa2048:-20"])
        tid = cs.token_id(20000003)
        event = _event(sub, "cert.expired", token=tid)
        assert event["certificate"]["state"] == "expired" and event["certificate"]["days_left"] < 0
        cs.wait_token(daemon, card)
        cs.status(daemon, tid)
        late = [n["params"] for n in _drain(sub, 1.0) if n.get("params", {}).get("token") == tid]
        assert late == [], f"repeated expiry events: {late}"


def test_token_status_from_two_clients_at_once_does_not_interleave(pcsc, daemon, make_card):
    card = make_card("twice", serial=20000004, certs=["9a:p256:3650", "9c:rsa2048:3650"])
    tid = cs.wait_token(daemon, card)["id"]
    mark = card.apdu_mark()
    solo = cs.status(daemon, tid)
    solo_cmds = cs.commands(card.apdus_since(mark))
    assert solo_cmds and solo_cmds[0].startswith(cs.SELECT_PIV)

    clients = [daemon.client(timeout=30.0) for _ in range(4)]
    try:
        mark = card.apdu_mark()
        barrier = threading.Barrier(len(clients))
        answers = [None] * len(clients)

        def ask(i):
            barrier.wait()
            answers[i] = clients[i].call("token.status", {"token": tid})
        threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(clients))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        for c in clients:
            c.close()
    for answer in answers:
        assert answer is not None
        assert answer["pin"] == solo["pin"] and answer["puk"] == solo["puk"]
        assert [c["sha256"] for c in answer["certificates"]] == \
            [c["sha256"] for c in solo["certificates"]]
    sent = card.apdus_since(mark)
    got = cs.commands(sent)
    # each card job is one whole, unmixed copy of the solo sequence; callers that came while
    # another caller's job still waited for the card shared it (issue 15): 1 to 4 copies
    copies = len(got) // len(solo_cmds)
    assert 1 <= copies <= len(clients) and got == solo_cmds * copies, \
        "interleaved or altered:\n" + cs.describe(sent)


def test_token_status_apdu_count_on_a_fresh_card_and_on_a_repeat(pcsc, daemon, make_card,
                                                                   record_property):
    card = make_card("count", serial=20000005, certs=["9a:p256:3650"])
    tid = cs.wait_token(daemon, card)["id"]
    mark = card.apdu_mark()
    cs.status(daemon, tid)
    first = card.apdus_since(mark)
    mark = card.apdu_mark()
    cs.status(daemon, tid)
    repeat = card.apdus_since(mark)
    record_property("apdus_fresh", len(first))
    record_property("apdus_repeat", len(repeat))
    print(f"token.status APDUs: fresh {len(first)}, repeat {len(repeat)}")
    # docs/drivers/piv.md: 10 on a fresh eport-vcard card with one P-256 certificate in 9A, and
    # 10 on a repeat call (measured: 10 and 10). Since issue 15 the certificates come from the
    # insertion read (4: SELECT + GET METADATA for the PIN and the PUK). More is a regression.
    assert len(first) <= 10, cs.describe(first)
    assert len(repeat) <= 10, cs.describe(repeat)
    assert first[0].command.startswith(cs.SELECT_PIV)


def test_the_token_id_survives_reinsertion_and_an_eportd_restart(pcsc, daemon, make_card):
    card = make_card("stable", serial=20000006, certs=["9a:p256:3650"])
    tid = cs.wait_token(daemon, card)["id"]
    assert tid == cs.token_id(20000006)
    card.restart()
    assert cs.wait_token(daemon, card)["id"] == tid
    daemon.stop()
    daemon.start()
    assert cs.wait_token(daemon, card)["id"] == tid
    assert cs.status(daemon, tid)["token"]["id"] == tid


def test_pcscd_killed_and_restarted_brings_the_tokens_back(pcsc, daemon, make_card):
    card = make_card("phoenix", serial=20000007, certs=["9a:p256:3650"])
    tid = cs.wait_token(daemon, card)["id"]
    with _subscriber(daemon, ["token.added", "token.removed"]) as sub:
        pcsc.pcscd.proc.stop(sig=signal.SIGKILL)  # killed, not asked to stop
        cs.wait_until("daemon.info pcsc down",
                      lambda: cs.call(daemon, "daemon.info")["pcsc"] == "down", 20)
        _event(sub, "token.removed", token=tid)
        assert cs.call(daemon, "tokens.list")["tokens"] == []
        err = cs.call_error(daemon, "token.status", {"token": tid})
        assert err.reason in ("no_such_token", "pcsc_unavailable"), err
        assert cs.call(daemon, "session.hello", {"client": "e2e", "protocol": 1})["protocol"] == 1

        pcsc.pcscd.start()
        card.wait_present(15)
        cs.wait_until("daemon.info pcsc up",
                      lambda: cs.call(daemon, "daemon.info")["pcsc"] == "up", 30)
        _event(sub, "token.added", timeout=30, token=tid)
    assert cs.wait_token(daemon, card, timeout=30)["id"] == tid
    assert cs.status(daemon, tid)["pin"]["tries_left"] == 3


def test_bad_slot_and_unknown_token_are_refused_with_their_errors(pcsc, daemon, make_card):
    card = make_card("badargs", serial=20000008, certs=["9a:p256:3650"])
    tid = cs.wait_token(daemon, card)["id"]
    err = cs.call_error(daemon, "token.status", {"token": "piv:ffffffff"})
    assert err.reason == "no_such_token", err
    err = cs.call_error(daemon, "cert.read", {"token": "piv:ffffffff", "slot": "9a"})
    assert err.reason == "no_such_token", err
    assert cs.call(daemon, "cert.read", {"token": tid, "slot": "9A"})["certificate"]["slot"]
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "cert.read", {"token": tid, "slot": "zz"})
    assert card.apdus_since(mark) == []
    # not a PIV slot: invalid params (-32602) naming the slots, not a driver failure
    assert err.code == -32602, err
