"""Small judgements over the compat data that the rules and the planner share.

Each answers with three states: yes, no, or ``None`` when a fact it needs is not
known. A build's arch targets exist only when known (:class:`ArchTargets`; an
unknown list is ``None``, never an empty list). Driver semantics (DESIGN.md): a
driver whose CUDA major is newer than the build's runs it; the same major runs any
minor above the minor-version-compat floor, but PTX built by a newer toolkit than the
driver cannot be JIT-compiled; an older major does not run it at all. torch's own
cuDNN checks (``torch_guards.json``) are applied per torch release.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, List, Optional, Sequence, Tuple

from ..versions import at_least, major_minor, parse, torch_local_tag, torch_public
from .archs import Arch, Coverage, coverage, parse_arch, parse_arch_flags
from .db import CompatDB
from .tables import TorchGuard, TorchRelease, TorchVariant
from ..lazy_regex import lazy_compile


# --- a build's GPU targets ---------------------------------------------------------------------
@dataclass(frozen=True)
class ArchTargets:
    """The SASS and PTX targets of a torch build, when they are known.

    A build whose targets are not known has no ArchTargets at all: "no SASS" can only be
    said of a list someone read. ``source`` says where the list came from (``deep``:
    torch.cuda.get_arch_list() in a child; ``pasted``; ``compat_data``: the official
    wheel's row in cudacheck's table).
    """

    sass: Tuple[Arch, ...]
    ptx: Tuple[Arch, ...]
    source: str

    @classmethod
    def from_flags(cls, flags: Iterable[str], source: str) -> "ArchTargets":
        """From ``torch.cuda.get_arch_list()``-style entries (``sm_80``, ``compute_90``)."""
        sass, ptx = parse_arch_flags(flags)
        return cls(tuple(sass), tuple(ptx), source)

    @property
    def oldest(self) -> Optional[Arch]:
        """The lowest target (SASS or PTX); None for a build known to carry no GPU code."""
        return min(self.sass + self.ptx, default=None)

    def covers(self, gpu: Arch) -> Coverage:
        """How the build serves ``gpu``: native SASS, PTX JIT, or not at all."""
        return coverage(self.sass, self.ptx, gpu)

    def is_below(self, gpu: Arch) -> bool:
        """Whether ``gpu`` is older than every target of the build."""
        oldest = self.oldest
        return oldest is not None and (gpu.major, gpu.minor) < (oldest.major, oldest.minor)

    def text(self) -> str:
        """``SASS sm_80, sm_90; PTX compute_90`` (``SASS none`` only for a known-empty list)."""
        sass = ", ".join(a.sm for a in sorted(self.sass)) or "none"
        ptx = ", ".join(f"compute_{a.major}{a.minor}{a.suffix}" for a in sorted(self.ptx))
        return f"SASS {sass}" + (f"; PTX {ptx}" if ptx else "; no PTX")


def variant_targets(variant: TorchVariant) -> Optional[ArchTargets]:
    """The targets of an official wheel variant; None when its arch list is not known."""
    if variant.sm is None or variant.ptx is None:
        return None
    sass = tuple(a for a in (parse_arch(s) for s in variant.sm) if a)
    ptx = tuple(a for a in (parse_arch(s) for s in variant.ptx) if a)
    return ArchTargets(sass, ptx, "compat_data")


def below_current_builds(db: CompatDB, gpu: Arch) -> Optional[bool]:
    """Whether a GPU is older than every CUDA build of the newest torch release in the table (below each
    build's lowest target): then no current wheel runs on it, whatever torch a report does not name. None
    when an arch list of that release is not known and no known one settles it."""
    releases = db.torch_releases_newest_first()
    return below_release_builds(releases[0], gpu) if releases else None


def within_current_builds(db: CompatDB, gpu: Arch) -> Optional[bool]:
    """Whether no CUDA build of the newest torch release in the table has dropped a GPU (none of them targets only
    newer architectures): a report saying the builds dropped it then speaks of something else. None when an arch
    list of that release is not known."""
    releases = db.torch_releases_newest_first()
    answers = [None if targets is None else targets.is_below(gpu) for targets in _cuda_build_targets(releases[0])] \
        if releases else []
    if not answers or True in answers:
        return False if answers else None
    return None if None in answers else True


def below_release_builds(release: TorchRelease, gpu: Arch) -> Optional[bool]:
    """Whether a GPU is older than every CUDA build of one torch release (below each build's lowest target):
    then no wheel of that release runs on it, whichever CUDA variant was installed. None when an arch list of
    the release is not known and no known one settles it."""
    answers = [None if targets is None else targets.is_below(gpu) for targets in _cuda_build_targets(release)]
    if not answers or False in answers:
        return False if answers else None
    return None if None in answers else True


def dropped_by_some_build(release: TorchRelease, gpu: Arch) -> bool:
    """Whether at least one CUDA build of a torch release targets only architectures newer than a GPU (cu128 of
    torch 2.7 dropped Pascal while its cu126 kept it): a kernel error on that GPU, with the variant not known,
    most likely comes from such a build."""
    return any(targets is not None and targets.is_below(gpu) is True for targets in _cuda_build_targets(release))


def release_coverage(release: TorchRelease, gpu: Arch) -> Optional[str]:
    """How every CUDA build of one torch release covers a GPU (``sass``/``ptx``/``none``) when all its builds agree;
    None when they differ or an arch list is not known."""
    builds = _cuda_build_targets(release)
    if not builds or None in builds:
        return None
    kinds = {targets.covers(gpu).kind for targets in builds if targets is not None}
    return kinds.pop() if len(kinds) == 1 else None


def _cuda_build_targets(release: TorchRelease) -> List[Optional[ArchTargets]]:
    """The targets of each CUDA build of a release (None for a build whose arch list is not known)."""
    return [variant_targets(variant) for variant in release.variants if variant.tag.startswith("cu")]


def python_ok(release: TorchRelease, python: Optional[str]) -> bool:
    """Whether a release ships wheels for ``python`` (``"3.11"``)."""
    if not python:
        return True
    wanted = major_minor(python)
    if wanted is None:
        return True  # not a Python version: nothing to refuse on
    if release.python_versions:
        return any(major_minor(v) == wanted for v in release.python_versions)
    if release.python:
        from packaging.specifiers import SpecifierSet

        return SpecifierSet(release.python).contains(f"{wanted[0]}.{wanted[1]}", prereleases=True)
    return True


_CUDA_TAG = lazy_compile(r"^cu\d{2,4}$")


def index_url(db: CompatDB, tag: Optional[str]) -> Optional[str]:
    """The PyTorch index URL of a CUDA variant tag (``cu128``); None for anything else (a ROCm
    or CPU tag, a source build's ``git…`` label): cudacheck only proposes CUDA indexes."""
    if not tag or not _CUDA_TAG.match(tag):
        return None
    return f"{db.torch.index_url_base.rstrip('/')}/{tag}"


# --- the driver against a build's CUDA ---------------------------------------------------------
@dataclass
class DriverVerdict:
    """How a driver relates to a wheel's CUDA version."""

    runs: bool
    needs_minor_compat: bool  # driver's CUDA is older than the build's, same major
    reason: str


def driver_verdict(db: CompatDB, build_cuda: str, driver_cuda: Optional[str],
                   driver_version: Optional[str], platform: str = "linux") -> Optional[DriverVerdict]:
    """Can a driver (its CUDA version, or else its version number) run a CUDA ``build_cuda`` build?"""
    build = major_minor(build_cuda)
    if build is None:
        return None
    have = major_minor(driver_cuda) if driver_cuda else None
    if have is None and driver_version:
        derived = db.driver_cuda(driver_version, platform)
        have = major_minor(derived)
    if have is None:
        return None
    if have >= build:
        return DriverVerdict(True, False, f"driver supports CUDA {have[0]}.{have[1]} ≥ {build_cuda}")
    if have[0] < build[0]:
        return DriverVerdict(False, False, f"driver supports CUDA ≤ {have[0]}.{have[1]}, "
                                          f"older than the build's CUDA major {build[0]}")
    floor = db.minor_floor(build[0])
    floor_driver = getattr(floor, platform, None) if floor else None
    if driver_version and floor_driver and at_least(driver_version, floor_driver) is False:
        return DriverVerdict(False, False, f"driver {driver_version} is below the CUDA {build[0]}.x "
                                          f"minor-version floor {floor_driver}")
    if floor is None:
        return DriverVerdict(False, False, f"CUDA {build[0]} has no minor-version compatibility")
    return DriverVerdict(True, True, f"driver supports CUDA {have[0]}.{have[1]}; CUDA {build_cuda} "
                                     f"runs through minor-version compatibility")


@dataclass
class DriverRequirement:
    """The drivers that run a CUDA version: any at or above its major's minor-version floor (``floor``,
    e.g. 525.60.13 for 12.x), the toolkit's own minimum for the full feature set (``full``)."""

    cuda: str
    floor: Optional[str]
    full: Optional[str]

    @property
    def minimum(self) -> Optional[str]:
        """The lowest driver that runs it at all."""
        return self.floor or self.full

    def text(self) -> str:
        """"≥ 525.60.13 (any CUDA 12.x; ≥ 550.54.14 for CUDA 12.4's full feature set)"."""
        major = self.cuda.split(".")[0]
        if self.floor and self.full and self.full != self.floor:
            return f"≥ {self.floor} (any CUDA {major}.x; ≥ {self.full} for CUDA {self.cuda}'s full feature set)"
        return f"≥ {self.minimum}" if self.minimum else f"a driver supporting CUDA {self.cuda}"


def driver_requirement(db: CompatDB, cuda: Optional[str], platform: str = "linux") -> Optional[DriverRequirement]:
    """What driver a CUDA version needs, from the toolkit table; None when the version is not a CUDA version
    or the table knows neither threshold."""
    mm = major_minor(cuda)
    if mm is None:
        return None
    version = f"{mm[0]}.{mm[1]}"
    floor = db.minor_floor(mm[0])
    requirement = DriverRequirement(version, getattr(floor, platform, None) if floor else None,
                                    db.min_driver(version, platform))
    return requirement if requirement.minimum else None


OFFICIAL_CXX11_ABI_SOURCES = (
    "https://github.com/pytorch/pytorch/issues/17492 (pip wheels built with _GLIBCXX_USE_CXX11_ABI=0)",
    "https://github.com/pytorch/pytorch/pull/142064 (2.6: cxx11 ABI for the Linux CUDA 12.6 wheels)",
    "https://github.com/pytorch/pytorch/issues/143962 (2.7: cxx11 ABI by default)",
)
OFFICIAL_CXX11_ABI_CONFIDENCE = "secondary"


def official_wheel_cxx11_abi(version: Optional[str], cuda_tag: Optional[str] = None) -> Optional[bool]:
    """The C++ string ABI of an official Linux x86_64 torch wheel (True: ``std::__cxx11``): the old ABI up
    to 2.5, the new one for 2.6's cu126 wheels and from 2.7 on (:data:`OFFICIAL_CXX11_ABI_SOURCES`). None
    for a source or vendor build (``+git…``, ``a0+…``), an unknown version, or 2.6 without its CUDA tag."""
    local = torch_local_tag(version)
    if local is not None and not local.startswith(("cu", "cpu")):
        return None
    public = torch_public(version)
    mm = major_minor(public)
    if mm is None or (public and re.search(r"[a-z]", public)):
        return None
    if mm < (2, 6):
        return False
    if mm >= (2, 7):
        return True
    tag = cuda_tag or local
    return None if tag is None else tag == "cu126"


# --- torch's own cuDNN checks ------------------------------------------------------------------
RUNTIME_VERSION = "cudnn_runtime_version"
MIN_COMPUTE_CAPABILITY = "cudnn_min_compute_capability"


@dataclass
class GuardVerdict:
    """Whether torch refuses a cuDNN: ``refused`` True, False, or None when it cannot be told.

    ``condition_met`` says whether the facts meet the check's condition (None: a fact it
    needs is not known); ``reason`` says why, in words a finding can quote.
    """

    refused: Optional[bool]
    reason: str
    row: Optional[TorchGuard] = None
    condition_met: Optional[bool] = None


def _release(torch_version: str) -> str:
    mm = major_minor(torch_version.split("+", 1)[0])
    return f"{mm[0]}.{mm[1]}" if mm else torch_version


def _presence(db: CompatDB, guard: str, torch_version: Optional[str], refused_reason: str,
              unknown_reason: str, absent_reason: str) -> GuardVerdict:
    """The verdict once the facts meet a check's condition: it depends on whether torch runs it."""
    row = db.torch_guard(guard, torch_version) if torch_version else None
    if row is None or row.present is None:
        return GuardVerdict(None, unknown_reason, row, True)
    if not row.present:
        return GuardVerdict(False, absent_reason, row, True)
    return GuardVerdict(True, refused_reason, row, True)


def cudnn_runtime_refused(db: CompatDB, torch_version: Optional[str], compiled: Optional[str],
                          runtime: Optional[str]) -> GuardVerdict:
    """Does torch refuse the runtime cuDNN ``runtime`` for a build compiled with ``compiled``?

    torch's check: the same major, and a minor ≥ the compiled one (exact minor below cuDNN 7).
    """
    have, want = parse(runtime), parse(compiled)
    if not have or not want or len(want) < 2:
        return GuardVerdict(None, "the compiled or the runtime cuDNN version is not known")
    if have[0] == want[0] and len(have) < 2:
        return GuardVerdict(None, f"only the major of the runtime cuDNN ({runtime}) is known")
    mismatch = have[0] != want[0] or (have[1] != want[1] if have[0] < 7 else have[1] < want[1])
    if not mismatch:
        return GuardVerdict(False, f"cuDNN {runtime} has the major of {compiled} and a minor at least as high",
                            condition_met=False)
    release = _release(torch_version) if torch_version else "this torch"
    return _presence(db, RUNTIME_VERSION, torch_version,
                     f"torch {release} needs cuDNN {want[0]}.x with a minor ≥ {want[1]} (compiled with "
                     f"{compiled}); {runtime} is not",
                     f"whether torch {release} checks the cuDNN version is not in cudacheck's sources",
                     f"torch {release} does not check the cuDNN version")


def _reference_min_cc_guard(db: CompatDB) -> Optional[TorchGuard]:
    """The parameters of the compute-capability check as read in a release that has it."""
    return next((g for g in db.torch_guards.guards
                 if g.guard == MIN_COMPUTE_CAPABILITY and g.present and g.cudnn_from), None)


def cudnn_refused_for_gpus(db: CompatDB, torch_version: Optional[str], cudnn: Optional[str],
                           gpus: Sequence[Arch]) -> GuardVerdict:
    """Does torch refuse runtime cuDNN ``cudnn`` because a visible GPU is too old for it?

    torch 2.13 refuses cuDNN ≥ 9.11 when the lowest compute capability of all visible
    GPUs is below 7.5 (``torch/backends/cudnn/__init__.py``); other releases per
    ``torch_guards.json``.
    """
    if not gpus:
        return GuardVerdict(False, "no GPU is known", condition_met=False)
    release = _release(torch_version) if torch_version else "this torch"
    row = db.torch_guard(MIN_COMPUTE_CAPABILITY, torch_version) if torch_version else None
    if row is not None and row.present is False:
        return GuardVerdict(False, f"torch {release} does not check cuDNN against the GPUs", row)
    reference = row if row is not None and row.cudnn_from else _reference_min_cc_guard(db)
    need = major_minor(reference.min_compute_capability) if reference and reference.min_compute_capability else None
    if reference is None or need is None:
        return GuardVerdict(None, "the check's parameters are not known", row)
    lowest = min(gpus)
    if (lowest.major, lowest.minor) >= need:
        return GuardVerdict(False, f"every GPU is at least {reference.min_compute_capability}", row, False)
    if not cudnn or len(parse(cudnn) or ()) < 2:
        return GuardVerdict(None, f"the cuDNN torch {release} will load is not known, and {lowest.sm} is below "
                                  f"{reference.min_compute_capability}", row)
    if at_least(cudnn, reference.cudnn_from) is False:
        return GuardVerdict(False, f"cuDNN {cudnn} is older than {reference.cudnn_from}", row, False)
    return _presence(db, MIN_COMPUTE_CAPABILITY, torch_version,
                     f"torch {release} refuses cuDNN ≥ {reference.cudnn_from} when a GPU is below compute capability "
                     f"{reference.min_compute_capability}: cuDNN {cudnn}, {lowest.sm}",
                     f"whether torch {release} refuses cuDNN ≥ {reference.cudnn_from} on GPUs below "
                     f"{reference.min_compute_capability} is not in cudacheck's sources",
                     f"torch {release} does not check cuDNN against the GPUs")


# --- a GPU no torch release ever shipped kernels for -----------------------------------------------------
@lru_cache(maxsize=256)
def below_every_release(db: CompatDB, gpu: Arch) -> Optional[bool]:
    """Whether a GPU is older than every CUDA build of every torch release in the table (Fermi and older):
    no official wheel, old or new, runs on it. A build whose arch list is not known still cannot target the
    GPU when its CUDA is newer than the last toolkit that targets the GPU's architecture. None when neither
    settles a build."""
    row = db.arch(f"{gpu.major}.{gpu.minor}")
    last_cuda = major_minor(row.last_cuda) if row is not None and row.last_cuda else None
    answers: List[Optional[bool]] = []
    for release in db.torch.releases:
        for variant in release.variants:
            if not variant.tag.startswith("cu"):
                continue
            targets = variant_targets(variant)
            if targets is not None:
                answers.append(targets.is_below(gpu))
                continue
            built_with = major_minor(variant.cuda) if variant.cuda else None
            answers.append(True if last_cuda and built_with and built_with > last_cuda else None)
    if not answers or False in answers:
        return False if answers else None
    return None if None in answers else True


# --- an install that asks for a CUDA the release was not built for ---------------------------------------
def cuda_not_built_for(db: CompatDB, torch_version: Optional[str], cuda: Optional[str]) -> Optional[Tuple[str, ...]]:
    """The CUDA versions torch ``torch_version``'s release was built for, when ``cuda`` is not one of them; None
    when it is, or when the release or its variants are not known.

    conda's pytorch channel builds each release for the CUDA versions of its official wheels; asked for a
    ``cudatoolkit``/``pytorch-cuda`` no build of that release pairs with, the solver settles on the CPU build
    (it depends on no CUDA package) or gives up."""
    if not torch_version or not cuda:
        return None
    release = db.torch_release(torch_version)
    wanted = major_minor(cuda)
    if release is None or wanted is None:
        return None
    built = tuple(v.cuda for v in release.variants if v.cuda and major_minor(v.cuda) is not None)
    if not built or any(major_minor(c) == wanted for c in built):
        return None
    return built
