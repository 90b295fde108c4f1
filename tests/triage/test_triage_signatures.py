"""Every signature of the catalogue is recognised in a realistic line, and not in near misses."""
import pytest

from cudacheck.triage import parse
from cudacheck.messages import MESSAGES

EXAMPLES = {
    "isolated_build": "  × Getting requirements to build wheel did not run successfully.",
    "cufft_internal_error": "RuntimeError: cuFFT error: CUFFT_INTERNAL_ERROR",
    "descriptors_exhausted": "RuntimeError: received 0 items of ancdata",
    "lightning_gpu_unused": "GPU available: True (cuda), used: False",
    "driver_api_symbol": "ImportError: libtriton.so: undefined symbol: cuTensorMapEncodeTiled",
    "cuda_not_supported": "RuntimeError: CUDA error: operation not supported",
    "compiler_predates_gpu": "'sm_120' is not a recognized processor for this target (ignoring processor)",
    "libcuda_link_missing": "/usr/bin/ld: cannot find -lcuda: No such file or directory",
    "image_platform_mismatch": "WARNING: The requested image's platform (linux/amd64) does not match the detected host "
                               "platform (linux/arm64/v8) and no specific platform was requested",
    "rendezvous_timeout": "torch.distributed.DistNetworkError: The client socket has timed out after 1800s while "
                          "trying to connect to (10.0.0.5, 29500).",
    "container_cgroup_devices": "stderr: nvidia-container-cli: mount error: open failed: /sys/fs/cgroup/devices/"
                                "user.slice/devices.allow: permission denied",
    "nccl_remote_error": "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
                         "ProcessGroupNCCL.cpp:1333, remote process exited or there was a network error, NCCL version "
                         "2.18.6",
    "multi_node_job": "deepspeed --num_gpus 2 --num_nodes 2 --master_addr 192.168.3.100 --hostfile hostfile train.py",
    "driver_too_old": "RuntimeError: The NVIDIA driver on your system is too old (found version 11020).",
    "driver_found_version": "...compiled with your version of the CUDA driver. (found version 10020)",
    "insufficient_driver": "RuntimeError: CUDA error: CUDA driver version is insufficient for CUDA runtime version",
    "unsupported_ptx": "CUDA error: the provided PTX was compiled with an unsupported toolchain.",
    "ngc_driver_too_old": "ERROR: This container was built for NVIDIA Driver Release 545.23 or later, but version "
                          "525.85.12 was detected",
    "forward_compat_804": "Error 804: forward compatibility was attempted on non supported HW",
    "container_requirement": "nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.6, please "
                             "update your driver",
    "forward_compat_enabled": "NOTE: CUDA Forward Compatibility mode ENABLED.",
    "smi_q_pending": "        Pending Page Blacklist            : Yes",
    "compat_libcuda_path": "\tlibcuda.so.1 (libc6,x86-64) => /usr/local/cuda/compat/libcuda.so.1",
    "fabricmanager_failed": "nvidia-fabricmanager-start.sh[2231]: fabric manager NVIDIA GPU driver interface version "
                            "535.104.05 don't match with driver version 535.129.03.",
    "semlock_permission": "    sl = self._semlock = _multiprocessing.SemLock(\nPermissionError: [Errno 13] "
                          "Permission denied",
    "ext_cuda_mismatch": "RuntimeError: Cuda extensions are being compiled with a version of Cuda that does not "
                         "match the version used to compile Pytorch binaries.  Pytorch binaries were compiled "
                         "with Cuda 11.7.",
    "smi_cannot_communicate": "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
    "nvml_driver_not_loaded": "Failed to initialize NVML: Driver Not Loaded",
    "no_nvidia_driver": "RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU",
    "kernel_module_failed": "modprobe: FATAL: Module nvidia not found in directory /lib/modules/6.8.0-45-generic "
                            "(could not insert 'nvidia')",
    "smi_not_found": "zsh: command not found: nvidia-smi",
    "nvml_library_missing": "NVIDIA-SMI couldn't find libnvidia-ml.so library in your system.",
    "libcuda_missing": "OSError: libcuda.so.1: cannot open shared object file: No such file or directory",
    "cuda_unknown_error": "RuntimeError: CUDA error: unknown error (cudaErrorUnknown)",
    "nvml_unknown_error": "Failed to initialize NVML: Unknown Error",
    "system_not_ready": "CUDA error: system not yet initialized",
    "nvml_version_mismatch": "Failed to initialize NVML: Driver/library version mismatch",
    "nvrm_api_mismatch": "NVRM: API mismatch: the client has the version 550.90.07, but this kernel module has the "
                         "version 550.54.15.",
    "cuda_803": "cudaGetDeviceCount() Error 803: system has unsupported display driver / cuda driver combination",
    "no_cuda_device": "RuntimeError: CUDA error: no CUDA-capable device is detected",
    "no_cuda_gpus": "RuntimeError: No CUDA GPUs are available",
    "docker_no_gpu_driver": 'docker: Error response from daemon: could not select device driver "" with '
                            'capabilities: [[gpu]].',
    "docker_unknown_runtime": "docker: Error response from daemon: unknown or invalid runtime name: nvidia.",
    "cdi_unresolvable": "Error: unresolvable CDI devices nvidia.com/gpu=all",
    "cuda_init_symbol_missing": "RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda "
                                "functions before calling NumCudaDevices() that might have already set an error? Error "
                                "500: named symbol not found",
    "ngc_no_driver": "WARNING: The NVIDIA Driver was not detected.  GPU functionality will not be available.",
    "smi_no_devices": "No devices were found",
    "cuda_init_failed": "UserWarning: CUDA initialization: CUDA driver initialization failed, you might not have a "
                        "CUDA gpu.",
    "devices_unavailable": "RuntimeError: CUDA error: CUDA-capable device(s) is/are busy or unavailable",
    "cuda_not_available": "RuntimeError: Attempting to deserialize object on a CUDA device but "
                          "torch.cuda.is_available() is False.",
    "no_kernel_image": "RuntimeError: CUDA error: no kernel image is available for execution on the device",
    "invalid_device_function": "RuntimeError: CUDA error: invalid device function",
    "gpu_not_compatible": "NVIDIA GeForce RTX 5080 with CUDA capability sm_120 is not compatible with the current "
                          "PyTorch installation.",
    "build_arch_list": "The current PyTorch install supports CUDA capabilities sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 "
                       "sm_90.",
    "gpu_too_old_torch": "PyTorch no longer supports this GPU because it is too old.",
    "gpu_dropped_stated": "Looks like the new wheels dropped support for my Quadro K5000",
    "found_gpu_capability": "Found GPU0 Tesla K80 which is of cuda capability 3.7.",
    "min_capability": "The minimum cuda capability supported by this library is 5.0.",
    "capability_range": "Minimum and Maximum cuda capability supported by this version of PyTorch is (7.0) - (12.0)",
    "gpu_requires_newer_cuda": "Found GPU0 GeForce RTX 3090 which requires CUDA_VERSION >= 11000 to work properly",
    "nvrtc_arch": "RuntimeError: nvrtc: error: invalid value for --gpu-architecture (-arch)",
    "ptxas_unknown_arch": "ptxas fatal   : Value 'sm_120' is not defined for option 'gpu-name'",
    "triton_gpu_too_old": "RuntimeError: Found NVIDIA GeForce GTX 1070 which is too old to be supported by the "
                          "triton GPU compiler, which is used as the backend.",
    "cudnn_arch_mismatch": "RuntimeError: cuDNN error: CUDNN_STATUS_ARCH_MISMATCH",
    "not_compiled_with_cuda": "AssertionError: Torch not compiled with CUDA enabled",
    "torch_c_import": "ImportError: cannot import name '_C' from partially initialized module 'torch'",
    "cudnn_cannot_load": "Could not locate cudnn_ops64_9.dll. Please make sure it is in your library path!",
    "cudnn_incompatible": "RuntimeError: cuDNN version incompatibility: PyTorch was compiled  against (8, 9, 2) but "
                          "found runtime version (8, 5, 0).",
    "cudnn_runtime_older": "E external/xla/xla/stream_executor/cuda/cuda_dnn.cc:439] Loaded runtime CuDNN library: "
                           "8.6.0 but source was compiled with: 8.9.4.",
    "cudnn_symbol": "OSError: libcudnn_cnn_infer.so.8: undefined symbol: cudnnGetLibConfig",
    "nccl_symbol": "ImportError: libtorch_cuda.so: undefined symbol: ncclCommWindowRegister",
    "gpu_legacy_driver": "NVRM: The NVIDIA GeForce GT 710 GPU installed in this system is supported through the "
                         "NVIDIA 470.xx Legacy drivers. Please visit http://www.nvidia.com/object/unix.html",
    "libtorch_on_loader_path": "To compile and use libtorch, I add libtorch/lib to $LD_LIBRARY_PATH.",
    "google_cloud": "Deployed on a GKE node pool with L4 GPUs (vllm/vllm-openai:v0.9.0)",
    "pod_no_gpu": "Warning  FailedScheduling  default-scheduler  0/2 nodes are available: 2 Insufficient "
                  "nvidia.com/gpu.",
    "nccl_version_mismatch": "node2:4411:4530 [1] NCCL WARN Mismatched NCCL version detected : rank 0 version 21903 "
                             "rank 1 version 22105",
    "gpu_capability_stated": "RuntimeError: Found Tesla P4 which is too old to be supported by the triton GPU "
                             "compiler ... but your device is of CUDA capability 6.1",
    "nccl_library_missing": "OSError: libnccl.so.2: cannot open shared object file: No such file or directory",
    "cuda_library_symbol": "ImportError: libtorch_cuda.so: undefined symbol: cublasLtGetStatusString, version "
                           "libcublasLt.so.12",
    "cuda_library_missing": "ImportError: libcudart.so.11.0: cannot open shared object file: No such file or directory",
    "undefined_reference_cuda": "libtorch_cuda.so: undefined reference to `cudaGraphInstantiateWithFlags@libcudart.so.12'",
    "windows_dll_load": 'OSError: [WinError 126] The specified module could not be found. Error loading '
                        '"C:\\Python311\\Lib\\site-packages\\torch\\lib\\fbgemm.dll" or one of its dependencies.',
    "torch_not_installed": "ModuleNotFoundError: No module named 'torch'",
    "detected_cuda_mismatch": "The detected CUDA version (12.4) mismatches the version that was used to compile "
                              "PyTorch (12.1). Please make sure to use the same CUDA versions.",
    "nvcc_unsupported_arch": "nvcc fatal   : Unsupported gpu architecture 'compute_89'",
    "cuda_home_missing": "OSError: CUDA_HOME environment variable is not set. Please set it to your CUDA install root.",
    "ext_needs_newer_nvcc": "RuntimeError: FlashAttention-3 is only supported on CUDA 12.3 and above",
    "toolkit_headers_mismatch": "/usr/local/cuda/include/cuda/std/__cccl/preprocessor.h:21:4: error: #error \"CUDA "
                                "compiler and toolkit headers are incompatible, please check your include paths\"",
    "nvcc_missing": "/bin/sh: 1: nvcc: not found",
    "cuda_home_list": "error: command '/usr/local/cuda:/usr/local/cuda-12.1/bin/nvcc' failed with exit code 1",
    "arch_list_invalid": "ValueError: Unknown CUDA arch (10.0+PTX) or GPU not supported",
    "allocator_config": "RuntimeError: Unrecognized CachingAllocator option: expandable_segment",
    "libuv_missing": "RuntimeError: use_libuv was requested but PyTorch was build without libuv support",
    "exclusive_process": "| N/A   41C    P0    62W / 300W |      0MiB / 81920MiB |      0%   E. Process |",
    "capability_required": "ValueError: Bfloat16 kernels require a GPU with compute capability >= 8.0",
    "gpu_throttled": "        HW Slowdown                       : Active",
    "environment_not_activated": "/var/spool/slurmd/job0042/slurm_script: line 9: conda: command not found",
    "unsupported_host_compiler": "#error -- unsupported GNU version! gcc versions later than 12 are not supported!",
    "torchvision_op_missing": "RuntimeError: operator torchvision::roi_align does not exist",
    "torchvision_cuda_mismatch": "RuntimeError: Detected that PyTorch and torchvision were compiled with different "
                                 "CUDA major versions. PyTorch has CUDA Version=12.1 and torchvision has CUDA "
                                 "Version=11.8.",
    "torchvision_extension": "UserWarning: Failed to load image Python extension: 'libc10_cuda.so: cannot open "
                             "shared object file'",
    "bus_error": "RuntimeError: DataLoader worker (pid 4321) is killed by signal: Bus error.",
    "torch_shm_write": "RuntimeError: unable to write to file </torch_1_2_3>: No space left on device (28)",
    "shm_failure": "NCCL WARN Error while creating shared memory segment /dev/shm/nccl-abc (size 9637888)",
    "nccl_system_error": "torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1691, unhandled "
                         "system error (run with NCCL_DEBUG=INFO for details)",
    "no_space_left": "OSError: [Errno 28] No space left on device",
    "build_cc_unsupported": "UserWarning: Found GPU0 Tesla P100-PCIE-16GB which is of compute capability (CC) 6.0.\n"
                            "The following list shows the CCs this version of PyTorch was built for and the hardware "
                            "CCs it supports:\n- 7.5 which supports hardware CC >=7.5,<8.0\n- 8.0 which supports "
                            "hardware CC >=8.0,<9.0 except {8.7}",
    "shm_size_warned": "WARNING: The object store is using /tmp instead of /dev/shm because /dev/shm has only "
                       "5368709120 bytes available. This will harm performance!",
    "dataloader_killed": "RuntimeError: DataLoader worker (pid 977) is killed by signal: Killed.",
    "xid": "[  331.229018] NVRM: Xid (PCI:0000:65:00): 48, pid=2212, name=python, DBE (0x00000002)",
    "fallen_off_bus": "Unable to determine the device handle for GPU0000:01:00.0: Unknown Error",
    "ecc_error": "RuntimeError: CUDA error: uncorrectable ECC error encountered",
    "bf16_unsupported": "TypeError: bf16 is not supported on this device (compute capability 6.1)",
    "flash_attention_arch": "RuntimeError: FlashAttention only supports Ampere GPUs or newer.",
    "fp8_unsupported": "AssertionError: FP8 is only supported on GPUs with compute capability >= 8.9",
    "cuda_oom": "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.50 GiB.",
    "oom_capacity": "Tried to allocate 20.00 MiB (GPU 0; 3.82 GiB total capacity; 2.9 GiB already allocated)",
    "device_side_assert": "RuntimeError: CUDA error: device-side assert triggered",
    "invalid_device_ordinal": "RuntimeError: CUDA error: invalid device ordinal",
    "illegal_memory_access": "RuntimeError: CUDA error: an illegal memory access was encountered",
    "launch_failure": "RuntimeError: CUDA error: unspecified launch failure",
    "device_mismatch": "RuntimeError: Expected all tensors to be on the same device, but found at least two devices",
    "cublas_status": "RuntimeError: CUDA error: CUBLAS_STATUS_EXECUTION_FAILED when calling `cublasSgemm( handle)`",
    "cudnn_status": "RuntimeError: cuDNN error: CUDNN_STATUS_NOT_INITIALIZED",
    "nccl_error": "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:219,"
                  " invalid usage, ncclInvalidUsage",
    "numpy_abi": "A module that was compiled using NumPy 1.x cannot be run in NumPy 2.0.0 as it may crash.",
    "graphics_device_name": "|   0  NVIDIA Graphics Device      Off | 00000000:01:00.0 Off |                  N/A |",
    "ngc_shm_default": "NOTE: The SHMEM allocation limit is set to the default of 64MB.  This may be",
    "dataloader_exited": "RuntimeError: DataLoader worker (pid(s) 4321) exited unexpectedly",
    "df_shm": "tmpfs            64M     0   64M   0% /dev/shm",
    "shm_size_stated": "Running in Kubernetes; the pod's /dev/shm is 64Mi.",
    "worker_segfault": "ERROR: Unexpected segmentation fault encountered in worker.",
    "smi_works_stated": "Windows 11, WSL2 Ubuntu 22.04 (nvidia-smi works inside WSL)",
    "torch_storage_sharing": '  File "/usr/lib/python3/site-packages/torch/multiprocessing/reductions.py", line 3, in x',
    "no_cuda_runtime": "No CUDA runtime is found, using CUDA_HOME='/usr/local/cuda'",
    "extension_building": "  Building wheel for flash-attn (setup.py) ... error",
    "torch_import_frame": '  File "/usr/lib/python3/dist-packages/torch/__init__.py", line 237, in <module>',
    "cuda_init_warning": "UserWarning: CUDA initialization: Unexpected error from cudaGetDeviceCount().",
    "driver_release_unsupported_gpu": "NVRM: The NVIDIA GPU 0000:01:00.0 (PCI ID: 10de:2b85) installed in this "
                                      "system is not supported by the NVIDIA 535.183.01 driver release.",
    "rm_init_failed": "NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x26:0xffff:1290)",
    "nouveau_bound": "\tKernel driver in use: nouveau",
    "windows_paging_file": "OSError: [WinError 1455] The paging file is too small for this operation to complete.",
    "glibcxx_missing": "ImportError: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.30' not found",
    "nccl_not_built": "RuntimeError: Distributed package doesn't have NCCL built in",
    "no_matching_torch": "ERROR: No matching distribution found for torch==1.12.1+cu113",
    "cudnn_no_engine": "RuntimeError: GET was unable to find an engine to execute this computation",
    "torch_library_missing": "OSError: libtorch_cuda_cu.so: cannot open shared object file: No such file or directory",
    # library paths, GPU health, NCCL and configuration
    "cuda_stub_library": "cudaGetDeviceCount() failed: CUDA driver is a stub library (error 34)",
    "windows_entry_point": "The procedure entry point cudnnGetErrorString could not be located in the dynamic link "
                           "library C:\\tools\\cuda\\bin\\cudnn_ops_infer64_8.dll.",
    "library_older_than_build": "RuntimeError: Unable to load cuSOLVER. Found cuSOLVER version 11405, but JAX was built "
                                "against version 11502, which is newer.",
    "ldd_not_found": "\tlibcufft.so.11 => not found",
    "gpu_fault_reported": "[ 8123.456] NVRM: GPU1 Timeout waiting for RPC from GSP! Expected function 10 (FREE)",
    "duplicate_gpu": "Duplicate GPU detected : rank 3 and rank 2 both on CUDA device 81000",
    "nccl_config_rejected": "NCCL WARN Invalid config blocking attribute value -2147483648",
    "nccl_load_failed": "ERROR 05-02 10:11:12 pynccl_wrapper.py:196] Failed to load NCCL library from libnccl.so.2 .",
    "provider_dll_failed": "[ONNXRuntimeError] : 1 : FAIL : LoadLibrary failed with error 126 \"\" when trying to load "
                           "\"C:\\app\\onnxruntime\\capi\\onnxruntime_providers_cuda.dll\"",
    "watchdog_timeout": "RuntimeError: CUDA error: the launch timed out and was terminated",
    "job_setting_missing": "ValueError: Error initializing torch.distributed using env:// rendezvous: environment "
                           "variable MASTER_ADDR expected, but not set",
    "build_tool_missing": "csrc/ops.cu:3:10: fatal error: cuda_runtime.h: No such file or directory",
    "docker_gpus_syntax": "docker: Error response from daemon: cannot set both Count and DeviceIDs on device request.",
    "smi_cuda_na": "| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: N/A      |",
    "no_hip_gpus": "  File \"/usr/local/lib/python3.11/site-packages/torch/cuda/__init__.py\", line 302, in _lazy_init\n"
                   "    torch._C._cuda_init()\nRuntimeError: No HIP GPUs are available",
    "workers_zero_works": "The DataLoader hangs with 8 workers; with num_workers=0 it runs fine.",
    "compose_too_old": "ERROR: The Compose file './docker-compose.yml' is invalid because:\nservices.app.deploy."
                       "resources.reservations value Additional properties are not allowed ('devices' was unexpected)",
    "docker_gpus_flag_unknown": "unknown flag: --gpus\nSee 'docker run --help'.",
    "docker_cdi_disabled": 'docker: Error response from daemon: could not select device driver "cdi" with capabilities: [].',
    "lspci_rev_ff": "65:00.0 VGA compatible controller: NVIDIA Corporation AD102 [GeForce RTX 4090] (rev ff)",
    "openmp_duplicate": "OMP: Error #15: Initializing libiomp5md.dll, but found libiomp5md.dll already initialized.",
    "windows_long_path": "HINT: This error might have occurred since this system does not have Windows Long Path "
                         "support enabled. You can find information on how to enable this at https://pip.pypa.io/warnings/enable-long-paths",
    "container_unknown_device": "nvidia-container-cli: device error: GPU-5f1c2b7e-0d3a-4c59-9e1f-2b8a7c6d5e4f: "
                                "unknown device: unknown",
    "driver_older_stated": "E0412 xla: The NVIDIA driver's CUDA version is 12.0 which is older than the ptxas CUDA "
                           "version (12.4.131).",
    "nvml_access_denied": "Failed to initialize NVML: Insufficient Permissions",
    "torch_own_symbol": "ImportError: /opt/conda/lib/python3.10/site-packages/torch/lib/libtorch_cpu.so: undefined "
                        "symbol: _ZN3c1010TensorImpl7releaseEv",
    "gpu_not_seen": "  warnings.warn(\"FP16 is not supported on CPU; using FP32 instead\")",
    "device_count_disagrees": "RuntimeError: device >= 0 && device < num_gpus INTERNAL ASSERT FAILED at "
                              "\"../aten/src/ATen/cuda/CUDAContext.cpp\":50, please report a bug to PyTorch.",
    "vllm_no_cache_memory": "ValueError: No available memory for the cache blocks. Try increasing "
                            "`gpu_memory_utilization` when initializing the engine.",
    "vllm_memory_share": "llm = LLM(model=\"mistral\", gpu_memory_utilization=0.1)",
    "daemon_runtime_configured": '        "path": "nvidia-container-runtime",',
    "docker_info_runtimes": " Runtimes: io.containerd.runc.v2 runc",
    "cuda_torch_uninstalled": "      Successfully uninstalled torch-2.1.2+cu121",
    "onnxruntime_no_cuda": "UserWarning: Specified provider 'CUDAExecutionProvider' is not in available provider "
                           "names.Available providers: 'AzureExecutionProvider, CPUExecutionProvider'",
    "arch_kernel_missing": "Error running sage attention: SM89 kernel is not available. Make sure you GPUs with compute "
                           "capability 8.9., using pytorch attention instead.",
}

# Lines that mention the same words without being the signature.
NEAR_MISSES = {
    "image_platform_mismatch": "the image's platform is linux/arm64, which matches this Jetson",
    "compiler_predates_gpu": "'znver5' is not a recognized processor for this target (ignoring processor)",  # a CPU
    "libcuda_link_missing": "/usr/bin/ld: cannot find -lcudart_static",  # the toolkit's runtime, not the driver's
    # a file system's refusal on a path that names CUDA, not CUDA's error 801
    "cuda_not_supported": "ln: failed to create symbolic link '/usr/local/cuda/lib64/libcudnn.so': Operation not "
                          "supported",
    "isolated_build": "Building wheels for collected packages: flash-attn",
    "cufft_internal_error": "RuntimeError: cuFFT error: CUFFT_INVALID_SIZE",
    "descriptors_exhausted": "the loader keeps too many files open at once, so I close them",
    "ext_needs_newer_nvcc": "BF16 is only supported on Ampere and above",  # a GPU's limit, not the toolkit's
    "toolkit_headers_mismatch": "the CUDA compiler and the host compiler versions are incompatible",
    "lightning_gpu_unused": "GPU available: True (cuda), used: True",
    "driver_api_symbol": "undefined symbol: cudaGraphInstantiateWithParams",
    "rendezvous_timeout": "The client socket has failed to connect to [localhost]:29500 (errno: 99)",
    "container_cgroup_devices": "cat /sys/fs/cgroup/devices/devices.list",
    "nccl_remote_error": "the remote process exited normally after saving the checkpoint",
    "multi_node_job": "torchrun --nnodes=1 --nproc_per_node=8 train.py",
    "driver_too_old": "PyTorch no longer supports this GPU because it is too old.",
    "insufficient_driver": "[Errno 35] Resource temporarily unavailable",
    "no_cuda_device": "Epoch 3: 100%|██████████| error 100% done",
    "no_space_left": "Free space on device: 12 GB",
    "dataloader_exited": "the DataLoader worker exited normally after the epoch",
    "arch_kernel_missing": "The fused kernel is not available on this platform, falling back.",
    "vllm_memory_share": "gpu_memory_utilization controls how much memory vLLM takes",
    "daemon_runtime_configured": "Where is daemon.json on Windows?",
    "docker_info_runtimes": "the runtimes: runc and crun are installed",
    "cuda_torch_uninstalled": "Successfully uninstalled torchvision-0.16.2+cu121",
    "onnxruntime_no_cuda": "Available providers: ['TensorrtExecutionProvider', 'CUDAExecutionProvider', "
                           "'CPUExecutionProvider']",
    "smi_cuda_na": "| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: 12.2     |",
    "no_hip_gpus": "No CUDA GPUs are available",  # CUDA's own words, read elsewhere
    "workers_zero_works": "with num_workers=0 it also fails with the same error",
    "compose_too_old": "Additional properties are not allowed ('shm_size' was unexpected)",  # another key
    "docker_gpus_flag_unknown": "unknown flag: --gpu-count",  # another flag the client does not know
    "docker_cdi_disabled": 'docker: Error response from daemon: could not select device driver "" with capabilities: '
                           '[[gpu]].',
    "extension_building": "I am building a wheel for my project; how do I run setup.py?",
    "df_shm": "/dev/shm is mounted with 64M",
    "shm_size_stated": "docker run --shm-size=64g and /dev/shm has 30G free",
    "worker_segfault": "Segmentation fault (core dumped) while loading the model",
    "smi_works_stated": "nvidia-smi works on the host but not inside WSL",
    "torch_storage_sharing": "tensor.share_memory_() keeps the tensor in shared memory",
    "build_cc_unsupported": "The following list shows the supported CUDA versions: 12.6, 12.8",
    "shm_size_warned": "shm_size: 16gb  # /dev/shm is large enough for the DataLoader workers",
    "cuda_init_symbol_missing": "RuntimeError: Error named symbol not found at line 233 in file /src/csrc/ops.cu",
    "smi_q_pending": "        Pending                           : No",
    "fabricmanager_failed": "Active: active (running) nvidia-fabricmanager.service - NVIDIA fabric manager service",
    "semlock_permission": "    sl = self._semlock = _multiprocessing.SemLock(",
    "flash_attention_arch": "Using FlashAttention 2 on A100 (sm80)",
    "nvcc_missing": "nvcc --version",
    "cuda_home_list": "building with /usr/local/cuda-12.1/bin/nvcc",
    "libuv_missing": "TCPStore created with use_libuv=False",
    "exclusive_process": "| N/A   41C    P0    62W / 300W |      0MiB / 81920MiB |      0%      Default |",
    "capability_required": "Minimum and Maximum cuda capability supported by this version of PyTorch is (3.7) - (9.0)",
    "gpu_throttled": "        HW Slowdown                       : Not Active",
    "smi_not_found": "nvidia-smi shows the GPU",
    "bf16_unsupported": "Using bf16 mixed precision",
    "cuda_oom": "Memory usage: 3 GiB of 24 GiB",
    "torch_c_import": "from torch import nn",
    "nccl_symbol": "NCCL INFO Bootstrap : Using eth0:10.0.0.2<0>",
    "nccl_version_mismatch": "NCCL INFO NCCL version 2.21.5+cuda12.4",
    "gpu_legacy_driver": "Install the legacy driver for old cards with apt",
    "pod_no_gpu": "0/2 nodes are available: 2 Insufficient memory.",
    "libtorch_on_loader_path": "I downloaded libtorch and built the C++ example; LD_LIBRARY_PATH is unset.",
    "google_cloud": "Running on AKS with the NVIDIA device plugin; image pulled from registry.gkebox.io/gcpx",
    "gpu_capability_stated": "Compute capability of the target: set TORCH_CUDA_ARCH_LIST",
    "gpu_not_compatible": "Your GPU is compatible with the current PyTorch installation.",
    "xid": "xid=42 in my own log format",
    "cudnn_cannot_load": 'OSError: [WinError 1455] The paging file is too small for this operation to complete. Error '
                         'loading "C:\\venv\\lib\\site-packages\\torch\\lib\\cudnn_cnn_infer64_8.dll" or one of '
                         'its dependencies.',
    "nouveau_bound": "Kernel modules: nvidiafb, nouveau",
    "cuda_stub_library": "OSError: [Errno 34] Numerical result out of range",
    "windows_entry_point": "The procedure entry point GetSystemTimePreciseAsFileTime could not be located in the "
                           "dynamic link library KERNEL32.dll",
    "library_older_than_build": "Found cuDNN version 8.9 in the environment",
    "ldd_not_found": "\tlibcublas.so.12 => /opt/venv/lib/python3.11/site-packages/nvidia/cublas/lib/libcublas.so.12",
    "gpu_fault_reported": "| Memory                    | Pass                                           |",
    "duplicate_gpu": "NCCL INFO comm 0x55d rank 1 nranks 2 cudaDev 1 busId 81000 - Init COMPLETE",
    "nccl_config_rejected": "ncclInvalidArgument: Invalid value for an argument.",
    "nccl_load_failed": "INFO 05-02 10:11:12 utils.py:580] Found nccl from library libnccl.so.2",
    "provider_dll_failed": "LoadLibrary failed with error 126 when trying to load \"C:\\plugins\\myplugin.dll\"",
    "watchdog_timeout": "The job timed out after 30 minutes on the cluster",
    "job_setting_missing": "MASTER_ADDR=10.0.0.1 MASTER_PORT=29500 torchrun --nproc_per_node=8 train.py",
    "build_tool_missing": "fatal error: my_kernels.h: No such file or directory",
    "container_unknown_device": "lsusb: unknown device 046d:c52b",
    "driver_older_stated": "The CUDA runtime version is older than the toolkit you built with",
    "nvml_access_denied": "chmod: insufficient permissions on /data",
    "torch_own_symbol": "ImportError: /opt/conda/lib/python3.10/site-packages/torch/lib/libtorch_cuda.so: undefined "
                        "symbol: cublasLtGetStatusString, version libcublasLt.so.12",
    "gpu_not_seen": "FP16 is supported on CUDA devices; using FP16",
    "device_count_disagrees": "RuntimeError: num_gpus <= 16 INTERNAL ASSERT FAILED at c10/cuda/CUDAStream.cpp:208",
}


def signatures_of(text):
    return {o.signature for o in parse(text).observations}


def test_every_signature_has_an_example():
    assert set(EXAMPLES) == {m.name for m in MESSAGES}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_signature_recognised(name):
    assert name in signatures_of(EXAMPLES[name])


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_signature_recognised_with_quote_prefix_and_windows_line_ends(name):
    assert name in signatures_of("> " + EXAMPLES[name] + "\r\n> next line\r\n")


@pytest.mark.parametrize("name", sorted(NEAR_MISSES))
def test_near_miss_is_not_the_signature(name):
    assert name not in signatures_of(NEAR_MISSES[name])


@pytest.mark.parametrize("line", [
    "AssertionError: CUDA unavailable, invalid device 0 requested",
    "UserWarning: User provided device_type of 'cuda', but CUDA is not available. Disabling",
    "torch.cuda.is_available() returns False",
    "在docker容器里torch.cuda.is_available()一直返回False",
    "torch.cuda.is_available()がFalseになります",
    "torch.cuda.is_available() возвращает False",
    "torch.cuda.is_available() devuelve False en WSL",
    "RuntimeError: Device string must not be empty (platform: UnspecifiedPlatform)",
])
def test_cuda_unavailable_phrasings(line):
    assert "cuda_not_available" in signatures_of(line)


@pytest.mark.parametrize("line", ["torch.cuda.is_available() 返回 True", "torch.cuda.is_available()がTrueです",
                                  "torch.cuda.is_available() возвращает True"])
def test_cuda_available_in_other_languages_is_not_unavailable(line):
    assert "cuda_not_available" not in signatures_of(line)


@pytest.mark.parametrize("line", ["AssertionError: Torch not compiled with CUDA enabled",
                                  "RuntimeError: PyTorch was compiled without CUDA support"])
def test_not_compiled_phrasings(line):
    assert "not_compiled_with_cuda" in signatures_of(line)


def test_successfully_opened_library_is_not_a_failure():
    assert "cudnn_cannot_load" not in signatures_of("Successfully opened dynamic library libcudnn.so.8")


def test_facts_stated_by_messages():
    s = parse(EXAMPLES["driver_too_old"] + "\n" + EXAMPLES["gpu_not_compatible"] + "\n" + EXAMPLES["build_arch_list"])
    assert s.cuda_driver.driver_version == "11.2"
    assert s.nvml.gpus[0].compute_capability == "12.0"
    assert s.torch.arch_list == ["sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"]
    assert parse(EXAMPLES["system_not_ready"]).cuda_driver.init_code == 802
    assert parse(EXAMPLES["cuda_803"]).cuda_driver.init_code == 803
    assert parse(EXAMPLES["ngc_driver_too_old"]).nvml.driver_version == "525.85.12"
    mismatch = parse(EXAMPLES["detected_cuda_mismatch"])
    assert (mismatch.libraries.nvcc_version, mismatch.torch.cuda) == ("12.4", "12.1")


def test_wrapped_message_across_lines():
    s = parse("The detected CUDA version (11.2) mismatches the version that was used to compile\n    PyTorch (10.2).")
    assert s.torch.cuda == "10.2"


def test_repeated_lines_are_counted_and_stored_once():
    s = parse("\n".join([EXAMPLES["bus_error"]] * 500))
    kept = [o for o in s.observations if o.signature == "bus_error"]
    assert len(kept) == 1 and kept[0].values["count"] == "500" and kept[0].line == 1


def test_different_lines_of_one_kind_keep_the_first_three_and_count_all():
    lines = [EXAMPLES["bus_error"].replace("4321", str(pid)) for pid in (11, 12, 11, 13, 14, 12)]
    kept = [o for o in parse("\n".join(lines)).observations if o.signature == "bus_error"]
    assert [o.line for o in kept] == [1, 2, 4] and kept[0].values["count"] == "6"


def _real_lines():
    """Every line of the development reports and of the examples above (the holdout is not read)."""
    import json
    from pathlib import Path

    lines = [line for text in EXAMPLES.values() for line in text.splitlines()]
    for path in sorted((Path(__file__).resolve().parents[1] / "data" / "reports" / "dev").glob("*.json")):
        for text in json.loads(path.read_text(encoding="utf-8"))["inputs"].values():
            lines.extend(text.splitlines())
    return lines


@pytest.mark.parametrize("message", [m for m in MESSAGES if m.needs], ids=lambda m: m.name)
def test_a_message_needs_only_what_every_match_holds(message):
    """``needs`` only skips lines that cannot match: every real line the expression matches holds one of them."""
    matched = [line for line in _real_lines() if message.pattern.search(line)]
    assert all(message.may_match(line.lower()) for line in matched)
    assert message.may_match(EXAMPLES[message.name].lower())


@pytest.mark.parametrize("message", [m for m in MESSAGES if m.needs], ids=lambda m: m.name)
def test_a_line_without_a_need_is_skipped(message):
    assert not message.may_match("-gencode arch=compute_80,code=sm_80 /usr/local/cuda/bin/nvcc flash_bwd_bf16.cu")
