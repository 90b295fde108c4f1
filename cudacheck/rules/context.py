"""RuleContext: the Snapshot, CompatDB and Policy a rule judges, plus derived views
(GPU architectures, the torch build's targets, the driver's CUDA, the evidence of an
NVIDIA GPU) computed once, and the remedies the planner checks."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, List, Optional, Tuple

from ..compat.archs import Arch, parse_arch
from ..compat.db import CompatDB
from ..compat.judgements import ArchTargets, variant_targets
from ..compat.tables import GpuRow, TorchRelease, TorchVariant
from ..observations import Obs
from ..policy import Policy
from ..report import Finding
from ..snapshot import GpuFacts, Snapshot
from ..versions import cuda_tag, major_minor, official_torch, torch_local_tag, torch_public
from .registry import Rule, finding


def quotation(text: str, limit: int = 200) -> str:
    """Pasted ``text`` as a quotation (“…”), shortened past ``limit`` characters. Its
    backticks become ' : in a paste they are Markdown left over, and shown as they are
    they would read as the start of a code span (which a terminal line never breaks)."""
    text = text if len(text) <= limit else text[:limit - 3] + "…"
    return "“" + text.replace("`", "'") + "”"

if TYPE_CHECKING:  # the planner is imported only when a remedy is built
    from ..compat.plan import Candidate, Machine


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


class UnknownTargets(LookupError):
    """Raised when a rule reads the targets of a build whose arch list is not known."""


@dataclass
class BuildView:
    """The torch build: version, CUDA, and the archs it carries when they are known.

    ``targets`` is None when nobody knows the arch list (``targets_unknown`` says why):
    there is no empty list to misread as "no kernels".
    """

    version: Optional[str]
    cuda: Optional[str]
    tag: Optional[str]
    release: Optional[TorchRelease]
    variant: Optional[TorchVariant]
    targets: Optional[ArchTargets] = None
    targets_unknown: str = ""

    @property
    def known_archs(self) -> bool:
        return self.targets is not None

    @property
    def arch_source(self) -> Optional[str]:
        return self.targets.source if self.targets is not None else None

    def _known(self) -> ArchTargets:
        if self.targets is None:
            raise UnknownTargets(f"the arch list of torch {self.version} is not known: {self.targets_unknown}")
        return self.targets

    @property
    def sass(self) -> List[Arch]:
        """The SASS targets; raises :class:`UnknownTargets` when they are not known."""
        return list(self._known().sass)

    @property
    def ptx(self) -> List[Arch]:
        """The PTX targets; raises :class:`UnknownTargets` when they are not known."""
        return list(self._known().ptx)

    def arch_text(self) -> str:
        return self._known().text()


class RuleContext:
    """What every rule sees; rules never probe, so everything here is derived from data.

    ``planning`` is set while the planner judges a candidate environment: remedies are
    then not planned again (a plan is judged, not re-planned). ``plan_remedies`` False
    leaves install remedies out (``health`` prints one line and never shows them).
    """

    def __init__(self, snapshot: Snapshot, db: CompatDB, policy: Policy, planning: bool = False,
                 plan_remedies: bool = True) -> None:
        self.snapshot = snapshot
        self.db = db
        self.policy = policy
        self.planning = planning
        self.plan_remedies = plan_remedies
        self.rule: Optional[Rule] = None

    def finding(self, title: str, **kwargs: Any) -> Finding:
        """A Finding of the rule being run (keywords: :func:`cudacheck.rules.registry.finding`'s,
        checked there)."""
        assert self.rule is not None
        return finding(self.rule, title, **kwargs)

    def cannot_tell(self, title: str, *, detail: str = "", evidence: Optional[List[str]] = None,
                    remedy: str = "") -> Finding:
        """An info finding saying what could not be checked and why (a relevant unknown): never
        an error or a warning, and a plan that leaves one is not offered."""
        found = self.finding(title, severity="info", detail=detail, evidence=evidence, remedy=remedy)
        found.could_not_check = True
        return found

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
            if any(gpu.row is not None and gpu.row.segment == "embedded" for gpu in self.gpus):
                return None  # Jetson's driver numbers are not the desktop table's ("580.00" runs CUDA 13.0 on Thor)
            return self.db.driver_cuda(self.driver_version, self.platform)
        return None

    @property
    def platform(self) -> str:
        system = (self.snapshot.platform.system or "").lower()
        return "windows" if system.startswith("win") else "linux"

    @property
    def nvml_ok(self) -> bool:
        return self.snapshot.nvml.status == "ok"

    @property
    def driver_hung(self) -> Optional[str]:
        """"timed out" / "crashed" when NVML did not answer (the driver hung or crashed), else None."""
        status = self.snapshot.nvml.status
        if status not in ("timeout", "crashed"):
            status = next((e.kind for e in self.snapshot.probe_errors
                           if e.probe == "nvml" and e.kind in ("timeout", "crashed")), None)
        return {"timeout": "timed out", "crashed": "crashed"}.get(status or "")

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
        """Evidence that this host has NVIDIA GPUs, even if this process cannot use them: GPUs, device nodes,
        an NVIDIA driver of known version, a driver that answered wrongly or hung, the report saying so."""
        nodes = self.snapshot.container.dev_nodes or []
        return bool(self.gpus) or any(n.rstrip("0123456789") == "/dev/nvidia" and n[-1].isdigit()
                                      for n in nodes) \
            or self.snapshot.nvml.status in ("version_mismatch", "no_permission") or self.driver_hung is not None \
            or bool(self.driver_version) \
            or any(o.signature == Obs.NVIDIA_GPU_STATED for o in self.snapshot.observations)

    @property
    def gpu_expected(self) -> bool:
        """Evidence of an NVIDIA GPU or of the intent to use one: NVIDIA hardware, a GPU
        requirement, a CUDA build of torch, a driver that answered; else, unless something
        shows the machine has no NVIDIA GPU (:attr:`non_nvidia_evidence`), a CUDA error, an
        nvidia-smi line, a CUDA install or the stated wish to use the GPU in pasted text.
        A program's own request for CUDA ("Torch not compiled with CUDA enabled") is not
        evidence: it is raised on Macs and CPU-only laptops alike."""
        if self.has_nvidia_hardware or self.policy.wants_gpu or self.torch_is_cuda \
                or self.snapshot.nvml.status not in (None, "library_not_found"):
            return True
        if self.non_nvidia_evidence:
            return False  # what shows another accelerator (or none) outweighs a wish to use CUDA
        return any(_shows_intent(o) for o in self.snapshot.observations)

    @property
    def non_nvidia_evidence(self) -> Optional[str]:
        """What shows this machine's accelerator is not NVIDIA's (a ROCm or XPU torch, a Mac, a
        report saying there is no NVIDIA GPU), when nothing shows an NVIDIA GPU; None otherwise.
        No CUDA remedy is offered then."""
        if self.has_nvidia_hardware:
            return None
        torch = self.snapshot.torch
        version = torch.version or ""
        if torch.hip or "+rocm" in version:
            return f"{self.torch_label} is a ROCm build"
        if torch.xpu or "+xpu" in version:
            return f"{self.torch_label} is an Intel XPU build"
        if (self.snapshot.platform.system or "").lower() == "darwin":
            return "this is a Mac (Apple GPUs use MPS, not CUDA)"
        stated = next((o for o in self.snapshot.observations if o.signature == Obs.NO_NVIDIA_GPU), None)
        if stated is not None:
            return f"the report says there is no NVIDIA GPU to use ({quotation(stated.text, 120)})"
        return None

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
        if deep and deep.arch_list:
            view.targets = ArchTargets.from_flags(deep.arch_list, "deep")
        elif torch.arch_list:
            view.targets = ArchTargets.from_flags(torch.arch_list, torch.arch_list_source or "pasted")
        elif variant is not None and official_torch(version):
            view.targets = variant_targets(variant)
            if view.targets is None:
                view.targets_unknown = f"cudacheck's sources do not give the arch list of the {variant.tag} wheel " \
                                       f"of torch {release.version if release else version}"
        elif not cuda:
            view.targets_unknown = "the build's CUDA version is not known" if not torch.installed else \
                "it is not a CUDA build"
        elif variant is None:
            view.targets_unknown = f"torch {version} is not an official wheel in cudacheck's table"
        else:
            view.targets_unknown = f"torch {version} is not an official wheel (a source or custom build)"
        return view


    @property
    def torch_is_cuda(self) -> bool:
        return bool(self.snapshot.torch.cuda)

    @property
    def torch_label(self) -> str:
        """``torch 2.4.1+cu121``, or just ``torch`` when its version is not known."""
        version = self.snapshot.torch.version
        return f"torch {version}" if version else "torch"

    # --- remedies ----------------------------------------------------------------------
    def machine(self, *, same_python: bool = True) -> "Machine":
        """This machine as the planner sees it: driver, GPU identities, Python, platform and the
        companions (torchvision/torchaudio) a plan must bring along."""
        from ..compat.plan import PLANNED_COMPANIONS, Machine

        python = self.snapshot.platform.python_version if same_python else None
        version = major_minor(python)
        python_mm = f"{version[0]}.{version[1]}" if version else None
        gpus = [GpuFacts(index=g.facts.index, name=g.facts.name, uuid=g.facts.uuid,
                         pci_device_id=g.facts.pci_device_id,
                         compute_capability=g.facts.compute_capability or (g.arch.cc if g.arch else None),
                         memory_total_mib=g.facts.memory_total_mib) for g in self.gpus]
        companions: Tuple[str, ...] = tuple(name for name in PLANNED_COMPANIONS if self.snapshot.package(name))
        return Machine(driver_version=self.driver_version,
                       driver_cuda=self.snapshot.nvml.cuda_driver_version or self.snapshot.cuda_driver.driver_version,
                       gpus=gpus, python=python_mm, platform=self.platform,
                       machine=self.snapshot.platform.machine, companions=companions)

    @cached_property
    def plans(self) -> List["Candidate"]:
        """Every environment that passes the rules on this machine (newest first); none while
        planning or when the evidence says the GPUs here are not NVIDIA's."""
        if self.planning or self.non_nvidia_evidence:
            return []
        from ..compat.plan import plan

        return plan(self.db, self.machine())

    def wheels_for_machine(self, *, same_python: bool = True) -> List["Candidate"]:
        """Checked plans for this machine (newest first)."""
        if same_python:
            return self.plans
        if self.planning or self.non_nvidia_evidence:
            return []
        from ..compat.plan import plan

        return plan(self.db, self.machine(same_python=False))

    def best_wheel_text(self) -> str:
        """The newest checked plan for this machine, what it was checked against, or why there is none."""
        if self.planning:
            return "(a planned environment)"
        if not self.plan_remedies:
            return "`cudacheck doctor` names the torch wheel that fits this machine."
        other = self.non_nvidia_evidence
        if other:
            return f"No CUDA build is proposed: {other}, and nothing here shows an NVIDIA GPU."
        machine = self.machine()
        candidates = self.plans
        if not candidates:
            return ("No official torch wheel passes cudacheck's checks on " + machine.describe()
                    + "; update the NVIDIA driver first (or build torch from source for this GPU).")
        best = candidates[0]
        current = torch_public(self.snapshot.torch.version)
        prefix = "Newest official wheel that fits this driver and GPU"
        if current:
            prefix += f" (you have torch {self.snapshot.torch.version})"
        notes = "".join(f"; {note}" for note in best.notes)
        caveat = ""
        arch = (self.snapshot.platform.machine or "").lower()
        if self.platform == "windows" or arch in ("aarch64", "arm64"):
            where = "Windows" if self.platform == "windows" else "aarch64"
            caveat = (f"\n  (cudacheck's wheel table describes the Linux x86_64 wheels; check that this variant "
                      f"is published for {where} on the same index)")
        return f"{prefix}:\n  {best.install}\n  ({best.checked}{notes}){caveat}"


_NVIDIA_SIGNS = frozenset((
    Obs.DRIVER_TOO_OLD, Obs.DRIVER_FOUND_VERSION, Obs.INSUFFICIENT_DRIVER, Obs.UNSUPPORTED_PTX, Obs.NGC_DRIVER_TOO_OLD,
    Obs.FORWARD_COMPAT_804, Obs.DRIVER_RELEASE_UNSUPPORTED_GPU, Obs.GRAPHICS_DEVICE_NAME, Obs.CONTAINER_REQUIREMENT,
    Obs.SMI_CANNOT_COMMUNICATE, Obs.NVML_DRIVER_NOT_LOADED, Obs.KERNEL_MODULE_FAILED, Obs.RM_INIT_FAILED, Obs.NOUVEAU_BOUND,
    Obs.CUDA_UNKNOWN_ERROR, Obs.NVML_UNKNOWN_ERROR, Obs.CUDA_INIT_FAILED, Obs.SYSTEM_NOT_READY, Obs.FABRICMANAGER_FAILED,
    Obs.NVML_VERSION_MISMATCH, Obs.NVRM_API_MISMATCH, Obs.CUDA_803, Obs.NO_CUDA_DEVICE, Obs.NO_CUDA_GPUS,
    Obs.DOCKER_NO_GPU_DRIVER, Obs.DOCKER_UNKNOWN_RUNTIME, Obs.CDI_UNRESOLVABLE, Obs.NGC_NO_DRIVER, Obs.SMI_NO_DEVICES,
    Obs.DEVICES_UNAVAILABLE, Obs.NO_KERNEL_IMAGE, Obs.INVALID_DEVICE_FUNCTION, Obs.GPU_NOT_COMPATIBLE,
    Obs.GPU_REQUIRES_NEWER_CUDA, Obs.NVRTC_ARCH, Obs.PTXAS_UNKNOWN_ARCH, Obs.GPU_TOO_OLD_TORCH, Obs.MIN_CAPABILITY,
    Obs.TRITON_GPU_TOO_OLD, Obs.CUDNN_ARCH_MISMATCH, Obs.FOUND_GPU_CAPABILITY,
    Obs.CUDA_INIT_WARNING, Obs.CUDA_OOM, Obs.DEVICE_SIDE_ASSERT, Obs.INVALID_DEVICE_ORDINAL, Obs.ILLEGAL_MEMORY_ACCESS,
    Obs.LAUNCH_FAILURE, Obs.CUBLAS_STATUS, Obs.XID, Obs.FALLEN_OFF_BUS, Obs.ECC_ERROR, Obs.SMI_Q_PENDING, Obs.BF16_UNSUPPORTED,
    Obs.FLASH_ATTENTION_ARCH, Obs.FP8_UNSUPPORTED, Obs.COMPOSE_GPU, Obs.NVIDIA_GPU_STATED, Obs.GPU_INTENT,
    Obs.CUDA_MENTIONED,
))
"""Observations that show an NVIDIA GPU, or the intent to use one (a CUDA error, a GPU the error
names, a container asking for GPUs, a CUDA version or a GPU the report names)."""


def _shows_intent(observation) -> bool:
    """A user's own check of CUDA (``torch.cuda.is_available()`` typed in a session) shows the intent
    to use a GPU; the same line in collect_env's summary does not. So does installing a CUDA build, of torch or of
    an extension."""
    signature = observation.signature
    if signature == Obs.INSTALL_COMMAND:
        values = observation.values
        return (values.get("index") or "").startswith("cu") or bool(values.get("conda_cuda"))
    if signature == Obs.EXTENSION_BUILT_FOR:
        # an extension installed in its CUDA build ("xFormers was built for: PyTorch 2.1.0+cu121 with CUDA 1201"):
        # the environment was set up for an NVIDIA GPU
        return bool(observation.values.get("cuda")) or "+cu" in (observation.values.get("torch") or "")
    return signature in _NVIDIA_SIGNS or (
        signature in (Obs.CUDA_AVAILABLE, Obs.CUDA_DEVICE_COUNT) and observation.values.get("source") != "collect_env")
