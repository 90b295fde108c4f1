"""Fixtures of the fuzz suite: one worker interpreter for every command line (see fuzz_harness.py).

Sizes: each fuzz test runs a few dozen seeded cases (a few hundred in all); set
``FUZZ_CASES=N`` for N cases per test and ``FUZZ_SEED=S`` for another seed.
"""
from __future__ import annotations

from typing import Iterator

import pytest

from fuzz_harness import Worker


@pytest.fixture(scope="session")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    """``cli.run(argv, env=..., cwd=..., stdin=..., encoding=...) -> Outcome``."""
    worker = Worker(tmp_path_factory.mktemp("fuzz-worker"))
    yield worker
    worker.close()
