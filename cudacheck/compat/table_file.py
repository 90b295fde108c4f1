"""The ``torch_releases.json`` file as the refresh edits it: read, validate, write.

The table is edited as data and dumped in its own layout (``json`` with one-space indents,
UTF-8, a final newline), which reproduces the file byte for byte; a file in another layout
is refused rather than reformatted. A write happens only when the result validates strictly
and adds no cross-table problem (the checks of the test suite), and it replaces the file
atomically.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict, List


class TableFileError(ValueError):
    """The table cannot be read, or the edited table cannot be written (the message says why)."""


def dump_table(table: Dict[str, Any]) -> str:
    """The table in its file layout."""
    return json.dumps(table, indent=1, ensure_ascii=False) + "\n"


def load_table(path: str) -> Dict[str, Any]:
    """The table at ``path``; :class:`TableFileError` when unreadable or not in the file layout
    :func:`dump_table` writes (a write would then reformat the whole file)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        table = json.loads(text)
    except (OSError, ValueError) as exc:
        raise TableFileError(f"{path}: cannot read the table ({exc})") from None
    if not isinstance(table, dict) or not isinstance(table.get("releases"), list):
        raise TableFileError(f"{path}: not a torch_releases table (no 'releases' list)")
    if dump_table(table) != text:
        raise TableFileError(f"{path}: not in the table's layout (json, one-space indents, UTF-8): a write would "
                           "reformat it")
    return table


def save_table(path: str, table: Dict[str, Any]) -> None:
    """Replace the file atomically with ``table`` once it validates strictly and agrees with
    the other tables next to it (the checks of the test suite); otherwise nothing is written."""
    problems = table_problems(table, os.path.dirname(os.path.abspath(path)))
    if problems:
        raise TableFileError("the refreshed table would not validate, nothing written: " + "; ".join(problems[:3]))
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".torch_releases-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(dump_table(table))
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def table_problems(table: Dict[str, Any], folder: str) -> List[str]:
    """Strict validation errors of ``table`` and the cross-table problems it adds to the
    tables in ``folder`` (the shipped ones where the folder has none)."""
    from pydantic import ValidationError

    from .db import CompatDB, consistency_problems, validate_tables
    from .tables import TABLE_FILES

    def problems_in(directory: str) -> List[str]:
        try:
            validate_tables(directory)
        except ValidationError as exc:
            return [f"{error['loc']}: {error['msg']}" for error in exc.errors()]
        return consistency_problems(CompatDB(directory))

    with tempfile.TemporaryDirectory(prefix="refresh-compat-") as scratch:
        for name, (filename, _model) in TABLE_FILES.items():
            if name != "torch" and os.path.exists(os.path.join(folder, filename)):
                shutil.copyfile(os.path.join(folder, filename), os.path.join(scratch, filename))
        before = set(problems_in(scratch))
        Path(scratch, TABLE_FILES["torch"][0]).write_text(dump_table(table), encoding="utf-8")
        return [problem for problem in problems_in(scratch) if problem not in before]
