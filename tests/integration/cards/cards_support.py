"""Helpers shared by the card end-to-end suites (issues 4 and 5): eportd calls, waiting for
tokens, APDU-log analysis, certificates made with openssl, and the facts yubico-piv-tool shows.

Everything here talks to the real stack of tests/harness: a private pcscd, eport-vcard cards and
eportd from the build tree.
"""

import base64
import datetime
import gzip
import json
import os
import subprocess
import time

import pytest

from harness import rpc
from harness.card import DEFAULT_MGM_KEY
from harness.piv_tools import openssl, parse_ykpiv_status

#: The command prefix of SELECT PIV (the driver always adds Le).
SELECT_PIV = bytes.fromhex("00a4040009a00000030800001000")
INS_VERIFY, INS_CHANGE, INS_RESET_RETRY, INS_GET_DATA = 0x20, 0x24, 0x2C, 0xCB
INS_PUT_DATA, INS_GENERAL_AUTH, INS_METADATA, INS_GET_RESPONSE = 0xDB, 0x87, 0xF7, 0xC0
INS_SELECT = 0xA4

#: Slot -> PIV object tag (low byte of 5FC1xx).
SLOT_OBJECT = {"9a": 0x05, "9c": 0x0A, "9d": 0x0B, "9e": 0x01}
#: Slot -> the label PROTOCOL.md's Certificate carries.
SLOT_LABEL = {"9a": "PIV Authentication", "9c": "Digital Signature", "9d": "Key Management",
              "9e": "Card Authentication"}


# -- eportd ------------------------------------------------------------------------------------
def token_id(serial):
    """The token id eportd derives from a PIV card's GET SERIAL (decimal number)."""
    return f"piv:{int(serial):08x}"


def call(daemon, method, params=None, timeout=30.0):
    """One request on a fresh connection; the result (RpcError on an error answer)."""
    with daemon.client(timeout=timeout) as client:
        return client.call(method, params)


def call_error(daemon, method, params=None, timeout=30.0):
    """One request that must fail; returns the RpcError (fails the test on a result)."""
    try:
        result = call(daemon, method, params, timeout)
    except rpc.RpcError as exc:
        return exc
    pytest.fail(f"{method} {redact(params)} answered a result, expected an error: {result}")


def redact(params):
    """Params without secrets, for failure messages."""
    if not isinstance(params, dict):
        return params
    return {k: ("***" if k in ("puk", "old_pin", "new_pin", "management_key") else v)
            for k, v in params.items()}


def wait_until(what, predicate, timeout=15.0, interval=0.1):
    """Polls predicate() until it returns something true; fails the test after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


def ready_token(daemon, reader):
    """The token in `reader` when eportd lists it as ready, else None."""
    for token in call(daemon, "tokens.list")["tokens"]:
        if token.get("reader") == reader and token.get("state") == "ready":
            return token
    return None


def wait_token(daemon, card, timeout=15.0):
    """Waits until eportd lists a ready token in the card's reader and the card's insertion
    read is over (the APDU log is quiet); returns the token."""
    token = wait_until(f"a ready token in {card.reader!r}", lambda: ready_token(daemon, card.reader),
                       timeout)
    settle(card)
    return token


def wait_token_gone(daemon, tid, timeout=15.0):
    """Waits until tokens.list no longer has tid."""
    wait_until(f"token {tid} to leave tokens.list",
               lambda: all(t["id"] != tid for t in call(daemon, "tokens.list")["tokens"]), timeout)


def settle(card, quiet=0.4, timeout=10.0):
    """Waits until the card's APDU log has not grown for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    size, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = len(card.apdu_log())
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return size
        time.sleep(0.05)
    return size


def status(daemon, tid):
    """token.status of tid."""
    return call(daemon, "token.status", {"token": tid})


def cert_of(answer, slot):
    """The Certificate of slot in a token.status / cert.check entry, or None."""
    for cert in answer.get("certificates", []):
        if cert["slot"].lower() == slot:
            return cert
    return None


def audit_records(daemon, limit=200):
    """audit.tail records (eportd's own view of the audit file)."""
    return call(daemon, "audit.tail", {"limit": limit})["records"]


def outcome_records(daemon, method, limit=1000):
    """audit.tail records of `method` that tell how a call ended (not the "attempt" record a
    privileged card job writes before its first APDU)."""
    return [r for r in audit_records(daemon, limit)
            if r["method"] == method and r["outcome"] != "attempt"]


def audit_file(daemon):
    """The audit file's text ("" when absent)."""
    path = os.path.join(daemon.state_dir, "audit.log")
    if not os.path.exists(path):
        return ""
    with open(path, errors="replace") as f:
        return f.read()


def daemon_log(daemon):
    """eportd's log output so far."""
    if not os.path.exists(daemon.log_path):
        return ""
    with open(daemon.log_path, errors="replace") as f:
        return f.read()


def unprivileged_call(daemon, method, params=None):
    """One request sent by uid/gid 65534 (nobody, no groups): the response object."""
    request = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or {}})
    script = ("import socket,sys;s=socket.socket(socket.AF_UNIX);s.settimeout(20);"
              "s.connect(sys.argv[1]);s.sendall(sys.argv[2].encode()+b'\\n');b=b''\n"
              "while not b.endswith(b'\\n'):\n c=s.recv(65536)\n if not c: break\n b+=c\n"
              "sys.stdout.write(b.decode())")
    res = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                          "/usr/bin/python3", "-c", script, daemon.socket_path, request],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode == 0, f"unprivileged client failed: {res.stderr}"
    return json.loads(res.stdout.splitlines()[0])


# -- APDU log ----------------------------------------------------------------------------------
def ins_of(exchange):
    """The INS byte of one logged exchange."""
    return exchange.command[1]


def sw_of(exchange):
    """The status word of one logged exchange."""
    return int.from_bytes(exchange.response[-2:], "big")


def is_select(exchange):
    """True for SELECT PIV."""
    return exchange.command.startswith(SELECT_PIV)


def commands(exchanges):
    """The command bytes of the exchanges (what a sequence looked like, without answers)."""
    return [ex.command for ex in exchanges]


def headers(exchanges, responses=True):
    """CLA INS P1 P2 of each exchange (what was sent, without data that may be random);
    responses=False leaves out GET RESPONSE, whose count follows the objects' lengths."""
    return [ex.command[:4] for ex in exchanges
            if responses or ins_of(ex) != INS_GET_RESPONSE]


def describe(exchanges):
    """Readable dump of exchanges for a failure message."""
    return "\n".join(f"  {ex.command.hex()[:60]} -> {ex.response.hex()[-4:]}" for ex in exchanges)


def put_data_range(exchanges):
    """(first, last) index within `exchanges` of the PUT DATA chain, or None."""
    idx = [i for i, ex in enumerate(exchanges) if ins_of(ex) == INS_PUT_DATA]
    return (idx[0], idx[-1]) if idx else None


# -- yubico-piv-tool's view --------------------------------------------------------------------
def yk_facts(tools):
    """What `yubico-piv-tool -a status` says: serial (int), pin_tries (int), and per slot
    sha256 (lower hex), not_after (datetime UTC), algorithm, subject."""
    res = tools.ykpiv("-a", "status")
    parsed = parse_ykpiv_status(res.stdout.decode(errors="replace"))
    top = parsed["top"]
    slots = {}
    for slot, fields in parsed["slots"].items():
        slots[slot] = {
            "sha256": fields.get("Fingerprint", "").lower(),
            "not_after": _yk_time(fields.get("Not After")),
            "not_before": _yk_time(fields.get("Not Before")),
            "algorithm": fields.get("Algorithm"),
            "subject": fields.get("Subject DN"),
        }
    return {"serial": int(top["Serial Number"]), "pin_tries": int(top["PIN tries left"]),
            "slots": slots, "raw": res.out}


def _yk_time(text):
    if not text:
        return None
    return datetime.datetime.strptime(" ".join(text.split()), "%b %d %H:%M:%S %Y GMT") \
        .replace(tzinfo=datetime.timezone.utc)


def iso_time(text):
    """PROTOCOL.md time ("2026-01-01T00:00:00Z") -> aware datetime."""
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ") \
        .replace(tzinfo=datetime.timezone.utc)


YK_ALGORITHM = {"RSA2048": "RSA-2048", "ECCP256": "EC-P256", "ECCP384": "EC-P384",
                "RSA1024": "RSA-1024"}


# -- certificates ------------------------------------------------------------------------------
class CertFactory:
    """Makes keys, a test CA and certificates for the slot keys of virtual cards (openssl)."""

    def __init__(self, workdir):
        self.dir = str(workdir)
        os.makedirs(self.dir, exist_ok=True)
        self.n = 0
        self.ca_key = self.path("ca.key")
        self.ca_cert = self.path("ca.pem")
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", self.ca_key)
        openssl("req", "-x509", "-new", "-key", self.ca_key, "-subj", "/CN=eport e2e test CA",
                "-days", "7300", "-out", self.ca_cert)

    def path(self, name):
        """A file in the factory's directory."""
        return os.path.join(self.dir, name)

    def fresh(self, stem, ext):
        """A new unique file name."""
        self.n += 1
        return self.path(f"{stem}-{self.n}.{ext}")

    def pubkey_of_pem(self, pem):
        """Writes the public key of a PEM certificate to a file; returns its path."""
        out = self.fresh("pub", "pem")
        with open(out, "wb") as f:
            f.write(openssl("x509", "-pubkey", "-noout", input=pem.encode()))
        return out

    def new_key(self, alg="p256"):
        """A private key (PEM file path) that is on no card."""
        out = self.fresh("key", "pem")
        if alg == "rsa2048":
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", out)
        else:
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-out", out)
        return out

    def issue(self, pubkey, days=3650, subject="/CN=eport e2e renewed/O=Example", sans=0):
        """A certificate for pubkey (PEM file) signed by the test CA, valid `days` (-1 gives
        one that expired a day before it was issued); `sans` DNS subjectAltNames make it big.
        Returns (pem text, der bytes)."""
        ext = self.fresh("ext", "cnf")
        with open(ext, "w") as f:
            f.write("[v3]\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                    "extendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\n")
            if sans:
                names = ",".join(f"DNS:host-{i:04d}.branch.renewal.eport.example.com"
                                 for i in range(sans))
                f.write(f"subjectAltName={names}\n")
        out = self.fresh("cert", "pem")
        openssl("x509", "-new", "-subj", subject, "-force_pubkey", pubkey, "-CA", self.ca_cert,
                "-CAkey", self.ca_key, "-days", str(days), "-extfile", ext, "-extensions", "v3",
                "-sha256", "-out", out)
        with open(out) as f:
            pem = f.read()
        return pem, pem_der(pem)

    def self_signed(self, key, days=30, subject="/CN=eport e2e other key"):
        """A self-signed certificate for a key file; (pem, der)."""
        out = self.fresh("cert", "pem")
        openssl("req", "-x509", "-new", "-key", key, "-subj", subject, "-days", str(days),
                "-out", out)
        with open(out) as f:
            pem = f.read()
        return pem, pem_der(pem)

    def gzip_der(self, der):
        """A gzip file of DER (what `yubico-piv-tool -K GZIP -a import-certificate` reads)."""
        out = self.fresh("cert", "der.gz")
        with open(out, "wb") as f:
            f.write(gzip.compress(der))
        return out

    def write_pem(self, pem):
        """Writes PEM text to a new file; returns its path."""
        out = self.fresh("cert", "pem")
        with open(out, "w") as f:
            f.write(pem)
        return out


def pem_der(pem):
    """DER bytes of PEM text."""
    return openssl("x509", "-outform", "DER", input=pem.encode() if isinstance(pem, str) else pem)


def der_b64(der):
    """base64 text of DER."""
    return base64.b64encode(der).decode()


def slot_der(daemon, tid, slot):
    """DER of the certificate in slot as cert.read returns it."""
    return base64.b64decode(call(daemon, "cert.read", {"token": tid, "slot": slot})["der_base64"])


def management_key_config(directory, **options):
    """eportd config whose PIV driver reads the card management key from a 0600 file."""
    path = os.path.join(directory, "piv-management-key")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(DEFAULT_MGM_KEY + "\n")
    options["management_key_file"] = path
    return {"drivers": [{"name": "piv", "options": options}]}


def import_with_ykpiv(tools, slot, path, key_format="PEM"):
    """Imports a certificate file with yubico-piv-tool (another program); asserts success."""
    res = tools.ykpiv("-k" + DEFAULT_MGM_KEY, "-a", "import-certificate", "-s", slot,
                      "-K", key_format, "-i", path)
    assert res.returncode == 0, res.out


def block_pin_with_ykpiv(tools, tries=3):
    """Spends every PIN try with wrong PINs through yubico-piv-tool; asserts 0 are left."""
    for _ in range(tries):
        assert tools.ykpiv("-a", "verify-pin", "-P", "99999999").returncode != 0
    assert tools.yk_pin_tries() == 0


def puk_tries_from_state(card):
    """PUK tries left as the card's state file says (the card's own counter)."""
    with open(card.state_path) as f:
        return json.load(f)["puk"]["remaining"]


def pin_tries_from_state(card):
    """PIN tries left as the card's state file says."""
    with open(card.state_path) as f:
        return json.load(f)["pin"]["remaining"]


def tlv_header(data, pos):
    """(tag, value start, value length) of the BER-TLV (one-byte tag) at pos."""
    tag, length, pos = data[pos], data[pos + 1], pos + 2
    if length & 0x80:
        k = length & 0x7F
        length, pos = int.from_bytes(data[pos:pos + k], "big"), pos + k
    return tag, pos, length


def der_facts(der):
    """The facts of a DER certificate as openssl reads them (same keys as yk_facts slots)."""
    import hashlib
    out = openssl("x509", "-inform", "DER", "-noout", "-startdate", "-enddate", "-subject",
                  input=der).decode()
    fields = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return {"sha256": hashlib.sha256(der).hexdigest(), "not_before": _yk_time(fields["notBefore"]),
            "not_after": _yk_time(fields["notAfter"]), "algorithm": None,
            "subject": fields["subject"].replace(" = ", "=")}


def ykpiv_der(tools, slot):
    """The certificate DER as yubico-piv-tool reads it; yubico-piv-tool 2.2.0 hands out a
    gzip-compressed certificate still compressed, so it is inflated here."""
    data = tools.yk_read_cert(slot)
    if data and data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    return data
