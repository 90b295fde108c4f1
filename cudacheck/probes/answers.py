"""A probe child's JSON answer → a Snapshot dataclass, copied by field name.

Each child (``children/*.py``) answers with a JSON object whose keys are the field names
of the dataclass its facts go into. The parent copies the keys by name, so a field added
to the dataclass and to the child needs no copying code; a value the child sends raw (an
integer version, a path to shorten) is decoded by the function named for its field. A
key that names no field means the child and the parent disagree: a bug in the probe,
raised as :class:`UnknownField` (a CC100 finding, or a failing test) rather than dropped.
"""
from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any, Callable, Mapping, Optional, Type, TypeVar

T = TypeVar("T")


class UnknownField(ValueError):
    """A child answered with a key its dataclass does not have."""


def field_names(cls: type) -> "frozenset[str]":
    """The field names of the dataclass ``cls``."""
    return frozenset(f.name for f in fields(cls))


def from_answer(cls: Type[T], data: Mapping[str, Any],
                decode: Optional[Mapping[str, Callable[[Any], Any]]] = None, **fixed: Any) -> T:
    """``cls(**data)``, each value passed through ``decode[name]`` where given; ``fixed`` sets
    fields the child does not send. :class:`UnknownField` for a key ``cls`` lacks."""
    assert is_dataclass(cls), cls
    names = field_names(cls)
    unknown = sorted(set(data) - names)
    if unknown:
        raise UnknownField(f"{cls.__name__} has no field {', '.join(map(repr, unknown))} (the child's answer)")
    decode = decode or {}
    values = {name: decode[name](value) if name in decode else value for name, value in data.items()}
    values.update(fixed)
    return cls(**values)
