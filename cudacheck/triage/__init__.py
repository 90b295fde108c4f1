"""Triage: diagnose a pasted bug report (``collect_env``, ``nvidia-smi``, pip/conda lists,
``docker run`` lines, tracebacks, free sentences — in any mix and order).

>>> from cudacheck.triage import triage
>>> report = triage(open("issue.txt").read())
>>> report.findings[0].category
'driver_too_old'

The text becomes the same :class:`~cudacheck.snapshot.Snapshot` a live probe produces
(``source="pasted"``, unknown facts left ``None``) plus ``observations`` (recognised error
signatures); the ordinary rules and the observation rules (CC8xx) then judge it.
"""
from __future__ import annotations

from .core import parse, triage
from .reader import PastedText, UnreadableInput, read_path, read_text

__all__ = ["PastedText", "UnreadableInput", "parse", "read_path", "read_text", "triage"]
