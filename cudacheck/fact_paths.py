"""Facts of a Snapshot named by typed paths: ``lambda s: s.nvml.driver_version``.

Code that sets or forgets facts by name (triage's importers, the what-if overlay) names each
one as a function of the Snapshot, which a type checker checks, instead of a dotted string,
which a typo turns into an attribute nothing reads. :func:`path_of` resolves the function
once per call site against the Snapshot's dataclasses and raises ``AttributeError`` for a
name they lack; :func:`assign` sets the fact, creating a section that is still ``None``.
"""
from __future__ import annotations

from dataclasses import fields, is_dataclass
from types import CodeType
from typing import Any, Callable, Dict, Optional, Tuple, get_args, get_type_hints

from .snapshot import Snapshot

Path = Tuple[str, ...]
_PATHS: Dict[CodeType, Path] = {}


def dataclass_of(annotation: Any) -> Optional[type]:
    """The dataclass an annotation names, ``Optional[...]`` unwrapped; None for other types."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and is_dataclass(candidate):
            return candidate
    return None


class _Recorder:
    """Records the attributes read from it, checking each against the dataclass it stands for."""

    def __init__(self, model: Optional[type], path: Path = ()) -> None:
        self._model, self._path = model, path

    def __getattr__(self, name: str) -> "_Recorder":
        if name.startswith("_") or self._model is None or name not in {f.name for f in fields(self._model)}:
            raise AttributeError(f"{'.'.join(self._path) or 'Snapshot'} has no fact {name!r}")
        return _Recorder(dataclass_of(get_type_hints(self._model)[name]), self._path + (name,))


def path_of(where: Callable[[Any], Any]) -> Path:
    """``lambda s: s.nvml.driver_version`` → ``("nvml", "driver_version")``."""
    code = where.__code__
    path = _PATHS.get(code)
    if path is None:
        recorded = where(_Recorder(Snapshot))
        if not isinstance(recorded, _Recorder) or not recorded._path:
            raise TypeError("a fact is named as an attribute path of the Snapshot: lambda s: s.nvml.driver_version")
        path = _PATHS[code] = recorded._path
    return path


def key(where: Callable[[Any], Any]) -> str:
    """The fact's dotted name, for reports and bookkeeping: ``"nvml.driver_version"``."""
    return ".".join(path_of(where))


def assign(snapshot: Snapshot, path: Path, value: Any) -> None:
    """Set the fact at ``path``; a section on the way that is ``None`` is created empty."""
    *parents, leaf = path
    target: Any = snapshot
    for name in parents:
        section = getattr(target, name)
        if section is None:
            kind = dataclass_of(get_type_hints(type(target))[name])
            if kind is None:
                raise AttributeError(f"{'.'.join(path)}: {name} is not a section that can be created")
            section = kind()
            setattr(target, name, section)
        target = section
    setattr(target, leaf, value)
