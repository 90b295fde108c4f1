"""``cudacheck preflight``: the same as ``python -m cudacheck.preflight`` (for ``srun cudacheck preflight``)."""
from __future__ import annotations

import click


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []})
@click.pass_context
def preflight(ctx: click.Context) -> int:
    """Check every rank of a job (torchrun, srun, Kubernetes): exit 0/1/2; see `cudacheck preflight --help`."""
    from .main import main

    return main(ctx.args)
