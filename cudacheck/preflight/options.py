"""Command-line options of ``python -m cudacheck.preflight`` (argparse: every rank parses them,
and a rank should not pay for importing more than it needs)."""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Optional

if TYPE_CHECKING:
    from typing import NoReturn

from ..cli_options import add_argparse_options, argparse_timeout, requirements_from
from ..errors import ConfigError, UsageError
from .bandwidth import parse_sizes

NCCL_SIZES = "1MiB,256MiB"
GLOO_SIZES = "1MiB,8MiB"
"""gloo on the CPU only stands in for NCCL: it measures memory and loopback TCP, not GPU links,
so a dry run uses a smaller large size to stay quick."""


@dataclass
class Options:
    """Parsed preflight options."""

    fmt: str = "text"
    output: Optional[str] = None
    allow_cpu: bool = False
    strict: bool = False
    level: str = "standard"
    check_timeout: float = 30.0
    gather_timeout: float = 60.0
    barrier_timeout: float = 30.0
    collectives: bool = True
    collective_timeout: float = 120.0
    backend: str = "auto"  # auto | nccl | gloo
    sizes: Optional[List[int]] = None  # None: by backend
    iters: Optional[int] = None
    warmup: Optional[int] = None
    min_busbw: Optional[float] = None
    expect_world_size: Optional[int] = None
    run_id: Optional[str] = None
    requirements: Dict[str, Any] = field(default_factory=dict)


class _Parser(argparse.ArgumentParser):
    """Bad usage is a UsageError (one line and exit 2, like every command), not argparse's usage text."""

    def error(self, message: str) -> "NoReturn":
        raise UsageError(message)


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m cudacheck.preflight",
        description="Check every rank of a job before it trains: each rank's environment, drift between "
                    "ranks, a gloo barrier that names hung ranks, and NCCL all_reduce/all_gather in a child "
                    "with a deadline. Run under torchrun, srun, or alone. Exit status (every rank): 0 all "
                    "good, 1 a rank or link failed, 2 environment problem (no torch, no CUDA, no GPU).")
    p.add_argument("--format", dest="fmt", choices=("text", "markdown", "json"), default="text",
                   help="What rank 0 prints (default text).")
    p.add_argument("-o", "--output", metavar="FILE", help="Rank 0 also writes the JSON report to FILE.")
    p.add_argument("--allow-cpu", action="store_true",
                   help="A dry run without GPUs: no CUDA is not an error, and gloo stands in for NCCL.")
    p.add_argument("--strict", action="store_true", help="Warnings (drift, slow ranks, rank warnings) fail too.")
    p.add_argument("--deep", action="store_true", help="Each rank's check also imports torch (in a child).")
    p.add_argument("--check-timeout", type=argparse_timeout, default=30.0, metavar="S", help="Deadline of each rank's check.")
    p.add_argument("--gather-timeout", type=argparse_timeout, default=60.0, metavar="S",
                   help="Rank 0 names ranks whose report has not arrived this long after it started.")
    p.add_argument("--barrier-timeout", type=argparse_timeout, default=30.0, metavar="S",
                   help="Deadline for the gloo group and its monitored barrier.")
    p.add_argument("--no-collectives", dest="collectives", action="store_false", help="Skip the collective test.")
    p.add_argument("--collective-timeout", type=argparse_timeout, default=120.0, metavar="S",
                   help="Deadline of each rank's collective child (process group, checks and timing).")
    p.add_argument("--backend", choices=("auto", "nccl", "gloo"), default="auto",
                   help="auto: NCCL when every rank has CUDA torch and a GPU, else gloo (with --allow-cpu).")
    p.add_argument("--sizes", metavar="LIST", help=f"Message sizes (default {NCCL_SIZES}; {GLOO_SIZES} on gloo).")
    p.add_argument("--iters", type=int, metavar="N", help="Timed iterations per size (default 20; 5 on gloo).")
    p.add_argument("--warmup", type=int, metavar="N", help="Warm-up iterations per size (default 5; 1 on gloo).")
    p.add_argument("--min-busbw", type=float, metavar="GBPS",
                   help="Fail a rank whose bus bandwidth on the largest size is below this (GB/s).")
    p.add_argument("--expect-world-size", type=int, metavar="N",
                   help="Fail when the launcher started fewer ranks (a node that never joined).")
    p.add_argument("--run-id", metavar="ID", help="Key prefix in the store (default: the launcher's run id).")
    add_argparse_options(p)
    return p


def parse(argv: Optional[List[str]] = None) -> Options:
    """Options from ``argv``; bad values raise UsageError with one clear line."""
    args = parser().parse_args(argv)
    for name in ("iters", "warmup"):
        value = getattr(args, name)
        if value is not None and value < (1 if name == "iters" else 0):
            raise UsageError(f"--{name} must be at least {1 if name == 'iters' else 0}")
    try:
        sizes = parse_sizes(args.sizes) if args.sizes else None
    except ConfigError:
        raise
    except ValueError as exc:
        raise UsageError(f"--sizes: {exc}") from None
    return Options(fmt=args.fmt, output=args.output, allow_cpu=args.allow_cpu, strict=args.strict,
                   level="deep" if args.deep else "standard", check_timeout=args.check_timeout,
                   gather_timeout=args.gather_timeout, barrier_timeout=args.barrier_timeout,
                   collectives=args.collectives, collective_timeout=args.collective_timeout, backend=args.backend,
                   sizes=sizes, iters=args.iters, warmup=args.warmup, min_busbw=args.min_busbw,
                   expect_world_size=args.expect_world_size, run_id=args.run_id,
                   requirements=requirements_from(vars(args)))
