"""Deep probe: torch imported in a child process with a deadline (``children/deep_child.py``).

The child reports what a real torch process sees: ``is_available``, device count, the
CUDA initialisation error text, the compiled arch list, the cuDNN/NCCL versions torch
loaded, the CUDA libraries actually mapped (``/proc/self/maps``: the loaded library
wins), a matmul and a cuDNN conv per GPU checked against the CPU, and bf16 support.
A child that crashes or hangs is a ProbeError (``crashed`` / ``timeout``) plus the
facts it reported before it stopped, with ``last_step`` naming where it stopped.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Tuple

from ..snapshot import DeepFacts, ProbeError, SmokeResult
from ..versions import nccl_version
from .answers import from_answer
from .isolation import Child, progress_events, progress_file
from .paths import shorten

DEFAULT_TIMEOUT = 60.0


def deep_facts(timeout: float = DEFAULT_TIMEOUT, errors: Optional[List[ProbeError]] = None,
               env: Optional[Dict[str, str]] = None, python: Optional[str] = None) -> DeepFacts:
    """Run the deep child for at most ``timeout`` seconds, with the inspected environment's
    interpreter ``python`` (default this one); never raises."""
    errors = errors if errors is not None else []
    started = time.monotonic()
    with progress_file("cudacheck-deep-") as progress:
        result = Child("deep_child.py", [progress] if progress else [], env=env,
                       python=python).result(started + timeout)
        if result.status == "ok" and result.data is not None:
            return facts_from(result.data)
        data, step = read_progress(progress) if progress else ({}, None)
        where = f" during {step}" if step else ""
        errors.append(ProbeError("deep", result.status, f"{result.message}{where}", result.signal,
                                 round(result.seconds, 4)))
        facts = facts_from(data)
        facts.ran = True
        facts.last_step = step
        return facts


def read_progress(path: str) -> Tuple[Dict[str, Any], Optional[str]]:
    """The facts a stopped child had written and the step it was in."""
    data: Dict[str, Any] = {}
    step: Optional[str] = None
    for event in progress_events(path):
        data = event.get("out") or data
        step = event.get("step") or step
    return data, step


def facts_from(data: Dict[str, Any]) -> DeepFacts:
    """DeepFacts from the child's JSON, whose keys are DeepFacts' and SmokeResult's field names
    (see :mod:`cudacheck.probes.answers`); paths shortened, NCCL's version decoded."""
    return from_answer(DeepFacts, data, decode={
        "torch_file": shorten,
        "mapped_libraries": lambda paths: [shorten(path) or path for path in paths or []],
        "nccl_version": nccl_version,
        "smoke": lambda results: [from_answer(SmokeResult, raw) for raw in results or []
                                  if isinstance(raw, dict) and "index" in raw]}, ran=True)
