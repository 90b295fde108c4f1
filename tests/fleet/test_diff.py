"""`cudacheck diff`: what differs that matters, most consequential first; unknowns are not differences."""
from __future__ import annotations

import json

from cudacheck.fleet.diff import compare
from cudacheck.serialize import load_snapshot

from .conftest import SNAPSHOTS, node, run_cli, save

H100 = SNAPSHOTS / "h100_healthy_torch25_cu124.json"
A100_OLD = SNAPSHOTS / "a100_driver470_torch24_cu121.json"


def test_fixtures_differ_driver_first_then_torch_then_gpu():
    result = compare(load_snapshot(H100), load_snapshot(A100_OLD), "h100", "a100")
    areas = [d.area for d in result.differences]
    assert areas == sorted(areas, key=["driver", "torch", "libraries", "gpus", "health", "packages", "container",
                                       "platform"].index)
    first = result.differences[0]
    assert (first.key, first.a, first.b) == ("driver.version", "535.104.05", "470.82.01")
    by_key = {d.key: d for d in result.differences}
    assert by_key["driver.cuda"].severity == "error"  # CUDA 12.2 → 11.4: another major
    assert (by_key["torch.version"].a, by_key["torch.version"].b) == ("2.5.1+cu124", "2.4.1+cu121")
    assert by_key["gpus.compute_capability"].severity == "error"
    assert [f.code for f in result.only_b][:1] == ["CC210"] and not result.only_a
    assert result.matters


def test_the_same_machine_has_no_differences():
    snapshot = load_snapshot(H100)
    result = compare(snapshot, load_snapshot(H100))
    assert not result.differences and not result.only_a and not result.only_b and not result.matters
    assert result.identical > 5


def test_unknown_on_one_side_is_not_a_difference():
    full, partial = node(), node()
    partial.packages = None  # a quick-level snapshot: packages not probed
    partial.nvml.driver_version = None
    partial.nvml.status = None
    result = compare(full, partial)
    keys = {d.key for d in result.differences}
    assert "driver.version" not in keys and not any(k.startswith("packages.") for k in keys)
    assert {"driver.version", "packages.torchvision"} <= {u.key for u in result.unknown}


def test_health_and_extension_differences_are_named():
    good = node()
    bad = node(gpu_5={"remapped_rows_pending": True})
    bad.package("torchvision").version = "0.20.0"
    result = compare(good, bad, "good", "bad")
    by_key = {d.key: d for d in result.differences}
    assert by_key["health.gpus"].a == "ok" and "GPU 5: row remapping pending" in by_key["health.gpus"].b
    assert by_key["packages.torchvision"].severity == "error"
    assert {f.code for f in result.only_b} == {"CC306", "CC501"}  # torchvision 0.20 is not for torch 2.4


def test_nccl_major_drift_is_an_error_minor_a_warning():
    a, b, c = node(), node(), node()
    b.package("nvidia-nccl-cu12").version = "2.21.5"
    c.package("nvidia-nccl-cu12").version = "3.0.1"
    assert {d.key: d.severity for d in compare(a, b).differences}["wheels.nvidia-nccl-cu12"] == "warning"
    assert {d.key: d.severity for d in compare(a, c).differences}["wheels.nvidia-nccl-cu12"] == "error"


def test_cli_exit_codes_and_formats(tmp_path):
    out = run_cli("diff", str(H100), str(A100_OLD))
    assert out.returncode == 1, out.stderr
    assert out.stdout.index("driver") < out.stdout.index("torch built for CUDA") < out.stdout.index("GPU model")
    same = run_cli("diff", str(H100), str(H100), "--format", "json")
    assert same.returncode == 0
    data = json.loads(same.stdout)
    assert data["schema"] == "cudacheck.diff/1" and data["differences"] == []
    markdown = run_cli("diff", str(H100), str(A100_OLD), "--format", "markdown").stdout
    assert markdown.startswith("### cudacheck diff") and "| ❌ | NVIDIA driver |" in markdown


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    for args in ((str(H100), str(broken)), (str(H100), str(tmp_path / "missing.json"))):
        out = run_cli("diff", *args)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_diff_accepts_a_saved_report(tmp_path):
    report = run_cli("doctor", "--snapshot", str(A100_OLD), "--format", "json")
    saved = tmp_path / "report.json"
    saved.write_text(report.stdout, encoding="utf-8")
    out = run_cli("diff", str(A100_OLD), str(saved))
    assert out.returncode == 0, out.stdout
    assert "No differences that matter" in out.stdout
    assert save(tmp_path / "x.json", node()).exists()
