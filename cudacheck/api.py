"""The Python API: ``collect``, ``check``, ``doctor`` and ``assert_ready``.

Arguments are checked before anything is probed: a wrong type is a ``TypeError`` and a
wrong value a :class:`~cudacheck.errors.ConfigError` (also a ``ValueError``), each naming
the argument.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple, Union

from .errors import ConfigError, NotReadyError
from .policy import Policy, brief_repr, parse_timeout, resolve_policy, validated
from .report import Report
from .snapshot import Snapshot
from .vocabulary import LEVELS


def collect(level: str = "standard", timeout: float = 10.0, *, python: Optional[str] = None) -> Snapshot:
    """Probe this machine (``quick`` | ``standard`` | ``deep``) and return the Snapshot.

    The Python environment inspected is this process's own, or the one of ``python`` (an
    interpreter, an environment folder, or a command on PATH such as ``"python3.12"``).
    """
    from .probes import collect as _collect

    level, timeout = _level(level), _timeout(timeout)
    if python is None:
        return _collect(level, timeout=timeout)
    _expect(python, str, "python", "the path of a Python interpreter or environment folder")
    return _collect(level, timeout=timeout, python=python, option="python=")


def check(snapshot: Snapshot, policy: Optional[Policy] = None, **requirements: Any) -> Report:
    """Judge a Snapshot; requirements may be given as a Policy or as keyword arguments (not both)."""
    from .rules.engine import check as _check

    _expect(snapshot, Snapshot, "snapshot", "a cudacheck.Snapshot (from cudacheck.collect() or "
                                            "cudacheck.serialize.load_snapshot())")
    if policy is None:
        policy = resolve_policy(requirements, use_config=False)
    else:
        _expect(policy, Policy, "policy", "a cudacheck.Policy")
        if requirements:
            raise TypeError(f"check(): give requirements as a Policy or as keyword arguments, not both "
                            f"(got policy and {', '.join(sorted(requirements))})")
        policy = validated(policy)
    return _check(snapshot, policy)


def doctor(level: str = "standard", *, timeout: float = 10.0, use_config: bool = True,
           python: Optional[str] = None, **requirements: Any) -> Report:
    """Collect and check in one call: the Report ``cudacheck doctor`` prints (in Jupyter it
    shows as that report). ``python`` inspects another environment (see :func:`collect`).

    Requirements (``require_gpu``, ``min_gpus``, ``min_compute_capability``,
    ``min_gpu_memory``, ``features``, ``min_shm``, ``require_torch``) override
    ``[tool.cudacheck]`` in ./pyproject.toml and ``CUDACHECK_*`` environment variables.
    Every GPU requirement implies that a GPU must be visible.
    """
    _expect(use_config, bool, "use_config", "True or False")
    level, timeout = _level(level), _timeout(timeout)
    policy = resolve_policy(requirements, use_config=use_config)
    return check(collect(level, timeout=timeout, python=python), policy)


def assert_ready(level: str = "quick", *, timeout: float = 10.0, use_config: bool = True,
                 strict: bool = False, **requirements: Any) -> Report:
    """Raise :class:`NotReadyError` unless the environment has no error findings.

    Meant for the top of a training script: ``cudacheck.assert_ready(require_gpu=True,
    min_compute_capability="8.0")``. torch is required unless ``require_torch=False`` (or
    the project's configuration) says otherwise. Returns the Report when ready.
    """
    _expect(strict, bool, "strict", "True or False")
    _expect(use_config, bool, "use_config", "True or False")
    level, timeout = _level(level), _timeout(timeout)
    policy = resolve_policy(requirements, use_config=use_config)
    policy.with_default("require_torch", True, "assert_ready")
    report = check(collect(level, timeout=timeout), policy)
    if report.summary.errors or (strict and report.summary.warnings):
        raise NotReadyError(report, strict=strict)
    return report


def _expect(value: Any, kind: Union[type, Tuple[type, ...]], name: str, wanted: str) -> None:
    """TypeError naming ``name`` unless ``value`` is a ``kind`` (a bool is no number here)."""
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise TypeError(f"{name}: expected {wanted}, got {type(value).__name__} {brief_repr(value)}")


def _level(level: Any) -> str:
    _expect(level, str, "level", f"one of {', '.join(map(repr, LEVELS))}")
    if level not in LEVELS:
        raise ConfigError(f"level: unknown probe level {brief_repr(level)} (choose from {', '.join(LEVELS)})")
    return level


def _timeout(timeout: Any) -> float:
    _expect(timeout, (int, float), "timeout", "a number of seconds")
    return parse_timeout(timeout, "timeout")
