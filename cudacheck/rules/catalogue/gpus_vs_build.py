"""The torch build versus the GPUs: does the build carry code these GPUs can run?"""
from __future__ import annotations

from typing import Iterator, Tuple

from ...compat.archs import Arch, Coverage
from ...compat.judgements import ArchTargets, driver_verdict
from ...observations import Obs
from ...report import Finding
from ..context import GpuView, RuleContext
from ..observations import first_of, quote
from ..registry import rule


def _covered_gpus(ctx: RuleContext) -> Iterator[Tuple[GpuView, Arch, ArchTargets, Coverage]]:
    """Each GPU whose architecture is known, with the build's targets and how they cover it;
    nothing when the build's targets are not known."""
    targets = ctx.build.targets
    if not ctx.torch_is_cuda or not ctx.gpus or targets is None:
        return
    for gpu in ctx.gpus:
        if gpu.arch is not None:
            yield gpu, gpu.arch, targets, targets.covers(gpu.arch)


def _source_note(ctx: RuleContext) -> str:
    source = ctx.build.arch_source
    if source == "pasted":
        stated = first_of(ctx, Obs.BUILD_ARCH_LIST)
        return f" (as torch printed it, {quote(stated)})" if stated else " (from the pasted text)"
    if source == "compat_data":
        return f" (arch list of the official {ctx.build.tag} wheel, from cudacheck's compat data)"
    if source == "deep":
        return " (torch.cuda.get_arch_list() in a child process)"
    if source == "binary":
        return " (read from torch's own binaries)"
    return ""


@rule("CC201", "gpu-arch-not-in-build", "arch_not_in_build", "gpus")
def gpu_arch_not_in_build(ctx: RuleContext) -> Iterator[Finding]:
    """The torch build has no kernels this GPU can run.

    What it checks:
        For each GPU, whether the build has SASS for the same major with a minor ≤ the
        GPU's (sm_80 runs on sm_86/sm_89; `a` targets only on the exact GPU), or PTX at or
        below the GPU's compute capability that the driver can JIT.
    Why it matters:
        Without either, every kernel launch fails with "no kernel image is available for
        execution on the device", and torch warns "sm_120 is not compatible with the
        current PyTorch installation" — typical for a new GPU (RTX 50xx) with an older
        wheel.
    How to fix:
        Install a wheel whose arch list includes the GPU (the remedy names the newest one
        that also fits the driver), or build torch with TORCH_CUDA_ARCH_LIST including it.
    """
    for gpu, arch, targets, cover in _covered_gpus(ctx):
        if cover.kind != "none" or targets.is_below(arch):
            continue
        yield ctx.finding(
            f"{ctx.torch_label} has no kernels for {gpu.label} ({arch.sm})",
            detail=f"{gpu.label} has compute capability {arch.cc}; the build has "
                   f"{ctx.build.arch_text()}{_source_note(ctx)}. No SASS of the same major with a lower "
                   "minor and no PTX at or below it.",
            remedy=ctx.best_wheel_text(), evidence=["nvml.gpus.compute_capability", "torch.version"])


@rule("CC203", "gpu-too-old-for-build", "gpu_too_old_for_build", "gpus")
def gpu_too_old_for_build(ctx: RuleContext) -> Iterator[Finding]:
    """The GPU is older than anything the build still ships.

    What it checks:
        The GPU's compute capability is below the lowest arch in the build's list
        (e.g. a Pascal sm_61 GPU with a CUDA 13 wheel that starts at sm_75).
    Why it matters:
        torch says "PyTorch no longer supports this GPU because it is too old" or fails
        with "no kernel image is available"; newer wheels will not bring it back.
    How to fix:
        Install the last torch release and CUDA variant that still supports the GPU (named
        in the remedy), or build torch from source for it.
    """
    for gpu, arch, targets, cover in _covered_gpus(ctx):
        oldest = targets.oldest
        if cover.kind != "none" or oldest is None or not targets.is_below(arch):
            continue
        yield ctx.finding(
            f"{gpu.label} ({arch.sm}) is too old for {ctx.torch_label}",
            detail=f"The build starts at {oldest.sm}: {ctx.build.arch_text()}"
                   f"{_source_note(ctx)}.",
            remedy=f"Install a torch release that still supports {arch.sm}:\n" + ctx.best_wheel_text(),
            evidence=["nvml.gpus.compute_capability", "torch.version"])


@rule("CC213", "arch-list-unknown", "arch_not_in_build", "gpus", severity="info")
def arch_list_unknown(ctx: RuleContext) -> Iterator[Finding]:
    """Whether the torch build has kernels for the GPUs could not be checked.

    What it checks:
        A CUDA build of torch runs beside NVIDIA GPUs, and its arch list is not known:
        not read from torch itself (`--deep`), not pasted, and not in cudacheck's sources
        for that official wheel (e.g. torch 2.6.0+cu126), or the build is not an official
        wheel.
    Why it matters:
        An unknown arch list is not an empty one: the build probably runs, but nothing
        proves it. CC201/CC203 stay silent rather than guess.
    How to fix:
        Run `cudacheck doctor --deep` (imports torch in a child and reads
        torch.cuda.get_arch_list()), or check `python -c "import torch;
        print(torch.cuda.get_arch_list())"`.
    """
    if not ctx.torch_is_cuda or ctx.build.targets is not None:
        return
    names = ", ".join(f"{g.label} ({g.arch.sm})" for g in ctx.gpus if g.arch is not None)
    if not names:
        return
    yield ctx.cannot_tell(
        f"Could not check whether {ctx.torch_label} has kernels for {names}",
        detail=f"The build's arch list is not known: {ctx.build.targets_unknown}.",
        remedy="`cudacheck doctor --deep` reads it from torch itself.",
        evidence=["torch.version", "torch.arch_list", "nvml.gpus.compute_capability"])


@rule("CC202", "gpu-needs-ptx-jit", "arch_not_in_build", "gpus", severity="info")
def gpu_needs_ptx_jit(ctx: RuleContext) -> Iterator[Finding]:
    """Only PTX covers this GPU: kernels are JIT-compiled at first use.

    What it checks:
        The build has no SASS for the GPU but PTX for an older compute capability, so the
        driver JIT-compiles it. An error when the driver supports an older CUDA than the
        build (minor-version compatibility cannot JIT newer PTX); a warning when the build's
        CUDA predates the GPU's architecture (CUDA 10.2 PTX on an Ampere card: torch's own
        kernels JIT, but the cuBLAS/cuDNN of that toolkit may have no code for the GPU).
    Why it matters:
        It works, but the first start can take minutes and fills the JIT cache; with a
        driver older than the build's CUDA it fails with cudaErrorUnsupportedPtxVersion
        (222) or "no kernel image is available".
    How to fix:
        Install a wheel with SASS for the GPU; or update the driver to at least the build's
        CUDA version so PTX can be JIT-compiled.
    """
    for gpu, arch, targets, cover in _covered_gpus(ctx):
        if cover.kind != "ptx":
            continue
        build_cuda = ctx.snapshot.torch.cuda or ""
        verdict = driver_verdict(ctx.db, build_cuda, ctx.driver_cuda, ctx.driver_version, ctx.platform)
        arch_row = ctx.db.arch(f"{arch.major}.{arch.minor}")
        if build_cuda and ctx.db.cuda_predates_arch(build_cuda, arch.major, arch.minor):
            known_as = arch_row.architecture if arch_row and arch_row.architecture else arch.sm
            yield ctx.finding(
                f"torch {ctx.snapshot.torch.version} reaches {gpu.label} ({arch.sm}) only through PTX from "
                f"CUDA {build_cuda}, which predates {known_as}",
                severity="warning",
                detail=f"Only PTX for {cover.via} covers {arch.sm}. CUDA {build_cuda} is older than the first "
                       f"toolkit that knows {known_as} (CUDA {arch_row.first_cuda if arch_row else '?'}): torch's own "
                       f"kernels can be JIT-compiled, but the cuBLAS and cuDNN that build ships may have no code for "
                       f"{arch.sm} (CUBLAS_STATUS_EXECUTION_FAILED, CUDNN_STATUS_EXECUTION_FAILED).",
                remedy=ctx.best_wheel_text(),
                evidence=["nvml.gpus.compute_capability", "torch.cuda"])
        elif verdict is not None and verdict.needs_minor_compat:
            yield ctx.finding(
                f"{gpu.label} ({arch.sm}) needs PTX JIT, which this driver cannot do for CUDA {build_cuda}",
                severity="error",
                detail=f"Only PTX for {cover.via} covers {arch.sm}; the driver supports CUDA "
                       f"{ctx.driver_cuda}, older than the build's {build_cuda}, so it cannot JIT that PTX "
                       "(cudaErrorUnsupportedPtxVersion).",
                remedy=f"Update the driver to ≥ {ctx.db.min_driver(build_cuda, ctx.platform) or 'the build CUDA'}"
                       f", or:\n{ctx.best_wheel_text()}",
                evidence=["nvml.gpus.compute_capability", "nvml.cuda_driver_version", "torch.cuda"])
        else:
            yield ctx.finding(
                f"{gpu.label} ({arch.sm}) runs torch through PTX JIT: first launch is slow",
                detail=f"No SASS for {arch.sm}; PTX for {cover.via} is JIT-compiled by the driver "
                       f"({ctx.build.arch_text()}).",
                remedy="Works as is. For fast start-up install a wheel with native SASS for this GPU.",
                evidence=["nvml.gpus.compute_capability", "torch.version"])


@rule("CC204", "cpu-only-torch", "cpu_only_torch", "torch")
def cpu_only_torch(ctx: RuleContext) -> Iterator[Finding]:
    """A CPU-only torch is installed on a machine with a working NVIDIA GPU.

    What it checks:
        torch/version.py says `cuda = None` (a `+cpu` wheel or the macOS/pip default
        elsewhere) while NVML sees at least one GPU. A pasted report that says the CPU build
        is chosen on purpose (an export, a CPU-only CI job) gets an info instead.
    Why it matters:
        `torch.cuda.is_available()` is False and code fails with "Torch not compiled with
        CUDA enabled" — the GPU sits idle. Common after `pip install torch` from a CPU
        index or a conda `cpuonly` package.
    How to fix:
        Reinstall torch from the CUDA index that matches this driver (the remedy gives the
        exact `pip install … --index-url …/cuXYZ`).
    """
    torch = ctx.snapshot.torch
    if not torch.version or torch.cuda or torch.hip or not ctx.gpus:
        return
    intended = first_of(ctx, Obs.CPU_BUILD_INTENDED)
    if intended is not None:  # (a pasted report that says so; a live machine has no such statement)
        yield ctx.finding(
            f"torch {torch.version} is a CPU-only build, which the report says is intended", severity="info",
            detail=f"{quote(intended)}. NVML sees {', '.join(g.label for g in ctx.gpus)}: the GPU stays unused.",
            remedy="Nothing to do for CPU work; for the GPU, install the CUDA build:\n" + ctx.best_wheel_text(),
            evidence=["torch.cuda", "nvml.gpus", f"observations.{intended.signature}"])
        return
    yield ctx.finding(
        f"torch {torch.version} is a CPU-only build, but {len(ctx.gpus)} NVIDIA GPU"
        f"{'s are' if len(ctx.gpus) != 1 else ' is'} present",
        detail=f"torch/version.py has cuda = None; NVML sees {', '.join(g.label for g in ctx.gpus)}"
               f"{_driver_note(ctx)}.",
        remedy="pip uninstall -y torch, then:\n" + ctx.best_wheel_text(),
        evidence=["torch.cuda", "nvml.gpus"])


def _driver_note(ctx: RuleContext) -> str:
    """`` (driver 550.54.14, CUDA ≤ 12.4)`` with whatever of the two is known, or nothing."""
    known = [part for part in (f"driver {ctx.driver_version}" if ctx.driver_version else "",
                               f"CUDA ≤ {ctx.driver_cuda}" if ctx.driver_cuda else "") if part]
    return f" ({', '.join(known)})" if known else ""


@rule("CC205", "non-cuda-torch", "cpu_only_torch", "torch")
def non_cuda_torch(ctx: RuleContext) -> Iterator[Finding]:
    """A ROCm or XPU build of torch is installed on a machine with NVIDIA GPUs.

    What it checks:
        torch/version.py names a HIP (ROCm) version or an XPU build while NVML sees NVIDIA
        GPUs.
    Why it matters:
        A ROCm/XPU torch cannot use NVIDIA GPUs; torch.cuda.is_available() is False (or
        refers to AMD devices).
    How to fix:
        Reinstall torch from the CUDA index that fits this driver (the remedy names it).
    """
    torch = ctx.snapshot.torch
    if not ctx.gpus or not torch.version or torch.cuda:
        return
    if not (torch.hip or torch.xpu or "+rocm" in torch.version or "+xpu" in torch.version):
        return
    kind = f"ROCm {torch.hip}" if torch.hip or "+rocm" in torch.version else "Intel XPU"
    yield ctx.finding(
        f"torch {torch.version} is a {kind} build, but the GPUs here are NVIDIA",
        detail=f"NVML sees {', '.join(g.label for g in ctx.gpus)}.",
        remedy="pip uninstall -y torch, then:\n" + ctx.best_wheel_text(),
        evidence=["torch.hip", "torch.xpu", "nvml.gpus"])


@rule("CC206", "multiple-torch-installs", "multiple_torch_installs", "torch", severity="warning")
def multiple_torch_installs(ctx: RuleContext) -> Iterator[Finding]:
    """More than one torch is installed, or a local torch/ folder shadows the package.

    What it checks:
        Several torch-*.dist-info on the import path (e.g. user site and venv), or the
        torch that Python imports has no installed distribution (a `torch/` folder in the
        working directory or on PYTHONPATH). In a paste: versions that differ between what
        is installed and what imports (also one release in two builds, `+cu121` installed and
        `+cpu` imported), and a conda list with pip's torch (channel `pypi`) next to conda's
        `pytorch`.
    Why it matters:
        `pip install torch==X` changes one copy while Python imports the other: the fix
        "doesn't take", versions in `pip list` and `torch.__version__` disagree.
    How to fix:
        Uninstall the extra copies (`pip uninstall torch` until none is left, also with
        `--user`), rename the local torch/ folder, then install once.
    """
    torch = ctx.snapshot.torch
    installs = torch.installs
    versions = sorted({i.version or "?" for i in installs})
    if torch.shadowed_by:
        yield ctx.finding(
            f"Python imports torch from {torch.shadowed_by}, which is not an installed package",
            severity="error",
            detail=f"Installed distributions: {', '.join(f'{i.version} at {i.location}' for i in installs) or 'none'}.",
            remedy=f"Rename or remove {torch.shadowed_by} (or run from another directory), then reinstall torch.",
            evidence=["torch.shadowed_by", "torch.installs"])
    elif len(installs) > 1:
        yield ctx.finding(
            f"{len(installs)} torch installations found ({', '.join(versions)})",
            severity="error" if len(versions) > 1 else "warning",
            detail="; ".join(f"torch {i.version or '?'}" + (f" in {i.location}" if i.location else "")
                             + f" ({i.origin})" for i in installs)
                   + (f". Python imports the one at {torch.location}." if torch.location else
                      ". A conda list naming pip's torch (channel pypi) next to conda's pytorch means both were "
                      "installed into this environment." if {i.origin for i in installs} == {"conda", "pip"} else "."),
            remedy="pip uninstall -y torch (repeat, and with --user) until none is left, then install the "
                   "one you want once.",
            evidence=["torch.installs"])
