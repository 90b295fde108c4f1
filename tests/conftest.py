"""Shared test configuration: the fake NVIDIA library fixtures (see tests/fakes/README.md) and
the test suite's side of the error policy (cudacheck/errors.py)."""
import pytest

from fakes.conftest_fixtures import *  # noqa: F401,F403  (tests/ is on sys.path: rootdir conftest)


def pytest_configure(config):
    """A bug in a rule or probe raises (and fails its test) instead of becoming a CC100 finding, in
    this process and in every command a test starts. Probes that keep a per-user cache (the
    kernel inventory) write it under this session's temporary folder, never into the developer's
    own ~/.cache."""
    import os
    import tempfile

    from cudacheck.errors import RAISE_BUGS_ENV

    os.environ[RAISE_BUGS_ENV] = "1"

    config._cudacheck_xdg = tempfile.mkdtemp(prefix="cudacheck-test-xdg-")
    os.environ["XDG_CACHE_HOME"] = config._cudacheck_xdg
    # Reports are fitted to the terminal: tests that read them for content get a wide one; the
    # layout tests (tests/render/) set their own COLUMNS.
    os.environ["COLUMNS"] = "250"
    # Which environment the command line inspects must not depend on the developer's shell: tests
    # that activate one set VIRTUAL_ENV / CONDA_PREFIX themselves.
    for name in ("VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV"):
        os.environ.pop(name, None)


def pytest_unconfigure(config):
    import shutil

    shutil.rmtree(getattr(config, "_cudacheck_xdg", ""), ignore_errors=True)


@pytest.fixture(autouse=True)
def _order_independent(monkeypatch):
    """What one test does to this process must not change what the next one sees: probe children
    start as fresh interpreters (an in-process `cudacheck health` or doctor turns on forking for
    the rest of the process), and torch is imported only in children (a forked probe child would
    reuse an imported torch)."""
    import sys

    from cudacheck.probes import isolation

    monkeypatch.setattr(isolation, "_PREFER_FORK", False)
    torch_before = "torch" in sys.modules
    yield
    if not torch_before and "torch" in sys.modules:
        sys.modules.pop("torch", None)
        pytest.fail("this test imported torch into the test process; import it in a child process")
