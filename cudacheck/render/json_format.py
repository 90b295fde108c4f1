"""The report as JSON (stable, versioned schema: see ``cudacheck schema``)."""
from __future__ import annotations

from ..report import Report
from ..serialize import dumps


def render(report: Report, **_: object) -> str:
    """The full report as indented JSON."""
    return dumps(report)
