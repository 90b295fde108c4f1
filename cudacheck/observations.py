"""The vocabulary of observations: what pasted text (or a child's error output) can show
besides facts, each with the category it points to.

An observation is a recognised message ("no kernel image is available"), a situation the
text reveals (a Kubernetes pod, WSL, a Slurm job) or the context of a fact (a `docker
run` line, an install command). Importers produce them and rules read them, both through
:class:`Obs`, so a misspelt name fails where it is written instead of silently never
matching; ``tests/triage/test_vocabulary.py`` checks that every member is produced by
triage and read by a rule.

Each member carries a ``category``: a diagnosis category of :mod:`cudacheck.vocabulary`
(the cause the message points to), ``"application"`` (the program's own error on a
healthy environment), ``"situation"`` (where the program runs) or ``"context"`` (a fact's
surroundings, read as evidence by the rules).
"""
from __future__ import annotations

from enum import Enum
from typing import Dict

APPLICATION = "application"
SITUATION = "situation"
CONTEXT = "context"
KINDS = (APPLICATION, SITUATION, CONTEXT)
"""The categories an observation may have besides the diagnosis categories."""


class Obs(str, Enum):
    """Every observation triage can make; ``value`` is the name stored in a Snapshot."""

    category: str
    summary: str

    def __new__(cls, value: str, category: str, summary: str) -> "Obs":
        member = str.__new__(cls, value)
        member._value_ = value
        member.category = category
        member.summary = summary
        return member

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    def __hash__(self) -> int:  # hash like the name, so a stored Snapshot's plain strings look members up
        return str.__hash__(self)

    # --- driver too old -------------------------------------------------------------------
    DRIVER_TOO_OLD = ("driver_too_old", "driver_too_old", "torch: the NVIDIA driver is too old for this build")
    DRIVER_FOUND_VERSION = ("driver_found_version", "driver_too_old", "the driver's CUDA version as torch found it")
    INSUFFICIENT_DRIVER = ("insufficient_driver", "driver_too_old",
                           "CUDA error 35: the driver is older than the CUDA runtime")
    DRIVER_API_SYMBOL = ("driver_api_symbol", "driver_too_old",
                         "a library calls a CUDA driver API function libcuda does not export (undefined symbol: "
                         "cuGreenCtxDestroy): the driver is older than the CUDA the library was built for")
    UNSUPPORTED_PTX = ("unsupported_ptx", "driver_too_old", "CUDA error 222: PTX from a newer toolkit than the driver")
    CUDA_NOT_SUPPORTED = ("cuda_not_supported", "driver_too_old",
                          "CUDA error 801 (operation not supported): a feature the driver, WSL or a vGPU lacks")
    NGC_DRIVER_TOO_OLD = ("ngc_driver_too_old", "driver_too_old",
                          "NGC container: the host driver is older than the image needs")
    FORWARD_COMPAT_804 = ("forward_compat_804", "driver_too_old",
                          "CUDA error 804: forward-compatibility libraries on an unsupported GPU")
    CONTAINER_REQUIREMENT = ("container_requirement", "container_requirement_unsatisfied",
                             "nvidia-container-cli: the image's NVIDIA_REQUIRE_CUDA is not met")
    DRIVER_RELEASE_UNSUPPORTED_GPU = ("driver_release_unsupported_gpu", "driver_too_old",
                                      "the driver release does not support this GPU")
    GRAPHICS_DEVICE_NAME = ("graphics_device_name", "driver_too_old",
                            "the driver does not know this GPU's name (driver older than the GPU)")
    COMPAT_LIBCUDA_PATH = ("compat_libcuda_path", CONTEXT, "cuda-compat's libcuda is on the pasted loader path")
    FORWARD_COMPAT_ENABLED = ("forward_compat_enabled", CONTEXT, "NGC container runs through forward compatibility")

    # --- driver not loaded / no driver ------------------------------------------------------
    SMI_CANNOT_COMMUNICATE = ("smi_cannot_communicate", "driver_not_loaded",
                              "nvidia-smi cannot reach the kernel driver")
    NVML_DRIVER_NOT_LOADED = ("nvml_driver_not_loaded", "driver_not_loaded", "NVML: the kernel driver is not loaded")
    NO_NVIDIA_DRIVER = ("no_nvidia_driver", "driver_not_loaded", "torch found no NVIDIA driver")
    KERNEL_MODULE_FAILED = ("kernel_module_failed", "driver_not_loaded", "the NVIDIA kernel module could not be loaded")
    RM_INIT_FAILED = ("rm_init_failed", "driver_not_loaded", "the driver could not initialise the GPU")
    NOUVEAU_BOUND = ("nouveau_bound", "driver_not_loaded", "the open-source nouveau driver holds the GPU")
    SMI_NOT_FOUND = ("smi_not_found", "driver_not_loaded", "nvidia-smi is not installed or not on PATH")
    NVML_LIBRARY_MISSING = ("nvml_library_missing", "driver_not_loaded", "the NVML driver library is missing")
    LIBCUDA_MISSING = ("libcuda_missing", "driver_not_loaded", "the CUDA driver library libcuda.so.1 is missing")
    CUDA_UNKNOWN_ERROR = ("cuda_unknown_error", "driver_not_loaded", "CUDA error 999 (unknown error)")
    NVML_UNKNOWN_ERROR = ("nvml_unknown_error", "driver_not_loaded", "NVML: unknown error")
    CUDA_INIT_FAILED = ("cuda_init_failed", "driver_not_loaded", "CUDA could not initialise the driver")

    # --- Fabric Manager -----------------------------------------------------------------------
    SYSTEM_NOT_READY = ("system_not_ready", "fabricmanager_missing",
                        "CUDA error 802: system not yet initialized (Fabric Manager)")
    FABRICMANAGER_FAILED = ("fabricmanager_failed", "fabricmanager_missing",
                            "the NVIDIA Fabric Manager service is not running")

    # --- driver/library mismatch --------------------------------------------------------------
    NVML_VERSION_MISMATCH = ("nvml_version_mismatch", "driver_library_mismatch",
                             "NVML: driver/library version mismatch")
    NVRM_API_MISMATCH = ("nvrm_api_mismatch", "driver_library_mismatch",
                         "kernel module and client driver versions differ")
    CUDA_803 = ("cuda_803", "driver_library_mismatch", "CUDA error 803: display driver and CUDA driver differ")

    # --- no GPU visible --------------------------------------------------------------------------
    NO_CUDA_DEVICE = ("no_cuda_device", "no_gpu_visible", "CUDA error 100: no CUDA-capable device")
    NO_CUDA_GPUS = ("no_cuda_gpus", "no_gpu_visible", "torch: no CUDA GPUs are available")
    DOCKER_NO_GPU_DRIVER = ("docker_no_gpu_driver", "no_gpu_visible",
                            "Docker has no GPU device driver (NVIDIA Container Toolkit missing or not configured)")
    DOCKER_UNKNOWN_RUNTIME = ("docker_unknown_runtime", "no_gpu_visible", "Docker does not know the nvidia runtime")
    DAEMON_RUNTIME_CONFIGURED = ("daemon_runtime_configured", CONTEXT,
                                 "Docker's daemon.json registers the nvidia runtime (or the report says it was edited)")
    DOCKER_INFO_RUNTIMES = ("docker_info_runtimes", CONTEXT, "`docker info` lists the runtimes the daemon has loaded")
    CDI_UNRESOLVABLE = ("cdi_unresolvable", "no_gpu_visible", "CDI GPU devices cannot be resolved")
    CUDA_INIT_SYMBOL_MISSING = ("cuda_init_symbol_missing", "no_gpu_visible",
                                "CUDA's start fails with error 500 'named symbol not found' (a WSL2 container without the "
                                "Windows driver's newer libraries)")
    NGC_NO_DRIVER = ("ngc_no_driver", "no_gpu_visible", "the container was started without GPU access")
    SMI_NO_DEVICES = ("smi_no_devices", "no_gpu_visible", "nvidia-smi found no GPU")
    BUILD_WITHOUT_GPU = ("build_without_gpu", "no_gpu_visible",
                         "the report: the GPU or CUDA is not found while the container image builds")
    POD_NO_GPU = ("pod_no_gpu", "no_gpu_visible",
                  "Kubernetes finds no node with a free nvidia.com/gpu (device plugin not advertising GPUs, or all taken)")
    DEVICES_UNAVAILABLE = ("devices_unavailable", "no_gpu_visible",
                           "the GPU is busy or reserved (compute mode, another process)")
    CUDA_NOT_AVAILABLE = ("cuda_not_available", CONTEXT, "CUDA is reported unavailable")

    # --- the build and the GPU's architecture ---------------------------------------------------
    NO_KERNEL_IMAGE = ("no_kernel_image", "arch_not_in_build", "no kernel image is available for execution on the device")
    INVALID_DEVICE_FUNCTION = ("invalid_device_function", "arch_not_in_build", "CUDA: invalid device function")
    GPU_NOT_COMPATIBLE = ("gpu_not_compatible", "arch_not_in_build", "torch: this GPU's architecture is not in the build")
    BUILD_ARCH_LIST = ("build_arch_list", CONTEXT, "the arch list the torch build was compiled for")
    BUILD_CC_UNSUPPORTED = ("build_cc_unsupported", "arch_not_in_build",
                            "torch: no compute capability the build was made for runs on this GPU (its list of the "
                            "build's CCs, or its advice to install a release for other CUDA versions)")
    GPU_TOO_OLD_TORCH = ("gpu_too_old_torch", "gpu_too_old_for_build", "torch: this GPU is too old for the build")
    FOUND_GPU_CAPABILITY = ("found_gpu_capability", CONTEXT, "torch names a GPU and its compute capability")
    MIN_CAPABILITY = ("min_capability", "gpu_too_old_for_build",
                      "torch: the lowest compute capability this build supports")
    CAPABILITY_RANGE = ("capability_range", CONTEXT, "torch: the compute capability range of this build")
    GPU_REQUIRES_NEWER_CUDA = ("gpu_requires_newer_cuda", "arch_not_in_build",
                               "torch: the GPU needs a build with a newer CUDA")
    NVRTC_ARCH = ("nvrtc_arch", "arch_not_in_build", "NVRTC does not know this GPU's architecture")
    PTXAS_UNKNOWN_ARCH = ("ptxas_unknown_arch", "arch_not_in_build", "ptxas does not know this GPU's architecture")
    COMPILER_PREDATES_GPU = ("compiler_predates_gpu", "extension_mismatch",
                             "LLVM (Triton's GPU compiler) does not know the GPU's architecture: 'sm_120' is not a "
                             "recognized processor")
    TRITON_GPU_TOO_OLD = ("triton_gpu_too_old", "capability_missing",
                          "Triton (torch.compile) does not support this GPU")
    GPU_CAPABILITY_STATED = ("gpu_capability_stated", CONTEXT, "an error message states the GPU's compute capability")
    GPU_LEGACY_DRIVER = ("gpu_legacy_driver", "gpu_too_old_for_build",
                         "the installed driver ignores this GPU: only a legacy driver branch supports it")
    CUDNN_ARCH_MISMATCH = ("cudnn_arch_mismatch", "gpu_too_old_for_build",
                           "cuDNN does not support this GPU's architecture")

    # --- the torch build and its installs -------------------------------------------------------
    NOT_COMPILED_WITH_CUDA = ("not_compiled_with_cuda", "cpu_only_torch", "torch is a CPU-only build")
    TORCH_CUDA_NONE = ("torch_cuda_none", "cpu_only_torch", "torch.version.cuda is None (a CPU-only build)")
    CPU_BUILD_STATED = ("cpu_build_stated", "cpu_only_torch", "the report says a CPU build of torch is installed")
    CONDA_CPUONLY = ("conda_cpuonly", "cpu_only_torch", "conda's cpuonly package is installed")
    CUDA_TORCH_UNINSTALLED = ("cuda_torch_uninstalled", CONTEXT,
                              "pip uninstalls a CUDA build of torch (+cuXYZ) to install another torch")
    TORCH_C_IMPORT = ("torch_c_import", "multiple_torch_installs",
                      "a local torch/ folder or a broken second install shadows torch")
    TORCH_OWN_SYMBOL = ("torch_own_symbol", "multiple_torch_installs",
                        "one of torch's own libraries misses a torch symbol: files of two torch builds are mixed")
    TORCH_NOT_INSTALLED = ("torch_not_installed", "multiple_torch_installs", "Python does not find torch at all")
    TORCH_USER_SITE = ("torch_user_site", "multiple_torch_installs", "torch is imported from the user site")
    MULTIPLE_INSTALLS_STATED = ("multiple_installs_stated", "multiple_torch_installs",
                                "the report says torch is installed more than once (pip and conda, GPU and CPU)")
    TORCH_VERSION_CONFLICT = ("torch_version_conflict", "multiple_torch_installs",
                              "the imported torch differs from the one the report says is installed")
    TORCH_VERSION = ("torch_version", CONTEXT, "a torch version without its CUDA build")
    TORCH_VERSION_IMPORTED = ("torch_version_imported", CONTEXT, "a Python session prints torch.__version__")

    # --- cuDNN ------------------------------------------------------------------------------------
    CUDNN_CANNOT_LOAD = ("cudnn_cannot_load", "cudnn_missing", "a cuDNN library cannot be loaded")
    CUDNN_INCOMPATIBLE = ("cudnn_incompatible", "cudnn_version_mismatch", "torch refuses the cuDNN it loaded")
    CUDNN_RUNTIME_OLDER = ("cudnn_runtime_older", "cudnn_version_mismatch",
                           "the framework loaded an older cuDNN than it was built with")
    CUDNN_SYMBOL = ("cudnn_symbol", "cudnn_version_mismatch", "a cuDNN symbol is missing")

    # --- NCCL and other CUDA libraries --------------------------------------------------------------
    NCCL_SYMBOL = ("nccl_symbol", "nccl_mismatch", "the loaded libnccl lacks a symbol torch needs")
    NCCL_LIBRARY_MISSING = ("nccl_library_missing", "nccl_mismatch", "libnccl cannot be loaded")
    NCCL_VERSION_MISMATCH = ("nccl_version_mismatch", "nccl_mismatch", "ranks or peers run different NCCL versions")
    CUDA_LIBRARY_SYMBOL = ("cuda_library_symbol", "lib_path_conflict", "a CUDA library of another version was loaded")
    LIBRARY_PATH_FIX_STATED = ("library_path_fix_stated", "lib_path_conflict",
                               "the report says clearing LD_LIBRARY_PATH (or a folder on it) fixes it")
    CUDA_LIBRARY_MISSING = ("cuda_library_missing", "lib_path_conflict", "a CUDA runtime library cannot be loaded")

    # --- companions and compiled extensions --------------------------------------------------------------
    EXTENSION_BUILT_FOR = ("extension_built_for", "extension_mismatch",
                           "an extension names the torch, CUDA and C++ ABI it was built for")
    EXTENSION_IMPORT_FAILED = ("extension_import_failed", "extension_mismatch",
                               "a compiled extension's own module, operator or linked CUDA library does not load")
    EXTENSION_KERNEL_ERROR = ("extension_kernel_error", "extension_mismatch",
                              "a kernel error raised from a compiled extension's own code")
    ARCH_KERNEL_MISSING = ("arch_kernel_missing", "extension_mismatch",
                           "a library says its kernel for one GPU architecture is not available (\"SM89 kernel is "
                           "not available\")")
    TORCH_LIBRARY_MISSING = ("torch_library_missing", "torchvision_mismatch",
                             "a compiled extension needs torch libraries this torch does not have")
    TORCHVISION_OP_MISSING = ("torchvision_op_missing", "torchvision_mismatch",
                              "torchvision's compiled ops do not fit this torch")
    TORCHVISION_CUDA_MISMATCH = ("torchvision_cuda_mismatch", "torchvision_mismatch",
                                 "torch and torchvision were built for different CUDA versions")
    TORCHVISION_EXTENSION = ("torchvision_extension", "torchvision_mismatch",
                             "torchvision's C++ extension does not load")

    # --- building extensions --------------------------------------------------------------------------
    UNDEFINED_REFERENCE_CUDA = ("undefined_reference_cuda", "cuda_toolkit_mismatch_ext",
                                "linking against libtorch with another CUDA toolkit")
    DETECTED_CUDA_MISMATCH = ("detected_cuda_mismatch", "cuda_toolkit_mismatch_ext",
                              "extension build: local nvcc differs from torch's CUDA")
    EXT_CUDA_MISMATCH = ("ext_cuda_mismatch", "cuda_toolkit_mismatch_ext",
                         "extension build: local nvcc differs from torch's CUDA")
    NVCC_UNSUPPORTED_ARCH = ("nvcc_unsupported_arch", "cuda_toolkit_mismatch_ext",
                             "extension build: the local nvcc cannot target this GPU")
    CUDA_HOME_MISSING = ("cuda_home_missing", "cuda_toolkit_mismatch_ext", "extension build: no CUDA toolkit found")
    EXT_NEEDS_NEWER_NVCC = ("ext_needs_newer_nvcc", "cuda_toolkit_mismatch_ext",
                            "extension build: the local nvcc is older than the extension needs")
    TOOLKIT_HEADERS_MISMATCH = ("toolkit_headers_mismatch", "cuda_toolkit_mismatch_ext",
                                "extension build: nvcc and the CUDA headers it includes come from different toolkits")
    NVCC_MISSING = ("nvcc_missing", "config", "nvcc is not where the build looks (CUDA_HOME or PATH)")
    CUDA_HOME_LIST = ("cuda_home_list", "config", "CUDA_HOME holds a list of folders (a PATH-style value)")
    ARCH_LIST_INVALID = ("arch_list_invalid", "config", "TORCH_CUDA_ARCH_LIST names an arch this torch does not know")
    NO_CUDA_RUNTIME = ("no_cuda_runtime", CONTEXT, "torch.utils.cpp_extension found no usable CUDA runtime")
    MULTI_NODE_JOB = ("multi_node_job", CONTEXT,
                      "the job spans several machines (--nnodes 2, a hostfile, \"multi-node\", 多机)")
    ISOLATED_BUILD = ("isolated_build", CONTEXT,
                      "pip building a package in its isolated build environment (\"Getting requirements to build "
                      "wheel\", pip-build-env, a setup.py run from pip's temporary folder)")
    EXTENSION_BUILDING = ("extension_building", CONTEXT,
                          "the paste is a build of compiled code (pip building a wheel, setup.py, ninja, nvcc)")

    # --- shared memory ----------------------------------------------------------------------------------
    BUS_ERROR = ("bus_error", "shm_too_small", "a DataLoader worker died with a bus error (shared memory)")
    TORCH_SHM_WRITE = ("torch_shm_write", "shm_too_small", "torch could not create a shared-memory segment")
    SHM_FAILURE = ("shm_failure", "shm_too_small", "a shared-memory segment could not be created")
    SEMLOCK_PERMISSION = ("semlock_permission", "shm_permission",
                          "multiprocessing cannot create a semaphore in /dev/shm (permission denied)")
    NCCL_SYSTEM_ERROR = ("nccl_system_error", "shm_too_small", "NCCL: unhandled system error")
    NO_SPACE_LEFT = ("no_space_left", "shm_too_small", "ENOSPC: no space left on device")
    DATALOADER_EXITED = ("dataloader_exited", "shm_too_small",
                         "a DataLoader worker (or nnU-Net's background worker) exited without saying why (in a "
                         "container, most often /dev/shm)")
    DF_SHM = ("df_shm", CONTEXT, "`df` shows the size of /dev/shm")
    SMI_WORKS_STATED = ("smi_works_stated", CONTEXT, "the report says nvidia-smi works where the program runs")
    SMI_WINDOWS_TABLE = ("smi_windows_table", CONTEXT,
                         "nvidia-smi's table printed on Windows (a GPU in WDDM or TCC mode), not inside WSL or Linux")
    TORCH_STORAGE_SHARING = ("torch_storage_sharing", CONTEXT,
                             "torch moving a tensor to another process through shared memory, or multiprocessing "
                             "creating a semaphore there (a traceback frame)")
    DESCRIPTORS_EXHAUSTED = ("descriptors_exhausted", "config",
                             "the process ran out of file descriptors (\"received 0 items of ancdata\", \"[Errno 24] "
                             "Too many open files\")")
    SHM_SIZE_WARNED = ("shm_size_warned", "shm_too_small",
                       "a program warns that /dev/shm is smaller than it needs (Ray's object store falls back to /tmp)")
    SHM_NOT_WRITABLE = ("shm_not_writable", "shm_permission", "/dev/shm is shown without write access for other users")
    NGC_SHM_DEFAULT = ("ngc_shm_default", CONTEXT, "NGC container banner: /dev/shm has Docker's default size")
    SHM_SIZE_STATED = ("shm_size_stated", CONTEXT, "the report states /dev/shm's size (\"the pod's /dev/shm is 64Mi\")")
    WORKER_SEGFAULT = ("worker_segfault", "shm_too_small",
                       "torch: a DataLoader worker died of a segmentation fault (in a container, most often /dev/shm)")

    # --- the GPU itself ----------------------------------------------------------------------------------
    XID = ("xid", "gpu_health", "the driver logged an Xid")
    FALLEN_OFF_BUS = ("fallen_off_bus", "gpu_health", "a GPU stopped responding (fallen off the bus)")
    ECC_ERROR = ("ecc_error", "gpu_health", "uncorrectable ECC error")
    SMI_Q_PENDING = ("smi_q_pending", "gpu_health", "nvidia-smi -q: page retirement / row remapping pending or failed")
    GPU_THROTTLED = ("gpu_throttled", "gpu_health", "the GPU is throttled (thermal/power slowdown) or needs a reset")
    SMI_ERR = ("smi_err", "gpu_health", "nvidia-smi shows ERR! for a GPU")
    BF16_UNSUPPORTED = ("bf16_unsupported", "capability_missing", "bfloat16 is not supported on this GPU")
    FLASH_ATTENTION_ARCH = ("flash_attention_arch", "capability_missing", "FlashAttention needs a newer GPU")
    CAPABILITY_REQUIRED = ("capability_required", "capability_missing",
                           "a library or model requires a minimum compute capability")
    FP8_UNSUPPORTED = ("fp8_unsupported", "capability_missing", "FP8 is not supported on this GPU")

    # --- the platform --------------------------------------------------------------------------------------
    WINDOWS_PAGING_FILE = ("windows_paging_file", "config", "Windows ran out of virtual memory loading CUDA DLLs")
    WINDOWS_DLL_LOAD = ("windows_dll_load", "config", "Windows could not load a DLL of torch")
    GLIBCXX_MISSING = ("glibcxx_missing", "config", "an older libstdc++ is loaded")
    NCCL_NOT_BUILT = ("nccl_not_built", "config", "this torch has no NCCL (Windows/macOS)")
    NO_MATCHING_TORCH = ("no_matching_torch", "config", "pip has no torch wheel for this Python/platform")
    ONNXRUNTIME_NO_CUDA = ("onnxruntime_no_cuda", "config",
                           "ONNX Runtime's installed package has no CUDA execution provider")
    UNSUPPORTED_HOST_COMPILER = ("unsupported_host_compiler", "config", "nvcc does not support this host compiler")
    NUMPY_ABI = ("numpy_abi", "config", "NumPy 2 with modules built for NumPy 1")

    ALLOCATOR_CONFIG = ("allocator_config", "config", "PYTORCH_CUDA_ALLOC_CONF is wrong or set too late")
    LIBUV_MISSING = ("libuv_missing", "config", "the distributed store asks for libuv, which this torch lacks (Windows)")
    EXCLUSIVE_PROCESS = ("exclusive_process", CONTEXT, "a GPU in Exclusive-Process compute mode")
    ENVIRONMENT_NOT_ACTIVATED = ("environment_not_activated", "config",
                                 "the Python environment (conda, module, venv) was not activated")

    # --- the program's own errors (the environment is usually fine) -----------------------------------------
    CUDA_OOM = ("cuda_oom", APPLICATION, "CUDA out of memory")
    VLLM_NO_CACHE_MEMORY = ("vllm_no_cache_memory", APPLICATION, "vLLM has no GPU memory left for its KV cache")
    VLLM_MEMORY_SHARE = ("vllm_memory_share", CONTEXT, "the share of GPU memory vLLM is told it may use")
    OOM_CAPACITY = ("oom_capacity", CONTEXT, "allocation size and GPU capacity of an out-of-memory error")
    DATALOADER_KILLED = ("dataloader_killed", APPLICATION, "a DataLoader worker was OOM-killed")
    DEVICE_SIDE_ASSERT = ("device_side_assert", APPLICATION,
                          "a device-side assert (usually an index or label out of range)")
    INVALID_DEVICE_ORDINAL = ("invalid_device_ordinal", APPLICATION, "a GPU index beyond the visible GPUs")
    ILLEGAL_MEMORY_ACCESS = ("illegal_memory_access", APPLICATION, "an illegal memory access in a kernel")
    LAUNCH_FAILURE = ("launch_failure", APPLICATION, "a kernel failed while running")
    DEVICE_MISMATCH = ("device_mismatch", APPLICATION, "tensors on different devices")
    CUBLAS_STATUS = ("cublas_status", APPLICATION, "a cuBLAS call failed")
    CUDNN_NO_ENGINE = ("cudnn_no_engine", APPLICATION, "cuDNN found no algorithm (often memory)")
    CUDNN_STATUS = ("cudnn_status", APPLICATION, "a cuDNN call failed")
    CUFFT_INTERNAL_ERROR = ("cufft_internal_error", APPLICATION,
                            "cuFFT failed with CUFFT_INTERNAL_ERROR (a cuFFT older than the GPU, or a cuFFT bug)")
    NCCL_ERROR = ("nccl_error", APPLICATION, "an NCCL collective failed")

    # --- where the program runs and how it was started ------------------------------------------------------
    DOCKER_RUN = ("docker_run", SITUATION, "a pasted `docker run` command")
    IMAGE_BUILD = ("image_build", SITUATION,
                   "a container image's build log (BuildKit's `#12 [7/9] RUN …`, `Step 5/12 : RUN …`, "
                   "`docker build`) or the report speaking of the image's build time")
    COMPOSE_GPU = ("compose_gpu", SITUATION, "a compose file or pod spec that asks for GPUs")
    CONTAINER_PROMPT = ("container_prompt", SITUATION, "a shell prompt inside a container")
    IMAGE_CUDA = ("image_cuda", SITUATION, "a container image and the CUDA it is built with")
    NGC_RELEASE = ("ngc_release", SITUATION, "the NGC container banner")
    WSL = ("wsl", SITUATION, "Windows Subsystem for Linux (with its version where the paste shows it)")
    CONTAINER_MARKER = ("container_marker", SITUATION, "the paste shows the program runs in a container")
    KUBERNETES_POD = ("kubernetes_pod", SITUATION,
                      "a Kubernetes pod (whether it asks for nvidia.com/gpu and names a runtime class)")
    SLURM = ("slurm", SITUATION, "a Slurm job or login node (whether GPUs were requested)")
    LIBTORCH_ON_LOADER_PATH = ("libtorch_on_loader_path", "lib_path_conflict",
                               "a standalone libtorch (C++ distribution) folder is on LD_LIBRARY_PATH")
    GOOGLE_CLOUD = ("google_cloud", SITUATION,
                    "Google Cloud (GKE, GCP), whose nodes mount the driver's libraries at /usr/local/nvidia")
    VGPU = ("vgpu", SITUATION, "an NVIDIA vGPU guest (a GRID / vGPU driver, or a vGPU profile named: GRID T4-16Q)")
    VIRTUAL_MACHINE = ("virtual_machine", SITUATION, "a virtual machine (VirtualBox, VMware, Hyper-V, KVM)")
    HOSTED_NOTEBOOK = ("hosted_notebook", SITUATION, "a hosted notebook (Colab, Kaggle, SageMaker) and its runtime")
    JETSON = ("jetson", SITUATION, "an NVIDIA Jetson board (JetPack / L4T)")
    ENV_PROMPT = ("env_prompt", SITUATION, "a shell prompt inside an activated conda or virtual environment")
    BARE_METAL = ("bare_metal", SITUATION, "the report says the program runs on the host, not in a container")
    UVM_MISSING = ("uvm_missing", "no_gpu_visible", "the nvidia-uvm module or /dev/nvidia-uvm is missing")
    NVIDIA_GPU_STATED = ("nvidia_gpu_stated", SITUATION, "the report says the machine has an NVIDIA GPU")
    NO_NVIDIA_GPU = ("no_nvidia_gpu", SITUATION,
                     "the report says the machine has no NVIDIA GPU (a Mac, other graphics, the CPU is meant)")
    CPU_BUILD_INTENDED = ("cpu_build_intended", CONTEXT,
                          "the report says torch's CPU build is installed on purpose (an export, a CPU-only CI job)")
    GPU_NOT_SEEN = ("gpu_not_seen", CONTEXT, "the report says the GPU is not detected or cannot be used")
    GPU_INTENT = ("gpu_intent", CONTEXT, "the report says a GPU is meant to be used")
    FAILURE_STATED = ("failure_stated", CONTEXT,
                      "the report says, in the writer's words, that the program does not work (\"not working with "
                      "my RTX 5090\", \"it crashes at start\")")
    COMPONENT_FAILURE = ("component_failure", CONTEXT,
                         "a part of the GPU stack named on a line that reports a failure (a weak cue)")
    HARDWARE_FAULT_STATED = ("hardware_fault_stated", CONTEXT,
                             "the report points at the GPU itself (a faulty card or node, a reboot needed to recover)")

    # --- what a paste says around its facts ---------------------------------------------------------------
    CUDA_AVAILABLE = ("cuda_available", CONTEXT, "torch.cuda.is_available() as printed")
    CUDA_DEVICE_COUNT = ("cuda_device_count", CONTEXT, "torch.cuda.device_count() as printed")
    DEVICE_REQUESTED = ("device_requested", CONTEXT, "the program asks for a GPU by its index (cuda:1, --gpu 1)")
    INSTALL_COMMAND = ("install_command", CONTEXT, "a pip/conda/uv command that installs torch")
    CUDA_MENTIONED = ("cuda_mentioned", CONTEXT, "a CUDA version named in a sentence or a template line")
    ENVIRONMENT = ("environment", CONTEXT, "an environment variable set or printed in the paste")
    TORCH_IMPORT_FRAME = ("torch_import_frame", CONTEXT, "a traceback through `import torch`")
    CUDA_INIT_WARNING = ("cuda_init_warning", CONTEXT, "torch's CUDA initialisation warning")
    INPUT_TRUNCATED = ("input_truncated", CONTEXT, "the input was too large and was read in part")
    NOTHING_RECOGNISED = ("nothing_recognised", CONTEXT, "nothing in the text was recognised")

    # --- what a report says about its torch install and the warnings it printed ---------------------------
    WORKS_DESPITE_WARNING = ("works_despite_warning", CONTEXT,
                             "the report says the program runs normally although a warning is printed")
    ENV_SWITCH = ("env_switch", CONTEXT, "the paste creates or activates another Python environment")
    ENV_CONTRAST_STATED = ("env_contrast_stated", "multiple_torch_installs",
                           "the report says CUDA works in one Python environment and not in another")
    LAUNCHER_OTHER_PYTHON = ("launcher_other_python", "multiple_torch_installs",
                             "a launcher script (torchrun) fails where `python -m` of its module works")
    PIP_PYTHON_DIFFER = ("pip_python_differ", "multiple_torch_installs",
                         "`which python` and `which pip` (or `pip -V`) name different environments")
    GPU_DROPPED_STATED = ("gpu_dropped_stated", "gpu_too_old_for_build",
                          "the report says the builds dropped its GPU (\"dropped support for my K80\")")
    GPU_NAME_AMBIGUOUS = ("gpu_name_ambiguous", CONTEXT,
                          "a GPU name whose products differ in compute capability, with its lowest and highest")

    # --- library paths, GPU health, NCCL and configuration: statements and listings ------------------------
    LIBRARY_SHADOWING_STATED = ("library_shadowing_stated", "lib_path_conflict",
                                "the report says CUDA libraries come from another folder than the bundled ones, or "
                                "that a CUDA folder on PATH breaks it")
    CUDA_STUB_LIBRARY = ("cuda_stub_library", "lib_path_conflict",
                         "CUDA error 34: the CUDA toolkit's stub libcuda is loaded instead of the driver's")
    WINDOWS_ENTRY_POINT = ("windows_entry_point", "lib_path_conflict",
                           "Windows: a procedure entry point is missing from a CUDA DLL (another version was loaded)")
    LIBRARY_OLDER_THAN_BUILD = ("library_older_than_build", "lib_path_conflict",
                                "a framework found a CUDA library older than the one it was built against")
    LDD_NOT_FOUND = ("ldd_not_found", "lib_path_conflict", "ldd: a CUDA runtime library is not found by the loader")
    GPU_FAULT_REPORTED = ("gpu_fault_reported", "gpu_health",
                          "the driver's firmware (GSP), a diagnostic or a stress test reports a GPU fault")
    LSPCI_REV_FF = ("lspci_rev_ff", "gpu_health", "lspci reads '(rev ff)' for the NVIDIA GPU: it fell off the bus")
    DUPLICATE_GPU = ("duplicate_gpu", "config", "NCCL: two ranks on the same GPU")
    IMAGE_PLATFORM_MISMATCH = ("image_platform_mismatch", "config",
                               "a container image (or binary) built for another CPU architecture: an amd64 image on "
                               "an arm64 host such as a Jetson")
    LIBCUDA_LINK_MISSING = ("libcuda_link_missing", "config",
                            "the linker cannot find libcuda (-lcuda) while building: a link path, not the driver")
    PROVIDER_DLL_FAILED = ("provider_dll_failed", "lib_path_conflict",
                           "Windows: a CUDA provider DLL cannot load its CUDA/cuDNN DLLs (LoadLibrary error 126/127)")
    WATCHDOG_TIMEOUT = ("watchdog_timeout", "config",
                        "the display watchdog (Windows TDR, X's kernel time limit) stopped a long kernel")
    BUILD_TOOL_MISSING = ("build_tool_missing", "config",
                          "an extension build lacks a tool (MSVC, ninja, cl.exe) or the CUDA toolkit's headers/libs")
    OPENMP_DUPLICATE = ("openmp_duplicate", "config", "OMP Error #15: two OpenMP runtimes loaded in one process")
    WINDOWS_LONG_PATH = ("windows_long_path", "config", "pip cannot unpack torch: Windows long paths are not enabled")
    JOB_SETTING_MISSING = ("job_setting_missing", "config",
                           "a setting the job needs is missing: MIG without instances, no NCCL network interface, "
                           "torch.distributed's MASTER_ADDR/RANK unset")
    CONTAINER_CGROUP_DEVICES = ("container_cgroup_devices", "config",
                                "the NVIDIA container runtime cannot set the container's device cgroup (rootless "
                                "Docker, cgroup v2 with an old toolkit)")
    RENDEZVOUS_TIMEOUT = ("rendezvous_timeout", "config",
                          "a process timed out connecting to torch.distributed's rendezvous (MASTER_ADDR:MASTER_PORT)")
    LIGHTNING_GPU_UNUSED = ("lightning_gpu_unused", "config",
                            "Lightning's banner \"GPU available: True (cuda), used: False\": the Trainer was not asked to "
                            "use the GPU")
    NCCL_REMOTE_ERROR = ("nccl_remote_error", "config",
                         "NCCL lost a peer: \"remote process exited or there was a network error\" (ncclRemoteError)")
    NCCL_SETTING_FIX = ("nccl_setting_fix", "config",
                        "the report says an NCCL or PCIe setting (NCCL_P2P_DISABLE, IOMMU, ACS) fixes it")
    DOCKER_GPUS_SYNTAX = ("docker_gpus_syntax", "config",
                          "docker: a --gpus value with several devices written without its inner quotes")
    SMI_CUDA_NA = ("smi_cuda_na", "no_gpu_visible",
                   "nvidia-smi runs but shows \"CUDA Version: N/A\": the CUDA driver library is not there")
    NO_HIP_GPUS = ("no_hip_gpus", "cpu_only_torch",
                   "a ROCm (AMD) build of torch finds no HIP GPU: \"No HIP GPUs are available\"")
    WORKERS_ZERO_WORKS = ("workers_zero_works", "shm_too_small",
                          "the report says DataLoader workers fail or hang and num_workers=0 runs")
    NCCL_NETWORK_FIX = ("nccl_network_fix", "config",
                        "the report says choosing NCCL's network (NCCL_SOCKET_IFNAME, NCCL_IB_DISABLE) fixes it")
    COMPOSE_TOO_OLD = ("compose_too_old", "config",
                       "docker-compose older than 1.28 with a GPU device reservation it does not know")
    DOCKER_GPUS_FLAG_UNKNOWN = ("docker_gpus_flag_unknown", "config",
                                "docker: \"unknown flag: --gpus\", a docker client older than 19.03")
    DOCKER_CDI_DISABLED = ("docker_cdi_disabled", "config",
                           "docker: a CDI device request (--device nvidia.com/gpu=all) to a daemon without CDI enabled")
    VISIBLE_DEVICES_IGNORED = ("visible_devices_ignored", "config",
                               "the report says CUDA_VISIBLE_DEVICES is ignored or has no effect")
    GPU_CHOICE_IGNORED = ("gpu_choice_ignored", "config",
                          "the report says the job stays on the first GPU although its settings chose another "
                          "(\"DEVICE: cuda:5 … it still runs on GPU0\")")
    MULTI_GPU_HANG_STATED = ("multi_gpu_hang_stated", CONTEXT,
                             "the report says a multi-GPU job (DDP, NCCL, torchrun) hangs or gets stuck")
    DEVICE_COUNT_DISAGREES = ("device_count_disagrees", "config",
                              "torch counts more GPUs than CUDA can use (MIG mode, or CUDA_VISIBLE_DEVICES changed after "
                              "torch counted them)")
    DEVICE_ORDER_DIFFERS = ("device_order_differs", "config",
                            "CUDA numbers the GPUs differently from nvidia-smi (listings, or the report says so)")
    NCCL_VERSIONS_DIFFER = ("nccl_versions_differ", "nccl_mismatch",
                            "the NCCL a process runs differs from the one the report builds with or installs")
    NCCL_BANNER = ("nccl_banner", CONTEXT, "NCCL's banner: the NCCL a process loaded and the CUDA it was built for "
                                           "(\"NCCL version 2.18.1+cuda12.1\")")
    NCCL_CONFIG_REJECTED = ("nccl_config_rejected", "nccl_mismatch",
                            "NCCL rejects the communicator config torch passes: an older libnccl is loaded")
    NCCL_LOAD_FAILED = ("nccl_load_failed", "nccl_mismatch", "a framework (vLLM, CuPy) cannot load libnccl")
    HARDWARE_SIGN_STATED = ("hardware_sign_stated", "gpu_health",
                            "the report points at the GPU hardware: reseated, dead or lost, power, heat, one card")
    DEVICE_BY_RANK = ("device_by_rank", CONTEXT, "the program picks its GPU by its rank (set_device(local_rank))")

    # --- drivers, containers and GPU visibility: more messages ------------------------------------------------
    CONTAINER_UNKNOWN_DEVICE = ("container_unknown_device", "no_gpu_visible",
                                "the container toolkit does not know the GPU the container asks for")
    DRIVER_OLDER_STATED = ("driver_older_stated", "driver_too_old",
                           "a message says the driver (or its CUDA) is older than the runtime, toolkit or build needs")
    NVML_ACCESS_DENIED = ("nvml_access_denied", "no_gpu_visible",
                          "NVML may not use the GPU: \"Insufficient Permissions\" on /dev/nvidia*, or WSL's \"GPU "
                          "access blocked by the operating system\"")
    GPU_ACCESS_FIX_STATED = ("gpu_access_fix_stated", "no_gpu_visible",
                             "the report says giving the container or pod GPU access (--gpus, --nv, runtime: nvidia, "
                             "nvidia.com/gpu) fixed it")
    ENV_NAME_MISSPELT = ("env_name_misspelt", "config",
                         "a variable is set under a misspelt name (CUDA_VISIBLE=0 for CUDA_VISIBLE_DEVICES): nothing "
                         "reads it")


_BY_NAME: Dict[str, Obs] = {member.value: member for member in Obs}


def observation(name: str) -> Obs:
    """The member named ``name`` (a stored Snapshot's string); ``ValueError`` for an unknown name."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"{name!r} is not an observation") from None
