"""Path helpers shared by probes: home-directory shortening, and the folders an import path or
a loader path names (relative entries, ``""`` included, are relative to the working folder,
which may have been deleted)."""
from __future__ import annotations

import os
from typing import Iterable, List, Optional

_HOME = os.path.expanduser("~")


def shorten(path: Optional[str]) -> Optional[str]:
    """Replace the home directory with ``~`` so snapshots don't carry user names."""
    if not path:
        return path
    if _HOME not in ("", "/") and (path == _HOME or path.startswith(_HOME + os.sep)):
        return "~" + path[len(_HOME):]
    return path


def folder(entry: str) -> Optional[str]:
    """An import-path or loader-path entry as an absolute, normalised folder. ``""`` and relative
    entries are relative to the working folder; None when that folder no longer exists."""
    if os.path.isabs(entry):
        return os.path.normpath(entry)
    try:
        return os.path.normpath(os.path.join(os.getcwd(), entry))
    except OSError:  # the working folder was deleted: a relative entry names nothing
        return None


def folders(entries: Iterable[str]) -> List[str]:
    """:func:`folder` of each entry, in order, without the ones that name nothing."""
    return [path for path in map(folder, entries) if path is not None]
