"""The USB side under umockdev: libusb in eport-usb-probe and in eportd sees hand-written mocked
devices (umockdev-run preloads libumockdev, which redirects /sys and /dev/bus/usb to a testbed).

The devices are written by usb_fixture() from their descriptors: an OMNIKEY 3121 reader
(076b:3021, one interface of class 0x0B), a Watchdata USBKey (163c:0417, vendor-specific
interface) and a mouse (046d:c077, HID) that must not be reported. umockdev cannot answer the
string-descriptor control requests, so names come from eport_usb's table.
"""

import json
import shutil
import subprocess

import pytest

from harness import paths
from harness.eportd import Eportd
from harness.procs import Proc, wait_for

UMOCKDEV_RUN = shutil.which("umockdev-run")
pytestmark = pytest.mark.skipif(UMOCKDEV_RUN is None,
                                reason="umockdev-run is not installed (Debian package umockdev)")

# (vid, pid, interface class, bus, address)
READER = (0x076B, 0x3021, 0x0B, 1, 2)
TOKEN = (0x163C, 0x0417, 0xFF, 1, 3)
MOUSE = (0x046D, 0xC077, 0x03, 1, 4)


def descriptors(vid, pid, interface_class):
    """Device descriptor + one configuration with one interface and one interrupt endpoint."""
    device = bytes([18, 1, 0x00, 0x02, 0, 0, 0, 8, vid & 0xFF, vid >> 8, pid & 0xFF, pid >> 8,
                    0x01, 0x01, 1, 2, 0, 1])
    config = bytes([9, 2, 25, 0, 1, 1, 0, 0xA0, 50,
                    9, 4, 0, 0, 1, interface_class, 0, 0, 0,
                    7, 5, 0x81, 3, 8, 0, 16])
    return (device + config).hex().upper()


def device_record(vid, pid, interface_class, bus, address):
    blob = descriptors(vid, pid, interface_class)
    node = f"bus/usb/{bus:03d}/{address:03d}"
    return "\n".join([
        f"P: /devices/pci0000:00/0000:00:14.0/usb{bus}/{bus}-{address}",
        f"N: {node}={blob}",
        f"E: DEVNAME=/dev/{node}",
        "E: DEVTYPE=usb_device",
        "E: DRIVER=usb",
        "E: SUBSYSTEM=usb",
        f"E: BUSNUM={bus:03d}",
        f"E: DEVNUM={address:03d}",
        f"A: busnum={bus}",
        f"A: devnum={address}",
        f"A: idVendor={vid:04x}",
        f"A: idProduct={pid:04x}",
        "A: bConfigurationValue=1",
        "A: bNumConfigurations=1",
        "A: speed=12",
        f"H: descriptors={blob}",
    ]) + "\n"


@pytest.fixture
def usb_fixture(tmp_path):
    path = tmp_path / "desk.umockdev"
    path.write_text("\n".join(device_record(*d) for d in (READER, TOKEN, MOUSE)))
    return str(path)


def probe(fixture, hold_ms=0):
    program = paths.built("eport-usb-probe")
    assert program, "eport-usb-probe is not built"
    out = subprocess.run([UMOCKDEV_RUN, "-d", fixture, "--", program, "--hold-ms", str(hold_ms)],
                         capture_output=True, text=True, timeout=60, env=paths.umockdev_env())
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return [l for l in lines if "event" in l], lines[-1]["usb"]


def by_vid(devices):
    return {d["vid"]: d for d in devices}


def test_probe_reports_the_reader_and_the_token_but_not_the_mouse(usb_fixture):
    _, usb = probe(usb_fixture)
    devices = by_vid(usb["devices"])
    assert set(devices) == {"076b", "163c"}, usb
    assert devices["076b"] == {"vid": "076b", "pid": "3021", "name": "OMNIKEY CardMan 3121",
                               "bus": 1, "address": 2, "kind": "ccid_reader", "reader_seen": None}
    assert devices["163c"]["kind"] == "token"
    assert devices["163c"]["name"] == "Watchdata USB Key"
    assert usb["hotplug"] is True


def test_probe_publishes_usb_attached_for_each_reported_device(usb_fixture):
    events, _ = probe(usb_fixture)
    attached = [e["params"] for e in events if e["event"] == "usb.attached"]
    assert sorted(p["vid"] + ":" + p["pid"] for p in attached) == ["076b:3021", "163c:0417"]
    assert set(attached[0]) == {"vid", "pid", "name", "bus", "address"}


def test_stopping_wakes_the_event_thread_at_once(usb_fixture):
    _, usb = probe(usb_fixture, hold_ms=300)
    # libusb_handle_events_completed would otherwise sleep up to 60 s: the interrupt must wake it.
    assert usb["stop_ms"] < 1000, usb


def test_without_usb_devices_the_probe_reports_an_empty_list():
    program = paths.built("eport-usb-probe")
    assert program, "eport-usb-probe is not built"
    # no umockdev: the real /sys (a container may have no USB bus at all); must not fail
    out = subprocess.run([program], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    usb = json.loads(out.stdout.splitlines()[-1])["usb"]
    assert usb["enabled"] is True
    assert all(d["kind"] in ("ccid_reader", "token") for d in usb["devices"])


def start_mocked_eportd(tmp_path, fixture, config):
    daemon = Eportd(str(tmp_path), drivers=[], config=config)
    daemon.env["PCSCLITE_CSOCK_NAME"] = str(tmp_path / "no-pcscd.comm")
    daemon.write_config()
    argv = [UMOCKDEV_RUN, "-d", fixture, "--", paths.built("eportd"), "--config", daemon.config_path,
            "--socket", daemon.socket_path, "--foreground"]
    daemon.proc = Proc("eportd", argv, env=paths.umockdev_env(daemon.env), log_path=daemon.log_path).start()
    wait_for("eportd under umockdev", lambda: daemon.proc.alive() and daemon._connectable(), 20,
             detail=lambda: daemon.proc.log_tail())
    return daemon


def test_diag_report_lists_mocked_usb_devices_with_their_kind(tmp_path, usb_fixture):
    daemon = start_mocked_eportd(tmp_path, usb_fixture, {})
    try:
        usb = daemon.call("diag.report")["result"]["usb"]
    finally:
        daemon.stop()
    assert usb["enabled"] is True
    devices = by_vid(usb["devices"])
    assert set(devices) == {"076b", "163c"}, usb
    assert devices["076b"]["kind"] == "ccid_reader"
    assert devices["163c"]["kind"] == "token"
    # no pcscd in this test: whether PC/SC shows a reader cannot be told
    assert devices["076b"]["reader_seen"] is None
    assert usb["without_reader"] == []


def test_usb_disabled_starts_nothing_and_says_so(tmp_path, usb_fixture):
    daemon = start_mocked_eportd(tmp_path, usb_fixture, {"usb": {"enabled": False}})
    try:
        usb = daemon.call("diag.report")["result"]["usb"]
    finally:
        daemon.stop()
    assert usb["enabled"] is False
    assert usb["devices"] == []
    assert usb["hotplug"] is False


def test_hotplug_publishes_attached_and_detached_when_a_reader_comes_and_goes():
    program = paths.built("eport-usb-hotplug-probe")
    if not program:
        pytest.skip("eport-usb-hotplug-probe is not built (needs libumockdev-dev: pkg-config umockdev-1.0)")
    wrapper = shutil.which("umockdev-wrapper")
    assert wrapper, "umockdev-wrapper is missing although umockdev-run is installed"
    out = subprocess.run([wrapper, program], capture_output=True, text=True, timeout=60, env=paths.umockdev_env())
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.splitlines()[-1])
    assert result["hotplug"] is True
    assert [e["event"] for e in result["events"]] == ["usb.attached", "usb.detached"], result
    assert result["events"][0]["params"] == {"vid": "076b", "pid": "3021", "name": "OMNIKEY CardMan 3121",
                                             "bus": 1, "address": 5}
    assert result["devices_while_attached"] == 1
    assert result["devices_after_detach"] == 0
    # each event arrives as soon as its uevent, not after a polling period
    assert result["attached_ms"] < 1000 and result["detached_ms"] < 1000, result


def test_doctor_names_usb_devices_that_pcscd_does_not_show_as_readers(tmp_path, usb_fixture):
    """A private pcscd with only vpcd readers: the mocked OMNIKEY and Watchdata key have no
    reader, so diag.report lists them in without_reader and `eportctl doctor` fails its usb item."""
    from harness.pcscd import namespace_unavailable
    from harness.stack import Harness
    reason = namespace_unavailable()
    if reason:
        pytest.skip(reason)
    eportctl = paths.built("eportctl")
    if not eportctl:
        pytest.skip("eportctl is not built in this build tree")
    with Harness() as h:
        daemon = Eportd(str(tmp_path), drivers=[], config={})
        daemon.env = h.pcscd.env()
        daemon.write_config()
        argv = [UMOCKDEV_RUN, "-d", usb_fixture, "--", paths.built("eportd"), "--config",
                daemon.config_path, "--socket", daemon.socket_path, "--foreground"]
        daemon.proc = Proc("eportd", argv, env=paths.umockdev_env(daemon.env), log_path=daemon.log_path).start()
        try:
            wait_for("eportd under umockdev", lambda: daemon.proc.alive() and daemon._connectable(), 20,
                     detail=lambda: daemon.proc.log_tail())
            wait_for("pcscd up in diag.report",
                     lambda: daemon.call("diag.report")["result"]["pcsc"]["state"] == "up", 20)
            usb = daemon.call("diag.report")["result"]["usb"]
            env = {k: v for k, v in daemon.env.items() if not k.startswith(("LC_", "LANG"))}
            env["LANG"] = "C.UTF-8"
            doctor = subprocess.run([eportctl, "--socket", daemon.socket_path, "--json", "doctor"],
                                    capture_output=True, text=True, timeout=60, env=env)
        finally:
            daemon.stop()
    assert {d["vid"]: d["reader_seen"] for d in usb["devices"]} == {"076b": False, "163c": False}, usb
    assert sorted(d["vid"] for d in usb["without_reader"]) == ["076b", "163c"]
    items = {i["id"]: i for i in json.loads(doctor.stdout)["items"]}
    assert items["usb"]["status"] == "fail", items["usb"]
    assert "OMNIKEY CardMan 3121 [076b:3021]" in items["usb"]["text"], items["usb"]
