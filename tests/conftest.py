"""Shared test configuration: the fake NVIDIA library fixtures (see tests/fakes/README.md)."""
from fakes.conftest_fixtures import *  # noqa: F401,F403  (tests/ is on sys.path: rootdir conftest)
