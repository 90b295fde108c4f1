"""Python package probe: GPU-relevant distributions, read from dist-info folders.

Reads METADATA/RECORD files directly (no ``pip`` subprocess, no importlib.metadata
start-up cost), on the same search path the interpreter imports from.
"""
from __future__ import annotations

import os
import sys
from typing import Dict, List, Optional, Sequence

from ..names import package_key
from ..snapshot import PackageFacts
from .paths import folders, shorten

WATCHED = {"torch", "torchvision", "torchaudio", "triton", "xformers", "flash-attn", "flash_attn",
           "deepspeed", "vllm", "jax", "jaxlib", "tensorflow", "cupy", "onnxruntime-gpu",
           "pytorch-triton", "apex", "bitsandbytes", "nvidia-ml-py", "pynvml"}


def _wanted(name: str) -> bool:
    name = package_key(name)
    return name in WATCHED or name.startswith(("nvidia-", "cupy-"))


def _metadata(dist_info: str) -> Dict[str, str]:
    fields: Dict[str, str] = {}
    try:
        with open(os.path.join(dist_info, "METADATA"), encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if not line.strip():
                    break
                key, _, value = line.partition(":")
                if key in ("Name", "Version"):
                    fields[key] = value.strip()
    except OSError:
        pass
    return fields


def _libraries(dist_info: str) -> List[str]:
    """Shared libraries the wheel installed, from its RECORD (relative to site-packages)."""
    libraries = []
    try:
        with open(os.path.join(dist_info, "RECORD"), encoding="utf-8", errors="replace") as handle:
            for line in handle:
                path = line.split(",", 1)[0]
                if ".so" in path.rsplit("/", 1)[-1]:
                    libraries.append(path)
    except OSError:
        pass
    return libraries


def package_facts(search_path: Optional[Sequence[str]] = None) -> List[PackageFacts]:
    """Every watched distribution on the search path (first occurrence of a name wins)."""
    found: Dict[str, PackageFacts] = {}
    for directory in folders(sys.path if search_path is None else search_path):
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        for name in names:
            if not name.endswith(".dist-info") or not _wanted(name.split("-", 1)[0]):
                continue
            dist_info = os.path.join(directory, name)
            fields = _metadata(dist_info)
            package = fields.get("Name") or name.split("-", 1)[0]
            key = package_key(package)
            if key in found:
                continue
            libraries = _libraries(dist_info) if key.startswith("nvidia-") else []
            found[key] = PackageFacts(name=package, version=fields.get("Version"),
                                      location=shorten(directory), libraries=libraries)
    return sorted(found.values(), key=lambda p: package_key(p.name))
