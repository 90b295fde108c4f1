"""The preflight report: the JSON contract rank 0 prints (schema ``cudacheck.preflight/1``).

torchrun turns any worker failure into exit status 1 and kills the siblings of a dead
worker, so the exit status cannot carry the diagnosis: this report does. Problem codes
(CC950–CC958) are stable; see docs/fleet.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from ..fleet.drift import DriftRow

PREFLIGHT_SCHEMA = "cudacheck.preflight/1"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_ENVIRONMENT = 2

PROBLEMS: Dict[str, "tuple[str, str]"] = {
    # code: (kind, what it means)
    "CC950": ("rank-missing", "a rank never posted its report to the store before the deadline"),
    "CC951": ("rank-hung", "a rank joined the gloo group but did not pass the monitored barrier"),
    "CC952": ("check-failed", "a rank's check child crashed, hung or failed"),
    "CC953": ("rank-unhealthy", "a rank's own checks found errors"),
    "CC954": ("environment", "no torch, no CUDA where it is required, or no GPU"),
    "CC955": ("drift", "ranks differ in a fact that changes what runs (torch, CUDA, GPU architecture, …)"),
    "CC956": ("collective-failed", "the collective test failed, hung or computed wrong values"),
    "CC957": ("bandwidth-outlier", "a rank's bus bandwidth is below the threshold or far below the median"),
    "CC958": ("no-verdict", "rank 0 published no verdict (it is missing, hung, or died)"),
}


@dataclass
class Problem:
    """One thing wrong with the job, naming the ranks it concerns."""

    code: str
    kind: str
    severity: str  # error | warning
    ranks: List[int]
    title: str
    detail: str = ""


def problem(code: str, severity: str, ranks: List[int], title: str, detail: str = "") -> Problem:
    return Problem(code, PROBLEMS[code][0], severity, sorted(set(ranks)), title, detail)


@dataclass
class RankResult:
    """What one rank reported (or that it did not)."""

    rank: int
    status: str  # ok | warnings | unhealthy | environment | check_crashed | check_timeout | check_error | missing | not_started
    host: Optional[str] = None
    local_rank: Optional[int] = None
    node_rank: Optional[int] = None
    check_status: Optional[str] = None  # ok | timeout | crashed | error
    check_message: str = ""
    check_seconds: Optional[float] = None
    errors: int = 0
    warnings: int = 0
    findings: List[Dict[str, str]] = field(default_factory=list)  # code, severity, title
    environment: Optional[str] = None  # the environment problem, when there is one
    report: Optional[Dict[str, Any]] = None  # the rank's full cudacheck report (readable by `cudacheck fleet`)


@dataclass
class BarrierResult:
    """The gloo monitored barrier."""

    ran: bool = False
    ok: Optional[bool] = None
    hung: List[int] = field(default_factory=list)
    message: str = ""
    seconds: Optional[float] = None


@dataclass
class RankCollective:
    """One rank's collective child."""

    rank: int
    status: str  # ok | error | timeout | crashed | wrong | not_run
    last_step: Optional[str] = None
    message: str = ""
    correct: Optional[Dict[str, bool]] = None
    results: List[Dict[str, Any]] = field(default_factory=list)


@dataclass
class CollectiveResult:
    """The collective test over all ranks."""

    ran: bool = False
    backend: Optional[str] = None
    stand_in: bool = False  # gloo on the CPU standing in for NCCL
    note: str = ""
    sizes: List[int] = field(default_factory=list)
    ranks: List[RankCollective] = field(default_factory=list)
    likely_culprits: List[int] = field(default_factory=list)
    outliers: List[int] = field(default_factory=list)  # below 0.8 × the median busbw on the largest size
    below_min: List[int] = field(default_factory=list)  # below --min-busbw on the largest size
    median_busbw_gbps: Dict[str, float] = field(default_factory=dict)  # "all_reduce:256MiB" -> GB/s
    seconds: Optional[float] = None


@dataclass
class PreflightReport:
    """Everything rank 0 knows at the end."""

    launcher: Dict[str, Any]
    world_size: int
    status: str = "ok"  # ok | warnings | failed | environment
    exit_code: int = EXIT_OK
    line: str = ""
    problems: List[Problem] = field(default_factory=list)
    ranks: List[RankResult] = field(default_factory=list)
    drift: List[DriftRow] = field(default_factory=list)
    barrier: BarrierResult = field(default_factory=BarrierResult)
    collectives: CollectiveResult = field(default_factory=CollectiveResult)
    timings: Dict[str, float] = field(default_factory=dict)
    cudacheck_version: str = ""
    compat_data_version: str = "unknown"
    schema: str = PREFLIGHT_SCHEMA
