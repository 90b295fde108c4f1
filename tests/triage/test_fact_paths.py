"""Triage sets facts by typed paths (``lambda s: s.nvml.driver_version``): a name the Snapshot
does not have fails at once, in every importer, instead of silently setting nothing."""
from __future__ import annotations

import re
from pathlib import Path
from typing import get_type_hints

import pytest

import cudacheck.triage
from cudacheck.compat.db import default_db
from cudacheck.snapshot import LibrariesFacts, Snapshot
from cudacheck.fact_paths import dataclass_of
from cudacheck.triage.facts import PROSE, REPORTED, TOOL, Facts, Sections, fact_path

TRIAGE = Path(cudacheck.triage.__file__).resolve().parent
WRITTEN = re.compile(r"lambda s: (s(?:\.[a-z_]+)+)")


def test_a_path_is_read_from_the_function():
    assert fact_path(lambda s: s.nvml.driver_version) == ("nvml", "driver_version")
    assert fact_path(lambda s: s.container.shm) == ("container", "shm")


@pytest.mark.parametrize("where, message", [
    (lambda s: s.nvml.driver_versoin, "nvml has no fact 'driver_versoin'"),
    (lambda s: s.nvlm.driver_version, "Snapshot has no fact 'nvlm'"),
    (lambda s: s.container.shm.size_byte, "container.shm has no fact 'size_byte'"),
])
def test_a_typo_fails_naming_it(where, message):
    with pytest.raises(AttributeError, match=re.escape(message)):
        fact_path(where)


def test_a_section_is_not_a_fact():
    with pytest.raises(TypeError):
        fact_path(lambda s: s.nvml)


def test_every_path_written_in_triage_names_a_fact():
    written = {match for path in TRIAGE.rglob("*.py") for match in WRITTEN.findall(path.read_text(encoding="utf-8"))}
    assert len(written) > 25
    for text in sorted(written):
        fact_path(eval(f"lambda s: {text}"))  # noqa: S307  (the text is the repository's own source)


def test_the_sections_are_the_snapshots():
    hints = get_type_hints(Snapshot)
    for name, kind in get_type_hints(Sections).items():
        assert dataclass_of(hints[name]) is kind, name


def test_priority_first_value_wins_and_a_missing_section_is_created():
    facts = Facts(db=default_db())
    assert facts.snapshot.libraries is None and not facts.known(lambda s: s.libraries.nvcc_version)
    assert facts.set(lambda s: s.libraries.nvcc_version, "12.1", PROSE)
    assert isinstance(facts.snapshot.libraries, LibrariesFacts) and facts.snapshot.libraries.nvcc_version == "12.1"
    assert facts.set(lambda s: s.libraries.nvcc_version, "12.4", TOOL)  # a tool's output beats a sentence
    assert not facts.set(lambda s: s.libraries.nvcc_version, "11.8", REPORTED)
    assert not facts.set(lambda s: s.nvml.driver_version, "", TOOL) and not facts.set(lambda s: s.nvml.driver_version, None, TOOL)
    assert facts.snapshot.libraries.nvcc_version == "12.4" and facts.known(lambda s: s.libraries.nvcc_version)
