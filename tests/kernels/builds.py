"""Real CUDA binaries built for the tests with nvcc 13.0 from PyPI (no GPU needed).

``build_cuda(name, source, flags)`` compiles a ``.cu`` file into a shared library and
``build_cxx(name, source, flags)`` a C++ stand-in for a torch library (g++), each into
``<cache>/builds/<name>-<hash>/`` where the hash covers the compiler's version, the
source and every flag — so a build is made once and reused by later runs.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from real_parts import CUDART12_PINS, NVCC_PINS, Unavailable, cache_root, install_tools

KERNEL = """
__global__ void scale(float *x, float v) { x[threadIdx.x] *= v; }
extern "C" void launch_scale(float *x, float v) { scale<<<1, 32>>>(x, v); }
"""


@lru_cache(maxsize=None)
def toolkit() -> Path:
    """The nvidia/cu13 folder of the pinned nvcc install, with a ``libcudart.so`` link for
    ``-cudart shared`` (the wheel ships only ``libcudart.so.13``)."""
    root = install_tools("nvcc13", NVCC_PINS) / "nvidia" / "cu13"
    if not (root / "bin" / "nvcc").exists():
        raise Unavailable("the nvidia-cuda-nvcc wheel has no nvidia/cu13/bin/nvcc")
    if shutil.which("g++") is None:
        raise Unavailable("nvcc needs g++ as its host compiler")
    link = root / "lib" / "libcudart.so"
    if not link.exists():
        try:
            link.symlink_to("libcudart.so.13")
        except FileExistsError:
            pass
    return root


@lru_cache(maxsize=None)
def cudart12_dir() -> Path:
    """The folder holding the real ``libcudart.so.12`` from nvidia-cuda-runtime-cu12."""
    folder = install_tools("cudart12", CUDART12_PINS) / "nvidia" / "cuda_runtime" / "lib"
    if not (folder / "libcudart.so.12").exists():
        raise Unavailable("the nvidia-cuda-runtime-cu12 wheel has no libcudart.so.12")
    return folder


@lru_cache(maxsize=None)
def _version(compiler: str) -> str:
    proc = subprocess.run([compiler, "--version"], capture_output=True, text=True, timeout=120, check=False)
    return proc.stdout


def _build(name: str, compiler: str, source: str, suffix: str, flags: Sequence[str]) -> Path:
    key = hashlib.sha256("\0".join([_version(compiler), source, *flags]).encode()).hexdigest()[:16]
    folder = cache_root() / "builds" / f"{Path(name).stem}-{key}"
    target = folder / name
    if target.exists():
        return target
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=folder.parent))
    try:
        (staging / f"source{suffix}").write_text(source)
        command = [compiler, *flags, "-o", str(staging / name), str(staging / f"source{suffix}")]
        proc = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, cwd=staging)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{proc.stderr[-3000:]}")
        if folder.exists():
            shutil.rmtree(folder)
        os.rename(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def build_cuda(name: str, source: str, flags: Sequence[str]) -> Path:
    """A shared library built by nvcc 13.0 (``-shared -fPIC`` added)."""
    root = toolkit()
    return _build(name, str(root / "bin" / "nvcc"), source, ".cu",
                  ["-shared", "-Xcompiler", "-fPIC", f"-L{root / 'lib'}", *flags])


def build_cxx(name: str, source: str, flags: Sequence[str] = ()) -> Path:
    """A C++ shared library built by g++ (stand-ins for torch's libraries)."""
    if shutil.which("g++") is None:
        raise Unavailable("g++ is not installed")
    return _build(name, "g++", source, ".cpp", ["-shared", "-fPIC", *flags])
