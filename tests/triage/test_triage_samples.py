"""End to end: each pasted report gets the right first diagnosis (see triage_samples.py)."""
import pytest

from cudacheck.triage import triage
from triage_samples import SAMPLES


def first_problem(report):
    return next((f for f in report.findings if f.severity in ("error", "warning")), None)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_diagnosis(name):
    sample = SAMPLES[name]
    report = triage(sample.text)
    codes = [f.code for f in report.findings]
    if sample.category is None:
        assert not report.errors(), [f.title for f in report.errors()]
    else:
        first = first_problem(report)
        assert first is not None, codes
        assert first.category == sample.category, (first.code, first.title, codes)
    for code in sample.codes:
        assert code in codes, codes
    for code in sample.absent:
        assert code not in codes, codes


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_findings_have_remedies_and_one_line_titles(name):
    report = triage(SAMPLES[name].text)
    for finding in report.findings:
        assert "\n" not in finding.title
        if finding.severity != "info":
            assert finding.remedy, finding.code
            assert finding.detail, finding.code


def test_root_cause_before_symptoms_in_a_mix():
    # nvidia-smi, pip list, a no-kernel-image traceback and an OOM in one paste
    text = "\n\n".join([SAMPLES["smi_old_banner"].text, "RuntimeError: CUDA out of memory.",
                        "RuntimeError: CUDA error: no kernel image is available for execution on the device"])
    report = triage(text)
    assert first_problem(report).category == "driver_too_old"


def test_observations_fold_into_the_fact_based_cause():
    report = triage(SAMPLES["collect_env_modern_old_driver"].text)
    cause = report.by_code("CC210")
    assert cause is not None and "CC801" in cause.detail
    assert report.by_code("CC801") is None


def test_pasted_snapshot_is_marked_pasted():
    report = triage(SAMPLES["smi_old_banner"].text)
    assert report.snapshot.source == "pasted"
    assert report.snapshot.nvml.driver_version == "450.51.06"
