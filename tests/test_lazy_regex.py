"""Patterns compiled on first use: every one of the package compiles, and a lazy pattern behaves as a compiled one."""
from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import cudacheck
from cudacheck import lazy_regex
from cudacheck.lazy_regex import compile_all, lazy_compile, lower_compile

CHILD_SCRIPTS = "cudacheck.probes.children."  # run as scripts in a child process, with their own imports


def test_every_pattern_of_the_package_compiles():
    for module in pkgutil.walk_packages(cudacheck.__path__, "cudacheck."):
        if not module.name.startswith(CHILD_SCRIPTS) and module.name != "cudacheck.__main__":
            importlib.import_module(module.name)
    assert compile_all() > 300  # the message catalogue, the triage importers, GPU names, ...


def test_a_lazy_pattern_behaves_like_a_compiled_one():
    lazy, eager = lazy_compile(r"driver (?P<v>\d+)", re.IGNORECASE), re.compile(r"driver (?P<v>\d+)", re.IGNORECASE)
    text = "Driver 470 and driver 535"
    assert lazy.search(text).group("v") == eager.search(text).group("v") == "470"
    assert lazy.findall(text) == eager.findall(text) and lazy.sub("x", text) == eager.sub("x", text)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in eager.finditer(text)]
    assert (lazy.pattern, lazy.flags, lazy.groupindex) == (eager.pattern, eager.flags, eager.groupindex)
    assert lazy.match(text, 11) is None and lazy.search(text, 11).group("v") == "535"


def test_a_broken_pattern_fails_on_first_use_and_in_compile_all():
    broken = lazy_compile(r"(unclosed")
    try:
        with pytest.raises(re.error):
            compile_all()
        with pytest.raises(re.error):
            broken.search("x")
    finally:
        lazy_regex._CREATED.remove(broken)  # leave the registry as the package made it


def test_a_lazy_pattern_copies_and_pickles_as_its_source():
    import copy
    import pickle

    lazy = lazy_compile(r"sm_(\d+)")
    assert copy.deepcopy(lazy).search("sm_90").group(1) == "90"
    assert pickle.loads(pickle.dumps(lazy)).search("sm_86").group(1) == "86"
    assert not hasattr(lazy_compile(r"x"), "__array__")  # probing for other names does not compile


def test_a_pattern_for_lower_cased_text_refuses_upper_case_letters():
    lower = lower_compile(r"\bdriver\s+(?P<v>\d+)\S*")  # escapes and group names are not letters to match
    assert lower.search("nvidia driver 470.xx").group("v") == "470"
    assert lower.flags & re.IGNORECASE == 0 and lower.search("NVIDIA Driver 470") is None  # the caller lowers the text
    shouting = lower_compile(r"Driver \d+")
    try:
        with pytest.raises(ValueError, match="upper-case"):
            shouting.search("driver 470")
    finally:
        lazy_regex._CREATED.remove(shouting)
