"""A rank's own check, run as a child of the rank: probe this machine, judge it, print the
report as JSON. A crash or hang here costs the rank its report, never its life.

Arguments: one JSON object ``{"rank", "level", "timeout", "policy", "env"}``; ``env`` holds the
variables this check sees differently from its rank (``CUDA_VISIBLE_DEVICES`` narrowed to the
rank's own GPU). They are set before anything is probed, so the probes and their children see them.
"""
from __future__ import annotations

import json
import sys


def main(argv) -> None:
    import os

    config = json.loads(argv[1])
    os.environ.update(config.get("env") or {})
    from cudacheck.preflight.faults import faults_for, hang

    faults = faults_for(config["rank"])
    if "crash-check" in faults:
        import ctypes

        ctypes.string_at(0)  # SIGSEGV, as a broken native library would
    if "hang-check" in faults:
        hang()
    from cudacheck.policy import Policy
    from cudacheck.probes import collect
    from cudacheck.rules.engine import check
    from cudacheck.serialize import dumps

    snapshot = collect(config["level"], timeout=config["timeout"])
    report = check(snapshot, Policy(**config["policy"]))
    sys.stdout.write(dumps(report, indent=None))


if __name__ == "__main__":
    main(sys.argv)  # no sys.exit: a forked child leaves through its runner, which reads SystemExit as a failure
