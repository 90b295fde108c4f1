"""cudacheck: tells whether this machine can run PyTorch on NVIDIA GPUs, and if not, why.

>>> import cudacheck
>>> cudacheck.assert_ready(require_gpu=True, min_compute_capability="8.0")

Names are imported on first use so that ``cudacheck health`` starts without loading
the rules, renderers and pydantic it does not need.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from .api import assert_ready, check, collect, doctor
    from .errors import ConfigError, CudacheckError, NotReadyError, UsageError
    from .policy import Policy
    from .report import Finding, Report, Summary
    from .snapshot import Snapshot

__all__ = [
    "ConfigError",
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

_HOMES = {
    "assert_ready": "api", "check": "api", "collect": "api", "doctor": "api",
    "ConfigError": "errors", "CudacheckError": "errors", "NotReadyError": "errors", "UsageError": "errors",
    "Policy": "policy", "Finding": "report", "Report": "report", "Summary": "report",
    "Snapshot": "snapshot",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cudacheck' has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))
