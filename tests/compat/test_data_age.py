"""CC270-CC273: when the machine is newer than the compat data, say so (info, naming the data's
date); stay silent when the data knows everything on the machine."""
from __future__ import annotations

import pytest

from cudacheck import check
from cudacheck.compat.db import CompatDB
from cudacheck.testing import findings, gpu, make_snapshot

DATA_CODES = ("CC270", "CC271", "CC272", "CC273")


@pytest.fixture(scope="module")
def db() -> CompatDB:
    return CompatDB()


def _codes(report):
    return [f.code for f in report.findings if f.code in DATA_CODES]


def test_all_silent_on_a_machine_the_data_knows(db):
    report = check(make_snapshot(driver="580.95.05", cuda="13.0", gpus=[gpu("NVIDIA GeForce RTX 4090", "8.9")],
                                 torch="2.14.1+cu130", torch_cuda="13.0"))
    assert _codes(report) == []


def test_newer_torch_series(db):
    report = check(make_snapshot(driver="580.95.05", cuda="13.0", gpus=[gpu("NVIDIA GeForce RTX 4090", "8.9")],
                                 torch="2.16.0+cu132", torch_cuda="13.2"))
    [finding] = findings(report, "CC270")
    assert finding.severity == "info" and finding.category == "config"
    assert db.version in finding.detail and "2.15.0" in finding.detail
    assert "--compat-data" in finding.remedy


def test_newer_patch_of_a_known_series(db):
    report = check(make_snapshot(torch="2.15.1+cu132", torch_cuda="13.2"))
    [finding] = findings(report, "CC270")
    assert "2.15.0" in finding.detail


def test_known_old_and_source_builds_of_torch_stay_silent(db):
    for version in ("1.3.1+cu101", "2.15.0", "0.4.1", "2.16.0a0+git1234abc"):
        assert not findings(check(make_snapshot(torch=version, torch_cuda="12.8")), "CC270"), version


def test_newer_driver_branch(db):
    newest = db.newest_driver_branch()
    report = check(make_snapshot(driver=f"{newest + 10}.20.01", cuda="13.5"))
    [finding] = findings(report, "CC271")
    assert f"R{newest}" in finding.detail and db.version in finding.detail
    assert not findings(check(make_snapshot(driver=f"{newest}.40.07", cuda="13.4")), "CC271")
    assert not findings(check(make_snapshot(driver="620.35.02", cuda="13.5")), "CC271")  # R620 is in the data


def test_newer_cuda_from_the_driver_the_build_or_nvcc(db):
    newest = db.newest_cuda()
    newer = f"{newest[0]}.{newest[1] + 1}"
    snapshot = make_snapshot(driver="580.95.05", cuda=newer, torch="2.15.0+cu132", torch_cuda="13.2")
    [finding] = findings(check(snapshot), "CC272")
    assert f"the driver supports CUDA {newer}" in finding.detail and finding.evidence == ["nvml.cuda_driver_version"]
    assert not findings(check(make_snapshot(driver="580.95.05", cuda="13.0")), "CC272")


def test_unknown_gpu_and_newer_compute_capability(db):
    report = check(make_snapshot(driver="580.95.05", cuda="13.0", gpus=[gpu("NVIDIA GeForce RTX 6090", "13.0")]))
    [finding] = findings(report, "CC273")
    assert "RTX 6090" in finding.detail and "13.0" in finding.detail


def test_gpus_the_table_knows_stay_silent_even_when_ambiguous_or_unnamed(db):
    for name in ("NVIDIA GeForce RTX 4090", "GeForce GT 730", "NVIDIA Graphics Device", "NVIDIA GeForce RTX 30..."):
        report = check(make_snapshot(driver="580.95.05", cuda="13.0", gpus=[gpu(name, None)]))
        assert not findings(report, "CC273"), name


def test_findings_name_a_loaded_folder(tmp_path):
    import shutil

    from cudacheck.compat.db import data_dir, load_compat_data
    from cudacheck.policy import Policy
    from cudacheck.rules.engine import check as judge

    shutil.copy(f"{data_dir()}/gpus.json", tmp_path / "gpus.json")
    newer = load_compat_data(str(tmp_path), "--compat-data")
    report = judge(make_snapshot(torch="2.16.0+cu132", torch_cuda="13.2"), Policy(), newer)
    assert report.compat_data_source == newer.directory and str(tmp_path) in report.compat_data
    [finding] = findings(report, "CC270")
    assert str(tmp_path) in finding.detail
