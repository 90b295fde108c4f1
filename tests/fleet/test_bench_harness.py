"""benchmarks/bench_fleet.py: the generated fleet is realistic enough that the drift table finds
exactly the nodes made to differ (no timing here: budgets are judged by the benchmark)."""
from __future__ import annotations

import importlib.util
import sys

from cudacheck.fleet.loading import load_machines
from cudacheck.fleet.survey import survey

from .conftest import REPO


def load_benchmark():
    spec = importlib.util.spec_from_file_location("_bench_fleet", REPO / "benchmarks" / "bench_fleet.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_generated_fleet_drifts_where_it_was_made_to(tmp_path):
    odd = load_benchmark().make_fleet(tmp_path, 120)
    machines, unreadable = load_machines([str(tmp_path)])
    assert len(machines) == 120 and not unreadable
    result = survey(machines)
    rows = {row.key: sorted(row.minority) for row in result.drift}
    assert rows["driver.version"] == odd["driver"] and rows["health.gpus"] == odd["health"]
    assert rows["torch.version"] == odd["torch"]
    assert {g.code: sorted(g.machines) for g in result.findings}["CC501"] == odd["health"]
