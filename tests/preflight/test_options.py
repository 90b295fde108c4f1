"""Preflight options: bad values are one line and exit 2, through both entry points."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cudacheck.errors import UsageError
from cudacheck.preflight.options import parse


def test_defaults_and_values():
    options = parse([])
    assert (options.gather_timeout, options.collective_timeout, options.sizes, options.allow_cpu) == (60.0, 120.0, None,
                                                                                                       False)
    options = parse(["--sizes", "4MiB,1GiB", "--min-busbw", "150", "--min-compute-capability", "8.0", "--deep"])
    assert options.sizes == [4 * 2**20, 2**30] and options.min_busbw == 150.0 and options.level == "deep"
    assert options.requirements == {"min_compute_capability": "8.0"}


@pytest.mark.parametrize("argv, message", [
    (["--sizes", "big"], "--sizes"), (["--gather-timeout", "0"], "--gather-timeout: expected a number of seconds above 0"),
    (["--iters", "0"], "--iters must be at least 1")])
def test_bad_values(argv, message):
    with pytest.raises(UsageError, match=message):
        parse(argv)


@pytest.mark.parametrize("command", [[sys.executable, "-m", "cudacheck.preflight"],
                                     [str(Path(sys.executable).parent / "cudacheck"), "preflight"]])
def test_usage_error_exits_2_with_one_line(command, tmp_path):
    out = subprocess.run([*command, "--collective-timeout", "-1"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2 and out.stderr.strip().splitlines() == [
        "cudacheck: error: preflight: argument --collective-timeout: expected a number of seconds above 0 and at "
        "most 3600, got '-1'"]
