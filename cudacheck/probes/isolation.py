"""Run risky native calls in a child process with a deadline.

NVML init, cuInit and dlopen of CUDA libraries can hang forever on a wedged driver
or crash on a broken library. A thread cannot be abandoned safely; a child process
can: on timeout the parent kills it and, if the kernel holds it in an unkillable
state, simply stops waiting.

Children are self-contained scripts in ``children/`` that print one JSON object. By
default each runs in a fresh interpreter. A single-threaded CLI (``cudacheck
health``) may call :func:`prefer_fork` so children are forked instead, saving an
interpreter start per child; forking a multi-threaded process is unsafe, so a
library caller with threads always gets a fresh interpreter.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Dict, Iterator, Optional, Sequence

CHILD_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "children")
_PREFER_FORK = False
READ_GRACE = 0.05
"""A child that has already exited is still read after the deadline, for this long: one hung
child (NVML) must not turn a finished one (libcuda) into a timeout."""


def prefer_fork() -> None:
    """Fork children instead of starting interpreters (single-threaded callers only)."""
    global _PREFER_FORK
    _PREFER_FORK = True


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
        self.script = os.path.join(CHILD_DIR, script)
        self.failure: Optional[str] = None
        self.pid: Optional[int] = None
        self.process: Optional[subprocess.Popen] = None
        self._out = b""
        self._err = b""
        self._fd: Optional[int] = None
        can_fork = _PREFER_FORK and env is None and hasattr(os, "fork") and threading.active_count() == 1
        try:
            if can_fork:
                self._fork(list(args))
            else:
                self._spawn(list(args), env)
        except OSError as exc:
            self.failure = f"could not start {script}: {exc}"

    def _spawn(self, args: Sequence[str], env: Optional[Dict[str, str]]) -> None:
        child_env = dict(os.environ if env is None else env)
        child_env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, "-X", "utf8", self.script, *args], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env, start_new_session=True)
        self.pid = self.process.pid

    def _fork(self, args: Sequence[str]) -> None:
        read_fd, write_fd = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # child: run the script with stdout captured, then leave without cleanup
            status = 70
            try:
                os.close(read_fd)
                os.setsid()
                import io
                import runpy

                buffer = io.StringIO()
                sys.stdout = buffer
                sys.argv = [self.script, *args]
                runpy.run_path(self.script, run_name="__main__")
                payload = buffer.getvalue().encode("utf-8")
                while payload:
                    payload = payload[os.write(write_fd, payload):]
                status = 0
            finally:
                os._exit(status)
        os.close(write_fd)
        self.pid = pid
        self._fd = read_fd

    def result(self, deadline: float) -> ChildResult:
        """Wait until ``deadline`` (a ``time.monotonic()`` value) for the child's JSON."""
        if self.failure or self.pid is None:
            return ChildResult("error", message=self.failure or "not started")
        code = self._wait_spawned(deadline) if self.process is not None else self._wait_forked(deadline)
        seconds = time.monotonic() - self.started
        if code is None:
            self._abandon()
            return ChildResult("timeout", message=f"no answer within {seconds:.1f} s", seconds=seconds)
        if code < 0:
            number = -code
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = f"signal {number}"
            return ChildResult("crashed", message=f"crashed with {name} (signal {number})",
                               signal=number, seconds=seconds)
        try:
            data = json.loads(self._out.decode("utf-8", "replace") or "null")
        except ValueError:
            data = None
        if code != 0 or not isinstance(data, dict):
            tail = self._err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {code}"]
            return ChildResult("error", data if isinstance(data, dict) else None,
                               message=tail[0][:300], seconds=seconds)
        return ChildResult("ok", data, seconds=seconds)

    def _wait_spawned(self, deadline: float) -> Optional[int]:
        assert self.process is not None
        timeout = deadline - time.monotonic()
        if timeout <= 0 and self.process.poll() is not None:
            timeout = READ_GRACE
        try:
            self._out, self._err = self.process.communicate(timeout=max(0.0, timeout))
        except subprocess.TimeoutExpired:
            return None
        return self.process.returncode

    def _wait_forked(self, deadline: float) -> Optional[int]:
        assert self._fd is not None and self.pid is not None
        chunks = []
        exited: Optional[int] = None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 and exited is None:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if not pid:
                    return None
                exited = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
                deadline = time.monotonic() + READ_GRACE
                remaining = READ_GRACE
            ready, _, _ = select.select([self._fd], [], [], max(0.0, remaining))
            if not ready:
                return None
            chunk = os.read(self._fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        os.close(self._fd)
        self._fd = None
        self._out = b"".join(chunks)
        if exited is not None:
            return exited
        while True:  # output closed: the child is exiting; reap it within the deadline
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.001)

    def _abandon(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)  # type: ignore[arg-type]
        except OSError:
            pass
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self.process is not None:
            for stream in (self.process.stdout, self.process.stderr):
                try:
                    if stream:
                        stream.close()
                except OSError:
                    pass
        try:  # reap if it died; a child stuck in the kernel is left behind, not waited for
            for _ in range(20):
                if os.waitpid(self.pid, os.WNOHANG)[0]:  # type: ignore[arg-type]
                    break
                time.sleep(0.01)
        except ChildProcessError:
            pass


@contextmanager
def progress_file(prefix: str) -> Iterator[str]:
    """A temporary file a child logs its progress to (removed afterwards); "" when no temporary
    folder is writable — then a crash loses the partial facts, nothing else."""
    try:
        fd, path = tempfile.mkstemp(prefix=prefix, suffix=".jsonl")
        os.close(fd)
    except OSError:
        path = ""
    try:
        yield path
    finally:
        if path:
            try:
                os.unlink(path)
            except OSError:
                pass


def progress_events(path: str):
    """The JSON objects a child wrote, one per line, to its progress file; a line cut short by a
    crash is skipped. Children log progress so a crash or hang still leaves partial facts."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    yield event
    except OSError:
        return
