"""Kinds of evidence an eleventh round found missing. Each kind fires on its wording and stays silent on a near miss
(tables read by test_kinds.py). Texts written here in the style of real reports."""
from cudacheck.observations import Obs

_SYSTEM_ERROR = ("torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp"
                 ":1970, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5\n"
                 "ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error.")
_REMOTE_ERROR = ("torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp"
                 ":1333, remote process exited or there was a network error, NCCL version 2.18.6")

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # NCCL's system error on one machine: its shared memory is the call that fails most often
    ("Training on 4 GPUs of one server fails at the first all_reduce:\n" + _SYSTEM_ERROR, "shm_too_small",
     "unhandled system error"),
    # the same error in a job across machines: the network between them
    ("torchrun --nnodes=2 --nproc_per_node=8 --rdzv_endpoint=10.0.0.1:29500 train.py\n" + _SYSTEM_ERROR, "config",
     "multi-node job"),
    # a peer lost between two machines with the interface named by hand
    ("export NCCL_SOCKET_IFNAME=eno1\ndeepspeed --num_gpus 2 --num_nodes 2 --hostfile hostfile train.py\n"
     + _REMOTE_ERROR, "config", "network interface"),
    ("两台机器多机训练报错:\n" + _REMOTE_ERROR, "config", "multi-node job"),
    # the interface NCCL picked in a container cannot open a socket
    ("e66aa18dc444:3171:3171 [0] include/socket.h:311 NCCL WARN Socket creation failed : Address family not supported "
     "by protocol\nNCCL failure common.cu:874 'unhandled system error'", "config", "no network interface"),
    # torch sees the GPU in a plain Python, the program sees none: its start hides the GPU
    ("But CUDA is available (got True when I run \"import torch; torch.cuda.is_available()\").\nI'm on WSL2.\n"
     "RuntimeError: No CUDA GPUs are available", "no_gpu_visible", "its start hides the GPU"),
    ("单独运行`python -c \"import torch; print(torch.cuda.is_available())\"`返回`True`\n但使用脚本运行模型时报错：\n"
     "RuntimeError: No CUDA GPUs are available", "no_gpu_visible", "its start hides the GPU"),
    # where the paste shows the mask, the mask is named
    (">>> torch.cuda.is_available()\nTrue\nCUDA_VISIBLE_DEVICES=\"\" python train.py\nRuntimeError: No CUDA GPUs are "
     "available", "no_gpu_visible", "hides them"),
    # Paddle's check of the cuDNN it finds at start
    ("W1230 17:02:36.781275  9089 device_context.cc:270] WARNING: device: 0. The installed Paddle is compiled with "
     "CUDNN 7.6, but CUDNN version in your machine is 7.4, which may cause serious incompatible bug. Please recompile "
     "or reinstall Paddle with compatible CUDNN version.", "cudnn_version_mismatch",
     "cuDNN 7.4 is loaded, but the framework was built with cuDNN 7.6"),
    # nvcc's refusal quoted without its "nvcc fatal :" prefix
    ("when I install it I meet the error: \"Unsupported gpu architecture 'compute_75'\"\nRTX2060, CUDA9.2, torch1.3.0",
     "cuda_toolkit_mismatch_ext", "compute_75"),
    # the container runtime may not write the device cgroup: rootless Docker, or cgroup v2 with an old toolkit
    ("stderr: nvidia-container-cli: mount error: open failed: /sys/fs/cgroup/devices/user.slice/devices.allow: "
     "permission denied: unknown.", "config", "device cgroup"),
    ("docker: Error response from daemon: failed to create shim: OCI runtime create failed: container_linux.go:380: "
     "starting container process caused: process_linux.go:545: container init caused: Running hook #1:: error running "
     "hook: exit status 1, stdout: , stderr: nvidia-container-cli: container error: cgroup subsystem devices not "
     "found: unknown.", "config", "device cgroup"),
    # a GPU gone from nvidia-smi until the next reboot, a card not seated, heat and reboots said in other languages
    ("Training crashes after 2-3 hours with RuntimeError: CUDA error: unspecified launch failure. After the crash "
     "nvidia-smi shows \"No devices were found\" until I reboot.", "gpu_health", ""),
    ("Sometimes one of the 8 GPUs disappears from nvidia-smi and the job fails with \"CUDA error: an illegal memory "
     "access\".", "gpu_health", ""),
    ("The GPU was not seated properly in the PCIe slot and kept failing with CUDA error: unknown error",
     "gpu_health", ""),
    ("学習中に突然 \"CUDA error: unspecified launch failure\" で落ちます。nvidia-smi で見ると温度が 90度近くになっています。",
     "gpu_health", ""),
    ("При обучении компьютер перезагружается. Видеокарта RTX 3090, блок питания 750 Вт.", "gpu_health", ""),
    ("Cuando empiezo a entrenar el pc se reinicia solo. Tengo una RTX 3080.", "gpu_health", ""),
    # cuDNN's sub-library from a system folder lacking a symbol: another cuDNN loaded, not one missing
    ("Could not load symbol cudnnGetLibConfig. Error: /usr/lib/x86_64-linux-gnu/libcudnn_graph.so.9: undefined "
     "symbol: cudnnGetLibConfig\nInvalid handle. Cannot load symbol cudnnCreate", "lib_path_conflict", ""),
    # a torch 1.x library asked for while a standalone libtorch sits on the loader path
    ("ImportError: libtorch_cuda_cu.so: cannot open shared object file: No such file or directory\nI have export "
     "LD_LIBRARY_PATH=/opt/libtorch/lib:$LD_LIBRARY_PATH in my .bashrc from an old libtorch install",
     "lib_path_conflict", "standalone libtorch"),
    # a container given nvidia-smi but not libcuda
    ("docker run --gpus all -e NVIDIA_DRIVER_CAPABILITIES=utility myimage\nnvidia-smi works inside the container but "
     "torch says: RuntimeError: Found no NVIDIA driver on your system.", "config", "NVIDIA_DRIVER_CAPABILITIES=utility"),
    # a process that never reached the rendezvous
    ("torch.distributed.DistNetworkError: The client socket has timed out after 1800s while trying to connect to "
     "(10.0.0.5, 29500).", "config", "rendezvous at 10.0.0.5:29500"),
    # the flags NGC's banner recommends are not the ones the container was started with
    ("The SHMEM allocation limit is set to the default of 64MB.  This may be insufficient for PyTorch.  NVIDIA "
     "recommends the use of the following flags:\n   docker run --gpus all --ipc=host --ulimit memlock=-1 --ulimit "
     "stack=67108864 ...\nRuntimeError: DataLoader worker (pid(s) 274) exited unexpectedly", "shm_too_small", ""),
    # multiprocessing's semaphore, created in /dev/shm, with no space left there
    ("OSError: [Errno 28] No space left on device\n  File \"/usr/lib/python3.10/multiprocessing/synchronize.py\", "
     "line 57, in __init__\n    sl = self._semlock = _multiprocessing.SemLock(", "shm_too_small", ""),
    # one release in two builds: the CUDA build installed, the CPU build imported
    ("Successfully installed torch-2.3.1+cu121\n>>> import torch\n>>> torch.__version__\n'2.3.1+cpu'",
     "multiple_torch_installs", "2 torch installations"),
    # pip's torch next to conda's pytorch in one conda list
    ("conda list | grep torch\npytorch                   2.1.0           py3.10_cuda12.1_cudnn8.9.2_0    pytorch\n"
     "torch                     2.1.0                    pypi_0    pypi", "multiple_torch_installs",
     "2 torch installations"),
    # which python and which pip answered in one sentence, naming different environments
    ("which python -> /usr/bin/python3 ; which pip -> /home/me/miniconda3/bin/pip. I installed torch with pip but "
     "torch.cuda.is_available() is False", "multiple_torch_installs", ""),
    # NCCL versions said to differ between the machines of a job
    ("The NCCL versions are different between the two nodes (2.18.1 and 2.19.3) and init hangs", "nccl_mismatch", ""),
    ("不同节点的 NCCL 版本不一致：节点1 2.18.1，节点2 2.19.3，报 ncclInternalError", "nccl_mismatch", ""),
    # a GPU the driver names "NVIDIA Graphics Device" but CUDA runs: the build's missing kernels lead
    ("NVIDIA Graphics Device with CUDA capability sm_120 is not compatible with the current PyTorch installation.\n"
     "The current PyTorch install supports CUDA capabilities sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90.",
     "arch_not_in_build", "sm_120"),
    # an extension installed in its CUDA build next to a CPU torch, and the report saying it runs on the CPU
    ("WARNING[XFORMERS]: xFormers can't load C++/CUDA extensions. xFormers was built for:\n    PyTorch 2.1.0+cu121 "
     "with CUDA 1201 (you have 2.1.0+cpu)\n    Python  3.10.11 (you have 3.10.6)\nAfter the update generations only "
     "run on the CPU, not the GPU", "cpu_only_torch", "2.1.0+cpu"),
    # a CUDA driver API function missing from libcuda: the driver is older than the library's CUDA
    ("CUDA Driver Version: 535.86.10\nPyTorch: 2.7.1+cu126\nsgl_kernel: 0.2.7\nundefined symbol: cuGreenCtxDestroy",
     "driver_too_old", "lacks cuGreenCtxDestroy"),
    ("ImportError: /usr/local/lib/python3.10/dist-packages/triton/_C/libtriton.so: undefined symbol: "
     "cuTensorMapEncodeTiled", "driver_too_old", "lacks cuTensorMapEncodeTiled"),
    # the words of CUDA's error typed without "device"
    ("程序运行的时候，提示：\nno CUDA-capable is detected", "no_gpu_visible", ""),
    # Lightning's banner: the GPU is there, the Trainer was not asked to use it
    ("It prints as output: GPU available: True, used: False, and the training script takes 48 hours.", "config",
     "Trainer was not asked"),
    # a conda command pinning a release and its CUDA names the build the pytorch channel has for them
    ("RTX 3090, conda install pytorch==1.7.0 cudatoolkit=10.2 -c pytorch\nRuntimeError: cuDNN error: "
     "CUDNN_STATUS_EXECUTION_FAILED", "arch_not_in_build", "torch 1.7.0 has no kernels"),
    # a capability the writer gives for their GPU is judged against the build like a named GPU
    ("My GPU has compute capability 6.1; torch 2.9.0+cu128: CUDA error: no kernel image is available for execution on "
     "the device", "gpu_too_old_for_build", "compute capability 6.1"),
    # the writer's own old card said to be unsupported
    ("Well i have a NVIDIA GeForce GT 730M. Maybe I have an unsupported GPU, but why can't it just work?",
     "gpu_too_old_for_build", "dropped this GPU"),
    ("I installed it on a pc with a GTX 980TI and it installed versions of torch that did not support the old CUDA "
     "version of this specific card.", "gpu_too_old_for_build", "dropped this GPU"),
    # a program built for another cuDNN major than the machine's
    ("RuntimeError: (PreconditionNotMet) The third-party dynamic library (cudnn64_7.dll) that Paddle depends on is not "
     "configured correctly. (error code is 126)\nGPU: RTX3070TI\nCUDA: 11.3\nCUDNN：8.9.1", "cudnn_version_mismatch",
     "needs cuDNN 7"),
    # a worker's bus error where /dev/shm is known to be large is not shared memory running out
    ("docker run --ipc=host -it img python train.py\nERROR: Unexpected bus error encountered in worker. This might be "
     "caused by insufficient shared memory (shm).", "shm_too_small", "although /dev/shm is large"),
    # messages retold in the writer's own words
    ('I keep getting "no kernel image" on my new RTX 5080 with torch 2.5.1', "arch_not_in_build", "RTX 5080"),
    ("nvidia-smi says it couldn't communicate with the driver after a kernel update", "driver_not_loaded", ""),
    ("pip list shows 2.1.0 but torch.__version__ prints 1.13.1", "multiple_torch_installs", ""),
    ("building apex says the detected CUDA version 12.1 mismatches the version used to compile PyTorch 11.8",
     "cuda_toolkit_mismatch_ext", ""),
    ("cuDNN version incompatibility: PyTorch was compiled against 8.9.2 but found runtime version 8.5.0",
     "cudnn_version_mismatch", "cuDNN 8.5.0 is loaded"),
]

# --- what a near miss must not lead with: (text, category) -------------------------------------------------------
NOT_LEADS = [
    # the same major installed: the library is simply not found
    ("OSError: libcudnn.so.8: cannot open shared object file: No such file or directory\ncudnn version: 8.9.2",
     "cudnn_version_mismatch"),
    # a GPU no build has dropped: the sentence is about a library's kernels or a feature
    ("my GPU is not supported by vLLM's fp8 kernels, I have an RTX 3090", "gpu_too_old_for_build"),
    # a peer that exited on one machine is most often a crash of its own, not the network
    (_REMOTE_ERROR, "config"),
    # a single-node torchrun is no multi-node job
    ("torchrun --nnodes=1 --nproc_per_node=8 train.py\n" + _SYSTEM_ERROR, "config"),
    # shared memory the container was given plenty of is not the failing call
    ("docker run --gpus all --ipc=host -it nvcr.io/nvidia/pytorch:24.01-py3\n" + _SYSTEM_ERROR, "shm_too_small"),
]

# --- what is observed, and what only looks like it ----------------------------------------------------------------
OBSERVED = [
    (_REMOTE_ERROR, Obs.NCCL_REMOTE_ERROR),
    ("cupy_backends.cuda.libs.nccl.NcclError: NCCL_ERROR_SYSTEM_ERROR: unhandled system error", Obs.NCCL_SYSTEM_ERROR),
    ("deepspeed --num_gpus 2 --num_nodes 2 --hostfile hostfile train.py", Obs.MULTI_NODE_JOB),
    ("I train on two DGX nodes with torchrun", Obs.MULTI_NODE_JOB),
    ("多机训练时报错", Obs.MULTI_NODE_JOB),
    ("include/socket.h:311 NCCL WARN Socket creation failed : Address family not supported by protocol",
     Obs.JOB_SETTING_MISSING),
]

OBSERVED += [
    # is_available()'s answer given in a sentence
    ("torch.cuda.is_available() returns True but the script fails", Obs.CUDA_AVAILABLE),
    ("CUDA is available (got True when I run torch.cuda.is_available())", Obs.CUDA_AVAILABLE),
    ("单独运行`python -c \"import torch; print(torch.cuda.is_available())\"`返回`True`", Obs.CUDA_AVAILABLE),
]

OBSERVED += [
    # the writer's own GPU's compute capability, not a requirement
    ("ok so my gpu compute capability is 3.0", Obs.GPU_CAPABILITY_STATED),
    # CUDA's and torch's messages typed from memory, a small word dropped
    ("CUDA error: no kernel image available", Obs.NO_KERNEL_IMAGE),
    ("it says no CUDA-capable device detected", Obs.NO_CUDA_DEVICE),
    ("RuntimeError: No CUDA GPUs available", Obs.NO_CUDA_GPUS),
    ("CUDA driver version insufficient for CUDA runtime version", Obs.INSUFFICIENT_DRIVER),
    ("Found no NVIDIA driver on system", Obs.NO_NVIDIA_DRIVER),
    ("The NVIDIA driver on your system too old (found version 11040)", Obs.DRIVER_TOO_OLD),
    ("RTX 5090 CUDA capability sm_120 not compatible with current PyTorch installation", Obs.GPU_NOT_COMPATIBLE),
    ("Torch not compiled CUDA enabled", Obs.NOT_COMPILED_WITH_CUDA),
    ("forward compatibility attempted on non supported HW", Obs.FORWARD_COMPAT_804),
    ("I only run on cpu, I have no GPU", Obs.NO_NVIDIA_GPU),
    ("RuntimeError: connect() timed out. Original timeout was 1800000 ms.", Obs.RENDEZVOUS_TIMEOUT),
    ("The installed Paddle is compiled with CUDNN 7.6, but CUDNN version in your machine is 7.3",
     Obs.CUDNN_RUNTIME_OLDER),
    ("nvcc fatal   : Unsupported gpu architecture 'compute_120'", Obs.NVCC_UNSUPPORTED_ARCH),
    ("nvidia-container-cli: container error: cgroup subsystem devices not found: unknown",
     Obs.CONTAINER_CGROUP_DEVICES),
]

NOT_OBSERVED = [
    ("the kernel image was rebuilt with no errors", Obs.NO_KERNEL_IMAGE),
    ("the model requires that my GPU has compute capability 8.0 or higher", Obs.GPU_CAPABILITY_STATED),
    # a question about the driver is no message saying it is too old
    ("is my driver too old for this?", Obs.DRIVER_TOO_OLD),
    # the runtime's and the libraries' own symbols are not driver API functions
    ("undefined symbol: cudaGetDriverEntryPointByVersion, version libcudart.so.12", Obs.DRIVER_API_SYMBOL),
    ("undefined symbol: cublasLtGetStatusString, version libcublasLt.so.12", Obs.DRIVER_API_SYMBOL),
    ("undefined symbol: cudnnGetLibConfig", Obs.DRIVER_API_SYMBOL),
    # a complaint that the work runs on the CPU is no machine without a GPU
    ("generations only run on the CPU, not the GPU", Obs.NO_NVIDIA_GPU),
    ("the model is running on the cpu instead of the gpu", Obs.NO_NVIDIA_GPU),
    ("I checked the NCCL version on both nodes: 2.18.1 everywhere", Obs.NCCL_VERSION_MISMATCH),
    ("NCCL version 2.18.1+cuda12.1", Obs.NCCL_VERSION_MISMATCH),
    ("I set dropout to 0.1 and the loss drops out of range", Obs.HARDWARE_SIGN_STATED),
    ("温度参数设为 0.95", Obs.HARDWARE_SIGN_STATED),
    ("При обучении модель выдает ошибку, компьютер работает нормально", Obs.HARDWARE_SIGN_STATED),
    ("The installed Paddle is compiled with CUDA 10.2, but CUDA runtime version in your machine is 10.2",
     Obs.CUDNN_RUNTIME_OLDER),
    ("echo 'c 195:* rwm' > /sys/fs/cgroup/devices/docker/devices.allow", Obs.CONTAINER_CGROUP_DEVICES),
    ("I check torch.cuda.is_available() before training", Obs.CUDA_AVAILABLE),
    ("torchrun --nnodes=1 --nproc_per_node=4 train.py", Obs.MULTI_NODE_JOB),
    ("it works on my other machine", Obs.MULTI_NODE_JOB),
    ("the remote process exited normally after saving", Obs.NCCL_REMOTE_ERROR),
]

# --- judged on what the paste shows: (text, code that must not fire) ---------------------------------------------
SILENT = [
    # conda-forge builds its own variants, and a CPU build said to be installed is not the command's CUDA build
    ("RTX 3090, conda install -c conda-forge pytorch=1.7.0 cudatoolkit=10.2\nRuntimeError: cuDNN error: "
     "CUDNN_STATUS_EXECUTION_FAILED", "CC201"),
    ("RTX 3090\nconda install pytorch==1.7.0 cudatoolkit=10.2 -c pytorch\nThis command installs the cpu version "
     "instead of cuda.", "CC201"),
    # Jetson's driver numbers are not the desktop table's: Thor's JetPack 7 driver 580.00 runs CUDA 13.0
    ("On a Jetson AGX Thor (JetPack 7 / L4T R38, CUDA 13.0, driver 580.00) import torch fails", "CC212"),
    # a bare branch is not older than CUDA 13.0 because the branch number is smaller than 580.65.06
    ("GPU: NVIDIA GeForce RTX 5090, driver 580, torch 2.9.0+cu130", "CC210"),
    # collect_env's conda and pip sections both list conda's own install: one torch
    ("[conda] pytorch                   2.1.0           py3.10_cuda12.1_cudnn8.9.2_0    pytorch\n[pip3] torch==2.1.0",
     "CC206"),
    # the same build installed and imported, and a release named without its build
    ("Successfully installed torch-2.3.1+cu121\n>>> torch.__version__\n'2.3.1+cu121'", "CC206"),
    ("pip list: torch 2.3.1\n>>> torch.__version__\n'2.3.1+cu121'", "CC206"),
    # capabilities without compute for a video app whose CUDA nobody asked for
    ("environment:\n  - NVIDIA_DRIVER_CAPABILITIES=video,utility\njellyfin transcoding works fine", "CC113"),
    # capabilities that name compute
    ("docker run --gpus all -e NVIDIA_DRIVER_CAPABILITIES=compute,utility img\nRuntimeError: Found no NVIDIA driver "
     "on your system.", "CC113"),
    # torch's harmless warning about a client socket on IPv6
    ("[W socket.cpp:663] [c10d] The client socket has failed to connect to [localhost]:29500 (errno: 99 - Cannot "
     "assign requested address).", "CC826"),
    # NCCL's system and remote errors are not the program's own: only invalid usage is (NCCL's troubleshooting guide)
    (_SYSTEM_ERROR, "CC830"),
    (_REMOTE_ERROR, "CC830"),
]
