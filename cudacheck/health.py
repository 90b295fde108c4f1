"""``cudacheck health``: the container/Kubernetes probe.

Exit 0 (healthy) or 1 (unhealthy) only, one line on stdout, always within
``--timeout``. This path avoids click and pydantic so it starts in a few tens of
milliseconds, and never imports torch.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from typing import TYPE_CHECKING, Optional, Sequence

if TYPE_CHECKING:
    from typing import NoReturn

from . import exit_codes
from .cli_options import add_argparse_options, argparse_timeout, requirements_from
from .errors import UsageError, internal_error

MIN_TIMEOUT = 0.5
"""A shorter ``--timeout`` is raised to this: the driver children need a moment to answer."""


class _ParserExit(Exception):
    """argparse wanted to exit: --help (status 0) or bad usage (reported as unhealthy)."""

    def __init__(self, status: int, message: str = "") -> None:
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    def exit(self, status: int = 0, message: Optional[str] = None) -> "NoReturn":
        raise _ParserExit(status, message or "")

    def error(self, message: str) -> "NoReturn":
        raise _ParserExit(exit_codes.UNHEALTHY, message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cudacheck health",
        description="Container health check: exit 0 when healthy, 1 otherwise (never 2), "
                    "one line of output, always within --timeout.")
    parser.add_argument("--timeout", type=argparse_timeout, default=10.0, metavar="SECONDS",
                        help="Give up and report unhealthy after this many seconds (default 10; "
                             f"at least {MIN_TIMEOUT}, at most 3600).")
    parser.add_argument("--deep", action="store_true",
                        help="Also import torch in a child process and run GPU smoke tests "
                             "(for readiness/startup probes).")
    parser.add_argument("--quiet", "-q", action="store_true", help="Print nothing; only the exit code.")
    add_argparse_options(parser, selection=True, python=True)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the health check and return its exit code (0 or 1).

    Bad usage (a flag, ``CUDACHECK_*`` or ``[tool.cudacheck]``) is one line on stderr and 1;
    the answer is one line on stdout (a line that cannot be written changes nothing: the
    exit code is the answer). No probe child outlives it.
    """
    try:
        args = _parser().parse_args(list(argv) if argv is not None else None)
    except _ParserExit as exc:
        if exc.status == 0:
            return exit_codes.HEALTHY  # --help
        _usage_error(str(exc))
        return exit_codes.UNHEALTHY
    timeout = max(MIN_TIMEOUT, args.timeout)
    _arm_watchdog(timeout, args.quiet)
    started = time.monotonic()
    try:
        line, healthy = _evaluate(args, timeout)
    except UsageError as exc:
        _disarm_watchdog()
        _usage_error(str(exc))
        return exit_codes.UNHEALTHY
    except Exception as exc:  # the last net: a health check answers (unhealthy), whatever happens
        line, healthy = f"unhealthy: {internal_error(exc)}", False
    finally:
        _stop_children()
    _disarm_watchdog()
    if not args.quiet:
        from .output import say

        say(f"{line} ({time.monotonic() - started:.2f}s)")
    return exit_codes.HEALTHY if healthy else exit_codes.UNHEALTHY


def _usage_error(message: str) -> None:
    from .output import error

    error(f"health: {message}")


def _stop_children(grace: float = 0.5) -> None:
    """Kill and reap every probe child still running (only an unkillable one stays)."""
    isolation = sys.modules.get("cudacheck.probes.isolation")
    if isolation is not None:
        isolation.stop_all(grace)


def _evaluate(args: argparse.Namespace, timeout: float) -> "tuple[str, bool]":
    from .probes import start
    from .probes.isolation import prefer_fork

    prefer_fork()  # this process is single-threaded: fork children rather than start interpreters
    collection = start("deep" if args.deep else "quick", timeout=timeout * 0.9, python=args.python,
                       use_activated=True)
    from .policy import resolve_policy
    from .rules.engine import check, load_rules

    policy = resolve_policy(requirements_from(vars(args)), origin="flag")
    if args.deep:  # a readiness probe that imports torch needs torch, unless the policy says otherwise
        policy.with_default("require_torch", True, "health --deep")

    load_rules()  # import the rules while the driver children work
    report = check(collection.finish(), policy, plan_remedies=False)  # one line: no remedy is printed
    errors = report.errors()
    if errors:
        first = errors[0]
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        return f"unhealthy: [{first.code}] {first.title}{more}", False
    snapshot = report.snapshot
    gpus = snapshot.nvml.gpus
    if gpus:
        names = sorted({g.name or "GPU" for g in gpus})
        what = f"{len(gpus)} GPU{'s' if len(gpus) != 1 else ''} ({', '.join(names)}), driver {snapshot.nvml.driver_version}"
    else:
        what = "no GPU in use" + ("" if policy.wants_gpu else " (none required)")
    warnings = report.summary.warnings
    return f"healthy: {what}" + (f"; {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""), True


def _arm_watchdog(timeout: float, quiet: bool) -> None:
    """Exit 1 at the deadline even if something in-process blocks (main thread only); the
    probe children are killed first, so none keeps stdout open (``health | cat`` ends)."""
    def expire(signum: int, frame: object) -> None:
        _stop_children(grace=0.1)
        if not quiet:
            try:
                os.write(1, f"unhealthy: no answer within {timeout:.1f}s\n".encode())
            except OSError:
                pass
        os._exit(exit_codes.UNHEALTHY)

    try:
        signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    except (ValueError, AttributeError, OSError):
        pass  # not the main thread, or no SIGALRM on this platform


def _disarm_watchdog() -> None:
    try:
        signal.setitimer(signal.ITIMER_REAL, 0)
    except (ValueError, AttributeError, OSError):
        pass

