"""The Python API: collect, check, doctor, assert_ready."""
from __future__ import annotations

import pytest

import cudacheck
from cudacheck.testing import gpu, make_snapshot


@pytest.fixture
def no_gpu(machine):
    """A driver that lists no GPU, whatever this machine has: the real probes over the C fakes."""
    machine(gpus="")


def test_assert_ready_requiring_a_gpu_raises_without_one(no_gpu):
    with pytest.raises(cudacheck.NotReadyError) as caught:
        cudacheck.assert_ready(require_gpu=True, use_config=False)
    error = caught.value
    assert isinstance(error.report, cudacheck.Report) and error.report.summary.errors == 1
    [finding] = error.report.errors()
    assert finding.code == "CC601" and finding.category == "no_gpu_visible"
    message = str(error).splitlines()
    assert message[0] == "cudacheck: environment not ready (1 error)"
    assert message[1] == f"- [CC601] {finding.title}" and message[2].startswith("    fix: ")


def test_assert_ready_without_requirements_passes_without_a_gpu(no_gpu):
    report = cudacheck.assert_ready(require_gpu=False, use_config=False)
    assert report.ok and report.snapshot.nvml.status == "ok" and report.snapshot.nvml.gpus == []


def _judged_as(monkeypatch, snapshot):
    """assert_ready judges ``snapshot`` instead of this machine (its own logic is what is tested)."""
    monkeypatch.setattr(cudacheck.api, "collect", lambda level, timeout: snapshot)


HEALTHY_A100 = dict(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")],
                    torch="2.4.1+cu124", torch_cuda="12.4", shm_bytes=16 * 2**30, in_container=True)


def test_assert_ready_strict_counts_warnings(monkeypatch):
    _judged_as(monkeypatch, make_snapshot(**{**HEALTHY_A100, "shm_bytes": 64 * 2**20}))  # Docker's /dev/shm
    report = cudacheck.assert_ready(use_config=False)  # a warning alone is ready
    assert report.summary.errors == 0 and [f.code for f in report.findings if f.severity == "warning"] == ["CC401"]
    with pytest.raises(cudacheck.NotReadyError) as caught:
        cudacheck.assert_ready(strict=True, use_config=False)
    message = str(caught.value).splitlines()
    assert message[0] == "cudacheck: environment not ready (0 errors, 1 warning; strict)"
    assert message[1] == "- [CC401] /dev/shm is only 0.06 GiB in this container (warning)"
    assert message[2].startswith("    fix: docker run --shm-size=")


def test_assert_ready_strict_is_silent_without_warnings(monkeypatch):
    _judged_as(monkeypatch, make_snapshot(**HEALTHY_A100))
    report = cudacheck.assert_ready(strict=True, use_config=False)
    assert report.summary.errors == 0 and report.summary.warnings == 0


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


def test_assert_ready_gpu_requirements_imply_a_gpu(no_gpu):
    with pytest.raises(cudacheck.NotReadyError) as caught:
        cudacheck.assert_ready(min_compute_capability="8.0", use_config=False)
    assert caught.value.report.errors()[0].code in ("CC101", "CC601")
    assert "min_compute_capability" in caught.value.report.errors()[0].title


def test_assert_ready_requires_torch_unless_the_policy_says_not(tmp_path):
    """In an environment without torch (site-packages left out), assert_ready raises CC112."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import pynvml

    shutil.copy(pynvml.__file__, tmp_path)
    repo = Path(__file__).resolve().parent.parent
    code = ("import cudacheck\n"
            "try:\n    cudacheck.assert_ready(use_config=False)\n    print('ready')\n"
            "except cudacheck.NotReadyError as exc:\n    print([f.code for f in exc.report.errors()])\n"
            "print(cudacheck.assert_ready(use_config=False, require_torch=False).ok)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(repo), str(tmp_path)]))
    result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, env=env, timeout=60,
                            cwd=tmp_path)
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "['CC112']", result.stdout + result.stderr
    assert lines[1] == "True"


def test_report_names_where_each_requirement_came_from():
    report = cudacheck.check(make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("Tesla T4", "7.5")]),
                             min_compute_capability="8.0")
    assert report.policy == {"min_compute_capability": "8.0"}
    assert report.policy_sources == {"min_compute_capability": "API"}
