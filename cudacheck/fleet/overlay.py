"""Assume a target's driver and GPUs at the Snapshot seam (``doctor --target``).

The real probes describe this environment: torch, extensions, libraries, the image's
``NVIDIA_REQUIRE_*``. The target replaces what the machine it will run on decides —
the driver, the newest CUDA it supports, the GPUs — and every fact that belongs to
the machine being probed rather than to the environment becomes unknown: device
nodes, the user, ``/dev/shm``, visible-device masks, cgroup limits, the kernel, GPU
health, deep-probe results and mapped libraries. The rules are unchanged: they stay
silent on unknowns, so what they report follows from the environment and the target.
"""
from __future__ import annotations

import copy
import re
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..compat.db import CompatDB, default_db
from ..compat.tables import GpuRow
from ..errors import UsageError
from ..fact_paths import assign, key, path_of
from ..snapshot import Assumption, CudaDriverFacts, GpuFacts, NvmlFacts, ShmFacts, Snapshot
from .targets import Target
from ..lazy_regex import lazy_compile

HOST_FIELDS: List[Tuple[Callable[[Snapshot], Any], str]] = [
    (lambda s: s.container.dev_nodes, "device nodes"),
    (lambda s: s.container.uid, "user"),
    (lambda s: s.container.shm, "/dev/shm"),
    (lambda s: s.container.cuda_visible_devices, "visible-device masks"),
    (lambda s: s.container.nvidia_visible_devices, "visible-device masks"),
    (lambda s: s.container.cgroup_memory_limit_bytes, "cgroup limits"),
    (lambda s: s.container.cgroup_cpu_limit, "cgroup limits"),
    (lambda s: s.container.ipc_host, "IPC mode"),
    (lambda s: s.container.gpus_flag, "--gpus flag"),
    (lambda s: s.platform.kernel, "kernel"),
    (lambda s: s.deep, "deep-probe results"),
]
"""Facts about the machine that was probed, not about the environment: unknown (None) for a
target, with the words the report uses for them."""
HOST_PARTS = {
    "container.env.CUDA_VISIBLE_DEVICES": "visible-device masks",
    "container.env.NVIDIA_VISIBLE_DEVICES": "visible-device masks",
    "nvml.gpus.health": "GPU health", "observations": "observed errors", "libraries.mapped": "mapped libraries",
}
"""Parts of facts that belong to the probed machine, forgotten by :func:`_forget_host` (the GPUs'
health goes with the probed GPUs, replaced by the target's)."""
HOST_ONLY: Dict[str, str] = {**{key(where): words for where, words in HOST_FIELDS}, **HOST_PARTS}
"""Every host-only fact by the name ``Assumption.unknown`` lists, with its words."""

REPLACED = ("nvml", "cuda_driver")
REPLACED_PROBES = ("nvml", "cuda_driver", "deep")
_CC = lazy_compile(r"^\d+\.\d+$")
_GFD_SUFFIX = lazy_compile(r"(-SHARED|-MIG-[0-9A-Za-z.+-]*)+$", re.IGNORECASE)


def gpu_label(product: str) -> str:
    """A GPU Feature Discovery product label without its sharing/MIG suffix:
    ``NVIDIA-A100-SXM4-40GB-MIG-1g.5gb`` → ``NVIDIA-A100-SXM4-40GB``."""
    return _GFD_SUFFIX.sub("", product.strip())


def resolve_gpu(target: Target, db: CompatDB) -> "tuple[Optional[str], Optional[str], Optional[GpuRow]]":
    """(NVML-style name, compute capability, product row) for a target's GPU.

    A bare compute capability gives no name; a name the GPU table does not know is a
    usage error unless the target also gives its compute capability.
    """
    gpu = (target.gpu or "").strip()
    if not gpu or _CC.match(gpu):
        return None, target.cc or (gpu or None), None
    label = gpu_label(gpu)
    row = db.gpu_index.match(label)
    if row is None:
        if target.cc:
            return label, target.cc, None
        hints = db.gpu_index.closest(label)
        hint = f"; did you mean: {', '.join(hints)}" if hints else ""
        raise UsageError(f"target {target.name!r}: unknown GPU {gpu!r} (give cc=X.Y with it){hint}")
    name = row.nvml_names[0] if row.nvml_names else row.name
    return name, target.cc or row.compute_capability, row


def assume(snapshot: Snapshot, target: Target, db: Optional[CompatDB] = None) -> Snapshot:
    """A copy of ``snapshot`` as it would look on ``target`` (see the module docstring)."""
    db = db or default_db()
    result = copy.deepcopy(snapshot)
    assumption = Assumption(target=target.name, description=target.describe())
    if target.snapshot is not None:
        result.nvml = copy.deepcopy(target.snapshot.nvml)
        result.cuda_driver = copy.deepcopy(target.snapshot.cuda_driver)
        assumption.notes.append(f"driver and GPUs as observed in {target.source or 'a snapshot'}")
    else:
        result.nvml, result.cuda_driver = _driver_and_gpus(target, db, assumption.notes)
    assumption.replaced = list(REPLACED)
    _forget_host(result, target, assumption)
    result.probe_errors = [e for e in result.probe_errors if e.probe not in REPLACED_PROBES]
    result.assumed = assumption
    return result


def _driver_and_gpus(target: Target, db: CompatDB, notes: List[str]) -> "tuple[NvmlFacts, CudaDriverFacts]":
    cuda = target.driver_cuda
    if cuda is None and target.driver:
        cuda = db.driver_cuda(target.driver)
        if cuda:
            notes.append(f"driver {target.driver} supports CUDA ≤ {cuda} (the newest CUDA release whose minimum "
                         f"driver it meets, from the compat data)")
        if target.driver.count(".") == 0:
            notes.append(f"driver given as branch {target.driver} only: judged as its oldest release")
    name, cc, row = resolve_gpu(target, db)
    if target.gpu and row is not None:
        notes.append(f"GPU {target.gpu!r} is {row.name} (compute capability {row.compute_capability})")
    if not target.gpu and not target.cc:
        notes.append("GPU model not given: unknown, so architecture checks cannot run")
    memory = _memory_mib(target)
    count = target.count if target.count is not None else 1
    if target.count is None:
        notes.append("GPU count not given: judged as one GPU")
    gpus = [GpuFacts(index=i, name=name, compute_capability=cc, architecture=row.architecture if row else None,
                     brand=target.brand, memory_total_mib=memory) for i in range(count)]
    nvml = NvmlFacts(status="ok", driver_version=target.driver, cuda_driver_version=cuda,
                     gpu_count=target.count, gpus=gpus)
    return nvml, CudaDriverFacts(driver_version=cuda)


def _memory_mib(target: Target) -> Optional[int]:
    if target.memory is None:
        return None
    if target.memory.isdigit():
        return int(target.memory)  # GFD's nvidia.com/gpu.memory is in MiB
    from ..policy import parse_size

    return parse_size(target.memory, f"target {target.name!r}: memory") // 2**20


def _forget_host(snapshot: Snapshot, target: Target, assumption: Assumption) -> None:
    for where, _ in HOST_FIELDS:
        assign(snapshot, path_of(where), None)
    container = snapshot.container
    container.env = {k: v for k, v in container.env.items() if k not in ("CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES")}
    if target.shm:
        from ..policy import parse_size

        container.shm = ShmFacts(exists=True, size_bytes=parse_size(target.shm, f"target {target.name!r}: shm"))
        assumption.replaced.append("container.shm")
    snapshot.observations = []
    if snapshot.libraries is not None:
        libraries = snapshot.libraries
        libraries.found = [lib for lib in libraries.found if lib.origin != "mapped"]
        for lib in libraries.found:
            lib.origins = [origin for origin in lib.origins if origin != "mapped"]
        libraries.resolved = {name: lib for name, lib in libraries.resolved.items() if lib.origin != "mapped"}
    assumption.unknown = [name for name in HOST_ONLY if not (name == "container.shm" and target.shm)
                          and not (name == "nvml.gpus.health" and target.snapshot is not None)]
