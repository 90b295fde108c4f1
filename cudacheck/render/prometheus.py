"""The report as Prometheus text exposition (format 0.0.4), for node_exporter's textfile
collector (``cudacheck doctor --format prometheus > …/cudacheck.prom``).

Rules of the format this follows:
- every family has one ``# HELP`` and one ``# TYPE`` line, before its samples, and
  its samples are contiguous;
- label values escape backslash, double quote and newline; HELP text escapes
  backslash and newline;
- no timestamps (the textfile collector rejects them);
- an unknown fact (``None`` in the Snapshot) emits no sample, never a made-up 0;
  a family without samples is left out entirely.

All metrics are gauges: they describe the state at the time of the check. Per-GPU
series carry ``gpu`` (NVML index), ``uuid`` and ``name``.
"""
from __future__ import annotations

import math
from datetime import datetime
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple, Union

from ..report import Report
from ..snapshot import GpuFacts
from ..vocabulary import SEVERITIES

Number = Union[int, float, bool]
Labels = Sequence[Tuple[str, object]]
Sample = Tuple[Labels, Optional[Number]]
"""A sample's labels and value; a sample whose value is unknown (None) is not written."""

PREFIX = "cudacheck_"


def escape_label_value(value: object) -> str:
    """A label value as the exposition format wants it: ``\\`` ``"`` and newline escaped."""
    return str(value).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")


def escape_help(text: str) -> str:
    """HELP text: only backslash and newline are escaped."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def format_value(value: Number) -> str:
    """1/0 for booleans, integers as integers, floats in Go's spelling of the specials."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


class Exposition:
    """Collects metric families and writes them out in order."""

    def __init__(self) -> None:
        self.lines: List[str] = []
        self._names: Set[str] = set()

    def family(self, name: str, help_text: str, samples: Iterable[Sample], kind: str = "gauge") -> None:
        """Add one family; nothing is written when it has no samples."""
        kept = [(labels, value) for labels, value in samples if value is not None]  # unknown: no sample
        if not kept:
            return
        name = PREFIX + name
        if name in self._names:  # a bug in this module, not in the input
            raise ValueError(f"metric family {name} emitted twice")
        self._names.add(name)
        self.lines.append(f"# HELP {name} {escape_help(help_text)}")
        self.lines.append(f"# TYPE {name} {kind}")
        for labels, value in kept:
            self.lines.append(f"{name}{_labels(labels)} {format_value(value)}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{key}="{escape_label_value("" if value is None else value)}"'
                     for key, value in labels)
    return "{" + inner + "}"


def gpu_is_healthy(gpu: GpuFacts) -> bool:
    """False when NVML says the GPU is lost or unreachable, or reports uncorrectable ECC
    errors since the driver loaded, pages pending retirement, or pending/failed row remaps.
    Unknown facts count as no evidence of a problem."""
    return not (gpu.lost or "handle" in gpu.unavailable_fields
                or (gpu.ecc_uncorrected_volatile or 0) > 0
                or gpu.retired_pages_pending or gpu.remapped_rows_pending or gpu.remapped_rows_failed)


def _timestamp(created: Optional[str]) -> Optional[float]:
    if not created:
        return None
    try:
        moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None  # a naive time cannot be placed on the epoch honestly
    return round(moment.timestamp(), 3)


def render(report: Report, **_: object) -> str:
    """Every metric cudacheck knows about this report, as exposition text."""
    out = Exposition()
    snapshot = report.snapshot
    findings = report.findings

    out.family("up", "1 when cudacheck ran and produced this report (a wrapper writes 0 when it failed).",
               [((), 1)])
    out.family("info", "cudacheck and compatibility-data versions that produced these metrics.",
               [((("version", report.cudacheck_version), ("compat_data_version", report.compat_data_version)), 1)])
    out.family("healthy", "1 when the report has no error findings, else 0.", [((), report.summary.errors == 0)])

    by_severity = {severity: 0 for severity in SEVERITIES}
    by_pair: Dict[Tuple[str, str], int] = {}
    by_code: Dict[Tuple[str, str, str, str], int] = {}
    for finding in findings:
        by_severity[finding.severity] = by_severity.get(finding.severity, 0) + 1
        pair = (finding.severity, finding.category)
        by_pair[pair] = by_pair.get(pair, 0) + 1
        code = (finding.code, finding.rule, finding.severity, finding.category)
        by_code[code] = by_code.get(code, 0) + 1
    out.family("findings_by_severity", "Findings per severity (every severity, 0 included).",
               [((("severity", severity),), count) for severity, count in by_severity.items()])
    out.family("findings", "Findings per severity and diagnosis category (only pairs that occur).",
               [((("severity", severity), ("category", category)), count)
                for (severity, category), count in sorted(by_pair.items())])
    out.family("findings_by_code", "Findings per rule code (only codes that occur); see `cudacheck explain CODE`.",
               [((("code", code), ("rule", rule), ("severity", severity), ("category", category)), count)
                for (code, rule, severity, category), count in sorted(by_code.items())])

    nvml = snapshot.nvml
    if nvml.status is not None or nvml.driver_version is not None:
        out.family("driver_info", "The NVIDIA driver as NVML reports it: driver version, newest CUDA it "
                                  "supports, and NVML's status (ok, library_not_found, ...).",
                   [((("driver_version", nvml.driver_version or ""), ("cuda_version", nvml.cuda_driver_version or ""),
                      ("nvml_status", nvml.status or "")), 1)])
    torch = snapshot.torch
    if torch.version:
        out.family("torch_info", "The installed torch build (read without importing it); cuda is empty "
                                 "for CPU-only builds.",
                   [((("version", torch.version), ("cuda", torch.cuda or "")), 1)])

    gpus = nvml.gpus
    if nvml.status == "ok" or gpus:
        out.family("gpu_count", "GPUs NVML lists on this machine (before CUDA_VISIBLE_DEVICES).",
                   [((), len(gpus))])
    _gpu_families(out, gpus)

    shm = snapshot.container.shm
    if shm is not None:
        out.family("shm_size_bytes", "Size of /dev/shm (DataLoader workers and NCCL need more than 64 MiB).",
                   [((), shm.size_bytes)])
        out.family("shm_free_bytes", "Free space in /dev/shm.", [((), shm.free_bytes)])

    out.family("area_checked", "1 when an area of the report was checked (or is known to hold nothing: no "
                               "driver, no GPU), 0 when it could not be checked; state is checked, absent, failed "
                               "(its probe failed) or unknown (not probed).",
               [((("area", area.area), ("state", area.state)), area.checked) for area in report.coverage])
    errors: Dict[Tuple[str, str], int] = {}
    for error in snapshot.probe_errors:
        errors[(error.probe, error.kind)] = errors.get((error.probe, error.kind), 0) + 1
    out.family("probe_errors", "Probes that could not do their job, by probe and kind "
                               "(not_found, timeout, crashed, error, ...).",
               [((("probe", probe), ("kind", kind)), count) for (probe, kind), count in sorted(errors.items())])
    out.family("collect_duration_seconds", "Seconds spent probing the machine.",
               [((), report.timings.get("collect", snapshot.timings.get("collect")))])
    out.family("check_duration_seconds", "Seconds spent judging the snapshot.", [((), report.timings.get("check"))])
    out.family("snapshot_timestamp_seconds", "When the snapshot was taken, in seconds since the epoch.",
               [((), _timestamp(snapshot.created))])
    return out.text()


def _gpu_families(out: Exposition, gpus: Sequence[GpuFacts]) -> None:
    def labels(position: int, gpu: GpuFacts) -> Labels:
        return (("gpu", gpu.index if gpu.index is not None else position), ("uuid", gpu.uuid or ""),
                ("name", gpu.name or ""))

    def per_gpu(name: str, help_text: str, value) -> None:
        out.family(name, help_text, [(labels(i, gpu), value(gpu)) for i, gpu in enumerate(gpus)])

    def mib(value: Optional[int]) -> Optional[int]:
        return None if value is None else value * 2**20

    out.family("gpu_info", "One series per GPU, with its compute capability and PCI bus id.",
               [(tuple(labels(i, gpu)) + (("compute_capability", gpu.compute_capability or ""),
                                          ("pci_bus_id", gpu.pci_bus_id or "")), 1)
                for i, gpu in enumerate(gpus)])
    per_gpu("gpu_healthy", "0 when the GPU is lost/unreachable, has uncorrectable ECC errors since the "
                           "driver loaded, pages pending retirement, or pending/failed row remaps; else 1.",
            gpu_is_healthy)
    per_gpu("gpu_lost", "1 when NVML reports the GPU fallen off the bus (GPU_IS_LOST).",
            lambda g: bool(g.lost))
    per_gpu("gpu_memory_total_bytes", "Total GPU memory.", lambda g: mib(g.memory_total_mib))
    per_gpu("gpu_memory_used_bytes", "GPU memory in use.", lambda g: mib(g.memory_used_mib))
    per_gpu("gpu_temperature_celsius", "GPU core temperature.", lambda g: g.temperature_c)
    per_gpu("gpu_ecc_uncorrected_volatile_errors",
            "Uncorrectable ECC errors since the driver was loaded (volatile counter).",
            lambda g: g.ecc_uncorrected_volatile)
    per_gpu("gpu_ecc_uncorrected_aggregate_errors", "Uncorrectable ECC errors over the GPU's lifetime.",
            lambda g: g.ecc_uncorrected_aggregate)
    per_gpu("gpu_retired_pages_pending", "1 when memory pages are pending retirement (needs a GPU reset).",
            lambda g: g.retired_pages_pending)
    per_gpu("gpu_remapped_rows_pending", "1 when a memory row remap is pending (needs a GPU reset).",
            lambda g: g.remapped_rows_pending)
    per_gpu("gpu_remapped_rows_failed", "1 when a memory row remap failed (the GPU needs service).",
            lambda g: g.remapped_rows_failed)
    per_gpu("gpu_clock_event_reasons", "Bitmask of current clock event (throttle) reasons, as NVML reports "
                                       "it (0x1 idle, 0x4 sw power cap, 0x8 hw slowdown, 0x20 sw thermal, "
                                       "0x40 hw thermal, 0x80 power brake).",
            lambda g: g.clock_event_reasons)
    per_gpu("gpu_persistence_mode", "1 when persistence mode is enabled.", lambda g: g.persistence_mode)
    per_gpu("gpu_power_limit_watts", "Power management limit.", lambda g: g.power_limit_w)
