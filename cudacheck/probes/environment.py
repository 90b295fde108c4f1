"""Which Python environment to inspect, and that environment's facts.

cudacheck reads an environment's files, not its own process (DESIGN.md "Which
environment"). In order:

1. ``--python PATH`` (``python=`` in the API): an interpreter, an environment folder
   (its ``bin/python``), or a command on ``PATH`` (``python3.12``), as ``pip --python``
   takes it;
2. from the command line only, an activated environment that is not cudacheck's own:
   ``VIRTUAL_ENV``, then ``CONDA_PREFIX`` — cudacheck installed with ``pipx`` or
   ``uv tool`` lives in its own venv, while the user's torch is in the one they activated;
3. cudacheck's own interpreter.

Another interpreter is asked for its facts in a child with a deadline
(``children/python_env_child.py``, run with ``-E -s``); cudacheck's own answers in-process.
A ``--python`` that is missing, not executable, not a Python or silent is a
:class:`~cudacheck.errors.ConfigError` (a UsageError) with one line naming it.
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from typing import Any, Dict, List, Mapping, Optional

from ..errors import ConfigError
from ..snapshot import EnvironmentFacts
from .answers import from_answer
from .paths import shorten

QUERY_TIMEOUT = 10.0
"""Longest wait for another interpreter to describe itself (a cold start on a slow disk)."""

_CHILD = "python_env_child.py"


def query_timeout(total: float) -> float:
    """How long the interpreter may take within a command's ``--timeout``: half of it, at most
    :data:`QUERY_TIMEOUT`, at least half a second."""
    return min(QUERY_TIMEOUT, max(0.5, total * 0.5))


class Selection:
    """The interpreter chosen (None: cudacheck's own) and why."""

    def __init__(self, executable: Optional[str], selected_by: str, note: Optional[str] = None) -> None:
        self.executable = executable
        self.selected_by = selected_by
        self.note = note

    @property
    def own(self) -> bool:
        return self.executable is None


def interpreter_in(prefix: str) -> Optional[str]:
    """The Python of an environment folder: ``bin/python`` (``bin/python3``), or Windows'
    ``Scripts/python.exe`` / ``python.exe``; None when it has none."""
    for relative in ("bin/python", "bin/python3", "Scripts/python.exe", "python.exe"):
        candidate = os.path.join(prefix, relative)
        if os.path.isfile(candidate):
            return candidate
    return None


def resolve_python(value: str, option: str = "--python") -> str:
    """The interpreter ``value`` names, as an absolute path that keeps a venv's symlink
    (resolving it would leave the venv); ConfigError when there is none."""
    from ..output import printable

    shown = _label(option, printable(value))
    if not value or not value.strip():
        raise ConfigError(f"{option}: empty interpreter name")
    if os.path.isdir(value):
        found = interpreter_in(value)
        if found is None:
            raise ConfigError(f"{shown}: a folder without bin/python or Scripts/python.exe "
                             "(give the interpreter or an environment folder)")
        return os.path.abspath(found)
    if os.sep in value or (os.altsep and os.altsep in value):
        if not os.path.lexists(value):
            raise ConfigError(f"{shown}: no such file")
        if not os.path.exists(value):
            raise ConfigError(f"{shown}: a broken link (its interpreter was removed)")
        if not os.access(value, os.X_OK):
            raise ConfigError(f"{shown}: not executable")
        return os.path.abspath(value)
    found = shutil.which(value)
    if found is None:
        if os.path.exists(value):  # a file in the current folder, named without ./
            return resolve_python(os.path.join(os.curdir, value), option)
        raise ConfigError(f"{shown}: not found (not a file, and no such command on PATH)")
    return found


def select(python: Optional[str] = None, *, use_activated: bool = False, option: str = "--python",
           environ: Optional[Mapping[str, str]] = None) -> Selection:
    """Choose the environment to inspect (see the module docstring for the order)."""
    if python is not None:
        executable = resolve_python(python, option)
        return Selection(None if _same_interpreter(executable) else executable, option)
    if not use_activated:
        return Selection(None, "own")
    environ = os.environ if environ is None else environ
    notes: List[str] = []
    for variable in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        prefix = environ.get(variable)
        if not prefix:
            continue
        if _same_prefix(prefix, sys.prefix):
            return Selection(None, "own")  # cudacheck runs in the activated environment
        found = interpreter_in(prefix)
        if found is not None:
            return Selection(os.path.abspath(found), variable)
        notes.append(f"{variable}={shorten(prefix)} has no Python")
    return Selection(None, "own", "; ".join(notes) or None)


def _same_prefix(a: str, b: str) -> bool:
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, ValueError):
        return False


def _same_interpreter(executable: str) -> bool:
    """Whether ``executable`` is cudacheck's own interpreter (same file, same environment)."""
    if os.path.abspath(executable) == os.path.abspath(sys.executable):
        return True
    # bin/python and bin/python3 of one venv are the same environment; /usr/bin/python3 and a
    # venv's bin/python link to the same file but are not.
    return (_same_prefix(os.path.dirname(executable), os.path.dirname(sys.executable))
            and _same_prefix(executable, sys.executable))


def own_facts(selected_by: str = "own", note: Optional[str] = None) -> EnvironmentFacts:
    """cudacheck's own environment, described in-process (no child, no new import but ``site``)."""
    return _facts(_child_module().describe(isolated=False), selected_by, note)


def query(selection: Selection, timeout: float = QUERY_TIMEOUT) -> EnvironmentFacts:
    """The facts of the selected environment; ConfigError when its interpreter does not answer."""
    if selection.own:
        return own_facts(selection.selected_by, selection.note)
    from .isolation import Child

    executable = selection.executable or ""
    started = time.monotonic()
    child = Child(_CHILD, python=executable, isolated=True)
    result = child.result(started + timeout)
    what = _what(selection)
    if result.status == "timeout":
        raise ConfigError(f"{what}: no answer within {timeout:g} s (is it a Python interpreter?)")
    if result.status == "crashed":
        raise ConfigError(f"{what}: not a working Python interpreter ({result.message})")
    data = result.data or {}
    if result.status != "ok" or not isinstance(data.get("sys_path"), list):
        version = data.get("python_version")
        if isinstance(version, str) and version.startswith("2."):
            raise ConfigError(f"{what}: Python {version} is not supported (cudacheck inspects Python 3 "
                             "environments)")
        reason = result.message or "it printed no description"
        raise ConfigError(f"{what}: not a Python interpreter cudacheck can use ({reason[:200]})")
    return _facts(data, selection.selected_by, selection.note)


def _label(option: str, value: str) -> str:
    """``--python /x/bin/python`` or ``python='/x/bin/python'``: how the caller named it."""
    return f"{option}{value!r}" if option.endswith("=") else f"{option} {value}"


def _what(selection: Selection) -> str:
    shown = shorten(selection.executable) or "?"
    if selection.selected_by in ("--python", "python="):
        return _label(selection.selected_by, shown)
    return f"{selection.selected_by} interpreter {shown} (pass --python to choose another)"


def _facts(data: Dict[str, object], selected_by: str, note: Optional[str]) -> EnvironmentFacts:
    """EnvironmentFacts from the child's answer, whose keys are its field names (see
    :mod:`cudacheck.probes.answers`); paths under the home folder shortened."""
    def paths(entries: Any) -> List[str]:
        return [shorten(entry) or entry for entry in entries or [] if isinstance(entry, str)]

    return from_answer(EnvironmentFacts, data, decode={
        "prefix": shorten, "executable": shorten, "base_prefix": shorten, "user_site": shorten,
        "sys_path": paths, "site_packages": paths}, selected_by=selected_by, note=note)


_MODULE = None


def _child_module():
    """``children/python_env_child.py`` imported as a module (it is also run as a script)."""
    global _MODULE
    if _MODULE is None:
        import importlib.util

        from .isolation import CHILD_DIR

        spec = importlib.util.spec_from_file_location("cudacheck_python_env_child",
                                                      os.path.join(CHILD_DIR, _CHILD))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _MODULE = module
    return _MODULE


def search_path(facts: Optional[EnvironmentFacts]) -> Optional[List[str]]:
    """The import path to read files from: the inspected environment's, or None for this
    process's own (``sys.path`` itself)."""
    if facts is None or facts.selected_by == "own":
        return None
    return [os.path.expanduser(entry) if entry.startswith("~") else entry for entry in facts.sys_path]
