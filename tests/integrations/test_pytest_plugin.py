"""The pytest plugin (entry point ``pytest11: cudacheck``), exercised through pytester."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import a100_node, fake_gpu_env, write_snapshot

pytest_plugins = ["pytester"]

MARKED_AND_PLAIN = """
import pytest

@pytest.mark.cuda(min_compute_capability="8.0", features=["bf16"])
def test_needs_gpu():
    pass

def test_plain():
    pass
"""


def skip_reasons(recorder: pytest.HookRecorder) -> list:
    """The skip messages of an inline_run, in test order."""
    return [report.longrepr[2] for report in recorder.listoutcomes()[1]]


def test_plugin_is_registered_by_entry_point(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["*@pytest.mark.cuda(min_compute_capability=None*"])
    help_text = pytester.runpytest("--help")
    help_text.stdout.fnmatch_lines(["*--cudacheck-report*", "*--cudacheck-snapshot*"])


def test_marked_test_is_skipped_without_gpu_and_plain_test_runs(pytester: pytest.Pytester, machine) -> None:
    machine(gpus="")  # a driver that lists no GPU, whatever this machine has
    pytester.makepyfile(MARKED_AND_PLAIN)
    result = pytester.inline_run("--strict-markers")
    result.assertoutcome(passed=1, skipped=1)
    (reason,) = skip_reasons(result)
    assert reason.startswith("Skipped: cudacheck: ")
    assert "[CC601]" in reason and "GPU" in reason  # no GPU visible, and the finding's code


def test_unmarked_session_runs_and_prints_no_header(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    header = result.stdout.str().split("collected")[0]
    assert "probe" not in header and "NVIDIA driver" not in header


def test_requirements_are_judged_against_a_saved_snapshot(pytester: pytest.Pytester, tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "a100.json", a100_node())
    pytester.makepyfile("""
        import pytest

        @pytest.mark.cuda
        def test_any_gpu(): pass

        @pytest.mark.cuda(min_compute_capability="8.0", features=["bf16"], min_gpu_memory="40GiB")
        def test_ampere_bf16_40g(): pass

        @pytest.mark.cuda(features=("bf16", "tf32"), min_shm="1GiB")
        def test_tuple_features(): pass

        @pytest.mark.cuda(min_gpus=2)
        def test_two_gpus(): pass

        @pytest.mark.cuda(min_compute_capability="9.0")
        def test_hopper(): pass

        @pytest.mark.cuda(features=["fp8"])
        def test_fp8(): pass

        @pytest.mark.cuda(min_gpu_memory="100GiB")
        def test_100g(): pass
    """)
    result = pytester.inline_run(f"--cudacheck-snapshot={snapshot}", "-rs")
    passed, skipped, failed = result.listoutcomes()
    assert not failed
    assert sorted(r.nodeid.split("::")[1] for r in passed) == ["test_ampere_bf16_40g", "test_any_gpu",
                                                                "test_tuple_features"], \
        skip_reasons(result)
    reasons = {r.nodeid.split("::")[1]: r.longrepr[2] for r in skipped}
    assert "[CC602]" in reasons["test_two_gpus"] and "2 required" in reasons["test_two_gpus"]
    assert "[CC603]" in reasons["test_hopper"] and "9.0 required" in reasons["test_hopper"]
    assert "[CC605]" in reasons["test_fp8"] and "fp8" in reasons["test_fp8"]
    assert "[CC604]" in reasons["test_100g"]


def test_class_and_function_marks_combine_closest_wins(pytester: pytest.Pytester, tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "a100.json", a100_node())
    pytester.makepyfile("""
        import pytest

        pytestmark = pytest.mark.cuda(min_gpu_memory="40GiB")

        @pytest.mark.cuda(min_compute_capability="9.0")
        class TestHopper:
            def test_inherits(self): pass

            @pytest.mark.cuda(min_compute_capability="8.0")
            def test_overrides(self): pass

            @pytest.mark.cuda(min_compute_capability="8.0", min_gpu_memory="100GiB")
            def test_module_memory_overridden(self): pass
    """)
    result = pytester.inline_run(f"--cudacheck-snapshot={snapshot}")
    passed, skipped, _ = result.listoutcomes()
    assert [r.nodeid.split("::")[-1] for r in passed] == ["test_overrides"]
    reasons = {r.nodeid.split("::")[-1]: r.longrepr[2] for r in skipped}
    assert "[CC603]" in reasons["test_inherits"]
    assert "[CC604]" in reasons["test_module_memory_overridden"]


def test_skip_reason_counts_further_errors(pytester: pytest.Pytester, tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "a100.json", a100_node())
    pytester.makepyfile("""
        import pytest

        @pytest.mark.cuda(min_gpus=2, min_compute_capability="9.0")
        def test_big(): pass
    """)
    result = pytester.inline_run(f"--cudacheck-snapshot={snapshot}")
    (reason,) = skip_reasons(result)
    assert "(+1 more)" in reason


def test_marks_ignore_project_policy(pytester: pytest.Pytester, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A mark states the test's own needs: [tool.cudacheck] and CUDACHECK_* do not add to them."""
    snapshot = write_snapshot(tmp_path / "a100.json", a100_node())
    pytester.makepyprojecttoml("[tool.cudacheck]\nmin_gpus = 4\n")
    monkeypatch.setenv("CUDACHECK_MIN_COMPUTE_CAPABILITY", "9.0")
    pytester.makepyfile("import pytest\n\n@pytest.mark.cuda\ndef test_gpu(): pass\n")
    result = pytester.inline_run(f"--cudacheck-snapshot={snapshot}")
    result.assertoutcome(passed=1)


@pytest.mark.parametrize("mark, message", [
    ('cuda("8.0")', "keyword arguments only"),
    ('cuda(min_compute_capability="eight")', "compute capability"),
    ('cuda(min_gpus="many")', "whole number"),
    ('cuda(feature=["bf16"])', "unknown key"),
    ('cuda(features=["bf17"])', "unknown feature"),
])
def test_bad_mark_arguments_fail_the_test(pytester: pytest.Pytester, tmp_path: Path, mark: str,
                                          message: str) -> None:
    snapshot = write_snapshot(tmp_path / "a100.json", a100_node())
    pytester.makepyfile(f"import pytest\n\n@pytest.mark.{mark}\ndef test_gpu(): pass\n")
    result = pytester.runpytest(f"--cudacheck-snapshot={snapshot}")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*@pytest.mark.cuda*{message}*"])


def test_unreadable_snapshot_is_a_usage_error(pytester: pytest.Pytester, tmp_path: Path) -> None:
    pytester.makepyfile("def test_plain(): pass\n")
    result = pytester.runpytest(f"--cudacheck-snapshot={tmp_path / 'missing.json'}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--cudacheck-snapshot*no such file*"])


def test_report_fixture_is_computed_once_per_session(pytester: pytest.Pytester, tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "a100.json", a100_node())
    pytester.makepyfile("""
        import cudacheck

        SEEN = []

        def test_first(cudacheck_report):
            assert isinstance(cudacheck_report, cudacheck.Report)
            assert cudacheck_report.snapshot.nvml.gpus[0].name == "NVIDIA A100-SXM4-80GB"
            SEEN.append(cudacheck_report)

        def test_second(cudacheck_report):
            assert SEEN and SEEN[0] is cudacheck_report
    """)
    result = pytester.inline_run(f"--cudacheck-snapshot={snapshot}")
    result.assertoutcome(passed=2)


def test_report_fixture_uses_project_policy(pytester: pytest.Pytester, tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "a100.json", a100_node())
    pytester.makepyprojecttoml("[tool.cudacheck]\nmin_gpus = 2\n")
    pytester.makepyfile("""
        def test_policy(cudacheck_report):
            assert cudacheck_report.policy.get("min_gpus") == 2
            assert [f.code for f in cudacheck_report.errors()] == ["CC602"]
    """)
    result = pytester.inline_run(f"--cudacheck-snapshot={snapshot}")
    result.assertoutcome(passed=1)


def test_live_report_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_live(cudacheck_report):
            assert cudacheck_report.snapshot.level == "quick"
            assert cudacheck_report.snapshot.source == "live"
    """)
    pytester.inline_run().assertoutcome(passed=1)


def test_header_shows_summary_layers_and_errors(pytester: pytest.Pytester, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    snapshot = write_snapshot(tmp_path / "a100.json", a100_node())
    monkeypatch.setenv("CUDACHECK_MIN_GPUS", "2")
    pytester.makepyfile("def test_plain(): pass\n")
    result = pytester.runpytest("--cudacheck-report", f"--cudacheck-snapshot={snapshot}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "cudacheck * (snapshot *a100.json, compat data *): 1 error*",
        "  NVIDIA driver: driver 550.54.14*",
        "  GPUs: NVIDIA A100-SXM4-80GB*",
        "  error [CC602] 1 GPU(s) visible, 2 required",
        "rootdir: *",
    ])


def test_header_live(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain(): pass\n")
    result = pytester.runpytest("--cudacheck-report")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["cudacheck * (quick probe, compat data *): *", "  NVIDIA driver: *"])


def test_one_probe_for_all_marks(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    import cudacheck.api

    calls = []
    real = cudacheck.api.collect

    def counting(level: str = "standard", timeout: float = 10.0):
        calls.append(level)
        return real(level, timeout=timeout)

    monkeypatch.setattr(cudacheck.api, "collect", counting)
    pytester.makepyfile("""
        import pytest

        @pytest.mark.cuda
        def test_a(): pass

        @pytest.mark.cuda(min_gpus=2)
        def test_b(): pass

        def test_c(cudacheck_report): pass
    """)
    pytester.inline_run("--cudacheck-report")
    assert calls == ["quick"]


def test_costs_nothing_when_unused(pytester: pytest.Pytester) -> None:
    """A session that uses no mark, fixture or option never probes and never loads the
    rules, pydantic, click or torch (checked in a fresh interpreter)."""
    record = pytester.path / "modules.json"
    pytester.makeconftest(f"""
        import json, sys

        def pytest_sessionfinish(session):
            with open({str(record)!r}, "w") as handle:
                json.dump(sorted(sys.modules), handle)
    """)
    pytester.makepyfile("def test_plain(): pass\n")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    modules = set(json.loads(record.read_text()))
    assert "cudacheck.pytest_plugin" in modules
    loaded = sorted(m for m in modules if m.startswith(("cudacheck.probes", "cudacheck.rules", "cudacheck.compat",
                                                          "pydantic", "click", "torch")) or m == "torch")
    assert loaded == []


def test_plugin_module_imports_nothing_heavy() -> None:
    code = ("import sys, pytest; before = set(sys.modules); import cudacheck.pytest_plugin; "
            "print(sorted(m for m in set(sys.modules) - before if m.startswith('cudacheck')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = eval(out.stdout)  # a list literal of module names
    heavy = [m for m in loaded if m.startswith(("cudacheck.probes", "cudacheck.rules", "cudacheck.compat",
                                                "cudacheck.render", "cudacheck.serialize"))]
    assert heavy == [], loaded


def test_live_fake_gpu_is_probed_for_real(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                          fake_driver_dir: Path) -> None:
    """With the fake NVML/libcuda on LD_LIBRARY_PATH the plugin's live quick probe sees a
    Volta GPU: a mark asking for 8.0 is skipped with a cudacheck reason."""
    env = fake_gpu_env(fake_driver_dir, ["Tesla V100-SXM2-32GB|7.0|32768"], FAKE_NVML_DRIVER="550.54.14",
                       FAKE_NVML_CUDA="12040", FAKE_CUDA_VERSION="12040")
    for name in ("LD_LIBRARY_PATH", "FAKE_NVML_GPUS", "FAKE_NVML_DRIVER", "FAKE_NVML_CUDA", "FAKE_CUDA_VERSION"):
        monkeypatch.setenv(name, env[name])
    pytester.makepyfile("""
        import pytest

        @pytest.mark.cuda(min_compute_capability="8.0")
        def test_ampere(): pass

        def test_seen(cudacheck_report):
            assert [g.name for g in cudacheck_report.snapshot.nvml.gpus] == ["Tesla V100-SXM2-32GB"]
    """)
    result = pytester.inline_run()
    passed, skipped, failed = result.listoutcomes()
    assert not failed and len(passed) == 1 and len(skipped) == 1
    assert skipped[0].longrepr[2].startswith("Skipped: cudacheck: ") and "[CC" in skipped[0].longrepr[2]


def test_header_names_areas_that_could_not_be_checked(pytester: pytest.Pytester, tmp_path: Path) -> None:
    node = a100_node()
    node.level = "quick"
    snapshot = write_snapshot(tmp_path / "quick.json", node)
    pytester.makepyfile("def test_plain(): pass\n")
    result = pytester.runpytest("--cudacheck-report", f"--cudacheck-snapshot={snapshot}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "cudacheck * (snapshot *quick.json, compat data *): No problems in * areas; 2 areas could not be checked*",
        "  CUDA libraries: could not check: not probed at the quick level",
        "  Python packages: could not check: not probed at the quick level",
    ])


@pytest.mark.parametrize("mark", ['min_gpu_memory="40GiB"', 'features=["bf16"]', 'min_compute_capability="8.0"'])
def test_marker_requirements_agree_with_the_cli(pytester: pytest.Pytester, tmp_path: Path, mark: str) -> None:
    """A GPU requirement on the marker skips on a node without a GPU, as the same requirement fails
    `cudacheck doctor` there."""
    node = a100_node()
    node.nvml.gpus = []
    snapshot = write_snapshot(tmp_path / "no_gpu.json", node)
    pytester.makepyfile(f"import pytest\n\n@pytest.mark.cuda({mark})\ndef test_gpu():\n    pass\n")
    result = pytester.inline_run(f"--cudacheck-snapshot={snapshot}")
    result.assertoutcome(skipped=1)
    (reason,) = skip_reasons(result)
    assert "[CC601]" in reason
    flag = "--" + mark.split("=")[0].replace("_", "-").replace("features", "feature")
    value = mark.split("=", 1)[1].strip('"[]')
    cli = subprocess.run([sys.executable, "-m", "cudacheck", "doctor", "--no-config", "--snapshot", str(snapshot),
                          flag, value], capture_output=True, text=True, timeout=60)
    assert cli.returncode == 1 and "[CC601]" in cli.stdout


@pytest.mark.parametrize("form", ["space", "equals", "space-relative"])
def test_snapshot_option_keeps_the_project_rootdir_and_configuration(pytester: pytest.Pytester,
                                                                     tmp_path: Path, form: str) -> None:
    """pytest finds its rootdir before entry-point plugins register their options: a snapshot
    given as ``--cudacheck-snapshot FILE`` must not become the rootdir, and the project's
    configuration (addopts, testpaths, [tool.cudacheck]) must still apply."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    snapshot = write_snapshot(elsewhere / "a100.json", a100_node())
    project = pytester.path
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\ntestpaths = ["checks"]\naddopts = "-p no:cacheprovider -rs"\n'
                               "[tool.cudacheck]\nmin_gpus = 2\n")
    checks = pytester.mkpydir("checks")
    (checks / "test_policy.py").write_text(
        "def test_policy(cudacheck_report):\n"
        "    assert [f.code for f in cudacheck_report.errors()] == ['CC602']\n")
    value = {"space": [str(snapshot)], "equals": [], "space-relative": [os.path.relpath(snapshot, project)]}[form]
    option = [f"--cudacheck-snapshot={snapshot}"] if form == "equals" else ["--cudacheck-snapshot", *value]
    result = pytester.runpytest_subprocess(*option)
    result.stdout.fnmatch_lines([f"rootdir: {project}", "configfile: pyproject.toml", "testpaths: checks",
                                 "*1 passed*"])
    assert result.ret == 0
