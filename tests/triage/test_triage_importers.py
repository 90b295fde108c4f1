"""Importers: each kind of pasted input becomes facts (and observations) in a Snapshot."""
import pytest

from cudacheck.observations import Obs
from cudacheck.triage import parse
from cudacheck.triage.document import Document, normalise_line
from triage_samples import (COLLECT_ENV_MODERN_OLD_DRIVER, COLLECT_ENV_OLD_ERA_HEALTHY, CONDA_CPU_BUILD,
                            SMI_OLD_BANNER, SMI_QUERY_AND_LIST_802, SMI_R610_BLACKWELL)


def observed(snapshot, signature):
    return [o for o in snapshot.observations if o.signature == signature]


# --- collect_env ------------------------------------------------------------------------------
def test_collect_env_modern():
    s = parse(COLLECT_ENV_MODERN_OLD_DRIVER)
    assert (s.torch.version, s.torch.cuda) == ("2.4.1+cu124", "12.4")
    assert s.nvml.driver_version == "470.223.02"
    assert [(g.index, g.name, g.compute_capability) for g in s.nvml.gpus] == [(0, "NVIDIA GeForce RTX 3090", "8.6")]
    assert s.libraries.nvcc_version == "11.4.152"  # "CUDA runtime version" is the system nvcc
    assert s.platform.python_version == "3.10.14"
    assert (s.platform.system, s.platform.machine, s.platform.kernel) == ("Linux", "x86_64", "5.4.0-169-generic")
    assert observed(s, "cuda_available")[0].values["value"] == "false"
    assert s.cuda_driver.driver_version == "11.4"  # "found version 11040"
    assert s.source == "pasted"


def test_collect_env_old_era():
    s = parse(COLLECT_ENV_OLD_ERA_HEALTHY)
    assert (s.torch.version, s.torch.cuda) == ("1.4.0", "10.1")
    assert s.nvml.gpus[0].name == "GeForce RTX 2080 Ti" and s.nvml.gpus[0].compute_capability == "7.5"
    assert s.libraries.system_cudnn_version == "7.6.5"
    assert s.torch.debug is False
    assert observed(s, "cuda_available")[0].values["value"] == "true"


def test_collect_env_cpu_build_and_unknowns():
    s = parse("PyTorch version: 2.2.0\nIs debug build: False\nCUDA used to build PyTorch: None\n"
              "GPU models and configuration: Could not collect\nNvidia driver version: Could not collect\n"
              "CUDA runtime version: No CUDA\ncuDNN version: No CUDA\n")
    assert s.torch.version == "2.2.0" and s.torch.cuda is None and s.torch.installed
    assert not s.nvml.gpus and s.nvml.driver_version is None
    assert s.libraries is None or s.libraries.nvcc_version is None


def test_collect_env_cudnn_path_list_takes_newest():
    s = parse("cuDNN version: Probably one of the following:\n/usr/lib/x86_64-linux-gnu/libcudnn.so.8.9.2\n"
              "/usr/lib/x86_64-linux-gnu/libcudnn_adv_infer.so.8.9.2\n/usr/local/cuda/lib64/libcudnn.so.8.2.1\n"
              "HIP runtime version: N/A\n")
    assert s.libraries.system_cudnn_version == "8.9.2"


def test_collect_env_rocm_build():
    s = parse("PyTorch version: 2.3.0+rocm6.0\nCUDA used to build PyTorch: N/A\nROCM used to build PyTorch: 6.0.32830\n")
    assert s.torch.hip == "6.0" and s.torch.cuda is None


def test_collect_env_gpus_on_following_lines_and_windows():
    s = parse("OS: Microsoft Windows 11 Pro\nGPU models and configuration:\nGPU 0: NVIDIA GeForce RTX 4080\n"
              "GPU 1: NVIDIA GeForce RTX 3060\n\nNvidia driver version: 546.33\n")
    assert [g.compute_capability for g in s.nvml.gpus] == ["8.9", "8.6"]
    assert s.platform.system == "Windows" and s.nvml.driver_version == "546.33"


def test_template_labels():
    s = parse("- PyTorch Version (e.g., 1.0): 2.0.1+cu118\n- OS (e.g., Linux): Ubuntu 22.04\n"
              "- Python version: 3.10\n- CUDA/cuDNN version: 11.8\n- GPU models and configuration: 2x A100 80GB\n")
    assert (s.torch.version, s.torch.cuda) == ("2.0.1+cu118", "11.8")
    assert s.platform.system == "Linux" and s.platform.python_version == "3.10"
    assert s.nvml.gpus and s.nvml.gpus[0].compute_capability == "8.0"
    assert observed(s, "cuda_mentioned")


# --- nvidia-smi -------------------------------------------------------------------------------
def test_smi_old_banner_and_row():
    s = parse(SMI_OLD_BANNER)
    assert (s.nvml.driver_version, s.nvml.cuda_driver_version, s.nvml.status) == ("450.51.06", "11.0", "ok")
    gpu = s.nvml.gpus[0]
    assert gpu.index == 0 and gpu.compute_capability == "7.0" and gpu.memory_total_mib == 16160
    assert gpu.pci_bus_id == "00000000:00:1E.0"


def test_smi_r610_header():
    s = parse(SMI_R610_BLACKWELL)
    assert (s.nvml.driver_version, s.nvml.cuda_driver_version) == ("610.43.01", "13.2")
    assert s.nvml.gpus[0].compute_capability == "12.0"
    assert s.torch.arch_list[-1] == "sm_90" and s.torch.arch_list_source == "pasted"


def test_smi_truncated_name_unique_prefix():
    s = parse("|   0  NVIDIA GeForce RTX 4090 L...    Off | 00000000:01:00.0 Off |                  N/A |")
    assert s.nvml.gpus[0].name == "NVIDIA GeForce RTX 4090 Laptop GPU"
    assert s.nvml.gpus[0].compute_capability == "8.9"


def test_smi_truncated_name_shared_capability_and_ambiguous():
    shared = parse("|   0  NVIDIA GeForce RTX 308...    Off | 00000000:01:00.0 Off |                  N/A |")
    assert shared.nvml.gpus[0].compute_capability == "8.6"  # every RTX 308x (Ti, Laptop) is Ampere 8.6
    assert shared.nvml.gpus[0].name.endswith("...")
    ambiguous = parse("|   0  NVIDIA GeForce ...     Off | 00000000:01:00.0 Off |                  N/A |")
    assert ambiguous.nvml.gpus[0].compute_capability is None
    ada_too = parse("|   0  NVIDIA GeForce RTX 30...     Off | 00000000:01:00.0 Off |                  N/A |")
    assert ada_too.nvml.gpus[0].compute_capability is None  # RTX 3050 A Laptop GPU is Ada (8.9)


def test_smi_query_and_list():
    s = parse(SMI_QUERY_AND_LIST_802)
    assert (s.nvml.driver_version, s.nvml.cuda_driver_version, s.nvml.gpu_count) == ("550.90.07", "12.4", 8)
    assert [g.uuid[:12] for g in s.nvml.gpus] == ["GPU-6a1f3c2e", "GPU-0b9e8d7c"]
    assert s.cuda_driver.init_code == 802


def test_smi_query_product_name():
    s = parse("Driver Version                            : 535.104.05\nCUDA Version                              : 12.2\n"
              "GPU 00000000:01:00.0\n    Product Name                          : NVIDIA L4\n")
    assert s.nvml.gpus[0].name == "NVIDIA L4" and s.nvml.gpus[0].compute_capability == "8.9"
    assert s.nvml.cuda_driver_version == "12.2"


@pytest.mark.parametrize("line, status", [
    ("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.", "driver_not_loaded"),
    ("Failed to initialize NVML: Driver/library version mismatch", "version_mismatch"),
    ("Failed to initialize NVML: Driver Not Loaded", "driver_not_loaded"),
])
def test_smi_failures_are_nvml_facts(line, status):
    assert parse(line).nvml.status == status


def test_cuda_version_in_prose_is_not_the_driver_cuda():
    s = parse("CUDA Version: 11.8\nDriver Version: 535.54\n")
    assert s.nvml.cuda_driver_version is None  # a sentence, not nvidia-smi
    assert s.nvml.driver_version == "535.54"


@pytest.mark.parametrize("line, driver", [
    ("我的显卡是RTX 3060，驱动版本是535.104.05，CUDA版本是12.2", "535.104.05"),
    ("显卡：GTX 1060 6G，驱动：472.12", "472.12"),
    ("私の環境はRTX 3080、ドライバー 531.14、CUDA 12.1です", "531.14"),
    ("제 그래픽카드는 RTX 3070이고 드라이버 버전은 536.23입니다", "536.23"),
    ("Моя видеокарта GTX 1650, драйвер 472.12, CUDA 11.4", "472.12"),
    ("Mi tarjeta gráfica es una RTX 2060 y el driver es 531.41", "531.41"),
    ("Meine Grafikkarte ist eine RTX 3090, Treiber 535.98", "535.98"),
    ("Ma carte graphique est une RTX 3050, pilote 536.40", "536.40"),
    # no version in the driver's sentence: a count of steps is not a driver
    ("驱动崩溃了 after 300 steps", None),
    ("the driver crashed after 300 steps", None),
])
def test_a_driver_version_said_in_another_language_is_read(line, driver):
    assert parse(line).nvml.driver_version == driver


@pytest.mark.parametrize("line, version", [
    ("torch版本是2.1.0", "2.1.0"),
    ("私の環境はPyTorch 2.0.1です", "2.0.1"),
])
def test_a_torch_version_said_in_another_language_is_read(line, version):
    said = observed(parse(line), Obs.TORCH_VERSION)
    assert said and said[0].values["version"] == version


def test_a_build_said_in_another_language_is_the_build_without_the_words_after_it():
    assert parse("PyTorch 2.3.1+cu121です").torch.version == "2.3.1+cu121"


def test_a_data_centre_gpu_named_with_its_form_factor_is_that_variant():
    assert [g.name for g in parse("GPU: Tesla V100-SXM2-32GB").nvml.gpus] == ["Tesla V100-SXM2-32GB"]
    # a row that lists several names: the one the text says, not the row's first
    assert [g.name for g in parse("GPU: Tesla K40m").nvml.gpus] == ["Tesla K40m"]


def test_a_memory_size_written_short_names_the_gpu_variant():
    assert [g.name for g in parse("显卡：GTX 1060 6G").nvml.gpus] == ["NVIDIA GeForce GTX 1060 6GB"]


# --- packages ---------------------------------------------------------------------------------
def test_pip_list_and_freeze_forms():
    s = parse("Package    Version\n---------- -----------\ntorch      2.3.1+cu121\ntorchvision 0.18.1+cu121\n"
              "nvidia-cudnn-cu12==8.9.2.26\n"
              "torchaudio @ https://download.pytorch.org/whl/cu121/torchaudio-2.3.1%2Bcu121-cp311-cp311-linux_x86_64.whl\n")
    versions = {p.name: p.version for p in s.packages}
    assert versions["torch"] == "2.3.1+cu121" and versions["torchvision"] == "0.18.1+cu121"
    assert versions["nvidia-cudnn-cu12"] == "8.9.2.26" and versions["torchaudio"] == "2.3.1+cu121"
    assert s.torch.cuda == "12.1"


def test_pip_show_block():
    s = parse("Name: torch\nVersion: 2.1.0\nSummary: Tensors and Dynamic neural networks\n"
              "Location: /home/u/.local/lib/python3.10/site-packages\nRequires: filelock, nvidia-cudnn-cu12\n")
    assert s.package("torch").version == "2.1.0"
    assert (s.torch.version, s.torch.cuda) == ("2.1.0", "12.1")  # its nvidia-* requirements: PyPI's CUDA wheel


def test_pypi_cuda_wheel_from_nvidia_runtime():
    s = parse("torch==2.1.0\nnvidia-cuda-runtime-cu12==12.1.105\n")
    assert (s.torch.version, s.torch.cuda) == ("2.1.0", "12.1")


def test_plain_version_without_build_is_not_a_fact():
    s = parse("torch==2.1.0\n")
    assert s.torch.version is None  # CUDA or CPU is unknown: never guessed
    assert observed(s, "torch_version")[0].values["version"] == "2.1.0"


def test_conda_list_build_strings():
    s = parse(CONDA_CPU_BUILD)
    assert s.torch.version == "2.1.0" and s.torch.cuda is None
    assert observed(s, "conda_cpuonly")
    cuda = parse("pytorch                   2.1.0           py3.10_cuda12.1_cudnn8.9.2_0    pytorch\n")
    assert cuda.torch.cuda == "12.1"
    forge = parse("pytorch                   2.3.1           cuda120_py311h1234567_300    conda-forge\n")
    assert forge.torch.cuda == "12.0"


def test_collect_env_bracket_lines():
    s = parse("[pip3] nvidia-nccl-cu12==2.20.5\n[pip3] torch==2.3.0\n"
              "[conda] pytorch-cuda              12.1                 ha16c6d3_5    pytorch\n")
    assert s.package("nvidia-nccl-cu12").version == "2.20.5"
    assert s.package("pytorch-cuda").version == "12.1"


def test_pip_install_output_lines():
    s = parse("Successfully installed torch-2.2.0+cu118 torchvision-0.17.0+cu118 numpy-1.26.3\n"
              "Requirement already satisfied: torchaudio in ./venv/lib/python3.10/site-packages (2.2.0)\n")
    assert s.package("torchvision").version == "0.17.0+cu118"
    assert s.package("torchaudio").version == "2.2.0"
    assert s.package("numpy") is None  # not GPU-relevant


# --- docker --------------------------------------------------------------------------------------
def test_docker_run_flags_and_image_tag():
    s = parse("docker run --gpus '\"device=0,1\"' --shm-size=8g -e NVIDIA_VISIBLE_DEVICES=all -it --rm "
              "pytorch/pytorch:2.1.0-cuda11.8-cudnn8-runtime python x.py")
    container = s.container
    assert container.in_container and container.runtime == "docker"
    assert container.gpus_flag == "device=0,1"
    assert container.shm.size_bytes == 8 * 2**30
    assert container.image == "pytorch/pytorch:2.1.0-cuda11.8-cudnn8-runtime"
    assert container.nvidia_visible_devices.kind == "all"
    assert (s.torch.version, s.torch.cuda) == ("2.1.0", "11.8")
    assert observed(s, "docker_run")[0].values["gpu_access"] == "yes"


def test_docker_run_continuation_and_ipc():
    s = parse("docker run \\\n  --runtime=nvidia \\\n  --ipc host \\\n  -v /data:/data \\\n  nvcr.io/nvidia/pytorch:24.01-py3\n")
    run = observed(s, "docker_run")[0]
    assert run.values["runtime"] == "nvidia" and run.values["gpu_access"] == "yes"
    assert s.container.ipc_host is True and s.container.image == "nvcr.io/nvidia/pytorch:24.01-py3"
    assert observed(s, "image_cuda")[0].values["cuda"] == "12.3"


def test_docker_run_without_gpu_flags():
    s = parse("$ docker run -it ubuntu:22.04 bash")
    assert observed(s, "docker_run")[0].values["gpu_access"] == "no"
    assert s.container.gpus_flag is None


def test_compose_keys():
    s = parse("services:\n  train:\n    image: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n    shm_size: '2gb'\n"
              "    ipc: host\n    deploy:\n      resources:\n        reservations:\n          devices:\n"
              "            - driver: nvidia\n              capabilities: [gpu]\n")
    assert observed(s, "compose_gpu") and s.container.ipc_host is True
    assert s.container.shm.size_bytes == 2 * 2**30
    assert observed(s, "image_cuda")[0].values["cuda"] == "12.4"


# --- python sessions and tracebacks ----------------------------------------------------------------
def test_repl_and_ipython_answers():
    s = parse(">>> import torch\n>>> torch.__version__\n'2.0.1+cu117'\n>>> torch.cuda.is_available()\nFalse\n"
              "In [3]: torch.cuda.device_count()\nOut[3]: 0\n>>> torch.cuda.get_device_name(0)\n'NVIDIA GeForce GTX 1650'\n")
    assert (s.torch.version, s.torch.cuda) == ("2.0.1+cu117", "11.7")
    assert observed(s, "cuda_available")[0].values["value"] == "false"
    assert observed(s, "cuda_device_count")[0].values["count"] == "0"
    assert s.nvml.gpus[0].compute_capability == "7.5"


def test_python_dash_c_with_several_prints():
    s = parse('$ python -c "import torch; print(torch.__version__, torch.version.cuda, torch.cuda.is_available())"\n'
              "2.2.1+cpu None False\n")
    assert s.torch.version == "2.2.1+cpu" and s.torch.cuda is None
    assert observed(s, "torch_cuda_none") and observed(s, "cuda_available")


def test_banner_and_windows_paths():
    s = parse("Python 3.11.5 | packaged by Anaconda, Inc. | (main, Sep 11 2023, 13:26:23) [MSC v.1916 64 bit "
              "(AMD64)] on win32\n")
    assert s.platform.python_version == "3.11.5" and s.platform.system == "Windows"
    t = parse('  File "C:\\Users\\a\\miniconda3\\Lib\\site-packages\\torch\\__init__.py", line 1, in <module>')
    assert t.platform.system == "Windows" and "site-packages" in t.torch.location


def test_two_torch_locations_are_two_installs():
    s = parse('  File "/home/u/.local/lib/python3.9/site-packages/torch/cuda/__init__.py", line 1\n'
              '  File "/opt/conda/lib/python3.9/site-packages/torch/nn/modules/module.py", line 2\n')
    assert len(s.torch.installs) == 2
    assert {i.origin for i in s.torch.installs} == {"user-site", "site-packages"}
    assert s.platform.python_version == "3.9"


def test_imported_and_installed_versions_differ():
    s = parse(">>> print(torch.__version__)\n1.12.1\n$ pip list | grep torch\ntorch      2.1.0\n")
    assert sorted(i.version for i in s.torch.installs) == ["1.12.1", "2.1.0"]


# --- free text ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, cc", [
    ("I have an RTX 3090 with driver 470", "8.6"),
    ("my GPU is a 5090", "12.0"),
    ("we run on 8x A100 80GB SXM", "8.0"),
    ("Grafikkarte: GeForce GTX 1080 Ti", "6.1"),
    ("显卡是 RTX 4060，驱动 550", "8.9"),
])
def test_gpu_names_in_sentences(text, cc):
    s = parse(text)
    assert s.nvml.gpus and s.nvml.gpus[0].compute_capability == cc


def test_structured_gpu_beats_sentence():
    s = parse("I thought I had a 3080\nGPU 0: NVIDIA GeForce RTX 3060 (UUID: GPU-1234abcd-0000-0000-0000-000000000000)")
    assert [g.name for g in s.nvml.gpus] == ["NVIDIA GeForce RTX 3060"]


@pytest.mark.parametrize("text, driver", [
    ("driver 470", "470"), ("NVIDIA driver version is 535.104.05", "535.104.05"),
    ("using the 550.54.14 driver", "550.54.14"), ("sudo apt install nvidia-driver-535", "535"),
])
def test_driver_in_sentences(text, driver):
    assert parse(text).nvml.driver_version == driver


def test_torch_version_label_on_previous_line():
    s = parse("5. Torch version\n2.0.1+cu117\n6. Torchvision version\n0.15.2+cu117\n")
    assert (s.torch.version, s.torch.cuda) == ("2.0.1+cu117", "11.7")
    assert s.package("torchvision").version == "0.15.2+cu117"


def test_install_commands():
    s = parse("pip3 install torch torchvision --index-url https://download.pytorch.org/whl/cu118\n"
              "conda install pytorch torchvision pytorch-cuda=12.1 -c pytorch -c nvidia\n"
              "`pip install torch`\n")
    commands = observed(s, "install_command")
    assert commands[0].values["index"] == "cu118"
    assert commands[1].values["conda_cuda"] == "12.1"
    assert commands[2].values["has_index"] == "no"


def test_environment_variables():
    s = parse("export CUDA_VISIBLE_DEVICES=\"\"\n$ echo $LD_LIBRARY_PATH\n/usr/local/cuda-11.8/lib64:/opt/cudnn/lib\n")
    assert s.container.cuda_visible_devices.kind == "empty"
    assert s.container.env["LD_LIBRARY_PATH"] == "/usr/local/cuda-11.8/lib64:/opt/cudnn/lib"


def test_platform_words():
    assert parse("running on Ubuntu 22.04 (aarch64)").platform.machine == "aarch64"
    assert parse("Windows 11, RTX 4070").platform.system == "Windows"
    assert parse("WSL2 Ubuntu").platform.system == "Linux"


# --- document --------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, clean", [
    ("> RuntimeError: x", "RuntimeError: x"),
    ("> > nested quote", "nested quote"),
    (">>> import torch", ">>> import torch"),
    ("> >>> import torch", ">>> import torch"),
    ("\x1b[31mERROR\x1b[0m: boom", "ERROR: boom"),
    ("```", ""),
    ("   indented  ", "   indented"),
    # an issue template's bold labels read as plain ones; Python's ** is left alone
    ("**CUDA Version**: 11.3", "CUDA Version: 11.3"),
    # (a Markdown list's bullet goes too)
    ("- **NVIDIA Driver Version:** 470.223.02", "NVIDIA Driver Version: 470.223.02"),
    ("**PyTorch Version (if applicable)**:1.12.1", "PyTorch Version (if applicable):1.12.1"),
    ("    return f(*args, **kwargs)", "    return f(*args, **kwargs)"),
    ("x = 2**10 ** 3", "x = 2**10 ** 3"),
])
def test_normalise_line(raw, clean):
    assert normalise_line(raw) == clean


def test_document_keyword_index_and_escaped_newlines():
    document = Document("a driver line\nnothing\nDriver again\n" + "x" * 1200 + "\\nno kernel image\\n")
    assert document.lines_with("driver") == [0, 2]
    assert document.lines_with("no kernel image")
    assert document.lines_with("absent phrase here") == []


def test_quoted_non_english_mix():
    s = parse("> 你好，我的环境如下：\n> Nvidia driver version: 535.129.03\n> GPU 0: NVIDIA GeForce RTX 4090\n"
              "> 报错：RuntimeError: CUDA error: no kernel image is available for execution on the device\n")
    assert s.nvml.driver_version == "535.129.03" and s.nvml.gpus[0].compute_capability == "8.9"
    assert observed(s, "no_kernel_image")


def test_a_docker_run_a_banner_recommends_is_not_the_containers_start():
    """NGC's banner prints the flags NVIDIA recommends; the container was started without them."""
    banner = parse("NOTE: The SHMEM allocation limit is set to the default of 64MB.  This may be insufficient for "
                   "PyTorch.  NVIDIA recommends the use of the following flags:\n   docker run --gpus all --ipc=host "
                   "--ulimit memlock=-1 --ulimit stack=67108864 ...")
    assert banner.container.ipc_host is not True and banner.container.shm.size_bytes == 64 * 2**20
    started = parse("docker run --gpus all --ipc=host -it nvcr.io/nvidia/pytorch:24.01-py3")
    assert started.container.ipc_host is True


def test_a_geforce_series_spans_the_capabilities_of_its_products_in_the_gpu_table():
    from cudacheck.observations import Obs
    from cudacheck.triage.core import parse
    def series(text):
        found = [o for o in parse(text).observations if o.signature == Obs.GPU_NAME_AMBIGUOUS]
        return (found[0].values["name"], found[0].values["lowest"], found[0].values["highest"]) if found else None
    assert series("my GTX 10XX card") == ("GeForce GTX 10 series", "6.1", "6.1")
    assert series("every RTX 30 series GPU") == ("GeForce RTX 30 series", "8.6", "8.9")  # the RTX 3050 A is an Ada chip
    assert series("RTX 50-series") == ("GeForce RTX 50 series", "12.0", "12.0")
    assert series("GTX 900 series") == ("GeForce GTX 900 series", "5.2", "5.2")


def test_a_gpu_named_by_its_family_keeps_the_name_as_written():
    """"A100" is PCIe or SXM, 40 or 80 GB: all sm_80, but no one of them is the user's card."""
    from cudacheck.triage.core import parse
    [gpu] = parse("I have 8 A100 GPUs").nvml.gpus
    assert (gpu.name, gpu.compute_capability) == ("NVIDIA A100", "8.0")
    [exact] = parse("my GPU is an RTX 4090").nvml.gpus
    assert exact.name == "NVIDIA GeForce RTX 4090"  # one product: NVML's own name for it
