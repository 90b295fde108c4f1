"""cudacheck: tells whether this machine can run PyTorch on NVIDIA GPUs, and if not, why.

>>> import cudacheck
>>> cudacheck.assert_ready(require_gpu=True, min_compute_capability="8.0")
"""
from __future__ import annotations

from ._version import __version__
from .api import assert_ready, check, collect, doctor
from .errors import CudacheckError, NotReadyError, UsageError
from .policy import Policy
from .report import Finding, Report, Summary
from .snapshot import Snapshot

__all__ = [
    "CudacheckError",
    "Finding",
    "NotReadyError",
    "Policy",
    "Report",
    "Snapshot",
    "Summary",
    "UsageError",
    "__version__",
    "assert_ready",
    "check",
    "collect",
    "doctor",
]
