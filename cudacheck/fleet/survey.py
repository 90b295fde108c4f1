"""``cudacheck fleet``: many machines judged one by one, then compared.

Each machine's snapshot goes through the same rules and compat data (per-machine
findings); the findings are grouped by rule across machines (``CC501 on 3 nodes``),
and the facts go into the drift table (:mod:`cudacheck.fleet.drift`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence

from ..compat.db import CompatDB
from ..policy import Policy
from .drift import DriftRow, drift
from .facts import MachineFacts
from .loading import Machine, Unreadable

FLEET_SCHEMA = "cudacheck.fleet/1"


@dataclass
class MachineFinding:
    """A finding on one machine, as the fleet view lists it."""

    code: str
    severity: str
    title: str


@dataclass
class MachineResult:
    """One machine's verdict."""

    name: str
    source: str
    status: str  # ok | warnings | errors
    errors: int
    warnings: int
    findings: List[MachineFinding] = field(default_factory=list)


@dataclass
class FindingGroup:
    """One rule's findings across the fleet."""

    code: str
    rule: str
    category: str
    severity: str
    title: str  # the first machine's title; titles can name a machine's own numbers
    machines: List[str] = field(default_factory=list)


@dataclass
class FleetSummary:
    """Counts and one line that says it all."""

    machines: int = 0
    with_errors: int = 0
    with_warnings: int = 0
    drifting: int = 0
    drifting_errors: int = 0
    unreadable: int = 0
    status: str = "ok"  # ok | warnings | errors
    line: str = ""


@dataclass
class FleetResult:
    """Everything ``cudacheck fleet`` reports (schema ``cudacheck.fleet/1``)."""

    machines: List[MachineResult]
    drift: List[DriftRow]
    findings: List[FindingGroup]
    unreadable: List[Unreadable]
    summary: FleetSummary
    compat_data_version: str = "unknown"
    schema: str = FLEET_SCHEMA


class SurveyDB(CompatDB):
    """The shipped tables, with the lookups the rules repeat for every machine of a fleet memoised
    (they are pure functions of the tables): judging a thousand 8-GPU machines asks the same
    cuDNN question eight thousand times."""

    @property
    def version(self) -> str:
        if "_version" not in self._tables:
            self._tables["_version"] = super().version
        return self._tables["_version"]

    @lru_cache(maxsize=None)
    def cudnn_min_compute_capability(self, *args: Any, **kwargs: Any):
        return super().cudnn_min_compute_capability(*args, **kwargs)


def survey(machines: Sequence[Machine], unreadable: Sequence[Unreadable] = (), policy: Optional[Policy] = None,
           db: Optional[CompatDB] = None) -> FleetResult:
    """Judge every machine, group the findings by rule, and build the drift table."""
    from ..rules.engine import check

    db = db or SurveyDB()
    results: List[MachineResult] = []
    groups: Dict[str, FindingGroup] = {}
    for machine in machines:
        report = check(machine.snapshot, policy, db)
        problems = [f for f in report.findings if f.severity != "info"]
        results.append(MachineResult(machine.name, machine.source, report.summary.status, report.summary.errors,
                                     report.summary.warnings,
                                     [MachineFinding(f.code, f.severity, f.title) for f in problems]))
        for finding in problems:
            group = groups.get(finding.code)
            if group is None:
                group = groups[finding.code] = FindingGroup(finding.code, finding.rule, finding.category,
                                                            finding.severity, finding.title)
            if not group.machines or group.machines[-1] != machine.name:
                group.machines.append(machine.name)
    rows = drift([(machine.name, MachineFacts(machine.snapshot)) for machine in machines])
    ordered = sorted(groups.values(), key=lambda g: (g.severity != "error", -len(g.machines), g.code))
    summary = summarise(results, rows, len(unreadable))
    return FleetResult(results, rows, ordered, list(unreadable), summary, db.version)


def summarise(results: Sequence[MachineResult], rows: Sequence[DriftRow], unreadable: int) -> FleetSummary:
    """Counts, the overall status and the closing line."""
    summary = FleetSummary(machines=len(results), unreadable=unreadable, drifting=len(rows))
    summary.with_errors = sum(1 for r in results if r.errors)
    summary.with_warnings = sum(1 for r in results if r.warnings and not r.errors)
    summary.drifting_errors = sum(1 for row in rows if row.severity == "error")
    if summary.with_errors or summary.drifting_errors or unreadable:
        summary.status = "errors"
    elif summary.with_warnings or rows:
        summary.status = "warnings"
    parts = [f"{_plural(len(results), 'machine')}"]
    parts.append(f"{summary.with_errors} with errors" if summary.with_errors else "none with errors")
    if summary.with_warnings:
        parts.append(f"{summary.with_warnings} with warnings only")
    parts.append(f"{_plural(len(rows), 'drifting fact')}" if rows else "no drift")
    if unreadable:
        parts.append(f"{_plural(unreadable, 'unreadable file')}")
    summary.line = ", ".join(parts) + "."
    return summary


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
