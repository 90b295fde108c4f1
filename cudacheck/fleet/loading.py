"""Read many saved machines at once: snapshots, reports, and the preflight's JSON.

A folder is read recursively (``*.json``). One unreadable file does not stop a survey
of a thousand: it is listed with the reason, and the caller decides what that means.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

from ..errors import UsageError
from ..output import printable
from ..snapshot import Snapshot

PREFLIGHT_SCHEMA_PREFIX = "cudacheck.preflight/"


@dataclass
class Machine:
    """One machine (a node, or one rank of a job) and what was observed there."""

    name: str
    source: str  # the file it came from (and the rank, for a preflight report)
    snapshot: Snapshot


@dataclass
class Unreadable:
    """A file that could not be read as a snapshot, and why."""

    path: str
    error: str


def json_files(paths: Sequence[str]) -> List[Path]:
    """The files named, with folders expanded to the ``*.json`` files below them (sorted)."""
    files: List[Path] = []
    for given in paths:
        path = Path(given)
        try:
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
            elif path.exists():
                files.append(path)
            else:
                raise UsageError(f"{printable(given)[:300]}: no such file or folder")
        except OSError as exc:  # a name too long, a folder that cannot be listed
            raise UsageError(f"{printable(given)[:300]}: cannot read: {exc.strerror or exc}") from None
    return files


def load_machines(paths: Sequence[str]) -> Tuple[List[Machine], List[Unreadable]]:
    """Every machine in ``paths``; files that are not snapshots are returned as Unreadable."""
    from ..serialize import snapshot_from_dict

    files = json_files(paths)
    names = _short_names(files)
    machines: List[Machine] = []
    unreadable: List[Unreadable] = []
    for path in files:
        try:
            data = read_json(path)
            if _is_preflight(data):
                machines.extend(_preflight_machines(data, path, names[path]))
            else:
                snapshot = snapshot_from_dict(data, str(path))
                snapshot.source = "file" if snapshot.source == "live" else snapshot.source
                machines.append(Machine(names[path], str(path), snapshot))
        except UsageError as exc:
            unreadable.append(Unreadable(str(path), str(exc)))
    return machines, unreadable


def load_one(path: str) -> Machine:
    """Exactly one machine from one file (``cudacheck diff``); anything else is a UsageError."""
    machines, unreadable = load_machines([path])
    if unreadable:
        raise UsageError(unreadable[0].error)
    if len(machines) != 1:
        raise UsageError(f"{path}: holds {len(machines)} machines; compare two snapshot or report files "
                         f"(or survey them all with `cudacheck fleet {path}`)")
    return machines[0]


def read_text(path: "str | Path") -> str:
    """A UTF-8 text file (``-``: standard input), within :data:`cudacheck.inputs.MAX_INPUT_BYTES`;
    an unreadable one is a UsageError naming it."""
    from ..inputs import read_text as read_input

    return read_input(str(path), stdin=True)


def read_json(path: "str | Path", hint: str = "") -> Any:
    """A JSON file (``-``: standard input) within the limits of every JSON cudacheck reads
    (:func:`cudacheck.serialize.parse_json`); a broken one is a UsageError with the position."""
    from ..serialize import parse_json

    text = read_text(path)
    try:
        return parse_json(text, str(path))
    except UsageError as exc:
        raise UsageError(f"{exc}{hint}") from None


def _is_preflight(data: Any) -> bool:
    return isinstance(data, dict) and str(data.get("schema", "")).startswith(PREFLIGHT_SCHEMA_PREFIX)


def _preflight_machines(data: Dict[str, Any], path: Path, stem: str) -> List[Machine]:
    """One machine per rank whose report reached rank 0."""
    from ..serialize import snapshot_from_dict

    machines = []
    for rank in data.get("ranks", []):
        report = rank.get("report")
        if not isinstance(report, dict):
            continue
        where = f"{path}#rank{rank.get('rank')}"
        snapshot = snapshot_from_dict(report, where)
        host = rank.get("host") or stem
        machines.append(Machine(f"{host}/rank{rank.get('rank')}", where, snapshot))
    return machines


def _short_names(files: List[Path]) -> Dict[Path, str]:
    """Each file's stem, or its path relative to the common folder when stems collide."""
    stems: Dict[str, int] = {}
    for path in files:
        stems[path.stem] = stems.get(path.stem, 0) + 1
    if all(count == 1 for count in stems.values()):
        return {path: path.stem for path in files}
    common = os.path.commonpath([str(path.parent) for path in files]) if files else ""
    return {path: (os.path.relpath(str(path.with_suffix("")), common) if stems[path.stem] > 1 else path.stem)
            for path in files}
