"""`cudacheck fleet`: the drift table names the machines that differ from the majority; findings
are grouped by rule across machines; unknowns never count as drift."""
from __future__ import annotations

import json

import pytest

from cudacheck.fleet.drift import drift
from cudacheck.fleet.facts import MachineFacts
from cudacheck.fleet.loading import Machine, load_machines
from cudacheck.fleet.survey import survey

from .conftest import node, run_cli, save


def fleet_of(**odd):
    """Six A100 nodes; ``odd`` replaces some of them by name."""
    machines = {f"gpu-{i:03d}": node() for i in range(1, 7)}
    machines.update(odd)
    return [Machine(name, f"{name}.json", snapshot) for name, snapshot in machines.items()]


def test_a_healthy_fleet_has_no_drift_and_no_findings():
    result = survey(fleet_of())
    assert result.drift == [] and result.findings == []
    assert result.summary.status == "ok" and result.summary.machines == 6
    assert result.summary.line == "6 machines, none with errors, no drift."


def test_drift_names_the_minority_and_its_values():
    result = survey(fleet_of(**{"gpu-004": node(driver="535.104.05", cuda="12.2"),
                                "gpu-006": node(torch="2.4.0+cu121", torch_cuda="12.1")}))
    rows = {row.key: row for row in result.drift}
    assert rows["driver.version"].majority == "550.54.14" and rows["driver.version"].minority == ["gpu-004"]
    assert rows["driver.version"].severity == "warning"
    assert rows["torch.version"].minority == ["gpu-006"] and rows["torch.version"].severity == "error"
    assert [row.area for row in result.drift][0] == "driver"  # the most consequential area first
    assert result.summary.status == "errors"  # torch drift is an error-level difference


def test_findings_are_grouped_by_rule_and_health_is_per_node():
    result = survey(fleet_of(**{"gpu-002": node(gpu_3={"remapped_rows_pending": True}),
                                "gpu-005": node(gpu_0={"ecc_uncorrected_volatile": 4})}))
    (group,) = [g for g in result.findings if g.code == "CC501"]
    assert group.machines == ["gpu-002", "gpu-005"] and group.severity == "error"
    health = {row.key: row for row in result.drift}["health.gpus"]
    assert health.majority == "ok" and sorted(health.minority) == ["gpu-002", "gpu-005"]
    assert result.summary.with_errors == 2


def test_unknown_values_are_listed_not_counted():
    quick = node()
    quick.packages = None
    result = survey(fleet_of(**{"gpu-003": quick, "gpu-004": node(torch="2.5.1+cu124")}))
    rows = {row.key: row for row in result.drift}
    assert "packages.torchvision" not in rows  # unknown on gpu-003, the same everywhere else
    assert rows["torch.version"].minority == ["gpu-004"]


def test_no_majority_is_said_as_such():
    machines = [("a", MachineFacts(node(driver="550.54.14"))), ("b", MachineFacts(node(driver="535.104.05")))]
    (row,) = [r for r in drift(machines) if r.key == "driver.version"]
    assert row.majority is None and sorted(row.minority) == ["a", "b"]


def test_cli_over_a_folder_with_an_unreadable_file(tmp_path):
    for machine in fleet_of(**{"gpu-002": node(driver="535.104.05", cuda="12.2")}):
        save(tmp_path / f"{machine.name}.json", machine.snapshot)
    (tmp_path / "gpu-099.json").write_text('{"half": ', encoding="utf-8")  # a node was writing when collected
    out = run_cli("fleet", str(tmp_path))
    assert out.returncode == 1, out.stderr
    assert "535.104.05  [differs, 1] gpu-002" in out.stdout
    assert "gpu-099.json: not JSON" in out.stdout
    data = json.loads(run_cli("fleet", str(tmp_path), "--format", "json").stdout)
    assert data["schema"] == "cudacheck.fleet/1" and data["summary"]["unreadable"] == 1
    assert {row["key"]: row["minority"] for row in data["drift"]}["driver.version"] == ["gpu-002"]
    markdown = run_cli("fleet", str(tmp_path), "--format", "markdown").stdout
    assert markdown.startswith("### cudacheck fleet:") and "| ⚠️ | NVIDIA driver: driver | 550.54.14 (5) |" in markdown


def test_cli_exit_0_for_a_healthy_folder_and_2_for_nothing_to_read(tmp_path):
    for machine in fleet_of():
        save(tmp_path / f"{machine.name}.json", machine.snapshot)
    assert run_cli("fleet", str(tmp_path)).returncode == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    out = run_cli("fleet", str(empty))
    assert out.returncode == 2 and "no *.json files" in out.stderr
    (empty / "x.json").write_text("[]", encoding="utf-8")
    out = run_cli("fleet", str(empty / "x.json"))
    assert out.returncode == 2 and "not a cudacheck snapshot" in out.stderr


def test_same_stem_in_two_folders_keeps_both_names(tmp_path):
    for zone in ("zone-a", "zone-b"):
        (tmp_path / zone).mkdir()
        save(tmp_path / zone / "node-1.json", node())
    machines, unreadable = load_machines([str(tmp_path)])
    assert sorted(m.name for m in machines) == ["zone-a/node-1", "zone-b/node-1"] and not unreadable


def test_a_preflight_report_counts_one_machine_per_rank(tmp_path):
    from cudacheck import check
    from dataclasses import asdict as to_dict

    ranks = []
    for rank, driver in enumerate(("550.54.14", "550.54.14", "535.104.05")):
        report = to_dict(check(node(driver=driver, cuda="12.4")))
        ranks.append({"rank": rank, "host": "gpu-a", "status": "ok", "report": report})
    ranks.append({"rank": 3, "host": None, "status": "not_started", "report": None})
    path = tmp_path / "preflight.json"
    path.write_text(json.dumps({"schema": "cudacheck.preflight/1", "ranks": ranks}), encoding="utf-8")
    machines, unreadable = load_machines([str(path)])
    assert [m.name for m in machines] == ["gpu-a/rank0", "gpu-a/rank1", "gpu-a/rank2"] and not unreadable
    rows = {row.key: row for row in survey(machines).drift}
    assert rows["driver.version"].minority == ["gpu-a/rank2"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_renderers_name_every_finding_group(fmt):
    from cudacheck.fleet.render import render_fleet

    result = survey(fleet_of(**{"gpu-002": node(gpu_3={"remapped_rows_pending": True})}))
    assert "CC501" in render_fleet(result, fmt)
