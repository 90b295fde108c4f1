"""The local CUDA toolkit: CUDA_HOME, nvcc and its version, and the system cuDNN headers.

What ``torch.utils.cpp_extension`` would build extensions with, and what collect_env
reports as "CUDA runtime version" and "cuDNN version" — neither is what torch loads.
``nvcc --version`` runs in the background only when no ``version.json`` says it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from typing import Dict, Iterable, List, Optional, Tuple

from .host import HostRoots
from ..lazy_regex import lazy_compile

NVCC_TIMEOUT = 5.0
_CUDNN_DEFINE = lazy_compile(r"#define\s+CUDNN_(MAJOR|MINOR|PATCHLEVEL)\s+(\d+)")


def expand(path: str) -> str:
    return os.path.expanduser(path) if path.startswith("~") else path


def find_cuda_home(env: Dict[str, str], roots: HostRoots) -> Tuple[Optional[str], Optional[str]]:
    """(CUDA_HOME, how it was found), as ``torch.utils.cpp_extension`` finds it for builds."""
    for name in ("CUDA_HOME", "CUDA_PATH"):
        if env.get(name):
            return expand(env[name]), "env"
    nvcc = shutil.which("nvcc", path=roots.path)
    if nvcc:
        return os.path.dirname(os.path.dirname(nvcc)), "nvcc"
    default = next((home for home in roots.cuda_homes if os.path.basename(home) == "cuda" and os.path.isdir(home)),
                   None)
    return (default, "default") if default else (None, None)


def find_nvcc(cuda_home: Optional[str], roots: HostRoots) -> Optional[str]:
    """``<CUDA_HOME>/bin/nvcc``, else the first nvcc on PATH."""
    nvcc = os.path.join(cuda_home, "bin", "nvcc") if cuda_home else None
    if nvcc and os.path.isfile(nvcc):
        return nvcc
    return shutil.which("nvcc", path=roots.path)


def nvcc_version_file(nvcc: str) -> Optional[str]:
    """The nvcc version from the toolkit's ``version.json`` (CUDA 11.1+) or ``version.txt``."""
    root = os.path.dirname(os.path.dirname(os.path.realpath(nvcc)))
    try:
        with open(os.path.join(root, "version.json"), encoding="utf-8") as handle:
            data = json.load(handle)
        for key in ("cuda_nvcc", "cuda"):
            version = (data.get(key) or {}).get("version")
            if version:
                return str(version)
    except (OSError, ValueError, AttributeError):
        pass
    try:
        with open(os.path.join(root, "version.txt"), encoding="utf-8") as handle:
            match = re.search(r"(\d+\.\d+(?:\.\d+)?)", handle.read())
            return match.group(1) if match else None
    except OSError:
        return None


def parse_nvcc_output(text: str) -> Optional[str]:
    """``Cuda compilation tools, release 12.4, V12.4.131`` → ``12.4.131``."""
    match = re.search(r"release (\d+\.\d+), V(\d+\.\d+(?:\.\d+)?)", text)
    if match:
        return match.group(2)
    match = re.search(r"release (\d+\.\d+)", text)
    return match.group(1) if match else None


class NvccVersion:
    """``nvcc --version`` run in the background while the other probes work."""

    def __init__(self, path: Optional[str]) -> None:
        self.path = path
        self.version = nvcc_version_file(path) if path else None
        self.process: Optional[subprocess.Popen] = None
        if path and self.version is None:
            try:
                self.process = subprocess.Popen([path, "--version"], stdin=subprocess.DEVNULL,
                                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                                start_new_session=True)
            except OSError:
                self.process = None

    def result(self, deadline: float) -> Optional[str]:
        if self.process is None:
            return self.version
        try:
            out, _ = self.process.communicate(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                self.process.kill()
                self.process.communicate(timeout=0.2)
            except (OSError, subprocess.TimeoutExpired):
                pass
            return None
        return parse_nvcc_output(out.decode("utf-8", "replace"))


def cudnn_header_version(include_dirs: Iterable[str]) -> Optional[str]:
    """``CUDNN_MAJOR.MINOR.PATCHLEVEL`` from the first cudnn_version.h (or old cudnn.h) found."""
    for directory in include_dirs:
        for header in ("cudnn_version.h", "cudnn.h"):
            try:
                with open(os.path.join(directory, header), encoding="utf-8", errors="replace") as handle:
                    text = handle.read(65536)
            except OSError:
                continue
            values = dict(_CUDNN_DEFINE.findall(text))
            if "MAJOR" in values:
                return ".".join(values[k] for k in ("MAJOR", "MINOR", "PATCHLEVEL") if k in values)
    return None


def system_include_dirs(cuda_home: Optional[str], env: Dict[str, str], roots: HostRoots) -> List[str]:
    """Where collect_env-style tools look for system cuDNN headers, in order."""
    dirs = [os.path.join(cuda_home, "include")] if cuda_home else []
    dirs += list(roots.include_dirs)
    dirs += [os.path.join(home, "include") for home in roots.cuda_homes]
    if env.get("CONDA_PREFIX"):
        dirs.append(os.path.join(expand(env["CONDA_PREFIX"]), "include"))
    return dirs
