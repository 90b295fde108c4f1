"""Running command lines through the worker, and the contract every outcome must meet.

The contract (docs/cli.md "Bad input and limits"): no traceback ever; ``doctor``, ``triage``
and the other commands exit 0, 1 or 2, ``health`` exits 0 or 1; bad input exits 2
(``health``: 1) with exactly one line on stderr, ``cudacheck: error: …``; no bug shows: neither
the last-resort "internal error" line nor a "cudacheck bug in …" finding (CC100).
"""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence

WORKER = Path(__file__).resolve().parent / "worker.py"
CLOSED = None
"""``stdin=CLOSED``: the command starts with descriptor 0 closed."""
CASE_TIMEOUT = 90.0
"""Seconds a single case may take before the worker is declared hung (no timed assertion:
a hung case is a failure whatever the machine's speed)."""


@dataclass
class Outcome:
    """What one command line did."""

    argv: List[str]
    code: Optional[int]
    stdout: str
    stderr: str
    escaped: Optional[str] = None
    died: bool = False
    hung: bool = False
    notes: List[str] = field(default_factory=list)

    def problems(self) -> List[str]:
        """Every way this outcome breaks the contract (empty: it keeps it)."""
        found: List[str] = []
        health = self.argv[:1] == ["health"]
        if self.hung:
            return [f"no answer within {CASE_TIMEOUT:.0f} s"]
        if self.escaped:
            found.append("an exception left main(): " + self.escaped.strip().splitlines()[-1])
        for name, text in (("stdout", self.stdout), ("stderr", self.stderr)):
            if "Traceback (most recent call last)" in text:
                found.append(f"a traceback on {name}")
        if "internal error:" in self.stderr or (health and "unhealthy: internal error:" in self.stdout):
            found.append("a last-resort net caught a bug: " + (self.stderr + self.stdout).strip()[:300])
        if "cudacheck bug in" in self.stdout:
            found.append("a rule or probe raised (CC100): " + self.stdout.strip()[:300])
        allowed = (0, 1) if health else (0, 1, 2)
        if self.code not in allowed:
            found.append(f"exit status {self.code} (allowed: {allowed})")
        if self.died and not (health and self.code == 1 and "unhealthy: no answer within" in self.stdout):
            found.append("the interpreter ended without returning from main()")
        error_lines = [line for line in self.stderr.splitlines() if line.strip()]
        usage = (self.code == 2) or (health and bool(error_lines))
        if usage:
            if len(error_lines) != 1 or not error_lines[0].startswith("cudacheck: error: "):
                found.append(f"bad input must give exactly one 'cudacheck: error:' line, got {error_lines!r}")
        elif error_lines:
            found.append(f"unexpected stderr: {error_lines[:3]!r}")
        if health and len([line for line in self.stdout.splitlines() if line.strip()]) > 1:
            found.append("health printed more than one line")
        return found

    def describe(self) -> str:
        return (f"cudacheck {' '.join(map(repr, self.argv))} -> {self.code}\n"
                f"  stdout: {self.stdout[-400:]!r}\n  stderr: {self.stderr[-800:]!r}\n"
                f"  {self.escaped or ''}")


def base_environment() -> Dict[str, str]:
    """This environment without the variables that would change cudacheck's behaviour."""
    return {name: value for name, value in os.environ.items()
            if not name.startswith(("CUDACHECK_", "FAKE_", "PYTEST_")) and name != "NO_COLOR"}


class Worker:
    """One interpreter running case after case (restarted when a case ends it)."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.counter = 0
        self.process: Optional[subprocess.Popen] = None

    def _start(self) -> subprocess.Popen:
        env = base_environment()
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return subprocess.Popen([sys.executable, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=env, cwd=str(self.scratch), text=True,
                                bufsize=1)

    def run(self, argv: Sequence[str], *, env: Optional[Mapping[str, str]] = None, cwd: Optional[Path] = None,
            stdin: Optional[bytes] = b"", encoding: str = "utf-8") -> Outcome:
        """Run ``cudacheck argv`` with ``env`` (added to a clean base), in ``cwd``, with ``stdin``
        bytes (or :data:`CLOSED`), stdout/stderr encoded with ``encoding``."""
        if self.process is None or self.process.poll() is not None:
            self.process = self._start()
        self.counter += 1
        out = self.scratch / f"case{self.counter}.out"
        err = self.scratch / f"case{self.counter}.err"
        case = {"argv": list(argv), "env": {**base_environment(), **(env or {})},
                "cwd": str(cwd or self.scratch), "stdin": None if stdin is CLOSED else stdin.hex(),
                "stdout": str(out), "stderr": str(err), "encoding": encoding}
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(case) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], CASE_TIMEOUT)
        answer_line = self.process.stdout.readline() if ready else None
        outcome = Outcome(list(argv), None, _read(out, encoding), _read(err, encoding))
        if answer_line is None:
            self.process.kill()
            self.process.wait()
            outcome.hung = True
        elif not answer_line:  # the interpreter ended inside the case (os._exit)
            outcome.code = self.process.wait()
            outcome.died = True
            outcome.stdout, outcome.stderr = _read(out, encoding), _read(err, encoding)
        else:
            answer = json.loads(answer_line)
            outcome.code, outcome.escaped = answer["code"], answer["escaped"]
            outcome.stdout, outcome.stderr = _read(out, encoding), _read(err, encoding)
        for path in (out, err, Path(str(out) + ".stdin")):
            try:
                path.unlink()
            except OSError:
                pass
        return outcome

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _read(path: Path, encoding: str) -> str:
    try:
        return path.read_bytes().decode(encoding, "replace")
    except OSError:
        return ""


def fuzz_cases(default: int) -> int:
    """How many cases a fuzz test generates: ``default``, or ``FUZZ_CASES`` when set
    (e.g. ``FUZZ_CASES=2000`` for a long run)."""
    value = os.environ.get("FUZZ_CASES", "")
    return int(value) if value.isdigit() and int(value) > 0 else default


def fuzz_seed() -> int:
    """The seed of every generator: ``FUZZ_SEED`` when set, else a fixed one (reproducible)."""
    value = os.environ.get("FUZZ_SEED", "")
    return int(value) if value.isdigit() else 16
