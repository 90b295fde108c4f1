"""The planner: which official torch environments run on a machine, newest first.

One planner serves ``cudacheck compat plan`` and every remedy that proposes a torch
install. A plan is an environment — a torch release and CUDA variant, the matching
torchvision/torchaudio when they are installed, the cuDNN/NCCL the wheel pins and its
arch list — and it is offered only after the real rules have judged it against this
machine's driver and GPUs: a Snapshot of the machine with the planned torch in place
of the installed one must give no error, no warning and nothing the rules could not
check (an arch list nobody sourced cannot be proven to cover the GPU; a cuDNN nobody
sourced cannot be proven to pass torch's own checks on an old GPU). Each plan says
what it was checked against.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ..snapshot import GpuFacts, NvmlFacts, PackageFacts, PlatformFacts, Snapshot, TorchFacts
from ..versions import parse
from .archs import Arch, parse_arch
from .db import CompatDB
from .judgements import (DriverVerdict, driver_verdict, index_url, python_ok,  # noqa: F401
                         variant_targets)
from .tables import TorchRelease, TorchVariant

PLANNED_COMPANIONS = ("torchvision", "torchaudio")
"""The companions a plan pins beside torch (the compat table holds their pairings)."""


@dataclass
class Machine:
    """What a plan is checked against: the driver, the GPUs, the Python and the platform."""

    driver_version: Optional[str] = None
    driver_cuda: Optional[str] = None
    gpus: List[GpuFacts] = field(default_factory=list)
    python: Optional[str] = None  # "3.11"
    platform: str = "linux"
    machine: Optional[str] = None  # x86_64 | aarch64 | …
    companions: Tuple[str, ...] = ()  # installed torchvision / torchaudio

    def describe(self) -> str:
        """``driver 535.104.05 and NVIDIA A100-SXM4-80GB`` (what "checked against" names)."""
        names: List[str] = []
        for gpu in self.gpus:
            arch = parse_arch(gpu.compute_capability or "")
            name = gpu.name or (f"a GPU of compute capability {arch.cc}" if arch else "a GPU")
            if name not in names:
                names.append(name)
        if self.driver_version or self.driver_cuda:
            driver = f"driver {self.driver_version}" if self.driver_version else \
                f"a driver supporting CUDA {self.driver_cuda}"
            return driver + (f" and {', '.join(names)}" if names else "")
        return (", ".join(names) or "this machine") + " (the driver is not known: not checked against it)"


@dataclass
class Candidate:
    """One environment that passed the rules on the planned machine."""

    torch: str
    tag: str
    cuda: str
    install: str
    notes: List[str] = field(default_factory=list)
    checked: str = ""  # "checked against driver 535.104.05 and NVIDIA A100: no errors"
    companions: Dict[str, str] = field(default_factory=dict)
    cudnn: Optional[str] = None
    nccl: Optional[str] = None


def plan_snapshot(machine: Machine, release: TorchRelease, variant: TorchVariant, db: CompatDB) -> Snapshot:
    """The machine with the planned environment installed: driver and GPU identity from the
    machine, torch, its pinned nvidia-* wheels and the matching companions from the table."""
    version = f"{release.latest}+{variant.tag}"
    pins = {name: f"=={pin}" for name, pin in variant.nvidia_pins.items() if name.startswith("nvidia-")}
    snapshot = Snapshot(source="live", level="standard")
    snapshot.platform = PlatformFacts(system="Windows" if machine.platform == "windows" else "Linux",
                                      machine=machine.machine, python_version=machine.python)
    # One GPU of each kind: the rules judge a plan per GPU model, and a node's GPUs are mostly alike.
    kinds: Dict[Tuple[Optional[str], Optional[str], Optional[str], Optional[int]], Tuple[int, GpuFacts]] = {}
    for position, gpu in enumerate(machine.gpus):
        kinds.setdefault((gpu.name, gpu.compute_capability, gpu.brand, gpu.memory_total_mib), (position, gpu))
    gpus = [GpuFacts(index=gpu.index if gpu.index is not None else position, name=gpu.name, uuid=gpu.uuid,
                     pci_device_id=gpu.pci_device_id, compute_capability=gpu.compute_capability,
                     architecture=gpu.architecture, brand=gpu.brand, memory_total_mib=gpu.memory_total_mib)
            for position, gpu in kinds.values()]
    known_driver = bool(machine.driver_version or machine.driver_cuda)
    snapshot.nvml = NvmlFacts(status="ok" if known_driver else None, driver_version=machine.driver_version,
                              cuda_driver_version=machine.driver_cuda,
                              gpu_count=len(gpus) if known_driver else None, gpus=gpus)
    snapshot.torch = TorchFacts(installed=True, version=version, cuda=variant.cuda, nvidia_requirements=pins,
                                cudnn_version=variant.cudnn)
    packages = [PackageFacts(name="torch", version=version)]
    packages += [PackageFacts(name=name, version=pin[2:]) for name, pin in sorted(pins.items())]
    for name in machine.companions:
        companion = release.companion(name, release.latest)
        if companion:
            packages.append(PackageFacts(name=name, version=f"{companion}+{variant.tag}"))
    snapshot.packages = packages
    return snapshot


def judge(machine: Machine, release: TorchRelease, variant: TorchVariant, db: CompatDB):
    """The findings of every rule on the machine with this environment installed."""
    from ..policy import Policy
    from ..rules.engine import run_rules  # the rules judge plans; they import this module lazily too

    return run_rules(plan_snapshot(machine, release, variant, db), Policy(), db, planning=True)


def plan(db: CompatDB, machine: Machine) -> List[Candidate]:
    """Every official environment that passes the rules on ``machine``, newest release first
    and, within a release, the newest CUDA first."""
    candidates: List[Candidate] = []
    for release in db.torch_releases_newest_first():
        if not python_ok(release, machine.python):
            continue
        companions = {name: release.companion(name, release.latest) for name in machine.companions}
        if not all(companions.values()):
            continue  # the matching torchvision/torchaudio is not known: the plan would be incomplete
        for variant in sorted(release.variants, key=lambda v: parse(v.cuda) or (0,), reverse=True):
            verdict = driver_verdict(db, variant.cuda, machine.driver_cuda, machine.driver_version,
                                     machine.platform)
            if verdict is not None and not verdict.runs:
                continue  # the rules would say so too; this saves judging what cannot pass
            findings = judge(machine, release, variant, db)
            if any(f.severity != "info" or f.could_not_check for f in findings):
                continue
            notes = [f.title for f in findings if f.code in ("CC202", "CC211")]
            candidates.append(Candidate(
                torch=release.latest, tag=variant.tag, cuda=variant.cuda,
                install=db.install_command(release, variant, tuple(machine.companions)), notes=notes,
                checked=f"checked against {machine.describe()}: no errors",
                companions={k: v for k, v in companions.items() if v}, cudnn=variant.cudnn, nccl=variant.nccl))
    return candidates


def machine_for(db: CompatDB, *, driver_version: Optional[str] = None, driver_cuda: Optional[str] = None,
                gpus: Sequence[Arch] = (), python: Optional[str] = None, platform: str = "linux") -> Machine:
    """A Machine from bare facts (``compat plan --driver … --gpu …``)."""
    facts = [GpuFacts(index=index, compute_capability=arch.cc) for index, arch in enumerate(gpus)]
    return Machine(driver_version=driver_version, driver_cuda=driver_cuda, gpus=facts, python=python,
                   platform=platform)


def newest_wheel_covering(db: CompatDB, gpu: Arch) -> Optional[str]:
    """The install command of the newest official wheel that passes the rules on a GPU of this
    architecture, whatever the driver: where a pasted report's GPU can go back to when it is
    older than the build supports (its arch list and, below 7.5, its cuDNN are known)."""
    candidates = plan(db, Machine(gpus=[GpuFacts(index=0, compute_capability=gpu.cc)]))
    return candidates[0].install if candidates else None
