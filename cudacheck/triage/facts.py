"""Collecting facts from pasted text into a Snapshot.

Importers report what they read with a priority: a tool's own output (nvidia-smi,
collect_env, pip) beats a value in an error message or a filled-in issue template,
which beats a free sentence. The first value of the highest priority wins. GPUs and
torch builds are merged at the end, because several sources describe the same thing
(``GPU 0: …`` in collect_env, the nvidia-smi table, a warning naming the GPU).

Nothing is guessed: torch's version enters the Snapshot only together with whether it
is a CUDA build (a ``+cu121`` tag, collect_env's "CUDA used to build PyTorch", a conda
build string, the pip ``nvidia-*`` wheels a PyPI CUDA wheel pulls in), because rules
read ``torch.cuda = None`` next to a version as "CPU-only build".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, TypeVar

from ..compat.gpu_names import normalise as normalise_gpu
from ..fact_paths import assign, path_of
from ..names import package_key
from ..snapshot import (ContainerFacts, CudaDriverFacts, GpuFacts, LibrariesFacts, NvmlFacts, Observation,
                        PackageFacts, PlatformFacts, Snapshot, TorchFacts, TorchInstall)
from ..versions import cuda_from_tag, major_minor, torch_local_tag, torch_public
from ..observations import Obs

TOOL = 3
"""A tool's own output: nvidia-smi, collect_env, pip/conda lists, docker run flags."""
REPORTED = 2
"""A value inside an error message, a REPL answer, or a filled-in template line."""
PROSE = 1
"""A free sentence ("RTX 3090 with driver 470")."""

MAX_OBSERVATIONS_PER_SIGNATURE = 3

T = TypeVar("T")


class Sections:
    """The Snapshot's sections that triage sets facts in, each as a value (a section the paste
    has not touched yet is created when a fact is set in it). Only a type: a fact is named by
    a function of it, ``lambda s: s.nvml.driver_version``, which the type checker checks and
    :func:`fact_path` resolves against the Snapshot's dataclasses (a typo raises; see
    :mod:`cudacheck.fact_paths`)."""

    platform: PlatformFacts
    nvml: NvmlFacts
    cuda_driver: CudaDriverFacts
    container: ContainerFacts
    torch: TorchFacts
    libraries: LibrariesFacts


Where = Callable[[Sections], Optional[T]]
"""A fact of the Snapshot, named as a function of its sections: ``lambda s: s.torch.arch_list``."""


def fact_path(where: "Where[Any]") -> Tuple[str, ...]:
    """``lambda s: s.nvml.driver_version`` → ``("nvml", "driver_version")``; AttributeError for a
    name the Snapshot's dataclasses do not have, TypeError for a whole section."""
    path = path_of(where)
    if len(path) < 2:
        raise TypeError("a fact is named as an attribute of a section: lambda s: s.nvml.driver_version")
    return path


def gpu_row(index: Any, name: Optional[str]) -> Any:
    """The product (or the representative of a family agreeing on compute capability) a GPU name means, or
    None when the name is unknown or ambiguous. The one place triage resolves GPU names, so a richer resolver
    (exact / family / ambiguous / unknown) is adopted here alone."""
    return index.match(name) if name else None


def public_key(version: Optional[str]) -> Optional[str]:
    """A torch version without local tag and trailing ``.0`` parts, for comparisons."""
    public = torch_public(version)
    if not public:
        return None
    public = public.lower().strip()
    while public.endswith(".0") and public.count(".") > 1:
        public = public[:-2]
    return public


@dataclass
class GpuClaim:
    """One mention of a GPU."""

    name: Optional[str] = None
    index: Optional[int] = None
    compute_capability: Optional[str] = None
    uuid: Optional[str] = None
    pci_bus_id: Optional[str] = None
    memory_total_mib: Optional[int] = None
    memory_used_mib: Optional[int] = None
    priority: int = PROSE


@dataclass
class TorchClaim:
    """One mention of a torch build.

    ``kind``: ``imported`` (what Python imported: collect_env, a REPL), ``installed``
    (pip/conda metadata), ``image`` (a docker tag), ``reported`` (a template or sentence),
    ``install`` (an install command: what was asked for, the weakest).
    ``cuda``: ``"12.1"``, ``"none"`` for a CPU-only build, None when the text does not say.
    """

    kind: str
    source: str
    version: Optional[str] = None
    cuda: Optional[str] = None
    hip: Optional[str] = None
    location: Optional[str] = None
    line: Optional[int] = None


@dataclass
class TorchLocation:
    """Where a traceback shows torch's files."""

    root: str
    line: int
    user_site: bool = False


@dataclass
class Facts:
    """The accumulating facts of one paste."""

    db: Any
    snapshot: Snapshot = field(default_factory=lambda: Snapshot(source="pasted"))
    gpus: List[GpuClaim] = field(default_factory=list)
    torch: List[TorchClaim] = field(default_factory=list)
    torch_locations: List[TorchLocation] = field(default_factory=list)
    packages: Dict[str, Tuple[int, PackageFacts]] = field(default_factory=dict)
    observations: List[Observation] = field(default_factory=list)
    recognised: Dict[str, int] = field(default_factory=dict)  # input kind -> lines
    claimed: Set[int] = field(default_factory=set)  # line indices an importer has fully read
    pypi_cuda_wheel: bool = False  # `pip show torch` requires nvidia-* wheels: PyPI's CUDA wheel
    conda_torch_channels: Set[str] = field(default_factory=set)  # "pip" / "conda": who installed the torch rows of a
    # conda list (pip's torch as "pypi" next to conda's pytorch: two installs in one environment)
    _priority: Dict[str, int] = field(default_factory=dict)
    _counts: Dict[str, int] = field(default_factory=dict)
    _kept: Dict[str, int] = field(default_factory=dict)

    # --- scalar facts ------------------------------------------------------------
    def set(self, where: "Where[T]", value: Optional[T], priority: int) -> bool:
        """Set the fact ``where`` names (``lambda s: s.nvml.driver_version``) unless a value of
        higher or equal priority is there; the section holding it is created when needed."""
        if value is None or value == "":
            return False
        path = fact_path(where)
        key = ".".join(path)
        if self._priority.get(key, 0) >= priority:
            return False
        assign(self.snapshot, path, value)
        self._priority[key] = priority
        return True

    def known(self, where: "Where[Any]") -> bool:
        """Whether some importer already set the fact ``where`` names."""
        return ".".join(fact_path(where)) in self._priority

    def env(self, name: str, value: str, priority: int) -> None:
        """An environment variable seen in the paste (allow-listed names only)."""
        from ..probes.container import ENV_ALLOW, ENV_ALLOW_PREFIXES, parse_visible_devices

        if name not in ENV_ALLOW and not name.startswith(ENV_ALLOW_PREFIXES):
            return
        key = f"container.env.{name}"
        if self._priority.get(key, 0) >= priority:
            return
        self._priority[key] = priority
        self.snapshot.container.env[name] = value
        if name == "CUDA_VISIBLE_DEVICES":
            self.snapshot.container.cuda_visible_devices = parse_visible_devices(value)
        elif name == "NVIDIA_VISIBLE_DEVICES":
            self.snapshot.container.nvidia_visible_devices = parse_visible_devices(value)

    def seen(self, kind: str) -> None:
        """Count a line recognised as input of ``kind`` (for the report's notes)."""
        self.recognised[kind] = self.recognised.get(kind, 0) + 1

    # --- observations --------------------------------------------------------------
    def observe(self, signature: Obs, text: str, line: Optional[int] = None, occurrences: int = 1,
                **values: Any) -> None:
        """Record an observation (the first few of each kind are kept, all are counted; ``occurrences``
        counts a line read once for all its identical repeats)."""
        if not isinstance(signature, Obs):
            raise TypeError(f"an observation is named by an Obs member, not {signature!r}")
        self._counts[signature] = self._counts.get(signature, 0) + occurrences
        kept = self._kept.get(signature, 0)
        if kept >= MAX_OBSERVATIONS_PER_SIGNATURE:
            return
        self._kept[signature] = kept + 1
        clean = {k: str(v) for k, v in values.items() if v is not None and v != ""}
        self.observations.append(Observation(signature=signature, text=text.strip()[:500], line=line,
                                             values=clean))

    def observed(self, signature: Obs) -> bool:
        """Whether an observation of this kind has been recorded (an importer reading only what no other did)."""
        return signature in self._counts

    # --- GPUs, torch, packages -----------------------------------------------------------
    def add_gpu(self, claim: GpuClaim) -> None:
        if claim.name:
            name = re.sub(r"\s+", " ", claim.name).strip(" ,;:'\"`")
            truncated = name.endswith(("..", "…"))
            name = name.rstrip(" .…")
            claim.name = name + "..." if truncated else name
        if claim.name or claim.compute_capability:
            self.gpus.append(claim)

    def add_torch(self, claim: TorchClaim) -> None:
        if claim.version or claim.cuda or claim.hip:
            self.torch.append(claim)

    def add_package(self, name: str, version: Optional[str], priority: int = TOOL,
                    location: Optional[str] = None) -> None:
        key = package_key(name)
        current = self.packages.get(key)
        if current is not None and current[0] >= priority:
            return
        self.packages[key] = (priority, PackageFacts(name=key, version=version, location=location))

    # --- the Snapshot ------------------------------------------------------------------
    def finish(self) -> Snapshot:
        """Merge GPUs and torch claims into the Snapshot and return it."""
        snapshot = self.snapshot
        snapshot.nvml.gpus = self._merged_gpus()
        if snapshot.nvml.gpus and snapshot.nvml.status == "ok" and snapshot.nvml.gpu_count is None:
            snapshot.nvml.gpu_count = len(snapshot.nvml.gpus)
        if self.packages:
            snapshot.packages = [facts for _, facts in self.packages.values()]
        self._resolve_torch()
        for observation in self.observations:
            total = self._counts.get(observation.signature, 1)
            if total > 1:
                observation.values.setdefault("count", str(total))
        snapshot.observations = self.observations
        return snapshot

    def _merged_gpus(self) -> List[GpuFacts]:
        claims = sorted(self.gpus, key=lambda c: (-c.priority, c.index is None))
        if any(c.priority >= REPORTED for c in claims):
            claims = [c for c in claims if c.priority >= REPORTED]
        merged: List[GpuFacts] = []
        for claim in claims:
            target = None
            if claim.index is not None:
                target = next((g for g in merged if g.index == claim.index), None)
            if target is None and claim.name:
                target = next((g for g in merged if _same_gpu(g.name, claim.name)
                               and (claim.index is None or g.index is None)), None)
            if target is None and claim.name is None and claim.compute_capability and len(merged) == 1:
                target = merged[0]
            if target is None:
                target = GpuFacts(index=claim.index)
                merged.append(target)
            if target.index is None and claim.index is not None:
                target.index = claim.index
            if claim.name and (target.name is None or (target.name.endswith("...")
                                                       and not claim.name.endswith("..."))):
                target.name = claim.name
            for attribute in ("compute_capability", "uuid", "pci_bus_id", "memory_total_mib", "memory_used_mib"):
                value = getattr(claim, attribute)
                if value is not None and getattr(target, attribute) is None:
                    setattr(target, attribute, value)
        for gpu in merged:
            self._complete_gpu(gpu)
        return merged

    def _complete_gpu(self, gpu: GpuFacts) -> None:
        """Compute capability and architecture from the GPU table, matching truncated names by prefix."""
        index = self.db.gpu_index
        row = gpu_row(index, gpu.name) if gpu.name and not gpu.name.endswith("...") else None
        if row is None and gpu.name and gpu.name.endswith("..."):
            row = _match_prefix(index, gpu.name[:-3])
            if row is not None and not isinstance(row, _Shared):
                gpu.name = row.nvml_names[0] if row.nvml_names else row.name
        if row is not None:
            if gpu.compute_capability is None and row.compute_capability:
                gpu.compute_capability = row.compute_capability
            gpu.architecture = gpu.architecture or row.architecture
        if gpu.name is None and gpu.compute_capability:
            gpu.name = f"GPU with compute capability {gpu.compute_capability}"

    def _resolve_torch(self) -> None:
        claims = self.torch
        torch = self.snapshot.torch
        versioned = [c for c in claims if c.version]
        cpu_stated = any(o.signature == Obs.CPU_BUILD_STATED for o in self.observations)
        if cpu_stated:
            # "it installed the CPU version": a CUDA build named in a sentence or an install command of the same
            # report is what was asked for (often the fix), not what is installed; tools' output still counts
            versioned = [c for c in versioned if c.kind not in ("install", "reported")
                         or _build_of(c)[0] in (None, "none")]
        failed = " ".join(o.text for o in self.observations if o.signature == Obs.NO_MATCHING_TORCH)
        if failed:
            # an install command whose torch pip or uv could not find installed nothing
            versioned = [c for c in versioned
                         if c.kind not in ("install", "reported") or (c.version or "") not in failed]
        order = {"imported": 0, "installed": 1, "reported": 2, "image": 3, "install": 4}
        versioned.sort(key=lambda c: order.get(c.kind, 9))
        primary = versioned[0] if versioned else None
        cuda_claims = [c for c in claims if (c.cuda or c.hip) and not (cpu_stated and c.kind in ("install", "reported"))]
        if primary is None:
            # A build CUDA without a version (e.g. "compiled with CUDA 10.2" in an error message).
            claim = next((c for c in cuda_claims if c.cuda and c.cuda != "none"), None)
            if claim is not None:
                torch.cuda = claim.cuda
                torch.installed = True
            self._installs(claims)
            return
        torch.installed = True
        cuda, hip = _build_of(primary)
        if cuda is None and hip is None:
            same_kind = [c for c in cuda_claims if c.kind == primary.kind and c.version is None]
            same_version = [c for c in cuda_claims
                            if c.version and public_key(c.version) == public_key(primary.version)]
            for claim in same_kind + same_version:
                cuda, hip = _build_of(claim)
                if cuda or hip:
                    break
        if cuda is None and hip is None:
            cuda = self._pypi_cuda(primary)
        version = primary.version
        if cuda is None and hip is None:
            self.observe(Obs.TORCH_VERSION, f"torch {version}", primary.line, version=version,
                         source=primary.source, kind=primary.kind)
            self._installs(claims)
            return
        torch.version = version
        torch.cuda = None if cuda == "none" else cuda
        torch.hip = hip
        if primary.location:
            torch.location = primary.location
        self._installs(claims)

    def _pypi_cuda(self, claim: TorchClaim) -> Optional[str]:
        """A plain ``torch==X`` from pip with nvidia-*-cuNN wheels next to it is PyPI's CUDA wheel."""
        if claim.kind not in ("installed", "imported") or torch_local_tag(claim.version):
            return None
        runtime = next((p for key, (_, p) in self.packages.items()
                        if key.startswith("nvidia-cuda-runtime-cu")), None)
        runtime_mm = major_minor(runtime.version) if runtime is not None else None
        if runtime_mm:
            return f"{runtime_mm[0]}.{runtime_mm[1]}"
        if not self.pypi_cuda_wheel and not any(key.startswith(("nvidia-cublas-cu", "nvidia-cudnn-cu"))
                                                for key in self.packages):
            return None
        try:
            release = self.db.torch_release(claim.version or "")
        except Exception:  # the torch table may be absent in a partial installation
            release = None
        if release is not None and release.pypi_default:
            return cuda_from_tag(release.pypi_default)
        return None

    def _installs(self, claims: List[TorchClaim]) -> None:
        """Distinct torch versions (imported vs installed) or locations mean several installs."""
        torch = self.snapshot.torch
        imported = next((c for c in claims if c.kind == "imported" and c.version), None)
        if imported is not None:
            other = next((c for c in claims if c.kind == "reported" and c.version and c.source == "text"
                          and public_key(c.version) != public_key(imported.version)), None)
            if other is not None:
                self.observe(Obs.TORCH_VERSION_CONFLICT, f"imported {imported.version}, stated {other.version}",
                             imported.line, imported=imported.version, stated=other.version)
        installs: Dict[str, TorchInstall] = {}
        for claim in claims:
            if claim.kind not in ("imported", "installed") or not claim.version:
                continue
            key = public_key(claim.version) or claim.version
            tag = torch_local_tag(claim.version)
            first = installs.get(key)
            if first is not None and tag and torch_local_tag(first.version) not in (None, tag):
                key = f"{key}+{tag}"  # one release in two builds (+cu121 installed, +cpu imported): two installs
            if key not in installs:
                installs[key] = TorchInstall(version=claim.version, location=claim.location,
                                             origin="site-packages")
        locations: Dict[str, TorchLocation] = {}
        for location in self.torch_locations:
            locations.setdefault(_location_key(location.root), location)
        if len(installs) == 1 and {"pip", "conda"} <= self.conda_torch_channels:
            # conda list shows pip's torch (channel pypi) and conda's pytorch: both wrote into this environment
            only = next(iter(installs.values()))
            torch.installs = [TorchInstall(version=only.version, location=only.location, origin="conda"),
                              TorchInstall(version=only.version, location=only.location, origin="pip")]
        if len(installs) > 1 or len(locations) > 1:
            result = list(installs.values())
            if len(locations) > 1:
                if len(result) == len(locations):
                    for install, location in zip(result, locations.values()):
                        install.location = install.location or location.root
                        install.origin = "user-site" if location.user_site else "site-packages"
                else:
                    result = [TorchInstall(version=None, location=loc.root,
                                           origin="user-site" if loc.user_site else "site-packages")
                              for loc in locations.values()]
            torch.installs = result
        if locations and torch.location is None:
            torch.location = next(iter(locations.values())).root


def _build_of(claim: TorchClaim) -> Tuple[Optional[str], Optional[str]]:
    """(cuda, hip) a claim says: from its local tag first, then its explicit fields."""
    tag = torch_local_tag(claim.version)
    if tag:
        tag = tag.lower()
        if tag == "cpu" or tag.startswith("cpu"):
            return "none", None
        if tag.startswith("rocm"):
            return None, tag[4:] or "unknown"
        cuda = cuda_from_tag(tag)
        if cuda:
            return cuda, None
    return claim.cuda, claim.hip


def _same_gpu(known: Optional[str], other: Optional[str]) -> bool:
    if not known or not other:
        return False
    a, b = normalise_gpu(known.replace("...", "")), normalise_gpu(other.replace("...", ""))
    if known.endswith("...") or other.endswith("..."):
        return a.startswith(b) or b.startswith(a)
    strip = re.compile(r"^(?:geforce|tesla|quadro) ")
    return strip.sub("", a) == strip.sub("", b)


def _match_prefix(index: Any, prefix: str) -> Any:
    """The one GPU row whose NVML name starts with ``prefix`` (a truncated nvidia-smi name)."""
    wanted = normalise_gpu(prefix)
    if len(wanted) < 3:
        return None
    candidates = []
    for row in index.rows:
        names = [row.name, *row.nvml_names]
        if any(normalise_gpu(name).startswith(wanted) for name in names):
            candidates.append(row)
    if not candidates:
        return None
    capabilities = {row.compute_capability for row in candidates}
    if len(candidates) == 1 or len(capabilities) == 1:
        return candidates[0] if len(candidates) == 1 else _Shared(candidates[0], len(candidates))
    return None


class _Shared:
    """Several GPU rows fit a truncated name but agree on compute capability and architecture."""

    def __init__(self, row: Any, count: int) -> None:
        self.compute_capability = row.compute_capability
        self.architecture = row.architecture
        self.nvml_names: List[str] = []
        self.name = None
        self.count = count


def _location_key(root: str) -> str:
    return root.replace("\\", "/").rstrip("/").lower()
