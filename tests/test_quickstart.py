"""The README's quick start on the oldest Python cudacheck supports that this machine has:
``make doctor`` installs no torch and inspects the Python named with ``PY``; the code runs
there (a part of the suite is run with that Python, without torch)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

REPO = Path(__file__).resolve().parents[1]
SUPPORTED = [(3, minor) for minor in range(9, 14)]
QUICKSTART_FILES = ("Makefile", "pyproject.toml", "README.md", "cudacheck", "compat_data")


def _version_of(python: str) -> Optional[Tuple[int, int]]:
    try:
        out = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None  # e.g. a pyenv shim for a version that is not selected
    major, minor = out.stdout.strip().split(".")
    return int(major), int(minor)


def _candidates() -> List[str]:
    found = []
    for major, minor in SUPPORTED:
        name = f"python{major}.{minor}"
        found += [path for path in (shutil.which(name),) if path]
        found += sorted(str(p) for p in Path(os.path.expanduser("~/.pyenv/versions")).glob(f"{major}.{minor}.*/bin/{name}"))
    uv = shutil.which("uv")
    if uv:
        for major, minor in SUPPORTED:
            out = subprocess.run([uv, "python", "find", f"{major}.{minor}"], capture_output=True, text=True, timeout=60)
            if out.returncode == 0 and out.stdout.strip():
                found.append(out.stdout.strip())
    return found


def oldest_supported_python() -> Tuple[str, Tuple[int, int]]:
    """The oldest Python 3.9-3.13 that runs here; this interpreter when there is no other."""
    working = [(version, path) for path in _candidates() for version in [_version_of(path)]
               if version in SUPPORTED]
    if not working:
        return sys.executable, sys.version_info[:2]
    version, path = min(working)
    return path, version


@pytest.fixture(scope="module")
def oldest() -> Tuple[str, Tuple[int, int]]:
    path, version = oldest_supported_python()
    if version != SUPPORTED[0]:
        print(f"oldest supported Python on this machine: {version}; 3.9 is not installed (try `uv python "
              "install 3.9`)", file=sys.stderr)
    return path, version


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory) -> Path:
    """The files a fresh clone has for the quick start (no .venv)."""
    root = tmp_path_factory.mktemp("clone")
    for name in QUICKSTART_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    return root


@pytest.mark.slow
def test_make_doctor_installs_no_torch_and_inspects_the_python_named(oldest, fresh_copy):
    if not shutil.which("make"):
        pytest.skip("no make on this machine")
    python, version = oldest
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "MAKEFLAGS")}
    result = subprocess.run(["make", "doctor", f"PYTHON={python}", f"PY={python}"], cwd=fresh_copy, env=env,
                            capture_output=True, text=True, timeout=600)
    # make exits 2 when doctor finds errors (exit 1) on this machine; the report is what matters
    assert result.returncode in (0, 2) and "cudacheck " in result.stdout, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "environment:" in result.stdout and "(--python)" in result.stdout, result.stdout[-2000:]
    assert f"Python {version[0]}.{version[1]}." in result.stdout
    venv_python = fresh_copy / ".venv" / "bin" / "python"
    assert _version_of(str(venv_python)) == version
    has_torch = subprocess.run([str(venv_python), "-c", "import importlib.util, sys; "
                                "sys.exit(importlib.util.find_spec('torch') is None)"], timeout=60)
    assert has_torch.returncode == 1, "make doctor must not install torch"
    import json

    report = subprocess.run([str(fresh_copy / ".venv" / "bin" / "cudacheck"), "doctor", "--python", python,
                             "--format", "json"], capture_output=True, text=True, timeout=300, env=env)
    snapshot = json.loads(report.stdout)["snapshot"]
    assert snapshot["environment"]["selected_by"] == "--python"
    assert snapshot["platform"]["python_version"].startswith(f"{version[0]}.{version[1]}.")


@pytest.mark.slow
def test_the_code_runs_on_the_oldest_python_without_torch(oldest, fresh_copy, tmp_path):
    """The no-torch path of `make test` on the oldest Python: cudacheck, the test tools, and a
    part of the suite that needs no torch."""
    python, version = oldest
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-e",
                              f"{fresh_copy}[test]"], capture_output=True, text=True, timeout=600)
    if install.returncode != 0 and "No matching distribution" in install.stderr:
        pytest.skip(f"the test tools for Python {version} cannot be installed here: {install.stderr[-300:]}")
    assert install.returncode == 0, install.stderr[-2000:]
    tests = [str(REPO / "tests" / name) for name in ("test_policy.py", "render", "rules/test_coverage.py")]
    result = subprocess.run([str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             *tests], capture_output=True, text=True, timeout=900, cwd=REPO,
                            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert result.returncode == 0, result.stdout[-3000:]
    assert "passed" in result.stdout
