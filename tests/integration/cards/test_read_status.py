"""Issue 4, read side: every read method against cards made with `eport-vcard init` — healthy,
expiring in 20 days, expired, PIN blocked by another program, a certificate over 2 KB and
gzip-compressed certificates — and the facts must equal what yubico-piv-tool shows.

One card kind at a time is in the reader (module-scoped, parametrised fixture); the tests of a
kind share it and only read.
"""

import base64
import datetime
import json
import types

import pytest

from harness.piv_tools import PivTools

import cards_support as cs

#: kind -> how the card is made and what its certificates must be classified as
KINDS = {
    "healthy": dict(serial=10000001, certs=["9a:rsa2048:3650", "9c:p256:3650"],
                    states={"9a": "valid", "9c": "valid"}),
    "expiring_20_days": dict(serial=10000002, certs=["9a:p256:20"], states={"9a": "expiring"}),
    "expired": dict(serial=10000003, certs=["9a:rsa2048:-20", "9c:p256:3650"],
                    states={"9a": "expired", "9c": "valid"}),
    "pin_blocked_by_ykpiv": dict(serial=10000004, certs=["9a:p256:3650"], states={"9a": "valid"},
                                 block=True),
    "cert_over_2kb": dict(serial=10000005, certs=["9a:rsa2048:3650"], states={"9a": "valid"},
                          big=True),
    "gzip_by_ykpiv": dict(serial=10000006, certs=["9a:p256:3650"], states={"9a": "valid"},
                          gzip=True),
    "gzip_by_vcard": dict(serial=10000007, certs=["9a:p256:3650", "9e:p384:3650"],
                          states={"9a": "valid", "9e": "valid"}, extra=["--cert-gzip"]),
}


def _object_certinfo(card, slot):
    """The CertInfo byte (tag 71) of the slot's object in the card's state file (1 = gzip)."""
    with open(card.state_path) as f:
        obj = bytes.fromhex(json.load(f)["objects"][f"5fc1{cs.SLOT_OBJECT[slot]:02x}"])
    pos = cs.tlv_header(obj, 0)[1]  # inside 53
    while pos < len(obj):
        tag, start, length = cs.tlv_header(obj, pos)
        if tag == 0x71:
            return obj[start] if length else None
        pos = start + length
    return None


@pytest.fixture(scope="module", params=list(KINDS))
def kind(request, pcsc, daemon, certs, tmp_path_factory):
    """One card of a kind, inserted and known to eportd; pulled out after the kind's tests."""
    name = request.param
    spec = KINDS[name]
    card = pcsc.card(name, *spec.get("extra", []), serial=spec["serial"], certs=spec["certs"])
    tools = PivTools(pcsc, card, str(tmp_path_factory.mktemp(f"tools-{name}")))
    expected_der = {}
    try:
        if spec.get("block"):
            cs.block_pin_with_ykpiv(tools)
        if spec.get("big") or spec.get("gzip"):
            old = tools.yk_read_cert("9a")
            pub = certs.pubkey_of_pem(cs.openssl("x509", "-inform", "DER", input=old).decode())
            pem, der = certs.issue(pub, subject=f"/CN={name}/O=Example",
                                   sans=40 if spec.get("big") else 0)
            if spec.get("big"):
                assert len(der) > 2048, len(der)
                cs.import_with_ykpiv(tools, "9a", certs.write_pem(pem))
            else:
                cs.import_with_ykpiv(tools, "9a", certs.gzip_der(der), key_format="GZIP")
                assert _object_certinfo(card, "9a") == 1, "yubico-piv-tool did not store gzip"
            expected_der["9a"] = der
        if spec.get("extra") == ["--cert-gzip"]:
            assert _object_certinfo(card, "9a") == 1
        token = cs.wait_token(daemon, card)
        yield types.SimpleNamespace(name=name, spec=spec, card=card, tools=tools, token=token,
                                    tid=token["id"], expected_der=expected_der)
    finally:
        pcsc.discard(card)


def test_the_token_id_comes_from_the_card_serial(kind):
    assert kind.tid == cs.token_id(kind.spec["serial"])
    assert kind.token["serial"] == f"{kind.spec['serial']:08x}"
    assert kind.token["driver"] == "piv"
    assert kind.token["state"] == "ready" and kind.token["error"] is None


def test_token_status_shows_the_facts_yubico_piv_tool_shows(kind, daemon):
    answer = cs.status(daemon, kind.tid)
    yk = cs.yk_facts(kind.tools)
    assert f"{yk['serial']:08x}" == answer["token"]["serial"], yk["raw"]
    pin = answer["pin"]
    assert pin["tries_left"] == yk["pin_tries"], (pin, yk["raw"])
    if kind.spec.get("block"):
        assert pin["state"] == "blocked" and pin["tries_left"] == 0, pin
    else:
        assert pin["state"] == "ok" and pin["tries_left"] == pin["max_tries"] == 3, pin
        assert pin["is_default"] is True, pin
    assert pin["source"] == "metadata", pin
    assert answer["puk"]["tries_left"] == 3 and answer["puk"]["state"] == "ok", answer["puk"]
    assert answer.get("unreadable", []) == [], answer
    got = {c["slot"].lower(): c for c in answer["certificates"]}
    assert set(got) == set(yk["slots"]), (answer["certificates"], yk["raw"])
    for slot, facts in yk["slots"].items():
        cert = got[slot]
        if not facts["sha256"]:
            # yubico-piv-tool 2.2.0 shows "Invalid cert data" for a gzip-compressed certificate:
            # take the facts from the DER that OpenSC (pkcs15-tool) reads instead
            assert kind.spec.get("gzip") or kind.spec.get("extra"), yk["raw"]
            facts = dict(cs.der_facts(kind.tools.pkcs15_read_cert(slot)),
                         algorithm=cert["key"])
        assert cert["sha256"].lower() == facts["sha256"], (slot, cert, yk["raw"])
        assert cs.iso_time(cert["not_after"]) == facts["not_after"], (slot, cert, yk["raw"])
        assert cs.iso_time(cert["not_before"]) == facts["not_before"], (slot, cert, yk["raw"])
        assert cert["key"] == cs.YK_ALGORITHM.get(facts["algorithm"], facts["algorithm"]), cert
        assert facts["subject"].split("CN=")[1].split(",")[0].strip() in cert["subject"], cert
        assert cert["state"] == kind.spec["states"][slot], cert
        assert cert["label"] == cs.SLOT_LABEL[slot], cert
        left = (facts["not_after"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        assert abs(cert["days_left"] - left / 86400) <= 1.0, (cert, left)


def test_token_status_spends_no_pin_try(kind, daemon):
    mark = kind.card.apdu_mark()
    before = cs.pin_tries_from_state(kind.card)
    cs.status(daemon, kind.tid)
    sent = kind.card.apdus_since(mark)
    verifies_with_data = [ex for ex in sent if cs.ins_of(ex) == cs.INS_VERIFY and len(ex.command) > 5]
    assert not verifies_with_data, cs.describe(sent)
    assert cs.pin_tries_from_state(kind.card) == before


def test_cert_read_returns_the_der_other_tools_read(kind, daemon):
    for slot in kind.spec["states"]:
        answer = cs.call(daemon, "cert.read", {"token": kind.tid, "slot": slot})
        der = base64.b64decode(answer["der_base64"])
        assert der == cs.ykpiv_der(kind.tools, slot)
        assert der == kind.tools.pkcs15_read_cert(slot)
        assert cs.pem_der(answer["pem"]) == der
        assert answer["certificate"]["slot"].lower() == slot
        assert answer["certificate"]["state"] == kind.spec["states"][slot]
        if slot in kind.expected_der:
            assert der == kind.expected_der[slot]
    if kind.spec.get("big"):
        assert len(cs.slot_der(daemon, kind.tid, "9a")) > 2048


def test_cert_read_gives_the_same_certificate_object_as_token_status(kind, daemon):
    listed = {c["slot"].lower(): c for c in cs.status(daemon, kind.tid)["certificates"]}
    for slot in kind.spec["states"]:
        read = cs.call(daemon, "cert.read", {"token": kind.tid, "slot": slot})["certificate"]
        for field in ("slot", "label", "subject", "issuer", "serial", "not_before", "not_after",
                      "state", "key", "sha256"):
            assert read[field] == listed[slot][field], (field, read, listed[slot])


def test_cert_read_of_an_empty_slot_says_cert_not_found(kind, daemon):
    err = cs.call_error(daemon, "cert.read", {"token": kind.tid, "slot": "9d"})
    assert err.reason == "cert_not_found", err


def test_cert_check_classifies_every_certificate(kind, daemon):
    answer = cs.call(daemon, "cert.check", {"token": kind.tid})
    assert [e["token"] for e in answer["tokens"]] == [kind.tid]
    entry = answer["tokens"][0]
    assert {c["slot"].lower(): c["state"] for c in entry["certificates"]} == kind.spec["states"]
    states = set(kind.spec["states"].values())
    worst = "expired" if "expired" in states else "expiring" if "expiring" in states else "valid"
    assert answer["worst"] == worst, answer


def test_cert_check_with_own_warn_days_reclassifies(kind, daemon):
    answer = cs.call(daemon, "cert.check", {"token": kind.tid, "warn_days": [10]})
    for cert in answer["tokens"][0]["certificates"]:
        want = kind.spec["states"][cert["slot"].lower()]
        assert cert["state"] == ("valid" if want == "expiring" else want), cert


def test_readers_list_shows_the_card_and_its_token(kind, daemon):
    readers = {r["name"]: r for r in cs.call(daemon, "readers.list")["readers"]}
    reader = readers[kind.card.reader]
    assert reader["card_present"] is True and reader["token"] == kind.tid, reader
    assert reader["atr"].lower().startswith("3b8a8001"), reader
    other = [r for name, r in readers.items() if name != kind.card.reader]
    assert other and all(not r["card_present"] and r["token"] is None for r in other), readers


def test_daemon_info_lists_the_reader_and_token(kind, daemon):
    info = cs.call(daemon, "daemon.info")
    assert info["pcsc"] == "up"
    ids = [t["id"] if isinstance(t, dict) else t for t in info["tokens"]]
    assert ids == [kind.tid], info
    names = [r["name"] if isinstance(r, dict) else r for r in info["readers"]]
    assert kind.card.reader in names, info


def test_cert_check_of_every_token_includes_this_one(kind, daemon):
    answer = cs.call(daemon, "cert.check")
    assert kind.tid in [e["token"] for e in answer["tokens"]], answer


def test_diag_report_lists_the_reader_and_token(kind, daemon):
    report = cs.call(daemon, "diag.report")
    assert report["pcsc"]["state"] == "up", report["pcsc"]
    tokens = [t["id"] if isinstance(t, dict) else t for t in report["tokens"]]
    assert tokens == [kind.tid], report["tokens"]
    readers = [r["name"] if isinstance(r, dict) else r for r in report["readers"]]
    assert kind.card.reader in readers, report["readers"]
