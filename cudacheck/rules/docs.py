"""Rule documentation generated from the rule docstrings: ``rules``, ``explain`` and docs/rules.md."""
from __future__ import annotations

import json
from typing import List

from ..errors import UsageError
from ..vocabulary import CATEGORY_MEANINGS, LAYER_TITLES
from .engine import closest_rules, load_rules
from .registry import SECTIONS, Rule, lookup


def rules_table() -> str:
    """One line per rule."""
    rules = load_rules()
    width = max(len(r.slug) for r in rules)
    return "\n".join(f"{r.code}  {r.slug.ljust(width)}  {r.severity:<7}  {r.category:<34} {r.summary}"
                     for r in rules)


def rules_json() -> str:
    """Every rule as JSON."""
    return json.dumps([{"code": r.code, "rule": r.slug, "category": r.category, "severity": r.severity,
                        "layer": r.layer, "summary": r.summary, "docs": r.docs_url,
                        **{name.lower().replace(" ", "_"): r.sections.get(name, "") for name in SECTIONS}}
                       for r in load_rules()], indent=2)


def explain(code_or_slug: str) -> str:
    """The full text of one rule; an unknown code is a UsageError with the closest matches."""
    load_rules()
    found = lookup(code_or_slug)
    if found is None:
        close = closest_rules(code_or_slug)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise UsageError(f"no rule {code_or_slug!r}{hint} (see `cudacheck rules`)")
    return _explain_text(found)


def _explain_text(rule_: Rule) -> str:
    lines = [f"{rule_.code} {rule_.slug} — {rule_.summary}",
             f"category: {rule_.category} ({CATEGORY_MEANINGS[rule_.category]}); default severity: "
             f"{rule_.severity}; layer: {LAYER_TITLES[rule_.layer]}", ""]
    for name in SECTIONS:
        lines += [f"{name}:", *("  " + line if line else "" for line in rule_.sections[name].splitlines()), ""]
    return "\n".join(lines).rstrip() + "\n"


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
