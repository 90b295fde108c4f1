"""``cudacheck triage FILE|-``: diagnose a pasted bug report (thin over :func:`triage`)."""
from __future__ import annotations

import sys

import click

from .. import exit_codes


@click.command(name="triage")
@click.argument("source", metavar="FILE|-")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="Output format; markdown is ready to post as an issue reply.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("-v", "--verbose", is_flag=True, help="Show info details and docs links.")
def triage(source: str, fmt: str, strict: bool, verbose: bool) -> int:
    """Diagnose a pasted bug report: collect_env, nvidia-smi, pip/conda lists, docker run
    lines, tracebacks and free text, in any mix. Use - to read stdin.

    Exit status: 0 no errors, 1 errors found (or warnings with --strict), 2 unreadable input.
    """
    from ..output import emit, note
    from ..render import render
    from .core import triage as run_triage
    from .reader import read_path

    if source == "-" and _interactive_stdin():
        note("Paste the report, then press Ctrl-D on an empty line (Ctrl-Z, Enter on Windows).")
    pasted = read_path(source)  # secrets in the paste are masked here, before anything reads it
    report = run_triage(pasted)
    emit(render(report, fmt, verbose=verbose), json=fmt == "json")
    failed = report.summary.errors or (strict and report.summary.warnings)
    return exit_codes.FINDINGS if failed else exit_codes.OK


def _interactive_stdin() -> bool:
    """Whether ``-`` would wait on a person at a terminal (then say what to do, on stderr)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed or odd stdin: the reader reports it
        return False
