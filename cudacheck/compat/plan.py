"""Which official torch wheels run on a given driver, GPUs and Python (``compat plan``).

This is also where remedies come from: "the newest wheel that fits this machine".
Driver semantics (DESIGN.md): a driver whose CUDA major is newer than the wheel's
runs it; the same major runs any minor above the minor-version-compat floor, but PTX
built by a newer toolkit than the driver cannot be JIT-compiled; an older major does
not run it at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

from ..versions import at_least, major_minor, parse
from .archs import Arch, coverage, parse_arch
from .db import CompatDB
from .tables import TorchRelease, TorchVariant


@dataclass
class DriverVerdict:
    """How a driver relates to a wheel's CUDA version."""

    runs: bool
    needs_minor_compat: bool  # driver's CUDA is older than the build's, same major
    reason: str


@dataclass
class Candidate:
    """One wheel that runs on the planned machine."""

    torch: str
    tag: str
    cuda: str
    install: str
    notes: List[str] = field(default_factory=list)


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


def variant_archs(variant: TorchVariant) -> Optional[Tuple[List[Arch], List[Arch]]]:
    """(sass, ptx) archs of a variant; ``None`` when its arch list is not known."""
    if variant.sm is None or variant.ptx is None:
        return None
    sass = [a for a in (parse_arch(s) for s in variant.sm) if a]
    ptx = [a for a in (parse_arch(s) for s in variant.ptx) if a]
    return sass, ptx


def inferred_archs(db: CompatDB, release: TorchRelease, variant: TorchVariant):
    """For a variant whose arch list is unknown: the list of the same CUDA tag in the
    nearest older release that has one, with that release named — an inference the
    planner states as such, never a fact. ``None`` when there is no such release."""
    older = [r for r in db.torch_releases_newest_first()
             if (parse(r.version) or (0,)) < (parse(release.version) or (0,))]
    for candidate in older:
        match = next((v for v in candidate.variants if v.tag == variant.tag and v.sm is not None), None)
        archs = variant_archs(match) if match is not None else None
        if archs is not None:
            return archs[0], archs[1], f"torch {candidate.version} {match.tag}"
    return None


def python_ok(release: TorchRelease, python: Optional[str]) -> bool:
    """Whether a release ships wheels for ``python`` (``"3.11"``)."""
    if not python:
        return True
    wanted = major_minor(python)
    if release.python_versions:
        return any(major_minor(v) == wanted for v in release.python_versions)
    if release.python:
        from packaging.specifiers import SpecifierSet

        return SpecifierSet(release.python).contains(f"{wanted[0]}.{wanted[1]}", prereleases=True)
    return True


def plan(db: CompatDB, *, driver_version: Optional[str] = None, driver_cuda: Optional[str] = None,
         gpus: Sequence[Arch] = (), python: Optional[str] = None,
         platform: str = "linux", companions: Sequence[str] = ()) -> List[Candidate]:
    """Every official wheel that runs on this driver, these GPUs and this Python, newest first."""
    candidates: List[Candidate] = []
    for release in db.torch_releases_newest_first():
        if not python_ok(release, python):
            continue
        variants = sorted(release.variants, key=lambda v: parse(v.cuda) or (0,), reverse=True)
        for variant in variants:
            notes: List[str] = []
            verdict = driver_verdict(db, variant.cuda, driver_cuda, driver_version, platform)
            if verdict is not None and not verdict.runs:
                continue
            if verdict is not None and verdict.needs_minor_compat:
                notes.append(verdict.reason)
            known = variant_archs(variant)
            if known is not None:
                sass, ptx = known
            else:
                inferred = inferred_archs(db, release, variant)
                if inferred is None:
                    continue  # nothing known about its GPU targets: never offered
                sass, ptx, origin = inferred
                notes.append(f"arch list not in cudacheck's sources; assumed equal to {origin}")
            usable = True
            for gpu in gpus:
                cover = coverage(sass, ptx, gpu)
                if cover.kind == "none" or (cover.kind == "ptx"
                                            and db.cuda_predates_arch(variant.cuda, gpu.major, gpu.minor)):
                    usable = False
                elif cover.kind == "ptx":
                    if verdict is not None and verdict.needs_minor_compat:
                        usable = False  # the driver cannot JIT PTX from a newer toolkit
                    else:
                        notes.append(f"{gpu.sm} runs through PTX JIT of {cover.via}: first start is slow")
            if not usable:
                continue
            candidates.append(Candidate(torch=release.latest, tag=variant.tag, cuda=variant.cuda,
                                        install=db.install_command(release, variant, tuple(companions)),
                                        notes=notes))
    return candidates


def newest_wheel_covering(db: CompatDB, gpu: Arch) -> Optional[str]:
    """The install command of the newest official wheel (any driver) whose targets cover ``gpu``:
    where to go back to when a GPU is older than a build supports."""
    for release in db.torch_releases_newest_first():
        for variant in sorted(release.variants, key=lambda v: parse(v.cuda) or (0,), reverse=True):
            known = variant_archs(variant)
            if known is not None and coverage(known[0], known[1], gpu).kind != "none":
                return db.install_command(release, variant)
    return None
