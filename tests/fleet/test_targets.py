"""What-if targets: parsing --target, fleet files (TOML, JSON, snapshots) and the generator
from Kubernetes node labels."""
from __future__ import annotations

import json

import pytest

from cudacheck.errors import UsageError
from cudacheck.fleet.k8s import node_facts, read_nodes, targets_from_nodes
from cudacheck.fleet.overlay import gpu_label
from cudacheck.fleet.targets import collect_targets, dump_targets, load_targets, parse_target

from .conftest import DATA, SNAPSHOTS, run_cli


def test_parse_target_keys():
    target = parse_target("driver=535.104.05, gpu=NVIDIA A100-SXM4-80GB, count=8, brand=tesla, name=a100-prod")
    assert (target.name, target.driver, target.gpu, target.count, target.brand) == \
        ("a100-prod", "535.104.05", "NVIDIA A100-SXM4-80GB", 8, "tesla")
    assert parse_target("gpu=8.0", 3).name == "target-3"
    assert target.describe() == "driver 535.104.05, 8 × NVIDIA A100-SXM4-80GB, brand tesla"


@pytest.mark.parametrize("spec, message", [
    ("driver=535,gpu=A100,colour=green", "unknown key 'colour'"),
    ("driver=five", "driver must be a version"),
    ("driver_cuda=12", "driver_cuda must be MAJOR.MINOR"),
    ("count=eight,gpu=A100", "count must be a whole number"),
    ("brand=tesla", "needs at least a driver"),
    ("driver", "expected KEY=VALUE"),
])
def test_parse_target_rejects(spec, message):
    with pytest.raises(UsageError, match=message):
        parse_target(spec)


def test_fleet_file_round_trip(tmp_path):
    targets = [parse_target("name=a,driver=535.104.05,gpu=A100,count=8"),
               parse_target("name=b,driver=570.86.15,gpu=NVIDIA GeForce RTX 5090,shm=64Mi")]
    targets[0].nodes = ["gpu-a-001", "gpu-a-002"]
    for fmt, suffix in (("toml", ".toml"), ("json", ".json")):
        path = tmp_path / f"fleet{suffix}"
        path.write_text(dump_targets(targets, fmt, header="generated for a test"), encoding="utf-8")
        again = load_targets(str(path))
        assert [(t.name, t.driver, t.gpu, t.count, t.shm, t.nodes) for t in again] == \
            [(t.name, t.driver, t.gpu, t.count, t.shm, t.nodes) for t in targets]


def test_a_snapshot_is_a_target():
    (target,) = load_targets(str(SNAPSHOTS / "a100_driver470_torch24_cu121.json"))
    assert target.driver == "470.82.01" and target.snapshot is not None and target.count == 1
    assert target.name == "a100_driver470_torch24_cu121"


def test_fleet_file_errors(tmp_path):
    bad = tmp_path / "fleet.toml"
    bad.write_text("[[target]]\nname = 'x'\ngpu = 'A100'\nspeed = 3\n", encoding="utf-8")
    with pytest.raises(UsageError, match="target 1: unknown key 'speed'"):
        load_targets(str(bad))
    bad.write_text("[[target]]\nname = 'x'\ndriver = '535.104.05'\n[[target]]\nname = 'x'\ngpu = 'A100'\n")
    with pytest.raises(UsageError, match="two targets are named 'x'"):
        load_targets(str(bad))
    bad.write_text("title = 'no targets here'\n")
    with pytest.raises(UsageError, match="no targets"):
        load_targets(str(bad))
    with pytest.raises(UsageError, match="no such file"):
        collect_targets([], [str(tmp_path / "nothing.toml")])


@pytest.mark.parametrize("label, base", [
    ("NVIDIA-H100-80GB-HBM3", "NVIDIA-H100-80GB-HBM3"),
    ("NVIDIA-H100-80GB-HBM3-SHARED", "NVIDIA-H100-80GB-HBM3"),
    ("NVIDIA-A100-SXM4-40GB-MIG-1g.5gb", "NVIDIA-A100-SXM4-40GB"),
    ("NVIDIA-A100-SXM4-40GB-MIG-3g.20gb-SHARED", "NVIDIA-A100-SXM4-40GB"),
])
def test_gfd_product_labels_lose_sharing_and_mig_suffixes(label, base):
    assert gpu_label(label) == base


def test_k8s_labels_new_deprecated_and_missing():
    nodes = read_nodes(str(DATA / "k8s_nodes.json"))
    facts = {n["metadata"]["name"]: node_facts(n["metadata"]["labels"]) for n in nodes}
    assert facts["gpu-h-001"]["driver"] == "570.124.06"  # from .major/.minor/.revision
    assert facts["gpu-old-001"]["driver"] == "470.82.01"  # deprecated nvidia.com/cuda.driver.*
    assert facts["gpu-old-001"]["driver_cuda"] == "11.4"
    assert facts["gpu-h-001"]["gpu"] == "NVIDIA-H100-80GB-HBM3"  # -SHARED dropped
    assert facts["gpu-mig-001"]["gpu"] == "NVIDIA-A100-SXM4-40GB" and facts["gpu-mig-001"]["cc"] == "8.0"
    assert facts["cpu-001"] is None


def test_k8s_nodes_group_into_targets():
    targets = targets_from_nodes(read_nodes(str(DATA / "k8s_nodes.json")))
    assert [t.name for t in targets][0] == "nvidia-a100-sxm4-80gb-535.104.05"  # the biggest group first
    first = targets[0]
    assert first.nodes == ["gpu-a-001", "gpu-a-002"] and first.count == 8 and first.driver_cuda == "12.2"
    assert len(targets) == 4 and sum(len(t.nodes) for t in targets) == 5  # the CPU node is not a target


def test_k8s_without_gfd_labels_is_a_usage_error(tmp_path):
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps({"kind": "List", "items": [{"metadata": {"name": "n", "labels": {}}}]}))
    with pytest.raises(UsageError, match="GPU Feature Discovery"):
        targets_from_nodes(read_nodes(str(path)))
    path.write_text(json.dumps({"kind": "Pod"}))
    with pytest.raises(UsageError, match="not a Kubernetes node list"):
        read_nodes(str(path))


def test_fleet_file_cli_writes_what_doctor_reads(tmp_path):
    out = run_cli("fleet-file", "--from-k8s", str(DATA / "k8s_nodes.json"), "-o", str(tmp_path / "fleet.toml"))
    assert out.returncode == 0, out.stderr
    targets = load_targets(str(tmp_path / "fleet.toml"))
    assert {t.name for t in targets} >= {"nvidia-a100-sxm4-80gb-535.104.05", "tesla-v100-sxm2-16gb-470.82.01"}
    as_json = run_cli("fleet-file", "--from-k8s", str(DATA / "k8s_nodes.json"), "--format", "json")
    assert json.loads(as_json.stdout)["target"][0]["nodes"] == ["gpu-a-001", "gpu-a-002"]
