"""Build Snapshots by hand: for cudacheck's own tests and for users testing policies.

>>> from cudacheck.testing import make_snapshot, gpu
>>> snap = make_snapshot(driver="535.104.05", cuda="12.2", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")],
...                      torch="2.4.1+cu121", torch_cuda="12.1")
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from .snapshot import (ContainerFacts, CudaDriverFacts, GpuFacts, NvmlFacts, PackageFacts, PlatformFacts,
                       ShmFacts, Snapshot, TorchFacts)
from .vocabulary import SnapshotOrigin


def gpu(name: str, compute_capability: Optional[str] = None, memory_mib: Optional[int] = 81920,
        index: Optional[int] = None, **facts: Any) -> GpuFacts:
    """One GPU; ``facts`` sets any other GpuFacts field (ecc_uncorrected_volatile=2, …)."""
    return GpuFacts(index=index, name=name, compute_capability=compute_capability,
                    memory_total_mib=memory_mib, **facts)


def make_snapshot(*, driver: Optional[str] = None, cuda: Optional[str] = None,
                  gpus: Iterable[GpuFacts] = (), nvml_status: Optional[str] = None,
                  torch: Optional[str] = None, torch_cuda: Optional[str] = None,
                  torch_hip: Optional[str] = None, nvidia_requirements: Optional[Dict[str, str]] = None,
                  packages: Optional[Dict[str, str]] = None, python: str = "3.11.9",
                  in_container: Optional[bool] = False, env: Optional[Dict[str, str]] = None,
                  shm_bytes: Optional[int] = None, dev_nodes: Optional[List[str]] = None,
                  cuda_init_code: Optional[int] = None, source: SnapshotOrigin = "live") -> Snapshot:
    """A Snapshot with the given facts; everything not given stays unknown (None)."""
    gpu_list = list(gpus)
    for number, item in enumerate(gpu_list):
        if item.index is None:
            item.index = number
    status = nvml_status or ("ok" if driver or gpu_list else None)
    snapshot = Snapshot(source=source, level="standard")
    snapshot.platform = PlatformFacts(system="Linux", machine="x86_64", python_version=python)
    snapshot.nvml = NvmlFacts(status=status, driver_version=driver, cuda_driver_version=cuda,
                              gpu_count=len(gpu_list) if status == "ok" else None, gpus=gpu_list)
    snapshot.cuda_driver = CudaDriverFacts(init_code=cuda_init_code)
    if torch is not None:
        snapshot.torch = TorchFacts(installed=True, version=torch, cuda=torch_cuda, hip=torch_hip,
                                    nvidia_requirements=dict(nvidia_requirements or {}))
    else:
        snapshot.torch = TorchFacts(installed=False)
    if packages is not None:
        snapshot.packages = [PackageFacts(name=name, version=version) for name, version in packages.items()]
    snapshot.container = ContainerFacts(in_container=in_container, env=dict(env or {}), dev_nodes=dev_nodes,
                                        shm=ShmFacts(exists=True, size_bytes=shm_bytes, writable=True)
                                        if shm_bytes is not None else None)
    return snapshot


def findings(report, code: str) -> list:
    """The findings of one rule code in a Report."""
    return [f for f in report.findings if f.code == code]
