"""Entry point of every rank: parse options, find the launch, run, and always leave with 0/1/2."""
from __future__ import annotations

import os
import sys
from typing import List, Optional

from .report import EXIT_ENVIRONMENT, EXIT_FAILED


def main(argv: Optional[List[str]] = None) -> int:
    """Run this rank's preflight; returns only for usage errors (exit status 2).

    Otherwise the process leaves through ``os._exit`` once its output is flushed: the
    process groups' and the store's native threads are not torn down (a torn-down gloo
    group can abort at interpreter exit), and a child stuck in the kernel is not waited for.
    """
    from ..errors import UsageError, internal_error
    from ..output import error, note
    from .launch import detect
    from .options import parse

    try:
        options = parse(sys.argv[1:] if argv is None else argv)
        launch = detect(run_id=None)
        if options.run_id:
            launch.run_id = options.run_id
        policy = _policy(options)
    except UsageError as exc:
        error(f"preflight: {exc}")
        return EXIT_ENVIRONMENT
    from ..probes.isolation import prefer_fork
    from .coordinator import Rank

    prefer_fork()  # single-threaded until torch is imported: fork the check child instead of a new interpreter
    rank = Rank(options, launch, policy)
    import signal

    signal.signal(signal.SIGTERM, rank.stop)
    code = EXIT_FAILED
    try:
        code = rank.run()
    except Exception as exc:  # noqa: BLE001  (the last net: a bug must still end the rank cleanly, with a reason)
        note(f"cudacheck preflight: rank {launch.rank}: {internal_error(exc)}")
        rank._error_file(f"cudacheck preflight: {internal_error(exc)}")
    finally:
        rank.cleanup()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _policy(options) -> dict:
    """The requirements each rank's check applies: a GPU unless --allow-cpu, plus the options given."""
    from ..policy import resolve_policy

    requirements = dict(options.requirements)
    if not options.allow_cpu:
        requirements["require_gpu"] = True
    return resolve_policy(requirements).as_dict()
