"""eportd with driver plug-ins: a failing plug-in is reported, the daemon still serves."""

import os

import pytest

from harness import paths, rpc
from daemon_support import run_eportd, start_eportd, write_config

FIXTURES = os.path.join(paths.build_dir(), "tests", "fixtures", "plugins")


@pytest.fixture(autouse=True)
def fixture_plugins():
    if not os.path.exists(os.path.join(FIXTURES, "eport-good.so")):
        pytest.skip("the fixture plug-ins are not built (target eport_fixture_plugins)")


def test_failing_plugins_are_reported_and_the_good_one_serves(tmp_path):
    daemon = start_eportd(tmp_path, {"plugin_dir": FIXTURES},
                          drivers=[{"name": "good"}, {"name": "wrong-major"}, {"name": "init-fails"}])
    try:
        with rpc.connect(daemon.socket_path) as client:
            listed = client.call("drivers.list")
            info = client.call("daemon.info")
            report = client.call("diag.report")
        assert [d["name"] for d in listed["drivers"]] == ["good"]
        assert listed["drivers"][0]["library"].endswith("eport-good.so")
        assert listed["drivers"][0]["abi"].startswith("1.")
        assert sorted(f["name"] for f in listed["failed"]) == ["init-fails", "wrong-major"]
        assert [d["name"] for d in info["drivers"]] == ["good"]
        assert len(report["drivers"]["failed"]) == 2
        assert any("wrong-major" in problem for problem in report["problems"])
    finally:
        daemon.stop()


def test_check_config_runs_the_load_steps_of_every_plugin(tmp_path):
    good = write_config(str(tmp_path), f"plugin_dir: {FIXTURES}\ndrivers:\n  - name: good\n")
    result = run_eportd(["--check-config", good])
    assert result.returncode == 0, result.stderr

    bad = write_config(str(tmp_path), f"plugin_dir: {FIXTURES}\ndrivers:\n  - name: good\n"
                                      "  - name: init-fails\n  - name: no-entry\n")
    result = run_eportd(["--check-config", bad])
    assert result.returncode != 0
    assert f"{bad}:4: key 'drivers': driver 'init-fails'" in result.stderr
    assert f"{bad}:5: key 'drivers': driver 'no-entry'" in result.stderr
