"""Coverage: every area is checked, known to hold nothing, or named as not checked — in every view."""
from __future__ import annotations

import json

import pytest

from cudacheck import check
from cudacheck.policy import Policy
from cudacheck.render import render
from cudacheck.render.style import Style
from cudacheck.report import AreaCoverage, Finding, summarise
from cudacheck.rules.coverage import area_of, coverage, describe, failures
from cudacheck.snapshot import DeepFacts, LibrariesFacts, ProbeError
from cudacheck.testing import findings as by_code, gpu, make_snapshot

PLAIN = Style(unicode=True, color=False)


def _healthy():
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")],
                             torch="2.4.1+cu121", torch_cuda="12.1", packages={"torch": "2.4.1+cu121"},
                             shm_bytes=2**34)
    snapshot.libraries = LibrariesFacts()
    return snapshot


def _crashed_libraries():
    snapshot = _healthy()
    snapshot.probe_errors.append(ProbeError("libraries", "crashed", "crashed with SIGSEGV (signal 11) while loading "
                                            "/x/libnccl.so.2", 11, 0.3))
    return snapshot


def _state(report, area):
    return report.area(area).state


# --- the map from probe errors to areas ------------------------------------------------------------

@pytest.mark.parametrize("step, area", [
    (None, "torch"), ("import torch", "torch"), ("cuda_init", "torch"), ("smoke test on GPU 1", "gpus"),
    ("bf16 support on GPU 0", "gpus"), ("cuDNN conv2d on GPU 0", "libraries"), ("cudnn_version", "libraries"),
])
def test_a_deep_failure_takes_away_the_area_of_its_step(step, area):
    snapshot = _healthy()
    snapshot.deep = DeepFacts(ran=True, last_step=step)
    assert area_of(ProbeError("deep", "crashed", "x", 11), snapshot) == area


def test_absent_libraries_and_nvml_answers_are_facts_not_failures():
    snapshot = make_snapshot(nvml_status="driver_not_loaded")
    snapshot.nvml.error_code = 9
    snapshot.probe_errors += [ProbeError("nvml", "error", "Driver Not Loaded", 9),
                              ProbeError("cuda_driver", "not_found", "libcuda.so.1: cannot open")]
    assert failures(snapshot) == []


@pytest.mark.parametrize("error, words", [
    (ProbeError("libraries", "crashed", "crashed with SIGSEGV (signal 11) while loading /x/libnccl.so.2", 11),
     "probe crashed, signal 11 (while loading /x/libnccl.so.2)"),
    (ProbeError("nvml", "timeout", "no answer within 8.5 s", None, 8.5), "NVML timed out after 8.5 s"),
    (ProbeError("packages", "permission", "Permission denied"), "probe: no permission"),
    (ProbeError("torch_build", "error", "OSError: disk on fire"), "probe failed: OSError: disk on fire"),
])
def test_describe(error, words):
    assert describe(error) == words


# --- coverage and the summary -------------------------------------------------------------------------

def test_a_healthy_report_checks_every_area_and_says_no_issues():
    report = check(_healthy())
    assert all(area.state == "checked" for area in report.coverage), report.coverage
    assert report.summary.line == "No issues found." and report.summary.unchecked == 0


def test_a_crashed_library_probe_is_never_no_issues_found():
    report = check(_crashed_libraries())
    assert _state(report, "libraries") == "failed"
    assert "signal 11" in report.area("libraries").reason
    assert "No issues found" not in report.summary.line
    assert "CUDA libraries: probe crashed, signal 11" in report.summary.line
    [finding] = by_code(report, "CC111")
    assert finding.severity == "warning" and finding.layer == "libraries"


def test_summary_lines():
    areas = [AreaCoverage("driver"), AreaCoverage("libraries", "failed", "probe crashed, signal 11"),
             AreaCoverage("gpus", "absent", "no GPU visible")]
    assert summarise([], areas).line == ("No problems in 2 areas; 1 area could not be checked "
                                         "(CUDA libraries: probe crashed, signal 11).")
    warning = Finding("CC111", "probe-failed", "config", "warning", "t", layer="libraries")
    assert summarise([warning], areas).line == ("No errors; 1 warning; 1 area could not be checked "
                                                "(CUDA libraries: probe crashed, signal 11).")
    assert summarise([], [AreaCoverage("driver", "unknown", "not in the pasted text")]).line == \
        "Nothing could be checked: NVIDIA driver: not in the pasted text."
    assert summarise([], [AreaCoverage("driver"), AreaCoverage("gpus", "absent")]).line == "No issues found."


def test_quick_level_names_what_it_did_not_probe():
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")])
    snapshot.level = "quick"
    report = check(snapshot)
    assert report.area("libraries").reason == "not probed at the quick level"
    assert report.area("packages").reason == "not probed at the quick level"


def test_no_driver_and_no_gpu_are_absent_not_green():
    report = check(make_snapshot(nvml_status="library_not_found", torch="2.5.1+cpu", torch_cuda=None))
    assert (_state(report, "driver"), _state(report, "gpus")) == ("absent", "absent")
    text = render(report, "text", style=PLAIN)
    assert "– NVIDIA driver" in text and "– GPUs" in text and "✓ NVIDIA driver" not in text


def test_a_hung_driver_leaves_driver_and_gpus_unchecked():
    snapshot = make_snapshot(nvml_status="timeout")
    snapshot.probe_errors.append(ProbeError("nvml", "timeout", "no answer within 8.5 s", None, 8.5))
    report = check(snapshot)
    assert (_state(report, "driver"), _state(report, "gpus")) == ("failed", "failed")
    assert report.area("gpus").reason == "NVML timed out after 8.5 s"


def test_requirements_area_only_when_something_is_required():
    assert check(_healthy()).area("requirements") is None
    assert check(_healthy(), Policy(min_shm=2**30)).area("requirements").state == "checked"


# --- every view shows it ---------------------------------------------------------------------------------

def test_text_view_marks_an_unchecked_area_with_a_question_mark():
    text = render(check(_crashed_libraries()), "text", style=PLAIN)
    line = next(line for line in text.splitlines() if "CUDA libraries" in line and "could not check" in line)
    assert line.startswith("? ")
    ascii_text = render(check(_crashed_libraries()), "text", style=Style(unicode=False, color=False))
    assert "[?]  CUDA libraries" in ascii_text  # ASCII marks padded to one width: [ok] and [?] line up


def test_markdown_view_shows_coverage():
    text = render(check(_crashed_libraries()), "markdown")
    assert "| ❓ | CUDA libraries | 0 CUDA library files found; could not check: probe crashed, signal 11" in text


def test_json_view_carries_coverage_and_could_not_check():
    data = json.loads(render(check(_crashed_libraries()), "json"))
    assert {"area": "libraries", "state": "failed",
            "reason": "probe crashed, signal 11 (while loading /x/libnccl.so.2)"} in data["coverage"]
    assert data["summary"]["unchecked"] == 1
    assert all("could_not_check" in finding for finding in data["findings"])


def test_json_schema_describes_coverage():
    from cudacheck.serialize import report_json_schema

    schema = json.dumps(report_json_schema())
    assert "AreaCoverage" in schema and "could_not_check" in schema and "policy_sources" in schema


def test_prometheus_view_exposes_area_checked():
    text = render(check(_crashed_libraries()), "prometheus")
    assert 'cudacheck_area_checked{area="libraries",state="failed"} 0' in text
    assert 'cudacheck_area_checked{area="driver",state="checked"} 1' in text


def test_deep_findings_are_in_the_text_view():
    snapshot = _healthy()
    from cudacheck.snapshot import SmokeResult

    snapshot.deep = DeepFacts(ran=True, torch_version="2.4.1+cu121", torch_cuda="12.1", cuda_available=True,
                              device_count=1, cudnn_version=90100, nccl_version="2.20.5",
                              smoke=[SmokeResult(index=0, name="NVIDIA A100-SXM4-80GB", matmul_ok=True,
                                                 conv_ok=False, bf16_supported=True)])
    text = render(check(snapshot), "text", style=PLAIN)
    assert "deep: import torch: ok (torch 2.4.1+cu121, CUDA 12.1)" in text
    assert "deep: torch.cuda.is_available(): True, 1 device" in text
    assert "deep: cuDNN loaded by torch: 9.1.0; NCCL 2.20.5" in text
    assert "deep: GPU 0 NVIDIA A100-SXM4-80GB: matmul ok, conv FAILED, bf16 yes" in text


def test_a_deep_crash_in_gpu_work_is_an_error_when_a_gpu_is_expected():
    snapshot = _healthy()
    snapshot.deep = DeepFacts(ran=True, last_step="smoke test on GPU 0")
    snapshot.probe_errors.append(ProbeError("deep", "crashed", "crashed with SIGSEGV (signal 11) during smoke "
                                            "test on GPU 0", 11, 1.0))
    report = check(snapshot)
    [finding] = by_code(report, "CC111")
    assert (finding.severity, finding.layer, finding.category) == ("error", "gpus", "gpu_health")
    assert _state(report, "gpus") == "failed"
    text = render(report, "text", style=PLAIN)
    assert "stopped during smoke test on GPU 0" in text


def test_probe_failed_is_silent_without_probe_errors():
    assert not by_code(check(_healthy()), "CC111")


def test_a_crashed_cuinit_without_any_sign_of_a_gpu_is_a_warning():
    snapshot = make_snapshot(nvml_status="library_not_found", torch="2.5.1+cpu", torch_cuda=None)
    snapshot.probe_errors.append(ProbeError("cuda_driver", "crashed", "crashed with SIGSEGV (signal 11)", 11, 0.1))
    [finding] = by_code(check(snapshot), "CC109")
    assert finding.severity == "warning" and "cuInit crashed, signal 11" in finding.title
    [required] = by_code(check(snapshot, require_gpu=True), "CC109")
    assert required.severity == "error"
