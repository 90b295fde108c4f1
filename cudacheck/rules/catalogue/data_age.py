"""The compatibility data versus this machine: say when the machine is newer than the data.

Rules that judge a build, a driver or a GPU use cudacheck's compat tables; when the machine
carries something those tables have not heard of, the judgement rests on less than it seems.
These rules say so, as ``info``, naming the data's date and where newer tables can come from.
"""
from __future__ import annotations

import re
from typing import Iterator, List, Optional

from ...report import Finding
from ...versions import driver_branch, major_minor, parse, torch_local_tag, torch_public
from ..context import RuleContext
from ..registry import rule
from ...lazy_regex import lazy_compile

_UPDATE = ("Upgrade cudacheck, or point it at newer tables without upgrading: "
           "`cudacheck --compat-data DIR doctor` or CUDACHECK_COMPAT_DATA=DIR.")
_UNNAMED = lazy_compile(r"graphics device|^\s*$", re.IGNORECASE)


def _data(ctx: RuleContext) -> str:
    db = ctx.db
    where = "" if db.source == "shipped" else f" loaded from {db.directory}"
    return f"cudacheck's compat data of {db.version}{where}"


def _newer_than_data(ctx: RuleContext, title: str, detail: str, evidence: List[str]) -> Finding:
    """The one finding shape of these rules: what is newer, what the data knows, how to update."""
    return ctx.finding(title, detail=detail, remedy=_UPDATE, evidence=evidence)


@rule("CC270", "compat-data-older-than-torch", "config", "torch", severity="info")
def data_older_than_torch(ctx: RuleContext) -> Iterator[Finding]:
    """The installed torch is newer than every release the compat data knows.

    What it checks:
        The torch version (an official build: no local tag, or +cuXYZ / +cpu) against the
        newest release series and patch in the compat data.
    Why it matters:
        The arch list, cuDNN/NCCL pins and companion versions of an official wheel come from
        the compat data when the binary cannot be read; for a release the data has never seen,
        those judgements rest only on what this machine reports, and remedies cannot name it.
    How to fix:
        Nothing is wrong with torch. Upgrade cudacheck, or use newer tables with
        `--compat-data DIR` / CUDACHECK_COMPAT_DATA.
    """
    version = ctx.snapshot.torch.version
    local = torch_local_tag(version)
    if not version or (local is not None and not (local.startswith("cu") or local == "cpu")):
        return
    newest = ctx.db.newest_torch()
    installed = parse(torch_public(version))
    if newest is None or installed is None or len(installed) < 2:
        return
    newest_patch = parse(newest.latest) or (0,)
    if installed[:2] > (parse(newest.version) or (0,))[:2]:
        what = f"the newest release it knows is {newest.latest}"
    elif installed[:2] == (parse(newest.version) or (0,))[:2] and len(installed) >= 3 \
            and installed[:3] > newest_patch[:3]:
        what = (f"it lists {newest.version} up to {newest.latest}; facts about the {version} wheel are "
                f"taken from {newest.latest}")
    else:
        return
    yield _newer_than_data(ctx, f"torch {version} is newer than the compat data",
                           f"{_data(ctx)} does not know torch {torch_public(version)}: {what}.",
                           ["torch.version"])


@rule("CC271", "compat-data-older-than-driver", "config", "driver", severity="info")
def data_older_than_driver(ctx: RuleContext) -> Iterator[Finding]:
    """The NVIDIA driver's branch is newer than every branch the compat data knows.

    What it checks:
        The driver's branch (the version's first number) against the newest driver branch
        named by the compat data (its driver-branch list, CUDA releases and
        forward-compatibility table).
    Why it matters:
        Which CUDA a driver supports, and which cuda-compat packages run on it, come from the
        driver's own answer when available and from the compat data otherwise; a newer
        branch is simply unknown to the data.
    How to fix:
        Nothing is wrong with the driver. Upgrade cudacheck, or use newer tables with
        `--compat-data DIR` / CUDACHECK_COMPAT_DATA.
    """
    branch = driver_branch(ctx.driver_version)
    newest = ctx.db.newest_driver_branch()
    if branch is None or newest is None or branch <= newest:
        return
    yield _newer_than_data(ctx, f"Driver {ctx.driver_version} (branch R{branch}) is newer than the compat data",
                           f"{_data(ctx)} knows driver branches up to R{newest}.", ["nvml.driver_version"])


@rule("CC272", "compat-data-older-than-cuda", "config", "driver", severity="info")
def data_older_than_cuda(ctx: RuleContext) -> Iterator[Finding]:
    """A CUDA version on this machine is newer than every CUDA release the compat data knows.

    What it checks:
        The CUDA the driver supports, the CUDA torch was built with and the local nvcc,
        against the newest CUDA release in the compat data.
    Why it matters:
        Minimum drivers, nvcc targets and the architectures a CUDA release knows come from
        the compat data; for a newer CUDA they are unknown, not absent.
    How to fix:
        Nothing is wrong with CUDA. Upgrade cudacheck, or use newer tables with
        `--compat-data DIR` / CUDACHECK_COMPAT_DATA.
    """
    newest = ctx.db.newest_cuda()
    if newest is None:
        return
    seen: List[str] = []
    evidence: List[str] = []
    for label, value, field in (("the driver supports CUDA", ctx.snapshot.nvml.cuda_driver_version,
                                 "nvml.cuda_driver_version"),
                                ("torch was built with CUDA", ctx.snapshot.torch.cuda, "torch.cuda"),
                                ("nvcc is CUDA", _nvcc(ctx), "libraries.nvcc_version")):
        mm = major_minor(value) if value else None
        if mm and mm > newest:
            seen.append(f"{label} {mm[0]}.{mm[1]}")
            evidence.append(field)
    if not seen:
        return
    yield _newer_than_data(ctx, "CUDA on this machine is newer than the compat data",
                           f"{'; '.join(seen)}; {_data(ctx)} knows CUDA up to {newest[0]}.{newest[1]}.",
                           evidence)


def _nvcc(ctx: RuleContext) -> Optional[str]:
    libraries = ctx.snapshot.libraries
    return libraries.nvcc_version if libraries is not None else None


@rule("CC273", "compat-data-older-than-gpu", "config", "gpus", severity="info")
def data_older_than_gpu(ctx: RuleContext) -> Iterator[Finding]:
    """A GPU is not in the compat data, or its compute capability is newer than any it knows.

    What it checks:
        Each GPU's NVML name against the GPU table (names of any spelling; a name that fits
        several products counts as known), and NVML's compute capability against the newest
        architecture in the data.
    Why it matters:
        The product's segment (datacenter or not: forward compatibility, Fabric Manager) and,
        when NVML cannot say, its compute capability come from the GPU table; for a product
        the table does not know they are unknown, not assumed.
    How to fix:
        Nothing is wrong with the GPU. Upgrade cudacheck, or use newer tables with
        `--compat-data DIR` / CUDACHECK_COMPAT_DATA.
    """
    newest = ctx.db.newest_compute_capability()
    for view in ctx.gpus:
        name = view.facts.name or ""
        reasons = []
        if name and not _UNNAMED.search(name) and not name.endswith("...") \
                and ctx.db.gpu_index.resolve(name).kind == "unknown" and view.row is None:
            reasons.append(f"{_data(ctx)} has no GPU named {name!r}")
        cc = major_minor(view.facts.compute_capability) if view.facts.compute_capability else None
        if cc and newest and cc > newest:
            reasons.append(f"compute capability {cc[0]}.{cc[1]} is newer than any architecture in it "
                           f"(up to {newest[0]}.{newest[1]})")
        if reasons:
            yield _newer_than_data(ctx, f"{view.label} is newer than the compat data", "; ".join(reasons) + ".",
                                   ["nvml.gpus.name", "nvml.gpus.compute_capability"])
