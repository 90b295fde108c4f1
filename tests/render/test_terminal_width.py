"""Every command whose output is text fits an 80-column terminal (COLUMNS=80), in a UTF-8 and
in a Latin-1 output encoding: no line is longer than 80 characters except a line that holds
one unbreakable thing — a command to copy (``pip install … --index-url …``) or a single token."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "tests" / "data" / "snapshots"
A100 = str(SNAPSHOTS / "a100_driver470_torch24_cu121.json")
RTX5090 = str(SNAPSHOTS / "rtx5090_torch26_cu124.json")
H100 = str(SNAPSHOTS / "h100_healthy_torch25_cu124.json")
PASTE = str(sorted((REPO / "tests" / "data" / "reports" / "dev").glob("*.json"))[2])
COMMAND_STARTS = ("pip ", "pip3 ", "python -m ", "python -c ", "docker ", "conda ", "uv ", "export ", "$ ",
                  "kubectl ", "sudo ")

COMMANDS = [
    ["doctor"], ["doctor", "-v"], ["doctor", "--snapshot", A100, "-v"], ["doctor", "--snapshot", RTX5090, "-v"],
    ["doctor", "--snapshot", H100, "-v", "--strict"],
    ["doctor", "--snapshot", RTX5090, "--target", "driver=535.104.05,gpu=A100,count=8"],
    ["health"], ["rules"], ["explain", "CC201"], ["explain", "CC818"],
    ["compat", "cuda", "12.4"], ["compat", "gpu", "4090"], ["compat", "gpu", "RTX 6000"],
    ["compat", "torch", "2.8.0"], ["compat", "nccl", "2.21.5"],
    ["compat", "plan", "--driver", "535.104.05", "--gpu", "A100"],
    ["triage", PASTE, "-v"], ["kernels"], ["kernels", "--gpu", "8.6", "--gpu", "9.0", "--gpu", "12.0"],
    ["diff", A100, H100], ["fleet", str(SNAPSHOTS), "-v"],
    ["--help"], ["doctor", "--help"], ["compat", "--help"], ["kernels", "--help"], ["health", "--help"],
]


def unbreakable(line: str) -> bool:
    """A line the renderers may not break: a command to copy, or one token."""
    content = line.strip()
    return content.startswith(COMMAND_STARTS) or " " not in content


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(Path(a).name for a in argv)[:50])
def test_text_output_fits_80_columns(argv, encoding):
    env = dict(os.environ, COLUMNS="80", PYTHONIOENCODING=encoding, NO_COLOR="1")
    result = subprocess.run([sys.executable, "-m", "cudacheck", *argv], capture_output=True, env=env, timeout=120)
    assert result.returncode in (0, 1), result.stderr.decode(encoding)[-500:]
    assert b"Traceback" not in result.stderr
    text = result.stdout.decode(encoding) + result.stderr.decode(encoding)
    too_long = [line for line in text.splitlines() if len(line) > 80 and not unbreakable(line)]
    assert not too_long, "\n".join(too_long)


def test_the_rules_table_fits_100_columns_and_keeps_every_rule():
    from cudacheck.rules.docs import rules_table
    from cudacheck.rules.engine import load_rules

    table = rules_table(width=100)
    assert max(len(line) for line in table.splitlines()) <= 100
    for rule_ in load_rules():
        assert f"{rule_.code}  {rule_.severity:<7}  {rule_.slug} · {rule_.category}" in table
    assert max(len(line) for line in rules_table(width=80).splitlines()) <= 80


def test_the_kernels_table_fits_by_merging_gpu_columns_then_by_blocks():
    from cudacheck.kernels.table import render_text

    gpus = [{"label": f"GPU {i} NVIDIA GeForce RTX 4090", "compute_capability": "8.9", "sm": "sm_89"}
            for i in range(4)]
    row = {"package": "flash_attn", "package_version": "2.8.3", "library": "flash_attn_2_cuda.cpython-311.so",
           "main_sass": ["sm_80", "sm_90"], "main_ptx": [], "sass": ["sm_80", "sm_90"], "ptx": [],
           "cudart": "shared", "cudart_major": 12, "torch_abi": "cxx", "cxx11_abi": True,
           "missing_torch_symbols_count": 0,
           "verdicts": {g["label"]: {"verdict": "runs", "text": "runs"} for g in gpus}}
    torch_row = dict(row, package="torch", package_version="2.4.1+cu124", library="torch/lib/libtorch_cuda.so",
                     main_sass=["sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"], main_ptx=["compute_90"],
                     verdicts={g["label"]: {"verdict": "runs", "text": "runs"} for g in gpus})
    view = {"torch": {"version": "2.4.1+cu124", "cuda": "12.4"}, "gpus": gpus, "driver_cuda": "12.4",
            "binaries": [torch_row, row], "files_checked": 40, "probe_errors": [], "environment": None}
    wide = render_text(view, width=400)
    assert "GPUs: 4× NVIDIA GeForce RTX 4090 (sm_89) · driver CUDA 12.4" in wide
    header = next(line for line in wide.splitlines() if line.startswith("package"))
    assert header.endswith("GPU 2 NVIDIA GeForce RTX 4090  GPU 3 NVIDIA GeForce RTX 4090")  # a column per GPU
    narrow = render_text(view, width=100)
    assert max(len(line) for line in narrow.splitlines()) <= 100
    assert "runs on" in narrow and "all: runs" in narrow and "libtorch_cuda.so" in narrow
    tight = render_text(view, width=80)
    assert max(len(line) for line in tight.splitlines()) <= 80
    assert "runs on: all: runs" in tight and "SASS sm_50 sm_60 sm_70" in tight
    row["verdicts"]["GPU 2 NVIDIA GeForce RTX 4090"] = {"verdict": "none", "text": "no kernels"}
    assert "GPU 0 runs; GPU 1 runs; GPU 2 no kernels; GPU 3 runs" in render_text(view, width=100)
