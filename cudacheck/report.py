"""Findings and the Report: the judgement made from a Snapshot."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from ._version import __version__
from .snapshot import Snapshot
from .vocabulary import Category, Severity

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
    layer: str = "driver"
    certainty: str = "confirmed"  # confirmed | likely | possible (pasted reports)


@dataclass
class Summary:
    """Counts by severity and one line that says it all."""

    status: str = "ok"  # ok | warnings | errors
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    line: str = "No issues found."


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


def summarise(findings: List[Finding]) -> Summary:
    """Count findings by severity and phrase the closing line."""
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    infos = sum(1 for f in findings if f.severity == "info")
    if errors:
        layers = sorted({f.layer for f in findings if f.severity == "error"})
        also = f" and {_plural(warnings, 'warning')}" if warnings else ""
        line = f"{_plural(errors, 'error')}{also} in {_plural(len(layers), 'area')}."
        status = "errors"
    elif warnings:
        line = f"No errors; {_plural(warnings, 'warning')}."
        status = "warnings"
    else:
        line = "No issues found."
        status = "ok"
    return Summary(status=status, errors=errors, warnings=warnings, infos=infos, line=line)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
