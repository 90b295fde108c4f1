"""Findings and the Report: the judgement made from a Snapshot."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from ._version import __version__
from .snapshot import Snapshot
from .vocabulary import LAYER_TITLES, Category, Layer, Severity

REPORT_SCHEMA_VERSION = 1
DOCS_BASE = "docs/rules.md"  # the rule page; `cudacheck explain CODE` prints the same text


@dataclass
class Finding:
    """One diagnosis: what is wrong (or worth knowing), from which facts, and what to do."""

    code: str
    rule: str
    category: Category
    severity: Severity
    title: str
    detail: str = ""
    remedy: str = ""
    evidence: List[str] = field(default_factory=list)
    docs: str = ""
    layer: Layer = "driver"
    certainty: str = "confirmed"  # confirmed | likely | possible (pasted reports)
    could_not_check: bool = False  # an info saying what could not be checked and why (a relevant unknown)
    symptoms: List[str] = field(default_factory=list)  # codes of symptom findings folded into this cause


@dataclass
class AreaCoverage:
    """Whether one area (layer) of the report was checked, and if not, why.

    ``state``: ``checked`` (facts were read and judged), ``absent`` (known to have
    nothing to check: no NVIDIA driver, no GPU, no torch), ``failed`` (the probe that
    reads it failed: ``reason`` names how, e.g. "probe crashed, signal 11"), or
    ``unknown`` (not probed at this level, not in the pasted text).
    """

    area: str
    state: str = "checked"  # checked | absent | failed | unknown
    reason: str = ""

    @property
    def checked(self) -> bool:
        """True when the area's verdict rests on facts (checked, or known to be absent)."""
        return self.state in ("checked", "absent")


@dataclass
class Summary:
    """Counts by severity and one line that says it all."""

    status: str = "ok"  # ok | warnings | errors
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    line: str = "No issues found."
    unchecked: int = 0  # areas that could not be checked
    ignored: int = 0  # findings of rules the policy ignores (--ignore, [tool.cudacheck] ignore)


@dataclass
class Report:
    """The versioned result of checking a Snapshot."""

    schema_version: int = REPORT_SCHEMA_VERSION
    cudacheck_version: str = __version__
    compat_data_version: str = "unknown"
    compat_data_source: str = "shipped"  # "shipped", or the folder newer tables were loaded from
    summary: Summary = field(default_factory=Summary)
    findings: List[Finding] = field(default_factory=list)
    policy: Dict[str, object] = field(default_factory=dict)
    timings: Dict[str, float] = field(default_factory=dict)
    snapshot: Snapshot = field(default_factory=Snapshot)
    coverage: List[AreaCoverage] = field(default_factory=list)
    policy_sources: Dict[str, str] = field(default_factory=dict)  # requirement -> flag | env | pyproject | marker | API
    rule_selection: Dict[str, List[str]] = field(default_factory=dict)  # {"select": [...], "ignore": [...]} as given
    ignored: List[Finding] = field(default_factory=list)  # findings of ignored rules, not counted in the summary

    def area(self, name: str) -> Optional[AreaCoverage]:
        """The coverage of one area (layer), if the report has it."""
        return next((c for c in self.coverage if c.area == name), None)

    @property
    def compat_data(self) -> str:
        """Which compat data judged this report, for headers: its date, and the folder when not shipped."""
        if self.compat_data_source == "shipped":
            return self.compat_data_version
        return f"{self.compat_data_version} from {self.compat_data_source}"

    @property
    def ok(self) -> bool:
        """True when there is no error finding."""
        return self.summary.errors == 0

    def errors(self) -> List[Finding]:
        """The error findings, most important first."""
        return [f for f in self.findings if f.severity == "error"]

    def by_code(self, code: str) -> Optional[Finding]:
        """The first finding with that code."""
        return next((f for f in self.findings if f.code == code), None)

    def _repr_markdown_(self) -> str:
        """Jupyter: the Markdown report (secrets masked, as in every output)."""
        from .redact import redact
        from .render import render

        return redact(render(self, "markdown"))

    def _repr_html_(self) -> str:
        """Jupyter: the report as HTML, escaped and with secrets masked."""
        from .render import render

        return render(self, "html")


def summarise(findings: List[Finding], coverage: Optional[List[AreaCoverage]] = None, ignored: int = 0) -> Summary:
    """Count findings by severity and phrase the closing line; an area that could not be
    checked is always named, so "No issues found." only ever means every area was checked;
    findings of ignored rules are counted apart ("2 ignored")."""
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    infos = sum(1 for f in findings if f.severity == "info")
    areas = list(coverage or [])
    unchecked = [c for c in areas if not c.checked]
    missing = ""
    if unchecked:
        reasons = "; ".join(f"{LAYER_TITLES.get(c.area, c.area)}: {c.reason}" for c in unchecked)
        missing = f"{len(unchecked)} {'area' if len(unchecked) == 1 else 'areas'} could not be checked ({reasons})"
    if errors:
        layers = sorted({f.layer for f in findings if f.severity == "error"})
        also = f" and {_plural(warnings, 'warning')}" if warnings else ""
        line = f"{_plural(errors, 'error')}{also} in {_plural(len(layers), 'area')}"
        line += f"; {missing}." if missing else "."
        status = "errors"
    elif warnings:
        line = f"No errors; {_plural(warnings, 'warning')}" + (f"; {missing}." if missing else ".")
        status = "warnings"
    elif unchecked:
        checked = len(areas) - len(unchecked)
        line = f"No problems in {_plural(checked, 'area')}; {missing[0].lower() + missing[1:]}." if checked \
            else f"Nothing could be checked: {missing[missing.index('(') + 1:-1]}."
        status = "ok"
    else:
        line = "No issues found."
        status = "ok"
    if ignored:
        line = f"{line[:-1]}; {ignored} ignored."
    return Summary(status=status, errors=errors, warnings=warnings, infos=infos, line=line,
                   unchecked=len(unchecked), ignored=ignored)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
