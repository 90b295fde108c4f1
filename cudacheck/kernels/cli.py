"""``cudacheck kernels``: the kernel inventory as a table or JSON (thin over the library)."""
from __future__ import annotations

import json
import os
import time
from typing import List, Optional, Tuple

import click

from .. import exit_codes
from ..cli_options import click_python_option
from ..output import emit


def resolve_gpu(name: str):
    """A ``--gpu`` value (``8.6``, ``sm_86``, ``RTX 4090``) → (label, Arch); UsageError if unknown."""
    from ..compat.archs import parse_arch
    from ..compat.db import default_db
    from ..compat.queries import gpu_query
    from ..errors import UsageError

    arch = parse_arch(name)
    if arch is not None:
        return arch.cc, arch
    row = gpu_query(default_db(), name)  # UsageError naming the closest products
    label = row["name"] or name  # a family that agrees on compute capability ("A100") has no one name
    arch = parse_arch(row["compute_capability"] or "")
    if arch is None:
        raise UsageError(f"--gpu: compute capability of {label!r} is not known")
    return label, arch


def _visible_gpus(timeout: float, errors) -> Tuple[list, Optional[str]]:
    """The GPUs NVML sees (in a child with a deadline) and the driver's CUDA version."""
    from ..compat.archs import parse_arch
    from ..compat.db import default_db
    from ..probes.driver import nvml_facts
    from ..probes.isolation import Child, prefer_fork
    from .table import JudgedGpu

    prefer_fork()
    nvml = nvml_facts(Child("nvml_child.py"), time.monotonic() + timeout, errors)
    gpus = []
    for gpu in nvml.gpus:
        arch = parse_arch(gpu.compute_capability or "")
        if arch is None:
            row = default_db().gpu_index.match(gpu.name)
            arch = parse_arch(row.compute_capability or "") if row else None
        if arch is not None:
            gpus.append(JudgedGpu(f"GPU {gpu.index} {gpu.name or ''}".strip(), arch))
    return gpus, nvml.cuda_driver_version


@click.command()
@click.option("--format", "fmt", default="text", show_default=True, metavar="text|json", help="Output format.")
@click.option("--gpu", "gpu_names", multiple=True, metavar="NAME|CC",
              help="Judge for this GPU instead of the visible ones: a product name or a compute capability "
                   "(repeatable).")
@click.option("--driver-cuda", metavar="X.Y", help="With --gpu: the driver's CUDA version, to judge PTX JIT.")
@click.option("--timeout", default="10", show_default=True, metavar="SECONDS",
              help="Upper bound for asking NVML which GPUs are visible.")
@click.option("--no-cache", is_flag=True, help="Scan every file again instead of using the per-file cache.")
@click_python_option
def kernels(fmt: str, gpu_names: Tuple[str, ...], driver_cuda: Optional[str], timeout: str,
            no_cache: bool, python: Optional[str]) -> int:
    """List the GPU code torch and every installed CUDA extension carry, read from their files.

    Per library: the SASS and PTX targets (those most kernels carry; +N counts targets
    only some kernels have), the CUDA runtime it links, its torch interface, and a
    verdict per GPU. Exit status: 0 every library runs on every GPU judged, 1 some
    kernels cannot run there, 2 bad usage.
    """
    from ..errors import UsageError
    from ..probes.container import allowed_env
    from ..probes.torch_build import torch_facts
    from ..versions import major_minor
    from .cache import ScanCache, default_path
    from .inventory import kernel_facts
    from .table import JudgedGpu, any_failure, inventory_view, render_text

    if fmt not in ("text", "json"):
        raise UsageError(f"--format: expected text or json, got {fmt!r}")
    try:
        seconds = float(timeout)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds <= 3600:
        raise UsageError(f"--timeout: expected seconds between 0 and 3600, got {timeout!r}")
    if driver_cuda is not None and major_minor(driver_cuda) is None:
        raise UsageError(f"--driver-cuda: not a CUDA version: {driver_cuda!r}")
    from ..probes import environment

    inspected = environment.query(environment.select(python, use_activated=True),
                                  timeout=environment.query_timeout(seconds))
    search_path = environment.search_path(inspected)
    errors: List = []
    if gpu_names:
        gpus = [JudgedGpu(*resolve_gpu(name)) for name in gpu_names]
        visible_cuda = driver_cuda
    else:
        gpus, visible_cuda = _visible_gpus(seconds, errors)
        visible_cuda = driver_cuda or visible_cuda
    user_site = os.path.expanduser(inspected.user_site) if search_path is not None and inspected.user_site else None
    torch = torch_facts(search_path, user_site=user_site)
    cache = ScanCache(None if no_cache else default_path())
    inventory = kernel_facts(torch, allowed_env(), errors=errors, cache=cache, search_path=search_path)
    view = inventory_view(inventory, torch, gpus, visible_cuda, [e for e in errors if e.probe == "kernels"]
                          if gpu_names else errors, environment=inspected)
    emit(json.dumps(view, indent=2) if fmt == "json" else render_text(view), json=fmt == "json")
    return exit_codes.FINDINGS if any_failure(view) else exit_codes.OK
