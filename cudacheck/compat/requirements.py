"""``NVIDIA_REQUIRE_*`` constraints as the NVIDIA Container Toolkit evaluates them.

Grammar (nvidia-container-toolkit ``internal/requirements/constraints/factory.go``):
within one variable, space-separated terms are ORed and comma-separated factors are
ANDed; separate ``NVIDIA_REQUIRE_*`` variables are ANDed; a factor is
``PROPERTY OPERATOR VALUE`` with properties ``cuda``, ``driver``, ``arch`` (versions)
and ``brand`` (string); unknown properties are skipped. ``NVIDIA_DISABLE_REQUIRE`` is
read with Go's ``strconv.ParseBool``: only 1/t/T/TRUE/true/True disable the check.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, TypeVar

from ..versions import VersionTuple, parse
from ..lazy_regex import lazy_compile

_GO_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FACTOR = lazy_compile(r"^([A-Za-z_]+)(!=|<=|>=|=|<|>)(.*)$")
VERSION_PROPERTIES = ("cuda", "driver", "arch")


def disable_require(value: Optional[str]) -> bool:
    """Whether ``NVIDIA_DISABLE_REQUIRE`` disables the check (Go ParseBool; "yes" does not)."""
    return value is not None and value.strip() in _GO_TRUE


@dataclass
class Verdict:
    """Outcome of one requirement variable."""

    variable: str
    expression: str
    satisfied: Optional[bool]  # None when a needed property is unknown
    first_term: str


def _compare(have: Optional[str], op: str, want: str, is_version: bool) -> Optional[bool]:
    if have is None:
        return None
    if not is_version:
        return _holds(op, have.lower(), want.lower())
    left, right = parse(have), parse(want)
    if left is None or right is None:
        return None
    width = max(len(left), len(right))
    return _holds(op, left + (0,) * (width - len(left)), right + (0,) * (width - len(right)))


_Comparable = TypeVar("_Comparable", str, VersionTuple)


def _holds(op: str, left: _Comparable, right: _Comparable) -> bool:
    """``left op right`` for two strings or two version tuples of one width."""
    return {"=": left == right, "!=": left != right, "<": left < right, "<=": left <= right,
            ">": left > right, ">=": left >= right}[op]


def _factor(text: str, properties: Dict[str, Optional[str]]) -> Optional[bool]:
    match = _FACTOR.match(text.strip())
    if not match:
        return True  # the toolkit rejects malformed constraints; treat as not restricting here
    name, op, value = match.group(1).lower(), match.group(2), match.group(3)
    if name not in properties:
        return True  # unsupported property: skipped by the toolkit
    return _compare(properties[name], op, value, name in VERSION_PROPERTIES)


def _all(values: List[Optional[bool]]) -> Optional[bool]:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _any(values: List[Optional[bool]]) -> Optional[bool]:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def evaluate(variable: str, expression: str, properties: Dict[str, Optional[str]]) -> Verdict:
    """Evaluate one ``NVIDIA_REQUIRE_*`` value against ``cuda``/``driver``/``arch``/``brand``."""
    terms = [t for t in expression.split(" ") if t.strip()]
    results = [_all([_factor(f, properties) for f in term.split(",") if f.strip()]) for term in terms]
    return Verdict(variable, expression, _any(results) if results else True, terms[0] if terms else "")
