"""The report as an HTML fragment, for Jupyter (``Report._repr_html_``).

The same content as the Markdown view — summary, environment, one row per area,
findings with remedies, notes — in one ``<div>`` with inline styles only (a notebook
shows no external stylesheet and keeps no script). Every text is redacted, then
escaped: a value never becomes markup.
"""
from __future__ import annotations

import html
from typing import List

from ..redact import redact
from ..report import Finding, Report
from .facts import area_rows, deep_lines, environment_summary, gpu_lines

_MARK = {"error": ("✗", "#c62828"), "warning": ("!", "#b26a00"), "unknown": ("?", "#6a1b9a"),
         "absent": ("–", "#757575"), "ok": ("✓", "#2e7d32"), "info": ("·", "#00838f")}
_CELL = "padding:2px 8px;text-align:left;vertical-align:top"


def _t(text: object) -> str:
    """Text for HTML: secrets masked, then every markup character escaped."""
    return html.escape(redact(str(text)), quote=True)


def _mark(status: str) -> str:
    symbol, colour = _MARK[status]
    return f'<span style="color:{colour};font-weight:bold" title="{status}">{symbol}</span>'


def render(report: Report, verbose: bool = False, **_: object) -> str:
    """The report as one self-contained ``<div>``."""
    snapshot = report.snapshot
    status = {"errors": "error", "warnings": "warning", "ok": "ok"}[report.summary.status]
    if status == "ok" and report.summary.unchecked:
        status = "unknown"
    out: List[str] = ['<div class="cudacheck-report">',
                      f"<p>{_mark(status)} <strong>cudacheck: {_t(report.summary.line)}</strong></p>"]
    if snapshot.source == "pasted":
        out.append("<p><em>Diagnosed from pasted text; facts not shown there are unknown.</em></p>")
    environment = environment_summary(snapshot)
    if environment:
        out.append('<table class="cudacheck-environment">')
        out += [f'<tr><th style="{_CELL}">{_t(label)}</th><td style="{_CELL}">{_t(value)}</td></tr>'
                for label, value in environment]
        out.append("</table>")
    if verbose and snapshot.nvml.gpus:
        out.append("<ul>" + "".join(f"<li>{_t(line)}</li>" for line in gpu_lines(snapshot.nvml.gpus)) + "</ul>")
    out.append('<table class="cudacheck-areas">')
    for title, mark, fact in area_rows(report):
        out.append(f'<tr><td style="{_CELL}">{_mark(mark)}</td><th style="{_CELL}">{_t(title)}</th>'
                   f'<td style="{_CELL}">{_t(fact)}</td></tr>')
    out.append("</table>")
    if snapshot.deep is not None and deep_lines(snapshot.deep):
        out.append("<p>Deep probe (torch imported in a child process):</p><ul>"
                   + "".join(f"<li>{_t(line)}</li>" for line in deep_lines(snapshot.deep)) + "</ul>")
    for finding in report.findings:
        if finding.severity != "info":
            out += _finding(finding)
    infos = [f for f in report.findings if f.severity == "info"]
    if infos:
        out.append("<details><summary>Notes</summary><ul>"
                   + "".join(f"<li><code>{_t(f.code)}</code> {_t(f.title)}</li>" for f in infos)
                   + "</ul></details>")
    if report.ignored:
        out.append(f"<p><em>{report.summary.ignored} ignored: "
                   + ", ".join(f"<code>{_t(f.code)}</code>" for f in report.ignored) + "</em></p>")
    out.append(f"<p><small>cudacheck {_t(report.cudacheck_version)}, compat data {_t(report.compat_data)}"
               "</small></p>")
    out.append("</div>")
    return "\n".join(out)


def _finding(finding: Finding) -> List[str]:
    certainty = "" if finding.certainty == "confirmed" else f" ({finding.certainty})"
    lines = [f'<div class="cudacheck-finding"><p>{_mark(finding.severity)} <strong>{_t(finding.title)}'
             f"{_t(certainty)}</strong> <code>{_t(finding.code)}</code> {_t(finding.rule)}</p>"]
    if finding.detail:
        lines.append(f"<p>{_t(finding.detail)}</p>")
    if finding.remedy:
        lines.append(f"<p>Fix:</p><pre>{_t(finding.remedy)}</pre>")
    lines.append("</div>")
    return lines
