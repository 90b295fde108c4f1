"""Run risky native calls in a child process with a deadline.

NVML init, cuInit and dlopen of CUDA libraries can hang forever on a wedged driver
or crash on a broken library. A thread cannot be abandoned safely; a child process
can: at its deadline the parent kills its process group and reaps it. Only a child
the kernel holds in an uninterruptible state survives SIGKILL; the parent then stops
waiting, and the child's result says so (it may outlive cudacheck). Every child still
running is killed by :func:`stop_all`, which the CLI and ``health``'s watchdog call
before they exit. A forked child holds none of the parent's descriptors (its standard
streams are ``/dev/null``), so even a child that survives never keeps the caller's
stdout open (``cudacheck health | cat`` ends).

Children are self-contained scripts in ``children/`` that print one JSON object (they may
import their siblings there, never cudacheck). By
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

KILL_GRACE = 0.5
"""After SIGKILL, how long to wait for the kernel to let a child go before giving up on it."""

CHILD_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "children")
_PREFER_FORK = False
READ_GRACE = 0.05
"""A child that has already exited is still read after the deadline, for this long: one hung
child (NVML) must not turn a finished one (libcuda) into a timeout."""


_RUNNING: Dict[int, "Child"] = {}
"""Children started and not yet reaped, by pid."""


def stop_all(grace: float = KILL_GRACE) -> None:
    """Kill and reap every child still running (the caller is about to exit)."""
    for child in list(_RUNNING.values()):
        child.stop(grace)


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

    def __init__(self, script: str, args: Sequence[str] = (), env: Optional[Dict[str, str]] = None, *,
                 python: Optional[str] = None, isolated: bool = False) -> None:
        """Start ``children/<script>``; ``python`` runs it with another interpreter (then always
        as a new process), ``isolated`` with ``-E -s`` (no ``PYTHON*`` variables, no user site:
        ``-I`` without the flag every Python knows)."""
        self.started = time.monotonic()
        self.script = os.path.join(CHILD_DIR, script)
        self.python = python or sys.executable
        self.isolated = isolated
        self.failure: Optional[str] = None
        self.pid: Optional[int] = None
        self.process: Optional[subprocess.Popen] = None
        self._out = b""
        self._err = b""
        self._fd: Optional[int] = None
        self._reaped = False  # waited for: its pid may belong to another process by now
        can_fork = (_PREFER_FORK and env is None and python is None and not isolated and hasattr(os, "fork")
                    and threading.active_count() == 1)
        try:
            if can_fork:
                self._fork(list(args))
            else:
                self._spawn(list(args), env)
        except OSError as exc:
            self.failure = f"could not start {script}: {exc}"
        if self.pid is not None:
            _RUNNING[self.pid] = self

    def _spawn(self, args: Sequence[str], env: Optional[Dict[str, str]]) -> None:
        child_env = dict(os.environ if env is None else env)
        child_env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.process = subprocess.Popen(
            [self.python, *(["-E", "-s"] if self.isolated else ["-X", "utf8"]), self.script, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env, start_new_session=True)
        self.pid = self.process.pid

    def _fork(self, args: Sequence[str]) -> None:
        read_fd, write_fd = os.pipe()
        if write_fd <= 2:  # a standard descriptor was closed: keep the result pipe clear of 0-2
            import fcntl

            moved = fcntl.fcntl(write_fd, fcntl.F_DUPFD, 3)
            os.close(write_fd)
            write_fd = moved
        for stream in (sys.stdout, sys.stderr):
            try:
                if stream is not None:
                    stream.flush()  # the child must not inherit (and never writes) pending output
            except (OSError, ValueError):
                pass
        pid = os.fork()
        if pid == 0:  # child: run the script with stdout captured, then leave without cleanup
            status = 70
            try:
                _detach_descriptors(keep=write_fd)
                os.setsid()
                import io
                import runpy

                buffer = io.StringIO()
                sys.stdout = buffer
                sys.argv = [self.script, *args]
                sys.path.insert(0, os.path.dirname(self.script))  # as for a script: its siblings import
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
            survivor = self.stop()
            message = f"no answer within {seconds:.1f} s"
            if survivor:
                message += f"; {survivor}"
            return ChildResult("timeout", message=message, seconds=seconds)
        _RUNNING.pop(self.pid, None)
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
                self._reaped = True
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
                self._reaped = True
                return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.001)

    def stop(self, grace: float = KILL_GRACE) -> str:
        """Kill the child's process group and reap it within ``grace`` seconds.

        Returns "" once it is gone, or a sentence for the report when the kernel would not
        let it go (uninterruptible sleep in a wedged driver): it may outlive cudacheck.
        """
        if self.pid is None:
            return ""
        if not self._reaped and (self.process is None or self.process.returncode is None):
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass  # already gone, or not ours to signal
        self._close_pipes()
        reaped = self._reap(time.monotonic() + grace)
        if reaped:
            _RUNNING.pop(self.pid, None)
            return ""
        state = process_state(self.pid)
        how = f" in state {state}" if state else ""
        return (f"process {self.pid} could not be killed (stuck in the kernel{how}); "
                "it may outlive cudacheck")

    def _reap(self, deadline: float) -> bool:
        while not self._reaped:
            try:
                if self.process is not None:
                    self._reaped = self.process.poll() is not None
                else:
                    self._reaped = self.pid is None or bool(os.waitpid(self.pid, os.WNOHANG)[0])
            except ChildProcessError:
                self._reaped = True  # reaped elsewhere
            if self._reaped:
                break
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.002)
        return True

    def _close_pipes(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None
        if self.process is not None:
            for stream in (self.process.stdout, self.process.stderr):
                try:
                    if stream:
                        stream.close()
                except OSError:
                    pass


def process_state(pid: int) -> Optional[str]:
    """The kernel's one-letter state of a process (``D`` uninterruptible, ``Z`` zombie ...),
    from ``/proc/PID/stat``; None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read().decode("ascii", "replace")
    except OSError:
        return None
    end = stat.rfind(")")  # the command name may hold spaces and parentheses
    fields = stat[end + 1:].split()
    return fields[0] if end >= 0 and fields else None


def _detach_descriptors(keep: int) -> None:
    """In a forked child: standard streams on /dev/null, every other inherited descriptor
    closed but ``keep`` (its result pipe). A child the kernel will not let die then holds
    nothing of the parent's: no stdout pipe a reader waits on, no lock, no socket."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        if devnull != fd:
            os.dup2(devnull, fd)
    os.closerange(3, keep)  # /dev/null's own descriptor goes too (it is above 2, never keep)
    os.closerange(keep + 1, _max_fd())


def _max_fd() -> int:
    try:
        return min(os.sysconf("SC_OPEN_MAX"), 1 << 20)
    except (OSError, ValueError):
        return 1024


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
