"""The ``cudacheck kernels`` view: one row per library with GPU code, one verdict per GPU.

Plain data first (:func:`inventory_view`, the JSON shape), then the text table
(:func:`render_text`). The judgement itself is :func:`cudacheck.kernels.coverage.library_coverage`.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional, Sequence

from ..compat.archs import Arch
from ..snapshot import KernelInventory, ProbeError, TorchFacts
from .coverage import LibraryCoverage, library_coverage, main_targets

VIEW_VERSION = 1
_SITE = re.compile(r"^.*?/(?:site|dist)-packages/")


@dataclass
class JudgedGpu:
    """A GPU to judge for: one that NVML sees, or one named with ``--gpu``."""

    label: str
    arch: Arch


def library_name(path: str) -> str:
    """The path below site-packages (``torch/lib/libtorch_cuda.so``), else the file name."""
    short = _SITE.sub("", path)
    return short if short != path else path.rsplit("/", 1)[-1]


def verdict_text(cover: LibraryCoverage) -> str:
    """``runs`` | ``PTX JIT`` | ``partial 410/475`` | ``no kernels`` | ``PTX too new`` ."""
    verdict = cover.verdict
    if verdict == "none":
        return "PTX too new" if cover.ptx_too_new and not cover.none else "no kernels"
    if verdict == "partial":
        return f"partial {cover.total - cover.none - cover.ptx_too_new}/{cover.total}"
    return {"jit": "PTX JIT", "runs": "runs"}.get(verdict, verdict)


def inventory_view(inventory: KernelInventory, torch: Optional[TorchFacts], gpus: Sequence[JudgedGpu],
                   driver_cuda: Optional[str], errors: Sequence[ProbeError]) -> Dict[str, Any]:
    """The inventory as plain data, with per-GPU verdicts (the ``--format json`` shape)."""
    rows = []
    for binary in inventory.binaries:
        sass, ptx = main_targets(binary.groups)
        verdicts = {}
        for gpu in gpus:
            cover = library_coverage(binary.groups, gpu.arch, driver_cuda)
            verdicts[gpu.label] = {"verdict": cover.verdict, "text": verdict_text(cover), "containers": cover.total,
                                   "sass": cover.sass, "ptx_jit": cover.ptx, "ptx_too_new": cover.ptx_too_new,
                                   "no_code": cover.none}
        row = asdict(binary)
        row.update(library=library_name(binary.path), main_sass=sass, main_ptx=ptx, verdicts=verdicts)
        rows.append(row)
    return {
        "view_version": VIEW_VERSION,
        "torch": {"version": torch.version if torch else None, "cuda": torch.cuda if torch else None,
                  "location": torch.location if torch else None,
                  "cudart_major": inventory.torch_cudart_major, "cxx11_abi": inventory.torch_cxx11_abi},
        "driver_cuda": driver_cuda,
        "gpus": [{"label": g.label, "compute_capability": g.arch.cc, "sm": g.arch.sm} for g in gpus],
        "binaries": rows,
        "files_checked": inventory.files_checked, "files_cached": inventory.files_cached,
        "probe_errors": [asdict(e) for e in errors],
    }


def _runtime(row: Dict[str, Any]) -> str:
    if row["cudart"] == "shared":
        return f"shared {row['cudart_major']}" if row["cudart_major"] is not None else "shared"
    return row["cudart"] or "?"


def _abi(row: Dict[str, Any]) -> str:
    if row["package"] == "torch":
        return "(torch)"
    kind = {"cxx": "C++", "stable": "stable C", "none": "none"}.get(row["torch_abi"] or "", "?")
    if row["torch_abi"] == "cxx" and row["cxx11_abi"] is not None:
        kind += " cxx11" if row["cxx11_abi"] else " old-abi"
    if row.get("missing_torch_symbols_count"):
        kind += f", {row['missing_torch_symbols_count']} missing"
    return kind


def render_text(view: Dict[str, Any]) -> str:
    """The inventory as an aligned text table with a short header and footnotes."""
    torch = view["torch"]
    lines = [f"torch {torch['version'] or 'not found'}"
             + (f" (CUDA {torch['cuda']})" if torch["cuda"] else "")
             + f" · {len(view['binaries'])} libraries with GPU code among {view['files_checked']} files"]
    if view["gpus"]:
        lines.append("GPUs: " + ", ".join(f"{g['label']} ({g['sm']})" for g in view["gpus"])
                     + (f" · driver CUDA {view['driver_cuda']}" if view["driver_cuda"] else ""))
    else:
        lines.append("GPUs: none visible (judge for one with --gpu NAME or --gpu 8.6)")
    header = ["package", "library", "SASS", "PTX", "CUDA runtime", "torch ABI"] + [g["label"] for g in view["gpus"]]
    table = [header]
    extras = False
    for row in view["binaries"]:
        sass = " ".join(row["main_sass"]) or "—"
        others = [t for t in row["sass"] if t not in row["main_sass"]]
        if others:
            sass += f" +{len(others)}*"
            extras = True
        ptx = " ".join(row["main_ptx"] or row["ptx"]) or "—"
        package = f"{row['package'] or '?'} {row['package_version'] or ''}".strip()
        table.append([package, row["library"], sass, ptx, _runtime(row), _abi(row)]
                     + [row["verdicts"][g["label"]]["text"] for g in view["gpus"]])
    if len(table) == 1:
        lines.append("")
        lines.append("No library with GPU code found.")
    else:
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        lines.append("")
        for row in table:
            lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    if extras:
        lines.append("")
        lines.append("* +N: targets only some kernels carry (per-kernel extras such as sm_90a); see --format json.")
    for error in view["probe_errors"]:
        lines.append(f"? {error['probe']}: {error['kind']}: {error['message']}")
    return "\n".join(lines)


def any_failure(view: Dict[str, Any]) -> bool:
    """Whether some library has kernels that cannot run on a judged GPU."""
    return any(v["verdict"] in ("none", "partial") for row in view["binaries"] for v in row["verdicts"].values())

