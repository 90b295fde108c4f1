"""The development and holdout reports are well formed: the scorer reads each one the same way.

This checks form only (ids, categories, inputs, sources, no secret left in a pasted block); the
holdout reports' contents are never read while changing triage, and nothing here judges them.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cudacheck.redact import redact
from cudacheck.vocabulary import CATEGORIES

REPORTS = Path(__file__).resolve().parents[1] / "data" / "reports"
FILES = sorted(REPORTS.glob("*/*.json"))
LABELS = set(CATEGORIES) | {"env_fine"}


def test_there_are_reports_in_both_sets():
    assert len(list(REPORTS.glob("dev/*.json"))) >= 200 and len(list(REPORTS.glob("holdout/*.json"))) >= 100


def test_no_thread_is_in_both_sets():
    dev = {path.name for path in REPORTS.glob("dev/*.json")}
    assert not dev & {path.name for path in REPORTS.glob("holdout/*.json")}


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_a_report_is_well_formed(path):
    report = json.loads(path.read_text(encoding="utf-8"))
    assert report["id"] == path.stem
    assert report["root_cause"] in LABELS and set(report.get("secondary_causes") or []) <= LABELS
    assert report["source"]["url"].startswith("https://github.com/")
    inputs = report["inputs"]
    assert inputs and all(isinstance(text, str) and text.strip() for text in inputs.values())
    assert all(redact(text) == text for text in inputs.values()), "a secret left in a pasted block"
