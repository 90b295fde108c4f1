"""The Python API: collect, check, doctor, assert_ready."""
from __future__ import annotations

import pytest

import cudacheck
from cudacheck.testing import gpu, make_snapshot


def test_assert_ready_requiring_a_gpu_raises_here():
    with pytest.raises(cudacheck.NotReadyError) as caught:
        cudacheck.assert_ready(require_gpu=True, use_config=False)
    error = caught.value
    assert isinstance(error.report, cudacheck.Report) and error.report.summary.errors >= 1
    message = str(error)
    assert "not ready" in message and "fix:" in message
    assert error.report.errors()[0].code in message


def test_assert_ready_without_requirements_passes_here():
    report = cudacheck.assert_ready(require_gpu=False, use_config=False)
    assert report.ok


def test_collect_levels_and_bad_level():
    snapshot = cudacheck.collect("quick")
    assert snapshot.level == "quick" and snapshot.packages is None
    with pytest.raises(cudacheck.UsageError):
        cudacheck.collect("thorough")


def test_check_accepts_requirements_as_keywords_or_policy():
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("Tesla T4", "7.5")])
    by_keyword = cudacheck.check(snapshot, min_compute_capability="8.0")
    by_policy = cudacheck.check(snapshot, cudacheck.Policy(min_compute_capability="8.0"))
    assert [f.code for f in by_keyword.findings] == [f.code for f in by_policy.findings]
    assert by_keyword.findings[0].code == "CC603"


def test_bad_requirement_is_a_usage_error():
    with pytest.raises(cudacheck.UsageError, match="min_compute_capability"):
        cudacheck.check(make_snapshot(), min_compute_capability="eight")
    with pytest.raises(cudacheck.UsageError, match="unknown key"):
        cudacheck.check(make_snapshot(), min_gpu=1)


def test_doctor_returns_a_report():
    report = cudacheck.doctor("quick", use_config=False)
    assert report.snapshot.source == "live" and report.compat_data_version != "unknown"
