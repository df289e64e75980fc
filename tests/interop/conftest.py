"""Fixtures for the interop suite come from the harness (tests/harness/fixtures.py)."""

from harness.fixtures import *  # noqa: F401,F403  (pytest finds fixtures and hooks by name)
