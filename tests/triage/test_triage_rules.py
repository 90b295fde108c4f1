"""Each observation rule (CC8xx) fires on its evidence and stays silent on near misses."""
import pytest

from cudacheck.rules.engine import load_rules
from cudacheck.rules.registry import REGISTRY, SECTIONS
from cudacheck.triage import triage

# code: (texts where it fires, texts where it stays silent)
CASES = {
    "CC801": (
        ["RuntimeError: The NVIDIA driver on your system is too old (found version 11070).",
         "CUDA error: CUDA driver version is insufficient for CUDA runtime version",
         "docker run --gpus all vllm/vllm-openai:latest\nError 804: forward compatibility was attempted on non "
         "supported HW",
         "docker run --gpus all nvidia/cuda:12.4.1-base-ubuntu22.04\n"
         "| NVIDIA-SMI 470.256.02   Driver Version: 470.256.02   CUDA Version: 11.4     |",
         "|   0  NVIDIA Graphics Device      Off | 00000000:01:00.0 Off |                  N/A |",
         "NVRM: The NVIDIA GPU 0000:01:00.0 (PCI ID: 10de:2b85)\nNVRM: installed in this system is not supported by "
         "the\nNVRM: NVIDIA 535.183.01 driver release."],
        ["| NVIDIA-SMI 535.183.01   Driver Version: 535.183.01   CUDA Version: 12.2     |\ntorch==2.4.0+cu124",
         # the fact-based rule names the cause; the observation is folded into it
         "torch==2.1.0+cu121\nDriver Version: 470.82.01\nThe NVIDIA driver on your system is too old (found "
         "version 11040)."]),
    "CC802": (
        ["RuntimeError: Found no NVIDIA driver on your system.",
         "modprobe: ERROR: could not insert 'nvidia': Key was rejected by service",
         "RuntimeError: CUDA error: unknown error",
         "nvidia-container-cli: initialization error: load library failed: libnvidia-ml.so.1: cannot open shared "
         "object file: no such file or directory: unknown\ndocker run --gpus all ubuntu nvidia-smi",
         "01:00.0 VGA compatible controller: NVIDIA Corporation AD102 [GeForce RTX 4090] (rev a1)\n"
         "\tKernel driver in use: nouveau",
         "NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x22:0x56:884)",
         "docker run --gpus all -it img\nRuntimeError: CUDA error: unknown error"],
        ["docker run -it pytorch/pytorch:latest\nRuntimeError: Found no NVIDIA driver on your system.",
         "nvidia-smi works fine"]),
    "CC803": (
        ["NVRM: API mismatch: the client has the version 550.107.02, but this kernel module has the version "
         "550.90.07."],
        ["NVRM: loading NVIDIA UNIX x86_64 Kernel Module  550.90.07"]),
    "CC804": (
        ["docker run -it --rm nvcr.io/nvidia/pytorch:23.10-py3\n>>> torch.cuda.is_available()\nFalse",
         'docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].',
         "CUDA_VISIBLE_DEVICES=-1 python x.py\nRuntimeError: No CUDA GPUs are available",
         "WARNING: The NVIDIA Driver was not detected.  GPU functionality will not be available.",
         "RuntimeError: CUDA error: CUDA-capable device(s) is/are busy or unavailable"],
        ["docker run --gpus all -it --rm nvcr.io/nvidia/pytorch:23.10-py3\n>>> torch.cuda.is_available()\nTrue",
         "docker run -it ubuntu:22.04 bash"]),
    "CC805": (
        ["RuntimeError: CUDA error: no kernel image is available for execution on the device",
         "NVIDIA GeForce RTX 5070 Ti with CUDA capability sm_120 is not compatible with the current PyTorch "
         "installation.\nThe current PyTorch install supports CUDA capabilities sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 "
         "sm_90.",
         "ptxas fatal   : Value 'sm_120' is not defined for option 'gpu-name'"],
        ["Found GPU0 Tesla K20c which is of cuda capability 3.5.\nPyTorch no longer supports this GPU because it is "
         "too old.",
         "NVIDIA GeForce GTX 1060 6GB with CUDA capability sm_61 is not compatible with the current PyTorch "
         "installation.\nThe current PyTorch install supports CUDA capabilities sm_70 sm_75 sm_80 sm_86 sm_90."]),
    "CC806": (
        ["Found GPU0 Tesla K20c which is of cuda capability 3.5.\nPyTorch no longer supports this GPU because it is "
         "too old.\nThe minimum cuda capability supported by this library is 3.7.",
         "NVIDIA GeForce GTX 1060 6GB with CUDA capability sm_61 is not compatible with the current PyTorch "
         "installation.\nThe current PyTorch install supports CUDA capabilities sm_70 sm_75 sm_80 sm_86 sm_90."],
        ["RuntimeError: CUDA error: no kernel image is available for execution on the device",
         "Minimum and Maximum cuda capability supported by this version of PyTorch is (5.0) - (9.0)\n"
         "GPU 0: NVIDIA GeForce RTX 3090"]),
    "CC807": (
        ["AssertionError: Torch not compiled with CUDA enabled",
         ">>> print(torch.version.cuda)\nNone",
         "conda list\ncpuonly                   2.0                           0    pytorch\n"
         "pytorch                   2.2.0               py3.11_cpu_0    pytorch\nIs CUDA available: False",
         "Windows 11\n>>> torch.cuda.is_available()\nFalse",
         "Jetson AGX Orin (aarch64)\ntorch.cuda.is_available() returns False",
         "Jetson Orin, aarch64\npip install torch"],
        ["pip list\ntorch 2.3.0+cu121\nAssertionError: Torch not compiled with CUDA enabled",
         "macOS 14 on an Apple M2\nAssertionError: Torch not compiled with CUDA enabled",
         "Ubuntu x86_64\npip install torch --index-url https://download.pytorch.org/whl/cu121"]),
    "CC808": (
        ["OSError: libcudnn_ops.so.9: cannot open shared object file: No such file or directory",
         "Could not locate cudnn_ops_infer64_8.dll. Please make sure it is in your library path!",
         "Could not load library libcudnn_cnn_infer.so.8. Error: libnvrtc.so: cannot open shared object file: No such "
         "file or directory",
         "找不到 cudnn64_8.dll",
         "Could not load symbol cudnnGetVersion"],
        ["I 2024 dso_loader.cc:53] Successfully opened dynamic library libcudnn.so.8",
         "cuDNN version: 8.9.2",
         "Could not load library libcudnn_cnn_train.so.8. Error: /opt/cuda/lib64/libcudnn_cnn_train.so.8: undefined "
         "symbol: _ZN5cudnn3cnn5infer9Engine_v8E, version libcudnn_cnn_infer.so.8"]),
    "CC809": (
        ["RuntimeError: cuDNN version incompatibility: PyTorch was compiled  against (9, 1, 0) but found runtime "
         "version (8, 9, 7).",
         "undefined symbol: cudnnGetLibConfig"],
        ["cuDNN version: /usr/lib/x86_64-linux-gnu/libcudnn.so.8.9.7"]),
    "CC810": (
        ["ImportError: libtorch_cuda.so: undefined symbol: ncclCommShrink",
         "OSError: libnccl.so.2: cannot open shared object file: No such file or directory"],
        ["NCCL version 2.21.5+cuda12.4"]),
    "CC811": (
        ["ImportError: libtorch_cuda.so: undefined symbol: cublasLtHSHMatmulAlgoInit, version libcublasLt.so.11",
         "ImportError: libcudart.so.12: cannot open shared object file: No such file or directory",
         "Ubuntu on WSL2\nCould not load library libcudnn_cnn_infer.so.8. Error: libcuda.so: cannot open shared "
         "object file: No such file or directory",
         "export LD_LIBRARY_PATH=/usr/local/cuda/lib64\nRuntimeError: cuDNN version incompatibility: PyTorch was "
         "compiled  against (9, 1, 0) but found runtime version (8, 9, 7)."],
        ["export LD_LIBRARY_PATH=/usr/local/cuda/lib64",
         "RuntimeError: cuDNN version incompatibility: PyTorch was compiled  against (9, 1, 0) but found runtime "
         "version (8, 9, 7)."]),
    "CC812": (
        ["RuntimeError: DataLoader worker (pid 2211) is killed by signal: Bus error.",
         "NCCL WARN Call to posix_fallocate failed : No space left on device",
         "docker run --gpus all -it my/trainer:latest\nOSError: [Errno 28] No space left on device"],
        ["OSError: [Errno 28] No space left on device",
         "docker run --gpus all --shm-size=32g -it my/trainer:latest\nOSError: [Errno 28] No space left on device",
         "RuntimeError: unable to write to file </torch_5_6_7>: Permission denied (13)"]),
    "CC813": (
        ["RuntimeError: unable to write to file </torch_5_6_7>: Permission denied (13)",
         "NCCL WARN Error while creating shared memory segment /dev/shm/nccl-x: Permission denied"],
        ["RuntimeError: unable to write to file </torch_5_6_7>: No space left on device (28)"]),
    "CC814": (
        ["RuntimeError: Could not run 'torchvision::nms' with arguments from the 'CUDA' backend.",
         "RuntimeError: Detected that PyTorch and torchvision were compiled with different CUDA major versions.",
         "OSError: libtorch_cuda_cu.so: cannot open shared object file: No such file or directory"],
        ["torch 2.3.1\ntorchvision 0.18.1",
         "import torchvision  # works"]),
    "CC815": (
        ["ImportError: cannot import name '_C' from partially initialized module 'torch' (most likely due to a "
         "circular import) (/home/u/project/torch/__init__.py)",
         "torch==2.2.0+cu121\nAssertionError: Torch not compiled with CUDA enabled",
         "ModuleNotFoundError: No module named 'torch'",
         ">>> import torch\n>>> print(torch.__version__)\n1.4.0"],
        [">>> import torch\n>>> print(torch.__version__)\n1.4.0\nRuntimeError: CUDA error: out of memory",
         "AssertionError: Torch not compiled with CUDA enabled"]),
    "CC816": (
        ["RuntimeError: The detected CUDA version (11.8) mismatches the version that was used to compile PyTorch "
         "(12.1). Please make sure to use the same CUDA versions.",
         "libtorch_cuda.so: undefined reference to `cudaStreamGetCaptureInfo_v2@libcudart.so.11.0'",
         "nvcc fatal   : Unsupported gpu architecture 'compute_90'",
         "OSError: CUDA_HOME environment variable is not set. Please set it to your CUDA install root."],
        ["main.cpp:(.text+0x1f): undefined reference to `foo()@libbar.so'",
         "nvcc: NVIDIA (R) Cuda compiler driver\nCuda compilation tools, release 12.1, V12.1.105"]),
    "CC817": (
        ["$ systemctl status nvidia-fabricmanager\n● nvidia-fabricmanager.service - NVIDIA fabric manager service\n"
         "     Loaded: loaded (/lib/systemd/system/nvidia-fabricmanager.service; enabled)\n"
         "     Active: failed (Result: exit-code) since Thu 2024-08-01 09:12:44 CST; 3min ago",
         "fabric manager NVIDIA GPU driver interface version 550.54.15 don't match with driver version 550.90.07."],
        ["● nvidia-fabricmanager.service - NVIDIA fabric manager service\n"
         "     Loaded: loaded (/lib/systemd/system/nvidia-fabricmanager.service; enabled)\n"
         "     Active: active (running) since Thu 2024-08-01 09:12:44 CST; 3min ago",
         "sudo apt install nvidia-fabricmanager-535"]),
    "CC818": (
        ["export LD_LIBRARY_PATH=/usr/local/cuda-12.6/compat\nError 804: forward compatibility was attempted on non "
         "supported HW",
         "ldconfig -p | grep libcuda\n\tlibcuda.so.1 (libc6,x86-64) => /usr/local/cuda/compat/libcuda.so.1\n"
         "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE"],
        ["docker run --gpus all nvcr.io/nvidia/pytorch:24.08-py3\nError 804: forward compatibility was attempted on "
         "non supported HW",
         "Error 804: forward compatibility was attempted on non supported HW"]),
    "CC819": (
        ["nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.8, please update your driver"],
        ["nvidia-container-cli: initialization error: nvml error: driver not loaded: unknown"]),
    "CC820": (
        ["NVRM: Xid (PCI:0000:3b:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.",
         "RuntimeError: CUDA error: uncorrectable ECC error encountered",
         "NVRM: Xid (PCI:0000:17:00): 94, pid=1234, Contained: CE User Channel (0x9)",
         "| 30%   ERR!    P0    ERR! / 350W |      0MiB / 24576MiB |     ERR!      Default |"],
        ["NVRM: Xid (PCI:0000:3b:00): 13, pid=5555, Graphics Exception: ESR 0x404490=0x80000001",
         "GPU 0: NVIDIA A100-SXM4-40GB"]),
    "CC822": (
        ["ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla V100 "
         "GPU has compute capability 7.0.",
         "RuntimeError: FlashAttention only supports Ampere GPUs or newer.",
         "Found NVIDIA GeForce GTX 1070 which is too old to be supported by the triton GPU compiler",
         "AssertionError: Device compute capability 8.9 or higher required for FP8 execution.",
         "ValueError: The quantization method awq_marlin is not supported for the current GPU. Minimum capability: "
         "80. Current capability: 75."],
        ["GPU 0: NVIDIA A100-SXM4-80GB\nValueError: Bfloat16 is only supported on GPUs with compute capability of at "
         "least 8.0.",
         "training with bf16 mixed precision",
         # the GPU is stated, and it has what the message asks for
         "AssertionError: Device compute capability 8.9 or higher required for FP8 execution.\n"
         "GPU 0: NVIDIA H100 80GB HBM3",
         "ValueError: The quantization method fp8 is not supported for the current GPU. Minimum capability: 89. "
         "Current capability: 90."]),
    "CC824": (
        ['OSError: [WinError 126] The specified module could not be found. Error loading "C:\\venv\\lib\\'
         'site-packages\\torch\\lib\\c10.dll" or one of its dependencies.',
         "A module that was compiled using NumPy 1.x cannot be run in NumPy 2.1.0 as it may crash.",
         "OSError: [WinError 1455] The paging file is too small for this operation to complete.",
         "ImportError: /opt/conda/lib/libstdc++.so.6: version `GLIBCXX_3.4.32' not found",
         "RuntimeError: Distributed package doesn't have NCCL built in",
         "ERROR: Could not find a version that satisfies the requirement torch==2.0.1 (from versions: 2.5.0)"],
        ['Error loading "C:\\venv\\Lib\\site-packages\\torch\\lib\\cudnn_cnn_infer64_8.dll" or one of its '
         'dependencies.',
         "numpy==1.26.4"]),
    "CC830": (
        ["torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of "
         "7.63 GiB",
         "RuntimeError: CUDA error: device-side assert triggered",
         "macOS Sonoma\nAssertionError: Torch not compiled with CUDA enabled"],
        # a device index the machine does not have is a configuration mistake (CC826), not the program's fault
        ["RuntimeError: CUDA error: no kernel image is available for execution on the device",
         "RuntimeError: CUDA error: invalid device ordinal"]),
    "CC890": (
        ["RuntimeError: CUDA error: no kernel image is available for execution on the device"],
        ["", "lorem ipsum", "| NVIDIA-SMI 550.54.14   Driver Version: 550.54.14   CUDA Version: 12.4     |\n"
                            "|   0  NVIDIA GeForce RTX 3090   Off  | 00000000:01:00.0 Off |                  N/A |\n"
                            "PyTorch version: 2.3.0+cu121\nCUDA used to build PyTorch: 12.1"]),
    "CC825": (
        ["  File \"/opt/conda/lib/python3.11/site-packages/flash_attn/flash_attn_interface.py\", line 91, in "
         "_flash_attn_forward\n    out, softmax_lse, S_dmask, rng_state = flash_attn_cuda.fwd(\n"
         "RuntimeError: CUDA error: no kernel image is available for execution on the device",
         "WARNING[XFORMERS]: xFormers can't load C++/CUDA extensions. xFormers was built for:\n"
         "    PyTorch 2.3.0+cu121 with CUDA 1201 (you have 2.4.1+cu121)\n    Python  3.10.14 (you have 3.10.14)",
         "torch==2.4.1\npip install flash_attn-2.6.3+cu123torch2.3cxx11abiFALSE-cp310-cp310-linux_x86_64.whl"],
        ["WARNING[XFORMERS]: xFormers was built for:\n    PyTorch 2.4.1+cu121 with CUDA 1201 (you have 2.4.1+cu121)",
         "  File \"/usr/lib/python3/site-packages/torch/nn/functional.py\", line 2264, in embedding\n"
         "RuntimeError: CUDA error: no kernel image is available for execution on the device",
         "torch==2.3.1\npip install flash_attn-2.6.3+cu123torch2.3cxx11abiFALSE-cp310-cp310-linux_x86_64.whl"]),
    "CC826": (
        ["unable to execute '/usr/local/cuda:/usr/local/cuda-11.8/bin/nvcc': No such file or directory",
         "export CUDA_HOME=$CUDA_HOME:/usr/local/cuda-12.4\nerror: [Errno 2] No such file or directory",
         "echo $TORCH_CUDA_ARCH_LIST\n7.5 8.0 9.0a\nValueError: Unknown CUDA arch (9.0a) or GPU not supported",
         "RuntimeError: Unrecognized CachingAllocator option: max_split_size",
         "The GPUs of this node run in Exclusive_Process compute mode.\n"
         "RuntimeError: CUDA error: all CUDA-capable devices are busy or unavailable",
         "#SBATCH --ntasks-per-node=4\n#SBATCH --gpus-per-task=1\nsrun python train.py\n"
         "RuntimeError: CUDA error: invalid device ordinal",
         "Lmod has detected the following error: The following module(s) are unknown: \"anaconda3/2023\"\n"
         "ModuleNotFoundError: No module named 'torch'",
         "  File \"main.py\", line 12, in <module>\n    model.to(\"cuda:3\")\nRuntimeError: CUDA error: invalid device ordinal"],
        ["export CUDA_HOME=/usr/local/cuda-12.4",
         "#SBATCH --gpus-per-node=4\nsrun python train.py\nRuntimeError: CUDA error: all CUDA-capable devices are busy "
         "or unavailable",
         "Lmod has detected the following error: The following module(s) are unknown: \"gcc/9\"",
         "RuntimeError: CUDA error: all CUDA-capable devices are busy or unavailable"]),
    "CC827": (
        ["After the driver update NCCL fails as soon as the second node joins, single-node runs are fine.",
         "our image's cuDNN does not work with the new torch, conv layers crash",
         "  File \"train.py\", line 12, in <module>\n    assert torch.cuda.is_available()\nAssertionError"],
        # a recognised message explains it; a warning line; the program's own error; CUDA reported available;
        # CUDA unavailable on a Mac
        ["RuntimeError: NCCL error in: ProcessGroupNCCL.cpp:1191, unhandled system error, NCCL version 2.19.3",
         "WARNING:xformers:A matching Triton is not available, some optimizations will not be enabled",
         "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB (NCCL buffers failed)",
         ">>> torch.cuda.is_available()\nTrue\nbut the training loop fails",
         "MacBook Pro M2\n>>> torch.cuda.is_available()\nFalse"]),
    "CC891": (
        ["", "   \n\n", "Hello, it does not work, please help!"],
        ["RuntimeError: CUDA error: invalid device ordinal"]),
}

load_rules()
OBSERVATION_RULES = sorted(code for code in REGISTRY if code.startswith("CC8"))


def codes(text):
    """Codes reported, including observations folded into a fact-based cause (its ``symptoms``)."""
    findings = triage(text).findings
    return [f.code for f in findings] + [code for f in findings for code in f.symptoms]


def test_every_observation_rule_is_covered():
    load_rules()
    assert sorted(CASES) == sorted(code for code in REGISTRY if code.startswith("CC8"))


@pytest.mark.parametrize("code, index", [(c, i) for c in sorted(CASES) for i in range(len(CASES[c][0]))])
def test_rule_fires(code, index):
    assert code in codes(CASES[code][0][index])


@pytest.mark.parametrize("code, index", [(c, i) for c in sorted(CASES) for i in range(len(CASES[c][1]))])
def test_rule_stays_silent(code, index):
    assert code not in [f.code for f in triage(CASES[code][1][index]).findings]


def test_observation_rules_have_their_sections_and_fold_as_symptoms():
    load_rules()
    for code in OBSERVATION_RULES:
        rule = REGISTRY[code]
        assert all(rule.sections.get(name) for name in SECTIONS), code
        if code not in ("CC890", "CC891"):
            assert rule.symptom, code


def test_lone_line_is_not_confirmed():
    report = triage("RuntimeError: CUDA error: no kernel image is available for execution on the device")
    assert report.findings[0].code == "CC805" and report.findings[0].certainty != "confirmed"


def test_no_rule_fires_on_a_live_snapshot_without_observations():
    from cudacheck.rules.engine import check
    from cudacheck.snapshot import Snapshot

    assert not [f for f in check(Snapshot()).findings if f.code.startswith("CC8")]
