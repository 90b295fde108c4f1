"""benchmarks/: the harness works (no timing is asserted here; budgets are judged by the
benchmark itself, on a quiet machine, never as a test)."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from types import ModuleType

import pytest

from .conftest import BENCHMARKS


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


def test_paste_is_realistic_and_sized() -> None:
    paste = load("paste")
    text = paste.make_paste(2**20)
    size = len(text.encode("utf-8"))
    assert 2**20 <= size < 2**20 + 8192
    for marker in ("Collecting environment information...", "PyTorch version: ", "CUDA used to build PyTorch:",
                   "NVIDIA-SMI ", "Driver Version:", "KMD Version:", "CUDA UMD Version:", "Traceback (most recent",
                   "no kernel image is available", "found version 11040", "libcudnn_cnn_infer.so.8",
                   "undefined symbol: ncclCommRegister", "Bus error", "> ", "```", "docker run --gpus all"):
        assert marker in text, marker
    assert len(set(paste.block(i) for i in range(60))) == 60  # blocks differ
    assert paste.make_paste(4096) == paste.make_paste(4096)  # deterministic


def test_quantile_and_importtime_parser() -> None:
    bench = load("bench_cli")
    assert bench.quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9) == 10
    assert bench.quantile([5.0], 0.9) == 5.0
    rows = bench.parse_importtime("import time: self [us] | cumulative | imported package\n"
                                  "import time:       120 |        120 |   _io\n"
                                  "import time:      2000 |       5000 | cudacheck.rules.engine\n")
    assert rows == [("_io", 120, 120, 1), ("cudacheck.rules.engine", 2000, 5000, 0)]
    assert bench.group_of("cudacheck.rules.engine") == "cudacheck.rules"
    assert bench.group_of("json.decoder") == "stdlib"
    assert bench.group_of("pynvml") == "pynvml"


def test_targets_are_judged_from_medians() -> None:
    bench = load("bench_cli")
    runs = {"cudacheck health": bench.Runs(wall=[0.1] * 5, cpu=[0.1] * 5, rss=[20 * 2**20] * 5, codes=[0] * 5),
            "cudacheck doctor": bench.Runs(wall=[0.5] * 5, cpu=[0.5] * 5, rss=[60 * 2**20] * 5, codes=[0] * 5),
            "collect_env": bench.Runs(wall=[2.0] * 5, cpu=[2.0] * 5, rss=[200 * 2**20] * 5, codes=[0] * 5)}
    commands = [bench.Command(name, []) for name in runs] + \
        [bench.Command("cudacheck triage (1024 KiB)", [], available=False, note="not here")]
    targets = {(t["command"], t["metric"]): t["result"] for t in bench.judge(commands, runs, 2**20)}
    assert targets[("cudacheck health", "wall")] == "PASS"        # 1/20
    assert targets[("cudacheck health", "peak RSS")] == "PASS"    # 20 MiB
    assert targets[("cudacheck doctor", "wall")] == "MISS"        # 1/4 > 1/6
    assert targets[("cudacheck doctor", "peak RSS")] == "MISS"    # 60/200 > 1/4
    assert targets[("cudacheck triage (1024 KiB)", "wall")] == "n/a"


def test_run_once_measures_the_command_itself() -> None:
    bench = load("bench_cli")
    wall, cpu, rss, code = bench.run_once([sys.executable, "-c", "import sys; sys.exit(3)"], {}, ".")
    assert code == 3 and wall > 0 and cpu > 0
    big = bench.run_once([sys.executable, "-c", "x = bytearray(64 * 2**20); x[::4096] = b'1' * len(x[::4096])"],
                         {}, ".")
    assert big[2] >= 64 * 2**20 > rss


def test_bench_smoke_json(tmp_path) -> None:
    out = subprocess.run([sys.executable, str(BENCHMARKS / "bench_cli.py"), "--rounds", "1", "--warmup", "0",
                          "--only", "health", "--json", "--quiet"], capture_output=True, text=True, timeout=300,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    (health,) = data["commands"]
    assert health["name"] == "cudacheck health" and len(health["runs"]["wall"]) == 1
    assert health["runs"]["codes"][0] in (0, 1)
    assert data["machine"]["cpus"] >= 1
    assert {t["metric"] for t in data["targets"] if t["command"] == "cudacheck health"} == {"wall", "peak RSS"}


@pytest.mark.slow
def test_importtime_mode(tmp_path) -> None:
    out = subprocess.run([sys.executable, str(BENCHMARKS / "bench_cli.py"), "--importtime", "--importtime-runs", "1",
                          "--json"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    labels = [item["label"] for item in data["breakdowns"]]
    assert labels[0].startswith("cudacheck health") and any("pytest_plugin" in label for label in labels)
    assert data["breakdowns"][0]["top_cumulative"]
    assert data["health_phases_s"]
