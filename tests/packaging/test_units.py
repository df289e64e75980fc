"""The systemd units, sysusers.d and tmpfiles.d files, checked by systemd's own tools."""

import os
import re
import shutil
import stat

import pytest

from conftest import PACKAGING_DIR, need, run

UNITS = os.path.join(PACKAGING_DIR, "systemd")
# The exposure systemd-analyze security gives eportd.service today is 1.0 ("OK"); fail when a
# change makes the sandbox weaker than this.
MAX_EXPOSURE = 1.5


def unshare_works():
    return shutil.which("unshare") and run(["unshare", "-m", "true"]).returncode == 0


def test_units_pass_systemd_analyze_verify(tmp_path):
    """verify needs ExecStart= to exist: a private mount namespace shows a stub /usr/sbin/eportd
    to systemd-analyze only (the real /usr/sbin of this machine is never touched)."""
    need("systemd-analyze")
    if not unshare_works():
        pytest.skip("unshare -m is not permitted here: cannot show /usr/sbin/eportd privately")
    sbin = tmp_path / "sbin"
    sbin.mkdir()
    stub = sbin / "eportd"
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    units = [os.path.join(UNITS, "eportd.socket"), os.path.join(UNITS, "eportd.service")]
    script = (f"mount --bind {sbin} /usr/sbin && "
              f"systemd-analyze verify --man=no {' '.join(units)}")
    res = run(["unshare", "-m", "sh", "-c", script])
    assert res.returncode == 0, f"systemd-analyze verify:\n{res.stdout}{res.stderr}"
    assert res.stderr.strip() == "", f"verify printed warnings:\n{res.stderr}"


def test_service_sandbox_rates_well_in_systemd_analyze_security():
    need("systemd-analyze")
    res = run(["systemd-analyze", "security", "--offline=true", "--no-pager",
               os.path.join(UNITS, "eportd.service")])
    match = re.search(r"Overall exposure level for eportd\.service: ([0-9.]+) (\w+)", res.stdout)
    assert match, f"no overall exposure in:\n{res.stdout}\n{res.stderr}"
    assert float(match.group(1)) <= MAX_EXPOSURE, res.stdout


def unit_settings(name):
    settings = {}
    with open(os.path.join(UNITS, name)) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(("#", "[")):
                key, _, value = line.partition("=")
                settings.setdefault(key, []).append(value)
    return settings


def test_socket_unit_is_group_eport_mode_0660_at_the_documented_path():
    socket = unit_settings("eportd.socket")
    assert socket["ListenStream"] == ["/run/eportd/eportd.sock"]
    assert socket["SocketGroup"] == ["eport"]
    assert socket["SocketMode"] == ["0660"]


def test_service_runs_unprivileged_and_keeps_the_socket_directory_on_stop():
    service = unit_settings("eportd.service")
    assert service["Type"] == ["notify"]
    assert service["User"] == ["eportd"]
    assert service["CapabilityBoundingSet"] == [""]
    assert service["RestrictAddressFamilies"] == ["AF_UNIX AF_NETLINK"]
    # RuntimeDirectory=eportd would be deleted on stop, taking eportd.socket's socket with it.
    assert service["RuntimeDirectory"] == ["eportd"]
    assert service["RuntimeDirectoryPreserve"] == ["yes"]
    assert service["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    # no core file with a PIN, PUK or key in it (issue 11)
    assert service["LimitCORE"] == ["0"]


def test_sysusers_creates_user_eportd_and_groups_eport_and_eport_admin(tmp_path):
    need("systemd-sysusers")
    (tmp_path / "etc").mkdir()
    res = run(["systemd-sysusers", f"--root={tmp_path}",
               os.path.join(PACKAGING_DIR, "sysusers.d", "eportd.conf")])
    assert res.returncode == 0, res.stderr
    passwd = (tmp_path / "etc" / "passwd").read_text()
    group = (tmp_path / "etc" / "group").read_text()
    user = [line.split(":") for line in passwd.splitlines() if line.startswith("eportd:")]
    assert user, passwd
    uid = int(user[0][2])
    assert 0 < uid < 1000, "eportd must be a system user"
    assert user[0][5] == "/var/lib/eportd"
    assert "nologin" in user[0][6]
    names = {line.split(":")[0] for line in group.splitlines()}
    assert {"eportd", "eport", "eport-admin"} <= names


def test_tmpfiles_creates_the_state_directory_private_to_eportd(tmp_path):
    need("systemd-sysusers")
    need("systemd-tmpfiles")
    (tmp_path / "etc").mkdir()
    assert run(["systemd-sysusers", f"--root={tmp_path}",
                os.path.join(PACKAGING_DIR, "sysusers.d", "eportd.conf")]).returncode == 0
    res = run(["systemd-tmpfiles", f"--root={tmp_path}", "--create",
               os.path.join(PACKAGING_DIR, "tmpfiles.d", "eportd.conf")])
    assert res.returncode == 0, res.stderr
    uid = next(int(line.split(":")[2]) for line in (tmp_path / "etc" / "passwd").read_text().splitlines()
               if line.startswith("eportd:"))
    for path in (tmp_path / "var/lib/eportd", tmp_path / "var/lib/eportd/backups"):
        st = path.stat()
        assert stat.S_IMODE(st.st_mode) == 0o700, path
        assert st.st_uid == uid, path


def test_udev_rule_matches_only_smart_card_interfaces_and_vendor_served_keys():
    with open(os.path.join(PACKAGING_DIR, "udev", "70-eportd.rules")) as f:
        rules = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    assigning = [line for line in rules if 'GROUP="eportd"' in line]
    assert assigning[0] == 'ENV{ID_USB_INTERFACES}=="*:0b????:*", GROUP="eportd", MODE="0664"'
    # The other lines: exactly the USBKeys config/usb-tokens.yaml says a vendor library serves
    # (eportd itself opens those; pcscd opens CCID devices).
    table = os.path.join(PACKAGING_DIR, "..", "config", "usb-tokens.yaml")
    with open(table) as f:
        served = re.findall(r'usb: "([0-9a-f]{4}):([0-9a-f]{4})".*serves: (?:skf|pkcs11)', f.read())
    assert assigning[1:] == [f'ATTR{{idVendor}}=="{vid}", ATTR{{idProduct}}=="{pid}", GROUP="eportd", MODE="0660"'
                             for vid, pid in served]
    assert served
    assert rules[-1] == 'LABEL="eportd_end"'
    for line in rules:
        assert line.count('"') % 2 == 0, f"unbalanced quotes: {line}"


def test_polkit_rule_grants_both_pcscd_actions_to_eportd_only():
    with open(os.path.join(PACKAGING_DIR, "polkit", "org.eportd.pcscd.rules")) as f:
        text = f.read()
    assert '"org.debian.pcsc-lite.access_pcsc"' in text
    assert '"org.debian.pcsc-lite.access_card"' in text
    assert 'subject.user == "eportd"' in text
    assert text.count("{") == text.count("}") and text.count("(") == text.count(")")
