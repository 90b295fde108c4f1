"""Writing what cudacheck says — to stdout, stderr or a file — whatever the process got.

Every text leaves through here, with secrets masked (:mod:`cudacheck.redact`), and
no state of the streams turns into a traceback:

- stdout closed at start (``>&-``): the report cannot be written → :class:`OutputError`;
- stdout full (``/dev/full``) or otherwise failing: :class:`OutputError`;
- the reader went away (``| head -c 10``): not an error, the rest is dropped quietly;
- an encoding that cannot hold a character (a Latin-1 locale, ``PYTHONIOENCODING=ascii``,
  a name from undecodable ``argv`` bytes): text gets ``?``, JSON gets ``\\uXXXX`` escapes
  (the same JSON value);
- closed standard descriptors are reopened on ``/dev/null`` first, so no file cudacheck
  opens later takes their number and receives output meant for stdout.

After a failed write the descriptor is pointed at ``/dev/null`` so the interpreter's own
flush at exit has nothing left to fail on.
"""
from __future__ import annotations

import codecs
import os
import sys
from typing import Optional, TextIO, Tuple, Union

from .errors import OutputError, UsageError

__all__ = ["OutputError", "check_writable", "emit", "error", "note", "prepare_streams", "printable", "say",
           "write_file"]

PREFIX = "cudacheck: error: "
_JSON_ERRORS = "cudacheck-json-escape"


def prepare_streams() -> None:
    """Make the standard streams safe to use for the rest of the process.

    Closed descriptors 0-2 get ``/dev/null``; text that click itself prints (``--help``)
    never fails on an encoding: characters stdout cannot encode become ``?``.
    """
    guard_standard_streams()
    for stream, errors in ((sys.stdout, "replace"), (sys.stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors=errors)
            except (ValueError, OSError, TypeError):
                pass


def guard_standard_streams() -> None:
    """Open ``/dev/null`` on any of descriptors 0, 1, 2 that is closed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                spare = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
                if spare != fd:
                    os.dup2(spare, fd)
                    os.close(spare)
            except OSError:
                pass


def emit(text: str, *, json: bool = False) -> None:
    """Write ``text`` and a final newline to stdout, secrets masked.

    Raises :class:`OutputError` when stdout is closed or fails; a closed pipe is not an error.
    """
    from .redact import redact

    text = redact(text)
    _write(sys.stdout, text if text.endswith("\n") else text + "\n",
           _json_errors() if json else "replace", "stdout")


def say(line: str) -> bool:
    """Write one line to stdout, secrets masked; False when it could not be written.

    For answers whose exit code is the message (``health``): a lost line is no error.
    """
    try:
        emit(line)
    except OutputError:
        return False
    return True


def error(message: str) -> None:
    """``cudacheck: error: <message>`` on one line of stderr, secrets masked; never raises."""
    note(PREFIX + " ".join(str(message).split()))


def note(line: str) -> None:
    """One line on stderr as given (a preflight rank's own prefix), secrets masked; never raises."""
    from .redact import redact

    try:
        _write(sys.stderr, redact(line.rstrip("\n")) + "\n", "backslashreplace", "stderr")
    except OutputError:
        pass


def check_writable(path: str, what: str = "--output") -> None:
    """Refuse at once a file name that cannot be written: empty, a folder, in no folder."""
    if not path or not path.strip():
        raise UsageError(f"{what}: empty file name")
    if os.path.isdir(path):
        raise UsageError(f"{printable(path)}: is a directory")
    parent = os.path.dirname(os.path.abspath(path)) if _cwd_exists() or os.path.isabs(path) else None
    if parent is None or not os.path.isdir(parent):
        raise UsageError(f"{printable(path)}: cannot write: its folder does not exist")


def write_file(path: str, text: str, what: str = "--output") -> None:
    """Write ``text`` (secrets masked) to the file ``path``; :class:`UsageError` naming it on failure."""
    from .redact import redact

    check_writable(path, what)
    try:
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(redact(text) + ("" if text.endswith("\n") else "\n"))
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(f"{printable(path)}: cannot write: {reason}") from None


def _write(stream: Optional[TextIO], text: str, errors: str, name: str) -> None:
    if stream is None:
        raise OutputError(f"cannot write to {name}: it is closed")
    encoding = getattr(stream, "encoding", None) or "utf-8"
    buffer = getattr(stream, "buffer", None)
    try:
        data = text.encode(encoding, errors)
        if buffer is not None:
            stream.flush()
            buffer.write(data)
            buffer.flush()
        else:
            stream.write(data.decode(encoding, "replace"))
            stream.flush()
    except BrokenPipeError:
        _silence(stream)  # the reader stopped reading (| head): nothing more to say
    except LookupError:  # an encoding name Python does not know: fall back to UTF-8
        _write_utf8(stream, text, name)
    except (OSError, ValueError) as exc:  # ValueError: the stream object itself was closed
        _silence(stream)
        raise OutputError(f"cannot write to {name}: {getattr(exc, 'strerror', None) or exc}") from None


def _write_utf8(stream: TextIO, text: str, name: str) -> None:
    try:
        target = getattr(stream, "buffer", None)
        if target is None:
            raise OSError("no byte stream")
        target.write(text.encode("utf-8", "replace"))
        target.flush()
    except BrokenPipeError:
        _silence(stream)
    except (OSError, ValueError) as exc:
        _silence(stream)
        raise OutputError(f"cannot write to {name}: {getattr(exc, 'strerror', None) or exc}") from None


def _silence(stream: TextIO) -> None:
    """Point the stream's descriptor at /dev/null so the exit-time flush cannot fail again."""
    try:
        fd = stream.fileno()
        spare = os.open(os.devnull, os.O_WRONLY)
        os.dup2(spare, fd)
        os.close(spare)
    except (OSError, ValueError, AttributeError):
        pass


def _json_errors() -> str:
    """An encoding error handler writing what the encoding lacks as JSON ``\\uXXXX`` escapes.

    Report JSON carries non-ASCII characters only inside strings, where an escape is the
    same value.
    """
    try:
        codecs.lookup_error(_JSON_ERRORS)
    except LookupError:
        codecs.register_error(_JSON_ERRORS, _escape_for_json)
    return _JSON_ERRORS


def _escape_for_json(exc: UnicodeError) -> Tuple[Union[str, bytes], int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    pieces = []
    for char in exc.object[exc.start:exc.end]:
        code = ord(char)
        if code > 0xFFFF:  # outside the BMP: a surrogate pair, as JSON spells it
            code -= 0x10000
            pieces.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            pieces.append(f"\\u{code:04x}")
    return "".join(pieces), exc.end


def _cwd_exists() -> bool:
    try:
        os.getcwd()
    except OSError:
        return False
    return True


def printable(text: str) -> str:
    """``text`` with undecodable bytes (lone surrogates from argv or a file name) as escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
