"""torch build versus GPUs: SASS within a major, PTX JIT, too-old GPUs, CPU and ROCm builds."""
from __future__ import annotations

from cudacheck import check
from cudacheck.testing import findings as by_code, gpu, make_snapshot


def codes(report):
    return [f.code for f in report.findings]



def test_rtx_5090_with_cu124_build_has_no_kernels():
    report = check(make_snapshot(driver="570.124.04", cuda="12.8", gpus=[gpu("NVIDIA GeForce RTX 5090", "12.0")],
                                 torch="2.6.0+cu124", torch_cuda="12.4"))
    [finding] = by_code(report, "CC201")
    assert finding.category == "arch_not_in_build" and "sm_120" in finding.title
    assert "sm_90" in finding.detail
    # The remedy names a wheel that carries sm_120 and runs on this R570 (CUDA 12.8) driver.
    assert "cu128" in finding.remedy or "cu129" in finding.remedy
    assert "cu130" not in finding.remedy


def test_sm89_runs_on_a_build_with_sm86_sass():
    report = check(make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA GeForce RTX 4090", "8.9")],
                                 torch="2.4.1+cu121", torch_cuda="12.1"))
    assert not report.errors()
    assert "CC201" not in codes(report) and "CC202" not in codes(report)


def test_sm121_runs_on_a_build_with_sm120_sass():
    report = check(make_snapshot(driver="580.95.05", cuda="13.0", gpus=[gpu("NVIDIA GB10", "12.1")],
                                 torch="2.8.0+cu128", torch_cuda="12.8"))
    assert "CC201" not in codes(report) and not report.errors()


def test_ptx_only_coverage_is_info_on_a_new_enough_driver():
    # torch 2.8.0+cu129 ships PTX for compute_120; a CC 12.1 GPU is covered by SASS sm_120 anyway,
    # so use an arch list whose only route is PTX: set the build's list as pasted.
    snapshot = make_snapshot(driver="580.95.05", cuda="13.0", gpus=[gpu("NVIDIA GeForce RTX 5090", "12.0")],
                             torch="2.7.0+cu128", torch_cuda="12.8")
    snapshot.torch.arch_list = ["sm_80", "sm_90", "compute_90"]
    snapshot.torch.arch_list_source = "pasted"
    report = check(snapshot)
    [finding] = by_code(report, "CC202")
    assert finding.severity == "info" and "PTX" in finding.title
    assert not report.errors()


def test_ptx_from_a_toolkit_older_than_the_gpu_is_a_warning():
    # CUDA 12.6 predates Blackwell (sm_120 arrived with 12.8): torch's PTX can JIT, its
    # bundled cuBLAS/cuDNN may carry nothing for the GPU.
    snapshot = make_snapshot(driver="580.95.05", cuda="13.0", gpus=[gpu("NVIDIA GeForce RTX 5090", "12.0")],
                             torch="2.6.0+cu126", torch_cuda="12.6")
    snapshot.torch.arch_list = ["sm_80", "sm_90", "compute_90"]
    snapshot.torch.arch_list_source = "pasted"
    report = check(snapshot)
    [finding] = by_code(report, "CC202")
    assert finding.severity == "warning" and "12.6" in finding.title and "Blackwell" in finding.title
    assert not report.errors()


def test_ptx_only_coverage_on_an_older_driver_is_an_error():
    snapshot = make_snapshot(driver="570.124.04", cuda="12.8", gpus=[gpu("NVIDIA GeForce RTX 5090", "12.0")],
                             torch="2.8.0+cu129", torch_cuda="12.9")
    snapshot.torch.arch_list = ["sm_80", "sm_90", "compute_90"]
    snapshot.torch.arch_list_source = "pasted"
    report = check(snapshot)
    [finding] = by_code(report, "CC202")
    assert finding.severity == "error" and "12.8" in finding.detail and "12.9" in finding.detail


def test_gpu_too_old_for_a_cuda13_build():
    report = check(make_snapshot(driver="580.95.05", cuda="13.0", gpus=[gpu("NVIDIA GeForce GTX 1080 Ti", "6.1")],
                                 torch="2.9.1+cu130", torch_cuda="13.0"))
    [finding] = by_code(report, "CC203")
    assert finding.category == "gpu_too_old_for_build" and "sm_61" in finding.title
    assert "cu126" in finding.remedy or "cu12" in finding.remedy
    assert "CC201" not in codes(report)


def test_gpu_within_build_range_is_not_too_old():
    report = check(make_snapshot(driver="580.95.05", cuda="13.0", gpus=[gpu("Tesla T4", "7.5")],
                                 torch="2.9.1+cu130", torch_cuda="13.0"))
    assert "CC203" not in codes(report) and "CC201" not in codes(report)


def test_unknown_build_arch_list_stays_silent():
    report = check(make_snapshot(driver="570.124.04", cuda="12.8", gpus=[gpu("NVIDIA GeForce RTX 5090", "12.0")],
                                 torch="2.6.0a0+git1234", torch_cuda="12.8"))
    assert "CC201" not in codes(report)


def test_cpu_torch_beside_a_gpu():
    report = check(make_snapshot(driver="535.104.05", cuda="12.2", gpus=[gpu("NVIDIA GeForce RTX 3090", "8.6")],
                                 torch="2.3.1+cpu"))
    [finding] = by_code(report, "CC204")
    assert finding.category == "cpu_only_torch"
    assert "--index-url https://download.pytorch.org/whl/cu12" in finding.remedy


def test_cpu_torch_without_gpu_is_fine():
    report = check(make_snapshot(torch="2.13.0+cpu"))
    assert "CC204" not in codes(report) and not report.errors()


def test_rocm_torch_on_nvidia():
    report = check(make_snapshot(driver="535.104.05", cuda="12.2", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")],
                                 torch="2.3.1+rocm6.0", torch_hip="6.0.32830"))
    [finding] = by_code(report, "CC205")
    assert finding.category == "cpu_only_torch" and "ROCm" in finding.title


def test_cuda_torch_on_nvidia_is_not_a_rocm_finding():
    report = check(make_snapshot(driver="535.104.05", cuda="12.2", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")],
                                 torch="2.4.1+cu121", torch_cuda="12.1"))
    assert "CC205" not in codes(report) and "CC204" not in codes(report)


def test_multiple_torch_installs():
    from cudacheck.snapshot import TorchInstall

    snapshot = make_snapshot(torch="2.4.1+cu121", torch_cuda="12.1")
    snapshot.torch.installs = [TorchInstall("2.4.1+cu121", "/venv/site-packages", "site-packages"),
                               TorchInstall("2.1.0", "~/.local/lib/python3.11/site-packages", "user-site")]
    [finding] = by_code(check(snapshot), "CC206")
    assert finding.severity == "error" and "2 torch installations" in finding.title


def test_single_torch_install_is_fine():
    from cudacheck.snapshot import TorchInstall

    snapshot = make_snapshot(torch="2.4.1+cu121", torch_cuda="12.1")
    snapshot.torch.installs = [TorchInstall("2.4.1+cu121", "/venv/site-packages", "site-packages")]
    assert not by_code(check(snapshot), "CC206")


def test_local_torch_folder_shadows_the_package():
    snapshot = make_snapshot(torch="2.4.1+cu121", torch_cuda="12.1")
    snapshot.torch.shadowed_by = "/home/u/project/torch"
    [finding] = by_code(check(snapshot), "CC206")
    assert finding.severity == "error"


def test_remedy_keeps_torchvision_in_step():
    report = check(make_snapshot(driver="570.124.04", cuda="12.8", gpus=[gpu("NVIDIA GeForce RTX 5090", "12.0")],
                                 torch="2.6.0+cu124", torch_cuda="12.4",
                                 packages={"torch": "2.6.0+cu124", "torchvision": "0.21.0+cu124"}))
    [finding] = by_code(report, "CC201")
    install = next(line for line in finding.remedy.splitlines() if "pip install" in line)
    version = install.split("torch==")[1].split()[0]
    from cudacheck.compat.db import default_db

    assert f"torchvision=={default_db().torch_release(version).torchvision}." in install


def test_remedy_says_when_the_wheel_table_may_not_apply():
    snapshot = make_snapshot(driver="572.16", cuda="12.8", gpus=[gpu("NVIDIA GeForce RTX 5090", "12.0")],
                             torch="2.6.0+cu124", torch_cuda="12.4")
    snapshot.platform.system = "Windows"
    [finding] = by_code(check(snapshot), "CC201")
    assert "published for Windows" in finding.remedy
    snapshot.platform.system = "Linux"
    assert "published for" not in by_code(check(snapshot), "CC201")[0].remedy
