"""Shared pieces of the packaging suites: where things are, and the .deb built from the build
tree the tests run in (cpack over the already-built binaries, not a second release build)."""

import os
import re
import shutil
import subprocess

import pytest

SOURCE_DIR = os.environ.get("EPORT_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD_DIR = os.environ.get("EPORT_BUILD_DIR", os.path.join(SOURCE_DIR, "build", "dev"))
PACKAGING_DIR = os.path.join(SOURCE_DIR, "packaging")


def cache_value(name):
    """A variable from the build tree's CMakeCache.txt, or None."""
    with open(os.path.join(BUILD_DIR, "CMakeCache.txt")) as cache:
        for line in cache:
            match = re.match(rf"^{re.escape(name)}:[A-Z]+=(.*)$", line.rstrip("\n"))
            if match:
                return match.group(1)
    return None


def project_version():
    """The version the package carries (project(... VERSION) in the top-level CMakeLists)."""
    with open(os.path.join(SOURCE_DIR, "CMakeLists.txt")) as top:
        return re.search(r"project\(eportd VERSION ([0-9.]+)", top.read()).group(1)


def run(argv, **kwargs):
    """subprocess.run with text output captured; never raises on a non-zero exit."""
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    kwargs.setdefault("timeout", 300)
    return subprocess.run([str(a) for a in argv], **kwargs)


def need(program):
    """Skips the test (with the reason) when a tool is not installed."""
    if shutil.which(program) is None:
        pytest.skip(f"{program} is not installed (scripts/deps installs it)")


@pytest.fixture(scope="session")
def deb(tmp_path_factory):
    """The eportd .deb, made by cpack from EPORT_BUILD_DIR into a temporary directory."""
    need("cpack")
    need("dpkg-deb")
    config = os.path.join(BUILD_DIR, "CPackConfig.cmake")
    if not os.path.exists(config):
        pytest.fail(f"{config} is missing: packaging/CMakeLists.txt did not run in this build")
    out = tmp_path_factory.mktemp("deb")
    res = run(["cpack", "--config", config, "-G", "DEB", "-B", out])
    assert res.returncode == 0, f"cpack failed:\n{res.stdout}\n{res.stderr}"
    debs = sorted(out.glob("eportd_*.deb"))
    assert len(debs) == 1, f"expected one eportd_*.deb in {out}, got {debs}\n{res.stdout}"
    return debs[0]


@pytest.fixture(scope="session")
def installed_root(deb, tmp_path_factory):
    """The package unpacked with `dpkg -x` into a throwaway root (no maintainer scripts run)."""
    root = tmp_path_factory.mktemp("root")
    res = run(["dpkg", "-x", deb, root])
    assert res.returncode == 0, res.stderr
    return root
