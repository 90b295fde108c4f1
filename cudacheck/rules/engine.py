"""Run every registered rule over a Snapshot and assemble the ordered Report."""
from __future__ import annotations

import difflib
import time
from typing import Iterable, List, Optional, Tuple

from ..compat.db import CompatDB, default_db
from ..errors import ConfigError, raise_bugs
from ..policy import Policy
from ..report import Finding, Report, summarise
from ..snapshot import Snapshot
from ..vocabulary import CATEGORY_RANK, SEVERITY_RANK
from .context import RuleContext
from .registry import REGISTRY, Rule

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
    """All findings of all rules (unordered). A rule that raises is a CC100 finding (a cudacheck
    bug), never fatal; under the test suite it raises (:func:`cudacheck.errors.raise_bugs`).
    ``planning``: the snapshot is a planned environment being judged (no remedies are planned);
    ``plan_remedies`` False: install remedies point to ``cudacheck doctor`` instead of being planned."""
    context = RuleContext(snapshot, db, policy, planning=planning, plan_remedies=plan_remedies)
    findings: List[Finding] = []
    for rule_ in rules if rules is not None else load_rules():
        context.rule = rule_
        try:
            findings.extend(rule_.check(context))
        except Exception as exc:  # a bug in one rule must not hide the others
            if raise_bugs():
                raise
            from .catalogue.bugs import rule_bug

            findings.append(rule_bug(rule_, exc))
    return findings


def attach_symptoms(findings: List[Finding]) -> List[Finding]:
    """Fold each finding of a ``symptom`` rule (:attr:`Rule.symptom`) into a cause of the same
    category from a rule that is not one: say the cause, attach the symptom. The cause lists the
    symptom's code in ``symptoms`` (and its title in the detail, for the reader)."""
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
        if finding.code not in cause.symptoms:
            cause.symptoms.append(finding.code)
    return kept


def closest_rules(wanted: str, rules: Optional[Iterable[Rule]] = None, count: int = 4) -> List[str]:
    """Codes and slugs nearest to ``wanted``: a partial code ("CC21") names its family first,
    then whatever is merely similar."""
    rules = list(rules) if rules is not None else load_rules()
    keys = [r.code for r in rules] + [r.slug for r in rules]
    wanted = wanted.strip()
    return ([k for k in keys if wanted and k.upper().startswith(wanted.upper())][:count]
            or difflib.get_close_matches(wanted, keys, n=count, cutoff=0.3)
            or difflib.get_close_matches(wanted.upper(), keys, n=count, cutoff=0.3))


def _specificity(selector: str, rule_: Rule) -> int:
    """How specifically ``selector`` names the rule (0: not at all). ALL is the least specific,
    then code prefixes by length; a whole code or the slug is the most specific."""
    if selector.upper() == "ALL":
        return 1
    if selector.lower() == rule_.slug:
        return 100
    if rule_.code.upper().startswith(selector.upper()) and selector[:1].isalpha():
        return 100 if selector.upper() == rule_.code.upper() else 1 + len(selector)
    return 0


def validate_selection(policy: Policy, rules: Optional[Iterable[Rule]] = None) -> None:
    """ConfigError, naming the closest rules, for a selector that matches no rule."""
    rules = list(rules) if rules is not None else load_rules()
    for name in ("select", "ignore"):
        for selector in getattr(policy, name):
            if not any(_specificity(selector, rule_) for rule_ in rules):
                close = closest_rules(selector, rules)
                hint = f"; closest: {', '.join(close)}" if close else ""
                where = policy.sources.get(name, "")
                origin = {"flag": f"--{name}", "env": f"CUDACHECK_{name.upper()}",
                          "pyproject": f"[tool.cudacheck] {name}"}.get(where, name)
                raise ConfigError(f"{origin}: no rule {selector!r}{hint} (see `cudacheck rules`)")


def is_selected(rule_: Rule, policy: Policy) -> bool:
    """Whether findings of ``rule_`` are reported, as ruff decides it: the most specific
    matching selector wins (a whole code or slug over a prefix over ALL); on a tie ``ignore``
    wins; with no ``select`` every rule is selected."""
    selected = max((_specificity(s, rule_) for s in policy.select), default=0) if policy.select else 1
    ignored = max((_specificity(s, rule_) for s in policy.ignore), default=0)
    return selected > 0 and selected > ignored


def apply_selection(findings: List[Finding], policy: Policy) -> Tuple[List[Finding], List[Finding]]:
    """(reported, ignored) findings under the policy's ``select``/``ignore``."""
    if not policy.select and not policy.ignore:
        return findings, []
    by_code = {r.code: r for r in load_rules()}
    kept: List[Finding] = []
    ignored: List[Finding] = []
    for finding in findings:
        rule_ = by_code.get(finding.code)
        (kept if rule_ is None or is_selected(rule_, policy) else ignored).append(finding)
    return kept, ignored


def check(snapshot: Snapshot, policy: Optional[Policy] = None, db: Optional[CompatDB] = None, *,
          plan_remedies: bool = True) -> Report:
    """Judge a Snapshot against the compatibility data and a Policy; say which areas were checked.
    ``plan_remedies`` False skips planning install remedies (for one-line answers such as ``health``)."""
    from .coverage import coverage

    started = time.monotonic()
    policy = policy or Policy()
    db = db or default_db()
    if policy.select or policy.ignore:
        validate_selection(policy)
    # Ignored rules are dropped before symptoms are folded: a symptom of an ignored cause stays a finding.
    reported, ignored = apply_selection(run_rules(snapshot, policy, db, plan_remedies=plan_remedies), policy)
    findings = order(attach_symptoms(reported))
    areas = coverage(snapshot, policy)
    applied = policy.as_dict()
    selection = policy.rule_selection
    report = Report(snapshot=snapshot, findings=findings, summary=summarise(findings, areas, ignored=len(ignored)),
                    compat_data_version=db.version, compat_data_source=db.source, policy=applied, coverage=areas,
                    policy_sources={k: v for k, v in policy.sources.items() if k in applied or k in selection},
                    rule_selection=selection, ignored=order(ignored))
    report.timings = dict(snapshot.timings)
    report.timings["check"] = round(time.monotonic() - started, 4)
    return report
