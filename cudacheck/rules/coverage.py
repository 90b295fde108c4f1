"""Coverage: which area of the report each probe error took away, and whether each area
was checked — the one place that maps probe errors to areas.

A probe that failed (timed out, crashed, had no permission, raised) leaves its area
*failed*; an area nobody looked at (not probed at this level, not in the pasted text)
is *unknown*; an area known to hold nothing (no NVIDIA driver, no GPU, no torch) is
*absent*. Only *checked* and *absent* areas count as checked: the summary names every
other one, and the rules turn each failed probe into a finding.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional

from ..policy import Policy
from ..report import AreaCoverage
from ..snapshot import BUG, ProbeError, Snapshot
from ..vocabulary import LAYERS, Layer

PROBE_AREAS: Dict[str, Layer] = {"nvml": "driver", "cuda_driver": "driver", "torch_build": "torch", "packages": "packages",
               "libraries": "libraries", "container": "container", "platform": "packages", "deep": "torch"}
"""The area each probe reads; the deep child's area depends on the step it stopped in (:func:`area_of`)."""

PROBE_NAMES = {"nvml": "NVML", "cuda_driver": "cuInit", "deep": "the torch child process"}
DRIVER_PROBES = ("nvml", "cuda_driver")
NVML_BROKEN = ("driver_not_loaded", "version_mismatch", "no_permission", "gpu_lost", "unknown")


def area_of(error: ProbeError, snapshot: Snapshot) -> Layer:
    """The area (layer) a probe error took away."""
    if error.probe != "deep":
        return PROBE_AREAS.get(error.probe, "torch")
    step = (snapshot.deep.last_step if snapshot.deep else None) or ""
    if step.startswith(("smoke test", "bf16")):
        return "gpus"
    if step.startswith("cuDNN") or step in ("cudnn_version", "nccl_version", "mapped libraries"):
        return "libraries"
    return "torch"


def is_failure(error: ProbeError, snapshot: Snapshot) -> bool:
    """Whether the error means the probe could not do its job. A library that is not there
    (NVML or libcuda not found) and an error NVML itself answered with (driver not loaded,
    version mismatch: a code) are facts the rules judge, not failures."""
    if error.kind == "not_found":
        return False
    if error.probe == "nvml" and error.kind == "error" and snapshot.nvml.error_code is not None:
        return False
    return True


def failures(snapshot: Snapshot, area: Optional[str] = None) -> List[ProbeError]:
    """The probe failures of the snapshot (of one area, when given)."""
    return [e for e in snapshot.probe_errors
            if is_failure(e, snapshot) and (area is None or area_of(e, snapshot) == area)]


def describe(error: ProbeError) -> str:
    """How a probe failed, in a few words: "probe crashed, signal 11 (while loading …)"."""
    who = PROBE_NAMES.get(error.probe, "probe")
    where = re.search(r"\s((?:during|while loading)\s.+)$", error.message or "")
    suffix = f" ({where.group(1)})" if where else ""
    if error.kind == "timeout":
        after = f" after {error.seconds:.1f} s" if error.seconds else ""
        return f"{who} timed out{after}{suffix}"
    if error.kind == "crashed":
        signal = f", signal {error.code}" if error.code else ""
        return f"{who} crashed{signal}{suffix}"
    if error.kind == "permission":
        return f"{who}: no permission{suffix}"
    if error.kind == BUG:
        return f"cudacheck bug in {error.probe} probe: {error.message[:160]}"
    message = (error.message or error.kind).strip()
    return f"{who} failed: {message[:160]}"


QUICK_ONLY_MISSES = ("libraries", "packages")
"""Areas the quick level (``health``) does not probe."""


def _unknown_reason(area: str, snapshot: Snapshot) -> str:
    if snapshot.source == "pasted":
        return "not in the pasted text"
    if snapshot.level == "quick" and area in QUICK_ONLY_MISSES:
        return "not probed at the quick level"
    return "not recorded" if snapshot.source == "live" else "not in the snapshot"


def coverage(snapshot: Snapshot, policy: Policy) -> List[AreaCoverage]:
    """One AreaCoverage per layer of the report, in report order (Requirements only when
    the policy asks for something)."""
    driver_failed = failures(snapshot, "driver")
    result: List[AreaCoverage] = []
    for area in LAYERS:
        failed = failures(snapshot, area)
        if area == "gpus" and not failed and snapshot.nvml.status in ("timeout", "crashed"):
            failed = driver_failed  # the GPU list comes from NVML
        if failed:
            reasons = "; ".join(dict.fromkeys(describe(e) for e in failed))
            result.append(AreaCoverage(area, "failed", reasons))
            continue
        state, reason = _state(area, snapshot, policy)
        if state is None:
            continue
        if state == "unknown" and not reason:
            reason = _unknown_reason(area, snapshot)
        result.append(AreaCoverage(area, state, reason))
    return result


def _state(area: str, snapshot: Snapshot, policy: Policy):
    """(state, reason) of an area whose probe did not fail; (None, "") for an area not shown."""
    nvml = snapshot.nvml
    if area == "driver":
        if nvml.status == "library_not_found":
            return "absent", "no NVIDIA driver"
        known = nvml.status or nvml.driver_version or nvml.cuda_driver_version \
            or snapshot.cuda_driver.driver_version or snapshot.cuda_driver.init_code is not None
        return ("checked", "") if known else ("unknown", "")
    if area == "gpus":
        if nvml.gpus:
            return "checked", ""
        if nvml.status == "ok":
            return "absent", "no GPU visible"
        if nvml.status == "library_not_found":
            return "absent", "no NVIDIA driver"
        if nvml.status in NVML_BROKEN:
            return "unknown", f"NVML could not list the GPUs ({nvml.status.replace('_', ' ')})"
        return "unknown", ""
    if area == "torch":
        torch = snapshot.torch
        if torch.installed is False:
            return "absent", "torch not installed"
        return ("checked", "") if torch.installed or torch.version or torch.cuda else ("unknown", "")
    if area == "libraries":
        return ("checked", "") if snapshot.libraries is not None else ("unknown", "")
    if area == "packages":
        return ("checked", "") if snapshot.packages is not None else ("unknown", "")
    if area == "container":
        container = snapshot.container
        known = container.in_container is not None or container.shm is not None or container.dev_nodes is not None
        return ("checked", "") if known else ("unknown", "")
    if area == "requirements":
        return ("checked", "") if policy.as_dict() else (None, "")
    return None, ""
