"""What version each CUDA library file is, read from files wherever they can tell.

In order: the file name or its symlink's target (``libcudnn.so.9.1.0``); the version of
the single pip wheel whose RECORD lists the file (``nvidia-cudnn-cu13 9.24.0.43``); the
header shipped next to it (``include/cudnn_version.h``, ``include/nccl.h``). Only a
library none of these describe beyond its SONAME major is loaded, in
``children/libs_child.py``, and asked for its own version: dlopen runs the library's
constructors (it can hang or crash, and mapping cuBLAS costs hundreds of MiB), so it
runs in one child process with a deadline, and its failure is a ProbeError.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ..snapshot import PackageFacts, ProbeError
from ..versions import cuda_from_int, cudnn_from_int, dotted, from_packed, nccl_from_int, parts
from .answers import from_answer
from .cuda_toolkit import cudnn_header_version
from .library_files import FoundFile
from .paths import shorten
from ..lazy_regex import lazy_compile

DECODE: Dict[str, Callable[[Any], Optional[str]]] = {
    "cudart": cuda_from_int,
    "cublasLt": lambda value: dotted(value) if isinstance(value, list) else from_packed(value, 10000),
    "cublas": dotted,
    "nvrtc": dotted,
    "nccl": nccl_from_int,
    "cudnn": cudnn_from_int,
}
"""How each library's own version call (``children/libs_child.py``) answers → ``"12.4.1"``."""
CALLABLE = tuple(DECODE)
"""Libraries whose own version call the child makes, in this order (cuDNN sub-libraries have none)."""


@dataclass
class LibraryAnswer:
    """The libs child's answer for one library file."""

    path: str
    name: str
    version: Any = None  # as the library gave it: an integer or a list of numbers
    error: Optional[str] = None
PRECISE = 3  # major.minor.patch: enough to compare with what torch was built against
_NCCL_DEFINE = lazy_compile(r"#define\s+NCCL_(MAJOR|MINOR|PATCH)\s+(\d+)")


def precise(found: FoundFile) -> bool:
    """Whether the version read so far is more than a SONAME major."""
    return found.version_source in ("metadata", "header") or len(parts(found.version)) >= PRECISE


def from_metadata(found: FoundFile, owners: Sequence[PackageFacts]) -> None:
    """A single owning wheel's version is more precise than ``.so.12``; two owners that
    overwrote each other's file are ambiguous and say nothing."""
    if len(owners) != 1 or not owners[0].version or precise(found):
        return
    package_version = owners[0].version
    file_major = parts(found.version)[:1]
    if not file_major or parts(package_version)[:1] == file_major:
        found.version, found.version_source = package_version, "metadata"


def _nccl_header_version(include: str) -> Optional[str]:
    try:
        with open(os.path.join(include, "nccl.h"), encoding="utf-8", errors="replace") as handle:
            values = dict(_NCCL_DEFINE.findall(handle.read(65536)))
    except OSError:
        return None
    return ".".join(values[k] for k in ("MAJOR", "MINOR", "PATCH")) if len(values) == 3 else None


def from_header(found: FoundFile) -> None:
    """cuDNN's and NCCL's wheels (and toolkits) ship their headers next to ``lib/``."""
    if precise(found) or found.name not in ("cudnn", "nccl"):
        return
    include = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(found.path))), "include")
    version = cudnn_header_version([include]) if found.name == "cudnn" else _nccl_header_version(include)
    file_major = parts(found.version)[:1]
    if version and (not file_major or parts(version)[:1] == file_major):
        found.version, found.version_source = version, "header"


def ask_versions(targets: List[Tuple[str, str, FoundFile]], deadline: float, errors: List[ProbeError]) -> None:
    """Ask each library for its own version in ONE child process (dlopen may hang or crash)."""
    if not targets:
        return
    from .isolation import Child, progress_file

    order = {name: index for index, name in enumerate(CALLABLE)}
    targets = sorted(targets, key=lambda t: order[t[0]])
    with progress_file("cudacheck-libs-") as progress:
        arguments = [json.dumps([[name, path] for name, path, _ in targets])] + ([progress] if progress else [])
        child = Child("libs_child.py", arguments)
        result = child.result(deadline)
        answers: Dict[str, dict] = {}
        in_flight: Optional[str] = None
        if result.status == "ok" and result.data:
            answers = result.data.get("results", {})
        else:
            answers, in_flight = _read_progress(progress) if progress else ({}, None)
            what = f" while loading {shorten(in_flight)}" if in_flight else ""
            errors.append(ProbeError("libraries", result.status, f"{result.message}{what}", result.signal,
                                     round(result.seconds, 4)))
    for name, path, found in targets:
        raw = answers.get(path)
        if raw is None:
            if path == in_flight:
                found.load_error = f"the version probe {result.status} while loading this library ({result.message})"
            continue
        answer = from_answer(LibraryAnswer, raw)
        found.call_version = DECODE[name](answer.version) if answer.version is not None else None
        found.load_error = answer.error


def _read_progress(path: str) -> Tuple[Dict[str, dict], Optional[str]]:
    """Partial answers a crashed or abandoned child left, and the library it was loading."""
    from .isolation import progress_events

    answers: Dict[str, dict] = {}
    in_flight: Optional[str] = None
    for event in progress_events(path):
        if event.get("start"):
            in_flight = event["start"]
        elif event.get("path"):
            answers[event["path"]] = event
            in_flight = None
    return answers, in_flight
