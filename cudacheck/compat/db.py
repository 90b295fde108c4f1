"""CompatDB: the compatibility tables, loaded lazily, one file per table."""
from __future__ import annotations

import json
from functools import lru_cache
import os
from typing import Any, Dict, List, Optional, Tuple

from ..versions import at_least, major_minor, parse
from ._build import build
from .gpu_names import GpuIndex
from .tables import (TABLE_FILES, ArchRow, ArchTable, CudaRelease, CudaTable, GpuTable,
                     LibraryTable, MinorVersionFloor, NvccTargets, TorchGuard, TorchGuardTable, TorchRelease,
                     TorchTable, TorchVariant)


def data_dir() -> str:
    """Where the tables live: inside the installed package, or at the repository top."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for candidate in (os.path.join(package, "compat_data"), os.path.join(os.path.dirname(package), "compat_data")):
        if os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError("cudacheck compat_data folder not found (broken installation)")


class CompatDB:
    """Typed, lazily loaded access to every table, plus the lookups rules need."""

    def __init__(self, directory: "Optional[os.PathLike | str]" = None) -> None:
        self.directory = os.fspath(directory) if directory else data_dir()
        self._tables: Dict[str, Any] = {}

    def raw(self, table: str) -> Dict[str, Any]:
        """The parsed JSON of one table."""
        filename, _ = TABLE_FILES[table]
        with open(os.path.join(self.directory, filename), encoding="utf-8") as handle:
            return json.load(handle)

    def _table(self, table: str) -> Any:
        if table not in self._tables:
            self._tables[table] = build(TABLE_FILES[table][1], self.raw(table))
        return self._tables[table]

    @property
    def cuda(self) -> CudaTable:
        return self._table("cuda")

    @property
    def gpus(self) -> GpuTable:
        return self._table("gpus")

    @property
    def archs(self) -> ArchTable:
        return self._table("archs")

    @property
    def torch(self) -> TorchTable:
        return self._table("torch")

    @property
    def cudnn(self) -> LibraryTable:
        return self._table("cudnn")

    @property
    def nccl(self) -> LibraryTable:
        return self._table("nccl")

    @property
    def torch_guards(self) -> TorchGuardTable:
        return self._table("torch_guards")

    @property
    def gpu_index(self) -> GpuIndex:
        """Name and PCI-id lookups over ``gpus.json``."""
        if "gpu_index" not in self._tables:
            self._tables["gpu_index"] = GpuIndex(self.gpus.gpus)
        return self._tables["gpu_index"]

    @property
    def version(self) -> str:
        """The newest ``data_version`` over all tables (read cheaply from each file's head)."""
        versions = []
        for filename, _ in TABLE_FILES.values():
            path = os.path.join(self.directory, filename)
            if os.path.exists(path):
                with open(path, encoding="utf-8") as handle:
                    head = handle.read(400)
                marker = head.find('"data_version"')
                if marker >= 0:
                    versions.append(head[marker:].split('"')[3])
        return max(versions) if versions else "unknown"

    # --- CUDA toolkit and driver -------------------------------------------------
    def cuda_releases(self, cuda: str) -> List[CudaRelease]:
        """All releases (GA and updates) of one CUDA minor, oldest first."""
        wanted = major_minor(cuda)
        return [r for r in self.cuda.releases if major_minor(r.version) == wanted]

    def min_driver(self, cuda: str, platform: str = "linux") -> Optional[str]:
        """The GA release's minimum driver for the full feature set of CUDA ``cuda``."""
        releases = self.cuda_releases(cuda)
        return getattr(releases[0], platform) if releases else None

    def minor_floor(self, cuda_major: int) -> Optional[MinorVersionFloor]:
        """The minor-version-compatibility floor of one CUDA major, if it has one."""
        return next((f for f in self.cuda.minor_version_compat if f.cuda_major == cuda_major), None)

    def driver_cuda(self, driver: str, platform: str = "linux") -> Optional[str]:
        """The newest CUDA ``major.minor`` whose GA minimum driver is ≤ ``driver``.

        Used when NVML's own "CUDA Version" is unknown (e.g. a pasted driver number).
        """
        best = None
        for release in self.cuda.releases:
            floor = getattr(release, platform)
            if floor and at_least(driver, floor):
                mm = major_minor(release.version)
                if mm and (best is None or mm > best):
                    best = mm
        return f"{best[0]}.{best[1]}" if best else None

    # --- architectures -----------------------------------------------------------
    def arch(self, compute_capability: str) -> Optional[ArchRow]:
        """The architecture row of one compute capability (``"8.6"``)."""
        return next((a for a in self.archs.architectures
                     if a.compute_capability == compute_capability), None)

    def nvcc_targets(self, cuda: str) -> Optional[NvccTargets]:
        """What nvcc of that CUDA minor can target."""
        wanted = major_minor(cuda)
        return next((t for t in self.archs.nvcc_targets if major_minor(t.cuda) == wanted), None)

    # --- cuDNN ---------------------------------------------------------------------
    def cudnn_min_compute_capability(self, version: str, cuda_major: Optional[int] = None
                                     ) -> Optional[Tuple[str, str]]:
        """(minimum compute capability, the release that states it) for cuDNN ``version``.

        Taken from the newest release at or below ``version`` whose row is sourced (not
        ``inferred``): cuDNN only ever raises its floor, so an unread later release is
        judged by the last one whose support matrix was read.
        """
        wanted = parse(version)
        if not wanted:
            return None
        for release in sorted(self.cudnn.releases, key=lambda r: parse(r.version) or (0,), reverse=True):
            if (parse(release.version) or (0,)) > wanted or release.confidence == "inferred":
                continue
            build = next((b for b in release.builds if b.get("cuda_major") == cuda_major), None)
            floor = (build or {}).get("min_compute_capability") or release.min_compute_capability
            if floor:
                return floor, release.version
        return None

    # --- torch -------------------------------------------------------------------
    def torch_release(self, version: str) -> Optional[TorchRelease]:
        """The release series that ``version`` (``"2.4.1+cu121"``, ``"2.4"``) belongs to."""
        parts = parse(version.split("+", 1)[0])
        if not parts or len(parts) < 2:
            return None
        series = f"{parts[0]}.{parts[1]}"
        return next((r for r in self.torch.releases if r.version == series), None)

    def torch_variant(self, version: str, cuda: Optional[str]) -> Optional[TorchVariant]:
        """The official variant of that release built for CUDA ``cuda``."""
        release = self.torch_release(version)
        if release is None or not cuda:
            return None
        wanted = major_minor(cuda)
        return next((v for v in release.variants if major_minor(v.cuda) == wanted), None)

    def torch_releases_newest_first(self) -> List[TorchRelease]:
        """Releases sorted newest first."""
        return sorted(self.torch.releases, key=lambda r: parse(r.version) or (0,), reverse=True)

    def torch_guard(self, guard: str, torch_version: str) -> Optional[TorchGuard]:
        """The ``torch_guards.json`` row of ``guard`` that covers torch ``torch_version``'s minor
        release, or None when no row does (then whether torch runs that check is not known)."""
        wanted = major_minor(torch_version.split("+", 1)[0])
        if wanted is None:
            return None
        for row in self.torch_guards.guards:
            low, high = major_minor(row.torch_from), major_minor(row.torch_to)
            if row.guard == guard and low is not None and high is not None and low <= wanted <= high:
                return row
        return None

    def install_command(self, release: TorchRelease, variant: TorchVariant,
                        companions: Tuple[str, ...] = ()) -> str:
        """The pip command that installs exactly this wheel (and the matching torchvision/torchaudio
        named in ``companions``, when the release has them)."""
        pins = [f"torch=={release.latest}"]
        for name in companions:
            version = release.companion(name, release.latest)
            if version:
                pins.append(f"{name}=={version}")
        return f"pip install {' '.join(pins)} --index-url {self.torch.index_url_base.rstrip('/')}/{variant.tag}"


@lru_cache(maxsize=1)
def default_db() -> CompatDB:
    """The tables shipped with cudacheck (built once per process)."""
    return CompatDB()


def validate_tables(directory: "Optional[os.PathLike | str]" = None) -> Dict[str, Any]:
    """Strictly validate every table with pydantic; raises ``pydantic.ValidationError``."""
    from pydantic import TypeAdapter

    db = CompatDB(directory)
    return {name: TypeAdapter(model).validate_python(db.raw(name)) for name, (_, model) in TABLE_FILES.items()}
