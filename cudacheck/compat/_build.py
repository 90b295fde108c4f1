"""Build dataclass rows from parsed JSON without importing pydantic.

Runtime loading must stay cheap for the health path; strict validation of the same
tables runs through pydantic in the test suite (see ``tests/compat``).
"""
from __future__ import annotations

import dataclasses
import sys
import typing
from functools import lru_cache
from typing import Any, Callable, Dict, Type, TypeVar, cast

T = TypeVar("T")


@lru_cache(maxsize=None)
def _hints(cls: type) -> Dict[str, Any]:
    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))


def build(cls: Type[T], data: Any) -> T:
    """Construct ``cls`` (a dataclass) from ``data``, recursing into nested dataclasses,
    lists and dicts; unknown keys are ignored here and rejected by the strict tests."""
    return cast(T, _converter(cast(Any, cls))(data))


Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


@lru_cache(maxsize=None)
def _converter(tp: Any) -> Converter:
    """One function per type that converts parsed JSON to it: the type is inspected once, not once per
    value (the GPU table alone has thousands of rows)."""
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_converter(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Union:  # Optional[X]
        inner = [a for a in args if a is not type(None)]
        return _converter(inner[0]) if len(inner) == 1 else _identity
    if origin in (list, typing.List) and args:
        item = _converter(args[0])
        if item is _identity:
            return lambda value: None if value is None else list(value)
        return lambda value: None if value is None else [item(v) for v in value]
    if origin in (list, typing.List):
        return lambda value: None if value is None else list(value)
    if origin in (dict, typing.Dict) and args:
        entry = _converter(args[1])
        return lambda value: None if value is None else {k: entry(v) for k, v in value.items()}
    if origin in (dict, typing.Dict):
        return lambda value: None if value is None else dict(value)
    return _identity


def _dataclass_converter(cls: type) -> Converter:
    fields = [(name, _converter(hint)) for name, hint in _hints(cls).items() if not name.startswith("_")]
    plain = [name for name, convert in fields if convert is _identity]
    nested = [(name, convert) for name, convert in fields if convert is not _identity]

    def convert(value: Any) -> Any:
        if value is None:
            return None
        kwargs = {name: value[name] for name in plain if name in value}
        for name, convert_field in nested:
            if name in value:
                kwargs[name] = convert_field(value[name])
        return cls(**kwargs)

    return convert
