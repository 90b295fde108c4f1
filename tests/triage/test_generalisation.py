"""Generalisation: pasted reports written apart from the acceptance cases get the right
first diagnosis (see generalisation_samples.py)."""
import pytest

from cudacheck.triage import triage
from generalisation_samples import SAMPLES

NAMES = [name for name, _, _ in SAMPLES]


def test_names_are_unique_and_categories_known():
    from cudacheck.vocabulary import CATEGORY_RANK
    assert len(NAMES) == len(set(NAMES))
    for name, _, expected in SAMPLES:
        assert expected, name
        for category in expected:
            assert category == "env_fine" or category in CATEGORY_RANK, (name, category)


@pytest.mark.parametrize("name,text,expected", SAMPLES, ids=NAMES)
def test_generalisation_sample(name, text, expected):
    report = triage(text)
    codes = [(f.code, f.severity, f.category) for f in report.findings]
    if expected == ("env_fine",):
        assert not report.errors(), [(f.code, f.title) for f in report.errors()]
        return
    first = next((f for f in report.findings if f.severity in ("error", "warning")), None)
    assert first is not None, codes
    assert first.category in expected, (first.code, first.title, codes)
