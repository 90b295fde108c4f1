"""Compatibility knowledge: the tables in ``compat_data/`` and the semantics over them."""
from .db import CompatDB, default_db

__all__ = ["CompatDB", "default_db"]
