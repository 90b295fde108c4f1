"""Probes gather facts and never judge; ``collect(level)`` assembles the Snapshot.

Levels (DESIGN.md): ``quick`` — NVML, libcuda, /dev, shm, env, torch build read from
files; ``standard`` — plus Python packages, CUDA library discovery and the kernel
inventory (torch's arch list then comes from its binaries); ``deep`` — plus torch
imported in a child process with smoke tests.
"""
from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Callable, List, Optional, TypeVar

from ..errors import UsageError
from ..vocabulary import LEVELS, probe_level

if TYPE_CHECKING:
    from ..snapshot import EnvironmentFacts, ProbeError, Snapshot
    from .environment import Selection

T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0


def collect(level: str = "standard", timeout: float = DEFAULT_TIMEOUT, *, python: Optional[str] = None,
            use_activated: bool = False, option: str = "--python") -> Snapshot:
    """Probe this machine at ``level`` and return the Snapshot; never raises for a broken machine.

    ``timeout`` bounds the whole collection: risky calls run in children that are
    abandoned when it runs out, and that is recorded as a ``timeout`` probe error.
    The Python environment inspected is ``python`` (an interpreter, an environment
    folder or a command), else with ``use_activated`` an activated ``VIRTUAL_ENV`` /
    ``CONDA_PREFIX`` that is not cudacheck's own, else cudacheck's own; an interpreter
    that cannot describe itself is a UsageError naming ``option`` (see
    :mod:`cudacheck.probes.environment`).
    """
    return start(level, timeout, python=python, use_activated=use_activated, option=option).finish()


class Collection:
    """A collection under way: children started, in-process probes done.

    The caller may do other work (import the rules) while the children run, then
    call :meth:`finish`.
    """

    def __init__(self, level: str, timeout: float, selection: Optional[Selection] = None) -> None:
        checked = probe_level(level)
        if checked is None:
            raise UsageError(f"unknown probe level {level!r} (choose from {', '.join(LEVELS)})")
        from .isolation import Child

        self.level = level
        self.timeout = timeout
        self.started = time.monotonic()
        # Leave a margin so the caller can still judge and print inside its own timeout.
        self.deadline = self.started + max(0.5, timeout * 0.85)
        # The driver children start before anything else is imported: they are the slow part.
        self._nvml = Child("nvml_child.py")
        self._cuda = Child("cuda_child.py")
        from ..snapshot import Snapshot
        from . import environment

        self.snapshot = Snapshot(source="live", level=checked,
                                 created=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()))
        selection = selection or environment.Selection(None, "own")
        started = time.monotonic()
        try:  # a bad interpreter is a usage error: nothing else is worth probing
            self.snapshot.environment = environment.query(
                selection, timeout=environment.query_timeout(timeout))
        except BaseException:
            for child in (self._nvml, self._cuda):
                child.stop()
            raise
        self.snapshot.timings["environment"] = round(time.monotonic() - started, 4)
        self.python = selection.executable  # None: cudacheck's own interpreter
        self.search_path = environment.search_path(self.snapshot.environment)

        from .container import container_facts
        from .platform import platform_facts
        from .torch_build import torch_facts

        snapshot, errors = self.snapshot, self.snapshot.probe_errors
        inspected = snapshot.environment
        snapshot.platform = _timed(snapshot, "platform", lambda: platform_facts(inspected), errors) \
            or snapshot.platform
        snapshot.container = _timed(snapshot, "container", container_facts, errors) or snapshot.container
        snapshot.torch = _timed(snapshot, "torch_build",
                                lambda: torch_facts(self.search_path, user_site=_user_site(inspected)),
                                errors) or snapshot.torch
        if level in ("standard", "deep"):
            _collect_standard(snapshot, errors, self.deadline, self.search_path)

    def finish(self) -> Snapshot:
        """Wait for the children (until the deadline) and return the complete Snapshot."""
        from . import driver

        snapshot, errors = self.snapshot, self.snapshot.probe_errors
        snapshot.nvml = _timed(snapshot, "nvml", lambda: driver.nvml_facts(self._nvml, self.deadline, errors),
                               errors) or snapshot.nvml
        snapshot.cuda_driver = _timed(snapshot, "cuda_driver",
                                      lambda: driver.cuda_facts(self._cuda, self.deadline, errors),
                                      errors) or snapshot.cuda_driver
        if self.level == "deep":
            from .deep import deep_facts

            remaining = max(1.0, self.started + self.timeout - time.monotonic() - 0.5)
            snapshot.deep = _timed(snapshot, "deep",
                                   lambda: deep_facts(timeout=remaining, errors=errors, python=self.python), errors)
            if snapshot.libraries is not None and snapshot.deep is not None and snapshot.deep.mapped_libraries:
                from .library_files import note_mapped

                note_mapped(snapshot.libraries, snapshot.deep.mapped_libraries)  # the loaded library wins
        snapshot.timings["collect"] = round(time.monotonic() - self.started, 4)
        return snapshot


def start(level: str = "standard", timeout: float = DEFAULT_TIMEOUT, *, python: Optional[str] = None,
          use_activated: bool = False, option: str = "--python") -> Collection:
    """Start collecting: the driver children run while the caller goes on. The environment
    is chosen first (see :func:`collect`), so a bad ``python`` fails before anything starts."""
    from .environment import select

    return Collection(level, timeout, select(python, use_activated=use_activated, option=option))


def _user_site(inspected: Optional[EnvironmentFacts]) -> Optional[str]:
    if inspected is None or inspected.selected_by == "own" or not inspected.user_site:
        return None  # this process's own: the site module knows
    return os.path.expanduser(inspected.user_site)


def _collect_standard(snapshot: Snapshot, errors: List[ProbeError], deadline: float,
                      search_path: Optional[List[str]]) -> None:
    from .libraries import libraries_facts
    from .packages import package_facts

    snapshot.packages = _timed(snapshot, "packages", lambda: package_facts(search_path), errors)
    inspected = snapshot.environment
    conda_prefix = os.path.expanduser(inspected.prefix) \
        if inspected is not None and inspected.kind == "conda" and inspected.prefix else None
    # The library version child runs while the NVML/libcuda children (started first) still work.
    snapshot.libraries = _timed(snapshot, "libraries",
                                lambda: libraries_facts(snapshot.container.env, snapshot.torch,
                                                        snapshot.packages, errors=errors,
                                                        deadline=deadline, search_path=search_path,
                                                        conda_prefix=conda_prefix), errors)
    snapshot.kernels = _timed(snapshot, "kernels", lambda: _kernels(snapshot, errors, search_path), errors)


def _kernels(snapshot: Snapshot, errors: List[ProbeError], search_path: Optional[List[str]]):
    """The kernel inventory; torch's arch list from its own binaries when nothing better is known."""
    from ..kernels.coverage import main_targets
    from ..kernels.inventory import kernel_facts

    inventory = kernel_facts(snapshot.torch, snapshot.container.env, errors=errors, search_path=search_path)
    groups = [group for binary in inventory.binaries if binary.package == "torch" for group in binary.groups]
    if groups and snapshot.torch.cuda and snapshot.torch.arch_list is None:
        sass, ptx = main_targets(groups)
        snapshot.torch.arch_list, snapshot.torch.arch_list_source = sass + ptx, "binary"
    return inventory


def _timed(snapshot: Snapshot, probe: str, call: Callable[[], T], errors: List[ProbeError]) -> Optional[T]:
    """Run one in-process probe and time it. A probe reports its failures as facts; one that
    raises has a bug: a ProbeError of kind ``bug`` (a CC100 finding) and None, or, under the
    test suite, the exception (:func:`cudacheck.errors.raise_bugs`)."""
    started = time.monotonic()
    try:
        return call()
    except Exception as exc:  # a bug in one probe must not hide the others
        from ..errors import exception_text, raise_bugs
        from ..snapshot import BUG, ProbeError

        if raise_bugs():
            raise
        errors.append(ProbeError(probe, BUG, exception_text(exc), None, round(time.monotonic() - started, 4)))
        return None
    finally:
        snapshot.timings[probe] = round(time.monotonic() - started, 4)
