"""Options shared by the commands that judge, declared once for click and for the
click-free ``health`` fast path: the requirements, which rules to report
(``--select``/``--ignore``) and which Python environment to inspect (``--python``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple


@dataclass(frozen=True)
class RequirementOption:
    """One policy requirement as a command-line option."""

    flag: str
    key: str
    help: str
    is_flag: bool = False
    multiple: bool = False
    metavar: Optional[str] = None


REQUIREMENT_OPTIONS: Tuple[RequirementOption, ...] = (
    RequirementOption("--require-gpu", "require_gpu", "Fail unless at least one GPU is usable.", is_flag=True),
    RequirementOption("--min-gpus", "min_gpus", "Fail with fewer visible GPUs.", metavar="N"),
    RequirementOption("--min-compute-capability", "min_compute_capability",
                      "Fail if a GPU is below this compute capability (e.g. 8.0).", metavar="X.Y"),
    RequirementOption("--min-gpu-memory", "min_gpu_memory", "Fail if a GPU has less memory (e.g. 40GiB).",
                      metavar="SIZE"),
    RequirementOption("--feature", "features", "Require a feature: bf16, tf32, fp8 (repeatable).",
                      multiple=True, metavar="NAME"),
    RequirementOption("--min-shm", "min_shm", "Fail if /dev/shm is smaller (e.g. 8GiB).", metavar="SIZE"),
    RequirementOption("--require-torch", "require_torch",
                      "Fail unless torch is installed (default for `health --deep` and assert_ready(); "
                      "set CUDACHECK_REQUIRE_TORCH=0 or require-torch = false to say it is not needed).",
                      is_flag=True),
)


SELECTION_OPTIONS: Tuple[RequirementOption, ...] = (
    RequirementOption("--select", "select",
                      "Report only these rules: codes, code prefixes (CC2) or slugs, comma-separated or "
                      "repeated (default: all; also [tool.cudacheck] select).", multiple=True, metavar="RULES"),
    RequirementOption("--ignore", "ignore",
                      "Do not report these rules: codes, code prefixes or slugs, comma-separated or repeated; "
                      "they are counted as ignored (also [tool.cudacheck] ignore).", multiple=True, metavar="RULES"),
)

PYTHON_HELP = ("Inspect the Python environment of this interpreter (or environment folder, or command "
               "such as python3.12) instead of an activated VIRTUAL_ENV/CONDA_PREFIX or cudacheck's own.")


def requirements_from(values: Dict[str, Any]) -> Dict[str, Any]:
    """Keep only the requirement and rule-selection options that were given."""
    given: Dict[str, Any] = {}
    for option in REQUIREMENT_OPTIONS + SELECTION_OPTIONS:
        value = values.get(option.key)
        if value in (None, False, (), []):
            continue
        given[option.key] = list(value) if option.multiple else value
    return given


def click_options(function):
    """Decorate a click command with every requirement option."""
    return _click(function, REQUIREMENT_OPTIONS)


def click_selection_options(function):
    """Decorate a click command with ``--select`` and ``--ignore``."""
    return _click(function, SELECTION_OPTIONS)


def click_python_option(function):
    """Decorate a click command with ``--python PATH``."""
    import click

    return click.option("--python", "python", metavar="PATH", default=None, help=PYTHON_HELP)(function)


def _click(function, options: Tuple[RequirementOption, ...]):
    import click

    for option in reversed(options):
        kwargs: Dict[str, Any] = {"help": option.help, "default": None}
        if option.is_flag:
            kwargs.update(is_flag=True, default=False)
        if option.multiple:
            kwargs.update(multiple=True, default=())
        if option.metavar:
            kwargs["metavar"] = option.metavar
        function = click.option(option.flag, option.key, **kwargs)(function)
    return function


def click_timeout_option(default: float, help: str):
    """A ``--timeout SECONDS`` click option checked by :func:`cudacheck.policy.parse_timeout`."""
    import click

    def check(ctx: "click.Context", param: "click.Parameter", value: Any) -> float:
        from .errors import UsageError
        from .policy import parse_timeout

        try:
            return parse_timeout(value, "--timeout")
        except UsageError as exc:
            raise click.BadParameter(str(exc).split(": ", 1)[-1], ctx=ctx, param=param) from None

    return click.option("--timeout", default=default, show_default=True, metavar="SECONDS",
                        callback=check, help=help)


def argparse_timeout(text: str) -> float:
    """``type=`` for an argparse ``--timeout``: :func:`cudacheck.policy.parse_timeout`."""
    import argparse

    from .errors import UsageError
    from .policy import parse_timeout

    try:
        return parse_timeout(text, "--timeout")
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc).split(": ", 1)[-1]) from None


def add_argparse_options(parser, selection: bool = False, python: bool = False) -> None:
    """Add every requirement option to an argparse parser (and ``--select``/``--ignore``,
    ``--python`` when asked)."""
    if python:
        parser.add_argument("--python", dest="python", metavar="PATH", default=None, help=PYTHON_HELP)
    for option in REQUIREMENT_OPTIONS + (SELECTION_OPTIONS if selection else ()):
        if option.is_flag:
            parser.add_argument(option.flag, dest=option.key, action="store_true", help=option.help)
        elif option.multiple:
            parser.add_argument(option.flag, dest=option.key, action="append", default=[],
                                metavar=option.metavar, help=option.help)
        else:
            parser.add_argument(option.flag, dest=option.key, metavar=option.metavar, help=option.help)
