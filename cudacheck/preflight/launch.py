"""Who am I in this job: the rank, the world, and where the job's key-value store is.

Detected in order: ``torchrun`` (``TORCHELASTIC_RUN_ID``: the agent already runs a
TCPStore at ``MASTER_ADDR:MASTER_PORT`` when ``TORCHELASTIC_USE_AGENT_STORE=True``),
Slurm (``SLURM_PROCID``: rank 0 hosts the store, on the first host of the step's node
list unless ``MASTER_ADDR`` says otherwise), a plain ``RANK``/``WORLD_SIZE``/
``MASTER_ADDR``/``MASTER_PORT`` environment (a Kubernetes PyTorchJob without torchrun:
rank 0 hosts the store), else a single process.
"""
from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass
from typing import Mapping, Optional

from ..errors import UsageError

DEFAULT_PORT = 29500


@dataclass
class Launch:
    """This process's place in the job."""

    kind: str  # torchrun | slurm | env | single
    rank: int
    world_size: int
    local_rank: int
    local_world_size: int
    node_rank: Optional[int]
    master_addr: str
    master_port: int
    host_store: bool  # this process starts the store (rank 0 when no launcher runs one)
    run_id: str
    attempt: int
    error_file: Optional[str]
    host: str


def detect(environ: Optional[Mapping[str, str]] = None, run_id: Optional[str] = None) -> Launch:
    """The launch this process runs under (see the module docstring)."""
    env = os.environ if environ is None else environ
    host = socket.gethostname()
    if env.get("TORCHELASTIC_RUN_ID") is not None and "RANK" in env:
        rank = _int(env, "RANK")
        agent_store = env.get("TORCHELASTIC_USE_AGENT_STORE", "").lower() == "true"
        return Launch("torchrun", rank, _int(env, "WORLD_SIZE"), _int(env, "LOCAL_RANK", 0),
                      _int(env, "LOCAL_WORLD_SIZE", 1), _opt_int(env, "GROUP_RANK"),
                      env.get("MASTER_ADDR", "127.0.0.1"), _int(env, "MASTER_PORT", DEFAULT_PORT),
                      host_store=rank == 0 and not agent_store, run_id=run_id or env["TORCHELASTIC_RUN_ID"],
                      attempt=_int(env, "TORCHELASTIC_RESTART_COUNT", 0),
                      error_file=env.get("TORCHELASTIC_ERROR_FILE") or None, host=host)
    if "SLURM_PROCID" in env:
        rank = _int(env, "SLURM_PROCID")
        job = env.get("SLURM_JOB_ID", "0")
        nodelist = env.get("SLURM_STEP_NODELIST") or env.get("SLURM_JOB_NODELIST") or ""
        addr = env.get("MASTER_ADDR") or first_host(nodelist) or "127.0.0.1"
        port = _int(env, "MASTER_PORT") if "MASTER_PORT" in env else 20000 + (int(job) if job.isdigit() else 0) % 10000
        return Launch("slurm", rank, _int(env, "SLURM_NTASKS", _int(env, "SLURM_NPROCS", 1)),
                      _int(env, "SLURM_LOCALID", 0), tasks_on_node(env.get("SLURM_TASKS_PER_NODE")),
                      _opt_int(env, "SLURM_NODEID"), addr, port, host_store=rank == 0,
                      run_id=run_id or f"slurm-{job}.{env.get('SLURM_STEP_ID', '0')}",
                      attempt=_int(env, "SLURM_RESTART_COUNT", 0), error_file=None, host=host)
    if all(name in env for name in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")):
        rank = _int(env, "RANK")
        return Launch("env", rank, _int(env, "WORLD_SIZE"), _int(env, "LOCAL_RANK", 0),
                      _int(env, "LOCAL_WORLD_SIZE", 1), _opt_int(env, "GROUP_RANK"), env["MASTER_ADDR"],
                      _int(env, "MASTER_PORT"), host_store=rank == 0,
                      run_id=run_id or f"{env['MASTER_ADDR']}-{env['MASTER_PORT']}", attempt=0,
                      error_file=env.get("TORCHELASTIC_ERROR_FILE") or None, host=host)
    return Launch("single", 0, 1, 0, 1, 0, "127.0.0.1", free_port(), host_store=True,
                  run_id=run_id or f"single-{os.getpid()}", attempt=0, error_file=None, host=host)


def first_host(nodelist: str) -> Optional[str]:
    """The first host of a Slurm node list: ``gpu-[001-004,007],login1`` → ``gpu-001``."""
    text = nodelist.strip()
    if not text:
        return None
    depth, end = 0, len(text)
    for position, char in enumerate(text):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            end = position
            break
    first = text[:end]
    match = re.match(r"^([^\[]*)\[([^\]]*)\](.*)$", first)
    if not match:
        return first
    prefix, ranges, suffix = match.groups()
    return prefix + ranges.split(",")[0].split("-")[0] + suffix


def tasks_on_node(value: Optional[str]) -> int:
    """``SLURM_TASKS_PER_NODE`` (``4(x2),3``) → the first node's task count."""
    match = re.match(r"^\s*(\d+)", value or "")
    return int(match.group(1)) if match else 1


def own_device(local_rank: int, visible: Optional[str]) -> str:
    """The ``CUDA_VISIBLE_DEVICES`` entry that ``cuda:LOCAL_RANK`` refers to ("" when there is none)."""
    if visible is None:
        return str(local_rank)
    entries = [entry.strip() for entry in visible.split(",") if entry.strip()]
    return entries[local_rank] if local_rank < len(entries) else ""


def check_visible_devices(launch: Launch, environ: Optional[Mapping[str, str]] = None,
                          dev_dir: str = "/dev") -> Optional[str]:
    """The ``CUDA_VISIBLE_DEVICES`` a rank's check should see: only the GPU the rank will use, when
    several ranks share a node that has NVIDIA devices; None to leave the variable as it is."""
    env = os.environ if environ is None else environ
    if launch.local_world_size <= 1:
        return None
    try:
        has_gpus = any(re.fullmatch(r"nvidia\d+", name) for name in os.listdir(dev_dir))
    except OSError:
        has_gpus = False
    if not has_gpus and "CUDA_VISIBLE_DEVICES" not in env:
        return None  # a dry run on a machine without GPUs: nothing to narrow
    return own_device(launch.local_rank, env.get("CUDA_VISIBLE_DEVICES"))


def free_port() -> int:
    """A TCP port free on this host right now (for a single-process run's own store)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _int(env: Mapping[str, str], name: str, default: Optional[int] = None) -> int:
    value = env.get(name)
    if value is None or value == "":
        if default is None:
            raise UsageError(f"{name} is not set (the launcher's environment is incomplete)")
        return default
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"{name}={value!r} is not a number") from None


def _opt_int(env: Mapping[str, str], name: str) -> Optional[int]:
    value = env.get(name)
    return int(value) if value and value.isdigit() else None
