"""The command line: thin over the library. Options are parsed here, everything else
lives in the library. ``health`` bypasses click to start fast (see :mod:`cudacheck.health`)."""
from __future__ import annotations

import errno
import sys
from typing import List, Optional

from . import exit_codes


def main(argv: Optional[List[str]] = None) -> None:
    """Console entry point: every outcome is an exit code and at most one line on stderr."""
    from .output import prepare_streams

    prepare_streams()
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["health"]:
        from .health import main as health_main

        sys.exit(health_main(args[1:]))
    sys.exit(run(args))


def run(args: List[str]) -> int:
    """Run a click command and turn what it returned or raised into an exit code and at most
    one line (the error policy: :mod:`cudacheck.errors`)."""
    import click

    from .errors import internal_error
    from .output import error

    try:
        result = _build().main(args=args, prog_name="cudacheck", standalone_mode=False)
        return result if isinstance(result, int) else exit_codes.OK
    except click.exceptions.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help, as click shows it
            _help_to_stderr(exc.format_message())
            return exit_codes.USAGE
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        error(exc.format_message() + hint)
        return exit_codes.USAGE
    except click.ClickException as exc:
        error(exc.format_message())
        return exit_codes.USAGE
    except (click.Abort, KeyboardInterrupt):
        error("interrupted")
        return exit_codes.INTERRUPTED
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            return exit_codes.OK  # the reader of stdout went away (| head)
        if exc.errno in _OUTPUT_ERRNOS:
            error(f"cannot write output: {exc.strerror or exc}")
            return exit_codes.USAGE
        error(internal_error(exc))
        return exit_codes.INTERNAL
    except Exception as exc:  # the last net: a bug must still end in one line, never a traceback
        error(internal_error(exc))
        return exit_codes.INTERNAL
    finally:
        _stop_children()


_OUTPUT_ERRNOS = (errno.ENOSPC, errno.EIO, errno.EBADF, errno.EDQUOT, errno.EFBIG)


def _help_to_stderr(text: str) -> None:
    from .output import note

    note(text)


def _stop_children() -> None:
    """No probe child outlives the command, whatever ended it."""
    isolation = sys.modules.get("cudacheck.probes.isolation")
    if isolation is not None:
        isolation.stop_all()


def _collect(level: str, timeout: float, python: Optional[str]):
    """Probe at ``level`` the environment the command line names (``--python``, else an
    activated one that is not cudacheck's own, else cudacheck's own)."""
    from .probes import collect
    from .probes.isolation import prefer_fork

    prefer_fork()  # the CLI is single-threaded: fork probe children instead of new interpreters
    return collect(level, timeout=timeout, python=python, use_activated=True)


def _build():
    import click

    from ._version import __version__
    from .cli_options import (click_options, click_python_option, click_selection_options, click_timeout_option,
                              requirements_from)
    from .errors import UsageError
    from .output import check_writable, emit, error, write_file

    class Group(click.Group):
        """A command's returned status is the exit status; bad input (a UsageError: a file, a
        value, unwritable output) ends as one line and exit 2. Command groups in other modules
        load only when used."""

        lazy = {"compat": "cudacheck.compat.cli:compat", "triage": "cudacheck.triage.cli:triage",
                "kernels": "cudacheck.kernels.cli:kernels",
                "diff": "cudacheck.fleet.cli:diff", "fleet": "cudacheck.fleet.cli:fleet",
                "fleet-file": "cudacheck.fleet.cli:fleet_file", "preflight": "cudacheck.preflight.cli:preflight"}

        def list_commands(self, ctx: click.Context):
            return sorted(set(super().list_commands(ctx)) | set(self.lazy))

        def get_command(self, ctx: click.Context, name: str):
            if name in self.lazy and name not in self.commands:
                import importlib

                module, attribute = self.lazy[name].split(":")
                self.add_command(getattr(importlib.import_module(module), attribute), name)
            return super().get_command(ctx, name)

        def invoke(self, ctx: click.Context):
            try:
                status = super().invoke(ctx)
            except UsageError as exc:
                error(str(exc))
                status = exit_codes.USAGE
            if isinstance(status, int) and status != exit_codes.OK:
                ctx.exit(status)
            return status

    @click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, "--version", prog_name="cudacheck")
    @click.option("--compat-data", "compat_data", metavar="DIR",
                  help="Use the compatibility tables in DIR (newer tables without upgrading cudacheck; "
                       "tables missing there come from the shipped data). Also CUDACHECK_COMPAT_DATA=DIR.")
    def cli(compat_data: Optional[str]) -> None:
        """Diagnose why PyTorch and an NVIDIA GPU don't get along.

        \b
        cudacheck doctor            check this machine, with remedies
        cudacheck health            HEALTHCHECK / Kubernetes probe (exit 0/1)
        cudacheck triage FILE       diagnose a pasted bug report
        cudacheck compat plan ...   which torch wheels fit a driver and GPU
        cudacheck preflight         every rank of a job: drift, hangs, NCCL
        cudacheck fleet DIR         drift and findings over many snapshots
        """
        import os

        if compat_data or os.environ.get("CUDACHECK_COMPAT_DATA"):
            from .compat.db import default_db, use_compat_data

            if compat_data:
                use_compat_data(compat_data)
            else:
                default_db()  # validates CUDACHECK_COMPAT_DATA before any probing

    @cli.command()
    @click.option("--deep", is_flag=True, help="Also import torch in a child process and run GPU smoke tests.")
    @click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "prometheus", "html"]),
                  default="text", show_default=True, help="Output format.")
    @click.option("--snapshot", "snapshot_file", metavar="FILE",
                  help="Judge a saved snapshot (from `cudacheck snapshot`) instead of probing.")
    @click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
    @click_timeout_option(30.0, "Upper bound for probing (children that hang are killed).")
    @click.option("--no-config", is_flag=True, help="Ignore [tool.cudacheck] and CUDACHECK_* variables.")
    @click.option("-v", "--verbose", is_flag=True, help="Show info details, docs links and probe errors.")
    @click.option("--target", "target_specs", multiple=True, metavar="KEY=VALUE,...",
                  help="Judge this environment on an assumed machine: driver=535.104.05,gpu=A100[,count=8,"
                       "brand=tesla,name=…] (repeatable; see docs/fleet.md).")
    @click.option("--targets", "target_files", multiple=True, metavar="FILE",
                  help="Targets from a fleet file (TOML/JSON, `cudacheck fleet-file`) or a node's snapshot.")
    @click_python_option
    @click.option("-o", "--output", metavar="FILE", help="Write the report to FILE (any --format) instead of stdout.")
    @click_selection_options
    @click_options
    def doctor(deep: bool, fmt: str, snapshot_file: Optional[str], strict: bool, timeout: float,
               no_config: bool, verbose: bool, target_specs: tuple, target_files: tuple, python: Optional[str],
               output: Optional[str], **options) -> int:
        """Check this machine (or a saved snapshot) and explain every problem with its fix.

        The Python environment inspected is --python, else an activated VIRTUAL_ENV or
        CONDA_PREFIX that is not cudacheck's own, else cudacheck's own; the report names it.
        Exit status: 0 no errors, 1 errors found (or warnings with --strict), 2 bad usage.
        """
        from .policy import resolve_policy
        from .render import render
        from .rules.engine import check, validate_selection

        policy = resolve_policy(requirements_from(options), use_config=not no_config, origin="flag")
        if policy.select or policy.ignore:
            validate_selection(policy)  # before probing: a typo fails at once
        if python is not None and snapshot_file is not None:
            raise UsageError("--python cannot be combined with --snapshot: a saved snapshot names its own environment")
        if output is not None:
            check_writable(output, "--output")
        if target_specs or target_files:  # what-if: this environment on other machines
            from .fleet.cli import doctor_targets

            return doctor_targets(target_specs, target_files, snapshot_file=snapshot_file, deep=deep,
                                  timeout=timeout, policy=policy, fmt=fmt, verbose=verbose, strict=strict,
                                  python=python, output=output)
        if snapshot_file is not None:
            from .serialize import load_snapshot

            snapshot = load_snapshot(snapshot_file)
        else:
            snapshot = _collect("deep" if deep else "standard", timeout, python)
        report = check(snapshot, policy)
        if output is not None:  # a file: UTF-8, no colour, 80 columns, whatever the terminal is
            from .render.style import FILE_STYLE

            text = render(report, fmt, verbose=verbose, style=FILE_STYLE, width=80)
        else:
            text = render(report, fmt, verbose=verbose)
        if output is not None:
            write_file(output, text, "--output")
        else:
            emit(text, json=fmt == "json")
        failed = report.summary.errors or (strict and report.summary.warnings)
        return exit_codes.FINDINGS if failed else exit_codes.OK

    @cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                   "help_option_names": []})
    @click.pass_context
    def health(ctx: click.Context) -> int:
        """Container health check: exit 0 healthy, 1 unhealthy; see `cudacheck health --help`."""
        from .health import main as health_main

        return health_main(ctx.args)

    @cli.command()
    @click.option("--deep", is_flag=True, help="Include the deep (torch-importing, child process) probes.")
    @click.option("--level", type=click.Choice(["quick", "standard", "deep"]), default=None,
                  help="Probe level (default standard; --deep means deep).")
    @click_timeout_option(30.0, "Upper bound for probing (children that hang are killed).")
    @click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")
    @click_python_option
    def snapshot(deep: bool, level: Optional[str], timeout: float, output: Optional[str],
                 python: Optional[str]) -> None:
        """Print the Snapshot (facts only) as JSON, to attach to a bug report or replay later."""
        from .serialize import dumps

        if output is not None:
            check_writable(output, "--output")  # before probing: a bad path fails at once
        text = dumps(_collect(level or ("deep" if deep else "standard"), timeout, python))
        if output is not None:
            write_file(output, text, "--output")
        else:
            emit(text, json=True)

    @cli.command()
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    def rules(fmt: str) -> None:
        """List every rule: code, slug, category and what it checks."""
        from .rules.docs import rules_json, rules_table

        emit(rules_json() if fmt == "json" else rules_table(), json=fmt == "json")

    @cli.command()
    @click.argument("code_or_slug")
    def explain(code_or_slug: str) -> None:
        """Explain one rule by code (CC201) or slug (gpu-arch-not-in-build)."""
        from .rules.docs import explain as explain_rule

        emit(explain_rule(code_or_slug))

    @cli.command()
    def schema() -> None:
        """Print the JSON Schema of the report (`doctor --format json`)."""
        import json

        from .serialize import report_json_schema

        emit(json.dumps(report_json_schema(), indent=2), json=True)

    return cli


if __name__ == "__main__":  # pragma: no cover
    main()
