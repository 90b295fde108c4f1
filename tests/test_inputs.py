"""cudacheck/inputs.py: the one way files named on the command line are opened; each failure
is one UsageError naming the file (snapshots, pastes, fleet files and node lists alike)."""
from __future__ import annotations

import io
import sys

import pytest

from cudacheck.errors import UnreadableInput, UsageError
from cudacheck.inputs import opened, read_bytes, read_text


@pytest.mark.parametrize("name, content, message", [
    ("missing.json", None, "missing.json: no such file"),
    ("folder", "dir", "folder: is a directory"),
    ("big.json", b"x" * 2049, "big.json: refused: larger than 0 MiB"),
    ("latin1.json", "café".encode("latin-1"), "latin1.json: not UTF-8 text (invalid byte at offset 3)"),
])
def test_each_failure_names_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(UsageError) as caught:
        read_text(str(path), limit=2048)
    assert str(caught.value) == f"{tmp_path}/{message}"


def test_text_with_a_byte_order_mark_reads(tmp_path):
    (tmp_path / "a.json").write_bytes(b"\xef\xbb\xbf{}")
    assert read_text(str(tmp_path / "a.json")) == "{}"


def test_empty_name_and_the_callers_error_class():
    with pytest.raises(UnreadableInput, match="empty file name"):
        with opened("", error=UnreadableInput):
            pass


def test_stdin_only_where_the_command_reads_it(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"pasted")))
    assert read_bytes("-", stdin=True) == b"pasted"
    with pytest.raises(UsageError, match="-: no such file"):
        read_bytes("-")  # a snapshot named "-" is a file name, never a read from the terminal
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(UsageError, match="stdin is closed"):
        read_bytes("-", stdin=True)
