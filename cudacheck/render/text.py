"""The doctor view: facts and findings grouped by layer, ✓ / ! / ✗, ``?`` for an area that
could not be checked and ``–`` for one known to hold nothing, remedies under problems, what
the deep probe found, and one summary line at the end.

Everything is fitted to the terminal's width (80 when the output is not a terminal): text
breaks only between words, and commands keep lines of their own (:mod:`.wrap`).
"""
from __future__ import annotations

from typing import List, Optional

from ..redact import redact
from ..report import Finding, Report
from ..vocabulary import LAYER_TITLES
from .facts import area_status, deep_lines, environment_line, gpu_lines, layer_facts, requirements_text
from .style import Style, detect
from .wrap import fit_line, is_command, terminal_width


class _Lines:
    """Lines fitted to a width, in the style's characters, painted after fitting."""

    def __init__(self, style: Style, width: int) -> None:
        self.style = style
        self.width = width
        self.lines: List[str] = []

    def text(self, value: str) -> str:
        value = redact(value)  # before wrapping: a secret split over two lines would not be recognised
        return value if self.style.unicode else to_ascii(value)

    def add(self, text: str, indent: int = 0, hang: Optional[int] = None, prefix: str = "",
            painted: Optional[str] = None, paint: Optional[str] = None) -> None:
        """``text`` after ``indent`` spaces and ``prefix`` (shown as ``painted``), continuation
        lines at ``hang`` (default: where the text starts)."""
        start = indent + len(prefix)
        pieces = fit_line(" " * start + self.text(text), self.width, start if hang is None else hang)
        for number, piece in enumerate(pieces):
            if number == 0 and prefix:
                piece = " " * indent + (painted if painted is not None else prefix) + piece[start:]
            self.lines.append(self.style.paint(piece, paint) if paint else piece)

    def blank(self) -> None:
        self.lines.append("")


def render(report: Report, verbose: bool = False, style: Optional[Style] = None, width: Optional[int] = None,
           **_: object) -> str:
    """Human-readable report, at most ``width`` columns (default: the terminal's) except for
    tokens that cannot break (a command, a URL)."""
    style = style or detect()
    out = _Lines(style, width or terminal_width())
    snapshot = report.snapshot
    facts = layer_facts(snapshot)
    header = f"cudacheck {report.cudacheck_version} · {snapshot.source}"
    if snapshot.level:
        header += f" · {snapshot.level} probe"
    header += f" · compat data {report.compat_data}"
    out.add(header, paint="bold")
    environment = environment_line(snapshot)
    if environment:
        out.add(environment, hang=2)
    out.blank()
    title_width = max(len(title) for title in LAYER_TITLES.values())
    fact_column = style.mark_width + 1 + title_width + 2
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
        status = area_status(findings, area)
        prefix = f"{style.mark(status, paint=False)} {title.ljust(title_width)}  "
        out.add(fact, prefix=prefix, painted=f"{style.mark(status)} {title.ljust(title_width)}  ",
                hang=fact_column)
        if layer == "gpus" and verbose:
            for line in gpu_lines(snapshot.nvml.gpus):
                out.add(line, indent=4, hang=6)
        if layer == "torch" and snapshot.deep is not None:
            for line in deep_lines(snapshot.deep):
                out.add(f"{style.arrow()} deep: {line}", indent=4, hang=6)
        for finding in findings:
            if finding.severity == "info" and not verbose:
                _title(out, finding, style)
                continue
            _finding(out, finding, style, verbose)
    if verbose and snapshot.probe_errors:
        out.blank()
        out.add("Probe errors:")
        for error in snapshot.probe_errors:
            out.add(f"{error.probe}: {error.kind}: {error.message}", indent=4, hang=6)
    if verbose and report.ignored:
        out.blank()
        out.add(f"Ignored ({_selection(report)}):")
        for finding in report.ignored:
            _title(out, finding, style)
    out.blank()
    summary_status = {"errors": "error", "warnings": "warning", "ok": "ok"}[report.summary.status]
    if summary_status == "ok" and report.summary.unchecked:
        summary_status = "unknown"
    out.add(report.summary.line, paint=summary_status)
    return "\n".join(out.lines)


def _selection(report: Report) -> str:
    return "; ".join(f"{name} {', '.join(values)}" for name, values in report.rule_selection.items()) or "policy"


_ASCII = str.maketrans({"≤": "<=", "≥": ">=", "—": "-", "–": "-", "·": "-", "“": '"', "”": '"', "‘": "'",
                        "’": "'", "…": "...", "°": " deg", "×": "x", "→": "->", "✓": "[ok]", "✗": "[x]"})


def to_ascii(text: str) -> str:
    """Plain ASCII for terminals that cannot encode UTF-8: common symbols spelled out, the rest '?'."""
    return text.translate(_ASCII).encode("ascii", "replace").decode("ascii")


def _title(out: _Lines, finding: Finding, style: Style) -> None:
    certainty = "" if finding.certainty == "confirmed" else f" ({finding.certainty})"
    mark = "info" if finding.severity == "info" else finding.severity
    out.add(f"{finding.title}{certainty} [{finding.code}]", indent=4,
            prefix=style.mark(mark, paint=False) + " ", painted=style.mark(mark) + " ")


def _finding(out: _Lines, finding: Finding, style: Style, verbose: bool) -> None:
    _title(out, finding, style)
    if finding.detail:
        for paragraph in redact(finding.detail).splitlines():  # whole: a PEM block spans lines
            out.add(paragraph.strip(), indent=6)
    if finding.remedy:
        remedy = redact(finding.remedy).splitlines()
        label = f"{style.arrow()} fix: "
        if is_command(remedy[0].strip()) and 6 + len(label) + len(out.text(remedy[0])) > out.width:
            # a command that cannot follow the label on one line gets a line of its own, whole, to copy
            out.lines.append(" " * 6 + style.paint(label.rstrip(), "bold"))
            out.add(remedy[0].strip(), indent=8, hang=10)
        else:
            out.add(remedy[0], indent=6, prefix=label, painted=style.paint(label.rstrip(), "bold") + " ", hang=8)
        for line in remedy[1:]:
            depth = 8 + len(line) - len(line.lstrip(" "))
            out.add(line.strip(), indent=depth, hang=depth + 2 if is_command(line.strip()) else depth)
    if verbose:
        out.add(f"docs: {finding.docs}", indent=6)
