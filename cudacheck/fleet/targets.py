"""What-if targets: the driver and GPUs of the machines an environment will run on.

A target comes from ``--target driver=535.104.05,gpu=A100,count=8`` (repeatable), from a
fleet file (``--targets fleet.toml`` or ``.json``: ``[[target]]`` tables, see
docs/fleet.md), or from a saved snapshot of one node (``--targets node.json``: its
real NVML facts, the most precise input). The fleet-file generator
(:mod:`cudacheck.fleet.k8s`) writes the same format.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from ..errors import UsageError
from ..snapshot import Snapshot

TARGET_KEYS = ("name", "driver", "driver_cuda", "gpu", "cc", "count", "brand", "memory", "shm", "nodes", "source")


@dataclass
class Target:
    """One kind of machine in the fleet: what is assumed about it."""

    name: str
    driver: Optional[str] = None  # "535.104.05"
    driver_cuda: Optional[str] = None  # newest CUDA the driver supports, when that is all that is known
    gpu: Optional[str] = None  # a product name, a GFD product label, or a compute capability ("8.0")
    cc: Optional[str] = None  # compute capability, when given apart from the name
    count: Optional[int] = None
    brand: Optional[str] = None  # NVML brand token as NVIDIA_REQUIRE_* uses it: tesla, nvidia, geforcertx, …
    memory: Optional[str] = None  # per-GPU memory, "80GiB" or MiB as a number
    shm: Optional[str] = None  # optional runtime assumption: /dev/shm size, "16Gi"
    nodes: List[str] = field(default_factory=list)
    source: Optional[str] = None
    snapshot: Optional[Snapshot] = field(default=None, repr=False, compare=False)  # a node's own facts

    def describe(self) -> str:
        """"driver 535.104.05, 8 × A100" — what is assumed, in words."""
        parts = []
        if self.driver:
            parts.append(f"driver {self.driver}")
        elif self.driver_cuda:
            parts.append(f"a driver for CUDA {self.driver_cuda}")
        gpu = self.gpu or (f"compute capability {self.cc}" if self.cc else None)
        if gpu:
            parts.append(f"{self.count} × {gpu}" if self.count else gpu)
        if self.brand:
            parts.append(f"brand {self.brand}")
        if self.shm:
            parts.append(f"/dev/shm {self.shm}")
        return ", ".join(parts) or "nothing"


def parse_target(spec: str, number: int = 1) -> Target:
    """``driver=535.104.05,gpu=A100[,count=8,brand=tesla,name=…]`` → Target."""
    values: Dict[str, Any] = {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        key = key.strip().lower().replace("-", "_")
        if not sep or not value.strip():
            raise UsageError(f"--target {spec!r}: expected KEY=VALUE items separated by commas "
                             f"(keys: {', '.join(TARGET_KEYS)})")
        values[key] = value.strip()
    return target_from_dict(values, f"--target {spec!r}", f"target-{number}")


def target_from_dict(raw: Dict[str, Any], where: str, default_name: str) -> Target:
    """Validate one target table (from a fleet file or a --target)."""
    unknown = sorted(set(raw) - set(TARGET_KEYS))
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r} (keys: {', '.join(TARGET_KEYS)})")
    values: Dict[str, Any] = {}
    for key, value in raw.items():
        if key == "nodes":
            values[key] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        elif key == "count":
            try:
                values[key] = int(value)
            except (TypeError, ValueError):
                raise UsageError(f"{where}: count must be a whole number, got {value!r}") from None
            if values[key] < 0:
                raise UsageError(f"{where}: count must not be negative")
        elif value is not None:
            values[key] = str(value)
    if values.get("driver") and not re.match(r"^\d+(\.\d+)*$", values["driver"]):
        raise UsageError(f"{where}: driver must be a version such as 535.104.05, got {values['driver']!r}")
    for key in ("driver_cuda", "cc"):
        if values.get(key) and not re.match(r"^\d+\.\d+$", values[key]):
            raise UsageError(f"{where}: {key} must be MAJOR.MINOR such as 12.2, got {values[key]!r}")
    if not any(values.get(key) for key in ("driver", "driver_cuda", "gpu", "cc")):
        raise UsageError(f"{where}: a target needs at least a driver (driver=…) or a GPU (gpu=…)")
    values.setdefault("name", default_name)
    return Target(**values)


def load_targets(path: str) -> List[Target]:
    """Targets from a fleet file (TOML or JSON) or from a saved snapshot/report of a node."""
    from .loading import read_text

    file = Path(path)
    data = _parse(read_text(path), path)
    if isinstance(data, dict) and "nvml" in (data.get("snapshot") or data):
        return [_snapshot_target(data, path)]
    tables = data.get("target", data.get("targets")) if isinstance(data, dict) else data
    if not isinstance(tables, list) or not tables:
        raise UsageError(f"{path}: no targets (expected [[target]] tables, a JSON list of targets, or a snapshot)")
    targets = []
    for number, table in enumerate(tables, 1):
        if not isinstance(table, dict):
            raise UsageError(f"{path}: target {number} is not a table")
        targets.append(target_from_dict(table, f"{path}: target {number}", f"{file.stem}-{number}"))
    _unique_names(targets, path)
    return targets


def collect_targets(specs: Sequence[str], files: Sequence[str]) -> List[Target]:
    """Every target from ``--target`` values and ``--targets`` files, in the order given."""
    targets = [parse_target(spec, number) for number, spec in enumerate(specs, 1)]
    for path in files:
        targets.extend(load_targets(path))
    _unique_names(targets, "targets")
    return targets


def dump_targets(targets: Sequence[Target], fmt: str = "toml", header: str = "") -> str:
    """A fleet file holding ``targets`` (the format ``--targets`` reads)."""
    tables = [{key: value for key, value in asdict(target).items()
               if key != "snapshot" and value not in (None, [], "")} for target in targets]
    if fmt == "json":
        return json.dumps({"target": tables}, indent=2) + "\n"
    lines = [f"# {line}".rstrip() for line in header.splitlines()] + ([""] if header else [])
    for table in tables:
        lines.append("[[target]]")
        for key in (f.name for f in fields(Target)):
            if key in table:
                lines.append(f"{key} = {_toml_value(table[key])}")
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string is a JSON string


def _parse(text: str, path: str) -> Any:
    """JSON for ``.json`` files, TOML for ``.toml``; otherwise whichever parses."""
    if not path.endswith(".toml"):
        from ..serialize import parse_json

        try:
            return parse_json(text, path)
        except UsageError:
            if path.endswith(".json"):
                raise
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: neither a JSON nor a TOML fleet file ({exc})") from None


def _snapshot_target(data: Dict[str, Any], path: str) -> Target:
    from ..serialize import snapshot_from_dict

    snapshot = snapshot_from_dict(data, path)
    nvml = snapshot.nvml
    if not nvml.driver_version and not nvml.gpus:
        raise UsageError(f"{path}: this snapshot has neither a driver nor GPUs to use as a target")
    names = sorted({gpu.name for gpu in nvml.gpus if gpu.name})
    return Target(name=Path(path).stem, driver=nvml.driver_version, driver_cuda=nvml.cuda_driver_version,
                  gpu=", ".join(names) or None, count=len(nvml.gpus) or None, source=f"snapshot {path}",
                  snapshot=snapshot)


def _unique_names(targets: Sequence[Target], where: str) -> None:
    seen = set()
    for target in targets:
        if target.name in seen:
            raise UsageError(f"{where}: two targets are named {target.name!r}; give each a distinct name")
        seen.add(target.name)
