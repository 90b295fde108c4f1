"""Which copy of each CUDA library the dynamic loader would give torch.

Where the loader looks, for a library that torch's ``libtorch_cuda.so`` (or ``_C``)
names in DT_NEEDED (``ld.so(8)``): DT_RPATH of that object (only when it has no
DT_RUNPATH), ``LD_LIBRARY_PATH``, DT_RUNPATH, the ``ld.so.cache``, the default folders.
Official wheels carry a DT_RUNPATH like ``$ORIGIN/../../nvidia/cudnn/lib``, so an
``LD_LIBRARY_PATH`` holding another cuDNN wins over the pip one. A library already
loaded into the process under the same SONAME is reused whatever the path; the deep
level reports what a process really mapped.
"""
from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

from ..snapshot import TorchFacts
from .cuda_toolkit import expand
from ..versions import parts
from .library_files import Listings, classify
from .loader import read_dynamic, search_order

#: torch's objects that link CUDA libraries, in the order their RUNPATH is consulted.
TORCH_OBJECTS = ("lib/libtorch_cuda.so", "lib/libtorch_cuda_cu.so", "lib/libtorch_cuda_cpp.so",
                 "lib/libc10_cuda.so", "lib/libcaffe2_nvrtc.so", "lib/libtorch_cuda_linalg.so",
                 "lib/libtorch_global_deps.so")


@dataclass
class TorchLinks:
    """What torch's shared objects link: CUDA SONAMEs and the folders their RUNPATH names."""

    needed: Optional[List[str]] = None  # CUDA library sonames torch links
    owner: Dict[str, Tuple[str, List[str]]] = field(default_factory=dict)  # soname -> (kind, dirs)
    kind: Optional[str] = None  # runpath | rpath, of the first object that has one
    dirs: List[str] = field(default_factory=list)  # every torch object's search folders, in order


def torch_links(torch: Optional[TorchFacts]) -> TorchLinks:
    """The CUDA libraries torch's shared objects need and the folders their RUNPATH names."""
    links = TorchLinks()
    if torch is None or not torch.location:
        return links
    location = expand(torch.location)
    paths = sorted(glob.glob(os.path.join(glob.escape(location), "_C*.so")))
    paths = [os.path.join(location, rel) for rel in TORCH_OBJECTS] + paths
    for path in paths:
        if not os.path.exists(path):
            continue
        dynamic = read_dynamic(path)
        if dynamic is None:
            continue
        if links.needed is None:
            links.needed = []
        dirs = dynamic.search_dirs()
        if dynamic.search_kind and links.kind is None:
            links.kind = dynamic.search_kind
        links.dirs += [d for d in dirs if d not in links.dirs]
        for soname in dynamic.needed:
            if classify(soname) and soname not in links.owner:
                links.needed.append(soname)
                links.owner[soname] = (dynamic.search_kind or "runpath", dirs)
    return links


def canonical_soname(name: str, cuda_major: Optional[int], cudnn_major: Optional[int]) -> Optional[str]:
    """The SONAME a build for this CUDA major links (used when torch's ELF files say nothing)."""
    if name == "nccl":
        return "libnccl.so.2"
    if name.startswith("cudnn"):
        return f"lib{name}.so.{cudnn_major}" if cudnn_major else None
    if cuda_major is None:
        return None
    if cuda_major == 11 and name in ("cudart", "nvrtc"):
        return {"cudart": "libcudart.so.11.0", "nvrtc": "libnvrtc.so.11.2"}[name]
    return f"lib{name}.so.{cuda_major}"


def cudnn_major(torch: Optional[TorchFacts]) -> Optional[int]:
    """The cuDNN major torch's metadata pins (or its bundled cuDNN version names)."""
    if torch is None:
        return None
    for requirement, spec in (torch.nvidia_requirements or {}).items():
        if requirement.startswith("nvidia-cudnn"):
            match = re.search(r"(\d+)", spec)
            if match:
                return int(match.group(1))
    match = re.match(r"(\d+)", torch.cudnn_version or "")
    return int(match.group(1)) if match else None


def _best(names: Iterable[str]) -> Optional[str]:
    """Among file names of one library, the newest major's SONAME-like name."""
    def major(name: str) -> int:
        kind = classify(name)
        return (parts(kind[1])[:1] or (0,))[0] if kind else 0

    ranked = sorted(names, key=lambda n: (-major(n), len(n), n))
    return ranked[0] if ranked else None


class Resolver:
    """The loader's search, over folder listings and the ld.so.cache entries."""

    def __init__(self, listings: Listings, ld_library_path: List[str], cache: List[Tuple[str, str]],
                 system_dirs: List[str]) -> None:
        self.listings = listings
        self.ld_library_path = ld_library_path
        self.cache = cache
        self.system_dirs = system_dirs

    def resolve(self, name: str, soname: Optional[str], kind: Optional[str],
                rpath_dirs: List[str]) -> Optional[Tuple[str, str]]:
        """(origin, path) of the copy the loader would open, or None."""
        steps = search_order(kind, rpath_dirs, self.ld_library_path)
        steps += [("ldconfig", []), ("system_dirs", self.system_dirs)]
        for origin, dirs in steps:
            if origin == "ldconfig":
                keys = [key for key, _ in self.cache if self._matches(key, name, soname)]
                choice = soname if soname in keys else _best(keys)
                for key, path in self.cache:
                    if key == choice and os.path.exists(path):
                        return origin, path
                continue
            for directory in dirs:
                names = [n for n in self.listings.names(directory) if self._matches(n, name, soname)]
                choice = _best(names)
                if choice:
                    return origin, os.path.join(directory, choice)
        return None

    @staticmethod
    def _matches(file_name: str, name: str, soname: Optional[str]) -> bool:
        if soname:
            return file_name == soname
        kind = classify(file_name)
        return bool(kind and kind[0] == name and kind[1])
