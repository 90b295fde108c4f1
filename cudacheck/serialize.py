"""JSON in and out: dumping is plain ``dataclasses.asdict``; loading and the JSON
Schema go through pydantic, imported only here and only when needed.

A snapshot file is untrusted input, read within explicit limits: at most
:data:`MAX_SNAPSHOT_BYTES`, nested at most :data:`MAX_DEPTH` deep, whole numbers of at
most :data:`MAX_INT_DIGITS` digits, finite numbers only (no ``NaN``/``Infinity``), the
shape of a Snapshot (a list, string or ``null`` where an object belongs is refused).
Each breach is a :class:`~cudacheck.errors.UsageError` naming the file and what is wrong.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Union

from .errors import UsageError
from .report import Report
from .snapshot import SNAPSHOT_SCHEMA_VERSION, Snapshot


MAX_SNAPSHOT_BYTES = 64 * 2**20
"""Largest snapshot file read (a 1,000-GPU snapshot is about 2 MiB): :data:`cudacheck.inputs.MAX_INPUT_BYTES`."""
MAX_DEPTH = 32
"""Deepest nesting of objects and arrays (a Snapshot needs 5)."""
MAX_INT_DIGITS = 20
"""Longest whole number (a 64-bit counter has 20 digits)."""
MAX_NUMBER = 1e19
"""Largest magnitude of a number with a fraction or an exponent."""


class _Refused(ValueError):
    """A limit the JSON text broke while it was being parsed."""


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(f"a number of {len(text.lstrip('-'))} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > 400:  # more digits than any float holds
        raise _Refused(f"a number written with {len(text)} characters")
    number = float(text)
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        raise _Refused(f"the number {text[:30]} (at most {MAX_NUMBER:g} in size)")
    return number


def _parse_constant(name: str) -> Any:
    raise _Refused(f"{name} (not a JSON number)")


def parse_json(text: str, origin: str) -> Any:
    """JSON text → data within the limits above; UsageError naming ``origin`` otherwise."""
    try:
        data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                          parse_constant=_parse_constant)
    except _Refused as exc:
        raise UsageError(f"{origin}: refused: {exc}") from None
    except RecursionError:
        raise UsageError(f"{origin}: refused: nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{origin}: not JSON ({exc.msg} at line {exc.lineno})") from None
    except ValueError as exc:  # e.g. an integer beyond the interpreter's digit limit
        raise UsageError(f"{origin}: refused: {exc}") from None
    if _depth(data) > MAX_DEPTH:
        raise UsageError(f"{origin}: refused: nested deeper than {MAX_DEPTH} levels")
    return data


def _depth(data: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest = 0
    stack: List[Any] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def dumps(obj: Any, indent: Optional[int] = 2) -> str:
    """A dataclass model as JSON text."""
    return json.dumps(asdict(obj), indent=indent, ensure_ascii=False)


@lru_cache(maxsize=None)
def _adapter(model: type) -> Any:
    from pydantic import TypeAdapter  # deferred: pydantic costs ~80 ms to import

    return TypeAdapter(model)


def snapshot_from_dict(data: Any, origin: str = "<data>") -> Snapshot:
    """Validate and build a Snapshot; a wrong shape is a UsageError naming the first bad field."""
    if not isinstance(data, dict):
        raise UsageError(f"{origin}: not a cudacheck snapshot (expected a JSON object, "
                         f"got {_json_type(data)})")
    if "snapshot" in data and "findings" in data:
        data = data["snapshot"]  # a saved report holds its snapshot
        if not isinstance(data, dict):
            raise UsageError(f"{origin}: the report's snapshot is {_json_type(data)}, not an object")
    version = data.get("schema_version")
    if version is None or "nvml" not in data:
        raise UsageError(f"{origin}: not a cudacheck snapshot (no schema_version/nvml keys)")
    if type(version) is not int or version != SNAPSHOT_SCHEMA_VERSION:
        raise UsageError(f"{origin}: snapshot schema_version {version!r:.40} is not supported "
                         f"(this cudacheck reads version {SNAPSHOT_SCHEMA_VERSION})")
    if _depth(data) > MAX_DEPTH:
        raise UsageError(f"{origin}: refused: nested deeper than {MAX_DEPTH} levels")
    from pydantic import ValidationError

    try:
        return _adapter(Snapshot).validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UsageError(f"{origin}: invalid snapshot at {where[:200]}: {first['msg']}") from None
    except RecursionError:
        raise UsageError(f"{origin}: refused: nested too deeply") from None


def _json_type(data: Any) -> str:
    if data is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array",
            dict: "an object"}.get(type(data), type(data).__name__)


def load_snapshot(path: Union[str, Path]) -> Snapshot:
    """Read a snapshot (or a report holding one) saved as JSON, within the limits above."""
    from .inputs import read_text
    from .output import printable

    if not str(path).strip():
        raise UsageError("--snapshot: empty file name")
    shown = printable(str(path))
    snapshot = snapshot_from_dict(parse_json(read_text(str(path), MAX_SNAPSHOT_BYTES), shown), shown)
    snapshot.source = "file" if snapshot.source == "live" else snapshot.source
    return snapshot


def report_json_schema() -> Dict[str, Any]:
    """The JSON Schema of a report, as printed by ``cudacheck schema``.

    It describes what cudacheck writes: every key is always present (``required``), and the
    schema versions are constants, so an empty object or another version's report does not
    validate. (Reading stays lenient: a snapshot from an older cudacheck, without newer keys,
    still loads.)"""
    from .report import REPORT_SCHEMA_VERSION

    schema = _adapter(Report).json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cudacheck report"
    for model in [schema, *schema.get("$defs", {}).values()]:
        if "properties" in model:  # dataclasses.asdict writes every field, always
            model["required"] = list(model["properties"])
    _constant(schema, REPORT_SCHEMA_VERSION)
    _constant(schema.get("$defs", {}).get("Snapshot", {}), SNAPSHOT_SCHEMA_VERSION)
    return schema


def _constant(schema: Dict[str, Any], version: int) -> None:
    """Make ``schema_version`` of an object schema the constant ``version``."""
    field = schema.get("properties", {}).get("schema_version")
    if field is not None:
        field.pop("default", None)
        field["const"] = version
