"""A CPU-only torch however it is worded, judged by the evidence of an NVIDIA GPU (or its absence); reports of
two torch installs. Texts written here in the style of real reports."""
import pytest

from cudacheck.observations import Obs
from cudacheck.triage import parse, triage

from paste_findings import problems, signatures


@pytest.mark.parametrize("text", [
    "pip keeps installing the CPU version of torch",
    "PyTorch安装的是CPU版本，运行的时候只用CPU",
    "uv resolved torch 2.7.0+cpu on Windows",
    "conda installed a cpu-only pytorch next to pytorch-cuda",
    "pytorch-mutex             1.0                         cpu    pytorch",
    "The installer uses https://download.pytorch.org/whl/cpu for torch",
])
def test_a_cpu_build_is_recognised_however_worded(text):
    assert Obs.CPU_BUILD_STATED in signatures(text)


@pytest.mark.parametrize("text", [
    "It's a GPU version not CPU version of torch.",
    "CPU: AMD Ryzen 9 7950X, GPU: RTX 4090",
    "PyTorch version: 2.5.1+cpu",  # collect_env: a fact already, not a statement
])
def test_no_cpu_build_statement(text):
    assert Obs.CPU_BUILD_STATED not in signatures(text)


@pytest.mark.parametrize("text, severity", [
    # NVIDIA evidence: an error
    ("AssertionError: Torch not compiled with CUDA enabled\nGPU: NVIDIA GeForce RTX 3070", "error"),
    ("Torch not compiled with CUDA enabled\nNvidia driver version: 551.86", "error"),
    ("I want to use my GPU but pip installed the CPU version of torch", "error"),
    # evidence against: information only
    ("Torch not compiled with CUDA enabled\nMy laptop only has Intel Iris Xe graphics", "info"),
    ("Torch not compiled with CUDA enabled. I don't have a GPU, I just want to run it on the CPU.", "info"),
    # neither: a warning for the reader to check
    ("AssertionError: Torch not compiled with CUDA enabled", "warning"),
])
def test_a_cpu_torch_is_judged_by_evidence(text, severity):
    [finding] = [f for f in triage(text).findings if f.category == "cpu_only_torch"]
    assert finding.severity == severity


def test_on_a_mac_there_is_no_problem_only_the_mps_hint():
    report = triage("AssertionError: Torch not compiled with CUDA enabled\nI'm on a MacBook Pro with an M3 chip")
    assert not problems("AssertionError: Torch not compiled with CUDA enabled\nI'm on a MacBook Pro with an M3 chip")
    assert any("mps" in f.title for f in report.findings)


def test_an_error_message_naming_an_nvidia_gpu_is_not_evidence_of_one():
    text = "RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed"
    assert Obs.NVIDIA_GPU_STATED not in signatures(text)


def test_a_cpu_statement_outweighs_a_cuda_build_in_an_install_command():
    text = ("Windows 11, RTX 3060. `uvx --with torch==2.5.1+cu124 --index-url https://download.pytorch.org/whl/cu124` "
            "fixes it, but by default it installs the CPU version of torch.")
    assert problems(text)[0].category == "cpu_only_torch"


def test_a_rocm_torch_on_an_nvidia_machine():
    text = "pip list shows torch and torchvision with `+rocm5.7`, but my machine has a Nvidia GPU"
    finding = problems(text)[0]
    assert finding.category == "cpu_only_torch" and "ROCm" in finding.title


@pytest.mark.parametrize("text", [
    "I had torch 2.1 installed with pip and one with conda in the same env",
    "conda ended up with two torch installations (the cpu and the gpu package)",
    "mamba installs multiple PyTorch versions in one environment",
])
def test_two_installs_stated(text):
    assert problems(text)[0].category == "multiple_torch_installs"


def test_a_torch_folder_outside_site_packages_shadows_the_install():
    text = ('>>> import torch\nTraceback (most recent call last):\n  File "<stdin>", line 1, in <module>\n'
            '  File "/home/me/src/pytorch/torch/__init__.py", line 237, in <module>\n    from torch._C import *\n'
            "ModuleNotFoundError: No module named 'torch._C'")
    s = parse(text)
    assert s.torch.shadowed_by == "/home/me/src/pytorch/torch"
    assert problems(text)[0].category == "multiple_torch_installs"


def test_an_installed_torch_frame_is_not_a_shadow():
    text = ('  File "/usr/lib/python3/dist-packages/torch/__init__.py", line 237, in <module>\n'
            "    from torch._C import *\nImportError: libcudnn.so.9: cannot open shared object file")
    assert parse(text).torch.shadowed_by is None


def test_a_user_site_torch_inside_an_activated_environment():
    text = ('(myenv) PS C:\\Users\\me> python -c "import torch; print(torch.__file__)"\n'
            "C:\\Users\\me\\AppData\\Roaming\\Python\\Python311\\site-packages\\torch\\__init__.py")
    assert problems(text)[0].category == "multiple_torch_installs"


@pytest.mark.parametrize("line, cuda", [
    ("  Downloading torch-2.3.0-cp311-cp311-win_amd64.whl (159.8 MB)", None),  # PyPI's Windows wheel: CPU
    ("  Downloading https://download.pytorch.org/whl/cu121/torch-2.3.0%2Bcu121-cp311-cp311-win_amd64.whl", "12.1"),
])
def test_a_torch_wheel_in_a_pip_log_names_the_build(line, cuda):
    s = parse(line)
    assert s.torch.version.startswith("2.3.0") and s.torch.cuda == cuda


def test_a_macos_or_linux_wheel_without_a_tag_says_nothing_wrong():
    assert parse("Downloading torch-2.3.0-cp311-none-macosx_11_0_arm64.whl").torch.cuda is None


@pytest.mark.parametrize("text, category", [
    ("My driver is 418.67 and I installed pytorch 1.8.0 with cudatoolkit 11.1, cuda is not available",
     "driver_too_old"),
    ("Versions: PyTorch 2.8.0 + cu129, driver 470.256.02", "driver_too_old"),
])
def test_a_build_named_in_a_sentence(text, category):
    assert problems(text)[0].category == category


@pytest.mark.parametrize("text, category", [
    ("ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has "
     "compute capability 7.5.", "capability_missing"),
    ("`cutlassF` is not supported because: requires device with capability > (8, 0) but your GPU has capability "
     "(7, 5) (too old)", "capability_missing"),
    ("My GTX 760 is too old for current PyTorch builds", "gpu_too_old_for_build"),
    ("The torch 2.7 cu128 wheel does not contain sm_61, so Pascal cards fail", "gpu_too_old_for_build"),
])
def test_capability_and_age_however_reported(text, category):
    assert problems(text)[0].category == category


def test_a_requirement_the_gpu_meets_is_not_a_finding():
    assert not problems("This kernel requires compute capability >= 8.0\nGPU: NVIDIA A100-SXM4-80GB")


@pytest.mark.parametrize("text", ["Instalé la versión de CPU de torch", "Установилась CPU-версия torch",
                                  "自动安装的torch选择的是cpu版"])
def test_a_cpu_build_in_other_languages(text):
    assert Obs.CPU_BUILD_STATED in signatures(text)


@pytest.mark.parametrize("text", [
    "ValueError: GPUs with compute capability < 7.0 are not supported. Your Tesla P100 GPU has compute capability 6.0",
    "Your GPU does not support Int8 Matmul!",
])
def test_more_capability_wordings(text):
    assert problems(text)[0].category == "capability_missing"


def test_versions_stated_in_a_sentence_are_facts():
    s = parse("my torch.version.cuda is 11.8 but my nvcc --version is 12.4, building the extension fails")
    assert (s.torch.cuda, s.libraries.nvcc_version) == ("11.8", "12.4")
    assert problems("my torch.version.cuda is 11.8 but my nvcc --version is 12.4")[0].category == \
        "cuda_toolkit_mismatch_ext"


def test_a_gpu_below_every_current_build_is_too_old_without_a_torch_version():
    finding = problems("GPU: Tesla K40m\nRuntimeError: CUDA error: no kernel image is available for execution on the "
                       "device")[0]
    assert finding.category == "gpu_too_old_for_build"
    assert problems("GPU: NVIDIA GeForce RTX 3090\nRuntimeError: CUDA error: no kernel image is available for execution "
                    "on the device")[0].category == "arch_not_in_build"


def test_nvidia_smi_reporting_more_cuda_than_its_driver_means_compat_libraries():
    text = ("| NVIDIA-SMI 460.80       Driver Version: 460.80       CUDA Version: 11.3     |\n"
            "UserWarning: CUDA initialization: Unexpected error from cudaGetDeviceCount(). Error 804: forward "
            "compatibility was attempted on non supported HW")
    assert problems(text)[0].category == "forward_compat_unsupported"


@pytest.mark.parametrize("text", [
    "RuntimeError: CUDA error: CUBLAS_STATUS_INVALID_VALUE when calling `cublasGemmEx(...)`\n"
    "Solved it in an unexpected way: unset LD_LIBRARY_PATH",
    "After removing /usr/local/cuda-12.4/lib64 from LD_LIBRARY_PATH everything works",
])
def test_a_report_that_clearing_ld_library_path_fixes_it(text):
    assert problems(text)[0].category == "lib_path_conflict"


def test_setting_ld_library_path_is_not_a_fix():
    assert not problems("export LD_LIBRARY_PATH=/usr/local/cuda/lib64:$LD_LIBRARY_PATH")
