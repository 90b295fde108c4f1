"""Fixtures for the live-probe tests: point this process's environment at the C fakes.

The probes start their children with ``os.environ``, and the dynamic loader of a child
reads LD_LIBRARY_PATH when it starts, so setting the variables here (monkeypatch) is
enough for the real pynvml / ctypes code in the children to load the fakes.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Dict, Optional

import pytest

from cudacheck.probes import isolation
from fakes.conftest_fixtures import fake_env


@pytest.fixture(autouse=True)
def _spawned_children(monkeypatch: pytest.MonkeyPatch) -> None:
    """Children must start fresh interpreters: a forked child keeps this process's loader
    state, so a new LD_LIBRARY_PATH would not apply (health's prefer_fork() is global)."""
    monkeypatch.setattr(isolation, "_PREFER_FORK", False)


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch, fake_lib_dir: Path) -> Callable[..., Dict[str, str]]:
    """``machine(lib_dir=None, **fake_vars)``: make this process's environment the one
    :func:`fake_env` describes (FAKE_* variables replaced, ``lib_dir`` first on
    LD_LIBRARY_PATH); returns that environment."""

    def apply(lib_dir: Optional[Path] = None, **fake_vars: object) -> Dict[str, str]:
        env = fake_env(fake_lib_dir if lib_dir is None else lib_dir, **fake_vars)
        for name in list(os.environ):
            if name not in env:
                monkeypatch.delenv(name)
        for name, value in env.items():
            if os.environ.get(name) != value:
                monkeypatch.setenv(name, value)
        return env

    return apply
