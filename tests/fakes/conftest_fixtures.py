"""pytest fixtures and helpers around the fake NVIDIA libraries.

Import into a conftest.py, e.g. in ``tests/conftest.py``::

    from .fakes.conftest_fixtures import *  # noqa: F401,F403   (tests/ is a package)
    # or: pytest_plugins = ["tests.fakes.conftest_fixtures"]   (top-level conftest only)

Why subprocesses: pynvml does ``CDLL("libnvidia-ml.so.1")`` and the dynamic
loader reads LD_LIBRARY_PATH once, when the process starts.  So the code under
test must run in a child process whose environment already points at the
fakes; :func:`fake_env` / the ``nvml_env`` fixture build that environment and
:func:`run_python` runs a snippet in it.

The FAKE_* variables themselves are read by the fakes at call time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, Dict, Iterable, Mapping, Optional

import pytest

from .build import KINDS, build_library, gcc_available, link_into

__all__ = [
    "fake_build_cache",
    "fake_lib_dir",
    "make_lib_dir",
    "machine",
    "nvml_env",
    "fake_env",
    "gpu_spec",
    "run_python",
    "requires_gcc",
]

requires_gcc = pytest.mark.skipif(not gcc_available(), reason="gcc is needed to build the fake NVIDIA libraries")


def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # FAKE_LIBS_CACHE_DIR keeps builds across sessions; otherwise one
    # deterministic folder per session, shared by every import of these
    # fixtures (a conftest and a test module may both import them).
    explicit = os.environ.get("FAKE_LIBS_CACHE_DIR")
    if explicit:
        path = Path(explicit)
    else:
        path = tmp_path_factory.getbasetemp() / "fake-libs-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def fake_build_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder where build_library caches compiled fakes for this session."""
    if not gcc_available():
        pytest.skip("gcc is needed to build the fake NVIDIA libraries")
    return _cache_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def make_lib_dir(tmp_path_factory: pytest.TempPathFactory, fake_build_cache: Path) -> Callable[..., Path]:
    """Factory: a fresh folder holding exactly the fakes asked for.

        make_lib_dir(nvml=True)                                # NVML only
        make_lib_dir(nvml={"OMIT_REMAPPED_ROWS": None}, cuda=True)
        make_lib_dir(cudnn={"VERSION": "8907"})                # libcudnn.so.8
        make_lib_dir(cudart={"VERSION": "12040", "soname": "libcudart.so.12.4.127"})

    Keyword = kind (nvml, cuda, cudart, cudnn, nccl, cublas, nvrtc); value
    True for the default build, a dict of -D macros (the lowercase key
    ``soname`` picks the file name / SONAME instead), or False/None to leave
    it out.
    """
    def make(**kinds: object) -> Path:
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fake kinds {sorted(unknown)}; known: {KINDS}")
        libs = []
        for kind, spec in kinds.items():
            if spec is None or spec is False:
                continue
            defines: dict[str, object] = {}
            soname = None
            if isinstance(spec, Mapping):
                defines = dict(spec)
                soname = defines.pop("soname", None)
            elif spec is not True:
                raise TypeError(f"{kind}=: expected True, a dict or None, got {spec!r}")
            libs.append(build_library(kind, fake_build_cache, soname=soname, defines=defines))
        directory = tmp_path_factory.mktemp("fakelibs", numbered=True)
        return link_into(directory, libs)

    return make


@pytest.fixture(scope="session")
def fake_lib_dir(make_lib_dir: Callable[..., Path]) -> Path:
    """A folder with every fake in its default build: libnvidia-ml.so.1,
    libcuda.so.1, libcudart.so.12, libcudnn.so.9, libnccl.so.2,
    libcublas.so.12, libnvrtc.so.12."""
    return make_lib_dir(**{kind: True for kind in KINDS})


def gpu_spec(name: str, cc: str | float = "8.0", total_mib: int = 81920, **extras: object) -> str:
    """One FAKE_NVML_GPUS entry: gpu_spec("Tesla T4", "7.5", 15360, ecc=0,
    unsupported=["mig", "remapped_rows"], pcie=(3, 3, 16, 16))."""
    parts = [name, str(cc), str(int(total_mib))]
    for key, value in extras.items():
        if isinstance(value, bool):
            value = int(value)
        if key == "throttle" and isinstance(value, int):
            value = format(value, "x")
        elif key == "pcie" and not isinstance(value, str):
            value = "/".join(str(v) for v in value)
        elif key == "unsupported" and not isinstance(value, str):
            value = ",".join(value)
        parts.append(f"{key}={value}")
    return "|".join(parts)


def _env_value(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)


def fake_env(
    lib_dir: Path | str | None,
    *,
    prefix: str = "FAKE_NVML_",
    base: Mapping[str, str] | None = None,
    inherit_ld_library_path: bool = True,
    **fake_vars: object,
) -> dict[str, str]:
    """Environment for a child process that should load the fakes in lib_dir.

    Starts from ``base`` (default ``os.environ``) with every inherited FAKE_*
    variable removed, puts ``lib_dir`` first on LD_LIBRARY_PATH, then sets
    the keyword variables: ``gpus=...`` -> FAKE_NVML_GPUS (lowercase names get
    ``prefix``), ``FAKE_CUDA_INIT_ERROR=100`` (names already in upper case are
    used as they are).  Values: bool -> "1"/"0", list/tuple -> joined with
    ";" (a list of gpu_spec strings), None -> variable left unset, anything
    else str().  ``lib_dir=None`` leaves LD_LIBRARY_PATH alone.
    """
    env = {k: v for k, v in (os.environ if base is None else base).items() if not k.startswith("FAKE_")}
    if lib_dir is not None:
        inherited = env.get("LD_LIBRARY_PATH", "") if inherit_ld_library_path else ""
        env["LD_LIBRARY_PATH"] = os.pathsep.join(p for p in (str(lib_dir), inherited) if p)
    for key, value in fake_vars.items():
        name = key if key.isupper() else prefix + key.upper()
        if value is None:
            env.pop(name, None)
        else:
            env[name] = _env_value(value)
    return env


@pytest.fixture
def nvml_env(fake_lib_dir: Path) -> Callable[..., dict[str, str]]:
    """``nvml_env(**kwargs) -> dict``: fake_env() over fake_lib_dir (pass
    ``lib_dir=`` for another folder, e.g. one from make_lib_dir)."""

    def make(lib_dir: Path | str | None = None, **kwargs: object) -> dict[str, str]:
        return fake_env(fake_lib_dir if lib_dir is None else lib_dir, **kwargs)

    return make


def run_python(
    code: str,
    env: Mapping[str, str],
    *,
    timeout: float = 30,
    args: Iterable[str] = (),
    cwd: Path | str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -c code`` with ``env``; stdout/stderr captured as text.
    Raises subprocess.TimeoutExpired (after killing the child) on timeout."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        check=False,
    )



@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch, fake_lib_dir: Path) -> Callable[..., Dict[str, str]]:
    """``machine(lib_dir=None, **fake_vars)``: make this process's environment the one
    :func:`fake_env` describes (FAKE_* variables replaced, ``lib_dir`` first on
    LD_LIBRARY_PATH), so the probes' children (fresh interpreters: the loader reads
    LD_LIBRARY_PATH when a process starts) load the fakes whatever this machine has;
    returns that environment. ``machine(gpus="")`` is a driver that lists no GPU."""
    from cudacheck.probes import isolation

    monkeypatch.setattr(isolation, "_PREFER_FORK", False)

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
