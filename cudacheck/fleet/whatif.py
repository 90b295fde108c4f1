"""``cudacheck doctor --target``: judge this environment on each target of a fleet.

Each target's Snapshot is this environment's, overlaid with the target's driver and
GPUs (:mod:`cudacheck.fleet.overlay`), then judged by the ordinary rules. A finding
whose evidence rests on an assumed fact says so (``assumed``), in the JSON and in its
detail. The environment fails when any target has an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from ..compat.db import CompatDB, default_db
from ..policy import Policy
from ..report import Finding, Report
from ..snapshot import Assumption, Snapshot
from .overlay import assume
from .targets import Target

WHATIF_SCHEMA = "cudacheck.whatif/1"
_LAYERS_FROM_TARGET = ("driver", "gpus")


@dataclass
class TargetResult:
    """One target's verdict."""

    target: Target
    report: Report
    assumed: Dict[int, List[str]] = field(default_factory=dict)  # finding index → assumed facts it rests on

    @property
    def failed(self) -> bool:
        return self.report.summary.errors > 0


@dataclass
class WhatIfResult:
    """Every target's verdict for one environment."""

    snapshot: Snapshot
    results: List[TargetResult]

    @property
    def failing(self) -> List[str]:
        return [r.target.name for r in self.results if r.failed]

    def failed(self, strict: bool = False) -> bool:
        """Whether the environment fails the fleet (any error; any warning too when ``strict``)."""
        return any(r.failed or (strict and r.report.summary.warnings) for r in self.results)

    @property
    def line(self) -> str:
        failing = self.failing
        total = len(self.results)
        if not failing:
            return f"Fits all {total} target{'s' if total != 1 else ''}." if total > 1 else "Fits the target."
        return f"{len(failing)} of {total} target{'s' if total != 1 else ''} fail: {', '.join(failing)}."


def judge_targets(snapshot: Snapshot, targets: Sequence[Target], policy: Optional[Policy] = None,
                  db: Optional[CompatDB] = None) -> WhatIfResult:
    """Judge ``snapshot`` (this environment, probed for real) on every target."""
    from ..rules.engine import check

    db = db or default_db()
    results = []
    for target in targets:
        assumed = assume(snapshot, target, db)
        report = check(assumed, policy, db)
        result = TargetResult(target, report)
        assumption = assumed.assumed
        assert assumption is not None  # assume() always records what it assumed
        for index, finding in enumerate(report.findings):
            fields = assumed_facts(finding, assumption)
            if fields:
                result.assumed[index] = fields
                finding.detail = (finding.detail + f" (Assumed for target {target.name}: "
                                  f"{assumption.description}.)").strip()
        results.append(result)
    return WhatIfResult(snapshot, results)


def assumed_facts(finding: Finding, assumption: Assumption) -> List[str]:
    """The assumed facts a finding rests on: evidence under a replaced field, or, for a finding
    that names no evidence, its driver/GPU layer."""
    hits = [evidence for evidence in finding.evidence
            if any(evidence == field_ or evidence.startswith(field_ + ".") for field_ in assumption.replaced)]
    if hits:
        return hits
    if not finding.evidence and finding.layer in _LAYERS_FROM_TARGET:
        return [f"{finding.layer} (target)"]
    return []
