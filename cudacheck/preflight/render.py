"""The preflight report as text, Markdown or JSON (formatting only)."""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Dict, List, Optional

from ..fleet.render import cell, drift_data, drift_lines, drift_markdown, fleet_icon, structured
from ..render.style import Style, detect
from ..render.text import to_ascii
from .report import PreflightReport

_STATUS_MARK = {"ok": "ok", "warnings": "warning", "failed": "error", "environment": "error"}


def to_dict(report: PreflightReport) -> Dict[str, Any]:
    """The report as JSON-able data (schema ``cudacheck.preflight/1``)."""
    data = asdict(report)
    drift_data(report.drift, data["drift"])
    return data


def to_json(report: PreflightReport) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"


def render(report: PreflightReport, fmt: str = "text", style: Optional[Style] = None) -> str:
    """``fmt``: text, markdown or json."""
    text = structured(fmt, lambda: to_dict(report), lambda: _markdown(report))
    if text is not None:
        return text
    style = style or detect()
    launcher = report.launcher
    nodes = len({r.host for r in report.ranks if r.host})
    lines = [style.paint(f"cudacheck preflight · {launcher.get('kind')} · {report.world_size} ranks"
                         + (f" on {nodes} node{'s' if nodes != 1 else ''}" if nodes else "")
                         + f" · run {launcher.get('run_id')}", "bold"), ""]
    for result in report.ranks:
        mark = {"ok": "ok", "warnings": "warning"}.get(result.status, "error")
        where = f"{result.host}" + (f", local rank {result.local_rank}" if result.local_rank is not None else "")
        what = _rank_words(result)
        lines.append(f"{style.mark(mark)} rank {result.rank:<4} {where}: {what}")
    lines.append("")
    lines += drift_lines(report.drift, style)
    barrier = report.barrier
    if barrier.ran:
        if barrier.ok:
            lines.append(f"{style.mark('ok')} barrier: all {report.world_size} ranks passed the gloo monitored "
                         f"barrier ({barrier.seconds:.2f} s)")
        else:
            lines.append(f"{style.mark('error')} barrier: hung {', '.join(map(str, barrier.hung)) or '?'} — "
                         f"{barrier.message.splitlines()[0] if barrier.message else ''}")
    else:
        lines.append(f"{style.mark('info')} barrier: {barrier.message or 'not run'}")
    lines += _collective_lines(report, style)
    problems = report.problems
    if problems:
        lines += ["", "Problems:"]
        for item in problems:
            lines.append(f"  {style.mark(item.severity)} {item.title} [{item.code}]")
            if item.detail:
                lines.append(f"      {item.detail}")
    lines += ["", style.paint(report.line, _STATUS_MARK.get(report.status, "error"))]
    text = "\n".join(lines) + "\n"
    from ..render.wrap import fit, terminal_width

    return fit(text if style.unicode else to_ascii(text), terminal_width())


def _rank_words(result) -> str:
    if result.status == "not_started":
        return "never started (no sign of it in the store)"
    if result.status == "missing":
        return "started, never posted its report"
    if result.status.startswith("check_"):
        return f"check {result.check_status}: {result.check_message}"
    if result.status == "environment":
        return f"environment problem: {result.environment}"
    counts = f"{result.errors} errors, {result.warnings} warnings" if result.errors or result.warnings else "healthy"
    codes = ", ".join(f["code"] for f in result.findings)
    return counts + (f" ({codes})" if codes else "")


def _collective_lines(report: PreflightReport, style: Style) -> List[str]:
    coll = report.collectives
    if not coll.ran:
        return [f"{style.mark('info')} collectives: {coll.note or 'not run'}"]
    failed = [r for r in coll.ranks if r.status != "ok"]
    head = f"collectives: {coll.backend}" + (" (standing in for NCCL)" if coll.stand_in else "")
    lines = []
    if failed:
        culprits = ", ".join(map(str, coll.likely_culprits)) or "none singled out"
        lines.append(f"{style.mark('error')} {head}: failed on {len(failed)} rank(s); likely culprit: {culprits}")
        for entry in coll.ranks:
            lines.append(f"      rank {entry.rank}: {entry.status} at {entry.last_step or 'start'}"
                         + (f" — {entry.message.splitlines()[0][:160]}" if entry.message else ""))
        return lines
    mark = "warning" if coll.outliers else "ok"
    lines.append(f"{style.mark(mark)} {head}: all_reduce and all_gather correct on every rank "
                 f"({coll.seconds or 0:.2f} s)")
    if coll.note:
        lines.append(f"      {coll.note}")
    columns = [(item["op"], item["size"]) for item in coll.ranks[0].results] if coll.ranks else []
    if columns:
        header = "      rank  " + "  ".join(f"{op} {size}".rjust(17) for op, size in columns) + "   (busbw GB/s)"
        lines.append(header)
        for entry in coll.ranks:
            values = {(item["op"], item["size"]): item["busbw_gbps"] for item in entry.results}
            flag = "  ← slow" if entry.rank in coll.outliers else ""
            lines.append(f"      {entry.rank:<4}  " + "  ".join(f"{values.get(c, 0):17.3f}" for c in columns) + flag)
    return lines


def _markdown(report: PreflightReport) -> str:
    lines = [f"### cudacheck preflight: {report.line}", "",
             f"{report.launcher.get('kind')} · {report.world_size} ranks · run `{report.launcher.get('run_id')}`", "",
             "| Rank | Host | Status |", "|---|---|---|"]
    for result in report.ranks:
        lines.append(f"| {result.rank} | {result.host or '?'} | {cell(_rank_words(result))} |")
    lines.append("")
    lines += drift_markdown(report.drift)
    coll = report.collectives
    if coll.ran and coll.ranks and coll.ranks[0].results:
        columns = [(item["op"], item["size"]) for item in coll.ranks[0].results]
        lines += ["| Rank | " + " | ".join(f"{op} {size}" for op, size in columns) + " |",
                  "|---|" + "---|" * len(columns)]
        for entry in coll.ranks:
            values = {(item["op"], item["size"]): item["busbw_gbps"] for item in entry.results}
            lines.append(f"| {entry.rank} | " + " | ".join(f"{values.get(c, 0):.3f}" for c in columns) + " |")
        lines += ["", f"Bus bandwidth in GB/s (nccl-tests' busbw), backend {coll.backend}."
                  + (f" {coll.note}." if coll.note else ""), ""]
    for item in report.problems:
        lines.append(f"- {fleet_icon(item.severity)} `{item.code}` {item.title}" + (f": {cell(item.detail)}" if item.detail else ""))
    return "\n".join(lines) + "\n"
