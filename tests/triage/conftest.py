"""Rules raise instead of reporting their own bugs as findings while under test."""
import pytest

from cudacheck.rules import engine


@pytest.fixture(autouse=True)
def _rules_raise(monkeypatch):
    monkeypatch.setattr(engine, "RAISE_RULE_ERRORS", True)
