"""Children's answers are copied into the Snapshot by field name: a key the dataclass does not
have fails (it would otherwise be a fact silently dropped), and every child speaks its
dataclass's names."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

import pytest

from cudacheck.probes import answers
from cudacheck.probes.answers import UnknownField, field_names, from_answer
from cudacheck.snapshot import EnvironmentFacts

CHILDREN = Path(answers.__file__).resolve().parent / "children"


@dataclass
class Example:
    name: str
    version: Optional[str] = None
    items: Optional[List[int]] = None


@pytest.mark.parametrize("data, decode, fixed, expected", [
    ({"name": "a"}, None, {}, Example("a")),
    ({"name": "a", "version": 12040}, {"version": lambda v: f"{v // 1000}.{v % 1000 // 10}"}, {}, Example("a", "12.4")),
    ({"version": "1"}, None, {"name": "fixed"}, Example("fixed", "1")),
    ({"name": "a", "items": [1]}, {"name": str.upper}, {}, Example("A", None, [1])),
])
def test_copied_by_name(data, decode, fixed, expected):
    assert from_answer(Example, data, decode, **fixed) == expected


def test_an_unknown_key_fails_naming_it():
    with pytest.raises(UnknownField, match="Example has no field 'versoin'"):
        from_answer(Example, {"name": "a", "versoin": "1"})


def test_the_python_environment_child_speaks_environment_facts():
    from cudacheck.probes.environment import _child_module

    described = _child_module().describe(isolated=False)
    assert set(described) == field_names(EnvironmentFacts) - {"selected_by", "note"}


def test_the_library_child_and_its_decoders_name_the_same_libraries():
    from cudacheck.probes.library_versions import CALLABLE, DECODE

    tree = ast.parse((CHILDREN / "libs_child.py").read_text(encoding="utf-8"))
    [calls] = [node.value for node in tree.body if isinstance(node, ast.Assign)
               and any(getattr(t, "id", None) == "CALLS" for t in node.targets)]
    assert sorted(ast.literal_eval(key) for key in calls.keys) == sorted(DECODE) == sorted(CALLABLE)


def test_children_import_only_the_standard_library_and_their_siblings():
    siblings = {path.stem for path in CHILDREN.glob("*.py")}
    for path in CHILDREN.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not [n for n in names if n.split(".")[0] == "cudacheck"], path.name
            assert all(n.split(".")[0] in siblings or n.split(".")[0] in _STDLIB_OR_PROBED for n in names), \
                (path.name, names)


_STDLIB_OR_PROBED = {"ctypes", "json", "os", "re", "sys", "tempfile", "warnings", "site", "time", "pynvml", "torch",
                     "signal", "io", "runpy", "platform", "struct", "errno", "traceback"}
