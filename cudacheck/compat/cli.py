"""``cudacheck compat``: query the compatibility tables before building an image."""
from __future__ import annotations

import json
from typing import Any, Dict, Optional, Tuple

import click

from .db import default_db
from .queries import cuda_query, gpu_query, nccl_query, plan_query, support_text, torch_query

_FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                       show_default=True, help="Output format.")


@click.group()
def compat() -> None:
    """Query the compatibility tables (drivers, GPUs, torch wheels).

    \b
    cudacheck compat cuda 12.4       minimum drivers, nvcc targets, releases
    cudacheck compat gpu 4090        compute capability, architecture
    cudacheck compat gpu "RTX 6000"  every product an ambiguous name can mean
    cudacheck compat torch 2.8.0     Python range, CUDA variants, arch lists
    cudacheck compat nccl 2.27.3     CUDA majors, oldest GPU its kernels cover
    cudacheck compat plan --driver 535.104.05 --gpu A100 [--python 3.11]
                                     every official wheel that runs there
    """


def _emit(data: Dict[str, Any], fmt: str, text: str) -> None:
    from ..output import emit

    if fmt != "json":
        from ..render.wrap import fit, terminal_width

        text = fit(text, terminal_width())
    emit(json.dumps(data, indent=2) if fmt == "json" else text, json=fmt == "json")


@compat.command()
@click.argument("version")
@_FORMAT
def cuda(version: str, fmt: str) -> None:
    """Minimum drivers and nvcc targets of CUDA VERSION (e.g. 12.4)."""
    data = cuda_query(default_db(), version)
    floor = data["minor_compat_floor"]
    branch = f", driver branch {data['driver_branch']}" if data["driver_branch"] else ""
    lines = [f"CUDA {data['cuda']}",
             f"  minimum driver (full features): Linux {data['min_driver']['linux'] or 'not published'}, "
             f"Windows {data['min_driver']['windows'] or 'n/a'}{branch}"]
    if floor:
        lines.append(f"  minor-version compatibility floor: Linux {floor['linux']}, Windows {floor['windows'] or 'n/a'}")
    if data["sm"]:
        lines.append(f"  nvcc targets: {' '.join(data['sm'])}")
    lines.append("  releases:")
    lines += [f"    {r['release']:<16} Linux ≥ {r['linux'] or 'n/a':<12} Windows ≥ {r['windows'] or 'n/a'}"
              + ("  (release candidate)" if r.get("prerelease") else "")
              for r in data["releases"]]
    _emit(data, fmt, "\n".join(lines))


@compat.command()
@click.argument("name")
@_FORMAT
def gpu(name: str, fmt: str) -> None:
    """What GPU NAME means (as nvidia-smi, lspci, Kubernetes or a person writes it, or a PCI id):
    compute capability, architecture and segment; every candidate when the name is ambiguous."""
    data = gpu_query(default_db(), name)
    support = support_text(data["support"])
    if data["kind"] == "exact":
        text = f"{data['name']}: {_capability(data['compute_capability'])}, {data['architecture'] or 'architecture unknown'}, " \
               f"{data['segment']}" + (f"\n  supported by {support}" if support else "")
    else:
        if data["kind"] == "family":
            head = (f"{name}: {len(data['candidates'])} products, all {_capability(data['compute_capability'])}, "
                    f"{data['architecture']}:")
        else:
            head = (f"{name} is ambiguous: it can mean {len(data['candidates'])} products whose compute capability "
                    f"differs (give the full name, a PCI device id or the compute capability):")
        width = max(len(c["name"]) for c in data["candidates"])
        text = "\n".join([head] + [f"  {c['name']:<{width}}  {_capability(c['compute_capability'])}  "
                                   f"{c['architecture'] or '?'}, {c['segment']}" for c in data["candidates"]])
    _emit(data, fmt, text)


def _capability(cc: Optional[str]) -> str:
    return f"compute capability {cc} (sm_{cc.replace('.', '')})" if cc else "compute capability unknown"


@compat.command()
@click.argument("version")
@_FORMAT
def nccl(version: str, fmt: str) -> None:
    """CUDA majors and the oldest GPU the kernels of NCCL VERSION cover."""
    data = nccl_query(default_db(), version)
    floors = ", ".join(f"CUDA {major}: compute capability ≥ {cc}"
                       for major, cc in sorted(data["min_compute_capability_by_cuda_major"].items()) if cc)
    text = (f"NCCL {data['nccl']}: CUDA {', '.join(map(str, data['cuda_majors'])) or '?'}; "
            f"{floors or 'oldest supported GPU not known'}")
    if data["pypi_packages"]:
        text += "\n  PyPI: " + ", ".join(f"{k}=={v}" for k, v in data["pypi_packages"].items())
    _emit(data, fmt, text)


@compat.command()
@click.argument("version")
@_FORMAT
def torch(version: str, fmt: str) -> None:
    """Python range, default PyPI variant and CUDA variants of torch VERSION."""
    data = torch_query(default_db(), version)
    lines = [f"torch {data['torch']}: Python {data['python'] or '?'}, PyPI default {data['pypi_default'] or '?'}, "
             f"torchvision {data['torchvision'] or '?'}, torchaudio {data['torchaudio'] or '?'}"]
    if data["known_patch"] is False:
        lines.append(f"  ({data['torch']} is not a patch release the compat data lists; showing the series)")
    for variant in data["variants"]:
        ptx = f" +PTX {' '.join(variant['ptx'])}" if variant["ptx"] else ""
        targets = "arch list not known" if variant["sm"] is None else " ".join(variant["sm"])
        lines.append(f"  {variant['tag']:<6} CUDA {variant['cuda']:<5} {targets}{ptx}"
                     f"  cuDNN {variant['cudnn'] or '?'}  NCCL {variant['nccl'] or '?'}")
    _emit(data, fmt, "\n".join(lines))


@compat.command()
@click.option("--driver", metavar="VERSION", help="NVIDIA driver version, e.g. 535.104.05.")
@click.option("--driver-cuda", metavar="X.Y", help="Or the driver's 'CUDA Version' from nvidia-smi.")
@click.option("--gpu", "gpus", multiple=True, metavar="NAME",
              help="GPU name or compute capability (repeatable).")
@click.option("--python", metavar="X.Y", help="Only wheels for this Python.")
@click.option("--platform", type=click.Choice(["linux", "windows"]), default="linux", show_default=True)
@_FORMAT
def plan(driver: Optional[str], driver_cuda: Optional[str], gpus: Tuple[str, ...], python: Optional[str],
         platform: str, fmt: str) -> None:
    """Every official torch wheel that runs on a driver and GPUs, newest first."""
    data = plan_query(default_db(), driver, list(gpus), python, platform, driver_cuda)
    if not data["candidates"]:
        text = "No official torch wheel runs on this driver and GPU combination."
    else:
        text = "\n".join(f"{c['torch']:<8} {c['tag']:<6} {c['install']}"
                         + "".join(f"\n           note: {n}" for n in c["notes"])
                         for c in data["candidates"])
    _emit(data, fmt, text)
