"""Saved snapshots replay to the expected diagnosis (and survive a JSON round trip)."""
from pathlib import Path

import pytest

from cudacheck import check
from cudacheck.serialize import dumps, load_snapshot, snapshot_from_dict

SNAPSHOTS = Path(__file__).resolve().parent / "data" / "snapshots"


@pytest.mark.parametrize("name, first, errors", [
    ("rtx5090_torch26_cu124", "CC201", 1),
    ("a100_driver470_torch24_cu121", "CC210", 1),
    ("h100_healthy_torch25_cu124", None, 0),
])
def test_replay(name, first, errors):
    report = check(load_snapshot(SNAPSHOTS / f"{name}.json"))
    assert report.summary.errors == errors
    if first:
        assert report.findings[0].code == first


def test_round_trip_is_lossless():
    import json

    for path in SNAPSHOTS.glob("*.json"):
        snapshot = load_snapshot(path)
        again = snapshot_from_dict(json.loads(dumps(snapshot)))
        assert again == snapshot
