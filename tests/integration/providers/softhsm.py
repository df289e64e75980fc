"""SoftHSM2 for the tests: a private SOFTHSM2_CONF and token directory, tokens and keys made
with softhsm2-util and pkcs11-tool, certificates made with openssl."""

import os
import re
import subprocess

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
SO_PIN = "12345678"
USER_PIN = "123456"


class SoftHsm:
    """One private SoftHSM2 (config + token directory under `directory`)."""

    def __init__(self, directory):
        self.directory = str(directory)
        self.tokens = os.path.join(self.directory, "tokens")
        os.makedirs(self.tokens, exist_ok=True)
        self.conf = os.path.join(self.directory, "softhsm2.conf")
        with open(self.conf, "w") as f:
            f.write(f"directories.tokendir = {self.tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
        self.env = dict(os.environ, SOFTHSM2_CONF=self.conf)

    def run(self, argv, check=True, input=None):
        res = subprocess.run([str(a) for a in argv], env=self.env, capture_output=True, timeout=60,
                             input=input)
        if check and res.returncode != 0:
            raise AssertionError(f"{' '.join(map(str, argv))} failed ({res.returncode}):\n"
                                 f"{res.stdout.decode(errors='replace')}{res.stderr.decode(errors='replace')}")
        return res

    def init_token(self, label, so_pin=SO_PIN, pin=USER_PIN):
        """A new token; returns its serial."""
        self.run(["softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", so_pin, "--pin", pin])
        return self.serial(label)

    def delete_token(self, label):
        self.run(["softhsm2-util", "--delete-token", "--token", label])

    def serial(self, label):
        """The serial pkcs11-tool reports for the token `label`."""
        out = self.tool(label, "-L", login=False).stdout.decode()
        for block in out.split("Slot ")[1:]:
            if re.search(rf"token label\s*:\s*{re.escape(label)}\s*$", block, re.M):
                return re.search(r"serial num\s*:\s*(\S+)", block).group(1)
        raise AssertionError(f"no token {label!r} in:\n{out}")

    def tool(self, label, *args, login=False, pin=USER_PIN, check=True):
        """pkcs11-tool on SoftHSM's token `label`."""
        argv = ["pkcs11-tool", "--module", MODULE]
        if label is not None and "-L" not in args:
            argv += ["--token-label", label]
        if login:
            argv += ["--login", "--pin", pin]
        return self.run(argv + list(args), check=check)

    def keypair(self, label, key_id, key_type="rsa:2048", key_label=None):
        """A key pair made on the token; returns the public key as PEM text."""
        self.tool(label, "--keypairgen", "--key-type", key_type, "--id", key_id, "--label", key_label or key_id,
                  login=True)
        return self.public_key(label, key_id)

    def public_key(self, label, key_id):
        der = self.tool(label, "--read-object", "--type", "pubkey", "--id", key_id).stdout
        return subprocess.run(["openssl", "pkey", "-pubin", "-inform", "DER"], input=der, capture_output=True,
                              check=True).stdout.decode()

    def read_cert(self, label, key_id):
        """The DER of the certificate object with CKA_ID `key_id` (pkcs11-tool --read-object)."""
        return self.tool(label, "--read-object", "--type", "cert", "--id", key_id).stdout

    def write_cert(self, label, key_id, der_path, cert_label):
        self.tool(label, "--write-object", der_path, "--type", "cert", "--id", key_id, "--label", cert_label,
                  login=True)


def openssl(*args, input=None):
    return subprocess.run(["openssl"] + [str(a) for a in args], input=input, capture_output=True, check=True).stdout


class Ca:
    """A throw-away CA that issues certificates for given public keys."""

    def __init__(self, directory):
        self.dir = str(directory)
        self.key = os.path.join(self.dir, "ca.key")
        self.cert = os.path.join(self.dir, "ca.pem")
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", self.key)
        openssl("req", "-x509", "-new", "-key", self.key, "-subj", "/CN=eport test CA", "-days", 3650,
                "-out", self.cert)
        self.count = 0

    def issue(self, public_pem, subject, days=365, extra=()):
        """A PEM certificate for `public_pem`."""
        self.count += 1
        pub = os.path.join(self.dir, f"pub{self.count}.pem")
        out = os.path.join(self.dir, f"cert{self.count}.pem")
        with open(pub, "w") as f:
            f.write(public_pem)
        openssl("x509", "-new", "-subj", subject, "-force_pubkey", pub, "-CA", self.cert, "-CAkey", self.key,
                "-days", days, "-out", out, *extra)
        with open(out) as f:
            return f.read()


def pem_to_der(pem):
    return openssl("x509", "-outform", "DER", input=pem.encode())
