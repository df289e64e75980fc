"""Issue 16, the metrics textfile: eportd with `metrics.textfile` writes a Prometheus file that
promtool accepts, with the facts the cards hold (checked against yubico-piv-tool and
cert.read), and rewrites it — atomically — when a card is inserted, when a PIN blocked by
another program is read at the next token.status, and when a certificate is written. It never
touches a card for it. Real parts: private pcscd, eport-vcard, eportd, yubico-piv-tool,
openssl, promtool."""

import os
import threading
import time

import pytest

import monitoring_support as ms
from harness.card import DEFAULT_MGM_KEY, DEFAULT_PUK
from harness.piv_tools import PivTools, make_ca, openssl

ALICE, BOB, CAROL = 16001, 16002, 16003


@pytest.fixture(scope="module")
def stack(pcsc):
    """eportd writing <work>/textfile/eportd.prom (rewrites on changes only), two cards."""
    directory = os.path.join(pcsc.workdir, "textfile")
    os.makedirs(directory)
    path = os.path.join(directory, "eportd.prom")
    daemon = pcsc.eportd(config={"metrics": {"textfile": path, "refresh_s": 0}, "socket_mode": "0666"})
    alice = pcsc.card("alice", serial=ALICE, certs=["9a:rsa2048:3650"])
    bob = pcsc.card("bob", serial=BOB, certs=["9a:p256:20"])
    for serial in (ALICE, BOB):
        ms.wait_token(daemon, ms.token_id(serial))
    yield daemon, path, {"alice": alice, "bob": bob}
    daemon.stop()


def wait_tokens(path, *serials):
    """Waits until the file lists exactly these tokens, each with its certificate."""
    ids = {ms.token_id(s) for s in serials}

    def listed(samples):
        tokens = {ls["token"] for n, ls, _ in samples if n == "eportd_token_info"}
        certs = {ls["token"] for n, ls, _ in samples if n == "eportd_certificate_expiry_timestamp_seconds"}
        return tokens == ids and certs == ids
    return ms.wait_file(path, listed, f"tokens {sorted(ids)} with their certificates")


def test_the_file_has_every_family_and_promtool_accepts_it(stack, pcsc):
    daemon, path, cards = stack
    samples = wait_tokens(path, ALICE, BOB)
    for serial in (ALICE, BOB):
        ms.call(daemon, "token.status", {"token": ms.token_id(serial)})
    samples = ms.wait_file(path, lambda s: ms.value(s, "eportd_token_pin_tries_left",
                                                    token=ms.token_id(BOB)) is not None, "bob's PIN")
    text = ms.read_text(path)
    ms.check_metrics(text)
    helps = [line.split()[2] for line in text.splitlines() if line.startswith("# HELP ")]
    assert helps == ms.FAMILIES
    assert ms.value(samples, "eportd_up") == 1
    assert ms.value(samples, "eportd_pcscd_up") == 1
    assert ms.value(samples, "eportd_readers_present") == 2
    assert ms.value(samples, "eportd_tokens_present", driver="piv") == 2
    assert os.stat(path).st_mode & 0o777 == 0o644  # node_exporter's user must read it


def test_the_figures_are_the_cards_own(stack, pcsc):
    daemon, path, cards = stack
    samples = ms.parse_samples(ms.read_text(path))
    for name, serial in (("alice", ALICE), ("bob", BOB)):
        tid = ms.token_id(serial)
        tools = PivTools(pcsc, cards[name], os.path.join(pcsc.workdir, f"tools-{name}"))
        assert ms.value(samples, "eportd_token_pin_tries_left", token=tid) == tools.yk_pin_tries()
        assert ms.value(samples, "eportd_token_pin_blocked", token=tid) == 0
        assert ms.value(samples, "eportd_token_pin_default", token=tid) == 1
        assert ms.value(samples, "eportd_token_puk_tries_left", token=tid) == 3
        cert = ms.call(daemon, "cert.read", {"token": tid, "slot": "9a"})["certificate"]
        cn = cert["subject"].split(",")[0].split("=", 1)[1]
        expiry = ms.value(samples, "eportd_certificate_expiry_timestamp_seconds", token=tid, slot="9a")
        assert expiry == ms.iso_unix(cert["not_after"])
        assert ms.value(samples, "eportd_certificate_expiry_timestamp_seconds", token=tid, slot="9a",
                        cn=cn) == expiry
    # bob's certificate ends in 20 days: what the 30-day alert looks for
    bob_expiry = ms.value(samples, "eportd_certificate_expiry_timestamp_seconds", token=ms.token_id(BOB))
    assert 19 * 86400 < bob_expiry - os.stat(path).st_mtime <= 20 * 86400


def test_metrics_get_answers_the_text_of_the_file(stack):
    daemon, path, _ = stack

    def same():
        # the file carries the counters of its last write, metrics.get the latest ones:
        # compare everything but the calls counter.
        text = ms.call(daemon, "metrics.get")["text"]
        strip = lambda t: [l for l in t.splitlines() if not l.startswith("eportd_method_calls_total")]
        return strip(text) == strip(ms.read_text(path)) and text
    text = ms.wait_until("metrics.get to equal the file", same)
    ms.check_metrics(text)
    answer = ms.call(daemon, "metrics.get")
    assert answer["content_type"].startswith("text/plain; version=0.0.4")


def test_an_insertion_changes_the_file(stack, pcsc):
    daemon, path, cards = stack
    pcsc.discard(cards.pop("bob"))
    samples = wait_tokens(path, ALICE)
    assert ms.value(samples, "eportd_tokens_present", driver="piv") == 1
    carol = pcsc.card("carol", serial=CAROL, certs=["9c:p256:400"])
    cards["carol"] = carol
    samples = wait_tokens(path, ALICE, CAROL)
    assert ms.value(samples, "eportd_tokens_present", driver="piv") == 2
    assert ms.value(samples, "eportd_certificate_expiry_timestamp_seconds",
                    token=ms.token_id(CAROL), slot="9c") is not None
    # Insertion reads no PIN figures (nobody asked): no sample rather than a guess.
    assert ms.value(samples, "eportd_token_pin_tries_left", token=ms.token_id(CAROL)) is None
    ms.check_metrics(ms.read_text(path))


def test_a_pin_blocked_by_another_program_shows_at_the_next_status(stack, pcsc):
    daemon, path, cards = stack
    tid = ms.token_id(ALICE)
    tools = PivTools(pcsc, cards["alice"], os.path.join(pcsc.workdir, "tools-alice"))
    for _ in range(3):
        assert tools.ykpiv("-a", "verify-pin", "-P", "99999999").returncode != 0
    assert tools.yk_pin_tries() == 0
    # eportd does not poll the card: it sends the card nothing and still reports what it last
    # read. (Seeing that nothing happens takes a while; slowness cannot make this fail.)
    mark = cards["alice"].apdu_mark()
    time.sleep(1.0)
    assert cards["alice"].apdus_since(mark) == []
    samples = ms.parse_samples(ms.read_text(path))
    assert ms.value(samples, "eportd_token_pin_blocked", token=tid) == 0
    assert ms.value(samples, "eportd_token_pin_tries_left", token=tid) == 3
    status = ms.call(daemon, "token.status", {"token": tid})
    assert status["pin"]["state"] == "blocked"
    samples = ms.wait_file(path, lambda s: ms.value(s, "eportd_token_pin_blocked", token=tid) == 1,
                           "alice's PIN blocked")
    assert ms.value(samples, "eportd_token_pin_tries_left", token=tid) == 0
    ms.check_metrics(ms.read_text(path))
    # Put it right for the next tests (pin.reset also tells the metrics through pin.changed).
    ms.call(daemon, "pin.reset", {"token": tid, "puk": DEFAULT_PUK})
    ms.wait_file(path, lambda s: ms.value(s, "eportd_token_pin_blocked", token=tid) == 0, "alice's PIN reset")


def renewed_certificate(daemon, tid, workdir, subject, days):
    """A PEM certificate for the key in tid's slot 9a (issued by a throw-away CA)."""
    os.makedirs(workdir, exist_ok=True)
    ca_key, ca_cert = make_ca(workdir)
    current = os.path.join(workdir, "current.pem")
    with open(current, "w") as f:
        f.write(ms.call(daemon, "cert.read", {"token": tid, "slot": "9a"})["pem"])
    pub = os.path.join(workdir, "pub.pem")
    with open(pub, "wb") as f:
        f.write(openssl("x509", "-in", current, "-pubkey", "-noout"))
    csr = os.path.join(workdir, "req.csr")
    openssl("req", "-new", "-utf8", "-key", ca_key, "-subj", subject, "-out", csr)
    out = os.path.join(workdir, "renewed.pem")
    openssl("x509", "-req", "-in", csr, "-force_pubkey", pub, "-CA", ca_cert, "-CAkey", ca_key,
            "-days", str(days), "-out", out)
    with open(out) as f:
        return f.read()


def test_a_written_certificate_changes_the_file(stack, pcsc):
    daemon, path, _ = stack
    tid = ms.token_id(ALICE)
    pem = renewed_certificate(daemon, tid, os.path.join(pcsc.workdir, "renew"),
                              "/CN=北京某某贸易有限公司 续期/O=Example", 400)
    written = ms.call(daemon, "cert.write", {"token": tid, "slot": "9a", "certificate": pem,
                                             "management_key": DEFAULT_MGM_KEY})
    end = ms.iso_unix(written["certificate"]["not_after"])
    samples = ms.wait_file(path, lambda s: ms.value(s, "eportd_certificate_expiry_timestamp_seconds",
                                                    token=tid, slot="9a") == end, "the new notAfter")
    assert ms.value(samples, "eportd_certificate_expiry_timestamp_seconds", token=tid, slot="9a",
                    cn="北京某某贸易有限公司 续期") == end
    ms.check_metrics(ms.read_text(path))


def test_calls_and_refusals_are_counted_and_go_out_with_the_next_write(stack, pcsc):
    daemon, path, cards = stack
    for directory in (pcsc.workdir, daemon.workdir):
        os.chmod(directory, 0o711)
    answer = unprivileged_call(daemon, "pin.reset", {"token": ms.token_id(ALICE), "puk": "00000000"})
    assert answer["error"]["data"]["reason"] == "not_authorized"
    now = ms.parse_samples(ms.call(daemon, "metrics.get")["text"])
    assert ms.value(now, "eportd_refusals_total", method="pin.reset") == 1
    assert ms.value(now, "eportd_method_calls_total", method="pin.reset", reason="not_authorized") == 1
    assert ms.value(now, "eportd_method_calls_total", method="token.status", reason="ok") >= 3
    assert ms.value(now, "eportd_method_calls_total", method="cert.write", reason="ok") == 1
    # Counters alone do not rewrite the file (a program polling token.status would otherwise
    # rewrite it every few seconds); the next change takes them along.
    before = ms.read_text(path)
    time.sleep(1.0)  # seeing that nothing happens takes a while; slowness cannot make this fail
    assert ms.read_text(path) == before
    pcsc.discard(cards.pop("carol"))
    samples = wait_tokens(path, ALICE)
    assert ms.value(samples, "eportd_refusals_total", method="pin.reset") == 1
    cards["carol"] = pcsc.card("carol", serial=CAROL, certs=["9c:p256:400"])
    wait_tokens(path, ALICE, CAROL)


def unprivileged_call(daemon, method, params):
    """One request sent by uid/gid 65534 (nobody, no groups): the response object."""
    import json
    import subprocess
    request = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
    script = ("import socket,sys;s=socket.socket(socket.AF_UNIX);s.settimeout(20);"
              "s.connect(sys.argv[1]);s.sendall(sys.argv[2].encode()+b'\\n');b=b''\n"
              "while not b.endswith(b'\\n'):\n c=s.recv(65536)\n if not c: break\n b+=c\n"
              "sys.stdout.write(b.decode())")
    res = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                          "/usr/bin/python3", "-c", script, daemon.socket_path, request],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.splitlines()[0])


def test_the_file_is_never_half_written(stack, pcsc):
    """A reader that opens the file again and again while it changes sees whole files only."""
    daemon, path, cards = stack
    changes, bad, stop = [0, None], [], threading.Event()

    def reader():
        while not stop.is_set():
            text = ms.read_text(path)
            if text != changes[1]:
                changes[0], changes[1] = changes[0] + 1, text
            helps = [l.split()[2] for l in text.splitlines() if l.startswith("# HELP ")]
            if helps != ms.FAMILIES or not text.endswith("\n") or \
                    not text.splitlines()[-1].startswith("eportd_events_dropped_total "):
                bad.append(text)
            time.sleep(0.001)
    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(3):  # each pull and insertion rewrites the file (a few times)
            pcsc.discard(cards.pop("carol"))
            wait_tokens(path, ALICE)
            cards["carol"] = pcsc.card("carol", serial=CAROL, certs=["9c:p256:400"])
            wait_tokens(path, ALICE, CAROL)
    finally:
        stop.set()
        thread.join()
    assert not bad, f"{len(bad)} partial file(s), e.g.:\n{bad[0]}"
    assert changes[0] >= 6, f"the file changed only {changes[0]} times while it was read"
    leftovers = [n for n in os.listdir(os.path.dirname(path)) if n != "eportd.prom"]
    assert not leftovers, f"temporary files left behind: {leftovers}"
