"""The collective test, run in a child of each rank (forked once torch is imported).

The child joins a fresh process group through the job's store (NCCL on the rank's GPU;
gloo on the CPU when it stands in for NCCL), proves the collectives compute the right
thing (all_reduce of ``rank+1`` sums to ``n(n+1)/2``; all_gather returns every rank's
value in rank order), then times all_reduce and all_gather per size. Before each step
it writes a progress marker to the store, so when the rank kills it at its deadline
the marker still says how far it got (a marker names the step being entered): the rank that got least far is the likely culprit.
"""
from __future__ import annotations

import functools
import os
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, List, Optional

from .bandwidth import bandwidths, size_label
from .faults import hang

OPS = ("all_reduce", "all_gather")
GO_POLL = 0.02


@dataclass
class CollectiveConfig:
    """What the rank tells its collective child."""

    rank: int
    world_size: int
    local_rank: int
    sizes: List[int]
    warmup: int
    iters: int
    timeout: float  # the process group's own timeout, below the rank's deadline for the child
    faults: List[str] = field(default_factory=list)


def _nothing() -> None:
    """Synchronising a CPU (gloo) device: there is nothing to wait for."""


def steps(sizes: List[int]) -> List[str]:
    """Every progress marker in order; a marker's index is how far a rank got."""
    return (["started", "waiting", "joining", "joined", "verifying"]
            + [f"{op}:{size_label(size)}" for size in sizes for op in OPS] + ["done"])


@dataclass
class OpResult:
    """One timed operation on one rank."""

    op: str
    size: str  # the size asked for, "256MiB"
    size_bytes: int  # the bytes moved: the size rounded down to a multiple of 4 × ranks
    iters: int
    time_ms: float
    algbw_gbps: float
    busbw_gbps: float


def run(config: CollectiveConfig, run_store: Any, parent: int,
        settings: Callable[[Dict[str, Any]], Dict[str, Any]]) -> int:
    """The child's whole life; returns its exit status (results and errors go to the store).

    ``settings(go)`` turns rank 0's go message (the backend it chose) into sizes and iterations."""
    rank = config.rank
    mark_key = f"coll/mark/{rank}"
    state = {"step": "started"}

    def mark(step: str) -> None:
        state["step"] = step
        run_store.set(mark_key, step)

    mark("started")
    mark("waiting")
    go = _wait_go(run_store, parent)
    if not go or not go.get("go"):
        return 0
    for name, value in settings(go).items():
        setattr(config, name, value)
    if "hang-collective" in config.faults:
        hang()
    try:
        mark("joining")
        result = _measure(config, run_store, go.get("backend", "gloo"), mark)
        mark("done")
        run_store.set(f"coll/result/{rank}", result)
        return 0
    except Exception as exc:  # reported through the store; the rank decides what it means
        run_store.set(f"coll/result/{rank}", {"error": f"{type(exc).__name__}: {exc}"[:2000], "step": state["step"]})
        return 1


def _wait_go(run_store: Any, parent: int) -> Optional[Dict[str, Any]]:
    """Rank 0's go (or skip), or None once the rank that started this child is gone."""
    while True:
        go = run_store.get("coll/go")
        if go is not None:
            return go
        if os.getppid() != parent:
            return None
        time.sleep(GO_POLL)


def _measure(config: CollectiveConfig, run_store: Any, backend: str, mark) -> Dict[str, Any]:
    import datetime

    import torch
    import torch.distributed as dist

    n, rank = config.world_size, config.rank
    if backend == "nccl":
        if not torch.cuda.is_available():
            raise RuntimeError("NCCL was chosen but torch.cuda.is_available() is False in this rank")
        torch.cuda.set_device(config.local_rank)
        device = torch.device("cuda", config.local_rank)
        sync: Callable[[], None] = torch.cuda.synchronize
    else:
        device = torch.device("cpu")
        sync = _nothing
    prefix = torch.distributed.PrefixStore(run_store.prefix + "coll/pg/", run_store.store)
    dist.init_process_group(backend, store=prefix, rank=rank, world_size=n,
                            timeout=datetime.timedelta(seconds=max(1.0, config.timeout)))
    mark("joined")
    if "hang-collective-op" in config.faults:
        hang()
    mark("verifying")
    correct = _verify(dist, torch, device, n, rank, sync)
    results: List[OpResult] = []
    gather = getattr(dist, "all_gather_single", None) or getattr(dist, "all_gather_into_tensor", None)
    for size in config.sizes:
        for op in OPS:
            mark(f"{op}:{size_label(size)}")
            per_rank = max(1, size // 4 // n)
            call: Callable[[], object]
            if op == "all_reduce":
                tensor = torch.ones(per_rank * n, dtype=torch.float32, device=device)
                call = functools.partial(dist.all_reduce, tensor)
            else:
                source = torch.ones(per_rank, dtype=torch.float32, device=device)
                output = torch.empty(per_rank * n, dtype=torch.float32, device=device)
                chunks = list(output.chunk(n))
                call = functools.partial(gather, output, source) if gather is not None else \
                    functools.partial(dist.all_gather, chunks, source)
            for _ in range(config.warmup):
                call()
            sync()
            dist.barrier()
            started = time.perf_counter()
            for _ in range(config.iters):
                call()
            sync()
            seconds = (time.perf_counter() - started) / config.iters
            moved = per_rank * n * 4
            algbw, busbw = bandwidths(op, moved, seconds, n)
            results.append(OpResult(op, size_label(size), moved, config.iters, round(seconds * 1e3, 4), round(algbw, 4),
                                    round(busbw, 4)))
            del call
    return {"backend": backend, "device": str(device), "correct": correct, "results": [asdict(r) for r in results]}


def _verify(dist: Any, torch: Any, device: Any, n: int, rank: int, sync) -> Dict[str, bool]:
    """all_reduce and all_gather compute the right values (silent corruption shows here)."""
    value = torch.full((1024,), float(rank + 1), dtype=torch.float32, device=device)
    dist.all_reduce(value)
    sync()
    reduce_ok = bool(torch.all(value == n * (n + 1) / 2).item())
    mine = torch.full((256,), float(rank), dtype=torch.float32, device=device)
    parts = [torch.empty(256, dtype=torch.float32, device=device) for _ in range(n)]
    dist.all_gather(parts, mine)
    sync()
    gather_ok = all(bool(torch.all(part == float(index)).item()) for index, part in enumerate(parts))
    return {"all_reduce": reduce_ok, "all_gather": gather_ok}
