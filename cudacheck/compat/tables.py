"""Row types of the compatibility tables in ``compat_data/`` (one dataclass per row kind).

Every row names its ``source`` and ``confidence`` (official | code | secondary | inferred).
Rows are read-only data: no generated ``__eq__``/``__repr__`` (cheaper to define on the
health path).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

FORBID_EXTRA = {"extra": "forbid"}


@dataclass(eq=False, repr=False)
class CudaRelease:
    """One CUDA toolkit release and the minimum driver its full feature set needs."""

    release: str
    version: str
    linux: Optional[str]
    windows: Optional[str]
    source: str
    confidence: str
    driver_branch: Optional[str] = None
    version_confidence: Optional[str] = None
    prerelease: Optional[bool] = None
    note: Optional[str] = None


@dataclass(eq=False, repr=False)
class MinorVersionFloor:
    """The driver floor that runs any minor of one CUDA major (minor-version compatibility)."""

    cuda_major: int
    linux: Optional[str]
    windows: Optional[str]
    source: str
    confidence: str
    branch_min: Optional[str] = None
    branch_max_exclusive: Optional[str] = None
    note: Optional[str] = None


@dataclass(eq=False, repr=False)
class DriverBranch:
    """One NVIDIA driver branch as NVIDIA's data center driver documentation lists it: its
    designation (Long Term Support, Production, New Feature), end of life and the newest CUDA
    major it runs without a forward-compatibility package."""

    branch: str
    designation: Optional[str]
    end_of_life: Optional[str]
    max_cuda_major: Optional[int]
    source: str
    confidence: str
    note: Optional[str] = None


@dataclass(eq=False, repr=False)
class DriverFeature:
    """A CUDA feature that needs a newer driver than minor-version compatibility's floor: code built with CUDA
    ``since_cuda`` or later that uses it fails with ``error`` on a driver of a branch below ``branch_min``."""

    feature: str
    since_cuda: str
    branch_min: str
    error: str
    source: str
    confidence: str
    note: Optional[str] = None


@dataclass(eq=False, repr=False)
class CudaTable:
    """``cuda_toolkits.json``."""

    schema_version: int
    data_version: str
    releases: List[CudaRelease]
    minor_version_compat: List[MinorVersionFloor]
    forward_compat: Dict[str, Any] = field(default_factory=dict)
    description: str = ""
    minor_version_compat_note: Optional[Dict[str, Any]] = None
    unlisted_versions_note: Optional[Dict[str, Any]] = None
    driver_branches: List[DriverBranch] = field(default_factory=list)
    driver_features: List[DriverFeature] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class GpuRow:
    """One GPU product: how NVML names it, its compute capability and market segment."""

    name: str
    nvml_names: List[str]
    compute_capability: Optional[str]
    architecture: Optional[str]
    segment: str
    source: str
    confidence: str
    pci_device_ids: List[str] = field(default_factory=list)
    nvswitch: bool = False
    memory_gib: Optional[float] = None
    note: Optional[str] = None
    aliases: List[str] = field(default_factory=list)  # marketing names that are not NVML strings
    brand: Optional[str] = None  # NVML brand (nvmlDeviceGetBrand), None where not sourced
    brand_source: Optional[str] = None


@dataclass(eq=False, repr=False)
class GpuTable:
    """``gpus.json``."""

    schema_version: int
    data_version: str
    gpus: List[GpuRow]
    description: str = ""


@dataclass(eq=False, repr=False)
class ArchRow:
    """One compute capability: its architecture and the CUDA/driver range that supports it."""

    compute_capability: str
    architecture: Optional[str]
    first_cuda: Optional[str]
    last_cuda: Optional[str]
    source: str
    confidence: str
    last_driver_branch: Optional[str] = None
    last_driver_branch_source: Optional[str] = None
    last_driver_branch_confidence: Optional[str] = None
    integrated: Optional[bool] = None
    note: Optional[str] = None


@dataclass(eq=False, repr=False)
class NvccTargets:
    """The compute capabilities one CUDA toolkit's nvcc can build SASS for."""

    cuda: str
    sm: List[str]
    source: str
    confidence: str
    note: Optional[str] = None


@dataclass(eq=False, repr=False)
class ArchTable:
    """``architectures.json``."""

    schema_version: int
    data_version: str
    architectures: List[ArchRow]
    nvcc_targets: List[NvccTargets]
    description: str = ""


@dataclass(eq=False, repr=False)
class TorchVariant:
    """One official Linux x86_64 CUDA wheel variant of a torch release.

    ``sm``/``ptx`` are ``None`` when nobody could source the variant's targets: an unknown
    arch list, which rules must never read as an empty one.
    """

    tag: str
    cuda: str
    sm: Optional[List[str]]  # None: not known (never the same as [], "known to have none")
    ptx: Optional[List[str]]
    source: str
    confidence: str
    arch_list: Optional[str] = None
    cudnn: Optional[str] = None
    nccl: Optional[str] = None
    nvidia_pins: Dict[str, str] = field(default_factory=dict)
    note: Optional[str] = None
    patch_overrides: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    """Patch releases built differently from the series' latest patch: ``{"1.3.0": {"sm": [...],
    "ptx": [...], "arch_list": ..., "cudnn": ..., "source": ..., "note": ...}}``."""


@dataclass(eq=False, repr=False)
class TorchRelease:
    """One torch minor series and its official wheels."""

    version: str
    patches: List[str]
    python: Optional[str]
    variants: List[TorchVariant]
    source: str
    confidence: str
    release_date: Optional[str] = None
    python_versions: List[str] = field(default_factory=list)
    pypi_default: Optional[str] = None
    torchvision: Optional[str] = None
    torchaudio: Optional[str] = None
    note: Optional[str] = None

    @property
    def latest(self) -> str:
        """The newest patch release of this series."""
        return self.patches[-1] if self.patches else f"{self.version}.0"

    def companion(self, name: str, torch_version: str) -> Optional[str]:
        """The torchvision/torchaudio version released with torch ``torch_version``: the same patch
        number within the companion's series (torch 2.7.1 ↔ torchvision 0.22.1)."""
        series = {"torchvision": self.torchvision, "torchaudio": self.torchaudio}.get(name)
        if not series:
            return None
        if series.count(".") >= 2:
            return series
        parts = torch_version.split("+", 1)[0].split(".")
        return f"{series}.{parts[2] if len(parts) > 2 else '0'}"


@dataclass(eq=False, repr=False)
class TorchTable:
    """``torch_releases.json``."""

    schema_version: int
    data_version: str
    releases: List[TorchRelease]
    index_url_base: str = "https://download.pytorch.org/whl/"
    description: str = ""


@dataclass(eq=False, repr=False)
class LibraryRelease:
    """A cuDNN or NCCL release: CUDA majors it ships for and its oldest supported GPU."""

    version: str
    cuda_majors: List[int]
    source: str
    confidence: str
    min_compute_capability: Optional[str] = None
    min_driver_linux: Optional[str] = None
    min_driver_windows: Optional[str] = None
    builds: List[Dict[str, Any]] = field(default_factory=list)
    pypi_packages: Dict[str, str] = field(default_factory=dict)
    min_compute_capability_by_cuda_major: Dict[str, Optional[str]] = field(default_factory=dict)
    buildable_cuda_majors: Optional[List[int]] = None
    pytorch_pypi_wheels: List[str] = field(default_factory=list)
    prerelease: Optional[bool] = None
    note: Optional[str] = None


@dataclass(eq=False, repr=False)
class LibraryTable:
    """``cudnn.json`` and ``nccl.json``."""

    schema_version: int
    data_version: str
    releases: List[LibraryRelease]
    description: str = ""
    pip_packages: Any = None


@dataclass(eq=False, repr=False)
class TorchGuard:
    """A check torch itself runs when it loads cuDNN, over a range of torch minor releases.

    ``present`` is True (the releases run it), False (they do not) or None (not known).
    """

    guard: str  # cudnn_runtime_version | cudnn_min_compute_capability
    torch_from: str
    torch_to: str
    present: Optional[bool]
    source: str
    confidence: str
    cudnn_from: Optional[str] = None  # cudnn_min_compute_capability: the first cuDNN it refuses
    min_compute_capability: Optional[str] = None
    skip_env: Optional[str] = None
    note: Optional[str] = None


@dataclass(eq=False, repr=False)
class TorchGuardTable:
    """``torch_guards.json``."""

    schema_version: int
    data_version: str
    guards: List[TorchGuard]
    description: str = ""


TABLE_FILES = {
    "cuda": ("cuda_toolkits.json", CudaTable),
    "gpus": ("gpus.json", GpuTable),
    "archs": ("architectures.json", ArchTable),
    "torch": ("torch_releases.json", TorchTable),
    "cudnn": ("cudnn.json", LibraryTable),
    "nccl": ("nccl.json", LibraryTable),
    "torch_guards": ("torch_guards.json", TorchGuardTable),
}

# Strict validation (tests, `CompatDB.validate`): unknown keys in a row are errors.
for _row_type in (CudaRelease, MinorVersionFloor, CudaTable, GpuRow, GpuTable, ArchRow, NvccTargets, ArchTable,
                  TorchVariant, TorchRelease, TorchTable, LibraryRelease, LibraryTable, TorchGuard, TorchGuardTable):
    setattr(_row_type, "__pydantic_config__", FORBID_EXTRA)
