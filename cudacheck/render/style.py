"""Terminal capabilities: UTF-8 symbols or ASCII, colour or not (NO_COLOR, non-TTY)."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Optional, TextIO


@dataclass(frozen=True)
class Style:
    """How to mark status and whether to colour."""

    unicode: bool
    color: bool

    @property
    def mark_width(self) -> int:
        """Columns every mark takes, so that what follows a mark lines up."""
        return 1 if self.unicode else 4

    def mark(self, status: str, paint: bool = True) -> str:
        """The status mark, padded to :attr:`mark_width` (``[ok]``, ``[x] ``), coloured when ``paint``."""
        symbols = {"ok": "✓", "warning": "!", "error": "✗", "info": "·", "unknown": "?", "absent": "–"} \
            if self.unicode else \
            {"ok": "[ok]", "warning": "[!]", "error": "[x]", "info": "[i]", "unknown": "[?]", "absent": "[-]"}
        symbol = symbols[status]
        padding = " " * (self.mark_width - len(symbol))
        return (self.paint(symbol, status) if paint else symbol) + padding

    def paint(self, text: str, status: str) -> str:
        if not self.color:
            return text
        code = {"ok": "32", "warning": "33", "error": "31", "info": "36", "dim": "2", "bold": "1",
                "unknown": "35", "absent": "2"}[status]
        return f"\033[{code}m{text}\033[0m"

    def arrow(self) -> str:
        return "→" if self.unicode else "->"


FILE_STYLE = Style(unicode=True, color=False)
"""For files written with ``--output``: UTF-8, no colour codes."""


def detect(stream: Optional[TextIO] = None) -> Style:
    """Style for ``stream`` (stdout): colour only on a TTY without NO_COLOR; UTF-8 only if it encodes."""
    stream = stream or sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    unicode = encoding in ("utf8", "utf8sig")
    is_tty = hasattr(stream, "isatty") and stream.isatty()
    color = is_tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    return Style(unicode=unicode, color=color)
