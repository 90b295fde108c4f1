"""Requirements of the Policy: a visible GPU (implied by every GPU requirement), GPU count,
compute capability, memory, features, shm, and torch itself."""
from __future__ import annotations

from typing import Iterator, List, Optional, Tuple

from ...compat.archs import parse_arch
from ...policy import FEATURES
from ...report import Finding
from ...sizes import gib
from ..context import GpuView, RuleContext
from ..registry import rule


def visible_gpus(ctx: RuleContext) -> Optional[List[GpuView]]:
    """The GPUs a CUDA process would see: NVML's list filtered by CUDA_VISIBLE_DEVICES; None when
    the mask names indices and a GPU's index is not known (which GPUs it keeps cannot be told)."""
    mask = ctx.snapshot.container.cuda_visible_devices
    gpus = ctx.gpus
    if mask is None or mask.kind in (None, "unset", "all"):
        return gpus
    if mask.hides_every_gpu():
        return []
    if mask.indices and any(g.facts.index is None for g in gpus):
        return None
    chosen: List[GpuView] = []
    for index in mask.indices:
        if index < 0:
            break  # CUDA stops at the first invalid entry
        match = next((g for g in gpus if g.facts.index == index), None)
        if match is None:
            break
        chosen.append(match)
    for uuid in mask.uuids:
        match = next((g for g in gpus if g.facts.uuid and g.facts.uuid.lower().startswith(uuid.lower())), None)
        if match is not None:
            chosen.append(match)
    return chosen


def gpus_to_check(ctx: RuleContext) -> Tuple[List[GpuView], bool]:
    """(GPUs, certain): the visible GPUs; when which ones are visible is not known, every GPU NVML lists
    and ``certain`` False, so that a failure is said as "could not check", never as an error."""
    visible = visible_gpus(ctx)
    return (ctx.gpus, False) if visible is None else (visible, True)


@rule("CC601", "gpu-required", "no_gpu_visible", "requirements")
def gpu_required(ctx: RuleContext) -> Iterator[Finding]:
    """GPUs are required, but this process sees none.

    What it checks:
        Any GPU requirement — `require_gpu`, `min_gpus` ≥ 1, `min_compute_capability`,
        `min_gpu_memory`, `features` — implies that a GPU must be visible; this fails when
        none is: NVML lists none, or CUDA_VISIBLE_DEVICES hides them all. A driver that
        hung or crashed is reported as such (CC109), not as "no GPU".
    Why it matters:
        A training job would silently fall back to the CPU or crash much later; a
        requirement on the GPU's compute capability or memory cannot pass without a GPU.
    How to fix:
        Fix the cause reported above this finding (driver, container flags,
        CUDA_VISIBLE_DEVICES); run on a machine with a GPU.
    """
    required = ctx.policy.gpu_requirements
    if not required:
        return
    if ctx.snapshot.nvml.status == "library_not_found" or ctx.driver_hung:
        return  # CC101 reports a missing driver with its container remedy; CC109 a hung or crashed one
    visible = visible_gpus(ctx)
    if visible:
        return
    if visible is None or (ctx.snapshot.nvml.status is None and not ctx.gpus):
        yield ctx.cannot_tell("Could not check that a GPU is visible: "
                              + ("CUDA_VISIBLE_DEVICES names indices NVML did not give" if visible is None
                                 else "the driver's GPU list is not known"),
                              evidence=[f"policy.{name}" for name in required] + ["nvml.gpus"])
        return
    mask = ctx.snapshot.container.cuda_visible_devices
    if ctx.gpus:
        detail = (f"NVML sees {len(ctx.gpus)} GPU(s) but CUDA_VISIBLE_DEVICES="
                  f"{mask.raw if mask else None!r} hides them.")
        remedy = "Unset CUDA_VISIBLE_DEVICES or list valid GPU indices/UUIDs in it."
    elif ctx.snapshot.nvml.status == "ok":
        detail = "NVML answered and lists no GPU."
        remedy = "Run where a GPU is visible (`docker run --gpus all`, `nvidia.com/gpu: 1`)."
    else:
        detail = f"NVML status: {str(ctx.snapshot.nvml.status).replace('_', ' ')}; no GPU listed."
        remedy = "Fix the driver or container problem reported above; see `cudacheck doctor`."
    yield ctx.finding(f"A GPU is required ({', '.join(required)}) but none is visible", detail=detail,
                      remedy=remedy,
                      evidence=[f"policy.{name}" for name in required]
                      + ["nvml.gpus", "container.cuda_visible_devices"])


@rule("CC602", "too-few-gpus", "capability_missing", "requirements")
def too_few_gpus(ctx: RuleContext) -> Iterator[Finding]:
    """Fewer GPUs are visible than the policy requires.

    What it checks:
        The number of GPUs visible to this process (after CUDA_VISIBLE_DEVICES) against
        `min_gpus`.
    Why it matters:
        A job sized for N GPUs (torchrun --nproc-per-node N) fails or under-uses the node.
    How to fix:
        Schedule onto a node with enough GPUs or request them (`--gpus N`,
        `nvidia.com/gpu: N`), or lower `min_gpus`.
    """
    wanted = ctx.policy.min_gpus
    seen = visible_gpus(ctx)
    if not wanted or not seen or len(seen) >= wanted:  # None: which GPUs are visible is not known
        return
    yield ctx.finding(f"{len(seen)} GPU(s) visible, {wanted} required",
                      detail=f"Visible: {', '.join(g.label for g in seen)}.",
                      remedy=f"Run where {wanted} GPUs are visible (`docker run --gpus {wanted}` / "
                             f"`nvidia.com/gpu: {wanted}`), or lower min_gpus.",
                      evidence=["policy.min_gpus", "nvml.gpus"])


@rule("CC603", "compute-capability-too-low", "capability_missing", "requirements")
def compute_capability_too_low(ctx: RuleContext) -> Iterator[Finding]:
    """A GPU's compute capability is below the required minimum.

    What it checks:
        Each visible GPU's compute capability against `min_compute_capability`.
    Why it matters:
        Kernels built for newer architectures (FlashAttention, FP8 GEMMs) will not run.
    How to fix:
        Run on a newer GPU, or lower the requirement.
    """
    wanted = parse_arch(ctx.policy.min_compute_capability or "")
    if wanted is None:
        return
    gpus, certain = gpus_to_check(ctx)
    for gpu in gpus:
        if gpu.arch is None or (not certain and (gpu.arch.major, gpu.arch.minor) < (wanted.major, wanted.minor)):
            yield ctx.cannot_tell(f"Could not check {gpu.label} against compute capability {wanted.cc}: "
                                  + ("its compute capability is not known" if gpu.arch is None else
                                     "whether CUDA_VISIBLE_DEVICES keeps it is not known"),
                                  evidence=["policy.min_compute_capability", "nvml.gpus.compute_capability"])
        elif (gpu.arch.major, gpu.arch.minor) < (wanted.major, wanted.minor):
            yield ctx.finding(f"{gpu.label} has compute capability {gpu.arch.cc}; {wanted.cc} required",
                              remedy="Run on a GPU with the required compute capability.",
                              evidence=["policy.min_compute_capability", "nvml.gpus.compute_capability"])


@rule("CC604", "gpu-memory-too-small", "capability_missing", "requirements")
def gpu_memory_too_small(ctx: RuleContext) -> Iterator[Finding]:
    """A GPU has less memory than required.

    What it checks:
        Each visible GPU's total memory (NVML) against `min_gpu_memory`.
    Why it matters:
        The job would run out of memory (CUDA OOM) after a slow start.
    How to fix:
        Run on a GPU with more memory, or reduce batch size/model size and the requirement.
    """
    wanted = ctx.policy.min_gpu_memory
    if not wanted:
        return
    gpus, certain = gpus_to_check(ctx)
    for gpu in gpus:
        total = gpu.facts.memory_total_mib
        if total is None or (not certain and total * 2**20 < wanted):
            yield ctx.cannot_tell(f"Could not check {gpu.label} against {gib(wanted)} of memory: "
                                  + ("its memory is not known" if total is None else
                                     "whether CUDA_VISIBLE_DEVICES keeps it is not known"),
                                  evidence=["policy.min_gpu_memory", "nvml.gpus.memory_total_mib"])
        elif total * 2**20 < wanted:
            yield ctx.finding(f"{gpu.label} has {gib(total * 2**20)}; {gib(wanted)} required",
                              remedy="Run on a GPU with more memory, or lower min_gpu_memory.",
                              evidence=["policy.min_gpu_memory", "nvml.gpus.memory_total_mib"])


@rule("CC605", "feature-unsupported", "capability_missing", "requirements")
def feature_unsupported(ctx: RuleContext) -> Iterator[Finding]:
    """A GPU lacks a required numeric feature (bf16, tf32, fp8).

    What it checks:
        bf16 and TF32 need compute capability ≥ 8.0 (Ampere); FP8 needs ≥ 8.9 (Ada,
        Hopper and newer).
    Why it matters:
        `torch.autocast(dtype=torch.bfloat16)` falls back or fails; FP8 recipes refuse to run.
    How to fix:
        Run on a newer GPU, or use fp16/fp32 instead of the feature.
    """
    gpus, certain = gpus_to_check(ctx)
    for feature in ctx.policy.features:
        needed = parse_arch(FEATURES[feature])
        for gpu in gpus:
            arch = gpu.arch
            if needed is None or (arch is not None and (arch.major, arch.minor) >= (needed.major, needed.minor)):
                continue
            if arch is None or not certain:
                yield ctx.cannot_tell(f"Could not check {feature} on {gpu.label}: "
                                      + ("its compute capability is not known" if arch is None else
                                         "whether CUDA_VISIBLE_DEVICES keeps it is not known"),
                                      evidence=["policy.features", "nvml.gpus.compute_capability"])
            else:
                yield ctx.finding(f"{gpu.label} ({arch.sm}) does not support {feature} (needs ≥ {needed.cc})",
                                  remedy=f"Run on a GPU with compute capability ≥ {needed.cc}, or drop {feature}.",
                                  evidence=["policy.features", "nvml.gpus.compute_capability"])


@rule("CC606", "shm-below-requirement", "capability_missing", "requirements")
def shm_below_requirement(ctx: RuleContext) -> Iterator[Finding]:
    """/dev/shm is smaller than required.

    What it checks:
        The size of /dev/shm against `min_shm`.
    Why it matters:
        DataLoader workers and NCCL place buffers in /dev/shm; too little causes "Bus
        error" crashes and NCCL shm failures.
    How to fix:
        `docker run --shm-size=16g …` or `--ipc=host`; on Kubernetes mount an
        `emptyDir: {medium: Memory}` at /dev/shm.
    """
    wanted = ctx.policy.min_shm
    shm = ctx.snapshot.container.shm
    if not wanted or shm is None or shm.size_bytes is None or shm.size_bytes >= wanted:
        return
    yield ctx.finding(f"/dev/shm is {gib(shm.size_bytes)}; {gib(wanted)} required",
                      remedy=f"docker run --shm-size={max(1, wanted // 2**30)}g … (or --ipc=host); on Kubernetes "
                             "mount an emptyDir with medium: Memory at /dev/shm.",
                      evidence=["policy.min_shm", "container.shm.size_bytes"])


@rule("CC112", "torch-not-installed", "config", "torch", severity="warning")
def torch_not_installed(ctx: RuleContext) -> Iterator[Finding]:
    """torch is not installed in the environment cudacheck inspected.

    What it checks:
        No torch distribution and no importable torch package on the environment's path.
        A warning for `doctor`; an error when the policy requires torch (`require_torch`,
        the default of `health --deep` and `assert_ready()`); silent when the policy says
        torch is not needed (`require_torch = false`).
    Why it matters:
        Every other check describes the GPU stack torch would use; without torch a
        training job fails at `import torch`. A common cause is checking the wrong
        environment (cudacheck installed with pipx or in another venv).
    How to fix:
        Activate the environment that holds torch (or run cudacheck from it), or install
        torch there: the remedy names the wheel that fits this driver and GPU.
    """
    torch = ctx.snapshot.torch
    if torch.installed is not False or ctx.policy.require_torch is False:
        return
    where = ctx.snapshot.platform.virtualenv or ctx.snapshot.platform.conda_prefix \
        or ctx.snapshot.platform.python_executable
    required = bool(ctx.policy.require_torch)
    remedy = "Activate the environment that holds torch, or install it:\n" + ctx.best_wheel_text() \
        if ctx.gpus else "Activate the environment that holds torch, or install it (`pip install torch`)."
    yield ctx.finding(
        "torch is not installed" + (f" in {where}" if where else "") + (" (required)" if required else ""),
        severity="error" if required else "warning",
        detail="No torch distribution or importable torch package was found on this environment's path.",
        remedy=remedy, evidence=["torch.installed"] + (["policy.require_torch"] if required else []))

