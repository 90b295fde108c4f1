"""CUDA library discovery: which libcudart/libcudnn/libnccl/libcublas/libnvrtc files exist
where, which copy the dynamic loader would give torch, and what version each really is.

The work is done by one module per question — :mod:`.library_files` (what exists where),
:mod:`.library_resolution` (what the loader picks for torch), :mod:`.library_versions`
(versions from files; a child loads a library only when nothing else tells) and
:mod:`.cuda_toolkit` (CUDA_HOME, nvcc, system cuDNN headers) — over the host places
in :class:`~cudacheck.probes.host.HostRoots`.
"""
from __future__ import annotations

import sys
import time
from typing import Dict, List, Optional, Sequence, Tuple

from ..snapshot import LibrariesFacts, PackageFacts, ProbeError, TorchFacts
from .cuda_toolkit import NvccVersion, cudnn_header_version, find_cuda_home, find_nvcc, system_include_dirs
from .host import HostRoots
from ..versions import parts
from .library_files import FileInventory, FoundFile, classify, discover, note_mapped, owners, path_list
from .library_resolution import Resolver, canonical_soname, cudnn_major, torch_links
from .library_versions import CALLABLE, ask_versions, from_header, from_metadata, precise
from .loader import read_ld_cache
from .paths import shorten

__all__ = ["libraries_facts", "note_mapped", "classify"]
LIBS_CHILD_TIMEOUT = 8.0
NVCC_TIMEOUT = 5.0


def libraries_facts(env: Dict[str, str], torch: Optional[TorchFacts] = None,
                    packages: Optional[Sequence[PackageFacts]] = None, *,
                    errors: Optional[List[ProbeError]] = None, deadline: Optional[float] = None,
                    search_path: Optional[Sequence[str]] = None, roots: Optional[HostRoots] = None,
                    call_versions: bool = True, conda_prefix: Optional[str] = None) -> LibrariesFacts:
    """Library files by origin, the copy the loader would pick for torch, and their versions.

    ``env`` is the snapshot's allow-listed environment (LD_LIBRARY_PATH, CUDA_HOME,
    CONDA_PREFIX); ``packages`` the packages probe's answer (which wheel owns which
    file); ``roots`` the host's system-wide places (default: this machine's);
    ``deadline`` (``time.monotonic()``) bounds the version child; ``search_path`` is the
    inspected environment's import path (default ``sys.path``) and ``conda_prefix`` its
    conda environment when it is one (default ``CONDA_PREFIX`` of ``env``).
    """
    started = time.monotonic()
    deadline = deadline if deadline is not None else started + LIBS_CHILD_TIMEOUT
    errors = errors if errors is not None else []
    roots = roots if roots is not None else HostRoots.system()
    search_path = list(sys.path if search_path is None else search_path)
    cuda_home, cuda_home_source = find_cuda_home(env, roots)
    nvcc_path = find_nvcc(cuda_home, roots)
    nvcc = NvccVersion(nvcc_path)

    links = torch_links(torch)
    cache = [(key, path) for key, path in read_ld_cache(roots.ld_cache) if classify(key)]
    if conda_prefix:
        env = dict(env, CONDA_PREFIX=conda_prefix)
    inventory = discover(env, cuda_home, search_path, links.dirs, packages, cache, roots)
    owned = owners(packages)
    for key, found in inventory.files.items():
        from_metadata(found, owned.get(key, []))
        from_header(found)

    resolved = _resolve(inventory, links, torch, env, cache, roots)
    if call_versions:
        ask_versions([(name, path, found) for name, (_o, path, found) in resolved.items()
                       if name in CALLABLE and not precise(found)], deadline, errors)
    facts = LibrariesFacts(
        found=[f.facts() for f in inventory.files.values()],
        resolved={name: found.facts(path, origin) for name, (origin, path, found) in resolved.items()},
        nvcc_path=shorten(nvcc_path), cuda_home=shorten(cuda_home), cuda_home_source=cuda_home_source,
        system_cudnn_version=_system_cudnn(inventory, cuda_home, env, roots),
        torch_needed=links.needed, torch_rpath_kind=links.kind,
        torch_rpath=[shorten(d) or d for d in links.dirs] if links.needed is not None else None)
    facts.nvcc_version = nvcc.result(min(deadline, time.monotonic() + NVCC_TIMEOUT))
    return facts


def _resolve(inventory: FileInventory, links, torch: Optional[TorchFacts], env: Dict[str, str],
             cache: List[Tuple[str, str]], roots: HostRoots) -> Dict[str, Tuple[str, str, FoundFile]]:
    """For every library name: (origin, path, file) of the copy the loader would pick for torch."""
    resolver = Resolver(inventory.listings, path_list(env.get("LD_LIBRARY_PATH")), cache, list(roots.lib_dirs))
    cuda_major = (parts(torch.cuda)[:1] or [None])[0] if torch and torch.cuda else None
    cudnn = cudnn_major(torch)
    wanted: Dict[str, Optional[str]] = {}
    for soname in links.needed or []:
        kind = classify(soname)
        if kind is None:
            continue  # not a CUDA library this probe follows
        name, version = kind
        wanted.setdefault(name, soname)
        if name == "cudnn" and version:
            cudnn = parts(version)[0]  # what torch links beats what its metadata pins
    names = sorted({f.name for f in inventory.files.values()} | set(wanted))
    resolved: Dict[str, Tuple[str, str, FoundFile]] = {}
    for name in names:
        soname = wanted.get(name) or canonical_soname(name, cuda_major, cudnn)
        kind, dirs = links.owner.get(soname or "", (links.kind, links.dirs))
        hit = resolver.resolve(name, soname, kind, dirs)
        if hit is None:
            continue
        origin, path = hit
        found = inventory.get(path) or inventory.add(origin, path)
        if found is not None:
            from_header(found)
            resolved[name] = (origin, path, found)
    return resolved


def _system_cudnn(inventory: FileInventory, cuda_home: Optional[str], env: Dict[str, str],
                  roots: HostRoots) -> Optional[str]:
    """What collect_env calls "cuDNN version": system headers, else system libcudnn file names."""
    version = cudnn_header_version(system_include_dirs(cuda_home, env, roots))
    if version:
        return version
    candidates = [f.version for f in inventory.files.values()
                  if f.name == "cudnn" and f.version and f.version_source == "filename"
                  and set(f.origins) & {"ldconfig", "system_dirs", "cuda_home"}]
    return max(candidates, key=lambda v: (len(parts(v)), parts(v))) if candidates else None
