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
    # a trainer's own start-up line naming the device accelerate gave it (kohya's, after a logger's time and level)
    ("2024-05-01 10:00:01 INFO     accelerator device: cpu                    train_network.py:262\n"
     "Training is stuck at 0%", "cpu_only_torch", "CPU-only torch"),
    # torch's Windows builds have no NCCL, in the writer's words
    ("看了下报错原因是不支持nccl，可否提供选项或者自动判断作业系统改用gloo?", "config", "no NCCL"),
    ("Training with ddp fails: NCCL is not supported on Windows", "config", "no NCCL"),
    # NCCL's invalid usage where the report says there is one GPU: two ranks share it
    ("RuntimeError: NCCL error: invalid usage\nCUDA_VISIBLE_DEVICES=0 trl vllm-serve --model Qwen3-4B\n"
     "Does the server mode work when I have only one GPU?", "config", "Two ranks run on the same GPU"),
    # the linker wanting libcuda while an extension builds: a link path, not the driver
    ("/usr/bin/ld: cannot find -lcuda\ncollect2: error: ld returned 1 exit status\nI cannot find a libcuda.so in "
     "/usr/local/cuda-11.3/lib64/, only in stubs", "config", "libcuda"),
    # a kernel launched on the GPU by the program, a CPU build in the Python the writer checked
    ("CUDA error: no kernel image is available for execution on the device\n"
     "C:\\App\\ComfyUI>python -c \"import torch; print(torch.__version__); print(torch.version.cuda)\"\n2.6.0+cpu\nNone",
     "arch_not_in_build", "no kernels"),
    # a library only torch 1.10–1.12 had (torch's CUDA library split in two): the compiled package the report names,
    # a companion only where it alone is named, an unnamed extension otherwise
    ("ImportError: libtorch_cuda_cu.so: cannot open shared object file: No such file or directory\n"
     "torch.cuda.is_available() is True. I reinstalled mmcv with mim, no difference", "extension_mismatch", "mmcv"),
    ("Installing the wrapper broke importing torchaudio in Colab:\nOSError: libtorch_cuda_cpp.so: cannot open "
     "shared object file: No such file or directory", "torchvision_mismatch", "torchaudio"),
    ("ERROR tests/unit/plot_test.py - OSError: libtorch_cuda_cu.so: cannot open shared object file: No such file or "
     "directory", "extension_mismatch", "needs libtorch_cuda_cu.so"),
    # the writer saying it does not work, in other languages, with a GPU only the newest torch supports
    ("RVC1006Nvidia が 5090 rtx で動作しないのはなぜですか?", "arch_not_in_build", "sm_120"),
    ("我的 RTX 5080 用不了这个整合包", "arch_not_in_build", "sm_120"),
    ("El programa no funciona con mi RTX 5070", "arch_not_in_build", "sm_120"),
    # a GeForce series whose cards share one architecture stands for its cards; asking for support says it fails
    ("it does not work on RTX 50 series cards", "arch_not_in_build", "GeForce RTX 50 series (sm_120)"),
    ("大佬可以出个50系能用的整合包或者简单写个教程吗？", "arch_not_in_build", "sm_120"),
    ("GTX 10 series cards stopped working after the update", "gpu_too_old_for_build", "sm_61"),
    ("Could you add support for the RTX 5080? The app is great otherwise", "arch_not_in_build", "sm_120"),
    # cuBLAS refusing a bfloat16 GEMM: a GPU without bf16 (before Ampere)
    ("RuntimeError: CUDA error: CUBLAS_STATUS_NOT_SUPPORTED when calling `cublasGemmStridedBatchedEx(handle, opa, opb, "
     "(int)m, (int)n, (int)k, (void*)&falpha, a, CUDA_R_16BF, (int)lda, stridea, b, CUDA_R_16BF, (int)ldb, strideb, "
     "(void*)&fbeta, c, CUDA_R_16BF, (int)ldc, stridec, (int)num_batches, CUDA_R_32F, CUBLAS_GEMM_DEFAULT_TENSOR_OP)`",
     "capability_missing", "bfloat16"),
    # an image (or program) for another CPU architecture: an amd64 image on a Jetson
    ("sudo docker run -it --gpus all -p 8080:8080 snowzach/doods:cuda\nWARNING: The requested image's platform "
     "(linux/amd64) does not match the detected host platform (linux/arm64/v8) and no specific platform was requested\n"
     "docker: Error response from daemon: OCI runtime create failed", "config", "another CPU architecture"),
    # a kernel error where the one GPU library named is ONNX Runtime's GPU package: its own CUDA build lacks the GPU
    ("no kernel image is available for execution on the device\n\nrtx 5090 laptop, wan2.2 animate, DWPreprocessor, "
     "onnxruntime-gpu", "extension_mismatch", "onnxruntime-gpu has no kernels"),
    # a CUDA library missing while ONNX Runtime's GPU package imports: that package's build, not the loader path
    ("Traceback (most recent call last):\n  File \"/home/u/venv/lib/python3.10/site-packages/onnxruntime/capi/"
     "_pybind_state.py\", line 32, in <module>\n    from .onnxruntime_pybind11_state import *\nImportError: "
     "libcublasLt.so.11: cannot open shared object file: No such file or directory", "extension_mismatch",
     "onnxruntime-gpu's compiled code does not load"),
    # a choice denied is no choice: the CPU build on a machine with a GPU stays an error
    ("torch 2.4.1+cpu\nnvidia-smi shows RTX 4070\nI did not install the CPU build on purpose, pip picked it",
     "cpu_only_torch", "CPU-only build"),
    # LLVM (Triton's compiler) not knowing the GPU: a Triton older than the GPU, though torch supports it
    ("Torch Version 2.7.0.dev20250310+cu128\n'sm_120' is not a recognized processor for this target (ignoring "
     "processor)\nLLVM ERROR: Cannot select: intrinsic %llvm.nvvm.shfl.sync.bfly.i32", "extension_mismatch",
     "LLVM does not know sm_120"),
]

NOT_LEADS = [
    # a CPU build the report says is chosen on purpose, on a machine with a GPU: an info, no error or warning
    ("PyTorch version: 2.3.0+cpu\nGPU models and configuration: GPU 0: NVIDIA GeForce RTX 3060\nI installed the CPU "
     "build on purpose because this is only for exporting the model to ONNX.", "cpu_only_torch"),
    # cuBLAS's NOT_SUPPORTED for a float32 GEMM is not bf16's
    ("RuntimeError: CUDA error: CUBLAS_STATUS_NOT_SUPPORTED when calling `cublasSgemmStridedBatched( handle, opa, opb, "
     "m, n, k, &alpha, a, lda, stridea, b, ldb, strideb, &beta, c, ldc, stridec, num_batches)`", "capability_missing"),
    # a series named where the paste shows a torch that supports it: the series alone says nothing more
    ("torch 2.7.1+cu128\nit does not work on RTX 50 series cards", "arch_not_in_build"),
    # support asked for something else than a GPU: no GPU, no lead
    ("We need support for Windows, the app is great otherwise", "arch_not_in_build"),
    # the writer asking to run without NVIDIA's stack, a CPU torch on purpose: neither a driver nor a CPU build to fix
    ("RuntimeError: Found no NVIDIA driver on your system.\nI tried running this on Linux with the cpu-only version of "
     "Torch. Is it possible to test this without CUDA/NVIDIA?", "driver_not_loaded"),
    ("RuntimeError: Found no NVIDIA driver on your system.\nI tried running this on Linux with the cpu-only version of "
     "Torch. Is it possible to test this without CUDA/NVIDIA?", "cpu_only_torch"),
    # a GPU the newest torch series support, said in passing with no failure: nothing to lead with
    ("RTX 5090 で動作確認済みです", "arch_not_in_build"),
    # NCCL's invalid usage with several GPUs said: the program's own call, not two ranks on one GPU
    ("RuntimeError: NCCL error: invalid usage\nI train on 4 GPUs with torchrun", "config"),
    # the program itself saying its torch has no CUDA, with a kernel error elsewhere: still the CPU build's paste
    ("AssertionError: Torch not compiled with CUDA enabled\nCUDA error: no kernel image is available for execution "
     "on the device", "arch_not_in_build"),
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
    ("accelerator device: cpu", Obs.GPU_NOT_SEEN),
    ("/usr/bin/ld: cannot find -lcuda: No such file or directory", Obs.LIBCUDA_LINK_MISSING),
    ("NCCL is not available on Windows, use gloo", Obs.NCCL_NOT_BUILT),
    ("Using device: cuda", Obs.CUDA_AVAILABLE),
    ("We deliberately use the CPU wheel in this image to keep it small", Obs.CPU_BUILD_INTENDED),
    ("Is there a way to run it without CUDA on my laptop?", Obs.NO_NVIDIA_GPU),
    ("I updated the driver but still get: CUDA driver version is insufficient for CUDA runtime version",
     Obs.INSUFFICIENT_DRIVER),
]

NOT_OBSERVED = [
    ("OSError: [Errno 95] Operation not supported: '/mnt/data/checkpoints'", Obs.CUDA_NOT_SUPPORTED),
    ("ln: failed to create symbolic link '/usr/local/cuda/lib64/libcudnn.so': Operation not supported",
     Obs.CUDA_NOT_SUPPORTED),
    ("The grid search over learning rates ran on the GPU", Obs.VGPU),
    ("plt.grid(True)  # the GPU memory plot", Obs.VGPU),
    ("accelerator device: cuda", Obs.GPU_NOT_SEEN),
    ("device: cpu  # the CPU is what I want here", Obs.GPU_NOT_SEEN),
    ("NCCL is not available yet because the job has not started", Obs.NCCL_NOT_BUILT),
    ("Earlier I had \"CUDA driver version is insufficient for CUDA runtime version\", now it works again",
     Obs.INSUFFICIENT_DRIVER),
    ("Using device: cuda if available, else cpu", Obs.CUDA_AVAILABLE),
    ("I did not install the CPU build on purpose, pip picked it", Obs.CPU_BUILD_INTENDED),
    ("It runs on the CPU instead of the GPU, not as intended", Obs.CPU_BUILD_INTENDED),
    ("torch was compiled without CUDA, how do I get the GPU build?", Obs.NO_NVIDIA_GPU),
]

# --- rules that must stay silent: (text, code) ----------------------------------------------------------------------
SILENT = [
    # a CUDA library an extension's import misses is the extension's (CC825), not a second loader-path finding
    ("  File \"/venv/lib/python3.10/site-packages/onnxruntime/capi/_pybind_state.py\", line 32, in <module>\n"
     "    from .onnxruntime_pybind11_state import *\nImportError: libcublasLt.so.11: cannot open shared object file: "
     "No such file or directory", "CC811"),
    # a CPU build the report says is meant (a CPU-only CI job) on a machine with a GPU: no CPU-only finding from CC807
    ("Is CUDA available: False\nCUDA used to build PyTorch: None\nGPU models and configuration: GPU 0: Tesla T4\n"
     "The CI job runs the CPU tests only, as intended. test_onnx_export fails with AssertionError.", "CC807"),
    # collect_env's placeholder for a value it did not find is no failure of cuDNN
    ("PyTorch version: 2.3.1+cu121\nIs CUDA available: True\nGPU models and configuration: GPU 0: NVIDIA GeForce RTX "
     "3060\nNvidia driver version: 545.29.06\ncuDNN version: Could not collect", "CC827"),
    # an error the writer says is over is not the problem reported
    ("Previously I got \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver\" but after a "
     "reboot that is gone and nvidia-smi works. Now inference is slow on the 4090.", "CC102"),
    ("Earlier the error was \"CUDA driver version is insufficient for CUDA runtime version\", fixed after updating the "
     "driver to 550. The current problem: the loss does not decrease.", "CC801"),
    ("The nvidia driver was not loaded after the kernel update; I reinstalled it with dkms and nvidia-smi works again "
     "(driver 550.54.15). How do I enable flash attention?", "CC827"),
    # an error the writer calls expected where it shows ("which is normal" on a login node)
    ("On the login node nvidia-smi: command not found, which is normal; the job on the compute node with --gres=gpu:1 "
     "sees the GPU. The job fails with FileNotFoundError: data/train.json", "CC804"),
    # a library's probe missing libcuda where the program's own start-up line says it got the GPU
    ("WARNING Could not find libcuda.so, falling back to CPU for the tokenizer\nUsing device: cuda\n"
     "RuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!",
     "CC802"),
    # the linker wanting libcuda while building: no missing driver
    ("/usr/bin/ld: cannot find -lcuda\ncollect2: error: ld returned 1 exit status\nI cannot find a libcuda.so in "
     "/usr/local/cuda-11.3/lib64/", "CC802"),
    # the driver is not shown: 801 has other causes (WSL, a vGPU, an allocator the GPU lacks), no driver guess
    ("RuntimeError: CUDA error: operation not supported\nCUDA kernel errors might be asynchronously reported",
     "CC801"),
    ("Driver Version: 550.54.15\nRuntimeError: CUDA error: operation not supported", "CC801"),
    # a vGPU guest without the error: nothing to say about its driver
    ("GPU 0: NVIDIA A10-24Q\nDriver Version: 550.54.15\nPyTorch version: 2.4.0+cu124\nIs CUDA available: True",
     "CC802"),
]
