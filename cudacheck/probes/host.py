"""Where this host keeps system-wide CUDA files, as one injectable value.

The library probes read the host's CUDA toolkits, system headers, the loader's default
folders and cache, and the ``PATH`` that finds ``nvcc``. They take a :class:`HostRoots`
instead of hard-coding ``/usr/local/cuda`` or ``/usr/include``, so tests (and a probe
of a mounted image) can point them anywhere.
"""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from typing import List, Optional

from .loader import LD_CACHE, default_dirs


@dataclass
class HostRoots:
    """System-wide places the library probes look at."""

    cuda_homes: List[str] = field(default_factory=list)  # toolkit folders, the default one first
    include_dirs: List[str] = field(default_factory=list)  # system header folders (cudnn_version.h)
    lib_dirs: List[str] = field(default_factory=list)  # the loader's built-in folders, searched last
    ld_cache: str = LD_CACHE
    path: Optional[str] = None  # the PATH that finds nvcc (None: this process's PATH)

    @classmethod
    def system(cls) -> "HostRoots":
        """This machine's places."""
        homes = sorted(glob.glob("/usr/local/cuda")) + sorted(glob.glob("/usr/local/cuda-*"))
        multiarch = f"/usr/include/{os.uname().machine}-linux-gnu"
        return cls(cuda_homes=homes, include_dirs=["/usr/include", multiarch], lib_dirs=default_dirs(),
                   ld_cache=LD_CACHE, path=None)

    @classmethod
    def empty(cls) -> "HostRoots":
        """A host with no system-wide CUDA at all (tests add only what they build)."""
        return cls(ld_cache=os.devnull, path="")
