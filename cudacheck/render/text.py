"""The doctor view: facts and findings grouped by layer, ✓ / ! / ✗, ``?`` for an area that
could not be checked and ``–`` for one known to hold nothing, remedies under problems, what
the deep probe found, and one summary line at the end."""
from __future__ import annotations

from typing import List, Optional

from ..report import Finding, Report
from ..vocabulary import LAYER_TITLES
from .facts import area_status, deep_lines, layer_facts, requirements_text
from .style import Style, detect


def render(report: Report, verbose: bool = False, style: Optional[Style] = None, **_: object) -> str:
    """Human-readable report."""
    style = style or detect()
    snapshot = report.snapshot
    facts = layer_facts(snapshot)
    header = f"cudacheck {report.cudacheck_version} · {snapshot.source}"
    if snapshot.level:
        header += f" · {snapshot.level} probe"
    header += f" · compat data {report.compat_data}"
    lines = [style.paint(header, "bold"), ""]
    width = max(len(title) for title in LAYER_TITLES.values())
    for layer, title in LAYER_TITLES.items():
        findings = [f for f in report.findings if f.layer == layer]
        area = report.area(layer)
        if layer not in facts and not findings and area is None:
            continue
        if layer == "requirements" and not findings and not report.policy:
            continue
        fact = facts.get(layer, "")
        if layer == "requirements" and report.policy:
            fact = requirements_text(report.policy, report.policy_sources)
        if area is not None and not area.checked:
            fact = f"{fact}; could not check: {area.reason}" if fact and area.state == "failed" else \
                f"could not check: {area.reason}"
        lines.append(f"{style.mark(area_status(findings, area))} {title.ljust(width)}  {fact}")
        if layer == "torch" and snapshot.deep is not None:
            lines.extend(f"    {style.arrow()} deep: {line}" for line in deep_lines(snapshot.deep))
        for finding in findings:
            if finding.severity == "info" and not verbose:
                lines.append(f"    {style.mark('info')} {finding.title} [{finding.code}]")
                continue
            lines.extend(_finding_lines(finding, style, verbose))
    if verbose and snapshot.probe_errors:
        lines.append("")
        lines.append("Probe errors:")
        for error in snapshot.probe_errors:
            lines.append(f"    {error.probe}: {error.kind}: {error.message}")
    lines.append("")
    summary_status = {"errors": "error", "warnings": "warning", "ok": "ok"}[report.summary.status]
    if summary_status == "ok" and report.summary.unchecked:
        summary_status = "unknown"
    lines.append(style.paint(report.summary.line, summary_status))
    text = "\n".join(lines)
    return text if style.unicode else to_ascii(text)


_ASCII = str.maketrans({"≤": "<=", "≥": ">=", "—": "-", "–": "-", "·": "-", "“": '"', "”": '"', "‘": "'",
                        "’": "'", "…": "...", "°": " deg", "×": "x", "→": "->", "✓": "[ok]", "✗": "[x]"})


def to_ascii(text: str) -> str:
    """Plain ASCII for terminals that cannot encode UTF-8: common symbols spelled out, the rest '?'."""
    return text.translate(_ASCII).encode("ascii", "replace").decode("ascii")


def _finding_lines(finding: Finding, style: Style, verbose: bool) -> List[str]:
    certainty = "" if finding.certainty == "confirmed" else f" ({finding.certainty})"
    lines = [f"    {style.mark(finding.severity)} {finding.title}{certainty} [{finding.code}]"]
    if finding.detail:
        lines.extend(f"      {line}" for line in _wrap(finding.detail))
    if finding.remedy:
        remedy = finding.remedy.splitlines()
        lines.append(f"      {style.paint(style.arrow() + ' fix:', 'bold')} {remedy[0]}")
        lines.extend(f"        {line}" for line in remedy[1:])
    if verbose:
        lines.append(f"      docs: {finding.docs}")
    return lines


def _wrap(text: str, width: int = 92) -> List[str]:
    import textwrap

    out: List[str] = []
    for paragraph in text.splitlines() or [""]:
        out.extend(textwrap.wrap(paragraph, width) or [""])
    return out
