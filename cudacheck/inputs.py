"""Opening the files a command line names: one way to open them, one wording for each failure.

Each failure is a :class:`~cudacheck.errors.UsageError` (or the subclass the caller names)
that says which file and what is wrong with it: ``no such file``, ``is a directory``,
``permission denied``, ``cannot read: …``, ``refused: larger than 64 MiB``. ``-`` means
standard input where the command reads it.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import BinaryIO, Iterator, Type

from .errors import UsageError

MAX_INPUT_BYTES = 64 * 2**20
"""Largest JSON file read (a 1,000-GPU snapshot is about 2 MiB)."""


@contextmanager
def opened(path: str, *, error: Type[UsageError] = UsageError, stdin: bool = False) -> Iterator[BinaryIO]:
    """The file ``path`` open for reading bytes (``-`` with ``stdin``: standard input); a file
    that cannot be opened or read is ``error`` naming it."""
    from .output import printable

    if stdin and path == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise error("-: stdin is closed")
        try:
            yield stream
        except OSError as exc:
            raise error(f"-: cannot read stdin: {exc.strerror or exc}") from None
        return
    if not str(path).strip():
        raise error("empty file name")
    shown = printable(str(path))
    try:
        with open(path, "rb") as handle:
            yield handle
    except FileNotFoundError:
        raise error(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise error(f"{shown}: is a directory") from None
    except PermissionError:
        raise error(f"{shown}: permission denied") from None
    except OSError as exc:
        raise error(f"{shown}: cannot read: {exc.strerror or exc}") from None


def read_bytes(path: str, limit: int = MAX_INPUT_BYTES, *, stdin: bool = False) -> bytes:
    """The whole file ``path`` (``-`` with ``stdin``: standard input), at most ``limit`` bytes: a
    larger one is refused, as is one that cannot be read (see :func:`opened`)."""
    with opened(path, stdin=stdin) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        from .output import printable

        raise UsageError(f"{printable(str(path))}: refused: larger than {limit // 2**20} MiB")
    return data


def read_text(path: str, limit: int = MAX_INPUT_BYTES, *, stdin: bool = False) -> str:
    """:func:`read_bytes` decoded as UTF-8 (a byte-order mark is dropped); other bytes are refused."""
    data = read_bytes(path, limit, stdin=stdin)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        from .output import printable

        raise UsageError(f"{printable(str(path))}: not UTF-8 text (invalid byte at offset {exc.start})") from None
