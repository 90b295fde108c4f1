"""RuleContext: the Snapshot, CompatDB and Policy a rule judges, plus derived views
(GPU architectures, the torch build's targets, the driver's CUDA) computed once."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import List, Optional

from ..compat.archs import Arch, parse_arch, parse_arch_flags
from ..compat.db import CompatDB
from ..compat.plan import Candidate, plan, variant_archs
from ..compat.tables import GpuRow, TorchRelease, TorchVariant
from ..policy import Policy
from ..report import Finding
from ..snapshot import GpuFacts, Snapshot
from ..versions import cuda_tag, major_minor, torch_local_tag, torch_public
from .registry import Rule, finding


@dataclass
class GpuView:
    """A GPU with its architecture resolved (from NVML, else from the product table)."""

    facts: GpuFacts
    arch: Optional[Arch]
    row: Optional[GpuRow]

    @property
    def label(self) -> str:
        name = self.facts.name or (self.row.name if self.row else "GPU")
        index = f"GPU {self.facts.index} " if self.facts.index is not None else ""
        return f"{index}{name}".strip()


@dataclass
class BuildView:
    """The torch build: version, CUDA, and the archs it carries (with where that list came from)."""

    version: Optional[str]
    cuda: Optional[str]
    tag: Optional[str]
    release: Optional[TorchRelease]
    variant: Optional[TorchVariant]
    sass: List[Arch] = field(default_factory=list)
    ptx: List[Arch] = field(default_factory=list)
    arch_source: Optional[str] = None  # deep | pasted | compat_data

    @property
    def known_archs(self) -> bool:
        return self.arch_source is not None

    def arch_text(self) -> str:
        sass = ", ".join(a.sm for a in sorted(self.sass)) or "none"
        ptx = ", ".join(f"compute_{a.major}{a.minor}{a.suffix}" for a in sorted(self.ptx))
        return f"SASS {sass}" + (f"; PTX {ptx}" if ptx else "; no PTX")


class RuleContext:
    """What every rule sees; rules never probe, so everything here is derived from data."""

    def __init__(self, snapshot: Snapshot, db: CompatDB, policy: Policy) -> None:
        self.snapshot = snapshot
        self.db = db
        self.policy = policy
        self.rule: Optional[Rule] = None

    def finding(self, title: str, **kwargs) -> Finding:
        """A Finding of the rule being run."""
        assert self.rule is not None
        return finding(self.rule, title, **kwargs)

    # --- driver --------------------------------------------------------------------
    @property
    def driver_version(self) -> Optional[str]:
        return self.snapshot.nvml.driver_version

    @cached_property
    def driver_cuda(self) -> Optional[str]:
        """Newest CUDA the driver supports: NVML, else cuDriverGetVersion, else the driver table."""
        nvml = self.snapshot.nvml.cuda_driver_version or self.snapshot.cuda_driver.driver_version
        if nvml:
            return nvml
        if self.driver_version:
            return self.db.driver_cuda(self.driver_version, self.platform)
        return None

    @property
    def platform(self) -> str:
        system = (self.snapshot.platform.system or "").lower()
        return "windows" if system.startswith("win") else "linux"

    @property
    def nvml_ok(self) -> bool:
        return self.snapshot.nvml.status == "ok"

    # --- GPUs ------------------------------------------------------------------------
    @cached_property
    def gpus(self) -> List[GpuView]:
        views = []
        for gpu in self.snapshot.nvml.gpus:
            row = self.db.gpu_index.match(gpu.name) or self.db.gpu_index.by_pci_id(gpu.pci_device_id)
            arch = parse_arch(gpu.compute_capability) if gpu.compute_capability else None
            if arch is None and row is not None and row.compute_capability:
                arch = parse_arch(row.compute_capability)
            views.append(GpuView(gpu, arch, row))
        return views

    @property
    def has_nvidia_hardware(self) -> bool:
        """Evidence that this host has NVIDIA GPUs, even if this process cannot use them."""
        nodes = self.snapshot.container.dev_nodes or []
        return bool(self.gpus) or any(n.rstrip("0123456789") == "/dev/nvidia" and n[-1].isdigit()
                                      for n in nodes) \
            or self.snapshot.nvml.status in ("version_mismatch", "no_permission", "timeout", "crashed")

    # --- torch build -----------------------------------------------------------------
    @cached_property
    def build(self) -> BuildView:
        torch = self.snapshot.torch
        version = torch.version
        cuda = torch.cuda
        tag = torch_local_tag(version) or (cuda_tag(cuda) if cuda else None)
        release = self.db.torch_release(version) if version else None
        variant = self.db.torch_variant(version, cuda) if version and cuda else None
        view = BuildView(version=version, cuda=cuda, tag=tag, release=release, variant=variant)
        deep = self.snapshot.deep
        flags = (deep.arch_list if deep and deep.arch_list else None) or torch.arch_list
        if flags:
            view.sass, view.ptx = parse_arch_flags(flags)
            view.arch_source = "deep" if deep and deep.arch_list else (torch.arch_list_source or "pasted")
        elif variant is not None and self._is_official(version):
            known = variant_archs(variant)
            if known is not None:  # an arch list nobody sourced stays unknown, never empty
                view.sass, view.ptx = known
                view.arch_source = "compat_data"
        return view

    @staticmethod
    def _is_official(version: Optional[str]) -> bool:
        """Official wheels carry a plain version (+cuXYZ or none); source builds carry +git…"""
        local = torch_local_tag(version)
        return local is None or local.startswith("cu")

    @property
    def torch_is_cuda(self) -> bool:
        return bool(self.snapshot.torch.cuda)

    # --- remedies ----------------------------------------------------------------------
    def wheels_for_machine(self, *, same_python: bool = True) -> List[Candidate]:
        """Official wheels that run on this driver and every GPU here (newest first)."""
        archs = [gpu.arch for gpu in self.gpus if gpu.arch]
        python = self.snapshot.platform.python_version if same_python else None
        python_mm = None
        if python and major_minor(python):
            major, minor = major_minor(python)  # type: ignore[misc]
            python_mm = f"{major}.{minor}"
        companions = [name for name in ("torchvision", "torchaudio") if self.snapshot.package(name)]
        return plan(self.db, driver_version=self.driver_version, driver_cuda=self.driver_cuda,
                    gpus=archs, python=python_mm, platform=self.platform, companions=companions)

    def best_wheel_text(self) -> str:
        """One line naming the newest wheel that fits, or why none does."""
        candidates = self.wheels_for_machine()
        if not candidates:
            return "No official torch wheel fits this driver and GPU; update the NVIDIA driver first."
        # Prefer wheels whose arch list is sourced over ones assumed from an older release.
        confirmed = [c for c in candidates if not any("assumed equal" in n for n in c.notes)]
        best = (confirmed or candidates)[0]
        current = torch_public(self.snapshot.torch.version)
        note = f"  ({'; '.join(best.notes)})" if best.notes else ""
        prefix = "Newest official wheel that fits this driver and GPU"
        if current:
            prefix += f" (you have torch {self.snapshot.torch.version})"
        caveat = ""
        machine = (self.snapshot.platform.machine or "").lower()
        if self.platform == "windows" or machine in ("aarch64", "arm64"):
            where = "Windows" if self.platform == "windows" else "aarch64"
            caveat = (f"\n  (cudacheck's wheel table describes the Linux x86_64 wheels; check that this variant "
                      f"is published for {where} on the same index)")
        return f"{prefix}:\n  {best.install}{note}{caveat}"
