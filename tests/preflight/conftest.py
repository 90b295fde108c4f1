"""Real runs of ``python -m cudacheck.preflight`` under ``torchrun`` (CPU torch, gloo standing in
for NCCL) and as Slurm-like tasks, each bounded by a wall-clock limit."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import pytest

BIN = Path(sys.executable).parent
QUICK = ["--gather-timeout", "20", "--barrier-timeout", "2", "--collective-timeout", "4", "--sizes", "64KiB,1MiB",
         "--iters", "2", "--warmup", "1"]
"""Small collectives, and deadlines short enough for a fault to be named quickly; the gather
deadline stays generous so a busy machine never makes a healthy rank look missing."""


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    report: Optional[dict]


def base_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CUDACHECK_", "FAKE_", "SLURM_", "TORCHELASTIC_"))}
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(name, None)
    env.update(extra or {})
    return env


def _communicate(process: subprocess.Popen, timeout: float):
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        out, err = process.communicate()
        pytest.fail(f"no answer within {timeout} s:\n{out[-3000:]}\n{err[-3000:]}")


def torchrun(tmp_path: Path, ranks: int, *args: str, env: Optional[Dict[str, str]] = None,
             timeout: float = 90) -> Run:
    runner = BIN / "torchrun"
    if not runner.exists():
        pytest.skip("torchrun is not installed")
    output = tmp_path / "preflight.json"
    command = [str(runner), "--standalone", "--nnodes", "1", "--nproc-per-node", str(ranks), "--max-restarts", "0",
               "-m", "cudacheck.preflight", "--allow-cpu", "--output", str(output), *args]
    process = subprocess.Popen(command, cwd=tmp_path, env=base_env(env), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    out, err = _communicate(process, timeout)
    report = json.loads(output.read_text(encoding="utf-8")) if output.exists() else None
    return Run(process.returncode, out, err, report)


def slurm_tasks(tmp_path: Path, ntasks: int, *args: str, timeout: float = 90) -> List[Run]:
    """``ntasks`` processes with the environment srun gives its tasks (one node, this host)."""
    processes = []
    job = str(40000 + os.getpid() % 9000)
    for rank in range(ntasks):
        env = base_env({"SLURM_PROCID": str(rank), "SLURM_NTASKS": str(ntasks), "SLURM_LOCALID": str(rank),
                        "SLURM_NODEID": "0", "SLURM_JOB_ID": job, "SLURM_STEP_ID": "0", "SLURM_JOB_NODELIST": "localhost",
                        "SLURM_TASKS_PER_NODE": str(ntasks)})
        output = tmp_path / f"preflight-{rank}.json"
        command = [sys.executable, "-m", "cudacheck.preflight", "--allow-cpu", "--output", str(output), *args]
        processes.append((subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, text=True, start_new_session=True), output))
    runs = []
    for process, output in processes:
        out, err = _communicate(process, timeout)
        report = json.loads(output.read_text(encoding="utf-8")) if output.exists() else None
        runs.append(Run(process.returncode, out, err, report))
    return runs


def problems(report: dict) -> Dict[str, List[List[int]]]:
    found: Dict[str, List[List[int]]] = {}
    for item in report["problems"]:
        found.setdefault(item["code"], []).append(item["ranks"])
    return found
