"""Fleet tests: CUDACHECK_* variables of the developer do not leak into what the commands judge."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "tests" / "data" / "snapshots"
DATA = Path(__file__).resolve().parent / "data"
CUDACHECK = Path(sys.executable).parent / "cudacheck"


@pytest.fixture(autouse=True)
def _no_developer_config(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("CUDACHECK_"):
            monkeypatch.delenv(name)


def node(driver: str = "550.54.14", cuda: str = "12.4", torch: str = "2.4.1+cu124", torch_cuda: str = "12.4",
         count: int = 8, name: str = "NVIDIA A100-SXM4-80GB", cc: str = "8.0", **gpu_facts):
    """A node as a DaemonSet snapshot would describe it: healthy unless told otherwise, e.g.
    ``gpu_3={"remapped_rows_pending": True}`` sets facts of GPU 3."""
    from cudacheck.testing import gpu, make_snapshot

    gpus = [gpu(name, cc, 81920, uuid=f"GPU-{i}", ecc_uncorrected_volatile=0, remapped_rows_pending=False,
                remapped_rows_failed=False, retired_pages_pending=False, lost=False) for i in range(count)]
    for index, facts in gpu_facts.items():
        for key, value in facts.items():
            setattr(gpus[int(index.split("_")[1])], key, value)
    return make_snapshot(driver=driver, cuda=cuda, gpus=gpus, torch=torch, torch_cuda=torch_cuda, shm_bytes=16 * 2**30,
                         packages={"torchvision": "0.19.1", "nvidia-nccl-cu12": "2.20.5"},
                         dev_nodes=["/dev/nvidia-uvm", "/dev/nvidia0", "/dev/nvidiactl"], cuda_init_code=0)


def save(path: Path, snapshot) -> Path:
    from cudacheck.serialize import dumps

    path.write_text(dumps(snapshot) + "\n", encoding="utf-8")
    return path


def run_cli(*args: str, cwd: Path = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUDACHECK_")}
    return subprocess.run([str(CUDACHECK), *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env)


def lines_with(text: str, needle: str) -> List[str]:
    return [line for line in text.splitlines() if needle in line]
