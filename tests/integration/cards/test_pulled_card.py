"""Issue 5, a card pulled in the middle of cert.write (`eport-vcard run --drop-after N` for N
inside the PUT DATA chain and during the read-back): eportd answers an error and keeps serving,
the backup holds the old certificate, and after re-insertion the card holds the old or the new
certificate complete — never a torn one that eportd calls valid."""

import hashlib
import os
import shutil

import pytest

from harness import DEFAULT_MGM_KEY
from harness.piv_tools import PivTools

import cards_support as cs

SERIAL = 30000020
#: No certificate cache in the driver: the APDU sequence of a write does not depend on timing.
def EPORTD_CONFIG(directory):  # noqa: N802 (read by conftest's daemon fixture)
    return cs.management_key_config(directory, cert_cache_ms=0)


@pytest.fixture(scope="module")
def plan(pcsc, daemon, certs, tmp_path_factory):
    """A successful write first: learns how many APDUs insertion costs and where the PUT DATA
    chain lies inside cert.write. Keeps the card's state from before that write."""
    card = pcsc.card("pulled", serial=SERIAL, certs=["9a:rsa2048:3650"])
    tools = PivTools(pcsc, card, str(tmp_path_factory.mktemp("tools-pulled")))
    tid = cs.wait_token(daemon, card)["id"]
    _pull(card, daemon, tid)
    pristine = card.state_path + ".pristine"
    shutil.copy2(card.state_path, pristine)
    open(card.apdu_log_path, "a").close()
    mark = card.apdu_mark()
    card.insert()
    tid = cs.wait_token(daemon, card)["id"]
    insertion = len(card.apdus_since(mark))
    old_pem = cs.call(daemon, "cert.read", {"token": tid, "slot": "9a"})["pem"]
    old = cs.pem_der(old_pem)
    pem, new = certs.issue(certs.pubkey_of_pem(old_pem), days=3650, sans=12)
    # the same APDUs again from a clean insertion, this time with the write
    _pull(card, daemon, tid)
    shutil.copy2(pristine, card.state_path)
    mark = card.apdu_mark()
    card.insert()
    cs.wait_token(daemon, card)
    assert len(card.apdus_since(mark)) == insertion
    mark = card.apdu_mark()
    cs.call(daemon, "cert.write", {"token": tid, "slot": "9a", "certificate": pem})
    write = card.apdus_since(mark)
    first, last = cs.put_data_range(write)
    assert last > first, "the write must be chained:\n" + cs.describe(write)
    yield dict(card=card, tools=tools, tid=tid, pristine=pristine, insertion=insertion,
               write=write, first=first, last=last, old=old, new=new, pem=pem)
    pcsc.discard(card)


def _drop_points(plan):
    """Positions (APDUs into cert.write after which the card goes) to try: after the first
    PUT DATA part, in the middle, just before the last part, and right after it (read-back)."""
    first, last = plan["first"], plan["last"]
    return sorted({first + 1, (first + last) // 2 + 1, last, last + 1, last + 2})


@pytest.mark.parametrize("where", ["first_part", "middle", "before_last", "after_last",
                                   "read_back"])
def test_a_card_pulled_during_cert_write(where, plan, pcsc, daemon):
    card, tools, tid = plan["card"], plan["tools"], plan["tid"]
    points = _drop_points(plan)
    index = ["first_part", "middle", "before_last", "after_last", "read_back"].index(where)
    if index >= len(points):
        pytest.skip("the chain is too short for this position")
    k = points[index]
    _pull(card, daemon, tid)
    shutil.copy2(plan["pristine"], card.state_path)
    backups_before = _backups(daemon, tid)
    mark = card.apdu_mark()
    card.insert(drop_after=plan["insertion"] + k)
    cs.wait_token(daemon, card)
    response = daemon.call("cert.write", {"token": tid, "slot": "9a", "certificate": plan["pem"]})
    sent = card.apdus_since(mark)[plan["insertion"]:]
    assert len(sent) == k, "the card did not stop where planned:\n" + cs.describe(sent)
    assert cs.headers(sent) == cs.headers(plan["write"][:k]), cs.describe(sent)
    assert "error" in response, f"cert.write answered a result with the card pulled: {response}"
    data = response["error"].get("data") or {}
    # still serving
    hello = cs.call(daemon, "session.hello", {"client": "e2e", "protocol": 1})
    assert hello["protocol"] == 1
    # the backup was written before the first PUT DATA and holds the old certificate
    new_backups = sorted(set(_backups(daemon, tid)) - set(backups_before))
    assert len(new_backups) == 1, new_backups
    with open(new_backups[0], "rb") as f:
        assert f.read() == plan["old"]
    if data.get("backup") is not None:
        assert data["backup"] == new_backups[0]
    # re-inserted without the drop: old or new, complete
    _pull(card, daemon, tid)
    card.insert()
    cs.wait_token(daemon, card)
    held = tools.yk_read_cert("9a")
    print(f"pulled after {k} APDUs of cert.write (PUT DATA {plan['first']}..{plan['last']}): "
          f"{data.get('reason')}; card holds the "
          f"{'old' if held == plan['old'] else 'new' if held == plan['new'] else 'torn'} one")
    status = cs.status(daemon, tid)
    cert = cs.cert_of(status, "9a")
    if held in (plan["old"], plan["new"]):
        assert cert is not None, status
        assert bytes.fromhex(cert["sha256"]) == hashlib.sha256(held).digest()
        assert cert["state"] == "valid"
        if k <= plan["last"]:
            assert held == plan["old"], "the last PUT DATA part never reached the card"
    else:  # torn: eportd must not call it a valid certificate
        assert cert is None, f"torn certificate reported as {cert}"
        assert [u["slot"].lower() for u in status.get("unreadable", [])] == ["9a"], status

    # issue 11 §4: the answer and its audit record say what the card holds and where the
    # backup is: the PUT DATA chain cut short -> unknown; acknowledged, read-back lost -> new
    assert data.get("write_state") == ("unknown" if k <= plan["last"] else "new"), response
    assert data.get("backup") == new_backups[0], response
    record = [r for r in cs.audit_records(daemon, 1000) if r.get("job") == data.get("job")][-1]
    assert (record["write_state"], record["backup"]) == (data["write_state"], data["backup"]), record
    if data["write_state"] == "new":
        assert held == plan["new"]

    # PROTOCOL.md: token_removed = "the card was pulled during the operation". Right after a
    # pull pcscd answers SCardTransmit with SCARD_E_NOT_TRANSACTED, not SCARD_W_REMOVED_CARD.
    # checked last: the card-safety checks above matter more
    assert data.get("reason") == "token_removed", response


def _pull(card, daemon, tid):
    """Takes the card out (or reaps it when it pulled itself) and waits until eportd knows."""
    card.remove()
    cs.wait_token_gone(daemon, tid)


def _backups(daemon, tid):
    root = os.path.join(daemon.state_dir, "backups")
    found = []
    for dirpath, _, files in os.walk(root):
        found += [os.path.join(dirpath, f) for f in files]
    return found


def test_a_torn_certificate_left_by_another_program_is_unreadable_not_valid(plan, pcsc, daemon):
    """What a write cut short on a card without atomic chaining would leave: the object holds
    the first part of a certificate. Written here with yubico-piv-tool's write-object."""
    card, tools, tid = plan["card"], plan["tools"], plan["tid"]
    if not card.alive():
        card.insert()
    cs.wait_token(daemon, card)
    torn = plan["new"][:len(plan["new"]) // 2]
    body = bytes([0x70, 0x82]) + len(torn).to_bytes(2, "big") + torn + bytes.fromhex("710100fe00")
    path = os.path.join(tools.workdir, "torn.bin")
    with open(path, "wb") as f:
        f.write(body)
    res = tools.ykpiv("-k" + DEFAULT_MGM_KEY, "-a", "write-object", "--id", str(0x5FC105),
                      "-f", "binary", "-i", path)
    assert res.returncode == 0, res.out
    status = cs.status(daemon, tid)
    assert cs.cert_of(status, "9a") is None, status
    assert [u["slot"].lower() for u in status["unreadable"]] == ["9a"], status
    check = cs.call(daemon, "cert.check", {"token": tid})
    assert check["worst"] != "valid", check
    err = cs.call_error(daemon, "cert.read", {"token": tid, "slot": "9a"})
    assert err.reason == "cert_invalid", err
