"""Kinds of evidence a seventh round found missing: shared memory running out as torch, NCCL and `df` show it
(torch's "unable to mmap … from file </torch_…>", NCCL's "failed to extend /dev/shm/nccl-…", "No space left on
device" inside torch's tensor-sharing frames, a DataLoader worker gone without a reason in a container, a full
64 MiB /dev/shm in `df -h`, "Fatal Python error: Bus error"); a machine switching itself off as training starts;
two interpreters told apart in the order "False in Jupyter but True in the terminal"; a VS Code dev container;
another package (bitsandbytes) said to be built without the GPU; torch imported as an empty namespace package
("unknown location"); ROCm's "HIP error" left to AMD; WSL where nvidia-smi sees the GPU and CUDA finds no
device (a libcuda other than WSL's answers); the stub libcuda (error 34) in a container whose start is not shown;
collect_env's "CUDA used to build PyTorch: None" on its own and conda's CPU build rows; Python's "from x import y"
is not a Dockerfile's FROM; cuDNN's "unable to find an engine" without an out-of-memory error; uv's "there is no
version of torch==…+cu124"; a failed install is not what is installed; a GPU judged against the old release a
paste names; a mask "set to empty string" in the plural; a server's "Number of GPUs: 0"; any user's prompt on a
host named like a Docker container; XLA's "cudaGetErrorString symbol not found"; laptop GeForce parts named
without a series prefix ("GeForce 940MX", "840M", a bare "940MX"). Each kind fires on its wording and stays silent on a near miss (tables read by
test_kinds.py). Texts written here in the style of real reports."""
from cudacheck.observations import Obs

_WSL_SMI = ("Ubuntu 22.04 on WSL2\n"
            "| NVIDIA-SMI 550.54.10              Driver Version: 551.61         CUDA Version: 12.4     |\n"
            "|   0  NVIDIA GeForce RTX 3080        On  |   00000000:01:00.0  On |                  N/A |\n")

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # torch maps a DataLoader batch from /dev/shm and cannot
    ("RuntimeError: unable to mmap 1048576 bytes from file </torch_123_456_7>: Cannot allocate memory (12)",
     "shm_too_small", "Shared memory"),
    # NCCL growing its shared-memory segment
    ("misc/shmutils.cc:72 NCCL WARN Error: failed to extend /dev/shm/nccl-9BcVty to 9637892 bytes",
     "shm_too_small", "Shared memory"),
    # ENOSPC inside torch's tensor-sharing frames: the disk that is full is /dev/shm
    ("OSError: [Errno 28] No space left on device\n  File \"/opt/conda/lib/python3.10/site-packages/torch/"
     "multiprocessing/reductions.py\", line 355, in reduce_storage\n    fd, size = storage._share_fd_cpu_()",
     "shm_too_small", "Shared memory"),
    # a worker gone without a reason, in a Docker container whose /dev/shm is the default
    ("RuntimeError: DataLoader worker (pid(s) 12345) exited unexpectedly\nrunning inside docker (docker run --gpus all "
     "-it myimg), num_workers=8", "shm_too_small", "/dev/shm is probably too small"),
    # `df -h` showing a full 64 MiB /dev/shm
    ("df -h /dev/shm\nFilesystem      Size  Used Avail Use% Mounted on\nshm              64M   64M     0 100% /dev/shm",
     "shm_too_small", "/dev/shm is only 0.06 GiB in this container"),  # "shm" is a container's mount
    # Python's fault handler naming the bus error, with a DataLoader frame
    ("Fatal Python error: Bus error\n\nThread 0x00007f (most recent call first):\n  File \"/opt/conda/lib/python3.8/"
     "site-packages/torch/utils/data/dataloader.py\", line 1003 in _try_get_data", "shm_too_small", ""),
    # the machine switches itself off as training starts: power or heat
    ("When I start training, my PC shuts down completely and reboots. GPU RTX 3090, PSU 650W.", "gpu_health", ""),
    # two interpreters, said with the failing one first
    ("torch.cuda.is_available() is False in jupyter but True in the terminal", "multiple_torch_installs", ""),
    # a VS Code dev container is a container: started without the GPU
    ("warnings.warn('User provided device_type of \\'cuda\\', but CUDA is not available. Disabling')\n"
     "in the devcontainer (VS Code), the host has an RTX 4090", "no_gpu_visible", ""),
    # WSL passes the GPU through (nvidia-smi works there) and CUDA finds no device: another libcuda answers
    ("Windows 11 WSL2 CUDA 12.2 (nvidia-smi works inside WSL; No running processes found)\n"
     "numba.cuda.cudadrv.driver.CudaAPIError: [100] Call to cuInit results in CUDA_ERROR_NO_DEVICE",
     "lib_path_conflict", "not WSL's"),
    # the same shown by nvidia-smi's own table inside WSL (its Linux layout: Persistence-M "On")
    (_WSL_SMI + "numba.cuda.cudadrv.driver.CudaAPIError: [100] Call to cuInit results in CUDA_ERROR_NO_DEVICE",
     "lib_path_conflict", "not WSL's"),
    # the stub libcuda answering in a container whose start is not shown: its folder is on the loader path
    ("$ python -c \"import torch; print(torch.cuda.is_available())\"\nUserWarning: CUDA initialization: Unexpected "
     "error from cudaGetDeviceCount(). Error 34: CUDA driver is a stub library\nthe same in my conda env (obviously "
     "this isn't inside docker) prints True", "lib_path_conflict", "stub libcuda"),
    # collect_env's "CUDA used to build PyTorch: None" pasted on its own, and a conda CPU build row
    ("CUDA used to build PyTorch: None\nGPU models and configuration: GPU 0: NVIDIA GeForce RTX 3080",
     "cpu_only_torch", ""),
    ("conda list | grep torch\ntorch                     2.1.0               py3.11_cpu_0    pytorch\n"
     "My GPU is RTX 3060", "cpu_only_torch", ""),
    # cuDNN finding no engine without running out of memory: a sub-library that does not load
    ("点击run 报错 RuntimeError: GET was unable to find an engine to execute this computation", "cudnn_missing",
     "no engine"),
    # uv's words for a CUDA build asked of an index that does not have it
    ("× No solution found when resolving dependencies:\n  ╰─▶ Because there is no version of torch==2.4.0+cu124 "
     "and your project depends on torch==2.4.0+cu124, we can conclude that your project's requirements are "
     "unsatisfiable.", "config", "only on the PyTorch index"),
    # an install that failed installed nothing: the GPU is not judged against the build it asked for
    ("- GPU GTX1070\npip install --pre torch==2.7.0.dev20250311+cu128 --index-url "
     "https://download.pytorch.org/whl/nightly/cu128\nERROR: Could not find a version that satisfies the requirement "
     "torch==2.7.0.dev20250311+cu128 (from versions: none)\nERROR: No matching distribution found for "
     "torch==2.7.0.dev20250311+cu128", "config", "no torch wheel for this Python"),
    # a mask said to be set to an empty string, in the plural, with the GPUs left unused
    ("When running Tune in local mode, the `CUDA_VISIBLE_DEVICES` are always set to empty string, thus making the "
     "gpus unused.", "no_gpu_visible", "CUDA_VISIBLE_DEVICES=''"),
    # a server's own count of GPUs, in a container whose prompt carries Docker's 12-hex-digit host name
    ("model-server@a8819511cfaa:~/logs$ more ts_log.log\nNumber of GPUs: 0\nNumber of CPUs: 8", "no_gpu_visible",
     "container"),
    # a laptop GeForce named without a series prefix: torch 2.5.1+cu124 has sm_50, so the kernels missing are not torch's
    ("I have a GeForce 940MX and torch 2.5.1+cu124; RuntimeError: CUDA error: no kernel image is available for "
     "execution on the device", "extension_mismatch", "GeForce 940MX (sm_50)"),
    # another package's build said to lack the GPU, next to a CUDA torch: that package, not torch
    ("The installed version of bitsandbytes was compiled without GPU support. 8-bit optimizers, 8-bit "
     "multiplication, and GPU quantization are unavailable.\ntorch 2.1.0+cu121, RTX 3090", "extension_mismatch",
     "bitsandbytes"),
]

NOT_LEADS = [
    # a worker gone without a reason on a bare machine: nothing ties it to shared memory
    ("RuntimeError: DataLoader worker (pid(s) 12345) exited unexpectedly", "shm_too_small"),
    # a roomy /dev/shm that is not full
    ("df -h /dev/shm\nFilesystem      Size  Used Avail Use% Mounted on\ntmpfs            32G  1.2G   31G   4% /dev/shm",
     "shm_too_small"),
    # "No space left on device" saving a checkpoint: the disk, not /dev/shm
    ("OSError: [Errno 28] No space left on device\n  File \"/usr/lib/python3.10/site-packages/torch/serialization.py\", "
     "line 441, in save", "shm_too_small"),
    # a PC that restarts for an update is not a GPU fault
    ("My PC restarts to install Windows updates; after that torch.cuda.is_available() is True", "gpu_health"),
    # ROCm's own kernel error on an AMD GPU: not an NVIDIA build missing kernels
    ("AMD Radeon RX 7900 XTX, torch 2.5.0+rocm6.2\nRuntimeError: HIP error: invalid device function",
     "arch_not_in_build"),
    # WSL where nvidia-smi itself fails: the Windows driver does not pass the GPU through
    ("Ubuntu 20.04 on WSL2\n$ nvidia-smi\nNVIDIA-SMI has failed because it couldn't communicate with the NVIDIA "
     "driver.\ncudaGetDeviceCount returned 100\n-> no CUDA-capable device is detected", "lib_path_conflict"),
    # the same engine error next to an out-of-memory error: memory, not a library
    ("torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\nRuntimeError: GET was unable to "
     "find an engine to execute this computation", "cudnn_missing"),
    # a name shared by GPUs every build of the named old release covers (TITAN X: sm_52 or sm_61, torch 1.7 has
    # sm_50 and sm_60): not too old for it
    ("RuntimeError: CUDA error: no kernel image is available for execution on the device\nBuilt with pytorch 1.7, "
     "cuda 10.2, TITAN X, got this error.", "gpu_too_old_for_build"),
    # a count of GPUs that is not zero
    ("model-server@a8819511cfaa:~/logs$ more ts_log.log\nNumber of GPUs: 4\nNumber of CPUs: 8", "no_gpu_visible"),
    # a model size is not a GPU name
    ("We trained 940M parameters; RuntimeError: CUDA error: no kernel image is available for execution on the "
     "device\ntorch 2.5.1+cu124", "extension_mismatch"),
    # Windows' own nvidia-smi (a GPU in WDDM mode) says nothing of what WSL sees
    (_WSL_SMI.replace("        On  |", "      WDDM  |") + "numba.cuda.cudadrv.driver.CudaAPIError: [100] Call to "
     "cuInit results in CUDA_ERROR_NO_DEVICE", "lib_path_conflict"),
    # the same interpreter in both places
    ("torch.cuda.is_available() is False in jupyter and False in the terminal", "multiple_torch_installs"),
]

OBSERVED = [
    ("RuntimeError: DataLoader worker (pid(s) 4321, 4322) exited unexpectedly", Obs.DATALOADER_EXITED),
    ("shm              64M   64M     0 100% /dev/shm", Obs.DF_SHM),
    ("    fd, size = storage._share_fd_cpu_()", Obs.TORCH_STORAGE_SHARING),
    ("RuntimeError: unable to mmap 1048576 bytes from file </torch_123_456_7>: Cannot allocate memory (12)",
     Obs.TORCH_SHM_WRITE),
    ("misc/shmutils.cc:72 NCCL WARN Error: failed to extend /dev/shm/nccl-9BcVty to 9637892 bytes", Obs.SHM_FAILURE),
    ("Fatal Python error: Bus error", Obs.BUS_ERROR),
    ("The installed version of torch was compiled without GPU support", Obs.CPU_BUILD_STATED),
    ("ImportError: cannot import name 'Tensor' from 'torch' (unknown location)", Obs.TORCH_C_IMPORT),
    ("nvidia-smi works fine inside the WSL distribution", Obs.SMI_WORKS_STATED),
    ("FROM nvcr.io/nvidia/pytorch:24.01-py3 AS base", Obs.CONTAINER_MARKER),
    ("CUDA used to build PyTorch: None", Obs.CPU_BUILD_STATED),
    ("model-server@a8819511cfaa:~/logs$ ls", Obs.CONTAINER_PROMPT),
    ("Number of GPUs: 0", Obs.GPU_NOT_SEEN),
    ("operation cudaGetLastError() failed: cudaGetErrorString symbol not found.", Obs.CUDA_LIBRARY_SYMBOL),
]

NOT_OBSERVED = [
    ("DataLoader worker (pid 8888) is killed by signal: Killed.", Obs.DATALOADER_EXITED),
    ("tmpfs            32G  1.2G   31G   4% /run", Obs.DF_SHM),
    ("unable to mmap the model file model.safetensors", Obs.TORCH_SHM_WRITE),
    ("ls /dev/shm/nccl-9BcVty", Obs.SHM_FAILURE),
    ("Fatal Python error: Segmentation fault", Obs.BUS_ERROR),
    ("The installed version of bitsandbytes was compiled without GPU support.\ntorch 2.1.0+cu121",
     Obs.CPU_BUILD_STATED),
    ("ImportError: cannot import name 'Tensor' from 'torch' (/usr/lib/python3/site-packages/torch/__init__.py)",
     Obs.TORCH_C_IMPORT),
    ("nvidia-smi works in Windows PowerShell but not in WSL", Obs.SMI_WORKS_STATED),
    ("    from torch.utils.data import DataLoader", Obs.CONTAINER_MARKER),
    ("PyTorch version: 2.1.0+cu121\nCUDA used to build PyTorch: 12.1", Obs.CPU_BUILD_STATED),
    ("user@workstation:~/logs$ ls", Obs.CONTAINER_PROMPT),
    ("Number of GPUs: 0 of 8 reserved for the job", Obs.GPU_NOT_SEEN),
    ("dlsym: symbol not found in the plugin", Obs.CUDA_LIBRARY_SYMBOL),
]
