"""A per-file cache of scan results under ``$XDG_CACHE_HOME/cudacheck/``.

Keyed by the file's real path and identity ``(st_dev, st_ino, st_size, st_mtime_ns)``:
a reinstalled or rebuilt library has a new identity and is scanned again. The cache is
one JSON file, read once and replaced atomically when something changed. It is an
optimisation only: an unreadable, corrupt or unwritable cache is ignored without a word.
"""
from __future__ import annotations

import json
import os
import tempfile
from typing import Any, Dict, List, Optional

from .._version import __version__

FORMAT = 1
MAX_ENTRIES = 20_000
FILE_NAME = "kernels.json"


def default_path() -> Optional[str]:
    """``$XDG_CACHE_HOME/cudacheck/kernels.json`` (``~/.cache`` when unset), or None."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None
    return os.path.join(base, "cudacheck", FILE_NAME)


def identity(stat: os.stat_result) -> List[int]:
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns]


class ScanCache:
    """Entries ``{path: {"id": identity, ...}}``; ``path=None`` disables the cache."""

    def __init__(self, path: Optional[str]) -> None:
        self.path = path
        self.entries: Dict[str, Dict[str, Any]] = {}
        self.dirty = False
        self.hits = 0
        if path:
            self.entries = self._load(path)

    @staticmethod
    def _load(path: str) -> Dict[str, Dict[str, Any]]:
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("cudacheck") != __version__:
            return {}
        entries = data.get("files")
        return {k: v for k, v in entries.items() if isinstance(v, dict)} if isinstance(entries, dict) else {}

    def peek(self, path: str, stat: os.stat_result) -> Optional[Dict[str, Any]]:
        """The stored entry when the file still has the same identity."""
        entry = self.entries.get(path)
        return entry if entry is not None and entry.get("id") == identity(stat) else None

    def get(self, path: str, stat: os.stat_result) -> Optional[Dict[str, Any]]:
        """Like :meth:`peek`, counted as a hit."""
        entry = self.peek(path, stat)
        self.hits += entry is not None
        return entry

    def put(self, path: str, stat: os.stat_result, entry: Dict[str, Any]) -> None:
        if self.path is None:
            return
        self.entries[path] = dict(entry, id=identity(stat))
        self.dirty = True

    def save(self) -> None:
        """Write the cache if it changed; any failure leaves things as they were."""
        if not (self.path and self.dirty):
            return
        if len(self.entries) > MAX_ENTRIES:  # drop files that no longer exist, then the oldest
            self.entries = {p: e for p, e in self.entries.items() if os.path.exists(p)}
            for stale in list(self.entries)[:max(0, len(self.entries) - MAX_ENTRIES)]:
                del self.entries[stale]
        folder = os.path.dirname(self.path)
        temporary = None
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=folder, prefix=".kernels-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"format": FORMAT, "cudacheck": __version__, "files": self.entries}, handle,
                          separators=(",", ":"))
            os.replace(temporary, self.path)
            temporary = None
            self.dirty = False
        except OSError:
            pass
        finally:
            if temporary:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass
