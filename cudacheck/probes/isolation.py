"""Run risky native calls in a child process with a deadline.

NVML init, cuInit and dlopen of CUDA libraries can hang forever on a wedged driver
or crash on a broken library. A thread cannot be abandoned safely; a child process
can: on timeout the parent kills it and, if the kernel holds it in an unkillable
state, simply stops waiting.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

CHILD_DIR = Path(__file__).resolve().parent / "children"


@dataclass
class ChildResult:
    """What a child process produced, or why it produced nothing."""

    status: str  # ok | timeout | crashed | error
    data: Optional[Dict[str, Any]] = None
    message: str = ""
    signal: Optional[int] = None
    seconds: float = 0.0


class Child:
    """A started child script whose JSON result is collected later (so several run at once)."""

    def __init__(self, script: str, args: Sequence[str] = (), env: Optional[Dict[str, str]] = None) -> None:
        self.started = time.monotonic()
        self.script = script
        self.process: Optional[subprocess.Popen] = None
        self.failure: Optional[str] = None
        command: List[str] = [sys.executable, "-X", "utf8", str(CHILD_DIR / script), *args]
        child_env = dict(os.environ if env is None else env)
        child_env["PYTHONDONTWRITEBYTECODE"] = "1"
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=child_env, start_new_session=True)
        except OSError as exc:
            self.failure = f"could not start {script}: {exc}"

    def result(self, deadline: float) -> ChildResult:
        """Wait until ``deadline`` (a ``time.monotonic()`` value) for the child's JSON."""
        if self.process is None:
            return ChildResult("error", message=self.failure or "not started")
        timeout = max(0.0, deadline - time.monotonic())
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._abandon()
            return ChildResult("timeout", message=f"no answer within {timeout:.1f} s",
                               seconds=time.monotonic() - self.started)
        seconds = time.monotonic() - self.started
        code = self.process.returncode
        if code < 0:
            number = -code
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = f"signal {number}"
            return ChildResult("crashed", message=f"crashed with {name} (signal {number})",
                               signal=number, seconds=seconds)
        try:
            data = json.loads(out.decode("utf-8", "replace") or "null")
        except ValueError:
            data = None
        if code != 0 or not isinstance(data, dict):
            tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {code}"]
            return ChildResult("error", data if isinstance(data, dict) else None,
                               message=tail[0][:300], seconds=seconds)
        return ChildResult("ok", data, seconds=seconds)

    def _abandon(self) -> None:
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except OSError:
            pass
        for stream in (self.process.stdout, self.process.stderr):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        try:  # reap if it died; a child stuck in the kernel is left behind, not waited for
            self.process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            pass


def run_child(script: str, args: Sequence[str] = (), timeout: float = 5.0,
              env: Optional[Dict[str, str]] = None) -> ChildResult:
    """Start ``script`` and wait at most ``timeout`` seconds for its JSON answer."""
    return Child(script, args, env).result(time.monotonic() + timeout)
