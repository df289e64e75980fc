"""eportd with the skf driver over the soft SKF token: keys are files made by eport-softskf in a
temporary directory (EPORT_SOFTSKF_DIR); plugging is a file appearing, pulling it leaving."""

import json
import os
import shutil
import subprocess
import time

from harness import paths, rpc
from harness.eportd import Eportd

SOFT_LIBRARY = os.path.join(paths.build_dir(), "lib", "libeport-softskf.so")
BOOL64_LIBRARY = os.path.join(paths.build_dir(), "lib", "libeport-softskf-bool64.so")


def softskf(*args, check=True):
    """Runs eport-softskf; returns the CompletedProcess."""
    program = paths.built("eport-softskf")
    assert program, "eport-softskf is not built"
    out = subprocess.run([program] + [str(a) for a in args], capture_output=True, text=True, timeout=120)
    if check:
        assert out.returncode == 0, out.stderr
    return out


def make_key(keys, serial, *options):
    """A soft USBKey plugged in: eport-softskf init (written atomically into `keys`)."""
    softskf("init", "--dir", keys, "--serial", serial, *options)


def key_state(keys, serial):
    """eport-softskf show --json of one key (a pulled key: from keys/.pulled)."""
    directory = keys if os.path.exists(os.path.join(keys, serial + ".json")) else os.path.join(keys, ".pulled")
    return json.loads(softskf("show", "--dir", directory, "--serial", serial, "--json").stdout)


def app_state(keys, serial):
    """The first application of a key's state."""
    return key_state(keys, serial)["applications"][0]


def certificate_der(keys, serial, container="c1", usage="sign"):
    """The DER certificate a key holds in a container half (bytes), or None."""
    for c in app_state(keys, serial)["containers"]:
        if c["name"] == container:
            hex_der = c[usage].get("certificate_der_hex")
            return bytes.fromhex(hex_der) if hex_der else None
    raise AssertionError(f"no container {container}")


def pull(keys, serial):
    """Pulls a key: its file leaves the directory (kept aside for plug_back)."""
    aside = os.path.join(keys, ".aside")
    os.makedirs(aside, exist_ok=True)
    os.replace(os.path.join(keys, serial + ".json"), os.path.join(aside, serial + ".json"))


def plug_back(keys, serial):
    """Plugs a key pulled by pull() or by the pull-at hook back in."""
    for place in (".aside", ".pulled"):
        path = os.path.join(keys, place, serial + ".json")
        if os.path.exists(path):
            os.replace(path, os.path.join(keys, serial + ".json"))
            return
    raise AssertionError(f"key {serial} was not pulled")


def skf_driver(*libraries, **options):
    """The drivers entry: libraries as (path, label) pairs."""
    return {"name": "skf",
            "options": dict({"libraries": [{"library": path, "label": label} for path, label in libraries]},
                            **options)}


def start(workdir, keys, drivers=None, keys64=None, config=None):
    """eportd with the skf driver (default: the soft library labelled "soft"), PC/SC and USB off."""
    return prepare(workdir, keys, drivers, keys64, config).start()


def prepare(workdir, keys, drivers=None, keys64=None, config=None):
    """start()'s eportd, not started yet."""
    os.makedirs(workdir, exist_ok=True)
    env = dict(os.environ)
    env["PCSCLITE_CSOCK_NAME"] = os.path.join(workdir, "no-pcscd.comm")
    env["EPORT_SOFTSKF_DIR"] = keys
    env["EPORT_SOFTSKF_BOOL64_DIR"] = keys64 or os.path.join(workdir, "no-keys")
    for name in ("NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC", "JOURNAL_STREAM"):
        env.pop(name, None)
    cfg = {"pcsc": {"enabled": False}, "usb": {"enabled": False}, "log": {"level": "debug"},
           "expiry": {"warn_days": [90, 30, 7]}}
    cfg.update(config or {})
    return Eportd(workdir, env=env, drivers=drivers or [skf_driver((SOFT_LIBRARY, "soft"))], config=cfg)


def wait_until(what, predicate, timeout=60.0):
    """Polls predicate() every 0.1 s until it is true; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def token_ids(daemon):
    return sorted(t["id"] for t in daemon.call("tokens.list")["result"]["tokens"])


def wait_token(daemon, token_id, present=True):
    wait_until(f"{token_id} {'listed' if present else 'gone'}",
               lambda: (token_id in token_ids(daemon)) == present)


def result(daemon, method, params=None):
    """The result of a call that must succeed."""
    answer = daemon.call(method, params, timeout=60.0)
    assert "result" in answer, answer
    return answer["result"]


def error(daemon, method, params=None):
    """The error of a call that must fail."""
    answer = daemon.call(method, params, timeout=60.0)
    assert "error" in answer, answer
    return answer["error"]


def subscribe(daemon):
    client = rpc.connect(daemon.socket_path, timeout=60.0)
    client.call("events.subscribe")
    return client


def wait_event(client, topic, token=None, timeout=60.0):
    """The next event `topic` (for token id `token`) on a subscribed client."""
    def matches(note):
        params = note.get("params", {})
        if params.get("topic") != topic:
            return False
        value = params.get("token")
        return token is None or (value.get("id") if isinstance(value, dict) else value) == token
    return client.wait_notification("event", timeout=timeout, predicate=matches)["params"]


def renewed_certificate(workdir, keys, serial, container="c1", usage="sign", days=3650, name="renewed"):
    """A PEM certificate for the key's own public key (signed by another SM2 key, as a CA would
    do), made with the openssl command line."""
    public = os.path.join(workdir, f"{name}-pub.pem")
    with open(public, "w") as f:
        f.write(softskf("public-key", "--dir", keys, "--serial", serial, "--container", container,
                        "--usage", usage).stdout)
    return issue(workdir, public, days, name)


def foreign_certificate(workdir, name="foreign", algorithm="SM2"):
    """A PEM certificate for a new key (SM2, or RSA: 2048 bits) that is on no USBKey."""
    key = os.path.join(workdir, f"{name}-key.pem")
    options = ["-pkeyopt", "rsa_keygen_bits:2048"] if algorithm == "RSA" else []
    subprocess.run(["openssl", "genpkey", "-algorithm", algorithm, *options, "-out", key], check=True,
                   capture_output=True)
    public = os.path.join(workdir, f"{name}-pub.pem")
    subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-out", public], check=True, capture_output=True)
    return issue(workdir, public, 3650, name)


def issue(workdir, public, days, name):
    signer = os.path.join(workdir, "issuer-key.pem")
    if not os.path.exists(signer):
        subprocess.run(["openssl", "genpkey", "-algorithm", "SM2", "-out", signer], check=True, capture_output=True)
    out = os.path.join(workdir, f"{name}.pem")
    subprocess.run(["openssl", "x509", "-new", "-force_pubkey", public, "-key", signer, "-subj",
                    f"/CN={name}/O=Example Trading Co", "-sm3", "-sigopt", "distid:1234567812345678",
                    "-days", str(days), "-out", out], check=True, capture_output=True)
    with open(out) as f:
        return f.read()


def pem_to_der(pem):
    out = subprocess.run(["openssl", "x509", "-outform", "DER"], input=pem.encode(), capture_output=True, check=True)
    return out.stdout


def stop(daemon):
    daemon.stop()


def keys_dir(tmp_path, name="keys"):
    path = tmp_path / name
    path.mkdir()
    return str(path)


def copy_tree(src, dst):
    shutil.copytree(src, dst)
