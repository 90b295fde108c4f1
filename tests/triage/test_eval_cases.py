"""scripts/eval_cases.py: scoring, --if-present, --min-accuracy (on cases written here)."""
import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "eval_cases.py"


def run(*args, sets="cases"):
    return subprocess.run([sys.executable, str(SCRIPT), "--sets", sets, *args], capture_output=True, text=True)


def write_case(folder, name, root, inputs, secondary=None):
    case = {"source": {"repo": "example/example", "issue": 1}, "inputs": inputs, "root_cause": root}
    if secondary:
        case["secondary_causes"] = secondary
    (folder / f"case_{name}.json").write_text(json.dumps(case))


def test_missing_folder_with_if_present(tmp_path):
    result = run("--cases", str(tmp_path / "absent"), "--if-present")
    assert result.returncode == 0 and "skipped" in result.stdout


def test_missing_folder_without_if_present(tmp_path):
    assert run("--cases", str(tmp_path / "absent")).returncode == 2


def test_scores_and_joins_blocks(tmp_path):
    write_case(tmp_path, "001", "driver_too_old", {
        "nvidia_smi": "| NVIDIA-SMI 450.80.02   Driver Version: 450.80.02   CUDA Version: 11.0     |",
        "pip_list": "torch 2.3.1+cu121"})
    write_case(tmp_path, "002", "env_fine", {"error": "RuntimeError: CUDA error: device-side assert triggered"})
    write_case(tmp_path, "003", "gpu_health", {"error": "RuntimeError: No CUDA GPUs are available"},
               secondary=["no_gpu_visible"])
    write_case(tmp_path, "004", "nccl_mismatch", {"error": "RuntimeError: CUDA error: device-side assert triggered"})
    result = run("--cases", str(tmp_path), "-v")
    assert result.returncode == 0
    assert "accuracy: 3/4" in result.stdout
    assert "MISS case_004" in result.stdout and "CC830" in result.stdout  # -v lists the findings of a miss
    assert run("--cases", str(tmp_path), "--min-accuracy", "0.9").returncode == 1
    assert run("--cases", str(tmp_path), "--min-accuracy", "0.5").returncode == 0


def write_report(folder, name, root, text):
    folder.mkdir(parents=True, exist_ok=True)
    report = {"id": name, "inputs": {"error": text}, "root_cause": root, "secondary_causes": []}
    (folder / f"{name}.json").write_text(json.dumps(report))


def corpus(tmp_path):
    reports = tmp_path / "reports"
    write_report(reports / "dev", "owner__repo__1", "driver_too_old",
                 "| NVIDIA-SMI 450.80.02   Driver Version: 450.80.02   CUDA Version: 11.0     |\ntorch 2.3.1+cu121")
    write_report(reports / "dev", "owner__repo__2", "env_fine", "RuntimeError: CUDA error: device-side assert triggered")
    write_report(reports / "dev", "owner__repo__3", "env_fine",
                 "RuntimeError: The NVIDIA driver on your system is too old (found version 11040).")
    write_report(reports / "holdout", "secret__thread__9", "nccl_mismatch",
                 "RuntimeError: CUDA error: device-side assert triggered")
    write_report(reports / "holdout", "secret__thread__8", "env_fine", "RuntimeError: CUDA error: out of memory")
    return reports


def test_reports_per_set_categories_false_alarms_and_confusion(tmp_path):
    reports = corpus(tmp_path)
    result = run("--reports", str(reports), "-v", sets="dev,holdout")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[dev] accuracy: 2/3" in out
    assert "[dev] false alarms on healthy reports: 1/2 = 50.0%" in out
    assert "MISS owner__repo__3" in out  # -v names dev misses
    assert "confusion (dev)" in out and "env_fine" in out
    assert "[holdout] accuracy: 1/2" in out
    assert "nccl_mismatch" in out  # per-category counts are aggregate


def test_holdout_is_only_scored_in_aggregate(tmp_path):
    reports = corpus(tmp_path)
    result = run("--reports", str(reports), "-v", sets="holdout")
    assert "secret__thread" not in result.stdout + result.stderr
    assert "device-side assert" not in result.stdout
    assert "CC830" not in result.stdout  # no findings of a holdout report
    assert "confusion" not in result.stdout


def test_thresholds_per_set_and_false_alarms(tmp_path):
    reports = corpus(tmp_path)
    assert run("--reports", str(reports), "--min", "dev=0.6", sets="dev,holdout").returncode == 0
    assert run("--reports", str(reports), "--min", "dev=0.7", sets="dev,holdout").returncode == 1
    assert run("--reports", str(reports), "--min", "holdout=0.6", sets="dev,holdout").returncode == 1
    assert run("--reports", str(reports), "--max-false-alarms", "0.3", sets="dev,holdout").returncode == 1
    assert run("--reports", str(reports), "--max-false-alarms", "0.34", sets="dev,holdout").returncode == 0
    assert run("--reports", str(reports), "--min", "nonsense=1", sets="dev").returncode != 0


def test_unknown_set_is_bad_usage(tmp_path):
    assert run(sets="cases,everything").returncode == 2
