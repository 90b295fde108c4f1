"""Shared test configuration: the fake NVIDIA library fixtures (see tests/fakes/README.md)."""
from fakes.conftest_fixtures import *  # noqa: F401,F403  (tests/ is on sys.path: rootdir conftest)



def pytest_configure(config):
    """Probes that keep a per-user cache (the kernel inventory) write it under this session's
    temporary folder, never into the developer's own ~/.cache."""
    import os
    import tempfile

    config._cudacheck_xdg = tempfile.mkdtemp(prefix="cudacheck-test-xdg-")
    os.environ["XDG_CACHE_HOME"] = config._cudacheck_xdg


def pytest_unconfigure(config):
    import shutil

    shutil.rmtree(getattr(config, "_cudacheck_xdg", ""), ignore_errors=True)
