"""Build dataclass rows from parsed JSON without importing pydantic.

Runtime loading must stay cheap for the health path; strict validation of the same
tables runs through pydantic in the test suite (see ``tests/compat``).
"""
from __future__ import annotations

import dataclasses
import sys
import typing
from functools import lru_cache
from typing import Any, Dict, Type, TypeVar

T = TypeVar("T")


@lru_cache(maxsize=None)
def _hints(cls: type) -> Dict[str, Any]:
    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))


def build(cls: Type[T], data: Any) -> T:
    """Construct ``cls`` (a dataclass) from ``data``, recursing into nested dataclasses,
    lists and dicts; unknown keys are ignored here and rejected by the strict tests."""
    return _convert(cls, data)


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {name: _convert(hints[name], value[name])
                  for name in hints if name in value and not name.startswith("_")}
        return tp(**kwargs)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union:  # Optional[X]
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value) if len(inner) == 1 else value
    if origin in (list, typing.List):
        return [_convert(args[0], item) for item in value] if args else list(value)
    if origin in (dict, typing.Dict):
        return {k: _convert(args[1], v) for k, v in value.items()} if args else dict(value)
    return value
