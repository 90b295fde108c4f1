"""CompatDB: the compatibility tables, loaded lazily, one file per table.

The tables ship inside cudacheck. Newer tables can be used without upgrading cudacheck:
``--compat-data DIR`` or ``CUDACHECK_COMPAT_DATA=DIR`` (a folder holding some or all of the
table files; the others come from the shipped data). Such a folder is validated like the
shipped tables before it is used; a broken one is a :class:`CompatDataError`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
import os
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ..errors import UsageError
from ..versions import at_least, cuda_tag, driver_branch, major_minor, parse
from ._build import build
from .gpu_names import GpuIndex
from .tables import (TABLE_FILES, ArchRow, ArchTable, CudaRelease, CudaTable, DriverFeature, GpuTable,
                     LibraryRelease, LibraryTable, MinorVersionFloor, NvccTargets, TorchGuard, TorchGuardTable,
                     TorchRelease, TorchTable, TorchVariant)

if TYPE_CHECKING:
    from .archs import Arch

COMPAT_DATA_ENV = "CUDACHECK_COMPAT_DATA"
SHIPPED = "shipped"


class CompatDataError(UsageError):
    """A compat-data folder that cannot be used (missing, unreadable or invalid tables)."""


def data_dir() -> str:
    """Where the shipped tables live: inside the installed package, or at the repository top."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for candidate in (os.path.join(package, "compat_data"), os.path.join(os.path.dirname(package), "compat_data")):
        if os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError("cudacheck compat_data folder not found (broken installation)")


@dataclass(frozen=True)
class ReleaseSupport:
    """The newest official torch wheel whose kernels run on a compute capability."""

    torch: str      # the release's newest patch ("1.12.1")
    tag: str        # the variant ("cu113")
    cuda: str
    via: str        # "sass" or "ptx"
    certain: bool   # False when a newer release has a variant whose arch list is unknown


class CompatDB:
    """Typed, lazily loaded access to every table, plus the lookups rules need."""

    def __init__(self, directory: "Optional[os.PathLike | str]" = None, origin: Optional[str] = None) -> None:
        shipped = data_dir()
        self.directory = os.fspath(directory) if directory else shipped
        self.origin = origin or (SHIPPED if self.directory == shipped else "directory")
        """``shipped``, ``--compat-data``, ``CUDACHECK_COMPAT_DATA`` or ``directory`` (API)."""
        self._fallback = shipped
        self._tables: Dict[str, Any] = {}

    # --- files -------------------------------------------------------------------------
    def path(self, table: str) -> str:
        """The file a table is read from (the chosen folder, else the shipped data)."""
        filename = TABLE_FILES[table][0]
        own = os.path.join(self.directory, filename)
        return own if os.path.exists(own) else os.path.join(self._fallback, filename)

    def raw(self, table: str) -> Dict[str, Any]:
        """The parsed JSON of one table."""
        with open(self.path(table), encoding="utf-8") as handle:
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
        versions = [v for v in self.table_versions().values() if v]
        return max(versions) if versions else "unknown"

    def table_versions(self) -> Dict[str, Optional[str]]:
        """``data_version`` of each table, read from the first bytes of its file."""
        found: Dict[str, Optional[str]] = {}
        for table in TABLE_FILES:
            path = self.path(table)
            found[table] = None
            if os.path.exists(path):
                with open(path, encoding="utf-8") as handle:
                    head = handle.read(400)
                marker = head.find('"data_version"')
                if marker >= 0:
                    found[table] = head[marker:].split('"')[3]
        return found

    @property
    def source(self) -> str:
        """Which compat data is in use: ``shipped`` or the folder it was loaded from."""
        return SHIPPED if self.origin == SHIPPED else self.directory

    def describe(self) -> str:
        """One line for report headers: the data's date and, when not shipped, where it came from."""
        if self.origin == SHIPPED:
            return f"{self.version} (shipped)"
        return f"{self.version} from {self.directory} ({self.origin})"

    # --- CUDA toolkit and driver -------------------------------------------------------
    def cuda_releases(self, cuda: str) -> List[CudaRelease]:
        """All releases (GA and updates) of one CUDA minor, oldest first."""
        wanted = major_minor(cuda)
        return [r for r in self.cuda.releases if major_minor(r.version) == wanted]

    def min_driver(self, cuda: str, platform: str = "linux") -> Optional[str]:
        """The GA release's minimum driver for the full feature set of CUDA ``cuda`` (release
        candidates listed in the driver table are skipped)."""
        releases = [r for r in self.cuda_releases(cuda) if not r.prerelease]
        return getattr(releases[0], platform) if releases else None

    def minor_floor(self, cuda_major: int) -> Optional[MinorVersionFloor]:
        """The minor-version-compatibility floor of one CUDA major, if it has one."""
        return next((f for f in self.cuda.minor_version_compat if f.cuda_major == cuda_major), None)

    def driver_cuda(self, driver: str, platform: str = "linux") -> Optional[str]:
        """The newest CUDA ``major.minor`` whose GA minimum driver is ≤ ``driver``.

        Used when NVML's own "CUDA Version" is unknown (e.g. a pasted driver number). A bare branch ("driver
        580") names every release of that branch, and the newest of them is judged: a CUDA release whose minimum
        lies inside the branch (CUDA 13.0 needs 580.65.06) is not ruled out by the branch number alone.

        Where the table has no minimum for the platform (NVIDIA prints N/A for Windows in every CUDA 13.x row),
        the release's driver branch decides: a driver of a later branch runs it, an earlier one does not, and one
        of the same branch is unknown, which makes the answer unknown (None) rather than the older CUDA below it.
        Newer CUDA releases never need older drivers, so the first release the driver misses ends the search.
        """
        judged = f"{driver}.999.99" if driver.strip().isdigit() else driver
        best = None
        for release in self.cuda.releases:
            if release.prerelease:
                continue
            floor = getattr(release, platform)
            reached = at_least(judged, floor) if floor else _branch_reached(judged, release.driver_branch)
            if reached is None:
                return None
            if not reached:
                break
            mm = major_minor(release.version)
            if mm and (best is None or mm > best):
                best = mm
        return f"{best[0]}.{best[1]}" if best else None

    def features_beyond(self, driver: str, cuda: Optional[str]) -> List[DriverFeature]:
        """The CUDA features a driver's branch is too old for, of those code built with CUDA ``cuda`` can use (of
        every CUDA where ``cuda`` is None): minor-version compatibility runs such code on the older driver, but
        the feature fails (CUDA 12.1's large kernel parameters need R530; before it, "operation not supported")."""
        branch = driver_branch(driver)
        if branch is None:
            return []
        return [f for f in self.cuda.driver_features if branch < int(f.branch_min)
                and (cuda is None or (major_minor(cuda) or (0, 0)) >= (major_minor(f.since_cuda) or (0, 0)))]

    def newest_cuda(self) -> Optional[Tuple[int, int]]:
        """The newest CUDA ``(major, minor)`` the tables know."""
        known = [major_minor(r.version) for r in self.cuda.releases]
        return max((k for k in known if k), default=None)

    def newest_driver_branch(self) -> Optional[int]:
        """The newest driver branch the tables know (from the driver-branch list, the CUDA
        releases' branches and minimum drivers, and the forward-compatibility table)."""
        branches = [driver_branch(r.linux) for r in self.cuda.releases]
        named = [r.driver_branch for r in self.cuda.releases] + [b.branch for b in self.cuda.driver_branches]
        branches += [int(b.lstrip("Rr")) for b in named if b and b.lstrip("Rr").isdigit()]
        for row in self.cuda.forward_compat.get("supported_driver_branches", []):
            for value in [*row.get("branches", []), row.get("native_branch"), *row.get("not_compatible_branches", [])]:
                if value and str(value).isdigit():
                    branches.append(int(value))
        return max((b for b in branches if b), default=None)

    # --- architectures -------------------------------------------------------------------
    def arch(self, compute_capability: str) -> Optional[ArchRow]:
        """The architecture row of one compute capability (``"8.6"``)."""
        return next((a for a in self.archs.architectures
                     if a.compute_capability == compute_capability), None)

    def lowest_compute_capability(self, architecture: str) -> Optional[Tuple[int, int]]:
        """The lowest compute capability of a named architecture ("Ampere" → 8.0, "Ada" → 8.9), or None
        for a name the table does not hold. The first word of the table's name is enough ("Ada Lovelace")."""
        wanted = architecture.strip().split(" ")[0].lower()
        found = [major_minor(a.compute_capability) for a in self.archs.architectures
                 if a.architecture and a.architecture.split(" ")[0].lower() == wanted]
        known = [cc for cc in found if cc is not None]
        return min(known) if known else None

    def cuda_predates_arch(self, cuda: str, major: int, minor: int) -> bool:
        """Whether CUDA ``cuda`` is older than the first toolkit that knows compute capability
        ``major.minor``. A build that reaches such a GPU only through PTX JIT is not usable there:
        the CUDA libraries it ships (cuBLAS, cuDNN) have no kernels for that architecture."""
        row = self.arch(f"{major}.{minor}")
        first = major_minor(row.first_cuda) if row is not None and row.first_cuda else None
        have = major_minor(cuda)
        return bool(first and have and have < first)

    def nvcc_targets(self, cuda: str) -> Optional[NvccTargets]:
        """What nvcc of that CUDA minor can target."""
        wanted = major_minor(cuda)
        return next((t for t in self.archs.nvcc_targets if major_minor(t.cuda) == wanted), None)

    def newest_compute_capability(self) -> Optional[Tuple[int, int]]:
        """The highest compute capability any table row names."""
        known = [major_minor(a.compute_capability) for a in self.archs.architectures]
        return max((k for k in known if k), default=None)

    # --- cuDNN and NCCL ----------------------------------------------------------------------
    def cudnn_min_compute_capability(self, version: str, cuda_major: Optional[int] = None
                                     ) -> Optional[Tuple[str, str]]:
        """(minimum compute capability, the release that states it) for cuDNN ``version``.

        Taken from the newest release at or below ``version`` whose row is sourced (not
        ``inferred``): cuDNN only ever raises its floor, so an unread later release is
        judged by the last one whose support matrix was read.
        """
        return self._floor("cudnn", version, cuda_major)

    def _floor(self, table: str, version: str, cuda_major: Optional[int]) -> Optional[Tuple[str, str]]:
        """Memoised :func:`_library_floor` (rules ask once per GPU; a node has many alike)."""
        key = (table, version, cuda_major)
        cache = self._tables.setdefault("_floors", {})
        if key not in cache:
            cache[key] = _library_floor(self._table(table).releases, version, cuda_major)
        return cache[key]

    def nccl_release(self, version: str) -> Optional[LibraryRelease]:
        """The NCCL row of exactly ``version`` (``"2.27.3"``, ``"2.27.3-1"``, ``"2.27.3.post1"``)."""
        wanted = (parse(version) or ())[:3]
        return next((r for r in self.nccl.releases if (parse(r.version) or ())[:3] == wanted), None)

    def nccl_min_compute_capability(self, version: str, cuda_major: Optional[int] = None
                                    ) -> Optional[Tuple[str, str]]:
        """(lowest compute capability NCCL's default build has kernels for, the release that states
        it) for NCCL ``version`` built for ``cuda_major``: from the newest sourced release at or
        below ``version`` (NCCL, like cuDNN, only raises its floor)."""
        return self._floor("nccl", version, cuda_major)

    # --- torch -------------------------------------------------------------------------------
    def torch_release(self, version: str) -> Optional[TorchRelease]:
        """The release series that ``version`` (``"2.4.1+cu121"``, ``"2.4"``) belongs to."""
        parts = parse(version.split("+", 1)[0])
        if not parts or len(parts) < 2:
            return None
        series = f"{parts[0]}.{parts[1]}"
        return next((r for r in self.torch.releases if r.version == series), None)

    def torch_variant(self, version: str, cuda: Optional[str]) -> Optional[TorchVariant]:
        """The official variant of that release built for CUDA ``cuda``, as built for that patch
        release (a patch built differently from the series' newest carries its own values)."""
        release = self.torch_release(version)
        if release is None or not cuda:
            return None
        wanted = major_minor(cuda)
        variant = next((v for v in release.variants if major_minor(v.cuda) == wanted), None)
        if variant is None or not variant.patch_overrides:
            return variant
        patch = ".".join(str(p) for p in (parse(version.split("+", 1)[0]) or ())[:3])
        override = variant.patch_overrides.get(patch)
        if not override:
            return variant
        fields = {k: v for k, v in override.items() if k in ("sm", "ptx", "arch_list", "cudnn", "nccl", "source",
                                                                "confidence", "note")}
        return replace(variant, patch_overrides={}, **fields)

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

    def newest_torch(self) -> Optional[TorchRelease]:
        """The newest release series the tables know."""
        releases = self.torch_releases_newest_first()
        return releases[0] if releases else None

    def knows_torch_patch(self, version: str) -> Optional[bool]:
        """Whether the tables list this exact patch release (None when it does not parse)."""
        parts = parse(version.split("+", 1)[0])
        if not parts or len(parts) < 2:
            return None
        release = self.torch_release(version)
        if release is None:
            return False
        return len(parts) < 3 or ".".join(map(str, parts[:3])) in release.patches

    def first_release_supporting(self, compute_capability: str) -> Optional[str]:
        """The oldest torch minor series with an official CUDA wheel whose kernels run on a GPU of
        ``compute_capability`` (SASS, or PTX from a CUDA toolkit that knows the GPU); None when none does or the
        capability is unknown. Patch releases built differently are not told apart here."""
        from .archs import parse_arch

        gpu = parse_arch(compute_capability)
        if gpu is None:
            return None
        for release in reversed(self.torch_releases_newest_first()):
            if any(self._build_runs_on(variant.sm, variant.ptx, variant.cuda, gpu) for variant in release.variants):
                return release.version
        return None

    def default_build_dropped(self, compute_capability: str) -> Optional[str]:
        """The oldest torch series from which PyPI's default CUDA build, and every newer series' default, has no
        kernels for a GPU of ``compute_capability`` although an older series' default had; None when the newest
        default runs on it, no default ever did, or an arch list on the way is unsourced. (GTX 10-series cards after
        the default moved to CUDA 12.8: the cu126 variants still ran them, a plain `pip install torch` did not.)"""
        from .archs import parse_arch

        gpu = parse_arch(compute_capability)
        if gpu is None:
            return None
        dropped = None
        for release in self.torch_releases_newest_first():
            default = next((v for v in release.variants if v.tag == release.pypi_default), None)
            if default is None or default.sm is None or default.ptx is None:
                return None
            if self._build_runs_on(default.sm, default.ptx, default.cuda, gpu) is not None:
                return dropped
            dropped = release.version
        return None

    def _build_runs_on(self, sm: Optional[List[str]], ptx: Optional[List[str]], cuda: str,
                       gpu: Arch) -> Optional[str]:
        """How a build's kernels run on a GPU (``sass``, or ``ptx`` from a CUDA toolkit that knows the GPU), or None:
        not at all, PTX from a toolkit older than the GPU (its CUDA libraries have no code for it), or an arch list
        nobody could source."""
        from .archs import coverage, parse_arch

        if sm is None or ptx is None:
            return None
        cover = coverage([a for a in map(parse_arch, sm) if a], [a for a in map(parse_arch, ptx) if a], gpu)
        if cover.kind == "none" or (cover.kind == "ptx" and self.cuda_predates_arch(cuda, gpu.major, gpu.minor)):
            return None
        return cover.kind

    def last_release_supporting(self, compute_capability: str) -> Optional[ReleaseSupport]:
        """The newest official torch wheel (any CUDA variant, patch releases built differently
        included) whose kernels run on a GPU of ``compute_capability`` by SASS or PTX, from a
        CUDA toolkit that knows the GPU — what to name when a GPU is below every recent build.
        ``certain`` is False when a newer release has a variant nobody could source."""
        from .archs import parse_arch

        gpu = parse_arch(compute_capability)
        if gpu is None:
            return None
        unknown_newer = False
        for release in self.torch_releases_newest_first():
            builds = []
            for variant in release.variants:
                builds.append((parse(release.latest) or (0,), release.latest, variant, variant.sm, variant.ptx))
                for patch, override in variant.patch_overrides.items():
                    builds.append((parse(patch) or (0,), patch, variant, override.get("sm", variant.sm),
                                   override.get("ptx", variant.ptx)))
            for _, patch, variant, sm, ptx in sorted(builds, key=lambda b: (b[0], parse(b[2].cuda) or (0,)), reverse=True):
                if sm is None or ptx is None:
                    unknown_newer = True
                    continue
                kind = self._build_runs_on(sm, ptx, variant.cuda, gpu)
                if kind is not None:
                    return ReleaseSupport(patch, variant.tag, variant.cuda, kind, not unknown_newer)
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


def _branch_reached(driver: str, branch: Optional[str]) -> Optional[bool]:
    """Whether a driver belongs to a branch after ``branch`` ("R580"): True for a later branch, False for an
    earlier one, None for the same branch (its first drivers may predate the release) or an unknown branch."""
    have, named = driver_branch(driver), (branch or "").lstrip("Rr")
    if have is None or not named.isdigit() or have == int(named):
        return None
    return have > int(named)


def _library_floor(releases: List[LibraryRelease], version: str, cuda_major: Optional[int]
                   ) -> Optional[Tuple[str, str]]:
    wanted = parse(version)
    if not wanted:
        return None
    wanted = wanted[:3]
    for release in sorted(releases, key=lambda r: parse(r.version) or (0,), reverse=True):
        if (parse(release.version) or (0,))[:3] > wanted or release.confidence == "inferred":
            continue
        build_row = next((b for b in release.builds if b.get("cuda_major") == cuda_major), None)
        floor = (build_row or {}).get("min_compute_capability") \
            or (release.min_compute_capability_by_cuda_major or {}).get(str(cuda_major)) \
            or release.min_compute_capability
        if floor:
            return floor, release.version
    return None


# --- which data is in use ----------------------------------------------------------------------
_chosen: Optional[Tuple[str, str]] = None


@lru_cache(maxsize=1)
def default_db() -> CompatDB:
    """The tables in use: ``--compat-data DIR``, else ``CUDACHECK_COMPAT_DATA``, else the shipped
    ones (built once per process). A broken folder raises :class:`CompatDataError`."""
    if _chosen is not None:
        return CompatDB(_chosen[0], origin=_chosen[1])
    chosen = os.environ.get(COMPAT_DATA_ENV)
    if chosen:
        return load_compat_data(chosen, COMPAT_DATA_ENV)
    return CompatDB()


def use_compat_data(directory: str, origin: str = "--compat-data") -> CompatDB:
    """Validate ``directory`` and make it the data :func:`default_db` returns from now on."""
    global _chosen
    db = load_compat_data(directory, origin)
    _chosen = (db.directory, origin)
    default_db.cache_clear()
    return db


def reset_compat_data() -> None:
    """Go back to ``CUDACHECK_COMPAT_DATA`` or the shipped tables."""
    global _chosen
    _chosen = None
    default_db.cache_clear()


def load_compat_data(directory: str, origin: str = "directory") -> CompatDB:
    """A CompatDB over ``directory`` after validating it like the shipped tables: every table
    file present parses and validates strictly, and the combined tables agree with each other.
    Raises :class:`CompatDataError` with one line saying what is wrong."""
    label = f"{origin}={directory}" if origin == COMPAT_DATA_ENV else f"{origin} {directory}"
    if not os.path.isdir(directory):
        raise CompatDataError(f"{label}: not a folder")
    present = [t for t, (filename, _) in TABLE_FILES.items() if os.path.isfile(os.path.join(directory, filename))]
    if not present:
        names = ", ".join(f for f, _ in TABLE_FILES.values())
        raise CompatDataError(f"{label}: no compat table in it (expected one of {names})")
    db = CompatDB(os.path.abspath(directory), origin=origin)
    problems: List[str] = []
    for table in present:
        problems += [f"{TABLE_FILES[table][0]}: {p}" for p in _validate_table(db, table)]
    if not problems:
        problems = consistency_problems(db)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CompatDataError(f"{label}: {problems[0]}{more}")
    return db


def _validate_table(db: CompatDB, table: str) -> List[str]:
    from pydantic import TypeAdapter, ValidationError

    try:
        raw = db.raw(table)
    except (OSError, UnicodeDecodeError) as exc:
        return [f"cannot read: {exc}"]
    except json.JSONDecodeError as exc:
        return [f"not JSON: {exc.msg} at line {exc.lineno}"]
    try:
        TypeAdapter(TABLE_FILES[table][1]).validate_python(raw)
    except ValidationError as exc:
        return [f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()]
    problems = []
    if not isinstance(raw.get("data_version"), str) or parse(raw["data_version"]) is None:
        problems.append("data_version is not a date")
    if raw.get("schema_version") != 1:
        problems.append(f"schema_version {raw.get('schema_version')!r} is not supported (1)")
    return problems


def consistency_problems(db: CompatDB) -> List[str]:
    """Ways the tables disagree with each other (empty when they agree)."""
    from .archs import parse_arch

    problems: List[str] = []
    known = {a.compute_capability for a in db.archs.architectures}
    for row in db.gpus.gpus:
        if row.compute_capability is not None and row.compute_capability not in known:
            problems.append(f"GPU {row.name!r}: compute capability {row.compute_capability} has no architecture row")
    for release in db.torch.releases:
        if not release.patches or not all(p.startswith(release.version + ".") for p in release.patches):
            problems.append(f"torch {release.version}: patches {release.patches} do not belong to the series")
        for variant in release.variants:
            if major_minor(variant.cuda) is None or variant.tag != cuda_tag(variant.cuda):
                problems.append(f"torch {release.version} {variant.tag}: tag does not match CUDA {variant.cuda}")
            elif not db.cuda_releases(variant.cuda):
                problems.append(f"torch {release.version} {variant.tag}: no CUDA {variant.cuda} row")
            lists = [(variant.sm, variant.ptx)] + [(o.get("sm"), o.get("ptx")) for o in variant.patch_overrides.values()]
            for sm, ptx in lists:
                if (sm is None) != (ptx is None):
                    problems.append(f"torch {release.version} {variant.tag}: sm and ptx must both be known or both null")
                for cc in (sm or []) + (ptx or []):
                    arch = parse_arch(cc)
                    if arch is None or f"{arch.major}.{arch.minor}" not in known:
                        problems.append(f"torch {release.version} {variant.tag}: unknown arch {cc!r}")
                if sm is not None and ptx is not None and not set(ptx) <= set(sm):
                    problems.append(f"torch {release.version} {variant.tag}: PTX outside the SASS list")
    for cuda in db.cuda.releases:
        if major_minor(cuda.version) is None:
            problems.append(f"CUDA release {cuda.release!r}: version {cuda.version!r} does not parse")
    return problems


def validate_tables(directory: "Optional[os.PathLike | str]" = None) -> Dict[str, Any]:
    """Strictly validate every table with pydantic; raises ``pydantic.ValidationError``."""
    from pydantic import TypeAdapter

    db = CompatDB(directory)
    return {name: TypeAdapter(model).validate_python(db.raw(name)) for name, (_, model) in TABLE_FILES.items()}
