"""The job's key-value store, under one key prefix per run and attempt.

torchrun's agent store (or the one rank 0 starts) is reachable before any process
group exists, so a rank's report arrives even when collectives would hang, and a rank
that never writes is named. Values are JSON text; reads never block (``check`` first),
so every wait has its own deadline.
"""
from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any, Callable, Dict, Iterable, Optional

from .launch import Launch

POLL = 0.02


def key_prefix(launch: Launch) -> str:
    """``cudacheck/preflight/<run id>/<attempt>/``: a restarted job never reads an old attempt's keys."""
    return f"cudacheck/preflight/{launch.run_id}/{launch.attempt}/"


def open_store(launch: Launch, timeout: float, *, host: Optional[bool] = None) -> Any:
    """A TCPStore client (or the server, on the rank that hosts it); imports torch.distributed."""
    from torch.distributed import TCPStore

    is_master = launch.host_store if host is None else host
    kwargs: Dict[str, Any] = {"is_master": is_master, "timeout": timedelta(seconds=max(1.0, timeout))}
    if is_master:
        kwargs["wait_for_workers"] = False
    return TCPStore(launch.master_addr, launch.master_port, **kwargs)


class RunStore:
    """JSON values under this run's prefix."""

    def __init__(self, store: Any, prefix: str) -> None:
        self.store = store
        self.prefix = prefix

    def set(self, key: str, value: Any) -> None:
        self.store.set(self.prefix + key, json.dumps(value))

    def get(self, key: str) -> Optional[Any]:
        """The value, or None when the key is not (yet) there."""
        full = self.prefix + key
        if not self.store.check([full]):
            return None
        return json.loads(self.store.get(full).decode("utf-8"))

    def add(self, key: str, amount: int = 1) -> int:
        return int(self.store.add(self.prefix + key, amount))

    def wait(self, key: str, deadline: float, stop: Optional[Callable[[], bool]] = None) -> Optional[Any]:
        """Poll until ``key`` appears, ``deadline`` (monotonic) passes, or ``stop()`` is true."""
        while True:
            value = self.get(key)
            if value is not None or time.monotonic() >= deadline or (stop is not None and stop()):
                return value
            time.sleep(POLL)

    def gather(self, keys: Iterable[str], counter: str, expected: int, deadline: float) -> Dict[str, Any]:
        """Wait until ``counter`` reaches ``expected`` or ``deadline``, then read whichever keys exist."""
        while self.add(counter, 0) < expected and time.monotonic() < deadline:
            time.sleep(POLL)
        found = {}
        for key in keys:
            value = self.get(key)
            if value is not None:
                found[key] = value
        return found
