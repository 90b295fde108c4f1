"""JSON in and out: dumping is plain ``dataclasses.asdict``; loading and the JSON
Schema go through pydantic, imported only here and only when needed."""
from __future__ import annotations

import json
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Union

from .errors import UsageError
from .report import Report
from .snapshot import SNAPSHOT_SCHEMA_VERSION, Snapshot


def to_dict(obj: Any) -> Dict[str, Any]:
    """A dataclass model as plain JSON-able data."""
    return asdict(obj)


def dumps(obj: Any, indent: int = 2) -> str:
    """A dataclass model as JSON text."""
    return json.dumps(asdict(obj), indent=indent, ensure_ascii=False)


@lru_cache(maxsize=None)
def _adapter(model: type) -> Any:
    from pydantic import TypeAdapter  # deferred: pydantic costs ~80 ms to import

    return TypeAdapter(model)


def snapshot_from_dict(data: Any, origin: str = "<data>") -> Snapshot:
    """Validate and build a Snapshot; a wrong shape is a UsageError naming the first bad field."""
    if not isinstance(data, dict):
        raise UsageError(f"{origin}: not a cudacheck snapshot (expected a JSON object)")
    if "snapshot" in data and "findings" in data:
        data = data["snapshot"]  # a saved report holds its snapshot
    version = data.get("schema_version")
    if version is None or "nvml" not in data:
        raise UsageError(f"{origin}: not a cudacheck snapshot (no schema_version/nvml keys)")
    if version != SNAPSHOT_SCHEMA_VERSION:
        raise UsageError(f"{origin}: snapshot schema_version {version!r} is not supported "
                         f"(this cudacheck reads version {SNAPSHOT_SCHEMA_VERSION})")
    from pydantic import ValidationError

    try:
        return _adapter(Snapshot).validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UsageError(f"{origin}: invalid snapshot at {where}: {first['msg']}") from None


def load_snapshot(path: Union[str, Path]) -> Snapshot:
    """Read a snapshot (or a report holding one) saved as JSON."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    snapshot = snapshot_from_dict(data, str(path))
    snapshot.source = "file" if snapshot.source == "live" else snapshot.source
    return snapshot


def report_from_dict(data: Any) -> Report:
    """Validate a report's JSON (as produced by ``doctor --format json``)."""
    return _adapter(Report).validate_python(data)


def report_json_schema() -> Dict[str, Any]:
    """The JSON Schema of a report, as printed by ``cudacheck schema``."""
    schema = _adapter(Report).json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cudacheck report"
    return schema
