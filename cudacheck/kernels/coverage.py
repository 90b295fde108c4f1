"""Can a GPU run a library's kernels? Judged per fatbin container group (pure).

Per container, the best way the GPU runs it (``compat/archs.py`` states the rules):
native SASS; else PTX the driver JIT-compiles — which needs a driver whose CUDA
version supports the PTX ISA version (PTX from a newer toolkit fails with
``cudaErrorUnsupportedPtxVersion``); else nothing. A library runs fully only when
every container does: one that does not is a kernel that fails with "no kernel image
is available" when it is launched.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

from ..compat.archs import Arch, coverage, parse_arch
from ..snapshot import KernelGroup
from ..versions import at_least, major_minor

#: PTX ISA version → the first CUDA release (toolkit and driver) that handles it.
#: Source: NVIDIA/cuda-python cuda_bindings/cuda/bindings/utils/_ptx_utils.py@149d45a4
#: (``_ptx_to_cuda``, from the PTX ISA release history in the PTX documentation).
PTX_ISA_CUDA: Dict[str, str] = {
    "6.0": "9.0", "6.1": "9.1", "6.2": "9.2", "6.3": "10.0", "6.4": "10.1", "6.5": "10.2",
    "7.0": "11.0", "7.1": "11.1", "7.2": "11.2", "7.3": "11.3", "7.4": "11.4", "7.5": "11.5", "7.6": "11.6",
    "7.7": "11.7", "7.8": "11.8", "8.0": "12.0", "8.1": "12.1", "8.2": "12.2", "8.3": "12.3", "8.4": "12.4",
    "8.5": "12.5", "8.6": "12.7", "8.7": "12.8", "8.8": "12.9", "9.0": "13.0", "9.1": "13.1",
}


def target_key(target: str) -> Tuple[int, str, str]:
    """Sort ``sm_90a`` after ``sm_90`` and ``sm_100`` after ``sm_90``."""
    match = re.match(r"^(\w+?)_(\d+)([a-z]?)$", target)
    return (int(match.group(2)), match.group(3), match.group(1)) if match else (0, "", target)


def ptx_isa_cuda(isa: Optional[str]) -> Optional[str]:
    """The CUDA version a driver must support to JIT PTX of this ISA version; None if unknown."""
    return PTX_ISA_CUDA.get(isa or "")


def newest_cuda(isas: Iterable[str]) -> Optional[str]:
    """The newest CUDA among PTX ISA versions (the toolkit that built a library, at least)."""
    known = [c for c in (ptx_isa_cuda(i) for i in isas) if c]
    return max(known, key=lambda c: major_minor(c) or (0, 0)) if known else None


def _archs(targets: Iterable[str]) -> List[Arch]:
    return [a for a in (parse_arch(t) for t in targets) if a is not None]


@dataclass
class LibraryCoverage:
    """How one library's containers serve one GPU."""

    total: int = 0
    sass: int = 0  # containers with native code
    ptx: int = 0  # containers the driver JIT-compiles from PTX (or may: driver CUDA unknown)
    ptx_too_new: int = 0  # only PTX, newer than the driver can JIT
    none: int = 0  # neither
    failing: List[KernelGroup] = field(default_factory=list)  # groups with no code for the GPU
    too_new: List[KernelGroup] = field(default_factory=list)  # groups whose only way is PTX too new

    @property
    def verdict(self) -> str:
        """``runs`` | ``jit`` (some containers through PTX) | ``partial`` | ``none`` | ``empty``."""
        if self.total == 0:
            return "empty"
        broken = self.none + self.ptx_too_new
        if broken == self.total:
            return "none"
        if broken:
            return "partial"
        return "jit" if self.ptx else "runs"


def library_coverage(groups: Iterable[KernelGroup], gpu: Arch, driver_cuda: Optional[str] = None) -> LibraryCoverage:
    """Per-container coverage of ``groups`` on ``gpu``; ``driver_cuda`` decides PTX JIT."""
    result = LibraryCoverage()
    for group in groups:
        result.total += group.count
        cover = coverage(_archs(group.sass), _archs(group.ptx), gpu)
        if cover.kind == "sass":
            result.sass += group.count
        elif cover.kind == "ptx":
            needs = ptx_isa_cuda(group.ptx_isa)
            if needs and driver_cuda and at_least(driver_cuda, needs) is False:
                result.ptx_too_new += group.count
                result.too_new.append(group)
            else:
                result.ptx += group.count
        else:
            result.none += group.count
            result.failing.append(group)
    return result


def main_targets(groups: Iterable[KernelGroup]) -> Tuple[List[str], List[str]]:
    """The targets at least half of the containers carry: a build's arch list.

    Per-kernel extras (an ``sm_90a`` FlashAttention-3 kernel, an ``sm_89`` FP8 kernel)
    appear in a few containers only and are not the build's list; a target every
    kernel has is."""
    groups = list(groups)
    total = sum(g.count for g in groups)
    counts: Dict[str, int] = {}
    for group in groups:
        for target in group.sass + group.ptx:
            counts[target] = counts.get(target, 0) + group.count
    kept = [t for t, n in counts.items() if total and n * 2 >= total]
    ordered = sorted(kept, key=target_key)
    return [t for t in ordered if t.startswith("sm_")], [t for t in ordered if t.startswith("compute_")]


def group_text(group: KernelGroup) -> str:
    """``sm_90a`` / ``sm_80 sm_90 + PTX compute_90`` / ``no code``."""
    parts = list(group.sass)
    if group.ptx:
        parts.append("PTX " + " ".join(group.ptx))
    return " ".join(parts) or "no code"
