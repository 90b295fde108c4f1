"""Kinds of evidence an eighth round found missing: a GPU that drops out while it works ("No devices were found"
after hours of training, 显卡就掉了), a fault that follows one card of several ("only happens on GPU 3", "runs fine
on the other seven"), a machine that switches off under load, a stress or memory test of the card that fails,
nvidia-smi's ERR! as a report describes it; a CUDA or cuDNN DLL in Windows' System32 folder. Each kind fires on
its wording and stays silent on a near miss (tables read by test_kinds.py). Texts written here in the style of
real reports."""
from cudacheck.observations import Obs

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # the fault follows one card of a node
    ("RuntimeError: CUDA error: an illegal memory access was encountered. It only happens on GPU 3 of the 8 GPUs "
     "in the node; the same job runs fine on the other seven.", "gpu_health", "GPU hardware"),
    # a machine that switches itself off once the GPUs are loaded
    ("Two RTX 3090s on a 750W power supply; the PC switches off as soon as both GPUs are under load.",
     "gpu_health", "GPU hardware"),
    ("The GPU temperature goes up to 89C during training and then the whole machine reboots.",
     "gpu_health", "GPU hardware"),
    # a stress test or memory test of the card
    ("torch.cuda.OutOfMemoryError happens at random even with batch size 1; gpu-burn reports errors on this card",
     "gpu_health", "GPU hardware"),
    # nvidia-smi's ERR! in the report's words
    ("nvidia-smi shows ERR! in the Fan and Pwr Usage columns for GPU 2 and training on that GPU crashes with "
     "RuntimeError: CUDA error: unspecified launch failure", "gpu_health", "GPU hardware"),
    # a GPU that is gone after hours of work: the hardware, not the container or the mask
    ("No devices were found\n(nvidia-smi worked fine before the job started; after 3 hours of training GPU "
     "disappeared)", "gpu_health", "GPU hardware"),
    ("训练一段时间后显卡就掉了，nvidia-smi 显示 No devices were found，重启之后又恢复正常。", "gpu_health", "GPU hardware"),
    # a CUDA DLL of another version in System32
    ('OSError: [WinError 127] Error loading "C:\\Python310\\lib\\site-packages\\torch\\lib\\c10_cuda.dll" or one of '
     "its dependencies.\nFound an old cudart64_110.dll in C:\\Windows\\System32", "lib_path_conflict", "System32"),
    ("I copied the cudnn dlls into C:\\Windows\\System32 when I installed TensorFlow last year.\n"
     'OSError: [WinError 126] Error loading "...\\torch\\lib\\cudnn_cnn_infer64_8.dll" or one of its dependencies.',
     "lib_path_conflict", "System32"),
]

LEADS += [
    # a pod's /dev/shm stated in Kubernetes' units, a worker gone
    ("Running in Kubernetes; the pod's /dev/shm is 64Mi. With num_workers=4 the training hangs and then: "
     "RuntimeError: DataLoader worker (pid(s) 73) exited unexpectedly", "shm_too_small", "/dev/shm is only 0.06 GiB"),
    # a worker's segmentation fault in a Docker container
    ("ERROR: Unexpected segmentation fault encountered in worker.\nstarted with docker run --gpus all -it myimage, "
     "num_workers=16", "shm_too_small", "/dev/shm is probably"),
    # the bus error named before the DataLoader
    ("SageMaker training job: bus error in DataLoader with num_workers=8 on ml.p3.2xlarge", "shm_too_small",
     "Shared memory"),
]

LEADS += [
    # a cluster's login node sees the GPU, the job does not
    ("torch.cuda.is_available() True on the login node, but in the sbatch job it is False", "no_gpu_visible",
     "No GPU in a cluster job"),
    # a hosted notebook or Space without GPU hardware
    ("HF Spaces (CPU basic hardware): RuntimeError: Found no NVIDIA driver on your system.", "no_gpu_visible",
     "notebook runs without a GPU runtime"),
]

LEADS += [
    # NCCL's banner names another CUDA major than torch's build: not torch's own NCCL
    ("NCCL INFO NCCL version 2.18.1+cuda12.1\nPyTorch version: 2.1.0+cu118\nRuntimeError: NCCL error in: "
     "../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1207, internal error", "nccl_mismatch",
     "built for CUDA 12.1 runs under a torch built for CUDA 11.8"),
    # torch.cuda.nccl.version() printed on a line that goes on
    ("torch.cuda.nccl.version() returns (2, 10, 3) but pip list shows nvidia-nccl-cu12 2.19.3", "nccl_mismatch",
     "NCCL 2.10.3 runs"),
]

LEADS += [
    # "no kernel image" for a GPU that every official build of the named release covers: not torch's kernels
    ('Quadro K2200, pytorch 2.3, "CUDA error: no kernel image is available for execution on the device"',
     "extension_mismatch", "has no kernels for Quadro K2200"),
]

LEADS += [
    # nnU-Net's background workers gone in a Docker container
    ("root@cc5d09285d9b:/nnunet# nnUNetv2_train 004 3d_fullres 0\nRuntimeError: One or more background workers are no "
     "longer alive. Exiting. Please check the print statements above for the actual error message", "shm_too_small",
     "/dev/shm is probably too small"),
    # `mount`'s line for a container's 64 MiB /dev/shm
    ("mount | grep /dev/shm\nshm on /dev/shm type tmpfs (rw,nosuid,nodev,noexec,relatime,size=65536k)",
     "shm_too_small", "/dev/shm is only 0.06 GiB in this container"),
    # a workstation that goes down hard under GPU load
    ("Whenever I load the 3090 the system will freeze up and then crash hard; expected a graceful crash, not a sudden "
     "hardware shutdown.", "gpu_health", "GPU hardware"),
    # TensorRT's words in a container (a NAS's app)
    ("I pulled a fresh copy of the Frigate container in Unraid.\nCUDA initialization failure", "no_gpu_visible",
     "container has no access"),
    # Windows, CUDA "no longer usable" in Chinese after another package's install
    ("安装之后，再次检查PyTorch时，发现版本变成了2.6.0，并且CUDA不可用了。\nOperating system: Windows",
     "cpu_only_torch", "CPU-only torch from PyPI"),
]

# --- near misses: (text, the category the first finding must not have) --------------------------------------------
NOT_LEADS = [
    # "No devices were found" with nothing about the card failing: visibility, not hardware
    ("$ nvidia-smi\nNo devices were found", "gpu_health"),
    # one GPU named because the user picked it, no fault that follows it
    ("I train on GPU 1 with CUDA_VISIBLE_DEVICES=1 and get RuntimeError: CUDA out of memory.", "gpu_health"),
    # a stress test that passes
    ("gpu-burn ran for an hour without errors, but my script fails with CUDA error: device-side assert triggered",
     "gpu_health"),
    # the torch DLL folder named, not System32
    ('OSError: [WinError 126] Error loading "C:\\Python310\\lib\\site-packages\\torch\\lib\\cudnn_cnn_infer64_8.dll" '
     "or one of its dependencies.", "lib_path_conflict"),
]

NOT_LEADS += [
    # a worker's segmentation fault on a bare machine: nothing ties it to shared memory
    ("ERROR: Unexpected segmentation fault encountered in worker.", "shm_too_small"),
    # a roomy /dev/shm stated with a worker gone
    ("/dev/shm is 32G on this node\nRuntimeError: DataLoader worker (pid(s) 73) exited unexpectedly", "shm_too_small"),
]

NOT_LEADS += [
    # nvidia-smi in a pod shows no processes: the GPU is there (the login-node wording must not swallow this)
    ("Cannot see gpu process using \"nvidia-smi\" in container, but I can see it on host\nK8s v1.28.2",
     "no_gpu_visible"),
]

NOT_LEADS += [
    # NCCL's INFO lines about an optional network plugin are notices, not an NCCL failure
    ("NCCL INFO NET/Plugin : Plugin load (libnccl-net.so) returned 2 : libnccl-net.so: cannot open shared object "
     "file: No such file or directory\nNCCL INFO NET/Plugin : No plugin found, using internal implementation",
     "nccl_mismatch"),
    # the banner of torch's own NCCL: same CUDA major as the build
    ("NCCL INFO NCCL version 2.18.1+cuda12.1\nPyTorch version: 2.1.0+cu121\nRuntimeError: NCCL error in: "
     "../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1207, internal error", "nccl_mismatch"),
]

NOT_LEADS += [
    # a source build carries its own arch list: the release's wheels say nothing of it
    ("PyTorch version: 2.3.0a0+git1234abc\nGPU 0: Quadro K2200\nRuntimeError: CUDA error: no kernel image is "
     "available for execution on the device", "extension_mismatch"),
    # a GPU that the named release's builds do not cover: torch's own kernels are missing
    ('RTX 5090, pytorch 2.3, "CUDA error: no kernel image is available for execution on the device"',
     "extension_mismatch"),
]

NOT_LEADS += [
    # the receiver finds the segment gone (errno 2) with a large /dev/shm: a cleanup race, not a full /dev/shm
    ("RuntimeError: unable to open shared memory object </torch_310_3681426278_102> in read-write mode: No such file "
     "or directory (2)\n  File \".../torch/multiprocessing/reductions.py\", line 514, in rebuild_storage_filename",
     "shm_too_small"),
    # a host's own /dev/shm mount (systemd's tmpfs) of a normal size
    ("tmpfs on /dev/shm type tmpfs (rw,nosuid,nodev,size=32881092k)\nRuntimeError: DataLoader worker (pid(s) 7) "
     "exited unexpectedly", "shm_too_small"),
    # a report's "falls back to CPU" in a container whose CUDA names the driver (error 804): not a missing GPU
    ("ggml_cuda_init: failed to initialize CUDA: forward compatibility was attempted on non supported HW\nThe "
     "container then falls back to CPU; nvidia-smi works inside the same container.", "no_gpu_visible"),
    # a truncated pip line ("torch-2.") is not a second torch
    ("Successfully installed torch-2.\n>>> torch.__version__\n'2.4.1+cu121'", "multiple_torch_installs"),
]

# --- what is observed: (text, the observation) --------------------------------------------------------------------
OBSERVED = [
    ("Found an old cudart64_110.dll in C:\\Windows\\System32", Obs.LIBRARY_SHADOWING_STATED),
    ("C:\\Windows\\System32\\cudnn64_8.dll is version 8.1", Obs.LIBRARY_SHADOWING_STATED),
    ("memtest_vulkan found errors on the RTX 3060 after 2 minutes", Obs.HARDWARE_SIGN_STATED),
    ("the other 7 GPUs work fine", Obs.HARDWARE_SIGN_STATED),
]

OBSERVED += [
    ("CUDA works on the login node but not in the srun job", Obs.GPU_NOT_SEEN),
    ("We use JupyterHub on our cluster", Obs.HOSTED_NOTEBOOK),
]

OBSERVED += [("node1:123:123 [0] NCCL INFO NCCL version 2.21.5+cuda12.4", Obs.NCCL_BANNER)]

OBSERVED += [
    ("shm on /dev/shm type tmpfs (rw,nosuid,nodev,noexec,relatime,size=65536k)", Obs.SHM_SIZE_STATED),
    ("RuntimeError: One or more background workers are no longer alive.", Obs.DATALOADER_EXITED),
    ("[TRT] CUDA initialization failure with error: 100", Obs.CUDA_INIT_FAILED),
]

NOT_OBSERVED = [
    ("C:\\Windows\\System32\\nvidia-smi.exe works and shows the GPU", Obs.LIBRARY_SHADOWING_STATED),
    ("memtest86 passed, no errors", Obs.HARDWARE_SIGN_STATED),
    ("the other settings are fine", Obs.HARDWARE_SIGN_STATED),
    ("NCCL version 2.21.5 is installed", Obs.NCCL_BANNER),
    ("[TRT] CUDA initialization failure with error: 35", Obs.CUDA_INIT_FAILED),  # the driver too old
    ("all background workers are alive", Obs.DATALOADER_EXITED),
]
