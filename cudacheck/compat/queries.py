"""Answers to ``cudacheck compat`` queries, as plain data (the JSON shapes are a contract)."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any, Dict, List, Optional

from ..errors import UsageError
from ..snapshot import GpuFacts
from ..versions import major_minor, parse
from .archs import parse_arch
from .db import CompatDB
from .plan import Machine, plan


def _sm(cc: str) -> str:
    arch = parse_arch(cc)
    return arch.sm if arch else cc


def cuda_query(db: CompatDB, cuda: str) -> Dict[str, Any]:
    """Minimum drivers, minor-version floor, nvcc targets and every release of one CUDA minor."""
    mm = major_minor(cuda)
    releases = db.cuda_releases(cuda) if mm else []
    if not releases:
        known = sorted({f"{major_minor(r.version)[0]}.{major_minor(r.version)[1]}"  # type: ignore[index]
                        for r in db.cuda.releases}, key=lambda v: parse(v) or (0,))
        raise UsageError(f"unknown CUDA version {cuda!r} (known: {', '.join(known)})")
    ga = releases[0]
    floor = db.minor_floor(mm[0])  # type: ignore[index]
    targets = db.nvcc_targets(cuda)
    return {
        "cuda": f"{mm[0]}.{mm[1]}",  # type: ignore[index]
        "min_driver": {"linux": ga.linux, "windows": ga.windows},
        "minor_compat_floor": {"linux": floor.linux, "windows": floor.windows} if floor else None,
        "sm": [_sm(cc) for cc in targets.sm] if targets else None,
        "releases": [asdict(r) for r in releases],
    }


def gpu_query(db: CompatDB, name: str) -> Dict[str, Any]:
    """One GPU product; an unknown name is a UsageError listing the closest names."""
    row = db.gpu_index.match(name) or db.gpu_index.by_pci_id(name if name.lower().startswith("0x") else None)
    if row is None:
        close = db.gpu_index.closest(name)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise UsageError(f"unknown GPU {name!r}{hint}")
    return {"name": row.name, "compute_capability": row.compute_capability,
            "architecture": row.architecture, "segment": row.segment,
            "nvml_names": row.nvml_names, "pci_device_ids": row.pci_device_ids,
            "source": row.source, "confidence": row.confidence}


def torch_query(db: CompatDB, version: str) -> Dict[str, Any]:
    """Python range, PyPI default variant, companions and each CUDA variant's targets."""
    release = db.torch_release(version)
    if release is None:
        known = ", ".join(r.version for r in db.torch.releases)
        raise UsageError(f"unknown torch version {version!r} (known series: {known})")
    shown = version if version.count(".") >= 2 else release.latest
    return {
        "torch": shown,
        "python": release.python,
        "pypi_default": release.pypi_default,
        "torchvision": release.companion("torchvision", shown),
        "torchaudio": release.companion("torchaudio", shown),
        "variants": [{"tag": v.tag, "cuda": v.cuda,
                      "sm": None if v.sm is None else [_sm(cc) for cc in v.sm],
                      "ptx": None if v.ptx is None else [_sm(cc) for cc in v.ptx], "cudnn": v.cudnn, "nccl": v.nccl,
                      "source": v.source, "confidence": v.confidence}
                     for v in sorted(release.variants, key=lambda v: parse(v.cuda) or (0,))],
    }


def plan_query(db: CompatDB, driver: Optional[str], gpus: List[str], python: Optional[str],
               platform: str = "linux", driver_cuda: Optional[str] = None) -> Dict[str, Any]:
    """Every official wheel that passes the rules on this driver and these GPUs, newest first
    (the planner doctor's remedies use); each names what it was checked against."""
    if not driver and not driver_cuda:
        raise UsageError("compat plan needs --driver VERSION (or --driver-cuda X.Y)")
    if driver and parse(driver) is None:
        raise UsageError(f"--driver: not a driver version: {driver!r}")
    archs = []
    facts = []
    for index, name in enumerate(gpus):
        arch = parse_arch(name)
        label = None
        if arch is None:
            row = db.gpu_index.match(name)
            if row is None or not row.compute_capability:
                close = db.gpu_index.closest(name)
                hint = f"; closest: {', '.join(close)}" if close else ""
                raise UsageError(f"unknown GPU {name!r}{hint}")
            arch = parse_arch(row.compute_capability)
            label = row.nvml_names[0] if row.nvml_names else row.name
        archs.append(arch)
        facts.append(GpuFacts(index=index, name=label, compute_capability=arch.cc if arch else None))
    if python and major_minor(python) is None:
        raise UsageError(f"--python: not a Python version: {python!r}")
    machine = Machine(driver_version=driver, driver_cuda=driver_cuda, gpus=facts, python=python, platform=platform)
    candidates = plan(db, machine)
    return {"driver": driver, "gpus": [a.sm for a in archs], "python": python,
            "candidates": [{"torch": c.torch, "tag": c.tag, "cuda": c.cuda, "install": c.install,
                            "notes": [c.checked] + c.notes} for c in candidates]}
