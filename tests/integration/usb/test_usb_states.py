"""Per-USBKey states in diag.report and `eportctl doctor` under umockdev: ok, needs_driver,
no_permission, no_reader. eportd runs under umockdev-run with hand-written device descriptions
(see test_usb_umockdev.py) and a device table written by the test (usb.device_table).

A Feitian ePass3000GM-like key (096e:0309, HID class, no CCID interface) is served by an SKF
library: the table names the library; what eportd.yaml configures and what is installed decide
the state. For no_permission eportd runs as user nobody (setpriv), so that the mocked device
node (root, 0644) cannot be opened for writing, as for an eportd whose udev rule is missing.
"""

import json
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from harness import paths
from harness.eportd import Eportd
from harness.procs import Proc, wait_for
from test_usb_umockdev import device_record

UMOCKDEV_RUN = shutil.which("umockdev-run")
pytestmark = pytest.mark.skipif(UMOCKDEV_RUN is None,
                                reason="umockdev-run is not installed (Debian package umockdev)")

GM_KEY = (0x096E, 0x0309, 0x03, 1, 7)
SOFT_SKF = os.path.join(paths.build_dir(), "lib", "libeport-softskf.so")
MISSING = "/nonexistent/vendor/libgm_skf.so"


def write_table(path, library):
    path.write_text('devices:\n'
                    f'  - {{usb: "096e:0309", name: "Feitian ePass3000GM", serves: skf, library: {library}}}\n')
    return str(path)


def fixture_file(tmp_path, *devices):
    path = tmp_path / "desk.umockdev"
    path.write_text("\n".join(device_record(*d) for d in devices))
    return str(path)


def skf_driver(library):
    return [{"name": "skf", "options": {"libraries": [{"library": library, "label": "vendor"}]}}]


def run_eportd(workdir, fixture, drivers, config, as_nobody=False):
    """eportd under umockdev-run (as nobody: the testbed is opened to it first)."""
    daemon = Eportd(workdir, drivers=drivers, config=config)
    daemon.env["PCSCLITE_CSOCK_NAME"] = os.path.join(workdir, "no-pcscd.comm")
    daemon.env["EPORT_SOFTSKF_DIR"] = os.path.join(workdir, "keys")
    daemon.write_config()
    command = [paths.built("eportd"), "--config", daemon.config_path, "--socket", daemon.socket_path,
               "--foreground"]
    if as_nobody:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is missing"
        os.chown(workdir, 65534, 65534)  # the socket and its lock file go here
        os.chown(daemon.state_dir, 65534, 65534)
        # The testbed is private to root: open it to nobody (libudev's mocked monitor needs to
        # create its socket there), but keep the device nodes root's, mode 0644, as udev would
        # leave a USBKey without eportd's rule.
        inner = ('chmod -R a+rwX "$UMOCKDEV_DIR" && find "$UMOCKDEV_DIR/dev" -type f -exec chmod 0644 {} + '
                 '&& exec "$@"')
        command = ["sh", "-c", inner, "sh", setpriv, "--reuid", "65534", "--regid", "65534",
                   "--clear-groups"] + command
    argv = [UMOCKDEV_RUN, "-d", fixture, "--"] + command
    daemon.proc = Proc("eportd", argv, env=paths.umockdev_env(daemon.env), log_path=daemon.log_path).start()
    def ready():
        assert daemon.proc.alive(), "eportd exited:\n" + daemon.proc.log_tail()
        return daemon._connectable()
    wait_for("eportd under umockdev", ready, 30, detail=lambda: daemon.proc.log_tail())
    return daemon


def report_and_doctor(daemon):
    usb = daemon.call("diag.report")["result"]
    env = {k: v for k, v in daemon.env.items() if not k.startswith(("LC_", "LANG"))}
    env["LANG"] = "C.UTF-8"
    doctor = subprocess.run([paths.built("eportctl"), "--socket", daemon.socket_path, "--json", "doctor"],
                            capture_output=True, text=True, timeout=60, env=env)
    items = {i["id"]: i for i in json.loads(doctor.stdout)["items"]}
    return usb, items["usb"]


def gm_key(report):
    devices = {(d["vid"], d["pid"]): d for d in report["usb"]["devices"]}
    assert ("096e", "0309") in devices, report["usb"]
    return devices[("096e", "0309")]


@pytest.fixture
def workdir():
    path = tempfile.mkdtemp(prefix="eport-usb-states-")
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_key_whose_library_is_not_configured_needs_a_driver(tmp_path, workdir):
    table = write_table(tmp_path / "usb-tokens.yaml", SOFT_SKF)
    daemon = run_eportd(workdir, fixture_file(tmp_path, GM_KEY), [], {"usb": {"device_table": table}})
    try:
        report, doctor = report_and_doctor(daemon)
    finally:
        daemon.stop()
    key = gm_key(report)
    assert key["state"] == "needs_driver", key
    assert key["serves"] == "skf" and key["library"] == SOFT_SKF
    assert "not configured" in key["detail"] and SOFT_SKF in key["detail"]
    assert report["usb"]["device_table"] == table
    assert any("Feitian ePass3000GM [096e:0309]" in p for p in report["problems"]), report["problems"]
    assert doctor["status"] == "fail"
    assert "needs_driver" in doctor["text"] and SOFT_SKF in doctor["text"], doctor


def test_a_configured_library_that_is_not_installed_is_named(tmp_path, workdir):
    table = write_table(tmp_path / "usb-tokens.yaml", MISSING)
    daemon = run_eportd(workdir, fixture_file(tmp_path, GM_KEY), skf_driver(MISSING),
                        {"usb": {"device_table": table}})
    try:
        report, doctor = report_and_doctor(daemon)
    finally:
        daemon.stop()
    key = gm_key(report)
    assert key["state"] == "needs_driver", key
    assert "missing" in key["detail"] and MISSING in key["detail"]
    assert MISSING in doctor["text"]


def test_a_key_whose_library_serves_a_token_is_ok(tmp_path, workdir):
    """The skf driver configured with the table's library, and a key it serves: ok."""
    softskf = paths.built("eport-softskf")
    out = subprocess.run([softskf, "init", "--dir", os.path.join(workdir, "keys"), "--serial", "GM0001"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    table = write_table(tmp_path / "usb-tokens.yaml", SOFT_SKF)
    daemon = run_eportd(workdir, fixture_file(tmp_path, GM_KEY), skf_driver(SOFT_SKF),
                        {"usb": {"device_table": table}})
    try:
        wait_for("the USBKey's token", lambda: any(t["id"] == "skf:vendor:GM0001"
                                                   for t in daemon.call("tokens.list")["result"]["tokens"]), 30)
        report, doctor = report_and_doctor(daemon)
    finally:
        daemon.stop()
    key = gm_key(report)
    assert key["state"] == "ok", key
    assert key["library"] == SOFT_SKF
    assert not any("096e:0309" in p for p in report["problems"]), report["problems"]
    assert doctor["status"] == "ok", doctor


def test_a_key_eportd_may_not_open_is_no_permission_with_the_udev_rule(workdir):
    files = pathlib.Path(workdir)  # readable by nobody, unlike pytest's tmp_path
    table = write_table(files / "usb-tokens.yaml", SOFT_SKF)
    daemon = run_eportd(workdir, fixture_file(files, GM_KEY), skf_driver(SOFT_SKF),
                        {"usb": {"device_table": table}}, as_nobody=True)
    try:
        report, doctor = report_and_doctor(daemon)
    finally:
        daemon.stop()
    key = gm_key(report)
    assert key["state"] == "no_permission", key
    assert "/dev/bus/usb/001/007" in key["detail"]
    assert 'ATTR{idVendor}=="096e", ATTR{idProduct}=="0309", GROUP="eportd", MODE="0660"' in key["detail"]
    assert doctor["status"] == "fail" and "no_permission" in doctor["text"]


def test_ccid_keys_are_ok_with_a_pcsc_reader_and_no_reader_without(tmp_path):
    """A private pcscd with vpcd readers ("Virtual PCD ..."): a mocked CCID device whose table row
    says its reader name contains "virtual pcd" is ok; a mocked OMNIKEY has no reader."""
    from harness.pcscd import namespace_unavailable
    from harness.stack import Harness
    reason = namespace_unavailable()
    if reason:
        pytest.skip(reason)
    table = tmp_path / "usb-tokens.yaml"
    table.write_text('devices:\n'
                     '  - {usb: "1d6b:0104", name: "Virtual PCD", serves: ccid, reader_hint: "virtual pcd"}\n'
                     '  - {usb: "076b:3021", name: "OMNIKEY CardMan 3121", serves: ccid, reader_hint: omnikey}\n')
    fixture = fixture_file(tmp_path, (0x1D6B, 0x0104, 0x0B, 1, 2), (0x076B, 0x3021, 0x0B, 1, 3))
    with Harness() as h:
        daemon = Eportd(str(tmp_path / "d"), drivers=[], config={"usb": {"device_table": str(table)}})
        daemon.env = h.pcscd.env()
        daemon.write_config()
        argv = [UMOCKDEV_RUN, "-d", fixture, "--", paths.built("eportd"), "--config", daemon.config_path,
                "--socket", daemon.socket_path, "--foreground"]
        daemon.proc = Proc("eportd", argv, env=paths.umockdev_env(daemon.env), log_path=daemon.log_path).start()
        try:
            wait_for("eportd under umockdev", lambda: daemon.proc.alive() and daemon._connectable(), 30,
                     detail=lambda: daemon.proc.log_tail())
            wait_for("pcscd up in diag.report",
                     lambda: daemon.call("diag.report")["result"]["pcsc"]["state"] == "up", 30)
            report, doctor = report_and_doctor(daemon)
        finally:
            daemon.stop()
    states = {d["vid"]: d for d in report["usb"]["devices"]}
    assert states["1d6b"]["state"] == "ok", states
    assert states["1d6b"]["serves"] == "ccid" and states["1d6b"]["reader_seen"] is True
    assert states["076b"]["state"] == "no_reader", states
    assert doctor["status"] == "fail"
    assert "OMNIKEY CardMan 3121 [076b:3021] (no_reader" in doctor["text"], doctor
    assert "1d6b" not in doctor["text"]
