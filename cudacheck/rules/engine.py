"""Run every registered rule over a Snapshot and assemble the ordered Report."""
from __future__ import annotations

import time
from typing import Iterable, List, Optional

from ..compat.db import CompatDB, default_db
from ..policy import Policy
from ..report import Finding, Report, summarise
from ..snapshot import Snapshot
from ..vocabulary import CATEGORY_RANK, SEVERITY_RANK
from .context import RuleContext
from .registry import REGISTRY, Rule

RAISE_RULE_ERRORS = False
"""Tests set this so that a bug in a rule fails loudly instead of becoming an info finding."""


def load_rules() -> List[Rule]:
    """Import every rule module (registration happens on import) and list the rules by code."""
    from . import catalogue  # noqa: F401

    return [REGISTRY[code] for code in sorted(REGISTRY)]


def order(findings: Iterable[Finding]) -> List[Finding]:
    """Most important first: severity, then root causes before symptoms, then certainty."""
    certainty = {"confirmed": 0, "likely": 1, "possible": 2}
    return sorted(findings, key=lambda f: (SEVERITY_RANK[f.severity], certainty.get(f.certainty, 1),
                                           CATEGORY_RANK.get(f.category, 99), f.code))


def run_rules(snapshot: Snapshot, policy: Policy, db: CompatDB, rules: Optional[Iterable[Rule]] = None,
              planning: bool = False, plan_remedies: bool = True) -> List[Finding]:
    """All findings of all rules (unordered). A rule that raises is reported, never fatal.
    ``planning``: the snapshot is a planned environment being judged (no remedies are planned);
    ``plan_remedies`` False: install remedies point to ``cudacheck doctor`` instead of being planned."""
    context = RuleContext(snapshot, db, policy, planning=planning, plan_remedies=plan_remedies)
    findings: List[Finding] = []
    for rule_ in rules if rules is not None else load_rules():
        context.rule = rule_
        try:
            findings.extend(rule_.check(context))
        except Exception as exc:  # a bug in one rule must not hide the others
            if RAISE_RULE_ERRORS:
                raise
            findings.append(context.finding(
                f"internal error in rule {rule_.code} ({rule_.slug})", severity="info", category="config",
                detail=f"{type(exc).__name__}: {exc}",
                remedy="Please report this at the cudacheck issue tracker with `cudacheck snapshot` output."))
    return findings


def attach_symptoms(findings: List[Finding]) -> List[Finding]:
    """Fold each symptom into a cause of the same category: say the cause, attach the symptom."""
    symptom_codes = {code for code, r in REGISTRY.items() if r.symptom}
    causes = [f for f in findings if f.code not in symptom_codes and f.severity != "info"]
    kept: List[Finding] = []
    for finding in findings:
        cause = next((c for c in causes if c.category == finding.category), None) \
            if finding.code in symptom_codes else None
        if cause is None:
            kept.append(finding)
            continue
        cause.detail = (cause.detail + f" Observed: {finding.title} [{finding.code}].").strip()
        cause.evidence.extend(e for e in finding.evidence if e not in cause.evidence)
    return kept


def check(snapshot: Snapshot, policy: Optional[Policy] = None, db: Optional[CompatDB] = None, *,
          plan_remedies: bool = True) -> Report:
    """Judge a Snapshot against the compatibility data and a Policy; say which areas were checked.
    ``plan_remedies`` False skips planning install remedies (for one-line answers such as ``health``)."""
    from .coverage import coverage

    started = time.monotonic()
    policy = policy or Policy()
    db = db or default_db()
    findings = order(attach_symptoms(run_rules(snapshot, policy, db, plan_remedies=plan_remedies)))
    areas = coverage(snapshot, policy)
    applied = policy.as_dict()
    report = Report(snapshot=snapshot, findings=findings, summary=summarise(findings, areas),
                    compat_data_version=db.version, compat_data_source=db.source, policy=applied, coverage=areas,
                    policy_sources={k: v for k, v in policy.sources.items() if k in applied})
    report.timings = dict(snapshot.timings)
    report.timings["check"] = round(time.monotonic() - started, 4)
    return report
