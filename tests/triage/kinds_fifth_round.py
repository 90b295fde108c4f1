"""Kinds of evidence that a fifth batch of real reports, scored before anyone read them, showed triage missing: a
program's own warning that /dev/shm is too small, a library's "compute capability < X detected", an extension's
own error check reporting missing kernels, CUDA failing to start with error 500 in a WSL2 container, the
extension-build check quoted without its first words, a device index the machine does not have, a torch said to
have been switched to one without CUDA, `import torch` asking for a CUDA library no build of the named release
used, PYTORCH_NO_CUDA_MEMORY_CACHING set, and NVRTC's arch error alone. Each kind fires on its wording and stays
silent on a near miss (tables read by test_kinds.py). Texts written here in the style of real reports."""
from cudacheck.observations import Obs

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # a program measuring /dev/shm and saying it is too small
    ("(raylet) WARNING: The object store is using /tmp instead of /dev/shm because /dev/shm has only 67108864 "
     "bytes available. This will harm performance!", "shm_too_small", "/dev/shm is smaller"),
    # a library's capability floor worded as a detection
    ("UserWarning: WARNING: Compute capability < 7.5 detected! Only slow 8-bit matmul is supported for your GPU!",
     "capability_missing", "7.5"),
    # an extension's own error check: its kernels, not torch's
    ("Error in forward_rasterize_faces: no kernel image is available for execution on the device\n"
     "GPU: RTX 2080 Ti, driver 470", "extension_mismatch", "extension"),
    ("CUDA kernel failed : no kernel image is available for execution on the device\n"
     "void group_points_kernel_wrapper(int, int, int, int, int, const float*, const int*, float*) at "
     "L:39 in pointnet2/src/group_points.cpp", "extension_mismatch", "extension"),
    # CUDA failing to start with error 500 in a WSL2 container (toolkit older than the Windows driver)
    ("docker compose up on Windows 11\nRuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some "
     "cuda functions before calling NumCudaDevices() that might have already set an error? Error 500: named symbol "
     "not found", "no_gpu_visible", "Container Toolkit"),
    ("W0528 10:01:02.123 cuda_driver.cc:282] failed call to cuInit: CUDA_ERROR_NOT_FOUND: named symbol not found",
     "no_gpu_visible", "Container Toolkit"),
    # torch.utils.cpp_extension's check quoted without its first words
    ("RuntimeError: CUDA version (11.8) mismatches the version that was used to compile PyTorch (12.1). Please make "
     "sure to use the same CUDA versions.", "cuda_toolkit_mismatch_ext", "12.1"),
    # a device index the machine does not have
    ("  File \"train.py\", line 20, in <module>\n    net.to(\"cuda:2\")\nRuntimeError: CUDA error: invalid device "
     "ordinal", "config", "GPU index"),
    ("#SBATCH --gpus-per-node=4\nsrun python train.py\nRuntimeError: CUDA error: invalid device ordinal", "config",
     "GPU index"),
    # a torch said to have been switched to one without CUDA
    ("After running the updater it downgraded torch to no cuda, and I have an RTX 3080 in this PC.",
     "cpu_only_torch", "CPU-only"),
    # `import torch` asking for a CUDA library no build of the named release used
    ("PyTorch Version: 1.1.0\nimport torch\n  File \"/usr/lib/python3/dist-packages/torch/__init__.py\", line 79, in "
     "<module>\n    from torch._C import *\nImportError: libcudart.so.8.0: cannot open shared object file: No such "
     "file or directory", "multiple_torch_installs", "CUDA 8.0"),
    # torch's newer warning when no code of the build runs on the GPU: its list of the build's CCs decides
    ("UserWarning: Found GPU0 NVIDIA GeForce GTX 1070 Ti which is of compute capability (CC) 6.1.\n"
     "The following list shows the CCs this version of PyTorch was built for and the hardware CCs it supports:\n"
     "- 7.5 which supports hardware CC >=7.5,<8.0\n- 8.0 which supports hardware CC >=8.0,<9.0 except {8.7}\n"
     "- 12.0 which supports hardware CC >=12.0,<13.0\nPlease follow the instructions at "
     "https://pytorch.org/get-started/locally/ to install a PyTorch release that supports one of these CUDA "
     "versions: 12.6", "gpu_too_old_for_build", "too old"),
    ("UserWarning: Found GPU0 NVIDIA GeForce RTX 5090 which is of compute capability (CC) 12.0.\n"
     "The following list shows the CCs this version of PyTorch was built for and the hardware CCs it supports:\n"
     "- 5.0 which supports hardware CC >=5.0,<6.0 except {5.3}\n- 8.6 which supports hardware CC >=8.6,<9.0 except "
     "{8.7}\n- 9.0 which supports hardware CC >=9.0,<10.0\nPlease follow the instructions at "
     "https://pytorch.org/get-started/locally/ to install a PyTorch release that supports one of these CUDA "
     "versions: 12.8, 13.0", "arch_not_in_build", "no kernels"),
    # the caching allocator turned off by a debugging variable
    ("export PYTORCH_NO_CUDA_MEMORY_CACHING=0\nsince then the job runs out of GPU memory after a few steps",
     "config", "caching allocator"),
]

# --- near misses: (text, the category that must not lead) ----------------------------------------------------------
NOT_LEADS = [
    ("RuntimeError: Error named symbol not found at line 233 in file /src/csrc/ops.cu", "no_gpu_visible"),
    ("Ray object store: using /dev/shm (10.24 GB available)", "shm_too_small"),
    # CUDA 10.0 is one of torch 1.1.0's own builds: a missing library, not an older torch
    ("PyTorch Version: 1.1.0\nimport torch\n  File \"/usr/lib/python3/dist-packages/torch/__init__.py\", line 79, in "
     "<module>\n    from torch._C import *\nImportError: libcudart.so.10.0: cannot open shared object file: No such "
     "file or directory", "multiple_torch_installs"),
    ("I switched torch to the cu121 build and it works on my RTX 3080.", "cpu_only_torch"),
    ("Error in the data loader: CUDA out of memory", "extension_mismatch"),
    ("PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True python train.py", "config"),
]

# --- what each wording is observed as, and near misses that are not ---------------------------------------------
OBSERVED = [
    ("WARNING services.py:2159 -- WARNING: The object store is using /tmp instead of /dev/shm because /dev/shm has "
     "only 5368709120 bytes available.", Obs.SHM_SIZE_WARNED),
    ("failed call to cuInit: CUDA_ERROR_NOT_FOUND: named symbol not found", Obs.CUDA_INIT_SYMBOL_MISSING),
    ("Error in forward_face_index_map_1: no kernel image is available for execution on the device",
     Obs.EXTENSION_KERNEL_ERROR),
    ("Please follow the instructions at https://pytorch.org/get-started/locally/ to install a PyTorch release that "
     "supports one of these CUDA versions: 12.6, 12.8", Obs.BUILD_CC_UNSUPPORTED),
    # the intent to use the GPU, read only on lines holding one of its wordings' words (not on every "cuda")
    ("I want to use cuda for the training", Obs.GPU_INTENT),
    ("I'd like the CUDA version of pytorch", Obs.GPU_INTENT),
    ("python main.py --use_cuda", Obs.GPU_INTENT),
]
NOT_OBSERVED = [
    ("/usr/local/cuda/bin/nvcc -D__CUDA_NO_HALF_OPERATORS__ -c csrc/flash_api.cu -o build/temp.linux-x86_64/flash_api.o",
     Obs.GPU_INTENT),
    ("Please follow the instructions at https://pytorch.org/get-started/locally/ to install PyTorch.",
     Obs.BUILD_CC_UNSUPPORTED),
    ("WARNING: The object store is using /dev/shm (64 GB available).", Obs.SHM_SIZE_WARNED),
    ("RuntimeError: Error named symbol not found at line 233 in file /src/csrc/ops.cu", Obs.CUDA_INIT_SYMBOL_MISSING),
    ("RuntimeError: CUDA error: no kernel image is available for execution on the device", Obs.EXTENSION_KERNEL_ERROR),
]
