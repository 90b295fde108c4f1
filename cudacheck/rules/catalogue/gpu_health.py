"""GPU health as NVML reports it: memory errors, throttling, persistence, memory in use."""
from __future__ import annotations

from typing import Iterator

from ...report import Finding
from ...sizes import MIB, gib
from ..context import RuleContext
from ..registry import rule

SLOWDOWN_EVENTS = {"hw_slowdown": "hardware slowdown", "hw_thermal_slowdown": "hardware thermal slowdown",
                   "sw_thermal_slowdown": "software thermal slowdown",
                   "hw_power_brake_slowdown": "power brake (external power supply signal)"}
MEMORY_BUSY_FRACTION = 0.75


@rule("CC501", "gpu-memory-errors", "gpu_health", "gpus")
def gpu_memory_errors(ctx: RuleContext) -> Iterator[Finding]:
    """The GPU has uncorrectable memory errors, pending page retirement or row remapping,
    or has fallen off the bus.

    What it checks:
        NVML's volatile uncorrectable ECC count, retired pages pending, remapped rows
        pending or failed, and GPU_IS_LOST on any query.
    Why it matters:
        Pending retirement/remapping takes effect only after a GPU reset; until then jobs
        can hit the same bad memory (Xid 48/63/64/94/95). A failed remap or a lost GPU
        needs service.
    How to fix:
        Drain the node, reset the GPU (`nvidia-smi -r -i N`) or reboot; if remapping
        failed or errors recur, RMA the GPU.
    """
    for gpu in ctx.gpus:
        facts = gpu.facts
        problems = []
        if facts.lost:
            problems.append("the GPU has fallen off the bus (NVML: GPU is lost)")
        if facts.ecc_uncorrected_volatile:
            problems.append(f"{facts.ecc_uncorrected_volatile} uncorrectable ECC error(s) since the last reset")
        if facts.retired_pages_pending:
            problems.append("retired pages pending (needs a reset)")
        if facts.remapped_rows_pending:
            problems.append("row remapping pending (needs a reset)")
        if facts.remapped_rows_failed:
            problems.append("row remapping FAILED (hardware service needed)")
        if any("reset required" in reason.lower() for reason in facts.unavailable_fields.values()):
            problems.append("NVML reports the GPU needs a reset (NVML_ERROR_RESET_REQUIRED)")
        if not problems:
            continue
        service = facts.lost or facts.remapped_rows_failed
        yield ctx.finding(
            f"{gpu.label}: {problems[0]}" + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""),
            detail="; ".join(problems) + ".",
            remedy=("Drain the node and reboot; if it persists the GPU needs service (RMA)." if service else
                    f"Drain the node and reset the GPU: `nvidia-smi -r -i {facts.index if facts.index is not None else 'N'}` "
                    "(or reboot)."),
            evidence=["nvml.gpus.ecc_uncorrected_volatile", "nvml.gpus.retired_pages_pending",
                      "nvml.gpus.remapped_rows_pending", "nvml.gpus.lost"])


@rule("CC502", "gpu-throttled", "gpu_health", "gpus", severity="warning")
def gpu_throttled(ctx: RuleContext) -> Iterator[Finding]:
    """The GPU is slowed down by heat, power brake or a hardware slowdown signal.

    What it checks:
        NVML's current clock-event (throttle) reasons: HW slowdown, HW/SW thermal
        slowdown, HW power brake. Idle and power-cap reasons are normal and ignored.
    Why it matters:
        Clocks drop far below nominal; training runs several times slower, and across
        nodes one slow GPU stalls all-reduce for everyone.
    How to fix:
        Check cooling and airflow (`nvidia-smi -q -d TEMPERATURE,PERFORMANCE`), power
        supply and cabling; persistent HW slowdown needs the vendor.
    """
    for gpu in ctx.gpus:
        active = [SLOWDOWN_EVENTS[n] for n in gpu.facts.clock_event_names if n in SLOWDOWN_EVENTS]
        if active:
            temperature = f" at {gpu.facts.temperature_c} °C" if gpu.facts.temperature_c is not None else ""
            yield ctx.finding(
                f"{gpu.label} is throttled: {', '.join(active)}{temperature}",
                detail=f"Clock event reasons bitmask 0x{gpu.facts.clock_event_reasons or 0:x}.",
                remedy="Check cooling and power (`nvidia-smi -q -d TEMPERATURE,PERFORMANCE,POWER`).",
                evidence=["nvml.gpus.clock_event_reasons", "nvml.gpus.temperature_c"])


@rule("CC503", "persistence-mode-off", "gpu_health", "gpus", severity="info")
def persistence_mode_off(ctx: RuleContext) -> Iterator[Finding]:
    """Persistence mode is off on a datacenter GPU.

    What it checks:
        NVML persistence mode on GPUs of the datacenter segment (Linux).
    Why it matters:
        Without persistence (or nvidia-persistenced) the driver tears the GPU down when the
        last client exits: each CUDA start pays seconds of re-initialisation, and health
        checks become slow.
    How to fix:
        `sudo systemctl enable --now nvidia-persistenced` (preferred) or `sudo nvidia-smi -pm 1`.
    """
    off = [g for g in ctx.gpus if g.facts.persistence_mode is False and g.row is not None
           and g.row.segment == "datacenter"]
    if off and ctx.platform == "linux":
        yield ctx.finding(f"Persistence mode is off on {', '.join(g.label for g in off)}",
                          remedy="sudo systemctl enable --now nvidia-persistenced",
                          evidence=["nvml.gpus.persistence_mode"])


@rule("CC504", "gpu-memory-in-use", "gpu_health", "gpus", severity="warning")
def gpu_memory_in_use(ctx: RuleContext) -> Iterator[Finding]:
    """Most of a GPU's memory is already in use by other processes.

    What it checks:
        NVML used memory ≥ 75% of total on a GPU, before this job starts.
    Why it matters:
        The job will hit "CUDA out of memory" although the model fits the card: another
        process (a forgotten notebook, a zombie worker) holds the memory.
    How to fix:
        Find the holder with `nvidia-smi --query-compute-apps=pid,used_memory --format=csv`
        and stop it, or pick another GPU with CUDA_VISIBLE_DEVICES.
    """
    for gpu in ctx.gpus:
        total, used = gpu.facts.memory_total_mib, gpu.facts.memory_used_mib
        if total and used is not None and used >= total * MEMORY_BUSY_FRACTION:
            yield ctx.finding(
                f"{gpu.label}: {gib(used * MIB)} of {gib(total * MIB)} already in use",
                remedy="nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv; stop the holder "
                       "or choose another GPU.",
                evidence=["nvml.gpus.memory_used_mib"])
