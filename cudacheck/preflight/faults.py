"""Test hooks: simulated failures of one rank, inert unless their variables are set.

``CUDACHECK_PREFLIGHT_TEST_FAULTS`` lists ``RANK:FAULT`` items (comma or space separated):

=====================  =================================================================
``never-start``        the rank sleeps before it touches the store (a node that never came up)
``never-post``         the rank says it is alive, then never posts its report
``hang-check``         the rank's check child hangs
``crash-check``        the rank's check child dies of SIGSEGV
``hang-barrier``       the rank joins the gloo group, then hangs before the barrier
``hang-collective``    the rank's collective child hangs before joining its group
``hang-collective-op`` the rank's collective child joins, then never enters the collectives
=====================  =================================================================

``CUDACHECK_PREFLIGHT_TEST_ENV_<RANK>="NAME=VALUE NAME=VALUE"`` adds variables to that
rank's check child only: with the fake NVIDIA libraries of the test suite, e.g.
``FAKE_NVML_DRIVER=535.104.05`` gives one rank another driver (drift).
"""
from __future__ import annotations

import os
import time
from typing import Dict, Mapping, Optional, Set

FAULTS_VARIABLE = "CUDACHECK_PREFLIGHT_TEST_FAULTS"
ENV_VARIABLE = "CUDACHECK_PREFLIGHT_TEST_ENV_"
FAULTS = ("never-start", "never-post", "hang-check", "crash-check", "hang-barrier", "hang-collective",
          "hang-collective-op")
HANG_SECONDS = 3600.0


def faults_for(rank: int, environ: Optional[Mapping[str, str]] = None) -> Set[str]:
    """The faults asked for ``rank`` (unknown names are ignored: these are test hooks)."""
    env = os.environ if environ is None else environ
    found = set()
    for item in env.get(FAULTS_VARIABLE, "").replace(",", " ").split():
        who, _, fault = item.partition(":")
        if who.strip() == str(rank) and fault in FAULTS:
            found.add(fault)
    return found


def child_env(rank: int, environ: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """Variables a test adds to this rank's check child (empty unless set)."""
    env = os.environ if environ is None else environ
    extra: Dict[str, str] = {}
    for item in env.get(f"{ENV_VARIABLE}{rank}", "").split():
        name, sep, value = item.partition("=")
        if sep:
            extra[name] = value
    return extra


def hang() -> None:
    """Block like a wedged process would (bounded, so a forgotten test cannot run forever)."""
    time.sleep(HANG_SECONDS)
