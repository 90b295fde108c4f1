"""The ``cudacheck kernels`` view: one row per library with GPU code, one verdict per GPU.

Plain data first (:func:`inventory_view`, the JSON shape), then the text table
(:func:`render_text`). The judgement itself is :func:`cudacheck.kernels.coverage.library_coverage`.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Optional, Sequence

from ..compat.archs import Arch
from ..snapshot import EnvironmentFacts, KernelInventory, ProbeError, TorchFacts
from .coverage import LibraryCoverage, library_coverage, main_targets
from ..lazy_regex import lazy_compile

VIEW_VERSION = 1
_SITE = lazy_compile(r"^.*?/(?:site|dist)-packages/")


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
                   driver_cuda: Optional[str], errors: Sequence[ProbeError],
                   environment: Optional[EnvironmentFacts] = None) -> Dict[str, Any]:
    """The inventory as plain data, with per-GPU verdicts (the ``--format json`` shape);
    ``environment`` is the Python environment whose files were read."""
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
        "environment": asdict(environment) if environment is not None else None,
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


def render_text(view: Dict[str, Any], width: Optional[int] = None) -> str:
    """The inventory as an aligned table with a short header and footnotes, at most ``width``
    columns (default: the terminal's). When one row per library does not fit, the per-GPU
    verdicts share one "runs on" column and libraries are named by file; when that does not
    fit either, each library becomes a block of wrapped lines."""
    from ..render.facts import describe_environment
    from ..render.wrap import fit_line, terminal_width

    width = width or terminal_width()
    torch = view["torch"]
    head = [f"torch {torch['version'] or 'not found'}" + (f" (CUDA {torch['cuda']})" if torch["cuda"] else "")
            + f" · {len(view['binaries'])} libraries with GPU code among {view['files_checked']} files"]
    environment = view.get("environment")
    if environment:
        head.append(f"environment: {describe_environment(EnvironmentFacts(**environment))}")
    if view["gpus"]:
        head.append("GPUs: " + _gpu_list(view["gpus"])
                    + (f" · driver CUDA {view['driver_cuda']}" if view["driver_cuda"] else ""))
    else:
        head.append("GPUs: none visible (judge for one with --gpu NAME or --gpu 8.6)")
    lines = [piece for line in head for piece in fit_line(line, width, 2)]
    rows = [_row(row, view["gpus"]) for row in view["binaries"]]
    extras = any(row["extras"] for row in rows)
    lines.append("")
    if not rows:
        lines.append("No library with GPU code found.")
    else:
        table = _table(rows, view["gpus"], per_gpu=True, short=False)
        if _widest(table) > width:
            table = _table(rows, view["gpus"], per_gpu=False, short=True)
        lines += table if _widest(table) <= width else _blocks(rows, view["gpus"], width)
    if extras:
        lines.append("")
        lines += fit_line("* +N: targets only some kernels carry (per-kernel extras such as sm_90a); "
                          "see --format json.", width, 2)
    for error in view["probe_errors"]:
        lines += fit_line(f"? {error['probe']}: {error['kind']}: {error['message']}", width, 2)
    return "\n".join(lines)


def _row(row: Dict[str, Any], gpus: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    sass = " ".join(row["main_sass"]) or "—"
    others = [t for t in row["sass"] if t not in row["main_sass"]]
    if others:
        sass += f" +{len(others)}*"
    return {"package": f"{row['package'] or '?'} {row['package_version'] or ''}".strip(),
            "library": row["library"], "file": row["library"].rsplit("/", 1)[-1], "sass": sass,
            "ptx": " ".join(row["main_ptx"] or row["ptx"]) or "—", "runtime": _runtime(row), "abi": _abi(row),
            "verdicts": [row["verdicts"][g["label"]]["text"] for g in gpus], "extras": bool(others)}


def _gpu_list(gpus: Sequence[Dict[str, Any]]) -> str:
    """``8.6 (sm_86), 9.0 (sm_90)``; visible GPUs of one kind collapse: ``8× NVIDIA H100 (sm_90)``."""
    kinds: Dict[str, int] = {}
    for gpu in gpus:
        name = re.sub(r"^GPU \d+\s*", "", gpu["label"]) if _short_label(gpu) != gpu["label"] else gpu["label"]
        key = f"{name or 'GPU'} ({gpu['sm']})"
        kinds[key] = kinds.get(key, 0) + 1
    return ", ".join(f"{count}× {key}" if count > 1 else key for key, count in kinds.items())


def _short_label(gpu: Dict[str, Any]) -> str:
    """``GPU 0`` for a visible GPU, the name or compute capability given with --gpu otherwise."""
    label = gpu["label"]
    match = re.match(r"^(GPU \d+)\b", label)
    return match.group(1) if match else label


def runs_on(verdicts: Sequence[str], gpus: Sequence[Dict[str, Any]]) -> str:
    """Every GPU's verdict in one cell: ``runs`` when all agree, else ``GPU 0 runs; 8.6 PTX JIT``."""
    if not verdicts:
        return "—"
    if len(set(verdicts)) == 1:
        return verdicts[0] if len(verdicts) == 1 else f"all: {verdicts[0]}"
    return "; ".join(f"{_short_label(gpu)} {verdict}" for gpu, verdict in zip(gpus, verdicts))


def _table(rows: Sequence[Dict[str, Any]], gpus: Sequence[Dict[str, Any]], per_gpu: bool,
           short: bool) -> List[str]:
    header = ["package", "library", "SASS", "PTX", "CUDA runtime", "torch ABI"] + \
        ([g["label"] for g in gpus] if per_gpu else ["runs on"] if gpus else [])
    table = [header]
    for row in rows:
        verdicts = row["verdicts"] if per_gpu else [runs_on(row["verdicts"], gpus)] if gpus else []
        table.append([row["package"], row["file"] if short else row["library"], row["sass"], row["ptx"],
                      row["runtime"], row["abi"]] + verdicts)
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in table]


def _blocks(rows: Sequence[Dict[str, Any]], gpus: Sequence[Dict[str, Any]], width: int) -> List[str]:
    from ..render.wrap import fit_line

    lines: List[str] = []
    for row in rows:
        parts = [f"{row['package']}  {row['library']}", f"SASS {row['sass']}", f"PTX {row['ptx']}",
                 f"CUDA runtime {row['runtime']} · torch ABI {row['abi']}"]
        if gpus:
            parts.append(f"runs on: {runs_on(row['verdicts'], gpus)}")
        lines += fit_line(parts[0], width, 4)
        for part in parts[1:]:
            lines += fit_line("    " + part, width, 6)
    return lines


def _widest(lines: Sequence[str]) -> int:
    return max((len(line) for line in lines), default=0)


def any_failure(view: Dict[str, Any]) -> bool:
    """Whether some library has kernels that cannot run on a judged GPU."""
    return any(v["verdict"] in ("none", "partial") for row in view["binaries"] for v in row["verdicts"].values())

