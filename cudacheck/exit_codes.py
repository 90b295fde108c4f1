"""Process exit codes, named once (see DESIGN.md "Exit codes")."""
from __future__ import annotations

OK = 0
"""doctor/triage: no error findings (warnings allowed unless --strict)."""
FINDINGS = 1
"""doctor/triage: error findings (or warnings under --strict)."""
USAGE = 2
"""Bad usage or unreadable input."""
INTERNAL = 70
"""cudacheck itself failed outside its rules and probes (a bug reached the last net: see
:mod:`cudacheck.errors`); the one line on stderr says so. ``EX_SOFTWARE`` of sysexits.h: a CI
gate fails on it as on findings, and it is told apart from both findings (1) and bad input (2).
Never from ``health`` (1 there)."""
INTERRUPTED = 130
"""Stopped by Ctrl-C (SIGINT), as shells report it."""

HEALTHY = 0
"""health: the environment is usable."""
UNHEALTHY = 1
"""health: anything else. Docker reserves 2, so health never returns it."""
