"""scripts/eval_cases.py: scoring, --if-present, --min-accuracy (on cases written here)."""
import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "eval_cases.py"


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True)


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
