"""Commands ``diff``, ``fleet`` and ``fleet-file``: options here, logic in the package."""
from __future__ import annotations

from typing import Optional, Tuple

import click

from .. import exit_codes
from ..cli_options import click_options, requirements_from
from ..errors import UsageError


def _policy(options: dict, no_config: bool):
    from ..policy import resolve_policy

    return resolve_policy(requirements_from(options), use_config=not no_config)


def _echo(text: str, fmt: str = "json") -> None:
    """Print a rendered result; text is fitted to the terminal's width."""
    from ..output import emit

    if fmt == "text":
        from ..render.wrap import fit, terminal_width

        text = fit(text, terminal_width())
    emit(text, json=fmt == "json")


@click.command()
@click.argument("a", metavar="A.json")
@click.argument("b", metavar="B.json")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--no-config", is_flag=True, help="Ignore [tool.cudacheck] and CUDACHECK_* variables.")
@click_options
def diff(a: str, b: str, fmt: str, no_config: bool, **options) -> int:
    """Compare two machines (snapshots or reports): what differs that matters, most consequential first.

    Exit status: 0 nothing that matters differs, 1 differences, 2 bad usage.
    """
    from .diff import compare
    from .loading import load_one
    from .render import render_diff

    first, second = load_one(a), load_one(b)
    result = compare(first.snapshot, second.snapshot, first.name, second.name, _policy(options, no_config))
    _echo(render_diff(result, fmt), fmt)
    return exit_codes.FINDINGS if result.matters else exit_codes.OK


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="FILES|DIR...")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings and warning-level drift too.")
@click.option("--no-config", is_flag=True, help="Ignore [tool.cudacheck] and CUDACHECK_* variables.")
@click.option("-v", "--verbose", is_flag=True, help="List every machine's verdict.")
@click_options
def fleet(paths: Tuple[str, ...], fmt: str, strict: bool, no_config: bool, verbose: bool, **options) -> int:
    """Survey many saved snapshots (a folder from a DaemonSet or Slurm prolog, a preflight's JSON):
    the drift table, each machine's findings, and a summary.

    Exit status: 0 no errors, 1 a machine has errors, a fact drifts in a way that matters, or a file is
    unreadable (warnings too with --strict), 2 bad usage.
    """
    from .loading import load_machines
    from .render import render_fleet
    from .survey import survey

    machines, unreadable = load_machines(paths)
    if not machines:
        reason = unreadable[0].error if unreadable else f"no *.json files in {' '.join(paths)}"
        raise UsageError(reason if len(unreadable) <= 1 else f"none of the {len(unreadable)} files is a snapshot "
                                                             f"(first: {reason})")
    result = survey(machines, unreadable, _policy(options, no_config))
    _echo(render_fleet(result, fmt, verbose=verbose), fmt)
    failed = result.summary.status == "errors" or (strict and result.summary.status == "warnings")
    return exit_codes.FINDINGS if failed else exit_codes.OK


@click.command("fleet-file")
@click.option("--from-k8s", "nodes_json", metavar="NODES.json", required=True,
              help="`kubectl get nodes -o json` output (- for standard input).")
@click.option("--format", "fmt", type=click.Choice(["toml", "json"]), default="toml", show_default=True)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
def fleet_file(nodes_json: str, fmt: str, output: Optional[str]) -> None:
    """Write a fleet file (targets for `doctor --targets`) from Kubernetes node labels
    (NVIDIA GPU Feature Discovery): one target per (driver, GPU product, count) group."""
    from .k8s import read_nodes, targets_from_nodes
    from .targets import dump_targets

    from ..output import check_writable, write_file

    if output is not None:
        check_writable(output, "--output")  # before reading: a bad path fails at once
    text = dump_targets(targets_from_nodes(read_nodes(nodes_json)), fmt)
    if output is not None:
        write_file(output, text, "--output")
    else:
        _echo(text, "json" if fmt == "json" else "toml")


def doctor_targets(specs: Tuple[str, ...], files: Tuple[str, ...], *, snapshot_file: Optional[str], deep: bool,
                   timeout: float, policy, fmt: str, verbose: bool, strict: bool, python: Optional[str] = None,
                   output: Optional[str] = None) -> int:
    """``cudacheck doctor --target/--targets``: probe this environment once, judge it on every target;
    the exit status (1 when any target fails)."""
    from .render import render_whatif
    from .targets import collect_targets
    from .whatif import judge_targets

    if deep:
        raise UsageError("--deep cannot be combined with --target: deep results describe this machine, not a target")
    if fmt == "prometheus":
        raise UsageError("--format prometheus describes one machine; with --target use text, markdown or json")
    targets = collect_targets(specs, files)
    if snapshot_file:
        from ..serialize import load_snapshot

        snapshot = load_snapshot(snapshot_file)
    else:
        from ..probes import collect
        from ..probes.isolation import prefer_fork

        prefer_fork()
        snapshot = collect("standard", timeout=timeout, python=python, use_activated=True)
    result = judge_targets(snapshot, targets, policy)
    text = render_whatif(result, fmt, verbose=verbose)
    if output is not None:
        from ..output import write_file

        write_file(output, text, "--output")
    else:
        _echo(text, fmt)
    return exit_codes.FINDINGS if result.failed(strict) else exit_codes.OK
