"""Exceptions raised by the library."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .report import Report


class CudacheckError(Exception):
    """Base class of cudacheck's own errors."""


class UsageError(CudacheckError):
    """Bad input from the user: an unreadable file, a broken config key, an unknown rule.

    The CLI turns it into a one-line message and exit code 2.
    """


class ConfigError(UsageError, ValueError):
    """A requirement or setting with a wrong value, from an argument, a flag, ``CUDACHECK_*``
    or ``[tool.cudacheck]``; the message names where it came from. Also a ``ValueError``."""


class NotReadyError(CudacheckError):
    """Raised by :func:`cudacheck.assert_ready` when the environment has error findings.

    ``.report`` holds the full :class:`~cudacheck.Report`.
    """

    def __init__(self, report: "Report") -> None:
        self.report = report
        super().__init__(_describe(report))


def _describe(report: "Report") -> str:
    errors = [f for f in report.findings if f.severity == "error"]
    lines = [f"cudacheck: environment not ready ({len(errors)} error{'s' if len(errors) != 1 else ''})"]
    for finding in errors:
        lines.append(f"- [{finding.code}] {finding.title}")
        for number, remedy_line in enumerate((finding.remedy or "").splitlines()):
            lines.append(("    fix: " if number == 0 else "         ") + remedy_line)
    return "\n".join(lines)
