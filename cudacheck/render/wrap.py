"""Fitting text to the terminal: the width, and lines wrapped so that nothing breaks.

Lines are broken only at spaces, never inside a word, a `backtick span`, a quoted
string or a command: a command (a line or a part of a line that starts with ``pip``,
``docker``, ``$`` ...) stays whole on its own line so it copies cleanly, and what
follows it after two spaces or `` (`` (a note) moves to the next line. A single token
longer than the width (a command, a URL, a path) is left as it is: breaking it would
make it wrong. Alignment inside a line that fits is kept; continuation lines hang at a
given indent.
"""
from __future__ import annotations

import os
import re
from typing import List, Optional, TextIO
from ..lazy_regex import lazy_compile

DEFAULT_WIDTH = 80
"""The width when the output is not a terminal and COLUMNS is not set."""
MIN_WIDTH = 40
"""Narrower terminals get this width: below it nothing useful fits on a line."""

#: Words that start a command someone will copy (after optional ``sudo``).
COMMAND_WORDS = ("pip", "pip3", "python", "python3", "conda", "mamba", "micromamba", "uv", "uvx", "pipx",
                 "docker", "podman", "kubectl", "helm", "apt", "apt-get", "dnf", "yum", "export", "nvidia-smi",
                 "cudacheck", "torchrun", "git", "sudo", "ldconfig", "modprobe", "systemctl")
#: A command word followed by an argument (``nvcc targets: …`` is a label, not a command).
_COMMAND = lazy_compile(r"(?:\$ |python3? -|(?:%s) (?![^ ]*: ))" % "|".join(
    re.escape(word) for word in COMMAND_WORDS if not word.startswith("python")))


def terminal_width(stream: Optional[TextIO] = None) -> int:
    """``COLUMNS`` when set, else the terminal's width, else :data:`DEFAULT_WIDTH` (not a
    terminal); never below :data:`MIN_WIDTH`."""
    import sys

    value = os.environ.get("COLUMNS", "").strip()
    width = int(value) if value.isdigit() and int(value) > 0 else 0
    if not width:
        stream = stream if stream is not None else sys.stdout
        try:
            if stream is not None and stream.isatty():
                width = os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            width = 0
    return max(MIN_WIDTH, width or DEFAULT_WIDTH)


def is_command(text: str) -> bool:
    """Whether ``text`` (without its indent) starts with a command."""
    return bool(_COMMAND.match(text))


def _protected(text: str) -> List[bool]:
    """For each character, whether a line may NOT break at it: inside a backtick span, a
    quoted string, or a command (up to two spaces or `` (`` outside quotes). A quotation of
    pasted text (“…”) is prose: it breaks at its spaces whatever characters it holds."""
    keep = [False] * len(text)
    index = 0
    at_word_start = True
    while index < len(text):
        char = text[index]
        if char == "“":  # a quotation of pasted text: its backticks are the paste's, not code spans
            end = text.find("”", index + 1)
            if end > index:
                index, at_word_start = end + 1, False
                continue
        if char == "`":
            end = text.find("`", index + 1)
            if end > index:
                for i in range(index, end + 1):
                    keep[i] = True
                index, at_word_start = end + 1, False
                continue
        if at_word_start and _command_may_start(text, index) and _COMMAND.match(text, index):
            end = _command_end(text, index)
            for i in range(index, end):
                keep[i] = True
            index, at_word_start = end, False
            continue
        at_word_start = char == " "
        index += 1
    return keep


def _command_may_start(text: str, index: int) -> bool:
    """A command starts a line's content, follows two spaces (a column) or ": " (a label);
    a command word in the middle of a sentence is just a word."""
    before = text[:index]
    return not before.strip() or before.endswith(("  ", ": "))


def _command_end(text: str, start: int) -> int:
    """Where the command starting at ``start`` ends: two spaces, `` (``, ``, `` or ``; ``
    outside quotes (what follows is a note, or another command)."""
    quote = ""
    index = start
    while index < len(text):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif text.startswith(("  ", " ("), index):
            return index
        elif text.startswith((", ", "; "), index):
            return index + 1
        index += 1
    return len(text)


def fit_line(line: str, width: int, hang: Optional[int] = None) -> List[str]:
    """``line`` as lines of at most ``width`` characters, broken at spaces outside
    protected spans; continuation lines start with ``hang`` spaces (default: the line's
    indent + 2). A command that starts mid-line moves to a line of its own."""
    if len(line) <= width:
        return [line]
    indent = len(line) - len(line.lstrip(" "))
    hang = indent + 2 if hang is None else hang
    out: List[str] = []
    keep_all = _protected(line)  # judged on the whole line: a cut must not lose a quote's start
    offset = 0  # where rest starts in line
    rest = line
    prefix_len = 0  # the first line's own indent is part of rest
    while True:
        limit = width - prefix_len
        if len(rest) <= limit:
            out.append(" " * prefix_len + rest)
            break
        keep = keep_all[offset:]
        start = len(rest) - len(rest.lstrip(" "))
        cut = _last_break(rest, keep, start, limit)
        if cut is None:
            cut = _first_break(rest, keep, start)  # an unbreakable run longer than the line
        if cut is None:
            out.append(" " * prefix_len + rest)
            break
        out.append(" " * prefix_len + rest[:cut].rstrip())
        remainder = rest[cut:]
        rest = remainder.lstrip(" ")
        offset += cut + len(remainder) - len(rest)
        if not rest:
            break
        prefix_len = hang
    return out


def _last_break(text: str, keep: List[bool], start: int, limit: int) -> Optional[int]:
    """The last space at or before ``limit`` where the line may break (after ``start``)."""
    for index in range(min(limit, len(text) - 1), start, -1):
        if text[index] == " " and not keep[index]:
            return index
    return None


def _first_break(text: str, keep: List[bool], start: int) -> Optional[int]:
    for index in range(start + 1, len(text)):
        if text[index] == " " and not keep[index]:
            return index
    return None


def fit(text: str, width: int, hang: Optional[int] = None) -> str:
    """Every line of ``text`` fitted with :func:`fit_line`, secrets masked first (a secret
    broken over two lines would no longer be recognised when the output is written)."""
    from ..redact import redact

    return "\n".join(piece for line in redact(text).split("\n") for piece in fit_line(line, width, hang))
