"""The Debian package made by cpack: file list, control fields, maintainer scripts, lintian."""

import os
import re
import stat

import pytest

from conftest import cache_value, need, project_version, run


def expected_files():
    """Every regular file the package must hold, and nothing else."""
    plugins = cache_value("EPORT_PLUGIN_INSTALL_DIR") or "lib/eportd/plugins"
    return {
        "./usr/sbin/eportd",
        "./usr/bin/eportctl",
        f"./usr/{plugins}/eport-piv.so",
        f"./usr/{plugins}/eport-pkcs11.so",
        f"./usr/{plugins}/eport-skf.so",
        "./etc/eportd/eportd.yaml",
        "./etc/eportd/usb-tokens.yaml",
        "./lib/systemd/system/eportd.service",
        "./lib/systemd/system/eportd.socket",
        "./usr/lib/sysusers.d/eportd.conf",
        "./usr/lib/tmpfiles.d/eportd.conf",
        "./lib/udev/rules.d/70-eportd.rules",
        "./usr/share/polkit-1/rules.d/org.eportd.pcscd.rules",
        "./usr/share/man/man1/eportctl.1.gz",
        "./usr/share/man/man8/eportd.8.gz",
        "./usr/share/bash-completion/completions/eportctl",
        "./usr/share/doc/eportd/copyright",
        "./usr/share/doc/eportd/changelog.gz",
        "./usr/share/doc/eportd/install.md",
        "./usr/share/doc/eportd/monitoring.md",
        "./usr/share/eportd/prometheus/eportd.rules.yml",
    }


def contents(deb):
    """{path: (mode string, owner)} for every entry of `dpkg-deb --contents`."""
    res = run(["dpkg-deb", "--contents", deb])
    assert res.returncode == 0, res.stderr
    entries = {}
    for line in res.stdout.splitlines():
        fields = line.split()
        entries[fields[5]] = (fields[0], fields[1])
    return entries


def control(deb):
    res = run(["dpkg-deb", "--field", deb])
    assert res.returncode == 0, res.stderr
    fields = {}
    for line in res.stdout.splitlines():
        if not line.startswith(" ") and ":" in line:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def test_package_holds_exactly_the_expected_files(deb):
    files = {path for path, (mode, _) in contents(deb).items() if not mode.startswith("d")}
    expected = expected_files()
    assert not expected - files, f"missing from the package: {sorted(expected - files)}"
    assert not files - expected, f"unexpected in the package: {sorted(files - expected)}"


def test_test_tools_are_not_shipped(deb):
    assert not [p for p in contents(deb) if "vcard" in p or "/include/" in p or p.endswith(".a")]


def test_every_file_belongs_to_root_and_nothing_is_writable_by_others(deb):
    for path, (mode, owner) in contents(deb).items():
        assert owner == "root/root", path
        assert mode[8] != "w" and (mode[5] != "w"), f"{path} is {mode}"


def test_control_names_the_package_version_and_dependencies(deb):
    fields = control(deb)
    assert fields["Package"] == "eportd"
    assert fields["Version"] == project_version()
    depends = [d.strip().split(" ")[0] for d in fields["Depends"].split(",")]
    for library in ("pcscd", "systemd", "libc6", "libpcsclite1", "libssl3", "libstdc++6", "libarchive13"):
        assert library in depends, f"{library} missing from Depends: {fields['Depends']}"
    assert fields["Section"] == "admin"


def test_config_is_a_conffile(deb, tmp_path):
    assert run(["dpkg-deb", "--control", deb, tmp_path]).returncode == 0
    assert (tmp_path / "conffiles").read_text().split() == ["/etc/eportd/eportd.yaml",
                                                            "/etc/eportd/usb-tokens.yaml"]


def test_maintainer_scripts_are_executable_posix_shell(deb, tmp_path):
    assert run(["dpkg-deb", "--control", deb, tmp_path]).returncode == 0
    for script in ("postinst", "prerm", "postrm"):
        path = tmp_path / script
        assert stat.S_IMODE(path.stat().st_mode) == 0o755, script
        assert path.read_text().startswith("#!/bin/sh\n"), script
        res = run(["sh", "-n", path])
        assert res.returncode == 0, f"{script}: {res.stderr}"
    postinst = (tmp_path / "postinst").read_text()
    assert "systemd-sysusers" in postinst and "deb-systemd-helper enable" in postinst
    assert "rm -rf \"$DPKG_ROOT/var/lib/eportd\"" in (tmp_path / "postrm").read_text()


def test_lintian_finds_no_errors(deb):
    need("lintian")
    res = run(["lintian", "--no-tag-display-limit", deb], timeout=600)
    errors = [line for line in res.stdout.splitlines() if line.startswith("E:")]
    assert not errors, "lintian errors:\n" + "\n".join(errors) + "\n\nall tags:\n" + res.stdout


def test_installed_unit_starts_the_installed_daemon(installed_root):
    unit = (installed_root / "lib/systemd/system/eportd.service").read_text()
    exec_start = re.search(r"^ExecStart=(\S+)", unit, re.M).group(1)
    assert os.access(installed_root / exec_start.lstrip("/"), os.X_OK), exec_start
