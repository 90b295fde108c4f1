"""Policy requirements and deep-probe results; symptoms folded into causes."""
from __future__ import annotations

import pytest

from cudacheck import check
from cudacheck.snapshot import DeepFacts, SmokeResult
from cudacheck.testing import findings as by_code, gpu, make_snapshot

T4 = ("Tesla T4", "7.5", 15360)



def t4_machine(**kwargs):
    return make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu(*T4)], **kwargs)


def test_gpu_required_but_none():
    report = check(make_snapshot(nvml_status="driver_not_loaded"), require_gpu=True)
    assert by_code(report, "CC601") and report.findings[0].code == "CC102"  # cause first, symptom after


def test_gpu_required_and_present():
    assert not by_code(check(t4_machine(), require_gpu=True), "CC601")


@pytest.mark.parametrize("requirement, code", [
    ({"min_gpus": 2}, "CC602"),
    ({"min_compute_capability": "8.0"}, "CC603"),
    ({"min_gpu_memory": "40GiB"}, "CC604"),
    ({"features": ["bf16"]}, "CC605"),
    ({"features": ["fp8"]}, "CC605"),
])
def test_unmet_requirements(requirement, code):
    [finding] = by_code(check(t4_machine(), **requirement), code)
    assert finding.category == "capability_missing" and finding.severity == "error"


@pytest.mark.parametrize("requirement", [{"min_gpus": 1}, {"min_compute_capability": "7.5"},
                                         {"min_gpu_memory": "8GiB"}, {}])
def test_met_requirements(requirement):
    report = check(t4_machine(), **requirement)
    assert not [f for f in report.findings if f.code.startswith("CC60")]


def test_bf16_on_ampere_is_met():
    report = check(make_snapshot(driver="550.54.14", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")]), features=["bf16"])
    assert not by_code(report, "CC605")


def test_min_shm():
    report = check(make_snapshot(shm_bytes=64 * 2**20), min_shm="8GiB")
    assert by_code(report, "CC606")
    assert not by_code(check(make_snapshot(shm_bytes=16 * 2**30), min_shm="8GiB"), "CC606")


def test_cuda_visible_devices_limits_the_count():
    from cudacheck.probes.container import parse_visible_devices

    snapshot = make_snapshot(driver="550.54.14", gpus=[gpu(*T4), gpu(*T4)])
    snapshot.container.cuda_visible_devices = parse_visible_devices("1")
    assert by_code(check(snapshot, min_gpus=2), "CC602")


def deep_snapshot(error, **kwargs):
    snapshot = make_snapshot(driver="470.82.01", cuda="11.4", gpus=[gpu("NVIDIA GeForce RTX 3090", "8.6")],
                             torch="2.4.1+cu121", torch_cuda="12.1", **kwargs)
    snapshot.deep = DeepFacts(ran=True, cuda_available=False, cuda_init_error=error)
    return snapshot


def test_cuda_unavailable_is_folded_into_its_cause():
    report = check(deep_snapshot("The NVIDIA driver on your system is too old (found version 11040)."))
    assert not by_code(report, "CC701")
    [cause] = by_code(report, "CC210")
    assert cause.symptoms == ["CC701"]
    assert "Observed: torch.cuda.is_available() is False" in cause.detail  # and the reader is told


def test_cuda_unavailable_without_a_known_cause_is_reported():
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu(*T4)], torch="2.4.1+cu121",
                             torch_cuda="12.1")
    snapshot.deep = DeepFacts(ran=True, cuda_available=False,
                              cuda_init_error="CUDA error: system not yet initialized (802)")
    [finding] = by_code(check(snapshot), "CC701")
    assert finding.category == "fabricmanager_missing" and "802" in finding.title


def test_cuda_available_no_cc701():
    snapshot = deep_snapshot(None)
    snapshot.deep.cuda_available = True
    assert not by_code(check(snapshot), "CC701")


def test_smoke_test_failure():
    snapshot = t4_machine()
    snapshot.deep = DeepFacts(ran=True, cuda_available=True,
                              smoke=[SmokeResult(index=0, matmul_ok=False, matmul_max_error=3.5)])
    [finding] = by_code(check(snapshot), "CC702")
    assert finding.category == "gpu_health" and "matmul" in finding.title
    snapshot.deep.smoke = [SmokeResult(index=0, matmul_ok=True, conv_ok=True)]
    assert not by_code(check(snapshot), "CC702")


@pytest.mark.parametrize("error, category", [
    ("OSError: libcudnn_cnn_infer.so.8: cannot open shared object file: No such file or directory", "cudnn_missing"),
    ("ImportError: .../libtorch_cuda.so: undefined symbol: ncclCommRegister", "nccl_mismatch"),
    ("ImportError: libcublasLt.so.12: undefined symbol: cublasLtGetVersion", "lib_path_conflict"),
])
def test_torch_import_failure_classified(error, category):
    snapshot = t4_machine(torch="2.4.1+cu121", torch_cuda="12.1")
    snapshot.deep = DeepFacts(ran=True, import_error=error)
    [finding] = by_code(check(snapshot), "CC703")
    assert finding.category == category


def test_torch_imports_fine():
    snapshot = t4_machine(torch="2.4.1+cu121", torch_cuda="12.1")
    snapshot.deep = DeepFacts(ran=True, import_error=None, cuda_available=True)
    assert not by_code(check(snapshot), "CC703")


def test_804_in_a_container_means_the_host_driver_is_too_old():
    snapshot = make_snapshot(driver="535.104.05", cuda="12.2", gpus=[gpu("NVIDIA GeForce RTX 4090", "8.9")],
                             torch="2.4.1+cu121", torch_cuda="12.1", in_container=True)
    snapshot.deep = DeepFacts(ran=True, cuda_available=False,
                              cuda_init_error="RuntimeError: forward compatibility was attempted on non supported HW")
    [finding] = by_code(check(snapshot), "CC701")
    assert finding.category == "driver_too_old"
    snapshot.container.in_container = False
    snapshot.cuda_driver.is_compat_library = True  # cuda-compat put on the loader path on the host
    [cause] = by_code(check(snapshot), "CC107")  # the fact rule says it; CC701 is folded into it
    assert cause.symptoms == ["CC701"]
    snapshot.cuda_driver.is_compat_library = False  # the driver's own libcuda: newer than the loaded module
    assert by_code(check(snapshot), "CC701")[0].category == "driver_library_mismatch"


# --- every GPU requirement implies a visible GPU ----------------------------------------------------

NO_GPU = dict(driver="550.54.14", cuda="12.4", torch="2.4.1+cu121", torch_cuda="12.1")


@pytest.mark.parametrize("requirement", [
    {"min_compute_capability": "8.0"}, {"features": ["bf16"]}, {"min_gpu_memory": "40GiB"}, {"min_gpus": 1},
    {"require_gpu": True},
])
def test_every_gpu_requirement_fails_without_a_gpu(requirement):
    [finding] = by_code(check(make_snapshot(**NO_GPU), **requirement), "CC601")
    assert finding.severity == "error" and next(iter(requirement)) in finding.title


def test_every_gpu_requirement_fails_without_a_driver():
    snapshot = make_snapshot(nvml_status="library_not_found", torch="2.4.1+cu121", torch_cuda="12.1")
    [finding] = by_code(check(snapshot, features=["bf16"]), "CC101")
    assert finding.severity == "error" and "features" in finding.title


def test_a_shm_requirement_does_not_imply_a_gpu():
    report = check(make_snapshot(**NO_GPU, shm_bytes=2**34), min_shm="1GiB")
    assert not by_code(report, "CC601") and not report.errors()


def test_a_requirement_on_a_gpu_of_unknown_capability_cannot_be_told():
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("Mystery accelerator", None, memory_mib=None)])
    report = check(snapshot, min_compute_capability="8.0", min_gpu_memory="40GiB", features=["fp8"])
    for code in ("CC603", "CC604", "CC605"):
        [finding] = by_code(report, code)
        assert finding.severity == "info" and finding.could_not_check
    assert not report.errors()


def test_a_hung_driver_is_not_reported_as_no_gpu():
    from cudacheck.snapshot import ProbeError

    snapshot = make_snapshot(nvml_status="timeout")
    snapshot.probe_errors.append(ProbeError("nvml", "timeout", "no answer within 8.5 s", None, 8.5))
    report = check(snapshot, require_gpu=True)
    assert not by_code(report, "CC601")
    [hung] = by_code(report, "CC109")
    assert hung.severity == "error" and "hung" in hung.title and report.errors()[0].code == "CC109"
    assert "none is visible" not in " ".join(f.title for f in report.findings)


def test_an_unknown_gpu_list_is_not_no_gpu():
    snapshot = make_snapshot(torch="2.4.1+cu121", torch_cuda="12.1")  # nothing about the driver is known
    [finding] = by_code(check(snapshot, require_gpu=True), "CC601")
    assert finding.severity == "info" and finding.could_not_check


# --- torch itself -------------------------------------------------------------------------------------

def test_missing_torch_is_a_warning_by_default():
    [finding] = by_code(check(make_snapshot(driver="550.54.14", cuda="12.4")), "CC112")
    assert finding.severity == "warning"


def test_missing_torch_is_an_error_when_required_and_silent_when_not_needed():
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")])
    [finding] = by_code(check(snapshot, require_torch=True), "CC112")
    assert finding.severity == "error" and "pip install torch==" in finding.remedy
    assert not by_code(check(snapshot, require_torch=False), "CC112")


def test_an_installed_or_unknown_torch_is_not_missing():
    assert not by_code(check(make_snapshot(**NO_GPU)), "CC112")
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4")
    snapshot.torch.installed = None
    assert not by_code(check(snapshot, require_torch=True), "CC112")


def test_symptoms_fold_by_the_rules_declaration_and_the_json_says_which():
    from cudacheck.rules.engine import load_rules
    from cudacheck.serialize import dumps

    symptom_rules = {r.code for r in load_rules() if r.symptom}
    assert "CC701" in symptom_rules and "CC210" not in symptom_rules
    report = check(deep_snapshot("The NVIDIA driver on your system is too old (found version 11040)."))
    assert not [f for f in report.findings if f.code in symptom_rules and f.category == "driver_too_old"]
    import json

    [cause] = [f for f in json.loads(dumps(report))["findings"] if f["code"] == "CC210"]
    assert cause["symptoms"] == ["CC701"]
    assert all(f.symptoms == [] for f in report.findings if f.code != "CC210")
