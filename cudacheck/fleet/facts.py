"""The facts that matter when two machines are compared, most consequential first.

One list serves ``cudacheck diff`` (two machines) and the drift table of ``cudacheck
fleet`` and of the preflight (many machines): each :class:`Fact` names its area, how
much a difference matters, and the value read from a Snapshot. ``None`` is unknown
(not probed, or the probe failed) and never counts as a difference; a known absence
has a value ("none").

Areas, in the order a difference is most likely to explain a failure: the driver, the
torch build, the CUDA libraries, the GPU model, GPU health, compiled extensions and
other packages, the container, the operating system.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Dict, Iterator, List, Optional, Tuple

from ..names import package_key
from ..snapshot import GpuFacts, Snapshot
from ..sizes import gib
from ..versions import parse

AREA_TITLES: Dict[str, str] = {
    "driver": "NVIDIA driver",
    "torch": "PyTorch build",
    "libraries": "CUDA libraries",
    "gpus": "GPUs",
    "health": "GPU health",
    "packages": "Extensions and packages",
    "container": "Container and environment",
    "platform": "Operating system",
}
AREA_RANK: Dict[str, int] = {area: rank for rank, area in enumerate(AREA_TITLES)}

EXTENSIONS = ("torchvision", "torchaudio", "triton", "xformers", "flash-attn", "flash-attn-3", "vllm",
              "bitsandbytes", "apex", "deepspeed", "transformer-engine", "transformer-engine-torch",
              "mamba-ssm", "causal-conv1d", "flashinfer-python", "sglang", "nvidia-dali-cuda120",
              "cupy-cuda12x", "cupy-cuda11x", "jax", "jaxlib", "tensorflow", "onnxruntime-gpu")
"""Packages whose version differing between nodes means different GPU code runs."""

PER_RANK_ENV = ("CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES")
"""Variables that differ between ranks by design (each rank narrowed to its device)."""


@dataclass(frozen=True)
class Fact:
    """One comparable fact of one machine."""

    key: str  # stable identifier, e.g. "driver.version", "libraries.cudnn", "packages.flash-attn"
    area: str
    label: str
    severity: str  # how much a difference matters: error | warning | info
    value: Optional[str]  # None: unknown
    major_severity: Optional[str] = None  # severity when the leading version number differs


def difference_severity(fact: Fact, values: List[str]) -> str:
    """How much it matters that ``values`` (two or more known values of ``fact``) differ."""
    if fact.major_severity:
        majors = {(parse(value) or (None,))[0] for value in values}
        if len(majors) > 1:
            return fact.major_severity
    return fact.severity


class MachineFacts:
    """Every comparable fact of one Snapshot, by key, and what a missing key means.

    A key one machine has and another lacks (a package installed on one node only, a
    variable set on one node only) is a known absence where that part was probed
    ("none", "unset"), and unknown where it was not.
    """

    def __init__(self, snapshot: Snapshot) -> None:
        self.facts: Dict[str, Fact] = {}
        for extract in _EXTRACTORS:
            for fact in extract(snapshot):
                self.facts[fact.key] = fact
        self._absent = {"packages": "none" if snapshot.packages is not None else None,
                        "wheels": "none" if snapshot.packages is not None else None,
                        "libraries": "none" if snapshot.libraries is not None else None,
                        "env": "unset"}

    def value(self, key: str) -> Optional[str]:
        """The value of ``key`` on this machine: known, known absent, or None (unknown)."""
        fact = self.facts.get(key)
        if fact is not None:
            return fact.value
        return self._absent.get(key.split(".", 1)[0])


# --- extractors, one per area -----------------------------------------------------------

def _driver(snapshot: Snapshot) -> Iterator[Fact]:
    nvml = snapshot.nvml
    if nvml.driver_version:
        version: Optional[str] = nvml.driver_version
    elif nvml.status and nvml.status != "ok":
        version = f"none ({nvml.status})"  # a known failure is a known value
    else:
        version = None
    yield Fact("driver.version", "driver", "driver", "warning", version)
    cuda = nvml.cuda_driver_version or snapshot.cuda_driver.driver_version
    yield Fact("driver.cuda", "driver", "newest CUDA the driver supports", "warning", cuda, "error")
    compat = snapshot.cuda_driver.is_compat_library
    yield Fact("driver.compat", "driver", "libcuda from cuda-compat", "warning",
               None if compat is None else ("yes" if compat else "no"))


def _torch(snapshot: Snapshot) -> Iterator[Fact]:
    torch = snapshot.torch
    if torch.version:
        version: Optional[str] = torch.version
    elif torch.installed is False:
        version = "none"
    else:
        version = None
    yield Fact("torch.version", "torch", "torch", "error", version)
    if torch.version:
        build = torch.cuda or (f"ROCm {torch.hip}" if torch.hip else "none (CPU-only)")
        yield Fact("torch.cuda", "torch", "torch built for CUDA", "error", build)
    python = snapshot.platform.python_version
    yield Fact("torch.python", "torch", "Python", "warning", _major_minor_text(python), "error")
    if torch.shadowed_by or len(torch.installs) > 1:
        yield Fact("torch.installs", "torch", "torch installs", "warning",
                   f"{len(torch.installs)} installs" + (", shadowed by a local folder" if torch.shadowed_by else ""))
    elif torch.installed:
        yield Fact("torch.installs", "torch", "torch installs", "warning", "1 install")


def _libraries(snapshot: Snapshot) -> Iterator[Fact]:
    libraries = snapshot.libraries
    if libraries is not None:
        for name, library in sorted(libraries.resolved.items()):
            severe = "error" if name in ("nccl", "cudnn", "cudart") else None
            yield Fact(f"libraries.{name}", "libraries", f"{name} (resolved)", "warning",
                       library.version or "found, version unknown", severe)
        yield Fact("libraries.nvcc", "libraries", "nvcc (extension builds only)", "info",
                   libraries.nvcc_version or "none")
    if snapshot.deep is not None and snapshot.deep.ran:
        yield Fact("libraries.nccl_loaded", "libraries", "NCCL loaded by torch", "warning",
                   snapshot.deep.nccl_version, "error")
        if snapshot.deep.cudnn_version is not None:
            yield Fact("libraries.cudnn_loaded", "libraries", "cuDNN loaded by torch", "warning",
                       str(snapshot.deep.cudnn_version))
    for package in snapshot.packages or ():
        name = package_key(package.name)
        if name.startswith("nvidia-"):
            severe = "error" if "nccl" in name or "cudnn" in name else None
            yield Fact(f"wheels.{name}", "libraries", name, "warning", package.version or "installed", severe)


def _gpus(snapshot: Snapshot) -> Iterator[Fact]:
    nvml = snapshot.nvml
    gpus = nvml.gpus
    if nvml.status != "ok" and not gpus:
        known = nvml.status is not None
        for key, label in (("gpus.model", "GPU model"), ("gpus.count", "GPU count")):
            yield Fact(key, "gpus", label, "warning", "none" if known else None)
        return
    yield Fact("gpus.count", "gpus", "GPU count", "warning",
               str(nvml.gpu_count if nvml.gpu_count is not None else len(gpus)))
    yield Fact("gpus.model", "gpus", "GPU model", "warning", _tally(g.name for g in gpus) or "none")
    yield Fact("gpus.compute_capability", "gpus", "compute capability", "error",
               _tally(g.compute_capability for g in gpus))
    yield Fact("gpus.memory", "gpus", "GPU memory", "warning",
               _tally(f"{g.memory_total_mib} MiB" if g.memory_total_mib else None for g in gpus))
    yield Fact("gpus.mig", "gpus", "MIG mode", "warning", _tally(_on_off(g.mig_mode) for g in gpus))
    yield Fact("gpus.ecc", "gpus", "ECC mode", "warning", _tally(_on_off(g.ecc_enabled) for g in gpus))
    yield Fact("gpus.persistence", "gpus", "persistence mode", "info",
               _tally(_on_off(g.persistence_mode) for g in gpus))
    yield Fact("gpus.pcie_width", "gpus", "PCIe link width", "warning",
               _tally(f"x{g.pcie_width_current}" if g.pcie_width_current else None for g in gpus))


def _health(snapshot: Snapshot) -> Iterator[Fact]:
    gpus = snapshot.nvml.gpus
    if not gpus:
        return
    problems: List[str] = []
    throttled: List[str] = []
    known = False
    for number, gpu in enumerate(gpus):
        label = f"GPU {gpu.index if gpu.index is not None else number}"
        found, seen = gpu_problems(gpu)
        known = known or seen
        problems.extend(f"{label}: {problem}" for problem in found)
        slowdowns = [name for name in gpu.clock_event_names if "slowdown" in name.lower()]
        if slowdowns:
            throttled.append(f"{label}: {', '.join(slowdowns)}")
    yield Fact("health.gpus", "health", "GPU health", "error", "; ".join(problems) or ("ok" if known else None))
    yield Fact("health.throttling", "health", "hardware slowdown", "warning",
               "; ".join(throttled) or ("none" if any(g.clock_event_reasons is not None for g in gpus) else None))


def gpu_problems(gpu: GpuFacts) -> Tuple[List[str], bool]:
    """(the health problems NVML reported for one GPU, whether any health fact was known)."""
    checks = (
        (gpu.lost, "fallen off the bus"),
        (gpu.remapped_rows_failed, "row remapping failed"),
        (gpu.remapped_rows_pending, "row remapping pending (reset the GPU)"),
        (gpu.retired_pages_pending, "page retirement pending (reset the GPU)"),
    )
    problems = [text for value, text in checks if value]
    known = any(value is not None for value, _ in checks) or gpu.ecc_uncorrected_volatile is not None
    if gpu.ecc_uncorrected_volatile:
        problems.append(f"{gpu.ecc_uncorrected_volatile} uncorrectable ECC errors since the last reset")
    return problems, known


def _packages(snapshot: Snapshot) -> Iterator[Fact]:
    if snapshot.packages is None:
        return
    present = {package_key(package.name): package for package in snapshot.packages}
    for name in EXTENSIONS:
        package = present.get(name)
        yield Fact(f"packages.{name}", "packages", name, "error", (package.version or "installed") if package else "none")
    for name, package in sorted(present.items()):
        if name not in EXTENSIONS and not name.startswith("nvidia-") and name != "torch" and package.libraries:
            yield Fact(f"packages.{name}", "packages", f"{name} (compiled)", "error", package.version or "installed")


def _container(snapshot: Snapshot) -> Iterator[Fact]:
    container = snapshot.container
    if container.image:
        yield Fact("container.image", "container", "image", "warning", container.image)
    shm = container.shm
    if shm is not None and shm.size_bytes is not None:
        yield Fact("container.shm", "container", "/dev/shm size", "warning", gib(shm.size_bytes))
    for name, value in sorted(container.env.items()):
        if name in PER_RANK_ENV or name.startswith("CUDACHECK_"):
            continue
        yield Fact(f"env.{name}", "container", name, "warning", value)


def _platform(snapshot: Snapshot) -> Iterator[Fact]:
    platform = snapshot.platform
    yield Fact("platform.kernel", "platform", "kernel", "warning", platform.kernel)
    yield Fact("platform.distro", "platform", "distribution", "info", platform.distro)
    yield Fact("platform.libc", "platform", "libc", "info", platform.libc)


_EXTRACTORS: Tuple[Callable[[Snapshot], Iterator[Fact]], ...] = (
    _driver, _torch, _libraries, _gpus, _health, _packages, _container, _platform)


# --- helpers ------------------------------------------------------------------------------

def _tally(values) -> Optional[str]:
    """The one value all GPUs share, or "4 × A, 4 × B" for a mix; None when any value is unknown."""
    items = list(values)
    if not items or any(item is None for item in items):
        return None
    counts = Counter(items)
    if len(counts) == 1:
        return items[0]
    return ", ".join(f"{count} × {value}" for value, count in sorted(counts.items()))


def _on_off(value: Optional[bool]) -> Optional[str]:
    return None if value is None else ("on" if value else "off")


def _major_minor_text(version: Optional[str]) -> Optional[str]:
    parts = parse(version)
    return f"{parts[0]}.{parts[1]}" if parts and len(parts) > 1 else version
