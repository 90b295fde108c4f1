"""Evidence decides: a CPU-only torch is a fault only where an NVIDIA GPU (or the intent to use
one) shows; on ROCm, Apple or other non-NVIDIA evidence no CUDA remedy is offered."""
from __future__ import annotations

import re

from cudacheck import check
from cudacheck.testing import findings as by_code, gpu, make_snapshot
from cudacheck.triage import triage as triage_text

LAPTOP_COLLECT_ENV = """\
PyTorch version: 2.5.1+cpu
Is debug build: False
CUDA used to build PyTorch: None
ROCM used to build PyTorch: N/A
OS: Microsoft Windows 11 Home
Python version: 3.11.9 (tags/v3.11.9:de54cf5, Apr  2 2024, 10:12:12) [MSC v.1938 64 bit (AMD64)] (64-bit runtime)
Python platform: Windows-10-10.0.22631-SP0
Is CUDA available: False
CUDA runtime version: No CUDA
GPU models and configuration: No CUDA
Nvidia driver version: No CUDA
cuDNN version: No CUDA
Versions of relevant libraries:
[pip3] torch==2.5.1
[pip3] torchvision==0.20.1
"""

ROCM_COLLECT_ENV = """\
PyTorch version: 2.1.0a0+git7bcf7da
Is debug build: False
CUDA used to build PyTorch: N/A
ROCM used to build PyTorch: 5.7.31921-d1770ee1b
OS: Ubuntu 22.04.3 LTS (x86_64)
Python version: 3.10.12
Is CUDA available: True
GPU models and configuration: AMD Instinct MI250X
Versions of relevant libraries:
[pip3] torch==2.1.0a0+git7bcf7da
[pip3] torchvision==0.16.0+git0b2d06e

RuntimeError: operator torchvision::nms does not exist
"""


def test_a_cpu_torch_on_a_laptop_without_nvidia_evidence_is_info():
    report = triage_text(LAPTOP_COLLECT_ENV)
    [finding] = by_code(report, "CC807")
    assert finding.severity == "info" and not report.errors()
    assert finding.remedy.startswith("Nothing to do unless this machine has an NVIDIA GPU")


def test_the_same_cpu_torch_is_an_error_when_the_user_tried_cuda():
    session = (">>> import torch\n>>> torch.cuda.is_available()\nFalse\n>>> torch.version.cuda\n"
               ">>> print(torch.version.cuda)\nNone\n")
    report = triage_text(LAPTOP_COLLECT_ENV + "\n" + session)
    assert report.errors() and report.errors()[0].category == "cpu_only_torch"


def test_a_rocm_report_gets_no_index_url_built_from_a_git_hash():
    report = triage_text(ROCM_COLLECT_ENV)
    remedies = " ".join(f.remedy for f in report.findings)
    assert "git" not in " ".join(re.findall(r"--index-url \S+", remedies))
    assert "download.pytorch.org/whl/cu" not in remedies


def test_a_cpu_torch_beside_nvidia_gpus_is_still_an_error():
    report = check(make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")],
                                 torch="2.4.1+cpu", torch_cuda=None))
    [finding] = by_code(report, "CC204")
    assert finding.severity == "error" and "--index-url https://download.pytorch.org/whl/cu" in finding.remedy


def test_a_mac_gets_no_cuda_remedy():
    snapshot = make_snapshot(torch="2.5.1", torch_cuda=None, nvml_status="library_not_found")
    snapshot.platform.system = "Darwin"
    from cudacheck.policy import Policy
    from cudacheck.compat.db import default_db
    from cudacheck.rules.context import RuleContext

    context = RuleContext(snapshot, default_db(), Policy())
    assert context.non_nvidia_evidence and "pip install" not in context.best_wheel_text()


# --- judgements shared by the fact rules and the observation rules ----------------------------------
def test_driver_requirement_states_floor_and_full():
    from cudacheck.compat.db import default_db
    from cudacheck.compat.judgements import driver_requirement

    db = default_db()
    requirement = driver_requirement(db, "12.4")
    assert requirement.floor == db.minor_floor(12).linux and requirement.full == db.min_driver("12.4")
    assert requirement.text().startswith(f"≥ {requirement.floor}")
    assert driver_requirement(db, "not a version") is None


def test_official_wheel_cxx11_abi_by_release():
    from cudacheck.compat.judgements import official_wheel_cxx11_abi

    assert official_wheel_cxx11_abi("2.2.0") is False and official_wheel_cxx11_abi("2.5.1+cu124") is False
    assert official_wheel_cxx11_abi("2.6.0+cu126") is True and official_wheel_cxx11_abi("2.6.0+cu124") is False
    assert official_wheel_cxx11_abi("2.6.0") is None  # 2.6 depends on the CUDA variant
    assert official_wheel_cxx11_abi("2.7.1") is True
    assert official_wheel_cxx11_abi("2.4.0a0+07cecf4168") is None  # an NGC / source build says nothing


def test_below_current_builds():
    from cudacheck.compat.archs import parse_arch
    from cudacheck.compat.db import default_db
    from cudacheck.compat.judgements import below_current_builds

    db = default_db()
    assert below_current_builds(db, parse_arch("3.5")) is True
    assert below_current_builds(db, parse_arch("8.6")) is False
    assert below_current_builds(db, parse_arch("12.0")) is False  # newer than some builds is not older than all


def test_release_coverage_needs_every_cuda_build_to_agree():
    from cudacheck.compat.archs import parse_arch
    from cudacheck.compat.db import default_db
    from cudacheck.compat.judgements import release_coverage

    release = default_db().torch_release("2.3")
    assert release is not None
    assert release_coverage(release, parse_arch("5.0")) == "sass"  # cu118 and cu121 both ship sm_50
    assert release_coverage(release, parse_arch("12.0")) == "none"  # no build of 2.3 reaches Blackwell
    assert release_coverage(release, parse_arch("3.7")) is None  # cu118 has sm_37, cu121 does not: no verdict


def test_nvml_driver_not_loaded_means_no_gpu_under_wsl_and_in_containers():
    def category(**container):
        snapshot = make_snapshot(torch="2.4.1+cu121", torch_cuda="12.1", nvml_status="driver_not_loaded")
        for key, value in container.items():
            setattr(snapshot.container, key, value)
        [finding] = by_code(check(snapshot), "CC102")
        return finding.category

    assert category() == "driver_not_loaded"
    assert category(runtime="wsl", in_container=False) == "no_gpu_visible"
    assert category(runtime="docker", in_container=True) == "no_gpu_visible"


def test_a_pasted_shm_listing_without_a_uid_names_the_user():
    report = triage_text("$ ls -ld /dev/shm\ndrwxr-xr-x 2 root root 40 Jan  5 09:12 /dev/shm")
    [finding] = by_code(report, "CC402")
    assert finding.title == "/dev/shm is not writable for this user" and "drwxr-xr-x" in finding.detail


def test_a_live_cpu_torch_beside_a_driver_with_no_gpus_is_not_read_as_a_paste():
    # A driver answered but this process sees no GPU (NVIDIA_VISIBLE_DEVICES=none, a CPU dry run):
    # CC204 judges live CPU builds against visible GPUs; the paste-reading CC807 stays silent.
    live = make_snapshot(driver="550.54.14", cuda="12.4", nvml_status="ok", torch="2.13.0+cpu", torch_cuda=None)
    assert not {"CC204", "CC807"} & {f.code for f in check(live).findings}
    pasted = make_snapshot(driver="550.54.14", cuda="12.4", nvml_status="ok", torch="2.13.0+cpu", torch_cuda=None,
                           source="pasted")
    assert [f.severity for f in check(pasted).findings if f.code == "CC807"] == ["error"]
