"""Exceptions raised by the library, and the one policy for what cudacheck does when
something raises.

- **Bad input** (a flag, a file, ``CUDACHECK_*``, ``[tool.cudacheck]``, a paste, an
  unwritable output) raises a :class:`UsageError` subclass naming what was wrong; the CLI
  prints it as one line and exits 2 (``health``: 1). The API lets it propagate.
- **A bug in a rule or an in-process probe** becomes a finding, "cudacheck bug in CC…" or
  "cudacheck bug in probe …", with the exception's type and message (a warning, never
  folded into another finding); the other rules and probes still run. Under the test
  suite (:data:`RAISE_BUGS_ENV` set) it raises instead, so the test fails.
- **Anything else that escapes** reaches the command line's last net: one line,
  :func:`internal_error` (exit 70; ``health``: unhealthy, 1), never a traceback.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .report import Report

RAISE_BUGS_ENV = "_CUDACHECK_RAISE_BUGS"
"""Set to ``1`` (the test suite's conftest does) to make a bug in a rule or probe raise
instead of becoming a finding; child processes inherit it. Not a ``CUDACHECK_*`` name, so
tests that clear those variables for the commands they run keep it."""


class CudacheckError(Exception):
    """Base class of cudacheck's own errors."""


class UsageError(CudacheckError):
    """Bad input from the user: an unreadable file, a broken config key, an unknown rule.

    The CLI turns it into a one-line message and exit code 2 (``health``: 1).
    """


class ConfigError(UsageError, ValueError):
    """A requirement or setting with a wrong value, from an argument, a flag, ``CUDACHECK_*``
    or ``[tool.cudacheck]``; the message names where it came from. Also a ``ValueError``."""


class UnreadableInput(UsageError):
    """Pasted text that cannot be read: no such file, a folder, closed stdin, binary data."""


class OutputError(UsageError):
    """stdout could not be written (closed or failing); the CLI exits 2 with this line."""


class NotReadyError(CudacheckError):
    """Raised by :func:`cudacheck.assert_ready` when the environment has error findings (with
    ``strict``, warnings too).

    ``.report`` holds the full :class:`~cudacheck.Report`; the message (secrets masked)
    lists each finding that made it not ready, with its remedy.
    """

    def __init__(self, report: "Report", *, strict: bool = False) -> None:
        self.report = report
        super().__init__(_describe(report, strict))


def raise_bugs() -> bool:
    """Whether a bug in a rule or probe raises instead of becoming a finding."""
    return os.environ.get(RAISE_BUGS_ENV) == "1"


def exception_text(exc: BaseException) -> str:
    """``KeyError: 'x'``: the type and message of an exception, on one line."""
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def internal_error(exc: BaseException) -> str:
    """The last net's line for an exception nothing else handled (a cudacheck bug)."""
    return (f"internal error: {exception_text(exc)} -- this is a cudacheck bug; "
            "please report it with the command line")


def _describe(report: "Report", strict: bool) -> str:
    from .redact import redact

    counted = ("error", "warning") if strict else ("error",)
    blocking = [f for f in report.findings if f.severity in counted]
    counts = [f"{n} {severity}{'s' if n != 1 else ''}" for severity in counted
              for n in [sum(1 for f in blocking if f.severity == severity)] if n or severity == "error"]
    lines = [f"cudacheck: environment not ready ({', '.join(counts)}{'; strict' if strict else ''})"]
    for finding in blocking:
        lines.append(f"- [{finding.code}] {finding.title}" + (f" ({finding.severity})" if strict else ""))
        for number, remedy_line in enumerate((finding.remedy or "").splitlines()):
            lines.append(("    fix: " if number == 0 else "         ") + remedy_line)
    return redact("\n".join(lines))
