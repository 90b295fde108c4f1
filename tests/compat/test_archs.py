"""SASS and PTX semantics (DESIGN.md "SASS compatibility")."""
from cudacheck.compat.archs import Arch, coverage, parse_arch, parse_arch_flags, parse_arch_list


def a(text):
    return parse_arch(text)


def test_parsing():
    assert a("sm_86") == Arch(8, 6) and a("8.6") == Arch(8, 6) and a("compute_90") == Arch(9, 0)
    assert a("sm_90a") == Arch(9, 0, "a") and a("10.0f") == Arch(10, 0, "f") and a("sm_120") == Arch(12, 0)
    assert a("sm_121") == Arch(12, 1) and a("8.6+PTX") == Arch(8, 6) and a("banana") is None
    assert parse_arch_list("7.0;8.0;9.0+PTX") == ([Arch(7, 0), Arch(8, 0), Arch(9, 0)], [Arch(9, 0)])
    assert parse_arch_flags(["sm_80", "sm_90", "compute_90"]) == ([Arch(8, 0), Arch(9, 0)], [Arch(9, 0)])


def test_sass_runs_within_a_major_on_higher_minors():
    assert coverage([a("8.0")], [], a("8.6")).kind == "sass"
    assert coverage([a("8.6")], [], a("8.9")).kind == "sass"
    assert coverage([a("12.0")], [], a("12.1")).kind == "sass"
    assert coverage([a("8.6")], [], a("8.0")).kind == "none"      # not downwards
    assert coverage([a("9.0")], [], a("10.0")).kind == "none"     # not across majors


def test_arch_specific_targets_run_only_on_their_gpu():
    assert coverage([a("9.0a")], [], a("9.0")).kind == "sass"
    assert coverage([a("10.0a")], [], a("10.3")).kind == "none"
    assert coverage([a("10.0f")], [], a("10.3")).kind == "sass"


def test_ptx_jits_upwards_across_majors():
    cover = coverage([a("9.0")], [a("9.0")], a("12.0"))
    assert cover.kind == "ptx" and cover.via == Arch(9, 0)
    assert coverage([a("9.0")], [a("9.0")], a("8.9")).kind == "none"
    assert coverage([], [a("9.0a")], a("10.0")).kind == "none"
