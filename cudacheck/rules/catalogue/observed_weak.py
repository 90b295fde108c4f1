"""Weak evidence: the most likely cause of a report that no recognised message explains (CC827)."""
from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Tuple

from ...compat.archs import Arch, parse_arch
from ...compat.judgements import driver_verdict
from ...observations import APPLICATION, Obs
from ...report import Finding
from ...vocabulary import CATEGORIES
from ...snapshot import Observation
from ...versions import cuda_from_digits, major_minor
from ..context import RuleContext
from ..observations import (POSSIBLE, all_of, cuda_unavailable, evidence, first_of, gpu_situation,
                            observation_category, optional_image_extension, platform_system, quote)
from ..registry import rule

_COMPONENTS: Dict[str, Tuple[str, str, str]] = {
    # component: (category, what the report names, how to confirm or rule it out)
    "container_requirement": ("container_requirement_unsatisfied", "the container's NVIDIA_REQUIRE_* check",
                              "`docker inspect <image> | grep NVIDIA_REQUIRE` and `nvidia-smi` on the host: which "
                              "condition does the driver not meet (cuda>=, brand, driver range)? An old driver is "
                              "fixed by updating it; a toolkit that misreads it (WSL2, old versions) by updating the "
                              "NVIDIA Container Toolkit."),
    "fabric_manager": ("fabricmanager_missing", "the NVIDIA Fabric Manager",
                       "`systemctl status nvidia-fabricmanager` must be active, with exactly the driver's version."),
    "forward_compat": ("forward_compat_unsupported", "CUDA forward compatibility",
                       "`ldconfig -p | grep libcuda` and LD_LIBRARY_PATH must not put a cuda-compat libcuda ahead "
                       "of the driver's on a GPU without forward-compatibility support."),
    "nccl": ("nccl_mismatch", "NCCL",
             "`pip list | grep nccl` must show one nvidia-nccl wheel, the one torch pins; no NCCL folder on "
             "LD_LIBRARY_PATH; `NCCL_DEBUG=INFO` prints the version each rank loads."),
    "cudnn": ("cudnn_missing", "cuDNN",
              "`python -c \"import torch; print(torch.backends.cudnn.version())\"` must print the version torch "
              "pins; no other cuDNN folder on LD_LIBRARY_PATH."),
    "cuda_library": ("lib_path_conflict", "a CUDA library (or LD_LIBRARY_PATH)",
                     "`unset LD_LIBRARY_PATH` and retry: torch's pip wheels bring their own CUDA libraries."),
    "shared_memory": ("shm_too_small", "shared memory (/dev/shm)",
                      "`df -h /dev/shm` (containers get 64 MiB unless started with --shm-size or --ipc=host)."),
    "companion": ("torchvision_mismatch", "torchvision / torchaudio",
                  "`pip list | grep torch`: torchvision and torchaudio must be the releases built for this torch, "
                  "from the same index (same CUDA variant)."),
    "extension": ("extension_mismatch", "a compiled extension",
                  "Reinstall the extension built for this torch, CUDA major and C++ ABI (or build it from source "
                  "against the installed torch)."),
    "capability": ("capability_missing", "a GPU feature (bf16, FP8, TF32) or a compute capability",
                   "`nvidia-smi --query-gpu=name,compute_cap --format=csv`: bf16 needs 8.0, FP8 8.9 (Ada/Hopper)."),
    "container_gpu": ("no_gpu_visible", "GPU access for a container or pod",
                      "`docker run --rm --gpus all ubuntu nvidia-smi` on the host must list the GPU (NVIDIA Container "
                      "Toolkit configured: `sudo nvidia-ctk runtime configure`); pods must request nvidia.com/gpu."),
    "toolkit": ("cuda_toolkit_mismatch_ext", "building a CUDA extension (nvcc, CUDA_HOME)",
                "`nvcc --version` and `python -c \"import torch; print(torch.version.cuda)\"` must agree in the "
                "major version, and CUDA_HOME must name that toolkit."),
    "gpu_hardware": ("gpu_health", "the GPU hardware (Xid, ECC, NVLink)",
                     "`sudo dmesg | grep -i xid` and `nvidia-smi -q -d ECC,PAGE_RETIREMENT,ROW_REMAPPER`."),
    "driver_update_no_reboot": ("driver_library_mismatch", "a driver update without a reboot",
                                "`cat /proc/driver/nvidia/version` (the loaded kernel module) must show the same "
                                "version as `nvidia-smi`; reboot after a driver update."),
    "driver_version": ("driver_too_old", "the NVIDIA driver's version",
                       "`nvidia-smi` shows the newest CUDA the driver supports; it must be at least the CUDA torch "
                       "(or the container image) was built for."),
    "kernel_module": ("driver_not_loaded", "the NVIDIA kernel module",
                      "`lsmod | grep nvidia` and `nvidia-smi` must work; after a kernel update rebuild the driver "
                      "(DKMS) and reboot."),
}
_ORDER = tuple(_COMPONENTS)
"""The most specific part first: a named service or library says more than a driver in general."""


def _explained(ctx: RuleContext) -> bool:
    """Whether a recognised message already points at a cause, or is the program's own error."""
    return any(observation_category(o.signature) in (*CATEGORIES, APPLICATION) and not optional_image_extension(o)
               for o in ctx.snapshot.observations)


_RECENT_SERIES = 10
"""How many of the newest torch minor series count as recent: about two and a half years at torch's quarterly
cadence. A GPU that only they support (an RTX 50 card: torch 2.7 and later) is still newer than the torch many apps
and images bundle."""


def _named_gpus(ctx: RuleContext) -> List[Tuple[str, Arch]]:
    """(label, architecture) of each GPU the paste names; where it names none, a GeForce series whose products all
    share one architecture ("RTX 50 series": every card sm_120) stands for its cards."""
    named = [(gpu.label, gpu.arch) for gpu in ctx.gpus if gpu.arch is not None]
    if named or ctx.gpus:
        return named
    series = first_of(ctx, Obs.GPU_NAME_AMBIGUOUS)
    if series is None or series.values.get("lowest") != series.values.get("highest"):
        return []
    arch = parse_arch(series.values.get("lowest", ""))
    return [(series.values.get("name", "this GPU series"), arch)] if arch is not None else []


def _newest_gpu_failing(ctx: RuleContext) -> Optional[Tuple[Observation, str, str, str]]:
    """(the writer's failure statement, the GPU's label, its sm, the first torch series with kernels for it) where a
    report says the program fails, names a GPU only recent torch series support, and shows no torch version at all;
    else None."""
    failed = _failure_without_torch(ctx)
    if failed is None:
        return None
    recent = [r.version for r in ctx.db.torch_releases_newest_first()[:_RECENT_SERIES]]
    for label, arch in _named_gpus(ctx):
        first = ctx.db.first_release_supporting(f"{arch.major}.{arch.minor}")
        if first is not None and first in recent:
            return failed, label, arch.sm, first
    return None


def _dropped_gpu_failing(ctx: RuleContext) -> Optional[Tuple[Observation, str, str, str, str]]:
    """(the writer's failure statement, the GPU's label, its sm, its compute capability, the torch series whose
    default build dropped it) where a report says the program fails, names a GPU that PyPI's default torch build
    no longer has kernels for, and shows no torch version at all; else None."""
    failed = _failure_without_torch(ctx)
    if failed is None:
        return None
    for label, arch in _named_gpus(ctx):
        capability = f"{arch.major}.{arch.minor}"
        dropped = ctx.db.default_build_dropped(capability)
        if dropped is not None:
            return failed, label, arch.sm, capability, dropped
    return None


def _gpu_outside_builds(ctx: RuleContext) -> Optional[Finding]:
    """A failure said of a GPU that the torch many apps bundle has no kernels for: one only the newest series
    support (arch_not_in_build), or one PyPI's default build dropped (gpu_too_old_for_build); None otherwise."""
    newest = _newest_gpu_failing(ctx)
    dropped = _dropped_gpu_failing(ctx) if newest is None else None
    if newest is not None:
        failed, label, sm, first = newest
        title = f"The report says it fails on {label} ({sm}): torch has kernels for it only from {first} on"
        category, why = "arch_not_in_build", (
            f"Official torch wheels before {first} have no kernels for {sm}, and many apps, installers and images "
            "still bundle such a torch; on this GPU their first CUDA operation fails (\"no kernel image is "
            "available\").")
        remedy = (f"{_arch_list_check(sm)}install torch {first} or newer with a CUDA build that lists it "
                  "(https://pytorch.org/get-started/locally/), or the app's build for this GPU.")
    elif dropped is not None:
        failed, label, sm, capability, since = dropped
        last = ctx.db.last_release_supporting(capability)
        title = f"The report says it fails on {label} ({sm}): torch's default builds have no kernels for it from " \
                f"{since} on"
        category, why = "gpu_too_old_for_build", (
            f"From torch {since} on, the CUDA build `pip install torch` installs has no kernels for {sm}; apps and "
            "images that moved to it stop working on this GPU (\"no kernel image is available\", or \"not "
            "compatible with the current PyTorch installation\")" +
            (f", while torch {last.torch}'s {last.tag} build still runs it." if last is not None else "."))
        remedy = f"{_arch_list_check(sm)}install a build that lists it" + (
            f": `pip install torch=={last.torch} --index-url https://download.pytorch.org/whl/{last.tag}`"
            if last is not None else "") + ", or the app's build for older GPUs."
    else:
        return None
    return ctx.finding(title, category=category, certainty=POSSIBLE,
                       detail=f"{quote(failed)}. The paste shows no torch build and no recognised error. {why}",
                       remedy=remedy, evidence=evidence(failed) + ["nvml.gpus.compute_capability"])


def _arch_list_check(sm: str) -> str:
    """The command that shows whether the installed torch has kernels for ``sm`` (the start of a remedy)."""
    return (f"python -c \"import torch; print(torch.__version__, torch.cuda.get_arch_list())\" — without {sm} in "
            "the list, ")


def _failure_without_torch(ctx: RuleContext) -> Optional[Observation]:
    """The writer's failure statement where the paste names an NVIDIA GPU and shows no torch version at all: the
    ground on which a GPU's place among torch's builds is the likeliest cause."""
    failed = first_of(ctx, Obs.FAILURE_STATED)
    if failed is None or ctx.snapshot.torch.version or first_of(ctx, Obs.TORCH_VERSION) is not None \
            or ctx.non_nvidia_evidence or not _named_gpus(ctx):
        return None
    return failed


def _driver_below_likely_build(ctx: RuleContext) -> Optional[Tuple[str, str, str]]:
    """(which builds, the oldest CUDA they need, what the paste most likely installed) when the pasted driver
    runs none of the builds: the CUDA build an install command asks for, else the torch version the paste
    names without its build, else the newest release; only PyPI's default wheel after a plain
    `pip install torch`; and, for a named release, its default build when the driver runs only older ones
    (those are installed only when asked for by name). None when not known."""
    if not (ctx.driver_cuda or ctx.driver_version):
        return None
    asked = _installed_cuda(ctx)
    if asked is not None:  # the install command says which CUDA build it asked for: judge that one
        verdict = driver_verdict(ctx.db, asked, ctx.driver_cuda, ctx.driver_version, ctx.platform)
        return None if verdict is None or verdict.runs else \
            (f"the CUDA {asked} build the install command asks for", asked, "the build the install command asks for")
    named = first_of(ctx, Obs.TORCH_VERSION)
    release = ctx.db.torch_release(named.values.get("version", "")) if named is not None else \
        next(iter(ctx.db.torch_releases_newest_first()), None)
    variants = [v for v in (release.variants if release is not None else []) if v.cuda and major_minor(v.cuda)]
    plain_pip = any("pip" in o.values.get("tool", "") and o.values.get("has_index") == "no"
                    for o in all_of(ctx, Obs.INSTALL_COMMAND))
    if plain_pip and platform_system(ctx) == "windows":
        return None  # PyPI's torch for Windows is a CPU build: no driver is too old for it (CC807 says so)
    default = [v for v in variants if release is not None and v.tag == release.pypi_default]
    cudas = [v.cuda for v in (default if plain_pip and default else variants)]  # `pip install torch`: PyPI's wheel
    if release is None or not cudas:
        return None
    oldest = min(cudas, key=lambda c: major_minor(c) or (99, 0))
    verdict = driver_verdict(ctx.db, oldest, ctx.driver_cuda, ctx.driver_version, ctx.platform)
    if verdict is not None and not verdict.runs:
        pypi = " from PyPI" if plain_pip and default else ""
        return (f"every CUDA build of torch {release.version}{pypi}", oldest,
                f"the torch {release.version} build it most likely has")
    if named is None or not default or plain_pip or platform_system(ctx) == "windows":
        return None
    # the driver runs only builds older than the default: those are installed only when asked for by name
    verdict = driver_verdict(ctx.db, default[0].cuda, ctx.driver_cuda, ctx.driver_version, ctx.platform)
    if verdict is None or verdict.runs:
        return None
    return (f"torch {release.version}'s default CUDA {default[0].cuda} build", default[0].cuda,
            f"the build `pip install torch=={release.latest}` installs on Linux")


def _installed_cuda(ctx: RuleContext) -> Optional[str]:
    """The CUDA version an install command in the paste asked for (conda's ``pytorch-cuda=11.7``, pip's
    ``--index-url …/cu121`` or ``torch==2.1.0+cu121``), or None."""
    for observation in all_of(ctx, Obs.INSTALL_COMMAND):
        values = observation.values
        conda = major_minor(values.get("conda_cuda"))
        if conda is not None:
            return f"{conda[0]}.{conda[1]}"
        index = values.get("index") or ""
        if index.startswith("cu"):
            return cuda_from_digits(index[2:])
    return None


def _component(ctx: RuleContext) -> Optional[Tuple[str, Observation]]:
    """The most specific part of the stack named on a failure line; a line listing torch's companions with a compiled
    extension ("I reinstalled torch, torchvision and xformers, still not working") points at the extension."""
    cues = {o.values.get("component"): o for o in all_of(ctx, Obs.COMPONENT_FAILURE)}
    companion, extension = cues.get("companion"), cues.get("extension")
    if companion is not None and extension is not None and companion.line == extension.line:
        del cues["companion"]
    for name in _ORDER:
        if name in cues:
            return name, cues[name]
    return None


@rule("CC827", "triage-weak-evidence", "config", "torch", severity="warning", symptom=True)
def weak_evidence(ctx: RuleContext) -> Iterator[Finding]:
    """A pasted report that no recognised message explains: the most likely cause from weaker cues.

    What it checks:
        Only when nothing in the paste is a recognised error of the GPU stack (and not the
        program's own error): the part of the stack the report names on a line that says
        something failed ("NCCL fails on the second node", "the cuDNN from conda does not
        work"), or CUDA reported unavailable while the paste does not show which torch
        build is installed — a driver too old for the CUDA build an install command asks
        for (`pytorch-cuda=11.7`, `--index-url …/cu121`), else for every CUDA build of the
        torch release the paste names (or the newest one) when the driver is known, or
        for the named release's default build (PyPI's on Linux) when the driver runs only
        its older builds, which are installed only when asked for by name; otherwise most
        often a CPU-only build. A report that the program fails on a GPU only the newest
        torch series support (arch_not_in_build), or on one PyPI's default build no longer
        has kernels for (gpu_too_old_for_build: a GTX 10-series card from torch 2.8 on),
        with no torch version in the paste; a GeForce series whose cards share one
        architecture ("RTX 50 series", "50系") stands for its cards where no GPU is named,
        and asking for the GPU to be supported counts as saying it fails. Always
        `possible`, and never an error.
    Why it matters:
        A report with no recognised message still names where it hurts; saying which cause
        that most often is, and how to confirm it, is better than saying nothing.
    How to fix:
        Confirm or rule out the named cause with the command in the remedy, and paste
        `cudacheck doctor --format markdown` from the affected machine for a firm diagnosis.
    """
    if ctx.snapshot.source != "pasted" or _explained(ctx):
        return
    found = _component(ctx)
    if found is not None:
        name, cue = found
        category, words, check = _COMPONENTS[name]
        yield ctx.finding(
            f"The report points at {words}", category=category, certainty=POSSIBLE,
            detail=f"{quote(cue)}. No recognised error message says more; this is the part of the stack the report "
                   "names where it says something fails.",
            remedy=f"{check} Then paste `cudacheck doctor --format markdown` from the machine.",
            evidence=evidence(cue))
        return
    unavailable = cuda_unavailable(ctx)
    placed = _gpu_outside_builds(ctx) if unavailable is None else None
    if placed is not None:
        yield placed
        return
    if unavailable is None or ctx.snapshot.torch.version or gpu_situation(ctx) is not None \
            or ctx.non_nvidia_evidence or first_of(ctx, Obs.CUDA_AVAILABLE) and \
            any(o.values.get("value") == "true" for o in all_of(ctx, Obs.CUDA_AVAILABLE)):
        return
    old_driver = _driver_below_likely_build(ctx)
    if old_driver is not None:
        builds, oldest, likely = old_driver
        yield ctx.finding(
            f"CUDA is unavailable and the driver supports only CUDA {ctx.driver_cuda}: too old for {builds}",
            category="driver_too_old", certainty=POSSIBLE,
            detail=f"{quote(unavailable)}. The paste does not show which torch build is installed; {likely} "
                   f"needs CUDA {oldest}, which this driver cannot run (a CPU-only torch would be the other common "
                   "cause).",
            remedy="Update the NVIDIA driver, or install a torch build for a CUDA version this driver supports "
                   "(`cudacheck compat plan --driver <version>`); `python -c \"import torch; "
                   "print(torch.version.cuda)\"` shows which build is installed.",
            evidence=evidence(unavailable) + ["nvml.driver_version"])
        return
    yield ctx.finding(
        "CUDA is unavailable and the paste does not show the torch build: most often a CPU-only torch",
        category="cpu_only_torch", certainty=POSSIBLE,
        detail=f"{quote(unavailable)}. Without a recognised error the usual causes, most common first: a CPU-only "
               "torch (pip's default on Windows, a conda solve that picked the CPU variant), a driver older than the "
               "CUDA torch was built for, no loaded NVIDIA driver.",
        remedy="python -c \"import torch; print(torch.__version__, torch.version.cuda)\" — `None` means a CPU-only "
               "build: reinstall from https://pytorch.org/get-started/locally/ with a CUDA index; otherwise compare "
               "`nvidia-smi`'s CUDA Version with torch.version.cuda.",
        evidence=evidence(unavailable))
