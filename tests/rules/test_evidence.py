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
