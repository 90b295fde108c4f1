"""``cudacheck diff A B``: what differs between two machines that matters.

Not a JSON diff: the facts of :mod:`cudacheck.fleet.facts`, in their order of
consequence (driver, torch build, CUDA libraries, GPU model, GPU health, extensions,
container, operating system), plus the verdicts: which findings one machine has and
the other does not. Both snapshots are judged by the same rules and compat data, so
a saved report's findings are recomputed, not trusted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from ..compat.db import CompatDB
from ..policy import Policy
from ..report import Finding, Summary
from ..snapshot import Snapshot
from .facts import AREA_RANK, MachineFacts, difference_severity

DIFF_SCHEMA = "cudacheck.diff/1"


@dataclass
class Difference:
    """One fact with a different known value on each side."""

    key: str
    area: str
    label: str
    severity: str
    a: str
    b: str


@dataclass
class Unknown:
    """A fact known on one side only: not compared."""

    key: str
    label: str
    a: Optional[str]
    b: Optional[str]


@dataclass
class FindingRef:
    """A finding as the diff lists it."""

    code: str
    severity: str
    title: str


@dataclass
class DiffResult:
    """Everything ``cudacheck diff`` reports."""

    a: str
    b: str
    a_summary: Summary
    b_summary: Summary
    only_a: List[FindingRef] = field(default_factory=list)
    only_b: List[FindingRef] = field(default_factory=list)
    differences: List[Difference] = field(default_factory=list)
    unknown: List[Unknown] = field(default_factory=list)
    identical: int = 0
    schema: str = DIFF_SCHEMA

    @property
    def matters(self) -> bool:
        """A difference that is more than informational, or a verdict that changed."""
        return bool(self.only_a or self.only_b or any(d.severity != "info" for d in self.differences))


def compare(a: Snapshot, b: Snapshot, a_name: str = "A", b_name: str = "B",
            policy: Optional[Policy] = None, db: Optional[CompatDB] = None) -> DiffResult:
    """Compare two machines: their findings, then their facts, most consequential first."""
    from ..rules.engine import check

    report_a, report_b = check(a, policy, db), check(b, policy, db)
    result = DiffResult(a_name, b_name, report_a.summary, report_b.summary,
                        only_a=_only(report_a.findings, report_b.findings),
                        only_b=_only(report_b.findings, report_a.findings))
    facts_a, facts_b = MachineFacts(a), MachineFacts(b)
    templates = dict(facts_b.facts)
    templates.update(facts_a.facts)
    for key, template in templates.items():
        value_a, value_b = facts_a.value(key), facts_b.value(key)
        if value_a is None and value_b is None:
            continue
        if value_a is None or value_b is None:
            result.unknown.append(Unknown(key, template.label, value_a, value_b))
        elif value_a == value_b:
            result.identical += 1
        else:
            result.differences.append(Difference(key, template.area, template.label,
                                                 difference_severity(template, [value_a, value_b]),
                                                 value_a, value_b))
    result.differences.sort(key=lambda d: AREA_RANK.get(d.area, 99))  # stable: within an area, the facts' own order
    return result


def _only(mine: List[Finding], theirs: List[Finding]) -> List[FindingRef]:
    """Problems (errors and warnings) in ``mine`` whose rule did not fire in ``theirs``."""
    codes = {f.code for f in theirs}
    return [FindingRef(f.code, f.severity, f.title) for f in mine if f.severity != "info" and f.code not in codes]
