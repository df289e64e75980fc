"""The maintainer scripts for real: `dpkg -i`, `-r`, `-P` in a throwaway copy-on-write root.

The root is an overlay of this machine's / (lower, never written) with a temporary upper dir,
inside a private mount namespace, entered with chroot: dpkg, systemd-sysusers and
deb-systemd-helper run exactly as on a Debian 12 machine, and everything they write lands in
the temporary directory. No systemd runs there, so the scripts skip starting units (as in a
chroot or container), which is also checked."""

import shutil
import subprocess

import pytest

from conftest import run

pytestmark = pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare is missing")


@pytest.fixture(scope="module")
def overlay(tmp_path_factory):
    base = tmp_path_factory.mktemp("overlay")
    for d in ("upper", "work", "merged"):
        (base / d).mkdir()
    probe = run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                 f"mount -t overlay overlay -o lowerdir=/,upperdir={base}/upper,"
                 f"workdir={base}/work {base}/merged"])
    if probe.returncode != 0:
        pytest.skip(f"no overlay mount in a private namespace here: {probe.stderr.strip()}")
    return base


def in_root(overlay, script, deb=None):
    """Runs `script` (sh) chrooted in a fresh overlay view that keeps the previous steps' writes."""
    setup = (f"mount -t overlay overlay -o lowerdir=/,upperdir={overlay}/upper,"
             f"workdir={overlay}/work {overlay}/merged && "
             f"mount --bind /proc {overlay}/merged/proc && "
             f"mount --bind /dev {overlay}/merged/dev && "
             f"mount -t tmpfs tmpfs {overlay}/merged/run && "
             f"mount -t tmpfs tmpfs {overlay}/merged/tmp")
    if deb:
        setup += f" && cp {deb} {overlay}/merged/tmp/eportd.deb"
    argv = ["unshare", "-m", "--propagation", "private", "sh", "-c",
            f"{setup} && exec chroot {overlay}/merged /bin/sh -ec '{script}'"]
    res = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    return res


def test_install_remove_purge_cycle(deb, overlay):
    installed = in_root(overlay, "dpkg -i /tmp/eportd.deb", deb=deb)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    facts = in_root(overlay, "getent passwd eportd; getent group eport; getent group eport-admin; "
                             "stat -c \"%a %U\" /var/lib/eportd /var/lib/eportd/backups; "
                             "readlink /etc/systemd/system/sockets.target.wants/eportd.socket; "
                             "readlink /etc/systemd/system/multi-user.target.wants/eportd.service; "
                             "test ! -e /run/eportd && echo not-started")
    assert facts.returncode == 0, facts.stdout + facts.stderr
    lines = facts.stdout.splitlines()
    assert lines[0].startswith("eportd:") and lines[0].endswith(":/var/lib/eportd:/usr/sbin/nologin")
    assert lines[1].startswith("eport:") and lines[2].startswith("eport-admin:")
    assert lines[3:5] == ["700 eportd", "700 eportd"]
    assert lines[5] == "/lib/systemd/system/eportd.socket"
    assert lines[6] == "/lib/systemd/system/eportd.service"
    assert lines[7] == "not-started"  # no systemd here: the scripts must not try

    again = in_root(overlay, "dpkg -i /tmp/eportd.deb", deb=deb)  # the upgrade path
    assert again.returncode == 0, again.stdout + again.stderr

    removed = in_root(overlay, "dpkg -r eportd >&2; test ! -e /usr/sbin/eportd && echo binary-gone; "
                               "test -f /etc/eportd/eportd.yaml && echo conffile-kept; "
                               "test -d /var/lib/eportd && echo state-kept; "
                               "readlink /etc/systemd/system/eportd.socket")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert removed.stdout.split() == ["binary-gone", "conffile-kept", "state-kept", "/dev/null"]

    purged = in_root(overlay, "dpkg -P eportd >&2; test ! -e /var/lib/eportd && echo state-gone; "
                              "test ! -e /etc/eportd/eportd.yaml && echo conffile-gone; "
                              "test ! -e /etc/systemd/system/eportd.socket && echo unmasked; "
                              "getent passwd eportd >/dev/null && echo user-kept")
    assert purged.returncode == 0, purged.stdout + purged.stderr
    assert purged.stdout.split() == ["state-gone", "conffile-gone", "unmasked", "user-kept"]
