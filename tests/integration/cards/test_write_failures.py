"""Issue 11 §4: a failed or interrupted cert.write always says what the card holds.

A faulty card (`eport-vcard run --corrupt-writes [N]`: PUT DATA stored with one byte changed)
exercises the read-back check and the restore of the old certificate; a card pulled at chosen
points (`--drop-after`: right after the backup, inside the restore) exercises what eportd can
still tell. Every answer carries the backup path and `write_state` (old / new / unknown), and so
does the audit record, which follows the "attempt" record written before the first APDU. When
the attempt record cannot be written (the audit file may not grow: `prlimit --fsize` on eportd)
nothing at all is sent to the card.
"""

import os
import shutil
import subprocess

import pytest

import cards_support as cs

SERIAL = 30000090


def EPORTD_CONFIG(directory):  # noqa: N802 (read by conftest's daemon fixture)
    return cs.management_key_config(directory, cert_cache_ms=0)


def _pull(card, daemon, tid):
    card.remove()
    cs.wait_token_gone(daemon, tid)


def _runs(exchanges, ins):
    """[(first, last)] index ranges of consecutive exchanges with `ins`."""
    runs, start = [], None
    for i, ex in enumerate(exchanges + [None]):
        hit = ex is not None and cs.ins_of(ex) == ins
        if hit and start is None:
            start = i
        elif not hit and start is not None:
            runs.append((start, i - 1))
            start = None
    return runs


@pytest.fixture(scope="module")
def plan(pcsc, daemon, certs):
    """A card with an RSA certificate in 9A and its pristine state; how many APDUs its insertion
    costs; the renewed certificate; and the APDU sequence of a write whose first PUT DATA the
    card garbles (write, read-back, restore, check)."""
    card = pcsc.card("faulty", serial=SERIAL, certs=["9a:rsa2048:3650"])
    tid = cs.wait_token(daemon, card)["id"]
    _pull(card, daemon, tid)
    pristine = card.state_path + ".pristine"
    shutil.copy2(card.state_path, pristine)
    mark = card.apdu_mark()
    card.insert()
    cs.wait_token(daemon, card)
    insertion = len(card.apdus_since(mark))
    old_pem = cs.call(daemon, "cert.read", {"token": tid, "slot": "9a"})["pem"]
    pem, new = certs.issue(certs.pubkey_of_pem(old_pem), days=3650)
    _pull(card, daemon, tid)
    shutil.copy2(pristine, card.state_path)
    card.insert("--corrupt-writes", "1")
    cs.wait_token(daemon, card)
    mark = card.apdu_mark()
    err = cs.call_error(daemon, "cert.write", {"token": tid, "slot": "9a", "certificate": pem})
    assert err.reason == "write_verify_failed", err
    write = card.apdus_since(mark)
    puts = _runs(write, cs.INS_PUT_DATA)
    assert len(puts) == 2, "expected the write and the restore:\n" + cs.describe(write)
    auth = [i for i, ex in enumerate(write) if cs.ins_of(ex) == cs.INS_GENERAL_AUTH]
    yield dict(card=card, tid=tid, pristine=pristine, insertion=insertion, pem=pem, new=new,
               old=cs.pem_der(old_pem), write=write, puts=puts, first_auth=auth[0])
    pcsc.discard(card)


def _fresh(plan, daemon, *run_args, drop_after=None):
    """The card back in its pristine state, inserted with `run_args`."""
    card, tid = plan["card"], plan["tid"]
    if card.alive() or card.proc:
        _pull(card, daemon, tid)
    shutil.copy2(plan["pristine"], card.state_path)
    card.insert(*run_args, drop_after=None if drop_after is None else plan["insertion"] + drop_after)
    cs.wait_token(daemon, card)
    return card, tid


def _records(daemon, job):
    return [r for r in cs.audit_records(daemon, 1000) if r.get("job") == job]


def _write(daemon, plan):
    """cert.write of the renewed certificate: (error data, the audit records of its job)."""
    response = daemon.call("cert.write", {"token": plan["tid"], "slot": "9a",
                                          "certificate": plan["pem"]})
    assert "error" in response, response
    data = response["error"]["data"]
    assert data.get("job"), response  # links the answer to the job's audit records
    return response["error"], data, _records(daemon, data["job"])


def _backup_holds_old(data, plan):
    assert data["backup"] and os.path.isfile(data["backup"]), data
    with open(data["backup"], "rb") as f:
        assert f.read() == plan["old"]


def _audited(records, reason, data):
    """attempt first, then the answer with the same write_state and backup."""
    assert [r["outcome"] for r in records] == ["attempt", "error"], records
    assert records[1]["reason"] == reason, records
    assert records[1]["write_state"] == data["write_state"], records
    assert records[1]["backup"] == data["backup"], records


def test_a_garbled_write_is_put_back_and_says_so(plan, daemon, pcsc):
    card, tid = _fresh(plan, daemon, "--corrupt-writes", "1")
    error, data, records = _write(daemon, plan)
    assert data["reason"] == "write_verify_failed", error
    assert data["restored"] is True and data["write_state"] == "old", error
    _backup_holds_old(data, plan)
    _audited(records, "write_verify_failed", data)
    assert cs.slot_der(daemon, tid, "9a") == plan["old"]


def test_a_card_that_garbles_every_write_says_it_holds_neither(plan, daemon):
    card, tid = _fresh(plan, daemon, "--corrupt-writes")
    error, data, records = _write(daemon, plan)
    assert data["reason"] == "write_verify_failed", error
    assert data["restored"] is False and data["write_state"] == "unknown", error
    assert "backup" in error["message"].lower(), error["message"]
    _backup_holds_old(data, plan)
    _audited(records, "write_verify_failed", data)
    held = cs.slot_der(daemon, tid, "9a")
    assert held not in (plan["old"], plan["new"]) and len(held) == len(plan["old"])


def test_a_card_pulled_right_after_the_backup_says_what_is_known(plan, daemon, pcsc):
    card, tid = _fresh(plan, daemon, drop_after=plan["first_auth"])
    error, data, records = _write(daemon, plan)
    assert data["reason"] == "token_removed", error
    # the driver's write was cut short: eportd cannot tell whether any PUT DATA went out
    assert data["write_state"] == "unknown", error
    _backup_holds_old(data, plan)
    _audited(records, "token_removed", data)
    _pull(card, daemon, tid)
    card.insert()
    cs.wait_token(daemon, card)
    assert cs.slot_der(daemon, tid, "9a") == plan["old"]  # and the backup matches the card


def test_a_card_pulled_during_the_restore_is_unknown_and_keeps_the_backup(plan, daemon):
    first, last = plan["puts"][1]
    card, tid = _fresh(plan, daemon, "--corrupt-writes", "1", drop_after=first + 1)
    error, data, records = _write(daemon, plan)
    sent = card.apdus_since(0)
    assert data["reason"] == "token_removed", error
    assert data["write_state"] == "unknown", error
    _backup_holds_old(data, plan)
    _audited(records, "token_removed", data)
    assert sent  # the card's log is kept for a failure message


def test_no_attempt_record_no_apdu(plan, daemon):
    card, tid = _fresh(plan, daemon)
    audit = os.path.join(daemon.state_dir, "audit.log")
    size = os.path.getsize(audit)
    pid = daemon.proc.pid
    # the soft limit only: raising a hard limit again would need CAP_SYS_RESOURCE
    subprocess.run(["prlimit", "--pid", str(pid), f"--fsize={size}:unlimited"], check=True)
    try:
        mark = card.apdu_mark()
        for method, params in (("cert.write", {"slot": "9a", "certificate": plan["pem"]}),
                               ("pin.reset", {"puk": "12345678"}),
                               ("pin.change", {"old_pin": "88888888", "new_pin": "31415926"}),
                               ("pin.verify", {"pin": "88888888"})):
            err = cs.call_error(daemon, method, dict(params, token=tid))
            assert err.reason == "audit_failed" and err.data["sent_to_card"] is False, err
        assert card.apdus_since(mark) == [], cs.describe(card.apdus_since(mark))
        assert daemon.alive()
    finally:
        subprocess.run(["prlimit", "--pid", str(pid), "--fsize=unlimited:unlimited"], check=True)
    assert "could not write the audit record" in cs.daemon_log(daemon)
    # the disk takes records again: the next call writes its attempt and goes to the card
    mark = card.apdu_mark()
    cs.call(daemon, "pin.change", {"token": tid, "old_pin": "88888888", "new_pin": "31415926"})
    assert [ex for ex in card.apdus_since(mark) if cs.ins_of(ex) == cs.INS_CHANGE]
