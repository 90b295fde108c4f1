"""Generated documentation stays in step with the code."""
from pathlib import Path

from cudacheck.rules.docs import rules_markdown
from cudacheck.rules.engine import load_rules

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_rules_md_is_generated_from_the_docstrings():
    committed = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), "docs/rules.md is stale: run `make docs`"


def test_every_rule_is_documented_and_explained():
    from cudacheck.rules.docs import explain

    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    for rule in load_rules():
        assert f"## {rule.code} {rule.slug}" in text
        assert all(section in explain(rule.code) for section in ("What it checks", "Why it matters", "How to fix"))
