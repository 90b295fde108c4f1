"""Pasted bug reports written to test how triage generalises beyond the acceptance cases.

Each entry is ``(name, text, expected_categories)``: ``expected_categories`` holds the
root cause first and then any acceptable secondary cause, or is ``("env_fine",)`` for a
healthy environment (no error finding). The texts are written for these tests in the
shapes people paste: partial collect_env output of several eras, nvidia-smi tables,
pip/conda lists, docker/kubectl commands, tracebacks with Windows paths, quote prefixes,
prose in other languages around English errors, vLLM/Lightning/HF logs.
"""
from __future__ import annotations

from typing import List, Tuple

Sample = Tuple[str, str, Tuple[str, ...]]

SAMPLES: List[Sample] = [
    # ------------------------------------------------------------------ driver_too_old
    ("old_driver_vllm_container", """\
I'm trying to serve Llama-3-8B with the latest vllm image on our old box.

$ docker run --runtime nvidia --gpus all -p 8000:8000 vllm/vllm-openai:v0.6.3 --model meta-llama/Meta-Llama-3-8B

INFO 10-21 08:12:44 api_server.py:528] vLLM API server version 0.6.3
Traceback (most recent call last):
  File "/usr/local/lib/python3.12/dist-packages/vllm/worker/worker.py", line 133, in init_device
    torch.cuda.set_device(self.device)
  File "/usr/local/lib/python3.12/dist-packages/torch/cuda/__init__.py", line 478, in set_device
    torch._C._cuda_setDevice(device)
  File "/usr/local/lib/python3.12/dist-packages/torch/cuda/__init__.py", line 319, in _lazy_init
    torch._C._cuda_init()
RuntimeError: The NVIDIA driver on your system is too old (found version 11070). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx

Host nvidia-smi says Driver Version: 515.65.01  CUDA Version: 11.7, two Tesla V100-SXM2-32GB.
""", ("driver_too_old",)),
    ("old_driver_smi_banner_cu121_wheel", """\
> nvidia-smi
> Tue Mar  5 10:02:11 2024
> +-----------------------------------------------------------------------------+
> | NVIDIA-SMI 470.199.02   Driver Version: 470.199.02   CUDA Version: 11.4     |
> |-------------------------------+----------------------+----------------------+
> | GPU  Name        Persistence-M| Bus-Id        Disp.A | Volatile Uncorr. ECC |
> | Fan  Temp  Perf  Pwr:Usage/Cap|         Memory-Usage | GPU-Util  Compute M. |
> |===============================+======================+======================|
> |   0  NVIDIA GeForce ...  Off  | 00000000:01:00.0  On |                  N/A |
> | 30%   41C    P8    22W / 350W |    412MiB / 24268MiB |      2%      Default |
> +-------------------------------+----------------------+----------------------+
>
> pip show torch
> Name: torch
> Version: 2.2.1+cu121
> Location: /home/kim/venv/lib/python3.10/site-packages
>
> torch.cuda.is_available() returns False and this warning is printed:
> UserWarning: CUDA initialization: The NVIDIA driver on your system is too old (found version 11040).
""", ("driver_too_old",)),
    ("driver_insufficient_windows_tf_style", """\
Windows 10, GTX 1080 Ti, driver 391.35 (very old I know)

C:\\Users\\marco\\anaconda3\\envs\\dl\\python.exe train.py
Traceback (most recent call last):
  File "train.py", line 20, in <module>
    x = torch.zeros(3).cuda()
  File "C:\\Users\\marco\\anaconda3\\envs\\dl\\lib\\site-packages\\torch\\cuda\\__init__.py", line 298, in _lazy_init
    torch._C._cuda_init()
RuntimeError: CUDA error: CUDA driver version is insufficient for CUDA runtime version

torch 1.13.1+cu117
""", ("driver_too_old",)),
    ("driver_too_old_chinese_prose", """\
大家好，运行 ChatGLM 的时候报错，显卡是 Tesla P40，驱动版本 440.33.01。

PyTorch version: 2.0.1+cu118
Is debug build: False
CUDA used to build PyTorch: 11.8
OS: CentOS Linux 7 (Core) (x86_64)
Python version: 3.9.18
Is CUDA available: False
CUDA runtime version: 10.2.89
GPU models and configuration: GPU 0: Tesla P40
Nvidia driver version: 440.33.01
cuDNN version: Could not collect

请问怎么解决？
""", ("driver_too_old",)),

    # ------------------------------------------------------------------ driver_not_loaded
    ("smi_failed_after_kernel_update", """\
After `apt upgrade` last night (kernel went 6.5.0-35 -> 6.8.0-40) my GPU is gone.

$ nvidia-smi
NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.

$ uname -r
6.8.0-40-generic
$ python -c "import torch; print(torch.cuda.is_available())"
False
Ubuntu 22.04, RTX 4070, nvidia-driver-535
""", ("driver_not_loaded",)),
    ("found_no_driver_windows", """\
ComfyUI portable, fresh Windows install, laptop with RTX 3050 Ti (Optimus). Driver from Windows Update only?

  File "D:\\ComfyUI_windows_portable\\python_embeded\\Lib\\site-packages\\torch\\cuda\\__init__.py", line 293, in _lazy_init
    torch._C._cuda_init()
RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver from http://www.nvidia.com/Download/index.aspx
""", ("driver_not_loaded",)),
    ("modprobe_secure_boot", """\
Fresh Fedora 40 install with akmod-nvidia, GPU RTX 3060.

[root@fedora ~]# modprobe nvidia
modprobe: ERROR: could not insert 'nvidia': Key was rejected by service
[root@fedora ~]# nvidia-smi
NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.
""", ("driver_not_loaded",)),

    # ------------------------------------------------------------------ driver_library_mismatch
    ("nvml_mismatch_after_unattended_upgrade", """\
Training jobs started failing this morning on one node. nothing changed on our side
(unattended-upgrades is on though)

$ nvidia-smi
Failed to initialize NVML: Driver/library version mismatch
NVML library version: 550.120

$ cat /proc/driver/nvidia/version
NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.107.02  Wed Jul 24 23:53:00 UTC 2024
""", ("driver_library_mismatch",)),
    ("docker_nvml_mismatch", """\
docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'
nvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown.
""", ("driver_library_mismatch",)),
    ("dmesg_api_mismatch", """\
dmesg | tail:
[ 1021.554812] NVRM: API mismatch: the client has the version 535.183.01, but
[ 1021.554812] NVRM: this kernel module has the version 535.161.08.  Please
[ 1021.554812] NVRM: make sure that this kernel module and all NVIDIA driver
[ 1021.554812] NVRM: components have the same version.
""", ("driver_library_mismatch",)),

    # ------------------------------------------------------------------ no_gpu_visible
    ("docker_without_gpus_flag", """\
docker run -it --rm -v $PWD:/workspace pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime python -c "import torch; print(torch.cuda.is_available(), torch.cuda.device_count())"
False 0

on the host nvidia-smi works fine (A10G, driver 535.161.07)
""", ("no_gpu_visible",)),
    ("k8s_pod_no_device", """\
Our training pod on k8s (EKS, g5.2xlarge node) crashes at startup:

  File "/opt/conda/lib/python3.10/site-packages/lightning/fabric/accelerators/cuda.py", line 52, in setup_device
    torch.cuda.set_device(device)
  File "/opt/conda/lib/python3.10/site-packages/torch/cuda/__init__.py", line 399, in set_device
    torch._C._cuda_setDevice(device)
RuntimeError: CUDA error: no CUDA-capable device is detected
CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.

the pod spec has no nvidia.com/gpu limit yet, I thought the node selector was enough
""", ("no_gpu_visible",)),
    ("cuda_visible_devices_empty", """\
$ export CUDA_VISIBLE_DEVICES=""
$ python train.py
Traceback (most recent call last):
  File "/home/u/proj/train.py", line 8, in <module>
    model.cuda()
  File "/home/u/.conda/envs/p/lib/python3.11/site-packages/torch/cuda/__init__.py", line 302, in _lazy_init
    torch._C._cuda_init()
RuntimeError: No CUDA GPUs are available
""", ("no_gpu_visible",)),
    ("docker_could_not_select_driver", """\
docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].
ERRO[0000] error waiting for container: context canceled
""", ("no_gpu_visible",)),

    # ------------------------------------------------------------------ arch_not_in_build
    ("rtx5090_old_wheel", """\
/home/jp/venv/lib/python3.11/site-packages/torch/cuda/__init__.py:230: UserWarning:
NVIDIA GeForce RTX 5090 with CUDA capability sm_120 is not compatible with the current PyTorch installation.
The current PyTorch install supports CUDA capabilities sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90.
If you want to use the NVIDIA GeForce RTX 5090 GPU with PyTorch, please check the instructions at https://pytorch.org/get-started/locally/

  warnings.warn(
RuntimeError: CUDA error: no kernel image is available for execution on the device
""", ("arch_not_in_build",)),
    ("b200_vllm_no_kernel", """\
GPU: 8x NVIDIA B200, driver 570.124.06
torch 2.5.1+cu124, vllm 0.6.6

(VllmWorkerProcess pid=5521) ERROR 02-11 14:22:05 multiproc_worker_utils.py:226] RuntimeError: CUDA error: no kernel image is available for execution on the device
(VllmWorkerProcess pid=5521) ERROR 02-11 14:22:05 multiproc_worker_utils.py:226] CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.
""", ("arch_not_in_build",)),
    ("a100_custom_build_no_sm80", """\
We built torch from source for our old K80 cluster with TORCH_CUDA_ARCH_LIST="3.7" and now
someone copied the same wheel to the new A100 nodes.

>>> import torch
>>> torch.__version__
'1.10.0a0+git36449ea'
>>> torch.version.cuda
'11.1'
>>> torch.cuda.get_arch_list()
['sm_37']
>>> torch.randn(2, device="cuda") @ torch.randn(2, device="cuda")
RuntimeError: CUDA error: no kernel image is available for execution on the device
""", ("arch_not_in_build",)),

    # ------------------------------------------------------------------ gpu_too_old_for_build
    ("gtx1060_new_wheel_cu128", """\
Hi, after updating torch to 2.8 with the cu128 index my old laptop stopped working.

/home/ali/.venv/lib/python3.12/site-packages/torch/cuda/__init__.py:262: UserWarning:
    Found GPU0 NVIDIA GeForce GTX 1060 6GB which is of cuda capability 6.1.
    Minimum and Maximum cuda capability supported by this version of PyTorch is
    (7.0) - (12.0)

  warnings.warn(
torch.AcceleratorError: CUDA error: no kernel image is available for execution on the device
""", ("gpu_too_old_for_build", "arch_not_in_build")),
    ("k80_too_old", """\
  File "/usr/local/lib/python3.8/dist-packages/torch/cuda/__init__.py", line 104, in _check_capability
    warnings.warn(old_gpu_warn % (d, name, major, minor, min_arch // 10, min_arch % 10))
UserWarning:
    Found GPU0 Tesla K80 which is of cuda capability 3.7.
    PyTorch no longer supports this GPU because it is too old.
    The minimum cuda capability supported by this library is 5.0.
""", ("gpu_too_old_for_build",)),
    ("p100_cu13_wheel", """\
Colab-like setup on our own server with Tesla P100-PCIE-16GB.

pip install torch==2.9.0 --index-url https://download.pytorch.org/whl/cu130

>>> import torch; torch.zeros(1).cuda()
/opt/venv/lib/python3.11/site-packages/torch/cuda/__init__.py:283: UserWarning:
    Found GPU0 Tesla P100-PCIE-16GB which is of cuda capability 6.0.
    Minimum and Maximum cuda capability supported by this version of PyTorch is
    (7.5) - (12.1)
""", ("gpu_too_old_for_build", "arch_not_in_build")),

    # ------------------------------------------------------------------ cpu_only_torch
    ("cpu_wheel_pip_list", """\
PS C:\\Users\\Lena> python -c "import torch; print(torch.__version__, torch.cuda.is_available())"
2.3.0+cpu False
PS C:\\Users\\Lena> nvidia-smi
+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 552.22                 Driver Version: 552.22         CUDA Version: 12.4     |
|-----------------------------------------+------------------------+----------------------+
| GPU  Name                     TCC/WDDM  | Bus-Id          Disp.A | Volatile Uncorr. ECC |
|   0  NVIDIA GeForce RTX 4060 ...  WDDM  |   00000000:01:00.0  On |                  N/A |
+-----------------------------------------+------------------------+----------------------+
""", ("cpu_only_torch",)),
    ("conda_cpuonly_build", """\
conda list | grep -i torch
pytorch                   2.1.2               py3.11_cpu_0    pytorch
pytorch-mutex             1.0                         cpu    pytorch
torchaudio                2.1.2                 py311_cpu    pytorch
torchvision               0.16.2                py311_cpu    pytorch

AssertionError: Torch not compiled with CUDA enabled
""", ("cpu_only_torch",)),
    ("lightning_cpu_torch", """\
pytorch_lightning.utilities.exceptions.MisconfigurationException: No supported gpu backend found!

Environment:
- PyTorch Lightning Version: 2.2.1
- PyTorch Version: 2.2.1+cpu
- Python version: 3.10
- OS: Ubuntu 22.04 (WSL2)
- CUDA/cuDNN version: 12.1
- GPU models and configuration: RTX 3080
- How you installed PyTorch: pip
""", ("cpu_only_torch",)),
    ("aarch64_default_pip_cpu", """\
GH200 node (aarch64), Ubuntu 22.04, driver 550.90.07
pip install torch torchvision
>>> import torch
>>> torch.__version__
'2.3.1'
>>> torch.version.cuda
>>> torch.cuda.is_available()
False
""", ("cpu_only_torch",)),
    # ------------------------------------------------------------------ cudnn_missing
    ("cudnn8_missing_tf_style", """\
2024-03-01 11:21:07.113: W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudnn.so.8'; dlerror: libcudnn.so.8: cannot open shared object file: No such file or directory
Could not load library libcudnn_cnn_infer.so.8. Error: libcudnn_cnn_infer.so.8: cannot open shared object file: No such file or directory
Aborted (core dumped)
""", ("cudnn_missing",)),
    ("cudnn_dll_windows_whisper", """\
faster-whisper on Windows 11, RTX 3070

Could not locate cudnn_ops_infer64_8.dll. Please make sure it is in your library path!
Process finished with exit code -1073740791 (0xC0000409)
""", ("cudnn_missing",)),
    ("cudnn9_missing_onnx", """\
[E:onnxruntime:Default, provider_bridge_ort.cc:1744 TryGetProviderInfo_CUDA] /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1426 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library libonnxruntime_providers_cuda.so with error: libcudnn.so.9: cannot open shared object file: No such file or directory
""", ("cudnn_missing",)),

    # ------------------------------------------------------------------ cudnn_version_mismatch
    ("cudnn_incompat_conda_mix", """\
RuntimeError: cuDNN version incompatibility: PyTorch was compiled  against (9, 1, 0) but found runtime version (8, 9, 2). PyTorch already comes bundled with cuDNN. One option to resolving this error is to ensure PyTorch can find the bundled cuDNN. Looks like your LD_LIBRARY_PATH contains incompatible version of cudnn. Please either remove it from the path or install cudnn (9, 1, 0)
""", ("cudnn_version_mismatch", "lib_path_conflict")),
    ("tf_cudnn_loaded_older", """\
2023-11-02 09:41:55.201934: E tensorflow/compiler/xla/stream_executor/cuda/cuda_dnn.cc:425] Loaded runtime CuDNN library: 8.6.0 but source was compiled with: 8.9.4.  CuDNN library needs to have matching major version and equal or higher minor version. If using a binary install, upgrade your CuDNN library.  If building from sources, make sure the library loaded at runtime is compatible with the version specified during compile configuration.
""", ("cudnn_version_mismatch",)),
    ("cudnn_undefined_symbol", """\
Traceback (most recent call last):
  File "/srv/app/infer.py", line 3, in <module>
    import torch
  File "/srv/venv/lib/python3.10/site-packages/torch/__init__.py", line 237, in <module>
    from torch._C import *  # noqa: F403
ImportError: /srv/venv/lib/python3.10/site-packages/torch/lib/libtorch_cuda.so: undefined symbol: cudnnGetLibConfig, version libcudnn_graph.so.9
""", ("cudnn_version_mismatch", "lib_path_conflict")),

    # ------------------------------------------------------------------ nccl_mismatch
    ("nccl_window_register", """\
>>> import torch
Traceback (most recent call last):
  File "<stdin>", line 1, in <module>
  File "/home/ray/anaconda3/lib/python3.11/site-packages/torch/__init__.py", line 409, in <module>
    from torch._C import *  # noqa: F403
ImportError: /home/ray/anaconda3/lib/python3.11/site-packages/torch/lib/libtorch_cuda.so: undefined symbol: ncclCommWindowRegister

pip list | grep nccl
nvidia-nccl-cu12          2.21.5
""", ("nccl_mismatch",)),
    ("two_nccl_wheels", """\
$ pip list 2>/dev/null | grep -i nccl
nvidia-nccl-cu11           2.14.3
nvidia-nccl-cu12           2.20.5
$ python -c 'import torch'
ImportError: /usr/local/lib/python3.10/dist-packages/torch/lib/libtorch_cuda.so: undefined symbol: ncclCommRegister
""", ("nccl_mismatch",)),
    ("nccl_libnccl_missing", """\
OSError: libnccl.so.2: cannot open shared object file: No such file or directory
torch 2.0.0 installed with pip --no-deps into a fresh image (I copied the wheel by hand)
""", ("nccl_mismatch", "lib_path_conflict")),

    # ------------------------------------------------------------------ lib_path_conflict
    ("cublaslt_undefined_ld_path", """\
$ echo $LD_LIBRARY_PATH
/usr/local/cuda-11.8/lib64:/usr/local/nccl/lib
$ python -c "import torch"
Traceback (most recent call last):
  File "<string>", line 1, in <module>
  File "/home/sam/.venv/lib/python3.11/site-packages/torch/__init__.py", line 290, in <module>
    from torch._C import *  # noqa: F403
ImportError: /home/sam/.venv/lib/python3.11/site-packages/torch/lib/../../nvidia/cublas/lib/libcublas.so.12: undefined symbol: cublasLtGetStatusString, version libcublasLt.so.12

torch==2.4.0 (cu121 default from pypi)
""", ("lib_path_conflict",)),
    ("nvjitlink_symbol", """\
ImportError: /opt/conda/lib/python3.10/site-packages/torch/lib/../../nvidia/cusparse/lib/libcusparse.so.12: undefined symbol: __nvJitLinkComplete_12_4, version libnvJitLink.so.12
""", ("lib_path_conflict",)),
    ("libcudart_missing_conda", """\
OSError: libcudart.so.11.0: cannot open shared object file: No such file or directory
(installed torchaudio from conda-forge next to torch from pip)
""", ("lib_path_conflict",)),

    # ------------------------------------------------------------------ shm_too_small
    ("dataloader_bus_error_docker", """\
docker run --gpus all -it -v /data:/data my-train-image:latest python train.py --workers 8

ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).
Traceback (most recent call last):
  File "/usr/local/lib/python3.10/dist-packages/torch/utils/data/dataloader.py", line 1133, in _try_get_data
    data = self._data_queue.get(timeout=timeout)
RuntimeError: DataLoader worker (pid 1234) is killed by signal: Bus error. It is possible that dataloader's workers are out of shared memory. Please try to raise your shared memory limit.
""", ("shm_too_small",)),
    ("nccl_shm_fallocate_k8s", """\
[rank1]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5
[rank1]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error.
[rank1]: Last error:
[rank1]: Error while creating shared memory segment /dev/shm/nccl-8ZyqFn (size 9637888)
worker-1:412:502 [1] NCCL INFO include/shm.h:28 NCCL WARN Call to posix_fallocate failed : No space left on device
""", ("shm_too_small",)),
    ("shm_write_errno28", """\
RuntimeError: unable to write to file </torch_3391_1781523312_0>: No space left on device (28)
(running inside `docker run --gpus all --rm -it nvcr.io/nvidia/pytorch:24.01-py3`)
""", ("shm_too_small",)),

    # ------------------------------------------------------------------ shm_permission
    ("shm_permission_denied_torch", """\
RuntimeError: unable to open shared memory object </torch_28115_2291380527_0> in read-write mode: Permission denied (13)
Running as a non-root user inside a Singularity container on the cluster
""", ("shm_permission",)),
    ("nccl_shm_open_permission", """\
node3:77:77 [0] NCCL INFO include/shm.h:28 NCCL WARN Error: failed to open shared memory /dev/shm/nccl-ab12cd : Permission denied
node3:77:77 [0] NCCL INFO include/shm.h:41 -> 2
torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1275, unhandled system error
""", ("shm_permission",)),

    # ------------------------------------------------------------------ torchvision_mismatch
    ("torchvision_nms_missing", """\
  File "/home/user/miniconda3/envs/det/lib/python3.9/site-packages/torchvision/_meta_registrations.py", line 164, in <module>
    def meta_nms(dets, scores, iou_threshold):
  File "/home/user/miniconda3/envs/det/lib/python3.9/site-packages/torch/library.py", line 467, in inner
    handle = entry.abstract_impl.register(func_to_register, source)
RuntimeError: operator torchvision::nms does not exist

torch 2.2.0+cu121, torchvision 0.15.2 (from conda)
""", ("torchvision_mismatch",)),
    ("torchvision_different_cuda_major", """\
RuntimeError: Detected that PyTorch and torchvision were compiled with different CUDA major versions. PyTorch has CUDA Version=11.8 and torchvision has CUDA Version=12.1. Please reinstall the torchvision that matches your PyTorch install.
""", ("torchvision_mismatch",)),
    ("torchaudio_undefined_symbol", """\
OSError: /usr/local/lib/python3.10/site-packages/torchaudio/lib/libtorchaudio.so: undefined symbol: _ZN3c1017RegisterOperatorsD1Ev
pip freeze:
torch==2.1.0
torchaudio==2.0.2
""", ("torchvision_mismatch",)),

    # ------------------------------------------------------------------ multiple_torch_installs
    ("user_site_shadow", """\
$ pip list | grep torch
torch                    2.3.1+cu121
$ python -c "import torch; print(torch.__version__, torch.__file__)"
1.13.1 /home/nina/.local/lib/python3.10/site-packages/torch/__init__.py
""", ("multiple_torch_installs",)),
    ("local_torch_folder", """\
Traceback (most recent call last):
  File "/home/dev/repos/mytool/run.py", line 1, in <module>
    import torch
  File "/home/dev/repos/mytool/torch/__init__.py", line 1, in <module>
    from torch._C import *
ImportError: cannot import name '_C' from partially initialized module 'torch' (most likely due to a circular import) (/home/dev/repos/mytool/torch/__init__.py)
""", ("multiple_torch_installs",)),
    ("conda_and_pip_torch", """\
conda list | grep torch
pytorch                   1.12.1          py3.9_cuda11.3_cudnn8.3.2_0    pytorch
torch                     2.0.1                    pypi_0    pypi

>>> import torch
>>> torch.__version__
'2.0.1+cpu'
>>> torch.cuda.is_available()
False
""", ("multiple_torch_installs", "cpu_only_torch")),

    # ------------------------------------------------------------------ cuda_toolkit_mismatch_ext
    ("flash_attn_build_mismatch", """\
pip install flash-attn --no-build-isolation
...
      RuntimeError:
      The detected CUDA version (11.5) mismatches the version that was used to compile
      PyTorch (12.1). Please make sure to use the same CUDA versions.

      [end of output]
  note: This error originates from a subprocess, and is likely not a problem with pip.
""", ("cuda_toolkit_mismatch_ext",)),
    ("apex_nvcc_old", """\
$ nvcc -V
nvcc: NVIDIA (R) Cuda compiler driver
Cuda compilation tools, release 10.1, V10.1.243
$ pip install -v --disable-pip-version-check --no-cache-dir --no-build-isolation --config-settings "--build-option=--cpp_ext" --config-settings "--build-option=--cuda_ext" ./
  Compiling cuda extensions with
  torch.__version__  = 1.13.1+cu117
  Traceback (most recent call last):
    RuntimeError: Cuda extensions are being compiled with a version of Cuda that does not match the version used to compile Pytorch binaries.  Pytorch binaries were compiled with Cuda 11.7.
""", ("cuda_toolkit_mismatch_ext",)),
    ("cuda_home_not_set_deepspeed", """\
DS_BUILD_OPS=1 pip install deepspeed
  ...
  OSError: CUDA_HOME environment variable is not set. Please set it to your CUDA install root.
torch 2.1.0+cu118 works fine for training otherwise
""", ("cuda_toolkit_mismatch_ext",)),

    # ------------------------------------------------------------------ fabricmanager_missing
    ("hgx_802", """\
8x H100 SXM (HGX), Ubuntu 22.04, driver 550.54.15, after reboot:

>>> import torch
>>> torch.cuda.is_available()
/usr/lib/python3/dist-packages/torch/cuda/__init__.py:128: UserWarning: CUDA initialization: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 802: system not yet initialized (Triggered internally at ../c10/cuda/CUDAFunctions.cpp:108.)
False
""", ("fabricmanager_missing",)),
    ("a100_sxm_802_cuda_samples", """\
./deviceQuery Starting...
 CUDA Device Query (Runtime API) version (CUDART static linking)
cudaGetDeviceCount returned 802
-> system not yet initialized
Result = FAIL
(DGX A100, nvidia-fabricmanager service is inactive)
""", ("fabricmanager_missing",)),

    # ------------------------------------------------------------------ forward_compat_unsupported
    ("compat_on_geforce_host", """\
I installed cuda-compat-12-4 on my workstation (RTX 3090, driver 525.147.05) and added it to the path:
export LD_LIBRARY_PATH=/usr/local/cuda-12.4/compat:$LD_LIBRARY_PATH

python -c "import torch; torch.cuda.init()"
RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 804: forward compatibility was attempted on non supported HW
""", ("forward_compat_unsupported",)),
    ("compat_804_cuda_error_code", """\
CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE when calling cuInit
ldconfig -p | grep libcuda
	libcuda.so.1 (libc6,x86-64) => /usr/local/cuda/compat/libcuda.so.1
	libcuda.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libcuda.so.1
GPU: Quadro RTX 5000 (laptop), no docker
""", ("forward_compat_unsupported",)),

    # ------------------------------------------------------------------ container_requirement_unsatisfied
    ("container_req_cuda124", """\
$ docker run --rm --gpus all nvidia/cuda:12.4.1-base-ubuntu22.04 nvidia-smi
docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'
nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.4, please update your driver to a newer version, or use an earlier cuda container: unknown.
""", ("driver_too_old",)),  # DESIGN.md: a driver simply older than the image's CUDA is driver_too_old
    ("k8s_container_req", """\
Warning  Failed     12s (x3 over 40s)  kubelet  Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running prestart hook #0: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'
nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.6, please update your driver to a newer version, or use an earlier cuda container: unknown
node driver is 535.183.01
""", ("driver_too_old",)),

    # ------------------------------------------------------------------ gpu_health
    ("xid79_fallen_off_bus", """\
Training stops randomly after a few hours. nvidia-smi afterwards:
Unable to determine the device handle for GPU0000:41:00.0: Unknown Error

kern.log:
[183712.118822] NVRM: GPU at PCI:0000:41:00: GPU-3f1c8b1e-aa0a-6a55-1f4e-1fb2b2a1f3c2
[183712.118826] NVRM: Xid (PCI:0000:41:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.
[183712.118830] NVRM: GPU 0000:41:00.0: GPU has fallen off the bus.
""", ("gpu_health",)),
    ("ecc_uncorrectable_illegal_access", """\
RuntimeError: CUDA error: an illegal memory access was encountered
...
dmesg shows:
NVRM: Xid (PCI:0000:b3:00): 48, pid=20811, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 2, subpartition 0.
NVRM: Xid (PCI:0000:b3:00): 63, pid=20811, name=python, Row Remapper: New row marked for remapping, reset gpu to activate.
""", ("gpu_health",)),
    ("smi_err_row", """\
+---------------------------------------------------------------------------------------+
| NVIDIA-SMI 535.104.05             Driver Version: 535.104.05   CUDA Version: 12.2     |
|-----------------------------------------+----------------------+----------------------+
| GPU  Name                 Persistence-M | Bus-Id        Disp.A | Volatile Uncorr. ECC |
| Fan  Temp   Perf          Pwr:Usage/Cap |         Memory-Usage | GPU-Util  Compute M. |
|=========================================+======================+======================|
|   0  NVIDIA A100-SXM4-80GB          On  | 00000000:07:00.0 Off |                    0 |
| N/A   33C    P0              62W / 400W |      4MiB / 81920MiB |      0%      Default |
|   1  NVIDIA A100-SXM4-80GB          On  | 00000000:0B:00.0 Off |                  ERR! |
|ERR!  ERR!  ERR!                ERR! / ERR! |      0MiB / 81920MiB |    ERR!      Default |
+-----------------------------------------+----------------------+----------------------+
RuntimeError: CUDA error: uncorrectable ECC error encountered
""", ("gpu_health",)),

    # ------------------------------------------------------------------ capability_missing
    ("bf16_t4_hf_trainer", """\
Running the Llama fine-tune script on Colab (Tesla T4):

  File "/usr/local/lib/python3.10/dist-packages/transformers/training_args.py", line 1582, in __post_init__
    raise ValueError(
ValueError: Your setup doesn't support bf16/gpu. You need torch>=1.10, using Ampere GPU with cuda>=11.0
""", ("capability_missing",)),
    ("flash_attn_v100", """\
GPU: Tesla V100-SXM2-16GB x4
  File "/opt/conda/lib/python3.10/site-packages/flash_attn/flash_attn_interface.py", line 51, in _flash_attn_forward
    out, q, k, v, out_padded, softmax_lse, S_dmask, rng_state = flash_attn_cuda.fwd(
RuntimeError: FlashAttention only supports Ampere GPUs or newer.
""", ("capability_missing",)),
    ("vllm_bf16_turing", """\
ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5. You can use float16 instead by explicitly setting the`dtype` flag in CLI, for example: --dtype=half.
""", ("capability_missing",)),

    # ------------------------------------------------------------------ config
    ("numpy2_abi", """\
A module that was compiled using NumPy 1.x cannot be run in
NumPy 2.0.1 as it may crash. To support both 1.x and 2.x
versions of NumPy, modules must be compiled with NumPy 2.0.
Traceback (most recent call last):
  File "C:\\Users\\pc\\miniconda3\\lib\\site-packages\\torch\\__init__.py", line 1477, in <module>
    from .functional import *  # noqa: F403
UserWarning: Failed to initialize NumPy: _ARRAY_API not found
""", ("config",)),
    ("windows_paging_file", """\
OSError: [WinError 1455] The paging file is too small for this operation to complete. Error loading "C:\\Users\\x\\AppData\\Local\\Programs\\Python\\Python310\\lib\\site-packages\\torch\\lib\\cudnn_cnn_infer64_8.dll" or one of its dependencies.
""", ("config",)),
    ("glibcxx_old", """\
ImportError: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.30' not found (required by /home/r/miniconda3/envs/x/lib/python3.11/site-packages/torch/lib/libtorch_python.so)
""", ("lib_path_conflict",)),


    # ------------------------------------------------------------------ harder mixes
    ("smi_cuda114_pip_cu121_no_error", """\
nvidia-smi
| NVIDIA-SMI 470.256.02   Driver Version: 470.256.02   CUDA Version: 11.4     |
|   0  Tesla T4            Off  | 00000000:00:1E.0 Off |                    0 |

pip list | grep -E "torch|nvidia"
nvidia-cublas-cu12        12.1.3.1
nvidia-cuda-runtime-cu12  12.1.105
nvidia-cudnn-cu12         8.9.2.26
torch                     2.1.2
torchvision               0.16.2

model loads but everything runs on CPU, is_available() is False
""", ("driver_too_old",)),
    ("cu124_on_cuda122_driver_oom", """\
| NVIDIA-SMI 535.183.01             Driver Version: 535.183.01   CUDA Version: 12.2     |
|   0  NVIDIA GeForce RTX 3060        Off | 00000000:2B:00.0  On |                  N/A |
torch 2.5.1+cu124
torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 11.76 GiB of which 1.02 GiB is free.
""", ("env_fine",)),
    ("wsl_libcuda_not_found", """\
WSL2 (Ubuntu 20.04) を使っています。GPU は RTX 3080 です。
Could not load library libcudnn_cnn_infer.so.8. Error: libcuda.so: cannot open shared object file: No such file or directory
Please make sure libcudnn_cnn_infer.so.8 is in your library path!
ls /usr/lib/wsl/lib
libcuda.so  libcuda.so.1  libcuda.so.1.1  libd3d12.so  libdxcore.so  libnvidia-ml.so.1
""", ("lib_path_conflict", "cudnn_missing")),
    ("jetson_pypi_torch", """\
Jetson Nano 4GB, JetPack 4.6.1 (L4T 32.7.1), python3.6
pip3 install torch
>>> import torch
>>> torch.cuda.is_available()
False
>>> torch.zeros(1).cuda()
AssertionError: Torch not compiled with CUDA enabled
""", ("cpu_only_torch",)),
    ("nvidia_visible_devices_void", """\
docker run --rm -e NVIDIA_VISIBLE_DEVICES=void --runtime=nvidia myorg/trainer:cu121 python -c "import torch;print(torch.cuda.device_count())"
0
""", ("no_gpu_visible",)),
    ("smi_q_pending_remap", """\
nvidia-smi -q -i 3 (excerpt)
    Product Name                          : NVIDIA H100 80GB HBM3
    Remapped Rows
        Correctable Error                 : 0
        Uncorrectable Error               : 2
        Pending                           : Yes
        Remapping Failure Occurred        : No
Jobs on GPU 3 die with: RuntimeError: CUDA error: uncorrectable ECC error encountered
""", ("gpu_health",)),
    ("rtx3090_torch17_cu101", """\
GeForce RTX 3090 with CUDA capability sm_86 is not compatible with the current PyTorch installation.
The current PyTorch install supports CUDA capabilities sm_37 sm_50 sm_60 sm_70 sm_75.
torch 1.7.1+cu101
""", ("arch_not_in_build",)),
    ("triton_gtx1080", """\
torch._dynamo.exc.BackendCompilerFailed: backend='inductor' raised:
RuntimeError: Found NVIDIA GeForce GTX 1080 Ti which is too old to be supported by the triton GPU compiler, which is used as the backend. Triton only supports devices of CUDA Capability >= 7.0, but your device is of CUDA capability 6.1
""", ("gpu_too_old_for_build", "capability_missing")),
    ("vllm_fp8_ampere", """\
ValueError: The quantization method fp8 is not supported for the current GPU. Minimum capability: 89. Current capability: 86.
GPU: 2x RTX A6000, vllm 0.5.4
""", ("capability_missing",)),
    ("cudnn9_unable_to_load_any", """\
Unable to load any of {libcudnn_cnn.so.9.1.0, libcudnn_cnn.so.9.1, libcudnn_cnn.so.9, libcudnn_cnn.so}
Invalid handle. Cannot load symbol cudnnCreateConvolutionDescriptor
Aborted (core dumped)
""", ("cudnn_missing",)),
    ("torchvision_custom_ops", """\
RuntimeError: Couldn't load custom C++ ops. This can happen if your PyTorch and torchvision versions are incompatible, or if you had errors while compiling torchvision from source. For further information on the compatible versions, check https://github.com/pytorch/vision#installation for the compatibility matrix.
torch==2.4.0+cu121 torchvision==0.17.1+cu118
""", ("torchvision_mismatch",)),
    ("smi_no_devices_vm", """\
Azure VM NC6s_v3 after resize.
$ nvidia-smi
No devices were found
$ lspci | grep -i nvidia
(nothing)
""", ("no_gpu_visible", "driver_not_loaded")),
    ("error_803_cudagetdevicecount", """\
UserWarning: CUDA initialization: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 803: system has unsupported display driver / cuda driver combination (Triggered internally at /opt/conda/conda-bld/pytorch_1682343995026/work/c10/cuda/CUDAFunctions.cpp:109.)
""", ("driver_library_mismatch",)),
    ("ngc_forward_compat_geforce", """\
=============
== PyTorch ==
=============
NVIDIA Release 24.05 (build 92669607)
PyTorch Version 2.4.0a0+07cecf4
ERROR: This container was built for NVIDIA Driver Release 550.54 or later, but
       version 535.171.04 was detected and compatibility mode is UNAVAILABLE.

       [[Forward compatibility was attempted on non supported HW (CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE) cuInit()=804]]
""", ("driver_too_old",)),
    ("windows_cpu_pip_default", """\
Windows 11, RTX 4070 Super, python 3.12
pip install torch torchvision torchaudio
...
Successfully installed torch-2.5.1 torchaudio-2.5.1 torchvision-0.20.1
  File "C:\\Users\\ak\\AppData\\Local\\Programs\\Python\\Python312\\Lib\\site-packages\\torch\\cuda\\__init__.py", line 310, in _lazy_init
    raise AssertionError("Torch not compiled with CUDA enabled")
AssertionError: Torch not compiled with CUDA enabled
""", ("cpu_only_torch",)),
    ("laptop_resume_unknown_error", """\
After suspend/resume on my laptop (Ubuntu 22.04, RTX 3070 Laptop GPU, driver 545):
UserWarning: CUDA initialization: CUDA unknown error - this may be due to an incorrectly set up environment, e.g. changing env variable CUDA_VISIBLE_DEVICES after program start. Setting the available devices to be zero.
""", ("driver_not_loaded",)),
    ("windows_user_site_torch", """\
pip show torch
Name: torch
Version: 2.2.2+cu121
Location: c:\\users\\mi\\miniconda3\\lib\\site-packages

python -c "import torch;print(torch.__version__);print(torch.__file__)"
2.0.1+cpu
C:\\Users\\mi\\AppData\\Roaming\\Python\\Python310\\site-packages\\torch\\__init__.py
""", ("multiple_torch_installs",)),
    ("nvcc_unsupported_compute90", """\
building for H100 with TORCH_CUDA_ARCH_LIST=9.0
nvcc fatal   : Unsupported gpu architecture 'compute_90'
ninja: build stopped: subcommand failed.
$ /usr/local/cuda/bin/nvcc --version
Cuda compilation tools, release 11.7, V11.7.99
torch 2.1.0+cu121
""", ("cuda_toolkit_mismatch_ext",)),
    ("env_fine_missing_module_r580_header", """\
+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 580.65.06              Driver Version: 580.65.06      CUDA Version: 13.0     |
+-----------------------------------------+------------------------+----------------------+
|   0  NVIDIA L40S                    On  |   00000000:01:00.0 Off |                    0 |
+-----------------------------------------+------------------------+----------------------+
torch 2.8.0+cu128, torch.cuda.is_available() True
ModuleNotFoundError: No module named 'transformers'
""", ("env_fine",)),
    ("env_fine_different_devices", """\
RuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu! (when checking argument for argument mat1 in method wrapper_CUDA_addmm)
torch 2.2.0+cu121, RTX 4090, driver 550.67, everything else works
""", ("env_fine",)),
    ("env_fine_illegal_access_no_xid", """\
Custom Triton kernel crashes:
RuntimeError: CUDA error: an illegal memory access was encountered
CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.
For debugging consider passing CUDA_LAUNCH_BLOCKING=1.
torch 2.3.1+cu121 / H100 PCIe / driver 550.54.15
""", ("env_fine",)),
    ("nccl_symbol_vllm", """\
(RayWorkerWrapper pid=2231) ImportError: /usr/local/lib/python3.10/dist-packages/torch/lib/libtorch_cuda.so: undefined symbol: ncclCommInitRankScalable
pip freeze | grep -i nccl
nvidia-nccl-cu12==2.19.3
""", ("nccl_mismatch",)),
    ("bus_error_lightning_compose", """\
services:
  train:
    image: pytorchlightning/pytorch_lightning:base-cuda-py3.10-torch2.1-cuda12.1.0
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: all
              capabilities: [gpu]

Epoch 0:   3%|▎         | 12/400 [00:04<02:11]
RuntimeError: DataLoader worker (pid(s) 311, 312) exited unexpectedly
ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).
""", ("shm_too_small",)),


    # ------------------------------------------------------------------ sparse / fact-only reports
    ("free_text_4090_driver_470", """\
My setup: RTX 4090, driver 470 (can't upgrade, company policy), pip install torch==2.0.1.
torch.cuda.is_available() gives False. Why??
""", ("driver_too_old",)),
    ("docker_cuda122_image_old_host", """\
host:
| NVIDIA-SMI 470.82.01    Driver Version: 470.82.01    CUDA Version: 11.4     |
docker run --gpus all -it nvidia/cuda:12.2.0-devel-ubuntu22.04 bash
the container does not start
""", ("container_requirement_unsatisfied", "driver_too_old")),
    ("docker_shm64m_nccl", """\
docker run --gpus all --shm-size=64m -it mytrain:latest torchrun --nproc_per_node=4 train.py
...
torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1691, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.18.1
""", ("shm_too_small",)),
    ("lightning_visible_minus_one", """\
CUDA_VISIBLE_DEVICES=-1 python train.py --accelerator gpu --devices 1
lightning.fabric.utilities.exceptions.MisconfigurationException: No supported gpu backend found!
torch 2.1.2+cu121 / Lightning 2.1.3
""", ("no_gpu_visible",)),
    ("deserialize_cuda_docker_no_gpus", """\
docker run --rm -v /models:/models myapp:cu118 python serve.py
RuntimeError: Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you are running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to map your storages to the CPU.
""", ("no_gpu_visible",)),
    ("gtx760_no_kernel", """\
Ich habe eine alte GeForce GTX 760 und torch 1.8.1 per pip installiert.
RuntimeError: CUDA error: no kernel image is available for execution on the device
""", ("gpu_too_old_for_build", "arch_not_in_build")),
    ("rtx5080_torch26_cu124", """\
RTX 5080, Windows 11, driver 572.16
torch 2.6.0+cu124
RuntimeError: CUDA error: no kernel image is available for execution on the device
Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.
""", ("arch_not_in_build",)),
    ("h100_torch112", """\
/usr/local/lib/python3.8/dist-packages/torch/cuda/__init__.py:146: UserWarning:
NVIDIA H100 PCIe with CUDA capability sm_90 is not compatible with the current PyTorch installation.
The current PyTorch install supports CUDA capabilities sm_37 sm_50 sm_60 sm_70 sm_75 sm_80 sm_86.
""", ("arch_not_in_build",)),
    ("conda_forge_cpu_build", """\
$ conda list pytorch
# packages in environment at /home/z/mambaforge/envs/ml:
#
# Name                    Version                   Build  Channel
pytorch                   2.0.1           cpu_py310hab5cca8_0    conda-forge
$ nvidia-smi -L
GPU 0: NVIDIA GeForce RTX 2080 Ti (UUID: GPU-1a2b3c4d-0000-1111-2222-333344445555)
""", ("cpu_only_torch",)),
    ("nccl_internal_two_wheels", """\
pip list | grep nvidia
nvidia-cublas-cu12        12.1.3.1
nvidia-cuda-runtime-cu12  12.1.105
nvidia-cudnn-cu12         8.9.2.26
nvidia-nccl-cu12          2.18.1
nvidia-nccl-cu11          2.21.5
torch                     2.1.2
RuntimeError: NCCL Error 3: internal error - please report this issue to the NCCL developers
""", ("nccl_mismatch",)),
    ("torchvision_image_so", """\
/opt/conda/lib/python3.10/site-packages/torchvision/io/image.py:13: UserWarning: Failed to load image Python extension: '/opt/conda/lib/python3.10/site-packages/torchvision/image.so: undefined symbol: _ZN3c1017RegisterOperatorsD1Ev'If you don't plan on using image functionality from `torchvision.io`, you can ignore this warning.
  warn(
""", ("torchvision_mismatch",)),
    ("docker_nvml_driver_not_loaded", """\
docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'
nvidia-container-cli: initialization error: nvml error: driver not loaded: unknown.
""", ("driver_not_loaded",)),
    ("nccl_802_fabric", """\
node01:3312:3312 [0] NCCL INFO cudaDriverVersion 12020
node01:3312:3312 [0] misc/cudawrap.cc:36 NCCL WARN Cuda failure 802 'system not yet initialized'
nvidia-smi -q | grep -A2 Fabric
    Fabric
        State                             : In Progress
""", ("fabricmanager_missing",)),
    ("flash_attn_headdim_a10", """\
RuntimeError: FlashAttention backward for head dim > 192 requires A100/A800 or H100/H800
GPU: NVIDIA A10G (24 GB), flash-attn 2.3.3
""", ("capability_missing",)),
    ("pip_wrong_python_no_torch", """\
I definitely installed it: `pip install torch` says "Requirement already satisfied: torch in /usr/local/lib/python3.8/dist-packages (2.0.1)"
but
$ python3.11 train.py
Traceback (most recent call last):
  File "/home/t/train.py", line 1, in <module>
    import torch
ModuleNotFoundError: No module named 'torch'
""", ("multiple_torch_installs",)),
    ("nvrtc_builtins_missing", """\
RuntimeError: nvrtc: error: failed to open libnvrtc-builtins.so.12.1.
  Make sure that libnvrtc-builtins.so.12.1 is installed correctly.
""", ("lib_path_conflict",)),
    ("windows_nccl_not_built", """\
  File "C:\\Users\\dev\\venv\\lib\\site-packages\\torch\\distributed\\distributed_c10d.py", line 1268, in _new_process_group_helper
    raise RuntimeError("Distributed package doesn't have NCCL built in")
RuntimeError: Distributed package doesn't have NCCL built in
""", ("config",)),
    ("xid_119_gsp", """\
[Mon Jun  3 02:14:55 2024] NVRM: Xid (PCI:0000:1b:00): 119, pid=3312, name=python3, Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4).
RuntimeError: CUDA error: unspecified launch failure
""", ("gpu_health",)),


    # ------------------------------------------------------------------ more mixes and phrasings
    ("ptx_toolchain_driver_525", """\
| NVIDIA-SMI 525.125.06   Driver Version: 525.125.06   CUDA Version: 12.0     |
torch==2.4.1 (pip, default cu121) + triton kernels from my repo compiled by torch.compile
RuntimeError: CUDA error: the provided PTX was compiled with an unsupported toolchain.
""", ("driver_too_old",)),
    ("windows_winerror126", """\
OSError: [WinError 126] The specified module could not be found. Error loading "C:\\Users\\jo\\miniconda3\\envs\\sd\\lib\\site-packages\\torch\\lib\\fbgemm.dll" or one of its dependencies.
""", ("config",)),
    ("nvrm_probe_failed", """\
sudo dmesg | grep NVRM
[    4.812233] NVRM: The NVIDIA probe routine failed for 1 device(s).
[    4.812236] NVRM: None of the NVIDIA devices were initialized.
nvidia-smi -> NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.
""", ("driver_not_loaded",)),
    ("ipython_old_torch_after_install", """\
Successfully installed torch-2.0.0+cu118
In [1]: import torch
In [2]: torch.__version__
Out[2]: '1.8.0+cu111'
""", ("multiple_torch_installs",)),
    ("gpu_lost_reboot", """\
$ nvidia-smi
Unable to determine the device handle for GPU 0000:3B:00.0: GPU is lost.  Reboot the system to recover this GPU
""", ("gpu_health",)),
    ("cublaslt_missing_from_cudnn", """\
Could not load library libcublasLt.so.12. Error: libcublasLt.so.12: cannot open shared object file: No such file or directory
Aborted (core dumped)
""", ("lib_path_conflict",)),
    ("semlock_permission", """\
  File "/var/lang/lib/python3.10/multiprocessing/synchronize.py", line 57, in __init__
    sl = self._semlock = _multiprocessing.SemLock(
PermissionError: [Errno 13] Permission denied
(this is on AWS Lambda with a DataLoader num_workers=2; no /dev/shm there)
""", ("shm_permission",)),
    ("container_req_spaces", """\
nvidia-container-cli: requirement error: unsatisfied condition: cuda >= 11.6, please update your driver to a newer version, or use an earlier cuda container: unknown
""", ("driver_too_old",)),
    ("blackwell_arch_list_session", """\
>>> torch.cuda.get_arch_list()
['sm_50', 'sm_60', 'sm_70', 'sm_75', 'sm_80', 'sm_86', 'sm_90']
>>> torch.cuda.get_device_capability()
(12, 0)
>>> torch.ones(3, device='cuda') * 2
torch.AcceleratorError: CUDA error: no kernel image is available for execution on the device
""", ("arch_not_in_build",)),
    ("pip_list_cpu_only_torch", """\
pip list
Package            Version
------------------ ------------
numpy              1.26.4
torch              2.4.0+cpu
torchvision        0.19.0+cpu
nvidia-smi shows my RTX 3060 fine but torch.cuda.is_available() is False
""", ("cpu_only_torch",)),
    ("collect_env_510_cu124_unavailable", """\
PyTorch version: 2.5.1+cu124
Is debug build: False
CUDA used to build PyTorch: 12.4
OS: Ubuntu 20.04.6 LTS (x86_64)
Python version: 3.10.15
Is CUDA available: False
CUDA runtime version: No CUDA
GPU models and configuration: GPU 0: NVIDIA GeForce RTX 2080 Ti
Nvidia driver version: 510.47.03
cuDNN version: No CUDA
""", ("driver_too_old",)),
    ("fabricmanager_version_mismatch", """\
8x H800 server, torch.cuda.is_available() is False after a driver upgrade
$ systemctl status nvidia-fabricmanager
x nvidia-fabricmanager.service - NVIDIA fabric manager service
     Loaded: loaded (/lib/systemd/system/nvidia-fabricmanager.service; enabled; vendor preset: enabled)
     Active: failed (Result: exit-code) since Thu 2024-08-01 09:12:44 CST; 3min ago
nvidia-fabricmanager-start.sh[2231]: fabric manager NVIDIA GPU driver interface version 535.104.05 don't match with driver version 535.129.03. Please update with matching NVIDIA driver package.
""", ("fabricmanager_missing",)),
    ("torchvision_extension_attr", """\
AttributeError: partially initialized module 'torchvision' has no attribute 'extension' (most likely due to a circular import)
torch 2.1.0, torchvision 0.18.1
""", ("torchvision_mismatch",)),
    ("bf16_current_device", """\
RuntimeError: Current CUDA Device does not support bfloat16. Please switch dtype to float16.
GPU is Tesla V100-PCIE-32GB
""", ("capability_missing",)),
    ("nvidia_visible_devices_none_compose", """\
environment:
  - NVIDIA_VISIBLE_DEVICES=none
python -c "import torch; print(torch.cuda.is_available())"
False
""", ("no_gpu_visible",)),
    ("kmd_header_env_fine_oom", """\
+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 610.21                 KMD Version: 610.21            CUDA UMD Version: 13.2 |
+-----------------------------------------+------------------------+----------------------+
|   0  NVIDIA GeForce RTX 5070        Off |   00000000:01:00.0  On |                  N/A |
|  0%   43C    P8             12W /  250W |    1021MiB /  12227MiB |      3%      Default |
+-----------------------------------------+------------------------+----------------------+
torch 2.10.0+cu130
torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 4.00 GiB. GPU 0 has a total capacity of 11.94 GiB of which 2.31 GiB is free.
""", ("env_fine",)),
    ("env_fine_nvcc_differs_assert", """\
Collecting environment information...
PyTorch version: 2.2.2+cu121
Is debug build: False
CUDA used to build PyTorch: 12.1
OS: Ubuntu 22.04.4 LTS (x86_64)
Python version: 3.10.14
Is CUDA available: True
CUDA runtime version: 11.5.119
GPU models and configuration: GPU 0: NVIDIA GeForce RTX 4080
Nvidia driver version: 550.78
cuDNN version: Could not collect

/pytorch/aten/src/ATen/native/cuda/IndexKernel.cu:92: operator(): block: [0,0,0], thread: [0,0,0] Assertion `-sizes[i] <= index && index < sizes[i] && "index out of bounds"` failed.
RuntimeError: CUDA error: device-side assert triggered
""", ("env_fine",)),
    ("env_fine_windows_healthy_valueerror", """\
PyTorch version: 2.3.1+cu118
Is debug build: False
CUDA used to build PyTorch: 11.8
OS: Microsoft Windows 11 Pro
Python version: 3.11.9 (tags/v3.11.9:de54cf5, Apr  2 2024, 10:12:12) [MSC v.1938 64 bit (AMD64)] (64-bit runtime)
Is CUDA available: True
CUDA runtime version: Could not collect
GPU models and configuration: GPU 0: NVIDIA GeForce RTX 3070 Ti
Nvidia driver version: 555.85
cuDNN version: Could not collect

  File "C:\\proj\\src\\model.py", line 41, in forward
    x = self.fc(x.view(b, -1))
RuntimeError: mat1 and mat2 shapes cannot be multiplied (32x2048 and 1024x10)
""", ("env_fine",)),
    ("env_fine_cu124_on_122_nan", """\
| NVIDIA-SMI 535.104.12             Driver Version: 535.104.12   CUDA Version: 12.2     |
|   0  NVIDIA L4                      Off | 00000000:00:03.0 Off |                    0 |
torch==2.5.0+cu124
Loss goes to nan after warmup when I use lr=1e-3 with fp16.
""", ("env_fine",)),


    # ------------------------------------------------------------------ ranking and false-positive traps
    ("env_fine_nccl_info_oom", """\
node0:1201:1288 [0] NCCL INFO cudaDriverVersion 12040
node0:1201:1288 [0] NCCL INFO Bootstrap : Using eth0:10.1.2.3<0>
node0:1201:1288 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC
node0:1201:1288 [0] NCCL INFO Using network Socket
[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.95 GiB. GPU 0 has a total capacity of 23.68 GiB of which 1.12 GiB is free.
""", ("env_fine",)),
    ("env_fine_bf16_ok_a100", """\
INFO: bf16 requires torch>=1.10 and an Ampere GPU: OK (NVIDIA A100-SXM4-40GB)
ValueError: Tokenizer class LlamaTokenizer does not exist or is not currently imported.
""", ("env_fine",)),
    ("env_fine_conv_shape", """\
PyTorch version: 2.3.0+cu121
CUDA used to build PyTorch: 12.1
OS: Ubuntu 22.04.4 LTS (x86_64)
Is CUDA available: True
GPU models and configuration: GPU 0: NVIDIA GeForce RTX 3090
Nvidia driver version: 545.29.06
[pip3] nvidia-nccl-cu12==2.20.5
[pip3] torch==2.3.0
[pip3] torchvision==0.18.0
RuntimeError: Given groups=1, weight of size [64, 3, 7, 7], expected input[1, 4, 224, 224] to have 3 channels, but got 4 channels instead
""", ("env_fine",)),
    ("old_driver_and_docker_shm", """\
docker run --gpus all -p 8000:8000 vllm/vllm-openai:latest --model Qwen/Qwen2-7B-Instruct
RuntimeError: The NVIDIA driver on your system is too old (found version 11080). Please update your GPU driver
""", ("driver_too_old",)),
    ("rtx5090_warning_then_oom", """\
UserWarning: NVIDIA GeForce RTX 5090 with CUDA capability sm_120 is not compatible with the current PyTorch installation.
The current PyTorch install supports CUDA capabilities sm_50 sm_60 sm_61 sm_70 sm_75 sm_80 sm_86 sm_90.
...
torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB. GPU 0 has a total capacity of 31.36 GiB of which 0 bytes is free.
""", ("arch_not_in_build",)),
    ("apt_torch_shadows_venv", """\
pip show torch
Name: torch
Version: 2.2.1
Location: /home/ops/.venv/lib/python3.10/site-packages
Requires: filelock, nvidia-cublas-cu12, nvidia-cudnn-cu12, nvidia-nccl-cu12, triton

$ python3 -c "import torch; print(torch.__version__, torch.__file__)"
1.8.1 /usr/lib/python3/dist-packages/torch/__init__.py
""", ("multiple_torch_installs",)),
    ("conda_cpuonly_install", """\
conda install pytorch torchvision torchaudio cpuonly -c pytorch
...
AssertionError: Torch not compiled with CUDA enabled
(my laptop has a GTX 1650, I want to use it)
""", ("cpu_only_torch",)),
    ("retired_pages_pending", """\
nvidia-smi -q -d PAGE_RETIREMENT
    Retired Pages
        Single Bit ECC                    : 2
        Double Bit ECC                    : 1
        Pending Page Blacklist            : Yes
Tesla V100-SXM2-32GB, jobs crash with an illegal memory access only on this GPU
""", ("gpu_health",)),
    ("docker_smi_not_in_path", """\
$ docker run --rm nvidia/cuda:12.2.0-base-ubuntu22.04 nvidia-smi
docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nvidia-smi": executable file not found in $PATH: unknown.
""", ("no_gpu_visible",)),
    ("host_nvml_missing_container_cli", """\
docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'
nvidia-container-cli: initialization error: load library failed: libnvidia-ml.so.1: cannot open shared object file: no such file or directory: unknown.
""", ("driver_not_loaded",)),
    ("gtx970_cu128_index", """\
pip install torch --index-url https://download.pytorch.org/whl/cu128
GPU: GeForce GTX 970, driver 572.83
RuntimeError: CUDA error: no kernel image is available for execution on the device
""", ("gpu_too_old_for_build", "arch_not_in_build")),
    ("k8s_dataloader_bus_error", """\
kubectl logs trainer-0
  File "/usr/local/lib/python3.11/site-packages/torch/utils/data/_utils/signal_handling.py", line 67, in handler
    _error_if_any_worker_fails()
RuntimeError: DataLoader worker (pid 77) is killed by signal: Bus error. It is possible that dataloader's workers are out of shared memory. Please try to raise your shared memory limit.
""", ("shm_too_small",)),

    ("torch_sparse_prebuilt_cuda", """\
RuntimeError: Detected that PyTorch and torch_sparse were compiled with different CUDA versions. PyTorch has CUDA version 11.8 and torch_sparse has CUDA version 12.1. Please reinstall the torch_sparse that matches your PyTorch install.
""", ("extension_mismatch",)),

    # ------------------------------------------------------------------ env_fine
    ("oom_small_gpu", """\
GPU: GeForce GTX 1650 (4GB), driver 546.33, torch 2.1.2+cu121, Windows 11

torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 512.00 MiB. GPU 0 has a total capacity of 4.00 GiB of which 102.25 MiB is free. Of the allocated memory 3.12 GiB is allocated by PyTorch, and 201.11 MiB is reserved by PyTorch but unallocated.
""", ("env_fine",)),
    ("invalid_ordinal_fine_env", """\
Collecting environment information...
PyTorch version: 2.1.0+cu118
Is debug build: False
CUDA used to build PyTorch: 11.8
OS: Ubuntu 22.04.3 LTS (x86_64)
Python version: 3.10.12 (main, Nov 20 2023, 15:14:05) [GCC 11.4.0] (64-bit runtime)
Is CUDA available: True
CUDA runtime version: 11.8.89
GPU models and configuration: GPU 0: NVIDIA GeForce RTX 3090
Nvidia driver version: 535.129.03
cuDNN version: Could not collect

python train.py --gpu 1
RuntimeError: CUDA error: invalid device ordinal
CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.
""", ("env_fine",)),
    ("device_assert_ce_loss", """\
../aten/src/ATen/native/cuda/Loss.cu:240: nll_loss_forward_reduce_cuda_kernel_2d: block: [0,0,0], thread: [5,0,0] Assertion `t >= 0 && t < n_classes` failed.
RuntimeError: CUDA error: device-side assert triggered
Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.
torch 2.0.1+cu117 on RTX A5000
""", ("env_fine",)),
    ("nan_loss_healthy", """\
Epoch 3:  42%|████▏     | 420/1000 [02:11<03:01, 3.19it/s, loss=nan, v_num=2]
Loss becomes NaN after ~400 steps with fp16 AMP. Using Lightning 2.1, torch 2.1.0+cu121, A100 80GB, driver 535.54.03.
torch.cuda.is_available() -> True
""", ("env_fine",)),
    ("healthy_collect_env_keyerror", """\
PyTorch version: 2.3.0+cu121
Is debug build: False
CUDA used to build PyTorch: 12.1
ROCM used to build PyTorch: N/A
OS: Ubuntu 22.04.4 LTS (x86_64)
Python version: 3.11.9 | packaged by conda-forge | (main, Apr 19 2024, 18:36:13) [GCC 12.3.0] (64-bit runtime)
Is CUDA available: True
CUDA runtime version: 12.1.105
GPU models and configuration:
GPU 0: NVIDIA RTX A6000
GPU 1: NVIDIA RTX A6000
Nvidia driver version: 550.54.14
cuDNN version: Probably one of the following:
/usr/lib/x86_64-linux-gnu/libcudnn.so.8.9.2
Versions of relevant libraries:
[pip3] torch==2.3.0
[pip3] torchvision==0.18.0
[pip3] nvidia-cudnn-cu12==8.9.2.26
[pip3] nvidia-nccl-cu12==2.20.5

Traceback (most recent call last):
  File "/home/kai/proj/data.py", line 88, in __getitem__
    label = self.labels[name]
KeyError: 'img_0042.png'
""", ("env_fine",)),
    ("wsl_healthy_tokenizer_error", """\
WSL2 Ubuntu 22.04 on Windows 11, RTX 4090, driver 560.94 (Windows side).
>>> torch.cuda.is_available()
True
>>> torch.cuda.get_device_name(0)
'NVIDIA GeForce RTX 4090'
>>> torch.__version__
'2.4.0+cu124'
but loading the tokenizer fails:
OSError: Can't load tokenizer for 'meta-llama/Llama-2-7b-hf'. If you were trying to load it from 'https://huggingface.co/models', make sure you don't have a local directory with the same name.
""", ("env_fine",)),
    ("jetson_healthy_value_error", """\
Jetson AGX Orin 64GB, JetPack 6.0 (L4T R36.3.0), torch 2.3.0 from the NVIDIA jetson wheel index
>>> torch.cuda.is_available()
True
ValueError: Expected input batch_size (16) to match target batch_size (8).
""", ("env_fine",)),
]
