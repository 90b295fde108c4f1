"""Names of Python distributions, compared as pip compares them."""
from __future__ import annotations

from .lazy_regex import lazy_compile

_SEPARATORS = lazy_compile(r"[-_.]+")


def package_key(name: str) -> str:
    """A distribution's name normalised as PEP 503 does (``Flash_Attn`` → ``flash-attn``,
    ``zope.interface`` → ``zope-interface``): how two spellings of one package compare equal."""
    return _SEPARATORS.sub("-", name).lower()
