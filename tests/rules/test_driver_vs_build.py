"""Driver versus build: the three thresholds, and the traps peers get wrong."""
from __future__ import annotations

from cudacheck import check
from cudacheck.testing import findings as by_code, gpu, make_snapshot

A100 = "NVIDIA A100-SXM4-80GB"



def test_driver_too_old_for_cu121_build():
    report = check(make_snapshot(driver="470.82.01", cuda="11.4", gpus=[gpu("NVIDIA GeForce RTX 3090", "8.6")],
                                 torch="2.4.1+cu121", torch_cuda="12.1"))
    [finding] = by_code(report, "CC210")
    assert finding.severity == "error" and finding.category == "driver_too_old"
    assert "470.82.01" in finding.detail and "11.4" in finding.detail and "525.60.13" in finding.detail
    # The remedy offers the newest wheel this driver can run: a CUDA 11 build.
    assert "--index-url https://download.pytorch.org/whl/cu11" in finding.remedy
    assert report.findings[0].code == "CC210"


def test_cu124_on_a_driver_reporting_cuda_12_2_is_fine():
    report = check(make_snapshot(driver="535.104.05", cuda="12.2", gpus=[gpu(A100, "8.0")],
                                 torch="2.5.1+cu124", torch_cuda="12.4"))
    assert not report.errors()
    [info] = by_code(report, "CC211")
    assert info.severity == "info" and "12.2" in info.title


def test_minor_compat_names_a_feature_the_driver_branch_lacks():
    """A 525 driver runs a cu124 build through minor-version compatibility, but CUDA 12.1's large kernel parameters
    need R530 (compat data's driver_features): CC211 says so; a 535 driver has the feature and hears nothing of it."""
    old = check(make_snapshot(driver="525.105.17", cuda="12.0", gpus=[gpu(A100, "8.0")],
                              torch="2.5.1+cu124", torch_cuda="12.4"))
    [info] = by_code(old, "CC211")
    assert "R530" in info.detail and "CUDA_ERROR_NOT_SUPPORTED" in info.detail and "R530" in info.remedy
    newer = check(make_snapshot(driver="535.104.05", cuda="12.2", gpus=[gpu(A100, "8.0")],
                                torch="2.5.1+cu124", torch_cuda="12.4"))
    [info] = by_code(newer, "CC211")
    assert "R530" not in info.detail and "R530" not in info.remedy


def test_same_cuda_needs_no_minor_compat_note():
    report = check(make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu(A100, "8.0")],
                                 torch="2.5.1+cu124", torch_cuda="12.4"))
    assert not by_code(report, "CC211") and not by_code(report, "CC210")


def test_driver_below_the_major_floor_is_too_old_even_within_the_major():
    # A driver number below 525.60.13 cannot report CUDA 12.x; without NVML's CUDA version the
    # driver table decides.
    report = check(make_snapshot(driver="520.61.05", gpus=[gpu(A100, "8.0")], torch="2.4.1+cu121",
                                 torch_cuda="12.1"))
    assert by_code(report, "CC210")


def test_cuda13_build_on_an_r570_driver_is_too_old():
    report = check(make_snapshot(driver="570.124.04", cuda="12.8", gpus=[gpu("NVIDIA GeForce RTX 5090", "12.0")],
                                 torch="2.9.1+cu130", torch_cuda="13.0"))
    [finding] = by_code(report, "CC210")
    assert "580" in finding.detail


def test_driver_too_old_for_the_gpu_architecture():
    report = check(make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA GeForce RTX 5090", "12.0")]))
    [finding] = by_code(report, "CC212")
    assert finding.category == "driver_too_old" and "12.8" in finding.detail


def test_driver_new_enough_for_the_gpu_architecture():
    report = check(make_snapshot(driver="570.124.04", cuda="12.8", gpus=[gpu("NVIDIA GeForce RTX 5090", "12.0")]))
    assert not by_code(report, "CC212")


def test_no_driver_facts_no_driver_findings():
    report = check(make_snapshot(torch="2.4.1+cu121", torch_cuda="12.1"))
    assert not by_code(report, "CC210") and not by_code(report, "CC211")


def test_an_old_driver_with_cuda_working_on_a_datacenter_gpu_is_forward_compatibility():
    from cudacheck.triage import triage
    env = ("PyTorch version: 2.1.0+cu121\nCUDA used to build PyTorch: 12.1\nIs CUDA available: {available}\n"
           "GPU models and configuration: \nGPU 0: NVIDIA {gpu}\nNvidia driver version: 470.182.03\n")
    works = by_code(triage(env.format(available="True", gpu="A100-SXM4-80GB")), "CC210")
    assert [(f.severity, "forward compatibility" in f.title) for f in works] == [("info", True)]
    mixed = by_code(triage(env.format(available="True", gpu="GeForce RTX 3090")), "CC210")
    assert [f.severity for f in mixed] == ["info"] and "environments" in mixed[0].detail  # cannot be compat
    fails = by_code(triage(env.format(available="False", gpu="A100-SXM4-80GB")), "CC210")
    assert [f.severity for f in fails] == ["error"]
