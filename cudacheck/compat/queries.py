"""Answers to ``cudacheck compat`` queries, as plain data (the JSON shapes are a contract)."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any, Dict, List, Optional

from ..errors import UsageError
from ..snapshot import GpuFacts
from ..versions import major_minor, parse
from .archs import Arch, parse_arch
from .db import CompatDB
from .gpu_names import UNKNOWN
from .plan import Machine, plan
from .tables import ArchRow, GpuRow


def _sm(cc: str) -> str:
    arch = parse_arch(cc)
    return arch.sm if arch else cc


def cuda_query(db: CompatDB, cuda: str) -> Dict[str, Any]:
    """Minimum drivers, driver branch, minor-version floor, nvcc targets and every release of one
    CUDA minor (release candidates listed in the driver table are not the minimum)."""
    mm = major_minor(cuda)
    releases = db.cuda_releases(cuda) if mm else []
    if mm is None or not releases:
        known = sorted({".".join(map(str, release_mm)) for r in db.cuda.releases
                        for release_mm in [major_minor(r.version)] if release_mm}, key=lambda v: parse(v) or (0,))
        raise UsageError(f"unknown CUDA version {cuda!r} (known: {', '.join(known)})")
    ga = next((r for r in releases if not r.prerelease), releases[0])
    floor = db.minor_floor(mm[0])
    targets = db.nvcc_targets(cuda)
    return {
        "cuda": f"{mm[0]}.{mm[1]}",
        "min_driver": {"linux": ga.linux, "windows": ga.windows},
        "driver_branch": ga.driver_branch,
        "minor_compat_floor": {"linux": floor.linux, "windows": floor.windows} if floor else None,
        "sm": [_sm(cc) for cc in targets.sm] if targets else None,
        "releases": [asdict(r) for r in releases],
    }


def gpu_query(db: CompatDB, name: str) -> Dict[str, Any]:
    """What a GPU name (or PCI device id) means: one product, a family that agrees on compute
    capability, or an ambiguous name with every candidate. An unknown name is a UsageError
    listing the closest names."""
    resolution = db.gpu_index.resolve(name)
    if resolution.kind == UNKNOWN:
        close = db.gpu_index.closest(name)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise UsageError(f"unknown GPU {name!r}{hint}")
    row = resolution.row
    segments = {r.segment for r in resolution.candidates}
    data: Dict[str, Any] = {
        "query": name, "kind": resolution.kind,
        "name": row.name if row else None,
        "compute_capability": resolution.compute_capability,
        "architecture": resolution.architecture,
        "segment": next(iter(segments)) if len(segments) == 1 else None,
        "candidates": [_gpu_row(r) for r in resolution.candidates],
    }
    if row is not None:
        data.update({k: v for k, v in _gpu_row(row).items() if k not in data or data[k] is None})
    arch = db.arch(resolution.compute_capability) if resolution.compute_capability else None
    data["support"] = _support(arch) if arch is not None else None
    return data


def _support(arch: ArchRow) -> Dict[str, Any]:
    """Which CUDA toolkits and driver branches support an architecture (None: not known, or no end yet)."""
    return {"first_cuda": arch.first_cuda, "last_cuda": arch.last_cuda, "last_driver_branch": arch.last_driver_branch,
            "last_driver_branch_source": arch.last_driver_branch_source,
            "last_driver_branch_confidence": arch.last_driver_branch_confidence, "integrated": arch.integrated,
            "source": arch.source, "confidence": arch.confidence}


def support_text(support: Optional[Dict[str, Any]]) -> Optional[str]:
    """``"CUDA 5.0 → 11.8; drivers up to the R470 branch"`` (None when nothing is known)."""
    if not support:
        return None
    first, last = support["first_cuda"], support["last_cuda"]
    toolkits = (f"CUDA {first} → {last}" if first and last else f"CUDA up to {last}" if last else
                f"CUDA {first} and newer" if first else None)
    branch = support["last_driver_branch"]
    drivers = f"drivers up to the R{branch} branch" if branch else None
    integrated = "integrated (Jetson)" if support["integrated"] else None
    parts = [p for p in (toolkits, drivers, integrated) if p]
    return "; ".join(parts) or None


def _gpu_row(row: GpuRow) -> Dict[str, Any]:
    return {"name": row.name, "compute_capability": row.compute_capability, "architecture": row.architecture,
            "segment": row.segment, "nvml_names": row.nvml_names, "aliases": row.aliases,
            "pci_device_ids": row.pci_device_ids, "brand": row.brand, "source": row.source,
            "confidence": row.confidence, "note": row.note}


def nccl_query(db: CompatDB, version: str) -> Dict[str, Any]:
    """CUDA majors and the lowest compute capability NCCL ``version``'s kernels cover."""
    release = db.nccl_release(version)
    if release is None:
        known = [r.version for r in db.nccl.releases]
        raise UsageError(f"unknown NCCL version {version!r} (known: {known[0]} … {known[-1]})")
    return {"nccl": release.version, "cuda_majors": release.cuda_majors,
            "min_compute_capability": release.min_compute_capability,
            "min_compute_capability_by_cuda_major": release.min_compute_capability_by_cuda_major,
            "pypi_packages": release.pypi_packages, "pytorch_pypi_wheels": release.pytorch_pypi_wheels,
            "source": release.source, "confidence": release.confidence, "note": release.note}


def torch_query(db: CompatDB, version: str) -> Dict[str, Any]:
    """Python range, PyPI default variant, companions and each CUDA variant's targets (as built
    for that patch release), with the lowest compute capability its NCCL supports."""
    release = db.torch_release(version)
    if release is None:
        known = ", ".join(r.version for r in db.torch.releases)
        raise UsageError(f"unknown torch version {version!r} (known series: {known})")
    shown = version if version.count(".") >= 2 else release.latest
    variants = [db.torch_variant(shown, v.cuda) or v for v in release.variants]
    return {
        "torch": shown,
        "known_patch": db.knows_torch_patch(shown),
        "python": release.python,
        "pypi_default": release.pypi_default,
        "torchvision": release.companion("torchvision", shown),
        "torchaudio": release.companion("torchaudio", shown),
        "variants": [{"tag": v.tag, "cuda": v.cuda,
                      "sm": None if v.sm is None else [_sm(cc) for cc in v.sm],
                      "ptx": None if v.ptx is None else [_sm(cc) for cc in v.ptx], "cudnn": v.cudnn, "nccl": v.nccl,
                      "nccl_min_compute_capability": _nccl_floor(db, v.nccl, v.cuda),
                      "source": v.source, "confidence": v.confidence}
                     for v in sorted(variants, key=lambda v: parse(v.cuda) or (0,))],
    }


def _nccl_floor(db: CompatDB, nccl: Optional[str], cuda: str) -> Optional[str]:
    if not nccl:
        return None
    mm = major_minor(cuda)
    floor = db.nccl_min_compute_capability(nccl, mm[0] if mm else None)
    return floor[0] if floor else None


def plan_query(db: CompatDB, driver: Optional[str], gpus: List[str], python: Optional[str],
               platform: str = "linux", driver_cuda: Optional[str] = None) -> Dict[str, Any]:
    """Every official wheel that passes the rules on this driver and these GPUs, newest first
    (the planner doctor's remedies use); each names what it was checked against."""
    if not driver and not driver_cuda:
        raise UsageError("compat plan needs --driver VERSION (or --driver-cuda X.Y)")
    if driver and parse(driver) is None:
        raise UsageError(f"--driver: not a driver version: {driver!r}")
    archs: List[Optional[Arch]] = []
    facts = []
    for index, name in enumerate(gpus):
        arch = parse_arch(name)
        label = None
        if arch is None:
            resolution = db.gpu_index.resolve(name)
            if resolution.kind == UNKNOWN:
                close = db.gpu_index.closest(name)
                hint = f"; closest: {', '.join(close)}" if close else ""
                raise UsageError(f"unknown GPU {name!r}{hint}")
            if not resolution.known:
                choices = "; ".join(f"{r.name} ({r.compute_capability or '?'})" for r in resolution.candidates)
                raise UsageError(f"GPU {name!r} is ambiguous: {choices}; name the product or give its compute "
                                 "capability (e.g. --gpu 8.9)")
            arch = parse_arch(resolution.compute_capability or "")
            row = resolution.row
            label = (row.nvml_names[0] if row.nvml_names else row.name) if row else name
        archs.append(arch)
        facts.append(GpuFacts(index=index, name=label, compute_capability=arch.cc if arch else None))
    if python and major_minor(python) is None:
        raise UsageError(f"--python: not a Python version: {python!r}")
    machine = Machine(driver_version=driver, driver_cuda=driver_cuda, gpus=facts, python=python, platform=platform)
    candidates = plan(db, machine)
    return {"driver": driver, "gpus": [a.sm if a else None for a in archs], "python": python,
            "candidates": [{"torch": c.torch, "tag": c.tag, "cuda": c.cuda, "install": c.install,
                            "notes": [c.checked] + c.notes} for c in candidates]}
