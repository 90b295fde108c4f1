"""Compile the fake NVIDIA libraries in this folder with gcc, at test time.

    build_library("nvml", out_dir)                        -> .../libnvidia-ml.so.1
    build_library("nvml", out_dir, defines={"OMIT_REMAPPED_ROWS": None})
    build_library("cudnn", out_dir, defines={"VERSION": "8907"})  -> libcudnn.so.8

Each build lands in its own folder ``out_dir/<kind>-<hash>/<soname>``, where
the hash covers the C source, the compiler and every flag, so variants never
overwrite each other and an unchanged build is reused (also across pytest
sessions when ``out_dir`` is persistent).  Builds are written to a temporary
name and renamed into place, so parallel workers can share ``out_dir``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

HERE = Path(__file__).resolve().parent

#: kind -> (C source file, extra macro selecting the kind or None, extra link flags)
_KINDS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "nvml": ("fake_nvml.c", None, ()),
    "cuda": ("fake_cuda.c", None, ()),
    "cudart": ("fake_versioned.c", "FAKE_KIND_CUDART", ("-ldl",)),
    "cudnn": ("fake_versioned.c", "FAKE_KIND_CUDNN", ()),
    "nccl": ("fake_versioned.c", "FAKE_KIND_NCCL", ()),
    "cublas": ("fake_versioned.c", "FAKE_KIND_CUBLAS", ()),
    "nvrtc": ("fake_versioned.c", "FAKE_KIND_NVRTC", ()),
}
KINDS: tuple[str, ...] = tuple(_KINDS)

#: VERSION used when the caller passes none (must match the C defaults).
DEFAULT_VERSIONS = {
    "cudart": 12040,
    "cudnn": 90100,
    "nccl": 21903,
    "cublas": 120405,
    "nvrtc": 12040,
}

#: Bump to invalidate every cached build.
_SCHEMA = "1"


class BuildError(RuntimeError):
    """gcc failed; the message carries the command line and its stderr."""


def _compiler() -> str:
    return os.environ.get("FAKE_LIBS_CC", "gcc")


@functools.lru_cache(maxsize=None)
def _gcc_works(cc: str) -> bool:
    if shutil.which(cc) is None:
        return False
    try:
        proc = subprocess.run(
            [cc, "--version"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def gcc_available() -> bool:
    """True when the C compiler (``gcc``, or ``$FAKE_LIBS_CC``) can be run."""
    return _gcc_works(_compiler())


def default_soname(kind: str, defines: Mapping[str, object] | None = None) -> str:
    """The SONAME a real library of this kind and VERSION would carry."""
    if kind not in _KINDS:
        raise ValueError(f"unknown fake library kind {kind!r}; known: {', '.join(KINDS)}")
    if kind == "nvml":
        return "libnvidia-ml.so.1"
    if kind == "cuda":
        return "libcuda.so.1"
    if kind == "nccl":
        return "libnccl.so.2"
    version = int(str((defines or {}).get("VERSION") or DEFAULT_VERSIONS[kind]), 0)
    if kind == "cudnn":
        major = version // 10000 if version >= 90000 else version // 1000
        return f"libcudnn.so.{major}"
    if kind == "cublas":
        return f"libcublas.so.{version // 10000}"
    major = version // 1000  # cudart / nvrtc use the CUDA encoding
    if kind == "cudart":
        return "libcudart.so.11.0" if major == 11 else f"libcudart.so.{major}"
    # nvrtc
    return "libnvrtc.so.11.2" if major == 11 else f"libnvrtc.so.{major}"


def _define_flags(defines: Mapping[str, object] | None) -> list[str]:
    flags = []
    for name, value in sorted((defines or {}).items()):
        if not name or not (name[0].isalpha() or name[0] == "_") or not name.replace("_", "").isalnum():
            raise ValueError(f"bad macro name {name!r}")
        if value is None or value is True:
            flags.append(f"-D{name}")
        elif value is False:
            continue
        else:
            flags.append(f"-D{name}={value}")
    return flags


def build_library(
    kind: str,
    out_dir: Path,
    *,
    soname: str | None = None,
    defines: dict[str, str] | None = None,
) -> Path:
    """Compile the fake library ``kind`` and return the path of the .so file.

    ``defines`` become ``-DNAME=value`` (``None``/``True`` -> ``-DNAME``,
    ``False`` -> left out).  The file is named after its SONAME, which
    defaults to the real library's (see :func:`default_soname`).
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown fake library kind {kind!r}; known: {', '.join(KINDS)}")
    source_name, kind_macro, link_flags = _KINDS[kind]
    source = HERE / source_name
    soname = soname or default_soname(kind, defines)
    if "/" in soname or soname in ("", ".", ".."):
        raise ValueError(f"bad soname {soname!r}")

    cc = _compiler()
    flags = ["-shared", "-fPIC", "-O0", "-Wall", f"-Wl,-soname,{soname}"]
    if kind_macro:
        flags.append(f"-D{kind_macro}")
    flags += _define_flags(defines)

    digest = hashlib.sha256()
    headers = [path.read_bytes().decode("utf-8") for path in sorted(HERE.glob("*.h"))]
    for part in (_SCHEMA, cc, source.read_bytes().decode("utf-8"), *headers, *flags, *link_flags):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    out_dir = Path(out_dir)
    target_dir = out_dir / f"{kind}-{digest.hexdigest()[:16]}"
    target = target_dir / soname
    if target.is_file():
        return target

    if not gcc_available():
        raise BuildError(f"C compiler {cc!r} not available")
    target_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{soname}.", suffix=".tmp", dir=target_dir)
    os.close(fd)
    cmd = [cc, *flags, "-o", tmp_name, str(source), *link_flags]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if proc.returncode != 0:
            raise BuildError(
                f"building fake {kind} failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}"
            )
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return target


def link_into(directory: Path, libraries: Iterable[Path]) -> Path:
    """Put each built library into ``directory`` under its own file name
    (a hard link where possible, else a copy), so that one LD_LIBRARY_PATH
    entry exposes exactly that set of fakes.  Returns ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for lib in libraries:
        lib = Path(lib)
        dest = directory / lib.name
        if dest.exists() or dest.is_symlink():
            dest.unlink()
        try:
            os.link(lib, dest)
        except OSError:
            shutil.copy2(lib, dest)
    return directory
