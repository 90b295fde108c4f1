"""Regular expressions compiled on first use instead of at import.

cudacheck holds several hundred module-level patterns (the message catalogue, the triage
importers, GPU names); compiling them all at import cost more than half of a command's
start-up, while one run uses a few of them (a paste that never mentions Docker never
needs the docker patterns). ``lazy_compile`` has ``re.compile``'s signature and returns an
object that compiles on its first use and from then on hands out the compiled pattern's
own bound methods, so later calls cost what a compiled pattern costs.
"""
from __future__ import annotations

import re
from typing import Any, List, Pattern, Union, cast, overload

_DELEGATED = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner",
              "pattern", "flags", "groups", "groupindex")


_CREATED: "List[_LazyPattern]" = []
"""Every lazy pattern made so far, for :func:`compile_all`."""


class _LazyPattern:
    """A pattern's source and flags until the first attribute is asked for."""

    def __init__(self, source: Union[str, bytes], flags: int) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not set yet: compile, then bind the compiled pattern's attributes.
        # Other names (dunders probed by copy or pickle, or _source before __init__ ran) are not a pattern's.
        if name not in _DELEGATED:
            raise AttributeError(name)
        compiled = re.compile(self._source, self._flags)
        for attribute in _DELEGATED:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self._source!r}, {self._flags})"


@overload
def lazy_compile(pattern: str, flags: int = 0) -> "Pattern[str]": ...


@overload
def lazy_compile(pattern: bytes, flags: int = 0) -> "Pattern[bytes]": ...


def lazy_compile(pattern: Union[str, bytes], flags: int = 0) -> Any:
    """Like ``re.compile``, compiled when first used (a syntax error surfaces then, and in the tests that
    compile every pattern of the package)."""
    lazy = _LazyPattern(pattern, int(flags))
    _CREATED.append(lazy)
    return cast(Any, lazy)


_NOT_LETTERS = re.compile(r"\\.|\(\?P[<=]")


def lower_compile(pattern: str) -> "Pattern[str]":
    """A pattern searched in lower-cased text, compiled lazily and without ``re.IGNORECASE``.

    Folding the case of every character tried makes a case-blind search three times slower on
    the long lines of build logs; readers that run over many such lines search the document's
    lower-case twin of a line with a pattern written in lower case instead. Upper-case letters
    outside escapes (``\\S``, ``\\W``, ``\\D`` keep their meaning) and group names (``(?P<name>``) would
    never match, so they are refused when the pattern is compiled (the tests compile every pattern).
    """
    lazy = _LowerPattern(pattern, 0)
    _CREATED.append(lazy)
    return cast(Any, lazy)


class _LowerPattern(_LazyPattern):
    """A lazy pattern whose source must be lower case outside escapes."""

    def __getattr__(self, name: str) -> Any:
        if name in _DELEGATED and any(c.isupper() for c in _NOT_LETTERS.sub("", str(self._source))):
            raise ValueError(f"a pattern for lower-cased text holds upper-case letters: {self._source!r}")
        return super().__getattr__(name)


def compile_all() -> int:
    """Compile every lazy pattern made so far and return how many there are: the tests import every module
    and call this, so a pattern that does not compile fails a test instead of a user's run."""
    for lazy in _CREATED:
        getattr(lazy, "search")
    return len(_CREATED)
