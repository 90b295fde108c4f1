"""pytest plugin (entry point ``pytest11: cudacheck``): GPU-aware skips and a report fixture.

- ``@pytest.mark.cuda(min_compute_capability="8.0", features=["bf16"], min_gpus=2,
  min_gpu_memory="40GiB", min_shm="8GiB")`` — the test needs a usable NVIDIA GPU
  (``require_gpu`` is implied) meeting those requirements. When the environment
  cannot run it, the test is SKIPPED with the first error finding as the reason:
  ``cudacheck: No NVIDIA driver is visible, but GPUs are required [CC101]``.
  Marks on a class or module combine; the closest mark wins per keyword. Only the
  mark's own requirements apply (not ``[tool.cudacheck]`` or ``CUDACHECK_*``).
- ``cudacheck_report`` — a session-scoped fixture holding the Report of a quick
  check, judged with the project's policy (``[tool.cudacheck]`` in the rootdir's
  pyproject.toml, ``CUDACHECK_*`` variables).
- ``--cudacheck-report`` prints the summary, one line per layer and the errors in
  the pytest header. ``--cudacheck-snapshot FILE`` judges a saved snapshot
  (``cudacheck snapshot -o FILE``) instead of probing: "which of these tests would
  run on that node?".

The machine is probed at most once per session, at the quick level (no torch
import, no CUDA context), and only when something asks: a marked test, the
fixture or the header option. The module imports nothing from cudacheck at import
time, so a test session that uses none of this pays nothing (beyond importing the
``cudacheck`` package itself, which loads this module). Disable it entirely with
``-p no:cudacheck``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

import pytest

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from .policy import Policy
    from .report import Report
    from .snapshot import Snapshot

MARKER = "cuda"
MARKER_HELP = (
    "cuda(min_compute_capability=None, features=(), min_gpus=None, min_gpu_memory=None, min_shm=None): "
    "the test needs a usable NVIDIA GPU meeting these requirements; cudacheck skips it, with the reason, "
    "when this environment cannot run it."
)


class _State:
    """Per-session cache: one snapshot, one Report per distinct requirement set."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self._snapshot: Optional["Snapshot"] = None
        self._reports: Dict[Tuple[Tuple[str, str], ...], "Report"] = {}
        self._project_report: Optional["Report"] = None

    @property
    def snapshot(self) -> "Snapshot":
        if self._snapshot is None:
            path = self.config.getoption("cudacheck_snapshot")
            if path:
                from .serialize import load_snapshot

                self._snapshot = load_snapshot(path)
            else:
                from .api import collect

                self._snapshot = collect("quick", timeout=self.config.getoption("cudacheck_timeout"))
        return self._snapshot

    def report_for(self, requirements: Dict[str, Any]) -> "Report":
        """The Report for a mark's requirements (explicit only: no pyproject, no environment)."""
        key = tuple(sorted((name, repr(value)) for name, value in requirements.items()))
        if key not in self._reports:
            from .api import check
            from .policy import resolve_policy

            policy = resolve_policy(requirements, use_config=False, origin="marker")
            self._reports[key] = check(self.snapshot, policy)
        return self._reports[key]

    def project_report(self) -> "Report":
        """What ``cudacheck.doctor("quick")`` would say from the rootdir, on the shared snapshot."""
        if self._project_report is None:
            from .api import check
            from .policy import resolve_policy

            policy: "Policy" = resolve_policy({}, directory=_rootpath(self.config), use_config=True)
            self._project_report = check(self.snapshot, policy)
        return self._project_report


_KEY = pytest.StashKey[_State]() if hasattr(pytest, "StashKey") else None


def _state(config: pytest.Config) -> _State:
    if _KEY is not None:
        state = config.stash.get(_KEY, None)
        if state is None:
            state = config.stash[_KEY] = _State(config)
        return state
    state = getattr(config, "_cudacheck_state", None)  # pytest < 7
    if state is None:
        state = _State(config)
        setattr(config, "_cudacheck_state", state)
    return state


def _rootpath(config: pytest.Config) -> "Path":
    return config.rootpath


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cudacheck", "GPU environment checks (cudacheck)")
    group.addoption("--cudacheck-report", action="store_true", default=False, dest="cudacheck_report",
                    help="Show cudacheck's summary of this machine (per layer, with errors) in the header.")
    group.addoption("--cudacheck-snapshot", metavar="FILE", default=None, dest="cudacheck_snapshot",
                    help="Judge @pytest.mark.cuda tests and the report against a saved snapshot "
                         "(`cudacheck snapshot -o FILE`) instead of probing this machine.")
    group.addoption("--cudacheck-timeout", metavar="SECONDS", type=float, default=10.0,
                    dest="cudacheck_timeout", help="Upper bound for probing this machine (default 10).")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: List[str]) -> None:
    _keep_rootdir(early_config, args)


def _keep_rootdir(config: pytest.Config, args: List[str]) -> None:
    """Undo what ``--cudacheck-snapshot FILE`` (space form) did to the rootdir.

    pytest finds its rootdir and configuration file before it loads plugins from entry
    points, so at that moment this option is unknown and FILE looks like a test path: a
    snapshot elsewhere moves the rootdir there and the project's configuration (testpaths,
    addopts, ``[tool.cudacheck]``) is lost. No entry-point plugin can register an option
    earlier, so the plugin — loaded before conftests and collection — works the setup out
    again the way pytest does, now that FILE is known to be this option's value, and puts
    the project's rootdir, configuration file and ``addopts`` back. Where this pytest's
    internals differ, a warning says to write ``--cudacheck-snapshot=FILE``.
    """
    if "--cudacheck-snapshot" not in args[:-1]:
        return
    namespace = config.known_args_namespace
    if getattr(namespace, "rootdir", None) or getattr(namespace, "inifilename", None):
        return  # the user chose them: FILE played no part
    try:
        _redo_setup(config, args, namespace)
    except Exception as exc:  # pytest's internals moved: say how to avoid the problem
        import warnings

        warnings.warn(pytest.PytestConfigWarning(
            f"cudacheck: could not check pytest's rootdir after --cudacheck-snapshot FILE ({type(exc).__name__}); "
            "write --cudacheck-snapshot=FILE so FILE is not taken for a test path"), stacklevel=2)


def _redo_setup(config: pytest.Config, args: List[str], namespace: Any) -> None:
    import copy
    import inspect

    from _pytest.config.findpaths import determine_setup

    parameters = inspect.signature(determine_setup).parameters
    wanted: Dict[str, Any] = {"inifile": None, "args": list(namespace.file_or_dir), "rootdir_cmd_arg": None,
                              "override_ini": getattr(namespace, "override_ini", None),
                              "invocation_dir": config.invocation_params.dir, "config": config}
    result = determine_setup(**{name: value for name, value in wanted.items() if name in parameters})
    rootpath, inipath, inicfg = result[0], result[1], result[2]
    if rootpath == config.rootpath and inipath == config.inipath:
        return
    old_addopts = list(config.getini("addopts"))
    old_confcutdir = str(config.inipath.parent) if config.inipath else str(config.rootpath)
    config._rootpath = rootpath
    config._inipath = inipath
    for name in ("_inicfg", "inicfg"):  # the name differs between pytest releases
        if name in vars(config):
            setattr(config, name, inicfg)
    if len(result) > 3 and hasattr(config, "_ignored_config_files"):
        config._ignored_config_files = result[3]
    config._parser.extra_info["rootdir"] = str(rootpath)
    config._parser.extra_info["inifile"] = str(inipath)
    config._inicache.clear()
    if old_addopts and args[:len(old_addopts)] == old_addopts:
        del args[:len(old_addopts)]
    addopts = list(config.getini("addopts"))
    args[:0] = addopts
    if addopts:
        config.pluginmanager.consider_preparse(addopts, exclude_only=False)
    config.known_args_namespace = config._parser.parse_known_args(
        args, namespace=copy.copy(config.option))
    if config.known_args_namespace.confcutdir in (None, old_confcutdir):
        config.known_args_namespace.confcutdir = str(inipath.parent) if inipath else str(rootpath)
    if hasattr(config, "_configure_python_path"):
        config._configure_python_path()  # the project's `pythonpath` setting


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)
    if config.getoption("cudacheck_snapshot", None):
        from .errors import UsageError

        try:
            _state(config).snapshot  # fail at start-up, not in the middle of the run
        except UsageError as exc:
            from .redact import redact

            raise pytest.UsageError(redact(f"--cudacheck-snapshot: {exc}")) from None


def pytest_report_header(config: pytest.Config) -> Optional[List[str]]:
    """cudacheck's summary of this environment, secrets masked like all its output."""
    if not config.getoption("cudacheck_report", False):
        return None
    from .redact import redact

    return [redact(line) for line in _header(config)]


def _header(config: pytest.Config) -> List[str]:
    from .errors import UsageError, internal_error
    from .render.facts import layer_facts
    from .vocabulary import LAYER_TITLES

    try:
        report = _state(config).project_report()
    except UsageError as exc:
        return [f"cudacheck: could not check this environment: {exc}"]
    except Exception as exc:  # the last net: the header must never break a test run
        return [f"cudacheck: {internal_error(exc)}"]
    snapshot = report.snapshot
    where = (f"snapshot {config.getoption('cudacheck_snapshot')}" if config.getoption("cudacheck_snapshot")
             else f"{snapshot.level or 'quick'} probe")
    lines = [f"cudacheck {report.cudacheck_version} ({where}, compat data {report.compat_data_version}): "
             f"{report.summary.line}"]
    facts = layer_facts(snapshot)
    for area in report.coverage:
        fact = facts.get(area.area, "")
        if not area.checked:
            fact = f"{fact}; could not check: {area.reason}" if fact else f"could not check: {area.reason}"
        if fact:
            lines.append(f"  {LAYER_TITLES.get(area.area, area.area)}: {fact}")
    for finding in report.errors():
        lines.append(f"  error [{finding.code}] {finding.title}")
    return lines


def _requirements(item: pytest.Item) -> Optional[Dict[str, Any]]:
    """The merged keyword arguments of every ``cuda`` mark on the item (closest wins)."""
    marks = list(item.iter_markers(name=MARKER))
    if not marks:
        return None
    merged: Dict[str, Any] = {}
    for mark in reversed(marks):  # farthest (module) first, closest (function) last
        if mark.args:
            pytest.fail(f"@pytest.mark.{MARKER} takes keyword arguments only, e.g. "
                        f"@pytest.mark.{MARKER}(min_compute_capability=\"8.0\"); got {mark.args!r}",
                        pytrace=False)
        merged.update({key: list(value) if isinstance(value, (tuple, set)) else value
                       for key, value in mark.kwargs.items()})
    merged.setdefault("require_gpu", True)
    return merged


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    requirements = _requirements(item)
    if requirements is None:
        return
    from .errors import UsageError

    try:
        report = _state(item.config).report_for(requirements)
    except UsageError as exc:
        from .redact import redact

        pytest.fail(redact(f"@pytest.mark.{MARKER}: {exc}"), pytrace=False)
    errors = report.errors()
    if errors:
        first = errors[0]
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        _skip(f"cudacheck: {first.title} [{first.code}]{more}")


def _skip(reason: str) -> None:
    """Skip, reported at the test's location (as skipif marks are), not at this file's; the
    reason is masked like all of cudacheck's output."""
    from .redact import redact

    reason = redact(reason)
    try:
        raise pytest.skip.Exception(reason, _use_item_location=True)
    except TypeError:  # a pytest without that keyword (< 7.1)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def cudacheck_report(request: pytest.FixtureRequest) -> "Report":
    """The Report of a quick check of this environment (computed once per session)."""
    return _state(request.config).project_report()
