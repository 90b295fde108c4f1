"""Pasted bug reports written for these tests: each sample is a text as people paste it
(collect_env of several eras, nvidia-smi tables, pip/conda lists, docker commands,
tracebacks, free sentences, quote prefixes, other languages) and the diagnosis it must get.

``category``: the category of the first error-or-warning finding; None means a healthy
environment (no error finding at all). ``codes``: findings that must be present.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple


@dataclass(frozen=True)
class Sample:
    text: str
    category: Optional[str]
    codes: Tuple[str, ...] = ()
    absent: Tuple[str, ...] = ()


COLLECT_ENV_MODERN_OLD_DRIVER = """\
Collecting environment information...
PyTorch version: 2.4.1+cu124
Is debug build: False
CUDA used to build PyTorch: 12.4
ROCM used to build PyTorch: N/A

OS: Ubuntu 20.04.6 LTS (x86_64)
GCC version: (Ubuntu 9.4.0-1ubuntu1~20.04.2) 9.4.0
Clang version: Could not collect
CMake version: version 3.16.3
Libc version: glibc-2.31

Python version: 3.10.14 (main, Mar 21 2024, 16:24:04) [GCC 11.2.0] (64-bit runtime)
Python platform: Linux-5.4.0-169-generic-x86_64-with-glibc2.31
Is CUDA available: False
CUDA runtime version: 11.4.152
CUDA_MODULE_LOADING set to: N/A
GPU models and configuration: GPU 0: NVIDIA GeForce RTX 3090
Nvidia driver version: 470.223.02
cuDNN version: Could not collect
HIP runtime version: N/A
MIOpen runtime version: N/A
Is XNNPACK available: True

CPU:
Architecture:                       x86_64
CPU op-mode(s):                     32-bit, 64-bit
Model name:                         AMD Ryzen 9 5950X 16-Core Processor

Versions of relevant libraries:
[pip3] numpy==1.26.4
[pip3] torch==2.4.1
[pip3] triton==3.0.0
[conda] numpy                     1.26.4                   pypi_0    pypi
[conda] torch                     2.4.1                    pypi_0    pypi

/home/ana/miniconda3/envs/tts/lib/python3.10/site-packages/torch/cuda/__init__.py:128: UserWarning: CUDA initialization: The NVIDIA driver on your system is too old (found version 11040). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the CUDA driver. (Triggered internally at ../c10/cuda/CUDAFunctions.cpp:108.)
"""

COLLECT_ENV_OLD_ERA_HEALTHY = """\
PyTorch version: 1.4.0
Is debug build: No
CUDA used to build PyTorch: 10.1

OS: Ubuntu 18.04.3 LTS
GCC version: (Ubuntu 7.4.0-1ubuntu1~18.04.1) 7.4.0
CMake version: version 3.10.2

Python version: 3.7
Is CUDA available: Yes
CUDA runtime version: 10.1.243
GPU models and configuration: GPU 0: GeForce RTX 2080 Ti
Nvidia driver version: 430.50
cuDNN version: /usr/lib/x86_64-linux-gnu/libcudnn.so.7.6.5

Versions of relevant libraries:
[pip] numpy==1.18.1
[pip] torch==1.4.0
[pip] torchvision==0.5.0
[conda] torch                     1.4.0                    pypi_0    pypi

RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 10.76 GiB total capacity; 9.8 GiB already allocated; 11.12 MiB free; 9.9 GiB reserved in total by PyTorch)
"""

SMI_OLD_BANNER = """\
+-----------------------------------------------------------------------------+
| NVIDIA-SMI 450.51.06    Driver Version: 450.51.06    CUDA Version: 11.0     |
|-------------------------------+----------------------+----------------------+
| GPU  Name        Persistence-M| Bus-Id        Disp.A | Volatile Uncorr. ECC |
| Fan  Temp  Perf  Pwr:Usage/Cap|         Memory-Usage | GPU-Util  Compute M. |
|                               |                      |               MIG M. |
|===============================+======================+======================|
|   0  Tesla V100-SXM2...  On   | 00000000:00:1E.0 Off |                    0 |
| N/A   34C    P0    37W / 300W |      0MiB / 16160MiB |      0%      Default |
|                               |                      |                  N/A |
+-------------------------------+----------------------+----------------------+

$ pip list | grep torch
torch                    2.1.2+cu121
torchvision              0.16.2+cu121
"""

SMI_R610_BLACKWELL = """\
Tue Jun  9 10:21:44 2026
+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 610.43.01              KMD Version: 610.43.01      CUDA UMD Version: 13.2     |
+-----------------------------------------+------------------------+----------------------+
| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |
| Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |
|=========================================+========================+======================|
|   0  NVIDIA GeForce RTX 5090        Off |   00000000:01:00.0  On |                  N/A |
|  0%   38C    P8             21W /  575W |     812MiB /  32607MiB |      1%      Default |
+-----------------------------------------+------------------------+----------------------+

>>> import torch
>>> torch.__version__
'2.5.1+cu124'
>>> torch.zeros(1).cuda() + 1
/usr/lib/python3.12/site-packages/torch/cuda/__init__.py:235: UserWarning:
NVIDIA GeForce RTX 5090 with CUDA capability sm_120 is not compatible with the current PyTorch installation.
The current PyTorch install supports CUDA capabilities sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90.
RuntimeError: CUDA error: no kernel image is available for execution on the device
"""

SMI_QUERY_AND_LIST_802 = """\
$ nvidia-smi -L
GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-6a1f3c2e-8b7d-4e0f-9a21-3c5d7e9f0b12)
GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-0b9e8d7c-6a5f-4e3d-2c1b-0a9f8e7d6c5b)

$ nvidia-smi -q | head -12
==============NVSMI LOG==============
Timestamp                                 : Mon Mar  3 12:00:00 2025
Driver Version                            : 550.90.07
CUDA Version                              : 12.4
Attached GPUs                             : 8

$ python -c "import torch; print(torch.cuda.is_available())"
/opt/conda/lib/python3.11/site-packages/torch/cuda/__init__.py:128: UserWarning: CUDA initialization: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 802: system not yet initialized (Triggered internally at /opt/conda/conda-bld/pytorch_1712608839953/work/c10/cuda/CUDAFunctions.cpp:108.)
False
"""

SMI_TRUNCATED_LAPTOP_OOM = """\
|   0  NVIDIA GeForce RTX 4090 L...    Off | 00000000:01:00.0 Off |                  N/A |
| N/A   45C    P8              4W /  150W |     15MiB / 16376MiB |      0%      Default |

torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 15.99 GiB of which 1.02 GiB is free.
"""

PIP_FREEZE_TORCHVISION_MISMATCH = """\
pip freeze output:
torch==2.0.1+cu118
torchvision==0.16.0+cu118
numpy==1.24.3

Traceback (most recent call last):
  File "/srv/app/detect.py", line 3, in <module>
    import torchvision
RuntimeError: operator torchvision::nms does not exist
"""

DOCKER_SHM_BUS_ERROR = """\
docker run --gpus all --shm-size=64m -v $PWD:/work -it pytorch/pytorch:2.1.0-cuda11.8-cudnn8-runtime python train.py

Epoch 0:   3%|▎         | 12/400 [00:04<02:10,  2.97it/s]
ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).
RuntimeError: DataLoader worker (pid 187) is killed by signal: Bus error. It is possible that dataloader's workers are out of shared memory. Please try to raise your shared memory limit.
"""

DOCKER_NO_GPUS = """\
sudo docker run --rm -it \\
    -v /data:/data \\
    --ipc=host \\
    nvcr.io/nvidia/pytorch:24.01-py3 python -c "import torch; print(torch.cuda.device_count())"

RuntimeError: No CUDA GPUs are available
"""

DOCKER_TOOLKIT_MISSING = """\
$ docker run --rm --gpus all nvidia/cuda:12.2.0-base-ubuntu22.04 nvidia-smi
docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].
"""

CONTAINER_REQUIREMENT = """\
docker run --gpus all vllm/vllm-openai:v0.6.3 --model meta-llama/Llama-3.1-8B-Instruct
docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'
nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.4, please update your driver to a newer version, or use an earlier cuda container: unknown.
"""

FREE_TEXT_OLD_DRIVER = """\
Hi, I have an RTX 3090 with driver 470 and I installed torch 2.1.0+cu121 with pip.
torch.cuda.is_available() returns False. What am I doing wrong?
"""

FREE_TEXT_5090 = """\
my GPU is a 5090 and I use torch==2.5.1+cu124 from the official index, every model fails to run on it
"""

QUOTED_COLLECT_ENV_KEPLER = """\
> PyTorch version: 1.13.1+cu117
> Is debug build: False
> CUDA used to build PyTorch: 11.7
> OS: CentOS Linux 7 (Core) (x86_64)
> Python version: 3.9.16 (main, Jan 11 2023, 16:05:54)  [GCC 11.2.0] (64-bit runtime)
> Is CUDA available: True
> GPU models and configuration:
> GPU 0: Tesla K40m
> Nvidia driver version: 470.182.03
>
> RuntimeError: CUDA error: no kernel image is available for execution on the device
"""

CHINESE_CUDNN = """\
运行的时候报错了，请问怎么解决？
Could not load library libcudnn_cnn_infer.so.8. Error: libcudnn_cnn_infer.so.8: cannot open shared object file: No such file or directory
已经安装了 nvidia-cudnn-cu11，系统是 Ubuntu 22.04，显卡是 RTX 3060。
"""

WINDOWS_CPU_TORCH = """\
(venv) PS C:\\Users\\jonas\\projects\\sd> python webui.py
Traceback (most recent call last):
  File "C:\\Users\\jonas\\projects\\sd\\venv\\lib\\site-packages\\torch\\cuda\\__init__.py", line 289, in _lazy_init
    raise AssertionError("Torch not compiled with CUDA enabled")
AssertionError: Torch not compiled with CUDA enabled
Meine Grafikkarte ist eine NVIDIA GeForce RTX 4070.
"""

CUDNN_RUNTIME_MISMATCH = """\
RuntimeError: cuDNN version incompatibility: PyTorch was compiled  against (9, 1, 0) but found runtime version (8, 9, 2). PyTorch already comes bundled with cuDNN. One option to resolving this error is to ensure PyTorch can find the bundled cuDNN. Looks like your LD_LIBRARY_PATH contains incompatible version of cudnn. Please either remove it from the path or install cudnn (9, 1, 0)
export LD_LIBRARY_PATH=/opt/cudnn-8.9.2/lib:/usr/local/cuda-12.1/lib64
"""

NCCL_SYMBOL = """\
Traceback (most recent call last):
  File "train.py", line 1, in <module>
    import torch
  File "/opt/venv/lib/python3.11/site-packages/torch/__init__.py", line 367, in <module>
    from torch._C import *  # noqa: F403
ImportError: /opt/venv/lib/python3.11/site-packages/torch/lib/libtorch_cuda.so: undefined symbol: ncclCommRegister
"""

CUBLAS_SYMBOL = """\
>>> import torch
Traceback (most recent call last):
  File "<stdin>", line 1, in <module>
  File "/home/li/.venv/lib/python3.10/site-packages/torch/__init__.py", line 235, in <module>
    from torch._C import *  # noqa: F403
ImportError: /home/li/.venv/lib/python3.10/site-packages/torch/lib/../../nvidia/cusparse/lib/libcusparse.so.12: undefined symbol: __nvJitLinkComplete_12_4, version libnvJitLink.so.12
$ echo $LD_LIBRARY_PATH
/usr/local/cuda-12.1/lib64
"""

SHM_ENOSPC_TORCH_FILE = """\
RuntimeError: unable to write to file </torch_38123_2211590932_0>: No space left on device (28)
"""

SHM_PERMISSION = """\
RuntimeError: unable to write to file </torch_912_3342412_1>: Permission denied (13)
"""

NCCL_FALLOCATE = """\
node-3:1234:1290 [0] include/shm.h:28 NCCL WARN Call to posix_fallocate failed : No space left on device
node-3:1234:1290 [0] NCCL INFO include/shm.h:41 -> 2
RuntimeError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1275, unhandled system error, NCCL version 2.18.1
"""

SMI_MISMATCH = """\
$ nvidia-smi
Failed to initialize NVML: Driver/library version mismatch
NVML library version: 550.127
"""

UNKNOWN_999 = """\
UserWarning: CUDA initialization: CUDA unknown error - this may be due to an incorrectly set up environment, e.g. changing env variable CUDA_VISIBLE_DEVICES after program start. Setting the available devices to be zero.
It happens every time after my laptop wakes up from sleep.
"""

ERROR_803 = """\
RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 803: system has unsupported display driver / cuda driver combination
"""

HOST_COMPAT_804 = """\
I installed cuda-compat-12-4 on my workstation and set
export LD_LIBRARY_PATH=/usr/local/cuda-12.4/compat:$LD_LIBRARY_PATH
now every script fails with:
RuntimeError: Unexpected error from cudaGetDeviceCount(). Error 804: forward compatibility was attempted on non supported HW
GPU: RTX A4000
"""

INSUFFICIENT_35 = """\
CUDA error: CUDA driver version is insufficient for CUDA runtime version
CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.
"""

PTX_222 = """\
triton.runtime.errors: RuntimeError: Triton Error [CUDA]: the provided PTX was compiled with an unsupported toolchain.
"""

NO_DEVICE_MASKED = """\
CUDA_VISIBLE_DEVICES="" python serve.py
RuntimeError: CUDA error: no CUDA-capable device is detected
"""

TORCHVISION_NMS_OP = """\
  File "/usr/local/lib/python3.10/dist-packages/torchvision/ops/boxes.py", line 41, in nms
    return torch.ops.torchvision.nms(boxes, scores, iou_threshold)
RuntimeError: operator torchvision::nms does not exist
"""

DETECTED_CUDA_MISMATCH = """\
Building wheel for flash-attn (setup.py) ... error
      RuntimeError:
      The detected CUDA version (12.3) mismatches the version that was used to compile
      PyTorch (11.8). Please make sure to use the same CUDA versions.
"""

TOO_OLD_GPU = """\
UserWarning:
    Found GPU0 Quadro K2000 which is of cuda capability 3.0.
    PyTorch no longer supports this GPU because it is too old.
    The minimum cuda capability supported by this library is 3.7.
"""

CAPABILITY_RANGE_PASCAL = """\
UserWarning: Found GPU0 NVIDIA GeForce GTX 1080 Ti which is of cuda capability 6.1.
    Minimum and Maximum cuda capability supported by this version of PyTorch is
    (7.0) - (12.0)
"""

INVALID_ORDINAL = """\
  File "main.py", line 12, in <module>
    model.to("cuda:3")
RuntimeError: CUDA error: invalid device ordinal
CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.
For debugging consider passing CUDA_LAUNCH_BLOCKING=1.
"""

ILLEGAL_ACCESS_HEALTHY = """\
| NVIDIA-SMI 535.161.08             Driver Version: 535.161.08   CUDA Version: 12.2     |
|   0  NVIDIA A100-SXM4-80GB          On  | 00000000:07:00.0 Off |                    0 |
| N/A   31C    P0              62W / 400W |      4MiB / 81920MiB |      0%      Default |
torch==2.3.1+cu121
RuntimeError: CUDA error: an illegal memory access was encountered
Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.
"""

XID_79 = """\
[ 8812.331201] NVRM: Xid (PCI:0000:3b:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.
[ 8812.331260] NVRM: GPU 0000:3b:00.0: GPU has fallen off the bus.
"""

BF16_T4 = """\
ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5. You can use float16 instead by explicitly setting the`dtype` flag in CLI, for example: --dtype=half.
"""

NOT_COMPILED_BUT_CUDA_INSTALLED = """\
$ pip list | grep -i torch
torch                     2.2.2+cu121
AssertionError: Torch not compiled with CUDA enabled
"""

TWO_TORCH_PATHS = """\
Traceback (most recent call last):
  File "/opt/conda/lib/python3.9/site-packages/torch/nn/modules/module.py", line 1501, in _call_impl
  File "/home/kim/.local/lib/python3.9/site-packages/torch/cuda/__init__.py", line 247, in _lazy_init
    torch._C._cuda_init()
RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver from http://www.nvidia.com/Download/index.aspx
"""

NGC_DRIVER_TOO_OLD = """\
=============
== PyTorch ==
=============

NVIDIA Release 23.10 (build 71422337)
PyTorch Version 2.1.0a0+32f93b1

ERROR: This container was built for NVIDIA Driver Release 535.104 or later, but
       version 470.199.02 was detected and compatibility mode is UNAVAILABLE.
"""

NGC_NO_DRIVER = """\
NVIDIA Release 24.01 (build 80741402)
PyTorch Version 2.2.0a0+81ea7a4

WARNING: The NVIDIA Driver was not detected.  GPU functionality will not be available.
   Use the NVIDIA Container Toolkit to start this container with GPU support; see
   https://docs.nvidia.com/datacenter/cloud-native/ .

NOTE: The SHMEM allocation limit is set to the default of 64MB.  This may be
   insufficient for PyTorch.  NVIDIA recommends the use of the following flags:
   docker run --gpus all --ipc=host --ulimit memlock=-1 --ulimit stack=67108864 ...
"""

IMAGE_MINOR_COMPAT_FINE = """\
docker run --gpus all --ipc=host pytorch/pytorch:2.1.0-cuda11.8-cudnn8-runtime python bench.py
| NVIDIA-SMI 470.199.02   Driver Version: 470.199.02   CUDA Version: 11.4     |
|   0  NVIDIA GeForce RTX 3090   Off  | 00000000:0A:00.0 Off |                  N/A |
RuntimeError: CUDA error: device-side assert triggered
"""

IMAGE_BELOW_FLOOR = """\
docker run --gpus all --ipc=host pytorch/pytorch:2.1.0-cuda11.8-cudnn8-runtime python bench.py
| NVIDIA-SMI 450.51.05   Driver Version: 450.51.05   CUDA Version: 11.0     |
"""

SMI_NOT_FOUND = """\
$ nvidia-smi
bash: nvidia-smi: command not found
"""

API_MISMATCH = """\
[   12.201934] NVRM: API mismatch: the client has the version 535.129.03, but
NVRM: this kernel module has the version 535.104.05.  Please
NVRM: make sure that this kernel module and all NVIDIA driver
"""

SECURE_BOOT = """\
$ sudo modprobe nvidia
modprobe: ERROR: could not insert 'nvidia': Key was rejected by service
"""

CU124_ON_122_FINE = """\
| NVIDIA-SMI 535.183.01             Driver Version: 535.183.01   CUDA Version: 12.2     |
|   0  NVIDIA GeForce RTX 4090        Off | 00000000:01:00.0  On |                  Off |
PyTorch version: 2.5.1+cu124
CUDA used to build PyTorch: 12.4
Is CUDA available: True
RuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!
"""

NVCC_DIFFERS_FINE = """\
nvcc: NVIDIA (R) Cuda compiler driver
Cuda compilation tools, release 11.5, V11.5.119
PyTorch version: 2.3.0+cu121
CUDA used to build PyTorch: 12.1
GPU models and configuration: GPU 0: NVIDIA GeForce RTX 3080
Nvidia driver version: 550.54.14
Is CUDA available: True
"""

CONDA_CPU_BUILD = """\
# packages in environment at /home/u/miniconda3/envs/dl:
#
# Name                    Version                   Build  Channel
cpuonly                   2.0                           0    pytorch
pytorch                   2.1.0               py3.10_cpu_0    pytorch
torchvision               0.16.0                py310_cpu    pytorch
+---------------------------------------------------------------------------------------+
| NVIDIA-SMI 545.29.06              Driver Version: 545.29.06    CUDA Version: 12.3     |
|   0  NVIDIA GeForce RTX 3060        Off | 00000000:2B:00.0  On |                  N/A |
"""

AARCH64_PLAIN_PIP = """\
Machine: GH200 (aarch64), Ubuntu 22.04
pip install torch torchvision
torch.cuda.is_available() is False
"""

FLASH_ATTN_TURING = """\
RuntimeError: FlashAttention only supports Ampere GPUs or newer.
GPU: Tesla T4
"""

FLASH_ATTN_ABI = """\
ImportError: /usr/local/lib/python3.10/dist-packages/flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol: _ZN3c104cuda9SetDeviceEi
"""

NO_MODULE_TORCH = """\
$ pip install torch
Requirement already satisfied: torch in /usr/lib/python3/dist-packages (2.1.0)
$ python3.11 main.py
ModuleNotFoundError: No module named 'torch'
"""

DRIVER_NOT_LOADED_SMI = """\
NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.
I updated the kernel to 6.8 yesterday.
"""

NVIDIA_CONTAINER_CLI_MISMATCH = """\
docker: Error response from daemon: failed to create shim task: OCI runtime create failed: nvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown.
"""

WEBUI_DOCKER_NO_GPU = """\
docker run -it --rm -p 7860:7860 -v $(pwd)/models:/app/models my-sd-image:latest
Python 3.10.12 (main, Nov 20 2023, 15:14:05) [GCC 11.4.0]
Torch is not able to use GPU; add --skip-torch-cuda-test to COMMANDLINE_ARGS variable to disable this check
"""

USER_SITE_SHADOW = """\
pip show torch says 2.3.1 but
>>> torch.__version__
'1.10.0+cu102'
>>> torch.__file__
'/home/bob/.local/lib/python3.8/site-packages/torch/__init__.py'
"""

TF_CUDNN_OLDER = """\
2024-01-12 10:01:22.123456: E tensorflow/compiler/xla/stream_executor/cuda/cuda_dnn.cc:425] Loaded runtime CuDNN library: 8.5.0 but source was compiled with: 8.6.0.  CuDNN library needs to have matching major version and equal or higher minor version.
"""

CTRANSLATE_CUDNN9 = """\
faster-whisper on Ubuntu 24.04:
Unable to load any of {libcudnn_ops.so.9.1.0, libcudnn_ops.so.9.1, libcudnn_ops.so.9, libcudnn_ops.so}
Invalid handle. Cannot load symbol cudnnCreateTensorDescriptor
Aborted (core dumped)
"""

XID_WITH_ILLEGAL_ACCESS = """\
RuntimeError: CUDA error: an illegal memory access was encountered
dmesg:
[ 5123.4] NVRM: Xid (PCI:0000:81:00): 79, pid=1234, name=python3, GPU has fallen off the bus.
"""

SAMPLES: Dict[str, Sample] = {
    "webui_docker_no_gpu": Sample(WEBUI_DOCKER_NO_GPU, "no_gpu_visible", ("CC804",)),
    "user_site_shadow": Sample(USER_SITE_SHADOW, "multiple_torch_installs", ("CC815",)),
    "tf_cudnn_older": Sample(TF_CUDNN_OLDER, "cudnn_version_mismatch", ("CC809",)),
    "ctranslate_cudnn9": Sample(CTRANSLATE_CUDNN9, "cudnn_missing", ("CC808",)),
    "xid_with_illegal_access": Sample(XID_WITH_ILLEGAL_ACCESS, "gpu_health", ("CC820", "CC830")),
    "collect_env_modern_old_driver": Sample(COLLECT_ENV_MODERN_OLD_DRIVER, "driver_too_old", ("CC210",), ("CC801",)),
    "collect_env_old_era_healthy": Sample(COLLECT_ENV_OLD_ERA_HEALTHY, None, ("CC830",)),
    "smi_old_banner": Sample(SMI_OLD_BANNER, "driver_too_old", ("CC210",)),
    "smi_r610_blackwell": Sample(SMI_R610_BLACKWELL, "arch_not_in_build", ("CC201",), ("CC805",)),
    "smi_query_and_list_802": Sample(SMI_QUERY_AND_LIST_802, "fabricmanager_missing", ("CC106",)),
    "smi_truncated_laptop_oom": Sample(SMI_TRUNCATED_LAPTOP_OOM, None, ("CC830",)),
    "pip_freeze_torchvision_mismatch": Sample(PIP_FREEZE_TORCHVISION_MISMATCH, "torchvision_mismatch", ("CC306",)),
    "docker_shm_bus_error": Sample(DOCKER_SHM_BUS_ERROR, "shm_too_small", ("CC401",), ("CC812",)),
    "docker_no_gpus": Sample(DOCKER_NO_GPUS, "no_gpu_visible", ("CC804",)),
    "docker_toolkit_missing": Sample(DOCKER_TOOLKIT_MISSING, "no_gpu_visible", ("CC804",)),
    "container_requirement": Sample(CONTAINER_REQUIREMENT, "driver_too_old", ("CC819",)),
    "free_text_old_driver": Sample(FREE_TEXT_OLD_DRIVER, "driver_too_old", ("CC210",)),
    "free_text_5090": Sample(FREE_TEXT_5090, "arch_not_in_build", ("CC201",)),
    "quoted_collect_env_kepler": Sample(QUOTED_COLLECT_ENV_KEPLER, "gpu_too_old_for_build", ()),
    "chinese_cudnn": Sample(CHINESE_CUDNN, "cudnn_missing", ("CC808",)),
    "windows_cpu_torch": Sample(WINDOWS_CPU_TORCH, "cpu_only_torch", ("CC807",)),
    "cudnn_runtime_mismatch": Sample(CUDNN_RUNTIME_MISMATCH, "cudnn_version_mismatch", ("CC809", "CC811")),
    "nccl_symbol": Sample(NCCL_SYMBOL, "nccl_mismatch", ("CC810",)),
    "cublas_symbol": Sample(CUBLAS_SYMBOL, "lib_path_conflict", ("CC811",)),
    "shm_enospc_torch_file": Sample(SHM_ENOSPC_TORCH_FILE, "shm_too_small", ("CC812",)),
    "shm_permission": Sample(SHM_PERMISSION, "shm_permission", ("CC813",), ("CC812",)),
    "nccl_fallocate": Sample(NCCL_FALLOCATE, "shm_too_small", ("CC812",)),
    "smi_mismatch": Sample(SMI_MISMATCH, "driver_library_mismatch", ("CC103",)),
    "unknown_999": Sample(UNKNOWN_999, "driver_not_loaded", ("CC802",)),
    "error_803": Sample(ERROR_803, "driver_library_mismatch", ("CC103",)),
    "host_compat_804": Sample(HOST_COMPAT_804, "forward_compat_unsupported", ("CC818",), ("CC801",)),
    "insufficient_35": Sample(INSUFFICIENT_35, "driver_too_old", ("CC801",)),
    "ptx_222": Sample(PTX_222, "driver_too_old", ("CC801",)),
    "no_device_masked": Sample(NO_DEVICE_MASKED, "no_gpu_visible", ("CC804",)),
    "torchvision_nms_op": Sample(TORCHVISION_NMS_OP, "torchvision_mismatch", ("CC814",)),
    "detected_cuda_mismatch": Sample(DETECTED_CUDA_MISMATCH, "cuda_toolkit_mismatch_ext", ()),
    "too_old_gpu": Sample(TOO_OLD_GPU, "gpu_too_old_for_build", ("CC806",)),
    "capability_range_pascal": Sample(CAPABILITY_RANGE_PASCAL, "gpu_too_old_for_build", ("CC806",)),
    "invalid_ordinal": Sample(INVALID_ORDINAL, "config", ("CC826",)),
    "illegal_access_healthy": Sample(ILLEGAL_ACCESS_HEALTHY, None, ("CC830",)),
    "xid_79": Sample(XID_79, "gpu_health", ("CC820",)),
    "bf16_t4": Sample(BF16_T4, "capability_missing", ("CC822",)),
    "not_compiled_but_cuda_installed": Sample(NOT_COMPILED_BUT_CUDA_INSTALLED, "multiple_torch_installs",
                                              ("CC815",), ("CC807",)),
    "two_torch_paths": Sample(TWO_TORCH_PATHS, "driver_not_loaded", ("CC206", "CC802")),
    "ngc_driver_too_old": Sample(NGC_DRIVER_TOO_OLD, "driver_too_old", ("CC210",)),
    "ngc_no_driver": Sample(NGC_NO_DRIVER, "no_gpu_visible", ("CC804",)),
    "image_minor_compat_fine": Sample(IMAGE_MINOR_COMPAT_FINE, None, ("CC211", "CC830"), ("CC210",)),
    "image_below_floor": Sample(IMAGE_BELOW_FLOOR, "driver_too_old", ("CC210",)),
    "smi_not_found": Sample(SMI_NOT_FOUND, "driver_not_loaded", ("CC802",)),
    "api_mismatch": Sample(API_MISMATCH, "driver_library_mismatch", ("CC803",)),
    "secure_boot": Sample(SECURE_BOOT, "driver_not_loaded", ("CC802",)),
    "cu124_on_122_fine": Sample(CU124_ON_122_FINE, None, ("CC211",), ("CC210",)),
    "nvcc_differs_fine": Sample(NVCC_DIFFERS_FINE, None, ("CC307",)),
    "conda_cpu_build": Sample(CONDA_CPU_BUILD, "cpu_only_torch", ("CC204",)),
    "aarch64_plain_pip": Sample(AARCH64_PLAIN_PIP, "cpu_only_torch", ("CC807",)),
    "flash_attn_turing": Sample(FLASH_ATTN_TURING, "capability_missing", ("CC822",)),
    "flash_attn_abi": Sample(FLASH_ATTN_ABI, "extension_mismatch", ("CC243",)),
    "no_module_torch": Sample(NO_MODULE_TORCH, "multiple_torch_installs", ("CC815",)),
    "driver_not_loaded_smi": Sample(DRIVER_NOT_LOADED_SMI, "driver_not_loaded", ("CC102",)),
    "nvidia_container_cli_mismatch": Sample(NVIDIA_CONTAINER_CLI_MISMATCH, "driver_library_mismatch", ("CC103",)),
}
