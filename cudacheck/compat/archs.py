"""GPU architecture targets and what runs where (DESIGN.md "SASS compatibility").

A cubin for ``sm_XY`` runs on any GPU of the same major with minor ≥ Y, except the
``a`` (architecture-specific) targets, which run only on exactly X.Y; ``f``
(family) targets run on the same major with minor ≥ Y. PTX for ``compute_XY``
JIT-compiles for any GPU with compute capability ≥ X.Y (``a`` PTX does not).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, List, Optional, Tuple



@dataclass(frozen=True, order=True)
class Arch:
    """A compute capability with an optional ``a``/``f`` suffix."""

    major: int
    minor: int
    suffix: str = ""

    @property
    def cc(self) -> str:
        """``"9.0a"`` style."""
        return f"{self.major}.{self.minor}{self.suffix}"

    @property
    def sm(self) -> str:
        """``"sm_90a"`` style."""
        return f"sm_{self.major}{self.minor}{self.suffix}"

    def __str__(self) -> str:
        return self.sm


@lru_cache(maxsize=4096)
def parse_arch(text: str) -> Optional[Arch]:
    """Parse ``"8.6"``, ``"sm_86"``, ``"compute_90"``, ``"9.0a"``, ``"sm_100f"`` or ``"8.6+PTX"``.

    Cached: the compat table's arch lists are parsed again by every judgement that reads them."""
    text = text.strip()
    if not text:
        return None
    match = re.match(r"^(?:sm_|compute_)(\d+?)(\d)([af]?)$", text, re.IGNORECASE)
    if match:
        return Arch(int(match.group(1)), int(match.group(2)), match.group(3).lower())
    match = re.match(r"^(\d+)\.(\d+)([af]?)(?:\+ptx)?$", text, re.IGNORECASE)
    if match:
        return Arch(int(match.group(1)), int(match.group(2)), match.group(3).lower())
    return None


def parse_arch_flags(flags: Iterable[str]) -> Tuple[List[Arch], List[Arch]]:
    """Split ``torch.cuda.get_arch_list()``-style entries into (sass, ptx) archs."""
    sass: List[Arch] = []
    ptx: List[Arch] = []
    for flag in flags:
        arch = parse_arch(flag)
        if arch is None:
            continue
        (ptx if flag.strip().lower().startswith("compute_") else sass).append(arch)
    return sass, ptx


def parse_arch_list(text: str) -> Tuple[List[Arch], List[Arch]]:
    """Split a ``TORCH_CUDA_ARCH_LIST`` (``"7.0;8.0;9.0+PTX"``) into (sass, ptx) archs."""
    sass: List[Arch] = []
    ptx: List[Arch] = []
    for item in re.split(r"[;\s,]+", text.strip()):
        arch = parse_arch(item)
        if arch is None:
            continue
        sass.append(arch)
        if item.lower().endswith("+ptx"):
            ptx.append(arch)
    return sass, ptx


def sass_runs_on(target: Arch, gpu: Arch) -> bool:
    """Whether a cubin built for ``target`` runs on a GPU of compute capability ``gpu``."""
    if target.suffix == "a":
        return (target.major, target.minor) == (gpu.major, gpu.minor)
    return target.major == gpu.major and target.minor <= gpu.minor


def ptx_jits_for(target: Arch, gpu: Arch) -> bool:
    """Whether PTX for ``target`` can be JIT-compiled for ``gpu``."""
    if target.suffix:
        return (target.major, target.minor) == (gpu.major, gpu.minor)
    return (target.major, target.minor) <= (gpu.major, gpu.minor)


@dataclass(frozen=True)
class Coverage:
    """How a build serves one GPU: native SASS, PTX JIT, or not at all."""

    kind: str  # sass | ptx | none
    via: Optional[Arch] = None


def coverage(sass: Iterable[Arch], ptx: Iterable[Arch], gpu: Arch) -> Coverage:
    """The best way a build with these targets runs on ``gpu`` (SASS beats PTX)."""
    native = [t for t in sass if sass_runs_on(t, gpu)]
    if native:
        return Coverage("sass", max(native))
    jit = [t for t in ptx if ptx_jits_for(t, gpu)]
    if jit:
        return Coverage("ptx", max(jit))
    return Coverage("none")
