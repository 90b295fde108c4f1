"""Kinds of evidence a sixteenth round found missing. Each kind fires on its wording and stays silent on a near miss
(tables read by test_kinds.py). Texts written here in the style of real reports."""
from cudacheck.observations import Obs

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # CUDA's 801 on a driver of the 12.x floor's branch but older than R530: CUDA 12.1's large kernel parameters
    ("| NVIDIA-SMI 525.105.17   Driver Version: 525.105.17   CUDA Version: 12.0 |\nPyTorch version: 2.4.0+cu124\n"
     "RuntimeError: CUDA error: operation not supported", "driver_too_old", "older than R530"),
    ("Driver Version                            : 529.19\nCUDA Version                              : 12.0\n"
     "RuntimeError: CUDA error: operation not supported\nCUDA kernel errors might be asynchronously reported at some "
     "other API call", "driver_too_old", "older than R530"),
    # the same error in a vGPU guest: the guest driver, its licence or the vGPU's settings
    ("GPU 0: GRID V100D-32C\nNVIDIA-SMI 525.105.17   Driver Version: 525.105.17\n"
     "RuntimeError: CUDA error: operation not supported", "driver_not_loaded", "vGPU"),
    ("llama runner process has terminated: CUDA error: operation not supported\n  cudaMemGetInfo(free, total)\n"
     "GPU: A100 40GB. The machine is a vm running the nvidia grid driver.", "driver_not_loaded", "vGPU"),
]

NOT_LEADS = [
    # a driver of R530 or newer has the feature: 801 is something else there
    ("Driver Version: 550.54.15   CUDA Version: 12.4\nPyTorch version: 2.4.0+cu124\n"
     "RuntimeError: CUDA error: operation not supported", "driver_too_old"),
    # a program built for CUDA 11.8 does not use CUDA 12.1's feature
    ("Driver Version: 525.105.17\nPyTorch version: 2.0.1+cu118\nRuntimeError: CUDA error: operation not supported",
     "driver_too_old"),
]

# --- what each wording is read as: (text, observation) --------------------------------------------------------------
OBSERVED = [
    ("RuntimeError: CUDA error: operation not supported", Obs.CUDA_NOT_SUPPORTED),
    ("misc/socket.cc:50 NCCL WARN Cuda failure 'operation not supported'", Obs.CUDA_NOT_SUPPORTED),
    ("cuda error: operation not supported (code=801)", Obs.CUDA_NOT_SUPPORTED),
    ("DriverError(CUDA_ERROR_NOT_SUPPORTED, \"operation not supported\")", Obs.CUDA_NOT_SUPPORTED),
    ("cudaMallocAsync failed: cudaErrorNotSupported", Obs.CUDA_NOT_SUPPORTED),
    ("GPU 0: GRID T4-16Q (UUID: GPU-5f1e2d3c)", Obs.VGPU),
    ("I installed NVIDIA-Linux-x86_64-535.154.05-grid.run in the guest", Obs.VGPU),
    ("We run it on an Azure VM with a vGPU slice of an A10", Obs.VGPU),
]

NOT_OBSERVED = [
    ("OSError: [Errno 95] Operation not supported: '/mnt/data/checkpoints'", Obs.CUDA_NOT_SUPPORTED),
    ("ln: failed to create symbolic link '/usr/local/cuda/lib64/libcudnn.so': Operation not supported",
     Obs.CUDA_NOT_SUPPORTED),
    ("The grid search over learning rates ran on the GPU", Obs.VGPU),
    ("plt.grid(True)  # the GPU memory plot", Obs.VGPU),
]

# --- rules that must stay silent: (text, code) ----------------------------------------------------------------------
SILENT = [
    # the driver is not shown: 801 has other causes (WSL, a vGPU, an allocator the GPU lacks), no driver guess
    ("RuntimeError: CUDA error: operation not supported\nCUDA kernel errors might be asynchronously reported",
     "CC801"),
    ("Driver Version: 550.54.15\nRuntimeError: CUDA error: operation not supported", "CC801"),
    # a vGPU guest without the error: nothing to say about its driver
    ("GPU 0: NVIDIA A10-24Q\nDriver Version: 550.54.15\nPyTorch version: 2.4.0+cu124\nIs CUDA available: True",
     "CC802"),
]
