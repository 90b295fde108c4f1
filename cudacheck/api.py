"""The Python API: ``collect``, ``check``, ``doctor`` and ``assert_ready``."""
from __future__ import annotations

from typing import Any, Optional

from .errors import NotReadyError
from .policy import Policy, resolve_policy
from .report import Report
from .snapshot import Snapshot


def collect(level: str = "standard", timeout: float = 10.0) -> Snapshot:
    """Probe this machine (``quick`` | ``standard`` | ``deep``) and return the Snapshot."""
    from .probes import collect as _collect

    return _collect(level, timeout=timeout)


def check(snapshot: Snapshot, policy: Optional[Policy] = None, **requirements: Any) -> Report:
    """Judge a Snapshot; requirements may be given as a Policy or as keyword arguments."""
    from .rules.engine import check as _check

    if policy is None:
        policy = resolve_policy(requirements, use_config=False)
    return _check(snapshot, policy)


def doctor(level: str = "standard", *, timeout: float = 10.0, use_config: bool = True,
           **requirements: Any) -> Report:
    """Collect and check in one call: the Report ``cudacheck doctor`` prints.

    Requirements (``require_gpu``, ``min_gpus``, ``min_compute_capability``,
    ``min_gpu_memory``, ``features``, ``min_shm``, ``require_torch``) override
    ``[tool.cudacheck]`` in ./pyproject.toml and ``CUDACHECK_*`` environment variables.
    Every GPU requirement implies that a GPU must be visible.
    """
    policy = resolve_policy(requirements, use_config=use_config)
    return check(collect(level, timeout=timeout), policy)


def assert_ready(level: str = "quick", *, timeout: float = 10.0, use_config: bool = True,
                 strict: bool = False, **requirements: Any) -> Report:
    """Raise :class:`NotReadyError` unless the environment has no error findings.

    Meant for the top of a training script: ``cudacheck.assert_ready(require_gpu=True,
    min_compute_capability="8.0")``. torch is required unless ``require_torch=False`` (or
    the project's configuration) says otherwise. Returns the Report when ready.
    """
    policy = resolve_policy(requirements, use_config=use_config)
    policy.with_default("require_torch", True, "assert_ready")
    report = check(collect(level, timeout=timeout), policy)
    if report.summary.errors or (strict and report.summary.warnings):
        raise NotReadyError(report)
    return report
