"""Libraries and packages versus torch's build and pins."""
from __future__ import annotations

from cudacheck import check
from cudacheck.snapshot import DeepFacts, LibrariesFacts, LibraryFacts, PackageFacts
from cudacheck.testing import findings as by_code, gpu, make_snapshot

PINS = {"nvidia-cudnn-cu12": "==9.1.0.70", "nvidia-nccl-cu12": "==2.20.5", "nvidia-cublas-cu12": "==12.1.3.1"}
GOOD = {"torch": "2.4.1+cu121", "nvidia-cudnn-cu12": "9.1.0.70", "nvidia-nccl-cu12": "2.20.5",
        "nvidia-cublas-cu12": "12.1.3.1"}



def snap(packages=None, libraries=None, deep=None, **kwargs):
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")],
                             torch="2.4.1+cu121", torch_cuda="12.1", nvidia_requirements=PINS,
                             packages=packages if packages is not None else GOOD, **kwargs)
    snapshot.libraries = libraries if libraries is not None else LibrariesFacts()
    snapshot.deep = deep
    return snapshot


def test_matching_pins_are_silent():
    report = check(snap())
    assert not [f for f in report.findings if f.code.startswith("CC3")]


def test_cudnn_wheel_major_differs_is_an_error():
    [finding] = by_code(check(snap({**GOOD, "nvidia-cudnn-cu12": "8.9.7.29"})), "CC301")
    assert finding.severity == "error" and finding.category == "cudnn_version_mismatch"
    assert finding.remedy == "pip install 'nvidia-cudnn-cu12==9.1.0.70'"


def test_newer_cudnn_patch_is_only_a_warning():
    [finding] = by_code(check(snap({**GOOD, "nvidia-cudnn-cu12": "9.5.1.17"})), "CC301")
    assert finding.severity == "warning"


def test_older_nccl_is_an_error_and_cublas_difference_a_warning():
    report = check(snap({**GOOD, "nvidia-nccl-cu12": "2.18.1", "nvidia-cublas-cu12": "12.4.5.8"}))
    severities = {f.category: f.severity for f in by_code(report, "CC301")}
    assert severities == {"nccl_mismatch": "error", "lib_path_conflict": "warning"}


def test_loaded_cudnn_older_minor_is_a_mismatch():
    deep = DeepFacts(ran=True, cudnn_version=90000)
    [finding] = by_code(check(snap(deep=deep)), "CC302")
    assert "9.0.0" in finding.title and "9.1.0.70" in finding.title


def test_loaded_cudnn_from_the_loader_pick():
    libraries = LibrariesFacts(resolved={"cudnn": LibraryFacts("cudnn", "/opt/conda/lib/libcudnn.so.8", "conda",
                                                               "8.9.2")})
    [finding] = by_code(check(snap(libraries=libraries)), "CC302")
    assert "/opt/conda/lib/libcudnn.so.8" in finding.detail


def test_loaded_cudnn_known_only_by_major_is_not_judged_on_minor():
    libraries = LibrariesFacts(resolved={"cudnn": LibraryFacts("cudnn", "/usr/lib/libcudnn.so.9", "ldconfig", "9")})
    assert not by_code(check(snap(libraries=libraries)), "CC302")
    libraries.resolved["cudnn"].version = "8"
    assert by_code(check(snap(libraries=libraries)), "CC302")


def test_loaded_cudnn_same_major_newer_minor_is_fine():
    assert not by_code(check(snap(deep=DeepFacts(ran=True, cudnn_version=90300))), "CC302")


def test_cudnn_missing():
    packages = {k: v for k, v in GOOD.items() if "cudnn" not in k}
    [finding] = by_code(check(snap(packages)), "CC303")
    assert finding.category == "cudnn_missing"


def test_cudnn_missing_silent_when_a_library_is_found():
    packages = {k: v for k, v in GOOD.items() if "cudnn" not in k}
    libraries = LibrariesFacts(found=[LibraryFacts("cudnn", "/usr/lib/x86_64-linux-gnu/libcudnn.so.9", "ldconfig",
                                                   "9.1.0")])
    assert not by_code(check(snap(packages, libraries)), "CC303")


def test_two_nccl_wheels():
    [finding] = by_code(check(snap({**GOOD, "nvidia-nccl-cu13": "2.27.7"})), "CC304")
    assert "2 NCCL wheels" in finding.title


def test_older_nccl_on_ld_library_path():
    libraries = LibrariesFacts(resolved={"nccl": LibraryFacts("nccl", "/opt/nccl/lib/libnccl.so.2",
                                                              "ld_library_path", "2.15.5")})
    [finding] = by_code(check(snap(libraries=libraries)), "CC304")
    assert "shadows" in finding.title
    libraries.resolved["nccl"].version = "2.21.5"
    assert not by_code(check(snap(libraries=libraries)), "CC304")


def test_ld_library_path_cublas_shadows_pip():
    libraries = LibrariesFacts(
        found=[LibraryFacts("cublas", "/venv/nvidia/cublas/lib/libcublas.so.12", "pip", "12.1.3")],
        resolved={"cublas": LibraryFacts("cublas", "/usr/local/cuda-11.8/lib64/libcublas.so.11", "ld_library_path",
                                         "11.11.3")})
    [finding] = by_code(check(snap(libraries=libraries)), "CC305")
    assert finding.severity == "error" and finding.category == "lib_path_conflict"


def test_pip_libraries_resolved_are_fine():
    libraries = LibrariesFacts(
        found=[LibraryFacts("cublas", "/venv/nvidia/cublas/lib/libcublas.so.12", "pip", "12.1.3")],
        resolved={"cublas": LibraryFacts("cublas", "/venv/nvidia/cublas/lib/libcublas.so.12", "pip", "12.1.3")})
    assert not by_code(check(snap(libraries=libraries)), "CC305")


def test_torchvision_from_another_release_and_cuda_major():
    [finding] = by_code(check(snap({**GOOD, "torchvision": "0.16.0+cu118"})), "CC306")
    assert "0.19" in finding.detail and "cu118" in finding.detail
    assert "download.pytorch.org/whl/cu121" in finding.remedy


def test_matching_torchvision_and_torchaudio():
    assert not by_code(check(snap({**GOOD, "torchvision": "0.19.1+cu121", "torchaudio": "2.4.1+cu121"})), "CC306")


def test_torchaudio_mismatch():
    [finding] = by_code(check(snap({**GOOD, "torchaudio": "2.1.0"})), "CC306")
    assert finding.title.startswith("torchaudio")


def test_local_nvcc_other_major_is_a_warning_only():
    libraries = LibrariesFacts(nvcc_version="11.8")
    [finding] = by_code(check(snap(libraries=libraries)), "CC307")
    assert finding.severity == "warning" and finding.category == "cuda_toolkit_mismatch_ext"
    libraries.nvcc_version = "12.4"
    assert by_code(check(snap(libraries=libraries)), "CC307")[0].severity == "info"
    libraries.nvcc_version = "12.1"
    assert not by_code(check(snap(libraries=libraries)), "CC307")


def test_python_outside_the_release_range():
    [finding] = by_code(check(snap(python="3.13.1")), "CC308")
    assert "3.13.1" in finding.title
    assert not by_code(check(snap(python="3.12.4")), "CC308")


def _pascal(cudnn_wheel):
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA GeForce GTX 1080 Ti", "6.1")],
                             torch="2.8.0+cu126", torch_cuda="12.6",
                             nvidia_requirements={"nvidia-cudnn-cu12": "==9.10.2.21"},
                             packages={"torch": "2.8.0+cu126", "nvidia-cudnn-cu12": cudnn_wheel})
    snapshot.libraries = LibrariesFacts()
    return check(snapshot)


def test_cudnn_9_17_drops_pascal_even_for_cuda_12():
    [finding] = by_code(_pascal("9.17.1.4"), "CC309")
    assert finding.category == "cudnn_version_mismatch" and "7.5" in finding.title and "sm_61" in finding.title
    assert "nvidia-cudnn-cu12==9.10.2.21" in finding.remedy


def test_cudnn_that_supports_the_gpu_is_silent():
    assert not by_code(_pascal("9.10.2.21"), "CC309")
    # A Turing GPU is fine with cuDNN 9.17.
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("Tesla T4", "7.5")], torch="2.8.0+cu126",
                             torch_cuda="12.6", packages={"nvidia-cudnn-cu12": "9.17.1.4"})
    assert not by_code(check(snapshot), "CC309")
