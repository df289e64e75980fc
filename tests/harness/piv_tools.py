"""The independent PIV tools (yubico-piv-tool, OpenSC, openssl) pointed at one virtual card.

Used by the interop suite and by integration tests that need "another program" to act on a
card (block a PIN, import a certificate, read what eportd wrote).
"""

import os
import re
import subprocess

from . import paths
from .card import DEFAULT_MGM_KEY
from .procs import HarnessError

PKCS15_CERT_ID = {"9a": "01", "9c": "02", "9d": "03", "9e": "04"}


def openssl(*args, input=None, check=True):
    """Runs openssl; returns stdout bytes (raises with stderr on failure when check)."""
    res = subprocess.run(["openssl"] + [str(a) for a in args], input=input,
                         capture_output=True, timeout=60)
    if check and res.returncode != 0:
        raise HarnessError(f"openssl {' '.join(map(str, args))} failed:\n"
                           + res.stderr.decode(errors="replace"))
    return res.stdout


def make_key(path, alg="rsa2048"):
    """A private key file (PEM) of alg: rsa2048, p256 or p384."""
    if alg == "rsa2048":
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path)
    elif alg in ("p256", "p384"):
        curve = {"p256": "P-256", "p384": "P-384"}[alg]
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{curve}",
                "-out", path)
    else:
        raise ValueError(f"unknown key algorithm {alg}")
    return path


def public_key(key_path, out_path):
    """Writes the PEM public key of a private key file."""
    openssl("pkey", "-in", key_path, "-pubout", "-out", out_path)
    return out_path


def make_cert(path, subject="/CN=eport interop", days=30, key=None, pubkey=None,
              ca_key=None, ca_cert=None, extra=()):
    """A PEM certificate: self-signed with key, or for pubkey issued by ca_key/ca_cert."""
    if pubkey:
        openssl("x509", "-new", "-subj", subject, "-force_pubkey", pubkey, "-CA", ca_cert,
                "-CAkey", ca_key, "-days", days, "-out", path, *extra)
    else:
        openssl("req", "-x509", "-new", "-key", key, "-subj", subject, "-days", days,
                "-out", path, *extra)
    return path


def make_ca(directory):
    """A throw-away CA (key, cert) in directory."""
    key = make_key(os.path.join(directory, "ca.key"), "p256")
    cert = make_cert(os.path.join(directory, "ca.pem"), "/CN=eport test CA", 3650, key=key)
    return key, cert


def pem_to_der(pem):
    """DER bytes of a PEM certificate (bytes or str)."""
    if isinstance(pem, str):
        pem = pem.encode()
    return openssl("x509", "-outform", "DER", input=pem)


def cert_der(path):
    """DER bytes of a PEM certificate file."""
    with open(path, "rb") as f:
        return pem_to_der(f.read())


def parse_ykpiv_status(text):
    """`yubico-piv-tool -a status` -> {"top": {key: value}, "slots": {"9a": {key: value}}}."""
    top, slots, current = {}, {}, None
    for line in text.splitlines():
        m = re.match(r"^Slot ([0-9a-fA-F]{2}):", line)
        if m:
            current = slots.setdefault(m.group(1).lower(), {})
            continue
        key, sep, value = line.strip().partition(":")
        if not sep:
            continue
        if line.startswith(("\t", " ")) and current is not None:
            current[key.strip()] = value.strip()
        else:
            current = None
            top[key.strip()] = value.strip()
    return {"top": top, "slots": slots}


class PivTools:
    """yubico-piv-tool, pkcs15-tool, piv-tool and pkcs11-tool for one card of a Harness."""

    def __init__(self, h, card, workdir):
        self.h = h
        self.card = card
        self.workdir = workdir
        os.makedirs(workdir, exist_ok=True)

    def _run(self, argv, input=None, check=False, env=None, timeout=60):
        res = subprocess.run([str(a) for a in argv], env=env or self.h.env(), input=input,
                             capture_output=True, timeout=timeout)
        res.out = (res.stdout + res.stderr).decode(errors="replace")
        if check and res.returncode != 0:
            raise HarnessError(f"{' '.join(map(str, argv))} failed (exit {res.returncode}):\n"
                               + res.out)
        return res

    # -- yubico-piv-tool -----------------------------------------------------------------
    def ykpiv(self, *args, input=None, check=False):
        """yubico-piv-tool -r <this card's reader> ARGS; result has .out (stdout+stderr)."""
        return self._run(["yubico-piv-tool", "-r", self.card.reader] + list(args),
                         input=input, check=check)

    def yk_status(self):
        """Parsed `-a status` (see parse_ykpiv_status)."""
        return parse_ykpiv_status(self.ykpiv("-a", "status", check=True).stdout.decode())

    def yk_pin_tries(self):
        """PIN tries left as `-a status` shows them."""
        return int(self.yk_status()["top"]["PIN tries left"])

    def yk_read_cert(self, slot):
        """DER of the certificate in slot, read by yubico-piv-tool (None when empty)."""
        res = self.ykpiv("-a", "read-certificate", "-s", slot, "-K", "DER")
        return res.stdout if res.returncode == 0 and res.stdout else None

    def yk_import_cert(self, slot, pem_path, key=DEFAULT_MGM_KEY):
        """Imports a PEM certificate into slot (management key auth)."""
        return self.ykpiv("-k" + key, "-a", "import-certificate", "-s", slot, "-i", pem_path,
                          check=True)

    # -- OpenSC --------------------------------------------------------------------------
    def pkcs15(self, *args, check=False):
        """pkcs15-tool --reader <this card's reader> ARGS."""
        return self._run(["pkcs15-tool", "--reader", self.card.reader] + list(args), check=check)

    def pkcs15_read_cert(self, slot):
        """DER of the certificate in slot, read by pkcs15-tool --read-certificate (None if absent)."""
        res = self.pkcs15("--read-certificate", PKCS15_CERT_ID[slot])
        if res.returncode != 0 or b"BEGIN CERTIFICATE" not in res.stdout:
            return None
        return pem_to_der(res.stdout)

    def raw_apdus(self, *apdus):
        """Sends hex APDUs with `opensc-tool -s` in one session; returns each (SW1 << 8 | SW2)."""
        argv = ["opensc-tool", "--reader", self.card.reader]
        for apdu in apdus:
            argv += ["-s", apdu]
        res = self._run(argv)
        sws = [int(a, 16) << 8 | int(b, 16)
               for a, b in re.findall(r"SW1=0x([0-9A-Fa-f]{2}), SW2=0x([0-9A-Fa-f]{2})", res.out)]
        if len(sws) != len(apdus):
            raise HarnessError(f"opensc-tool answered {len(sws)} of {len(apdus)} APDUs:\n{res.out}")
        return sws

    def pin_status_sw(self):
        """SW of the PIV PIN status check (SELECT, then VERIFY without data): 63Cx, 9000, 6983."""
        return self.raw_apdus("00 A4 04 00 09 A0 00 00 03 08 00 00 10 00", "00 20 00 80")[1]

    def piv_tool(self, *args, ext_auth_key=None, check=False):
        """piv-tool --reader <reader> ARGS; ext_auth_key (hex) goes to PIV_EXT_AUTH_KEY file."""
        env = self.h.env()
        if ext_auth_key is not None:
            key_file = os.path.join(self.workdir, "piv_ext_auth_key")
            with open(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
                f.write(":".join(re.findall("..", ext_auth_key)) + "\n")
            env["PIV_EXT_AUTH_KEY"] = key_file
        return self._run(["piv-tool", "--reader", self.card.reader] + list(args), env=env,
                         check=check)

    def pkcs11(self, *args, check=False):
        """pkcs11-tool with OpenSC's module on this card's slot."""
        module = paths.opensc_pkcs11()
        if not module:
            raise HarnessError("opensc-pkcs11.so not found: install opensc-pkcs11")
        return self._run(["pkcs11-tool", "--module", module, "--slot-description",
                          self.card.reader] + list(args), check=check)

    def path(self, name):
        """A file name in this tool set's scratch directory."""
        return os.path.join(self.workdir, name)
