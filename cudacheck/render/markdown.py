"""The report as Markdown, ready to paste into a GitHub issue or reply."""
from __future__ import annotations

from typing import List

from ..report import Report
from .facts import area_rows, deep_lines, environment_summary, gpu_lines

_ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}
_AREA_ICON = {"error": "❌", "warning": "⚠️", "unknown": "❓", "absent": "➖", "ok": "✅"}


def render(report: Report, verbose: bool = False, **_: object) -> str:
    """Summary, the environment (OS, Python, torch, driver, GPUs — what a collect_env paste
    opens with), the layer table, findings with remedies, and what to run next."""
    snapshot = report.snapshot
    lines: List[str] = [f"### cudacheck: {report.summary.line}", ""]
    if snapshot.source == "pasted":
        lines += ["_Diagnosed from the text pasted in this issue; facts not shown there are unknown._", ""]
    environment = environment_summary(snapshot)
    if environment:
        lines += ["| Environment | |", "|---|---|"]
        lines += [f"| {label} | {_cell(value)} |" for label, value in environment]
        lines.append("")
    if verbose and snapshot.nvml.gpus:
        lines += [f"- {_cell(line)}" for line in gpu_lines(snapshot.nvml.gpus)] + [""]
    lines += ["| | Layer | Observed |", "|---|---|---|"]
    lines += [f"| {_AREA_ICON[status]} | {title} | {_cell(fact)} |" for title, status, fact in area_rows(report)]
    lines.append("")
    if snapshot.deep is not None and deep_lines(snapshot.deep):
        lines += ["**Deep probe** (torch imported in a child process):", ""]
        lines += [f"- {line}" for line in deep_lines(snapshot.deep)]
        lines.append("")
    problems = [f for f in report.findings if f.severity != "info"]
    infos = [f for f in report.findings if f.severity == "info"]
    for finding in problems:
        certainty = "" if finding.certainty == "confirmed" else f" _({finding.certainty})_"
        lines.append(f"#### {_ICON[finding.severity]} {finding.title}{certainty}")
        lines.append(f"`{finding.code}` {finding.rule} · category `{finding.category}`")
        lines.append("")
        if finding.detail:
            lines += [finding.detail, ""]
        if finding.remedy:
            lines += ["**Fix:**", "```", finding.remedy, "```", ""]
    if report.ignored:
        lines.append(f"_{report.summary.ignored} ignored: "
                     + ", ".join(f"`{f.code}`" for f in report.ignored) + "._")
        lines.append("")
    if infos:
        lines.append("<details><summary>Notes</summary>")
        lines.append("")
        lines += [f"- `{f.code}` {f.title}" for f in infos]
        lines += ["", "</details>", ""]
    if snapshot.source == "pasted":
        lines.append("To confirm on the affected machine, please run `pip install cudacheck && "
                     "cudacheck doctor --format markdown` and paste the output.")
    lines.append(f"<sub>cudacheck {report.cudacheck_version}, compat data {report.compat_data}</sub>")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text for a table cell: a ``|`` would end the cell."""
    return text.replace("|", "/")
