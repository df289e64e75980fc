"""The skip policy (tests/harness/skip_policy.py): with CI=true or EPORT_REQUIRE_ALL=1 every kind
of skip fails the run and prints its reason; without them a skip stays a skip. Runs pytest on a
small suite of skipping tests in a subprocess, exactly as ctest runs the real suites."""

import os
import subprocess
import sys
import textwrap

import pytest

from harness import paths

SUITE = textwrap.dedent('''
    import pytest

    def test_runs():
        assert True

    def test_skips_at_run_time():
        pytest.skip("the frobnicator is not installed")

    @pytest.mark.skipif(True, reason="no mount namespace here")
    def test_skipped_by_a_mark():
        pass

    @pytest.fixture
    def tool():
        pytest.skip("a fixture could not find its tool")

    def test_skipped_by_a_fixture(tool):
        pass
''')

MODULE_SKIP = textwrap.dedent('''
    import pytest
    pytest.skip("this whole module needs eport-vcard", allow_module_level=True)

    def test_never_collected():
        pass
''')


def run_pytest(tmp_path, text, **env):
    path = tmp_path / "test_sample.py"
    path.write_text(text)
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "EPORT_REQUIRE_ALL")}
    environment.update(env)
    environment["PYTHONPATH"] = os.path.join(paths.SOURCE_DIR, "tests")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "harness.skip_policy", str(path)],
                          capture_output=True, text=True, timeout=120, cwd=str(tmp_path), env=environment)


@pytest.mark.parametrize("env", [{"CI": "true"}, {"EPORT_REQUIRE_ALL": "1"}])
def test_in_ci_every_skip_is_a_failure_with_its_reason(tmp_path, env):
    result = run_pytest(tmp_path, SUITE, **env)
    assert result.returncode != 0, result.stdout
    # A skip while running fails the test; one in setup (mark, fixture) is an error: both fail the run.
    assert "1 failed, 1 passed, 2 errors" in result.stdout, result.stdout
    for reason in ("the frobnicator is not installed", "no mount namespace here",
                   "a fixture could not find its tool"):
        assert reason in result.stdout, result.stdout


def test_a_module_that_skips_at_collection_fails_in_ci(tmp_path):
    result = run_pytest(tmp_path, MODULE_SKIP, CI="true")
    assert result.returncode != 0, result.stdout
    assert "this whole module needs eport-vcard" in result.stdout, result.stdout


def test_outside_ci_a_skip_stays_a_skip(tmp_path):
    result = run_pytest(tmp_path, SUITE, EPORT_REQUIRE_ALL="0")
    assert result.returncode == 0, result.stdout
    assert "1 passed, 3 skipped" in result.stdout, result.stdout
    result = run_pytest(tmp_path, MODULE_SKIP)
    assert "1 skipped" in result.stdout and "failed" not in result.stdout, result.stdout
