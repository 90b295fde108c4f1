"""Generated documentation stays in step with the code."""
from pathlib import Path

import pytest

from cudacheck.errors import UsageError
from cudacheck.rules.docs import explain, rules_markdown
from cudacheck.rules.engine import load_rules
from cudacheck.rules.registry import SECTIONS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_rules_md_is_generated_from_the_docstrings():
    committed = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), "docs/rules.md is stale: run `make docs`"


def test_every_rule_explains_its_own_sections():
    for rule in load_rules():
        text = " ".join(explain(rule.code, width=10_000).split())  # one line per paragraph: compare the words
        assert text.startswith(f"{rule.code} {rule.slug} — {rule.summary}"), rule.code
        for name in SECTIONS:
            assert rule.sections[name].strip(), (rule.code, name)  # a section written, not just its heading
            assert f"{name}: {' '.join(rule.sections[name].split()[:8])}" in text, (rule.code, name)
        assert explain(rule.slug, width=10_000) == explain(rule.code, width=10_000)


def test_an_unknown_rule_names_the_closest():
    with pytest.raises(UsageError, match=r"no rule 'CC21'; closest: CC210"):
        explain("CC21")
