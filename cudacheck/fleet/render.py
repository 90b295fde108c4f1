"""Text, Markdown and JSON for ``cudacheck diff`` and ``cudacheck fleet`` (formatting only)."""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Callable, Dict, List, Optional

from ..errors import UsageError
from ..render.style import Style, detect
from ..render.text import to_ascii
from .diff import DiffResult
from .drift import DriftRow
from .facts import AREA_TITLES
from .overlay import HOST_ONLY
from .survey import FleetResult
from .whatif import WHATIF_SCHEMA, WhatIfResult

FORMATS = ("text", "markdown", "json")
_ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️", "ok": "✅"}
MAX_NAMES = 8
"""Machine names listed in one table cell before the rest are counted."""


def fleet_icon(severity: str) -> str:
    """The Markdown icon of a severity or status."""
    return _ICON.get(severity, "")


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "/").replace("\n", " ")


def names(machines: List[str], limit: int = MAX_NAMES) -> str:
    """``a, b, c`` or ``a, b, … (+12 more)``."""
    shown = ", ".join(machines[:limit])
    return shown + (f", … (+{len(machines) - limit} more)" if len(machines) > limit else "")


def structured(fmt: str, data: Callable[[], Any], markdown: Callable[[], str]) -> Optional[str]:
    """The JSON or Markdown rendering when ``fmt`` asks for one; None for text."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if fmt == "json":
        return json.dumps(data(), indent=2, ensure_ascii=False) + "\n"
    return markdown() if fmt == "markdown" else None


def drift_data(rows: List[DriftRow], raw: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Drift rows as JSON data, each with its ``minority`` spelled out."""
    for row, item in zip(rows, raw):
        item["minority"] = row.minority
    return raw


def _finish(lines: List[str], style: Style) -> str:
    text = "\n".join(lines) + "\n"
    return text if style.unicode else to_ascii(text)


# --- diff ---------------------------------------------------------------------------------

def render_diff(result: DiffResult, fmt: str = "text", style: Optional[Style] = None) -> str:
    """The diff in ``fmt``."""
    text = structured(fmt, lambda: asdict(result), lambda: _diff_markdown(result))
    if text is not None:
        return text
    style = style or detect()
    lines = [style.paint(f"cudacheck diff: {result.a} → {result.b}", "bold"), "",
             f"  {result.a}: {result.a_summary.line}", f"  {result.b}: {result.b_summary.line}"]
    for side, refs in ((result.a, result.only_a), (result.b, result.only_b)):
        if refs:
            lines += ["", f"Only on {side}:"]
            lines += [f"  {style.mark(r.severity)} {r.title} [{r.code}]" for r in refs]
    if result.differences:
        lines += ["", "What differs (most consequential first):"]
        width = max(len(d.label) for d in result.differences)
        area = None
        for d in result.differences:
            if d.area != area:
                area = d.area
                lines.append(f"  {AREA_TITLES.get(area, area)}")
            lines.append(f"    {style.mark(d.severity)} {d.label.ljust(width)}  {d.a} {style.arrow()} {d.b}")
    if result.unknown:
        lines += ["", "Not compared (known on one side only): "
                  + ", ".join(f"{u.label} ({result.a if u.a is None else result.b} unknown)" for u in result.unknown)]
    lines += ["", _diff_line(result)]
    return _finish(lines, style)


def _diff_line(result: DiffResult) -> str:
    if not result.differences and not result.only_a and not result.only_b:
        return f"No differences that matter ({result.identical} facts identical)."
    counts = {s: sum(1 for d in result.differences if d.severity == s) for s in ("error", "warning", "info")}
    parts = [f"{count} {'serious' if s == 'error' else 'notable' if s == 'warning' else 'minor'}"
             for s, count in counts.items() if count]
    verdict = ""
    if result.only_a or result.only_b:
        verdict = f"; findings differ ({len(result.only_a)} only on {result.a}, {len(result.only_b)} only on {result.b})"
    return f"{sum(counts.values())} differences ({', '.join(parts) or 'none'}){verdict}; {result.identical} facts identical."


def _diff_markdown(result: DiffResult) -> str:
    lines = [f"### cudacheck diff: `{result.a}` → `{result.b}`", "",
             f"- **{result.a}**: {result.a_summary.line}", f"- **{result.b}**: {result.b_summary.line}", ""]
    for side, refs in ((result.a, result.only_a), (result.b, result.only_b)):
        if refs:
            lines += [f"**Only on {side}:**", ""] + [f"- {_ICON[r.severity]} `{r.code}` {r.title}" for r in refs] + [""]
    if result.differences:
        lines += ["| | Area | Fact | " + f"{result.a} | {result.b} |", "|---|---|---|---|---|"]
        for d in result.differences:
            lines.append(f"| {_ICON[d.severity]} | {AREA_TITLES.get(d.area, d.area)} | {d.label} | "
                         f"{cell(d.a)} | {cell(d.b)} |")
        lines.append("")
    lines.append(_diff_line(result))
    return "\n".join(lines) + "\n"


# --- fleet --------------------------------------------------------------------------------

def fleet_dict(result: FleetResult) -> Dict[str, Any]:
    """The fleet result as JSON-able data (schema ``cudacheck.fleet/1``)."""
    data = asdict(result)
    drift_data(result.drift, data["drift"])
    return data


def render_fleet(result: FleetResult, fmt: str = "text", style: Optional[Style] = None,
                 verbose: bool = False) -> str:
    """The fleet survey in ``fmt``."""
    text = structured(fmt, lambda: fleet_dict(result), lambda: _fleet_markdown(result))
    if text is not None:
        return text
    style = style or detect()
    lines = [style.paint(f"cudacheck fleet · {result.summary.machines} machines · "
                         f"compat data {result.compat_data_version}", "bold"), ""]
    lines += drift_lines(result.drift, style)
    if result.findings:
        lines += ["", "Findings:"]
        for group in result.findings:
            lines.append(f"  {style.mark(group.severity)} [{group.code}] {group.title}")
            lines.append(f"      on {len(group.machines)}: {names(group.machines)}")
    if verbose:
        lines += ["", "Machines:"]
        for machine in result.machines:
            lines.append(f"  {style.mark(_status(machine.status))} {machine.name}: "
                         f"{machine.errors} errors, {machine.warnings} warnings")
    if result.unreadable:
        lines += ["", "Unreadable:"] + [f"  {style.mark('error')} {u.error}" for u in result.unreadable]
    lines += ["", style.paint(result.summary.line, _status(result.summary.status))]
    return _finish(lines, style)


def drift_lines(rows: List[DriftRow], style: Style) -> List[str]:
    """The drift table as text: one block per drifting fact."""
    if not rows:
        return [f"{style.mark('ok')} No drift: every known fact is the same on every machine."]
    lines = ["Drift (which machines differ from the majority, and in what):"]
    for row in rows:
        title = f"{AREA_TITLES.get(row.area, row.area)}: {row.label}"
        lines.append(f"  {style.mark(row.severity)} {title}")
        for value in row.values:
            tag = "majority" if value.value == row.majority else "differs"
            lines.append(f"      {value.value}  [{tag}, {len(value.machines)}] {names(value.machines)}")
        if row.unknown:
            lines.append(f"      unknown on {len(row.unknown)}: {names(row.unknown)}")
    return lines


def drift_markdown(rows: List[DriftRow]) -> List[str]:
    """The drift table as a Markdown table."""
    if not rows:
        return ["No drift: every known fact is the same on every machine.", ""]
    lines = ["| | Fact | Majority | Differs |", "|---|---|---|---|"]
    for row in rows:
        majority = next((v for v in row.values if v.value == row.majority), None)
        major = f"{cell(majority.value)} ({len(majority.machines)})" if majority else "no majority"
        others = "<br>".join(f"{cell(v.value)}: {names(v.machines)}" for v in row.values if v is not majority)
        lines.append(f"| {_ICON[row.severity]} | {AREA_TITLES.get(row.area, row.area)}: {row.label} | {major} | {others} |")
    return lines + [""]


def _fleet_markdown(result: FleetResult) -> str:
    lines = [f"### cudacheck fleet: {result.summary.line}", ""]
    lines += drift_markdown(result.drift)
    if result.findings:
        lines += ["| | Finding | Machines |", "|---|---|---|"]
        for group in result.findings:
            lines.append(f"| {_ICON[group.severity]} | `{group.code}` {cell(group.title)} | "
                         f"{len(group.machines)}: {names(group.machines)} |")
        lines.append("")
    if result.unreadable:
        lines += ["**Unreadable:**", ""] + [f"- {cell(u.error)}" for u in result.unreadable] + [""]
    lines.append(f"<sub>compat data {result.compat_data_version}</sub>")
    return "\n".join(lines) + "\n"


def _status(status: str) -> str:
    return {"errors": "error", "warnings": "warning"}.get(status, "ok")


# --- what-if targets ----------------------------------------------------------------------

def whatif_dict(result: WhatIfResult) -> Dict[str, Any]:
    """The what-if verdicts as JSON-able data (schema ``cudacheck.whatif/1``)."""
    from .._version import __version__

    targets = []
    for item in result.results:
        target = {k: v for k, v in asdict(item.target).items() if k != "snapshot"}
        findings = []
        for index, finding in enumerate(item.report.findings):
            data = asdict(finding)
            data["assumed"] = item.assumed.get(index, [])
            findings.append(data)
        targets.append({"target": target, "description": item.target.describe(),
                        "status": item.report.summary.status, "summary": asdict(item.report.summary),
                        "assumption": asdict(item.report.snapshot.assumed) if item.report.snapshot.assumed else None,
                        "findings": findings})
    compat = result.results[0].report.compat_data_version if result.results else "unknown"
    return {"schema": WHATIF_SCHEMA, "cudacheck_version": __version__, "compat_data_version": compat,
            "environment": environment_line(result.snapshot),
            "summary": {"targets": len(result.results), "failing": result.failing,
                        "status": "errors" if result.failing else "ok", "line": result.line},
            "targets": targets, "snapshot": asdict(result.snapshot)}


def environment_line(snapshot) -> str:
    """"torch 2.14.1+cu130 (CUDA 13.0), Python 3.11.9" — the environment judged."""
    torch = snapshot.torch
    if torch.version:
        build = f"CUDA {torch.cuda}" if torch.cuda else "CPU-only"
        text = f"torch {torch.version} ({build})"
    else:
        text = "no torch"
    if snapshot.platform.python_version:
        text += f", Python {snapshot.platform.python_version}"
    require = sorted(k for k in snapshot.container.env if k.startswith("NVIDIA_REQUIRE_"))
    if require:
        text += ", " + ", ".join(f"{k}={snapshot.container.env[k]!r}" for k in require)
    return text


def render_whatif(result: WhatIfResult, fmt: str = "text", verbose: bool = False,
                  style: Optional[Style] = None) -> str:
    """The per-target verdicts in ``fmt``."""
    text = structured(fmt, lambda: whatif_dict(result), lambda: _whatif_markdown(result))
    if text is not None:
        return text
    style = style or detect()
    lines = [style.paint(f"cudacheck what-if · this environment: {environment_line(result.snapshot)}", "bold"), ""]
    for item in result.results:
        report, target = item.report, item.target
        status = _status(report.summary.status)
        lines.append(f"{style.mark(status)} {style.paint(target.name, 'bold')} — assuming {target.describe()}")
        if target.nodes:
            lines.append(f"    nodes: {names(target.nodes)}")
        for index, finding in enumerate(report.findings):
            if finding.severity == "info" and not verbose:
                continue
            tag = " (assumed)" if index in item.assumed else ""
            lines.append(f"    {style.mark(finding.severity)} {finding.title} [{finding.code}]{tag}")
            if finding.severity != "info" or verbose:
                for text in _wrapped(finding.detail):
                    lines.append(f"      {text}")
                if finding.remedy:
                    remedy = finding.remedy.splitlines()
                    lines.append(f"      {style.paint(style.arrow() + ' fix:', 'bold')} {remedy[0]}")
                    lines.extend(f"        {line}" for line in remedy[1:])
        if verbose and report.snapshot.assumed:
            for note in report.snapshot.assumed.notes:
                lines.append(f"    · {note}")
        lines.append(f"    {report.summary.line}")
        lines.append("")
    assumptions = [r.report.snapshot.assumed for r in result.results if r.report.snapshot.assumed]
    if assumptions:
        unknown = [name for name in assumptions[0].unknown if all(name in a.unknown for a in assumptions)]
        words = list(dict.fromkeys(HOST_ONLY.get(name, name) for name in unknown))
        lines.append("Not judged (facts of the machine probed here, not of the targets): " + ", ".join(words) + ".")
    lines.append(style.paint(result.line, "error" if result.failing else "ok"))
    return _finish(lines, style)


def _whatif_markdown(result: WhatIfResult) -> str:
    lines = [f"### cudacheck what-if: {result.line}", "", f"This environment: {environment_line(result.snapshot)}", "",
             "| | Target | Assumed | Verdict |", "|---|---|---|---|"]
    for item in result.results:
        icon = _ICON[_status(item.report.summary.status)]
        lines.append(f"| {icon} | {item.target.name} | {cell(item.target.describe())} | "
                     f"{cell(item.report.summary.line)} |")
    lines.append("")
    for item in result.results:
        problems = [f for f in item.report.findings if f.severity != "info"]
        if not problems:
            continue
        lines += [f"#### {item.target.name}", ""]
        for finding in problems:
            lines.append(f"- {_ICON[finding.severity]} `{finding.code}` {finding.title}")
            if finding.remedy:
                lines += ["", "  ```", *(f"  {line}" for line in finding.remedy.splitlines()), "  ```"]
        lines.append("")
    return "\n".join(lines) + "\n"


def _wrapped(text: str, width: int = 92) -> List[str]:
    import textwrap

    out: List[str] = []
    for paragraph in text.splitlines():
        out.extend(textwrap.wrap(paragraph, width) or [""])
    return out
