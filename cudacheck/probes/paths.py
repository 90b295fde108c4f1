"""Path helpers shared by probes: home-directory shortening."""
from __future__ import annotations

import os
from typing import Optional

_HOME = os.path.expanduser("~")


def shorten(path: Optional[str]) -> Optional[str]:
    """Replace the home directory with ``~`` so snapshots don't carry user names."""
    if not path:
        return path
    if _HOME not in ("", "/") and (path == _HOME or path.startswith(_HOME + os.sep)):
        return "~" + path[len(_HOME):]
    return path
