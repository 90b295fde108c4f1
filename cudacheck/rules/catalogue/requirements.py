"""Requirements of the Policy: GPU count, compute capability, memory, features, shm."""
from __future__ import annotations

from typing import Iterator, List

from ...compat.archs import parse_arch
from ...policy import FEATURES
from ...report import Finding
from ..context import GpuView, RuleContext
from ..registry import rule


def visible_gpus(ctx: RuleContext) -> List[GpuView]:
    """The GPUs a CUDA process would see: NVML's list filtered by CUDA_VISIBLE_DEVICES."""
    mask = ctx.snapshot.container.cuda_visible_devices
    gpus = ctx.gpus
    if mask is None or mask.kind in (None, "unset", "all"):
        return gpus
    if mask.kind in ("empty", "none", "void"):
        return []
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


def _gib(value: int) -> str:
    return f"{value / 2**30:.1f} GiB"


@rule("CC601", "gpu-required", "no_gpu_visible", "requirements")
def gpu_required(ctx: RuleContext) -> Iterator[Finding]:
    """GPUs are required, but this process sees none.

    What it checks:
        The policy says `require_gpu` (or `min_gpus` ≥ 1) and no GPU is visible to this
        process: NVML lists none, or CUDA_VISIBLE_DEVICES hides them all.
    Why it matters:
        A training job would silently fall back to the CPU or crash much later.
    How to fix:
        Fix the cause reported above this finding (driver, container flags,
        CUDA_VISIBLE_DEVICES); run on a machine with a GPU.
    """
    if not (ctx.policy.require_gpu or (ctx.policy.min_gpus or 0) >= 1):
        return
    if ctx.snapshot.nvml.status == "library_not_found":
        return  # CC101 reports this case with its container-specific remedy
    if visible_gpus(ctx):
        return
    if ctx.gpus:
        detail = (f"NVML sees {len(ctx.gpus)} GPU(s) but CUDA_VISIBLE_DEVICES="
                  f"{ctx.snapshot.container.cuda_visible_devices.raw!r} hides them.")  # type: ignore[union-attr]
        remedy = "Unset CUDA_VISIBLE_DEVICES or list valid GPU indices/UUIDs in it."
    else:
        detail = f"NVML status: {ctx.snapshot.nvml.status or 'unknown'}; no GPU listed."
        remedy = "Fix the driver or container problem reported above; see `cudacheck doctor`."
    yield ctx.finding("A GPU is required but none is visible", detail=detail, remedy=remedy,
                      evidence=["policy.require_gpu", "nvml.gpus", "container.cuda_visible_devices"])


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
    if not wanted or not seen or len(seen) >= wanted:
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
    for gpu in visible_gpus(ctx):
        if gpu.arch and (gpu.arch.major, gpu.arch.minor) < (wanted.major, wanted.minor):
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
    for gpu in visible_gpus(ctx):
        total = gpu.facts.memory_total_mib
        if total is not None and total * 2**20 < wanted:
            yield ctx.finding(f"{gpu.label} has {_gib(total * 2**20)}; {_gib(wanted)} required",
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
    for feature in ctx.policy.features:
        needed = parse_arch(FEATURES[feature])
        for gpu in visible_gpus(ctx):
            if needed and gpu.arch and (gpu.arch.major, gpu.arch.minor) < (needed.major, needed.minor):
                yield ctx.finding(f"{gpu.label} ({gpu.arch.sm}) does not support {feature} (needs ≥ {needed.cc})",
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
    yield ctx.finding(f"/dev/shm is {_gib(shm.size_bytes)}; {_gib(wanted)} required",
                      remedy=f"docker run --shm-size={max(1, wanted // 2**30)}g … (or --ipc=host); on Kubernetes "
                             "mount an emptyDir with medium: Memory at /dev/shm.",
                      evidence=["policy.min_shm", "container.shm.size_bytes"])
