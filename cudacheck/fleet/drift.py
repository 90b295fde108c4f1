"""The drift table: which machines differ from the majority, and in what.

Rows are facts, columns are the distinct values, cells are the machines that have
that value. Only facts with two or more known values appear; a healthy fleet has no
rows. A machine whose value is unknown is listed as such and never counted as drift.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from .facts import AREA_RANK, Fact, MachineFacts, difference_severity


@dataclass
class DriftValue:
    """One value of a drifting fact and the machines that have it."""

    value: str
    machines: List[str]


@dataclass
class DriftRow:
    """One fact whose known value is not the same everywhere."""

    key: str
    area: str
    label: str
    severity: str
    majority: Optional[str]  # None when no value is held by more machines than every other
    values: List[DriftValue]  # the majority first, then by count
    unknown: List[str] = field(default_factory=list)

    @property
    def minority(self) -> List[str]:
        """The machines whose value is not the majority's (all of them when there is no majority)."""
        return [name for value in self.values if value.value != self.majority for name in value.machines]


def drift(machines: Sequence[Tuple[str, MachineFacts]]) -> List[DriftRow]:
    """Drift rows for named machines, most consequential first."""
    templates: Dict[str, Fact] = {}
    for _, facts in machines:
        for key, fact in facts.facts.items():
            templates.setdefault(key, fact)
    rows: List[DriftRow] = []
    for key, template in templates.items():
        by_value: Dict[str, List[str]] = {}
        unknown: List[str] = []
        for name, facts in machines:
            value = facts.value(key)
            if value is None:
                unknown.append(name)
            else:
                by_value.setdefault(value, []).append(name)
        if len(by_value) < 2:
            continue
        ordered = sorted(by_value.items(), key=lambda item: (-len(item[1]), item[0]))
        majority = ordered[0][0] if len(ordered[0][1]) > len(ordered[1][1]) else None
        rows.append(DriftRow(key, template.area, template.label, difference_severity(template, list(by_value)),
                             majority, [DriftValue(value, names) for value, names in ordered], unknown))
    rows.sort(key=lambda row: AREA_RANK.get(row.area, 99))  # stable: within an area, the facts' own order
    return rows
