"""pytest plugin: a green run means every test ran.

Loaded by every pytest suite that ctest runs (`-p harness.skip_policy`, see tests/CMakeLists.txt).
In CI (`CI=true`) and whenever `EPORT_REQUIRE_ALL=1`, a skipped test — skipped at run time, by
a fixture, by a `skipif` mark or by a whole module skipping at collection — is reported as a
failure that prints the skip's reason, so that a missing tool, a missing mount namespace or an
unbuilt program can never make `scripts/test` exit 0 with suites silently left out. Elsewhere
(a developer's machine without CI set) a skip stays a skip.
"""

import os

import pytest

__all__ = ["skips_are_failures"]


def skips_are_failures():
    """True in CI (CI=true/1/yes) or with EPORT_REQUIRE_ALL=1."""
    ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
    return ci or os.environ.get("EPORT_REQUIRE_ALL", "").strip() == "1"


def _reason(report):
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def _as_failure(report):
    reason = _reason(report)
    report.outcome = "failed"
    report.longrepr = (f"SKIPPED, which counts as a failure here (CI=true or EPORT_REQUIRE_ALL=1): {reason}\n"
                       "Install what is missing (scripts/deps) or build what is not built; a green run "
                       "must mean that every test ran.")
    return reason


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if skips_are_failures() and report.skipped and not hasattr(report, "wasxfail"):
        reason = _as_failure(report)
        print(f"\n[skip policy] {item.nodeid}: skipped ({reason}) -> failure")


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if skips_are_failures() and report.skipped:
        reason = _as_failure(report)
        print(f"\n[skip policy] {collector.nodeid}: skipped at collection ({reason}) -> failure")


def pytest_report_header(config):
    if skips_are_failures():
        return "skip policy: a skipped test is a failure (CI=true or EPORT_REQUIRE_ALL=1)"
    return "skip policy: skips allowed (set EPORT_REQUIRE_ALL=1 to make them failures)"
