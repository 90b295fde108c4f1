"""Reading pasted input: bytes to text, with limits, without ever raising on odd data.

Inputs come from files, stdin and clipboards: UTF-8, UTF-16 (PowerShell's ``>``
writes UTF-16 LE with a BOM), legacy code pages around English error lines, or binary
data pasted by mistake. Text is decoded leniently; data that is not text at all (NUL
bytes, mostly control characters) is refused with :class:`~cudacheck.errors.UnreadableInput`
(a UsageError: the CLI turns it into one line and exit code 2).
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import BinaryIO, Optional

from ..errors import UnreadableInput

__all__ = ["PastedText", "UnreadableInput", "decode", "describe_size", "read_path", "read_stream", "read_text"]

HEAD_BYTES = 2 * 2**20
"""Bytes read from the start of a large input."""
TAIL_BYTES = 2 * 2**20
"""Bytes read from the end of a large input (errors are usually at the end)."""
MAX_BYTES = HEAD_BYTES + TAIL_BYTES
"""Inputs up to this size are read whole; larger ones as head + tail."""

_SNIFF = 64 * 1024


@dataclass
class PastedText:
    """Decoded input and how much of it was read."""

    text: str
    size: int  # bytes in the input
    truncated: bool = False  # only head and tail were read
    encoding: str = "utf-8"


def read_path(path: str) -> PastedText:
    """Read a file (or ``-`` for stdin) as pasted text."""
    from ..inputs import opened

    with opened(path, error=UnreadableInput, stdin=True) as handle:
        return read_stream(handle)


def read_stream(stream: BinaryIO) -> PastedText:
    """Read at most :data:`MAX_BYTES` worth of a stream: everything, or head and tail."""
    head = _read_exactly(stream, MAX_BYTES + 1)
    if len(head) <= MAX_BYTES:
        return _decoded(head, len(head), False)
    size = len(head)
    tail = head[-TAIL_BYTES:]
    head = head[:HEAD_BYTES]
    seekable = False
    try:
        seekable = stream.seekable()
    except (AttributeError, OSError, ValueError):
        seekable = False
    if seekable:
        try:
            end = stream.seek(0, 2)
            size = end
            stream.seek(max(end - TAIL_BYTES, 0))
            tail = _read_exactly(stream, TAIL_BYTES)
        except OSError:
            pass
    else:
        # Keep a rolling tail while draining the rest of the stream.
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            size += len(chunk)
            tail = (tail + chunk)[-TAIL_BYTES:]
    return _decoded(head + b"\n" + _line_start(tail), size, True)


def _read_exactly(stream: BinaryIO, count: int) -> bytes:
    parts = []
    remaining = count
    while remaining > 0:
        wanted = min(remaining, 1 << 20)
        chunk = stream.read(wanted)
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
        if len(chunk) < wanted:
            break  # a buffered read returns short only at end of input (one Ctrl-D at a terminal)
    return b"".join(parts)


def _line_start(data: bytes) -> bytes:
    """Drop a partial first line (the tail was cut at an arbitrary byte)."""
    cut = data.find(b"\n")
    return data[cut + 1:] if 0 <= cut < 4096 else data


def _decoded(data: bytes, size: int, truncated: bool) -> PastedText:
    text, encoding = decode(data)
    return PastedText(text=text, size=size, truncated=truncated, encoding=encoding)


def decode(data: bytes) -> "tuple[str, str]":
    """(text, encoding) of ``data``; raises :class:`UnreadableInput` for binary data."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _utf16(data, "utf-16")
    elif _looks_utf16le(data):
        return _utf16(data, "utf-16-le")
    sample = data[:_SNIFF]
    if b"\x00" in sample or b"\x00" in data[-_SNIFF:]:
        raise UnreadableInput("binary data (NUL bytes), not text")
    if _control_ratio(sample) > 0.05:
        raise UnreadableInput("binary data (control characters), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    if replaced > max(16, len(text) // 4):
        # Mostly undecodable as UTF-8: a legacy code page is still text if it is mostly ASCII.
        ascii_share = sum(1 for b in sample if 9 <= b < 128) / max(len(sample), 1)
        if ascii_share < 0.6:
            raise UnreadableInput("undecodable bytes: not UTF-8/UTF-16 text")
        return data.decode("latin-1"), "latin-1"
    return text, "utf-8 (with replacements)"


def _utf16(data: bytes, encoding: str) -> "tuple[str, str]":
    text = data.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    sample = text[:_SNIFF]
    if "\x00" in sample or text.count("\ufffd") > max(16, len(text) // 4):
        raise UnreadableInput("binary data, not text")
    # Binary data after a BOM decodes into arbitrary code points; pasted logs are largely ASCII.
    if sample and sum(1 for c in sample if c < "\x80") < 0.3 * len(sample):
        raise UnreadableInput("binary data (not UTF-16 text despite its byte-order mark)")
    return text, encoding


def _looks_utf16le(data: bytes) -> bool:
    """UTF-16 LE without a BOM: ASCII text with a NUL after every character."""
    sample = data[:512]
    if len(sample) < 8:
        return False
    odd = sample[1::2]
    even = sample[0::2]
    return odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even)


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    allowed = {9, 10, 12, 13, 27}
    controls = sum(1 for b in sample if b < 32 and b not in allowed)
    return controls / len(sample)


def read_text(text: str) -> PastedText:
    """Wrap a ``str`` already in memory, applying the same size limit."""
    if not isinstance(text, str):
        raise TypeError(f"text: expected str, got {type(text).__name__}")
    size = len(text)
    if size <= MAX_BYTES:
        return PastedText(text=text, size=size)
    head, tail = text[:HEAD_BYTES], text[-TAIL_BYTES:]
    cut = tail.find("\n")
    if 0 <= cut < 4096:
        tail = tail[cut + 1:]
    return PastedText(text=head + "\n" + tail, size=size, truncated=True)


def describe_size(size: Optional[int]) -> str:
    """``"100.0 MiB"``."""
    if size is None:
        return "unknown size"
    if size >= 2**20:
        return f"{size / 2**20:.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size} bytes"
