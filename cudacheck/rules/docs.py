"""Rule documentation generated from the rule docstrings: ``rules``, ``explain`` and docs/rules.md."""
from __future__ import annotations

import json
from typing import List, Optional

from ..errors import UsageError
from ..vocabulary import CATEGORY_MEANINGS, LAYER_TITLES
from .engine import closest_rules, load_rules
from .registry import SECTIONS, Rule, lookup


def rules_table(width: Optional[int] = None) -> str:
    """Two lines per rule, fitted to ``width`` (default: the terminal's): code, severity, slug
    and category, then what it checks.

    ``CC201  error    gpu-arch-not-in-build · arch_not_in_build`` — every first line fits
    100 columns; the summary wraps under it.
    """
    from ..render.wrap import fit_line, terminal_width

    width = width or terminal_width()
    lines: List[str] = []
    for r in load_rules():
        lines += fit_line(f"{r.code}  {r.severity:<7}  {r.slug} · {r.category}", width, 16)
        lines += fit_line(f"       {r.summary}", width, 7)
    return "\n".join(lines)


def rules_json() -> str:
    """Every rule as JSON."""
    return json.dumps([{"code": r.code, "rule": r.slug, "category": r.category, "severity": r.severity,
                        "layer": r.layer, "summary": r.summary, "docs": r.docs_url,
                        **{name.lower().replace(" ", "_"): r.sections.get(name, "") for name in SECTIONS}}
                       for r in load_rules()], indent=2)


def explain(code_or_slug: str, width: Optional[int] = None) -> str:
    """The full text of one rule; an unknown code is a UsageError with the closest matches."""
    load_rules()
    found = lookup(code_or_slug)
    if found is None:
        close = closest_rules(code_or_slug)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise UsageError(f"no rule {code_or_slug!r}{hint} (see `cudacheck rules`)")
    from ..render.wrap import terminal_width

    return _explain_text(found, width or terminal_width())


def _explain_text(rule_: Rule, width: int) -> str:
    """The rule's text with each paragraph of its sections re-flowed to ``width``."""
    from ..render.wrap import fit_line

    lines = fit_line(f"{rule_.code} {rule_.slug} — {rule_.summary}", width, 2)
    lines += fit_line(f"category: {rule_.category} ({CATEGORY_MEANINGS[rule_.category]}); default severity: "
                      f"{rule_.severity}; layer: {LAYER_TITLES[rule_.layer]}", width, 2)
    lines.append("")
    for name in SECTIONS:
        lines.append(f"{name}:")
        for paragraph in rule_.sections[name].split("\n\n"):
            lines += fit_line("  " + " ".join(paragraph.split()), width, 2) if paragraph.strip() else []
            lines.append("")
    return "\n".join(line for line in lines).rstrip() + "\n"


def rules_markdown() -> str:
    """docs/rules.md: generated; a test fails when the committed file is stale."""
    rules = load_rules()
    lines: List[str] = [
        "# Rules", "",
        "<!-- Generated from the rule docstrings by `python -m cudacheck.rules.docs > docs/rules.md`. "
        "Do not edit by hand. -->", "",
        "Every finding names its rule by a stable code and slug. `cudacheck rules` lists them, "
        "`cudacheck explain CODE` prints one.", "",
        "| Code | Rule | Category | Severity | Checks |", "|---|---|---|---|---|",
    ]
    lines += [f"| [{r.code}](#{r.code.lower()}-{r.slug}) | `{r.slug}` | `{r.category}` | {r.severity} | {r.summary} |"
              for r in rules]
    for r in rules:
        lines += ["", f"## {r.code} {r.slug}", "", r.summary, "",
                  f"- Category: `{r.category}` — {CATEGORY_MEANINGS[r.category]}",
                  f"- Default severity: {r.severity}", f"- Layer: {LAYER_TITLES[r.layer]}", ""]
        for name in SECTIONS:
            lines += [f"**{name}.** " + " ".join(r.sections[name].split()), ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(rules_markdown(), end="")
