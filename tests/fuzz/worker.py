"""Runs many ``cudacheck`` command lines in one interpreter, as the console script would.

Started once by the fuzz fixtures; reads one JSON case per line on its stdin and answers
one JSON line per case on its stdout. Each case gets its own environment, working folder,
stdin bytes (or a closed stdin) and stdout/stderr files with a chosen encoding, so a case
sees what a fresh ``cudacheck`` process would see, without the start-up cost. The real
descriptors 0, 1 and 2 are pointed at the case's files: code that writes to them directly
(``health``'s watchdog) lands there too. A case that ends the interpreter (``os._exit``
from the watchdog) is answered by the fixture from the files and the exit status.

Case:   {"argv": [...], "env": {...}, "cwd": "...", "stdin": "<hex>" | null,
         "stdout": "path", "stderr": "path", "encoding": "utf-8"}
Answer: {"code": int | null, "escaped": "<traceback of an exception that left main()>" | null}
"""
from __future__ import annotations

import io
import json
import os
import sys
import traceback


def main() -> None:
    protocol_in = os.fdopen(os.dup(0), "r", encoding="utf-8")
    protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    from cudacheck.cli import main as cudacheck_main

    for line in protocol_in:
        case = json.loads(line)
        answer = run_case(cudacheck_main, case)
        protocol_out.write(json.dumps(answer) + "\n")
        protocol_out.flush()


def run_case(cudacheck_main, case: dict) -> dict:
    os.environ.clear()
    os.environ.update(case["env"])
    os.chdir(case["cwd"])
    encoding = case.get("encoding", "utf-8")
    _point(1, case["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    _point(2, case["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding=encoding, errors="strict")
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding=encoding,
                                  errors="backslashreplace")
    if case.get("stdin") is None:
        _point(0, os.devnull, os.O_RDONLY)
        sys.stdin = None  # as Python leaves it when descriptor 0 was closed at start
    else:
        stdin_path = case["stdout"] + ".stdin"
        with open(stdin_path, "wb") as handle:
            handle.write(bytes.fromhex(case["stdin"]))
        _point(0, stdin_path, os.O_RDONLY)
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding=encoding)
    code, escaped = None, None
    try:
        cudacheck_main(case["argv"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: B902 - exactly what would print a traceback
        escaped = traceback.format_exc()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - as the interpreter's exit would ignore it
            pass
    return {"code": code, "escaped": escaped}


def _point(fd: int, path: str, flags: int) -> None:
    opened = os.open(path, flags, 0o600)
    os.dup2(opened, fd)
    os.close(opened)


if __name__ == "__main__":
    main()
