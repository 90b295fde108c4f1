"""The rule registry: each rule is a unit with a stable code, slug, category, layer and a
docstring with *What it checks / Why it matters / How to fix* (the source of
``cudacheck explain``, ``cudacheck rules`` and ``docs/rules.md``)."""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional

from ..report import DOCS_BASE, Finding
from ..vocabulary import CATEGORIES, LAYERS, Category, Layer, Severity

SECTIONS = ("What it checks", "Why it matters", "How to fix")


@dataclass
class Rule:
    """One check: a pure function of a RuleContext that yields findings."""

    code: str
    slug: str
    category: Category
    layer: Layer
    severity: Severity
    check: Callable[..., Iterable[Finding]]
    doc: str = ""
    sections: Dict[str, str] = field(default_factory=dict)
    symptom: bool = False  # folded into a finding of the same category from another rule

    @property
    def summary(self) -> str:
        """The first line of the docstring."""
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.slug

    @property
    def docs_url(self) -> str:
        return f"{DOCS_BASE}#{self.code.lower()}-{self.slug}"


REGISTRY: Dict[str, Rule] = {}


def _sections(doc: str) -> Dict[str, str]:
    found: Dict[str, str] = {}
    pattern = re.compile(r"^(%s):\s*$" % "|".join(map(re.escape, SECTIONS)), re.MULTILINE)
    matches = list(pattern.finditer(doc))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(doc)
        found[match.group(1)] = inspect.cleandoc(doc[match.end():end])
    return found


def rule(code: str, slug: str, category: Category, layer: Layer, severity: Severity = "error",
         symptom: bool = False) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Register a rule function; its docstring must carry the three sections.

    A ``symptom`` rule reports what was observed (a failed CUDA init, an error line);
    when another rule names a cause of the same category, the symptom is attached to it.
    """
    if category not in CATEGORIES:
        raise ValueError(f"{code}: unknown category {category!r}")
    if layer not in LAYERS:
        raise ValueError(f"{code}: unknown layer {layer!r}")

    def register(function: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        doc = inspect.cleandoc(function.__doc__ or "")
        sections = _sections(doc)
        missing = [name for name in SECTIONS if name not in sections]
        if missing:
            raise ValueError(f"{code}: docstring lacks section(s) {', '.join(missing)}")
        if code in REGISTRY or any(r.slug == slug for r in REGISTRY.values()):
            raise ValueError(f"duplicate rule {code} / {slug}")
        REGISTRY[code] = Rule(code, slug, category, layer, severity, function, doc, sections, symptom)
        return function

    return register


def finding(rule_: Rule, title: str, *, detail: str = "", remedy: str = "",
            evidence: Optional[List[str]] = None, severity: Optional[Severity] = None,
            category: Optional[Category] = None, certainty: str = "confirmed", layer: Optional[Layer] = None) -> Finding:
    """A Finding stamped with its rule's code, slug, category, layer and docs link (``layer``
    overrides the rule's for a rule that reports on whichever area a fact belongs to)."""
    if layer is not None and layer not in LAYERS:
        raise ValueError(f"{rule_.code}: unknown layer {layer!r}")
    return Finding(code=rule_.code, rule=rule_.slug, category=category or rule_.category,
                   severity=severity or rule_.severity, title=title, detail=detail,
                   remedy=remedy, evidence=list(evidence or []), docs=rule_.docs_url,
                   layer=layer or rule_.layer, certainty=certainty)


def lookup(code_or_slug: str) -> Optional[Rule]:
    """A rule by code (case-insensitive) or slug."""
    key = code_or_slug.strip()
    return REGISTRY.get(key.upper()) or next((r for r in REGISTRY.values() if r.slug == key.lower()), None)
