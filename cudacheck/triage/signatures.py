"""The catalogue of error signatures recognised in pasted text.

Each :class:`Signature` names a message that CUDA, the driver, NVML, the container
toolkit, torch or a library prints, the diagnosis category it points to, the literal
keywords ("anchors") one of which every matching line contains, and an anchored or
literal-led regular expression that confirms the match and extracts values. Only lines
holding an anchor are ever matched (see :mod:`cudacheck.triage.document`), so scanning is
linear in the input.

A recognised line becomes an :class:`~cudacheck.snapshot.Observation` (its ``signature``
is the name here); where the message states a fact (``found version 11040`` is the
driver's CUDA version, ``sm_86 is not compatible`` names the GPU's compute capability,
"supports CUDA capabilities sm_50 …" is the build's arch list) the fact is also set, so
the ordinary rules judge it. The rules in ``cudacheck/rules/catalogue/observed_*.py``
interpret the observations, with the helpers of :mod:`cudacheck.rules.observations`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Pattern, Tuple

from ..snapshot import LibrariesFacts, ShmFacts
from ..versions import cuda_from_int
from .document import Document
from .facts import REPORTED, TOOL, Facts, GpuClaim, TorchClaim

_I = re.IGNORECASE


@dataclass(frozen=True)
class Signature:
    """One recognisable message."""

    name: str
    category: str  # a diagnosis category, "application" (not the environment) or "context"
    anchors: Tuple[str, ...]  # lower-case literals; a matching line contains one of them
    pattern: Pattern[str]
    summary: str
    join_next: int = 0  # also match across this many following lines (wrapped messages)
    exclude: Optional[Pattern[str]] = None


def _sig(name: str, category: str, anchors: Tuple[str, ...], pattern: str, summary: str,
         join_next: int = 0, exclude: Optional[str] = None) -> Signature:
    return Signature(name, category, anchors, re.compile(pattern, _I), summary, join_next,
                     re.compile(exclude, _I) if exclude else None)


_CUDA_CODE = r"(?:cuda\w*\s*)?error(?:\s*code)?\s*[:=]?\s*\(?"

SIGNATURES: Tuple[Signature, ...] = (
    # --- driver too old -----------------------------------------------------------------
    _sig("driver_too_old", "driver_too_old", ("too old",),
         r"driver on your system is too old(?:\s*\(found version (?P<found>\d{4,6})\))?",
         "torch: the NVIDIA driver is too old for this build", join_next=1),
    _sig("driver_found_version", "driver_too_old", ("found version",),
         r"\(?found version (?P<found>\d{4,6})\)", "the driver's CUDA version as torch found it"),
    _sig("insufficient_driver", "driver_too_old",
         ("insufficient for cuda runtime", "insufficientdriver", "insufficient_driver", "error 35", "code 35",
          "error: 35", "error=35"),
         r"cuda driver version is insufficient for cuda runtime version|cudaErrorInsufficientDriver|"
         r"CUDA_ERROR_INSUFFICIENT_DRIVER|" + _CUDA_CODE + r"35\b(?!\.)",
         "CUDA error 35: the driver is older than the CUDA runtime", exclude=r"errno|\[Errno 35\]"),
    _sig("unsupported_ptx", "driver_too_old",
         ("unsupported toolchain", "unsupportedptxversion", "unsupported_ptx_version", "error 222", "code 222"),
         r"provided PTX was compiled with an unsupported toolchain|cudaErrorUnsupportedPtxVersion|"
         r"CUDA_ERROR_UNSUPPORTED_PTX_VERSION|" + _CUDA_CODE + r"222\b",
         "CUDA error 222: PTX from a newer toolkit than the driver"),
    _sig("ngc_driver_too_old", "driver_too_old", ("was built for nvidia driver release",),
         r"built for NVIDIA Driver Release (?P<needed>[\d.]+) or later,? but version (?P<found>[\d.]+) was detected",
         "NGC container: the host driver is older than the image needs", join_next=1),
    _sig("forward_compat_804", "driver_too_old",
         ("forward compatibility was attempted", "compat_not_supported", "compatnotsupported", "error 804",
          "code 804", "error: 804", "error=804"),
         r"forward compatibility was attempted on non supported HW|CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE|"
         r"cudaErrorCompatNotSupportedOnDevice|" + _CUDA_CODE + r"804\b",
         "CUDA error 804: forward-compatibility libraries on an unsupported GPU"),
    _sig("container_requirement", "container_requirement_unsatisfied", ("unsatisfied condition",),
         r"unsatisfied condition:\s*(?P<condition>[\w.<>=!,]+)",
         "nvidia-container-cli: the image's NVIDIA_REQUIRE_CUDA is not met"),
    _sig("compat_libcuda_path", "context", ("compat/libcuda", "cuda-compat"),
         r"compat/libcuda\.so|cuda-compat", "cuda-compat's libcuda is on the pasted loader path"),
    _sig("forward_compat_enabled", "context", ("forward compatibility mode enabled",),
         r"CUDA Forward Compatibility mode ENABLED", "NGC container runs through forward compatibility"),
    # --- driver not loaded / no driver -------------------------------------------------------
    _sig("driver_release_unsupported_gpu", "driver_too_old", ("(pci id:",),
         r"NVIDIA GPU \S+ \(PCI ID: (?P<pci>[0-9a-fA-F:]+)\)[^\n]*?is not supported by the\s+(?:NVRM:\s*)?"
         r"NVIDIA\s+(?P<branch>[\d.]+x*) driver release", "the driver release does not support this GPU",
         join_next=2),
    _sig("smi_cannot_communicate", "driver_not_loaded", ("communicate with the nvidia driver",),
         r"couldn'?t communicate with the NVIDIA driver", "nvidia-smi cannot reach the kernel driver"),
    _sig("nvml_driver_not_loaded", "driver_not_loaded", ("driver not loaded", "driver_not_loaded"),
         r"(?:NVML|nvidia-container-cli|nvml error)[^\n]*driver not loaded|NVML_ERROR_DRIVER_NOT_LOADED",
         "NVML: the kernel driver is not loaded"),
    _sig("no_nvidia_driver", "driver_not_loaded", ("found no nvidia driver",),
         r"Found no NVIDIA driver on your system", "torch found no NVIDIA driver"),
    _sig("kernel_module_failed", "driver_not_loaded",
         ("modprobe", "key was rejected", "nvidia kernel module", "nouveau", "nvrm: the nvidia probe",
          "nvrm: no nvidia"),
         r"modprobe: (?:FATAL|ERROR):[^\n]*nvidia|could not insert 'nvidia|Key was rejected by service|"
         r"NVIDIA kernel module[^\n]*(?:not loaded|missing|failed)|NVRM: The NVIDIA probe routine|"
         r"NVRM: No NVIDIA (?:GPU|devices?) found|kernel module[^\n]*nouveau[^\n]*(?:in use|loaded)",
         "the NVIDIA kernel module could not be loaded"),
    _sig("rm_init_failed", "driver_not_loaded", ("rminitadapter failed",),
         r"RmInitAdapter failed!?\s*(?P<code>\([^)]*\))?", "the driver could not initialise the GPU"),
    _sig("nouveau_bound", "driver_not_loaded", ("kernel driver in use: nouveau",),
         r"Kernel driver in use:\s*nouveau", "the open-source nouveau driver holds the GPU"),
    _sig("smi_not_found", "driver_not_loaded",
         ("nvidia-smi: command not found", "nvidia-smi: not found", "'nvidia-smi' is not recognized",
          "nvidia-smi : the term", "command not found: nvidia-smi"),
         r"nvidia-smi:? (?:command )?not found|command not found: nvidia-smi|'nvidia-smi' is not recognized|"
         r"nvidia-smi : The term",
         "nvidia-smi is not installed or not on PATH"),
    _sig("nvml_library_missing", "driver_not_loaded",
         ("libnvidia-ml", "nvml shared library not found"),
         r"couldn'?t find libnvidia-ml\.so|libnvidia-ml\.so(?:\.1)?: cannot open shared object file|"
         r"NVML Shared Library Not Found|load library failed: libnvidia-ml",
         "the NVML driver library is missing"),
    _sig("libcuda_missing", "driver_not_loaded", ("libcuda.so",),
         r"libcuda\.so(?:\.1)?: cannot open shared object file|"
         r"(?:could not|cannot|unable to) (?:load|open|find)[^\n]*libcuda\.so|"
         r"libcuda\.so(?:\.1)? (?:not found|is not found)",
         "the CUDA driver library libcuda.so.1 is missing"),
    _sig("cuda_unknown_error", "driver_not_loaded",
         ("cuda unknown error", "cudaerrorunknown", "cuda_error_unknown", "error 999", "code 999", "error: 999",
          "cuda error: unknown error"),
         r"CUDA unknown error|CUDA error: unknown error|cudaErrorUnknown|CUDA_ERROR_UNKNOWN|" + _CUDA_CODE + r"999\b",
         "CUDA error 999 (unknown error)"),
    _sig("nvml_unknown_error", "driver_not_loaded", ("failed to initialize nvml: unknown error",),
         r"Failed to initialize NVML: Unknown Error", "NVML: unknown error"),
    _sig("system_not_ready", "fabricmanager_missing",
         ("system not yet initialized", "systemnotready", "system_not_ready", "error 802", "code 802", "error: 802"),
         r"system not yet initialized|cudaErrorSystemNotReady|CUDA_ERROR_SYSTEM_NOT_READY|" + _CUDA_CODE + r"802\b",
         "CUDA error 802: system not yet initialized (Fabric Manager)"),
    _sig("fabricmanager_failed", "fabricmanager_missing", ("fabricmanager", "fabric manager"),
         r"fabric ?manager[^\n]{0,120}?(?:don'?t match|does not match|mismatch|failed|not running|inactive|"
         r"could not be found|not found)|nvidia-fabricmanager\.service[^\n]{0,300}?Active:\s*(?:failed|inactive)",
         "the NVIDIA Fabric Manager service is not running", join_next=2),
    # --- driver/library mismatch ------------------------------------------------------------
    _sig("nvml_version_mismatch", "driver_library_mismatch",
         ("library version mismatch", "lib_rm_version_mismatch"),
         r"driver/library version mismatch|NVML_ERROR_LIB_RM_VERSION_MISMATCH",
         "NVML: driver/library version mismatch"),
    _sig("nvrm_api_mismatch", "driver_library_mismatch", ("api mismatch",),
         r"API mismatch:[^\n]*client has the version (?P<client>[\d.]+)[^\n]*kernel module has the version "
         r"(?P<kernel>[\d.]+)", "kernel module and client driver versions differ", join_next=1),
    _sig("cuda_803", "driver_library_mismatch",
         ("unsupported display driver", "system_driver_mismatch", "systemdrivermismatch", "error 803", "code 803",
          "error: 803"),
         r"unsupported display driver\s*/\s*cuda driver combination|CUDA_ERROR_SYSTEM_DRIVER_MISMATCH|"
         r"cudaErrorSystemDriverMismatch|" + _CUDA_CODE + r"803\b",
         "CUDA error 803: display driver and CUDA driver differ"),
    # --- no GPU visible ------------------------------------------------------------------------
    _sig("no_cuda_device", "no_gpu_visible",
         ("no cuda-capable device", "errornodevice", "error_no_device", "error 100", "code 100", "error: 100"),
         r"no CUDA-capable device is detected|cudaErrorNoDevice|CUDA_ERROR_NO_DEVICE|" + _CUDA_CODE + r"100\b(?!%)",
         "CUDA error 100: no CUDA-capable device"),
    _sig("no_cuda_gpus", "no_gpu_visible", ("no cuda gpus are available",),
         r"No CUDA GPUs are available", "torch: no CUDA GPUs are available"),
    _sig("docker_no_gpu_driver", "no_gpu_visible", ("could not select device driver",),
         r"could not select device driver \"?[^\"]*\"? with capabilities:\s*\[\[gpu\]\]",
         "Docker has no GPU device driver (NVIDIA Container Toolkit missing or not configured)"),
    _sig("docker_unknown_runtime", "no_gpu_visible", ("unknown or invalid runtime name",),
         r"unknown or invalid runtime name:\s*nvidia", "Docker does not know the nvidia runtime"),
    _sig("cdi_unresolvable", "no_gpu_visible", ("unresolvable cdi devices",),
         r"unresolvable CDI devices\s*(?P<device>\S+)", "CDI GPU devices cannot be resolved"),
    _sig("ngc_no_driver", "no_gpu_visible", ("nvidia driver was not detected",),
         r"The NVIDIA Driver was not detected", "the container was started without GPU access"),
    _sig("smi_no_devices", "no_gpu_visible", ("no devices were found",),
         r"^\s*No devices were found", "nvidia-smi found no GPU"),
    _sig("cuda_init_failed", "driver_not_loaded", ("cuda driver initialization failed",),
         r"CUDA driver initialization failed", "CUDA could not initialise the driver"),
    _sig("devices_unavailable", "no_gpu_visible", ("busy or unavailable", "devicesunavailable", "devices_unavailable"),
         r"CUDA-capable device\(s\) is/are busy or unavailable|cudaErrorDevicesUnavailable|"
         r"CUDA_ERROR_DEVICES_UNAVAILABLE", "the GPU is busy or reserved (compute mode, another process)"),
    _sig("cuda_not_available", "context",
         ("but torch.cuda.is_available() is false", "cuda is not available", "cuda not available",
          "cuda unavailable, invalid device", "torch is not able to use gpu",
          "is_available() returns false", "is_available() return false", "is_available() is false",
          "is_available()` returns false", "is_available() gives false", "cuda available: false",
          "is_available() returns `false`", "is_available() -> false", "is_available() = false",
          "no supported gpu backend found"),
         r"torch\.cuda\.is_available\(\)`?\s*(?:returns?|is|gives|->|=|==|:)?\s*`?False|CUDA (?:is )?not available|"
         r"CUDA unavailable, invalid device|Torch is not able to use GPU|"
         r"CUDA available:\s*False|No supported gpu backend found", "CUDA is reported unavailable"),
    # --- arch not in build / GPU too old ----------------------------------------------------------
    _sig("no_kernel_image", "arch_not_in_build",
         ("no kernel image is available", "nokernelimagefordevice", "no_binary_for_gpu", "error 209", "code 209"),
         r"no kernel image is available for execution on the device|cudaErrorNoKernelImageForDevice|"
         r"CUDA_ERROR_NO_BINARY_FOR_GPU|" + _CUDA_CODE + r"209\b",
         "no kernel image is available for execution on the device"),
    _sig("invalid_device_function", "arch_not_in_build", ("invalid device function", "invaliddevicefunction"),
         r"invalid device function|cudaErrorInvalidDeviceFunction", "CUDA: invalid device function"),
    _sig("gpu_not_compatible", "arch_not_in_build", ("is not compatible with the current pytorch",),
         r"(?P<gpu>[A-Za-z][\w .()/-]{1,80}?)\s+with CUDA capability sm_(?P<sm>\d{2,3})[a-z]?\s+is not compatible "
         r"with the current PyTorch installation", "torch: this GPU's architecture is not in the build"),
    _sig("build_arch_list", "context", ("supports cuda capabilities",),
         r"supports CUDA capabilities\s*(?P<archs>(?:(?:sm|compute)_\d{2,3}[a-z]?[\s,.]*)+)",
         "the arch list the torch build was compiled for", join_next=1),
    _sig("gpu_too_old_torch", "gpu_too_old_for_build", ("no longer supports this gpu",),
         r"PyTorch no longer supports this GPU because it is too old", "torch: this GPU is too old for the build"),
    _sig("found_gpu_capability", "context", ("which is of cuda capability", "which is of compute capability"),
         r"Found GPU\s?(?P<index>\d+) (?P<gpu>.+?) which is of (?:cuda|compute) capability (?:\(CC\) )?"
         r"(?P<major>\d+)\.(?P<minor>\d+)", "torch names a GPU and its compute capability"),
    _sig("min_capability", "gpu_too_old_for_build", ("minimum cuda capability supported",),
         r"minimum cuda capability supported by this library is (?P<min>\d+\.\d+)",
         "torch: the lowest compute capability this build supports"),
    _sig("capability_range", "context", ("minimum and maximum cuda capability",),
         r"Minimum and Maximum cuda capability supported by this version of PyTorch is\s*\(?(?P<min>\d+\.\d+)\)?"
         r"\s*-\s*\(?(?P<max>\d+\.\d+)\)?", "torch: the compute capability range of this build", join_next=1),
    _sig("gpu_requires_newer_cuda", "arch_not_in_build", ("which requires cuda_version",),
         r"Found GPU\s?(?P<index>\d+) (?P<gpu>.+?) which requires CUDA_VERSION >= (?P<needed>\d+)",
         "torch: the GPU needs a build with a newer CUDA"),
    _sig("nvrtc_arch", "arch_not_in_build", ("invalid value for --gpu-architecture",),
         r"nvrtc: error: invalid value for --gpu-architecture", "NVRTC does not know this GPU's architecture"),
    _sig("ptxas_unknown_arch", "arch_not_in_build", ("for option 'gpu-name'",),
         r"Value '(?P<arch>sm_\d{2,3}[a-z]?)' is not defined for option 'gpu-name'",
         "ptxas does not know this GPU's architecture"),
    _sig("triton_gpu_too_old", "gpu_too_old_for_build", ("triton gpu compiler", "triton only supports devices"),
         r"too old to be supported by the triton GPU compiler|Triton only supports devices of CUDA Capability "
         r">= (?P<min>\d+\.\d+)", "Triton (torch.compile) does not support this GPU", join_next=1),
    _sig("cudnn_arch_mismatch", "gpu_too_old_for_build", ("cudnn_status_arch_mismatch",),
         r"CUDNN_STATUS_ARCH_MISMATCH", "cuDNN does not support this GPU's architecture"),
    # --- torch build kind ----------------------------------------------------------------------
    _sig("not_compiled_with_cuda", "cpu_only_torch",
         ("not compiled with cuda enabled", "compiled without cuda", "not compiled with cuda support"),
         r"Torch not compiled with CUDA enabled|(?:PyTorch|torch) (?:was )?compiled without CUDA(?: support)?|"
         r"not compiled with CUDA support", "torch is a CPU-only build"),
    _sig("torch_c_import", "multiple_torch_installs",
         ("cannot import name '_c'", "no module named 'torch._c'", "module 'torch' has no attribute"),
         r"cannot import name '_C' from (?:partially initialized module )?'torch'|No module named 'torch\._C'|"
         r"module 'torch' has no attribute '(?P<attribute>cuda|__version__|version|nn|Tensor|_C)'",
         "a local torch/ folder or a broken second install shadows torch"),
    # --- cuDNN -----------------------------------------------------------------------------
    _sig("windows_paging_file", "config", ("paging file is too small", "winerror 1455"),
         r"paging file is too small|WinError 1455", "Windows ran out of virtual memory loading CUDA DLLs"),
    _sig("cudnn_cannot_load", "cudnn_missing", ("libcudnn", "cudnn_", "cudnn64", "cudnn.dll", "cudnn.so"),
         r"(?P<lib>(?:lib)?cudnn[\w.-]*?(?:\.so(?:\.\d+)*|\.dll))\b[^\n]{0,80}?(?:cannot open shared object|"
         r"no such file|not found|is not in your library path|cannot be loaded|could not be found|"
         r"or one of its dependencies)|"
         r"(?:could not load(?: dynamic)? library|could not locate|unable to load(?: any of)?|"
         r"failed to load|cannot load)\s*[\s'\"{]*(?P<lib2>(?:lib)?cudnn[\w.-]*)",
         "a cuDNN library cannot be loaded", exclude=r"Successfully opened|paging file|WinError 1455"),
    _sig("cudnn_incompatible", "cudnn_version_mismatch", ("cudnn version incompatibility",),
         r"cuDNN version incompatibility: PyTorch was compiled\s+against \((?P<built>[\d, ]+)\) but "
         r"(?:linked against|found runtime version) \((?P<loaded>[\d, ]+)\)",
         "torch refuses the cuDNN it loaded", join_next=1),
    _sig("cudnn_runtime_older", "cudnn_version_mismatch", ("loaded runtime cudnn library",),
         r"Loaded runtime CuDNN library: (?P<loaded>[\d.]+) but source was compiled with: (?P<built>[\d.]+)",
         "the framework loaded an older cuDNN than it was built with"),
    _sig("cudnn_symbol", "cudnn_version_mismatch", ("undefined symbol", "could not load symbol"),
         r"(?:undefined symbol:?|Could not load symbol)\s*(?P<symbol>cudnn\w+)", "a cuDNN symbol is missing"),
    # --- NCCL and other CUDA libraries ------------------------------------------------------------
    _sig("nccl_symbol", "nccl_mismatch", ("undefined symbol",),
         r"undefined symbol:?\s*(?P<symbol>nccl\w+)", "the loaded libnccl lacks a symbol torch needs"),
    _sig("nccl_library_missing", "nccl_mismatch", ("libnccl",),
         r"libnccl\.so[.\d]*: cannot open shared object file", "libnccl cannot be loaded"),
    _sig("cuda_library_symbol", "lib_path_conflict", ("undefined symbol", "nvjitlink"),
         r"undefined symbol:?\s*(?P<symbol>(?:cublasLt|cublas|cusparse|cufft|cusolver|curand|cudart|cuda[A-Z]|"
         r"__nvJitLink|nvJitLink|__cudaRegister)\w*)|__nvJitLink\w+, version libnvJitLink",
         "a CUDA library of another version was loaded"),
    _sig("cuda_library_missing", "lib_path_conflict",
         ("libcudart", "libcublas", "libcufft", "libcurand", "libcusparse", "libcusolver", "libnvrtc",
          "libnvjitlink", "libnvtoolsext", "libcupti", "cudart64", "cublas64"),
         r"(?P<lib>lib(?:cudart|cublasLt|cublas|cufft|curand|cusparse|cusolver|nvrtc|nvJitLink|nvToolsExt|cupti)"
         r"[\w.-]*?\.so[.\d]*):?\s*cannot open shared object file|"
         r"(?:could not load(?: dynamic)? library|could not locate|cannot load|failed to open|unable to open)"
         r"\s*[\s'\"]*"
         r"(?P<lib2>(?:lib)?(?:cudart|cublasLt|cublas|cufft|curand|cusparse|cusolver|nvrtc)[\w.-]*)",
         "a CUDA runtime library cannot be loaded"),
    _sig("undefined_reference_cuda", "cuda_toolkit_mismatch_ext", ("undefined reference to",),
         r"undefined reference to [`'‘](?P<symbol>\w+)@(?P<lib>lib\w+\.so[.\d]*)'?",
         "linking against libtorch with another CUDA toolkit"),
    _sig("windows_dll_load", "config", ("or one of its dependencies", "dll load failed"),
         r"Error loading \"?(?P<path>[^\"]*?(?P<dll>[\w.-]+\.dll))\"? or one of its dependencies|"
         r"DLL load failed while importing (?P<module>\w+)", "Windows could not load a DLL of torch",
         exclude=r"paging file|WinError 1455"),
    _sig("glibcxx_missing", "config", ("glibcxx_", "cxxabi_"),
         r"version [`'](?P<symbol>(?:GLIBCXX|CXXABI)_[\d.]+)' not found", "an older libstdc++ is loaded"),
    _sig("nccl_not_built", "config", ("doesn't have nccl built in", "does not have nccl built in"),
         r"Distributed package does(?:n't| not) have NCCL built in", "this torch has no NCCL (Windows/macOS)"),
    _sig("no_matching_torch", "config", ("no matching distribution found for torch",
                                         "satisfies the requirement torch", "is not a supported wheel on this"),
         r"No matching distribution found for torch(?P<spec>[=<>!~][^\s]*)?|Could not find a version that "
         r"satisfies the requirement torch(?P<spec2>[=<>!~][^\s]*)?|torch-[\w.+%]+\.whl is not a supported wheel",
         "pip has no torch wheel for this Python/platform"),
    _sig("torch_not_installed", "multiple_torch_installs", ("no module named 'torch'", 'no module named "torch"'),
         r"No module named ['\"]torch['\"]", "Python does not find torch at all"),
    # --- extension builds ------------------------------------------------------------------
    _sig("detected_cuda_mismatch", "cuda_toolkit_mismatch_ext", ("detected cuda version",),
         r"The detected CUDA version \((?P<nvcc>[\d.]+)\) mismatches the version that was used to compile\s*"
         r"(?:PyTorch\s*\((?P<torch>[\d.]+)\))?", "extension build: local nvcc differs from torch's CUDA",
         join_next=2),
    _sig("ext_cuda_mismatch", "cuda_toolkit_mismatch_ext",
         ("does not match the version used to compile pytorch",),
         r"compiled with a version of Cuda that does not match the version used to compile Pytorch binaries\.?"
         r"(?:\s*Pytorch binaries were compiled with Cuda (?P<torch>\d+\.\d+))?",
         "extension build: local nvcc differs from torch's CUDA", join_next=1),
    _sig("nvcc_unsupported_arch", "cuda_toolkit_mismatch_ext", ("unsupported gpu architecture",),
         r"nvcc fatal\s*:\s*Unsupported gpu architecture '(?P<arch>compute_\d{2,3}[a-z]?)'",
         "extension build: the local nvcc cannot target this GPU"),
    _sig("cuda_home_missing", "cuda_toolkit_mismatch_ext", ("cuda_home environment variable is not set",),
         r"CUDA_HOME environment variable is not set", "extension build: no CUDA toolkit found"),
    _sig("nvcc_missing", "cuda_toolkit_mismatch_ext", ("nvcc",),
         r"(?:/bin/)?nvcc'?:? (?:command )?not found|No such file or directory:\s*'[^']*/bin/nvcc'",
         "extension build: nvcc not found"),
    _sig("unsupported_host_compiler", "config", ("unsupported gnu version", "unsupported microsoft visual studio"),
         r"unsupported (?:GNU|Microsoft Visual Studio) version", "nvcc does not support this host compiler"),
    _sig("extension_undefined_symbol", "torchvision_mismatch", ("undefined symbol",),
         r"(?P<path>[^\s'\"]+\.(?:so|pyd)[.\d]*):\s*undefined symbol:?\s*(?P<symbol>_Z\w+)",
         "a compiled extension was built for another torch"),
    _sig("torch_library_missing", "torchvision_mismatch",
         ("libtorch_cuda_cu.so", "libtorch_cuda_cpp.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch_cpu.so",
          "libc10.so"),
         r"(?P<lib>lib(?:torch_cuda_cu|torch_cuda_cpp|c10_cuda|torch_cuda|torch_cpu|c10)\.so):\s*cannot open shared "
         r"object file", "a compiled extension needs torch libraries this torch does not have"),
    _sig("torchvision_op_missing", "torchvision_mismatch", ("torchvision::",),
         r"operator torchvision::(?P<op>\w+) does not exist|Could not run 'torchvision::(?P<op2>\w+)' with "
         r"arguments from the '(?P<backend>\w+)' backend", "torchvision's compiled ops do not fit this torch"),
    _sig("torchvision_cuda_mismatch", "torchvision_mismatch", ("were compiled with different cuda",),
         r"PyTorch and (?P<package>[\w.-]+) were compiled with different CUDA (?:major )?versions",
         "torch and torchvision were built for different CUDA versions", join_next=1),
    _sig("torchvision_extension", "torchvision_mismatch",
         ("failed to load image python extension", "has no attribute 'extension'", "couldn't load custom c++ ops"),
         r"Failed to load image Python extension|partially initialized module 'torchvision' has no attribute "
         r"'extension'|Couldn't load custom C\+\+ ops", "torchvision's C++ extension does not load"),
    # --- shared memory ---------------------------------------------------------------------
    _sig("bus_error", "shm_too_small", ("bus error", "insufficient shared memory"),
         r"killed by signal: Bus error|unexpected bus error encountered in worker|insufficient shared memory|"
         r"^\s*(?:\[\d+\]\s*\d+\s*)?Bus error(?: \(core dumped\))?",
         "a DataLoader worker died with a bus error (shared memory)"),
    _sig("torch_shm_write", "shm_too_small", ("unable to write to file <", "unable to open shared memory object",
                                              "unable to allocate shared memory"),
         r"unable to write to file </?torch_\w*>(?:\s*:\s*(?P<reason>[^(\n]+?)\s*\((?P<errno>\d+)\))?|"
         r"unable to open shared memory object </?torch_\w*>[^\n]*?(?:\((?P<errno2>\d+)\))?|"
         r"unable to allocate shared memory", "torch could not create a shared-memory segment"),
    _sig("shm_failure", "shm_too_small", ("posix_fallocate", "shm_open", "/dev/shm", "shared memory segment"),
         r"posix_fallocate failed|shm_open[^\n]*failed|Error while creating shared memory segment|"
         r"(?:NCCL|nccl)[^\n]*(?:/dev/shm|shm)[^\n]*(?:fail|error|No space)|/dev/shm[^\n]*(?:No space left|"
         r"Permission denied)", "a shared-memory segment could not be created"),
    _sig("semlock_permission", "shm_permission", ("semlock",),
         r"^\s*(?:[\w.]+\s*=\s*)*_?multiprocessing\.SemLock\([^\n]{0,300}?(?:PermissionError|Errno 13\])",
         "multiprocessing cannot create a semaphore in /dev/shm (permission denied)", join_next=2),
    _sig("nccl_system_error", "shm_too_small", ("unhandled system error",),
         r"unhandled system error", "NCCL: unhandled system error"),
    _sig("no_space_left", "shm_too_small", ("no space left on device",),
         r"No space left on device", "ENOSPC: no space left on device"),
    _sig("dataloader_killed", "application", ("is killed by signal: killed",),
         r"DataLoader worker \(pid[^)]*\) is killed by signal: Killed", "a DataLoader worker was OOM-killed"),
    # --- GPU health --------------------------------------------------------------------------
    _sig("xid", "gpu_health", ("xid",), r"NVRM: Xid \((?P<pci>[^)]*)\):\s*(?P<xid>\d+)", "the driver logged an Xid"),
    _sig("fallen_off_bus", "gpu_health", ("fallen off the bus", "gpu is lost", "unable to determine the device handle"),
         r"fallen off the bus|GPU is lost|Unable to determine the device handle for GPU\s*(?P<bus>\S+)",
         "a GPU stopped responding (fallen off the bus)"),
    _sig("ecc_error", "gpu_health", ("ecc error", "eccuncorrectable", "ecc_uncorrectable"),
         r"uncorrectable ECC error encountered|cudaErrorECCUncorrectable|CUDA_ERROR_ECC_UNCORRECTABLE",
         "uncorrectable ECC error"),
    _sig("smi_q_pending", "gpu_health", ("pending", "remapping failure occurred"),
         r"^\s*(?P<field>Pending Page (?:Blacklist|Retirement)|Pending|Remapping Failure Occurred)\s*:\s*Yes\b",
         "nvidia-smi -q: page retirement / row remapping pending or failed"),
    # --- capabilities ------------------------------------------------------------------------
    _sig("bf16_unsupported", "capability_missing", ("bf16", "bfloat16"),
         r"(?:bf16|bfloat16)[^\n]{0,80}(?:not supported|is only supported|requires|only available|"
         r"needs? (?:an? )?(?:Ampere|GPU|compute capability))|"
         r"(?:not supported|unsupported|(?:doesn'?t|does not|don'?t|do not|cannot|can'?t) support)[^\n]{0,40}"
         r"(?:bf16|bfloat16)", "bfloat16 is not supported on this GPU"),
    _sig("flash_attention_arch", "capability_missing",
         ("flashattention", "flash attention", "flash_attn"),
         r"Flash[ _]?Attention(?:[ _-]?\d)?[^\n]{0,60}?(?:only supports? (?P<arch>Ampere|Turing|Hopper|sm_?\d+)|"
         r"requires (?P<gpu>A100|A800|H100|H800|Ampere|Hopper|sm_?[89]\d)|"
         r"(?:is )?not supported on (?P<old>Turing|Volta|Pascal|(?:this|your) GPU))[^\n]*",
         "FlashAttention needs a newer GPU"),
    _sig("fp8_unsupported", "capability_missing", ("fp8",),
         r"fp8[^\n]{0,60}(?:not supported|is only supported|requires)[^\n]{0,60}(?:compute capability|sm_?8\.?9|"
         r"ada|hopper|gpu)", "FP8 is not supported on this GPU"),
    # --- application errors (the environment is usually fine) --------------------------------------
    _sig("cuda_oom", "application", ("out of memory", "outofmemoryerror", "memoryallocation"),
         r"CUDA out of memory|OutOfMemoryError|cudaErrorMemoryAllocation|CUDA_ERROR_OUT_OF_MEMORY|"
         r"CUDA error: out of memory", "CUDA out of memory"),
    _sig("oom_capacity", "context", ("total capacity", "of which"),
         r"Tried to allocate (?P<alloc>\d{1,12}(?:\.\d{1,12})? [KMGT]iB)[^\n]*?"
         r"(?:GPU (?P<index>\d{1,5})[;)]?[^\n]*?)?(?P<total>\d{1,12}(?:\.\d{1,12})? [KMGT]iB) total capacity|"
         r"GPU (?P<index2>\d{1,5}) has a total capacity of (?P<total2>\d{1,12}(?:\.\d{1,12})? [KMGT]iB)",
         "allocation size and GPU capacity of an out-of-memory error"),
    _sig("device_side_assert", "application", ("device-side assert",),
         r"device-side assert triggered", "a device-side assert (usually an index or label out of range)"),
    _sig("invalid_device_ordinal", "application", ("invalid device ordinal",),
         r"invalid device ordinal", "a GPU index beyond the visible GPUs"),
    _sig("illegal_memory_access", "application", ("illegal memory access", "illegaladdress", "illegal_address"),
         r"illegal memory access|cudaErrorIllegalAddress|CUDA_ERROR_ILLEGAL_ADDRESS",
         "an illegal memory access in a kernel"),
    _sig("launch_failure", "application", ("unspecified launch failure", "misaligned address",
                                           "launch timed out", "illegal instruction"),
         r"unspecified launch failure|misaligned address|the launch timed out and was terminated|"
         r"an illegal instruction was encountered", "a kernel failed while running"),
    _sig("device_mismatch", "application", ("expected all tensors to be on the same device",),
         r"Expected all tensors to be on the same device", "tensors on different devices"),
    _sig("cublas_status", "application", ("cublas_status_",),
         r"CUBLAS_STATUS_(?P<status>[A-Z_]+)", "a cuBLAS call failed"),
    _sig("cudnn_no_engine", "application", ("unable to find an engine",),
         r"GET was unable to find an engine to execute this computation", "cuDNN found no algorithm (often memory)"),
    _sig("cudnn_status", "application", ("cudnn_status_",),
         r"CUDNN_STATUS_(?P<status>(?!ARCH_MISMATCH)[A-Z_]+)", "a cuDNN call failed"),
    _sig("nccl_error", "application", ("ncclinternalerror", "nccl error", "ncclunhandledcudaerror",
                                       "ncclsystemerror", "ncclinvalidusage"),
         r"NCCL error[^\n]*|ncclInternalError|ncclUnhandledCudaError|ncclSystemError|ncclInvalidUsage",
         "an NCCL collective failed"),
    # --- context ----------------------------------------------------------------------------
    _sig("numpy_abi", "config", ("_array_api not found", "compiled using numpy 1.x cannot be run in"),
         r"_ARRAY_API not found|compiled using NumPy 1\.x cannot be run in\s*NumPy 2",
         "NumPy 2 with modules built for NumPy 1"),
    _sig("graphics_device_name", "driver_too_old", ("nvidia graphics device",),
         r"NVIDIA Graphics Device", "the driver does not know this GPU's name (driver older than the GPU)"),
    _sig("ngc_shm_default", "context", ("shmem allocation limit is set to the default",),
         r"SHMEM allocation limit is set to the default of (?P<size>\d+\s*[KMG]B)",
         "NGC container banner: /dev/shm has Docker's default size"),
    _sig("no_cuda_runtime", "context", ("no cuda runtime is found",),
         r"No CUDA runtime is found, using CUDA_HOME=?'?(?P<cuda_home>[^'\s]*)",
         "torch.utils.cpp_extension found no usable CUDA runtime"),
    _sig("torch_import_frame", "context", ("torch/__init__.py", "torch\\__init__.py", "from torch._c import"),
         r"(?P<path>\S*torch[/\\]__init__\.py)|from torch\._C import", "a traceback through `import torch`"),
    _sig("cuda_init_warning", "context", ("cuda initialization:",),
         r"CUDA initialization:\s*(?P<message>.+)", "torch's CUDA initialisation warning"),
)

BY_NAME: Dict[str, Signature] = {s.name: s for s in SIGNATURES}


# --- facts stated by messages ------------------------------------------------------------------
def _found_version(facts: Facts, values: Dict[str, str], line: int) -> None:
    found = values.get("found")
    if found and found.isdigit():
        facts.set("cuda_driver.driver_version", cuda_from_int(int(found)), REPORTED)


def _ngc_driver(facts: Facts, values: Dict[str, str], line: int) -> None:
    facts.set("nvml.driver_version", values.get("found"), REPORTED)
    facts.set("container.in_container", True, REPORTED)


def _nvml_status(status: str, code: Optional[int]) -> Callable[[Facts, Dict[str, str], int], None]:
    def hook(facts: Facts, values: Dict[str, str], line: int) -> None:
        if facts.set("nvml.status", status, TOOL):
            facts.set("nvml.error_code", code, TOOL)
    return hook


def _init_code(code: int, name: str) -> Callable[[Facts, Dict[str, str], int], None]:
    def hook(facts: Facts, values: Dict[str, str], line: int) -> None:
        if facts.set("cuda_driver.init_code", code, REPORTED):
            facts.set("cuda_driver.init_error_name", name, REPORTED)
    return hook


def _gpu_not_compatible(facts: Facts, values: Dict[str, str], line: int) -> None:
    sm = values.get("sm", "")
    name = values.get("gpu")
    if name:
        name = re.sub(r"^(?:\w*Warning:\s*|warnings\.warn\(\s*)", "", name).strip()
    cc = f"{sm[:-1]}.{sm[-1]}" if len(sm) >= 2 else None
    facts.add_gpu(GpuClaim(name=name, compute_capability=cc, priority=REPORTED))


def _arch_list(facts: Facts, values: Dict[str, str], line: int) -> None:
    archs = re.findall(r"(?:sm|compute)_\d{2,3}[a-z]?", values.get("archs", ""), re.IGNORECASE)
    if archs and facts.set("torch.arch_list", [a.lower() for a in archs], REPORTED):
        facts.set("torch.arch_list_source", "pasted", REPORTED)


def _found_gpu(facts: Facts, values: Dict[str, str], line: int) -> None:
    index = values.get("index")
    facts.add_gpu(GpuClaim(name=values.get("gpu"), index=int(index) if index and index.isdigit() else None,
                           compute_capability=f"{values.get('major')}.{values.get('minor')}",
                           priority=REPORTED))


def _requires_cuda(facts: Facts, values: Dict[str, str], line: int) -> None:
    index = values.get("index")
    facts.add_gpu(GpuClaim(name=values.get("gpu"), index=int(index) if index and index.isdigit() else None,
                           priority=REPORTED))


def _detected_mismatch(facts: Facts, values: Dict[str, str], line: int) -> None:
    if values.get("nvcc"):
        if facts.snapshot.libraries is None:
            facts.snapshot.libraries = LibrariesFacts()
        facts.set("libraries.nvcc_version", values["nvcc"], REPORTED)
    if values.get("torch"):
        facts.add_torch(TorchClaim(kind="imported", source="torch.utils.cpp_extension", cuda=values["torch"],
                                   line=line))


def _ngc_shm(facts: Facts, values: Dict[str, str], line: int) -> None:
    match = re.match(r"(\d+)\s*([KMG])B", values.get("size", ""), re.IGNORECASE)
    if match:
        size = int(match.group(1)) * {"K": 2**10, "M": 2**20, "G": 2**30}[match.group(2).upper()]
        facts.set("container.in_container", True, REPORTED)
        if not facts.known("container.shm"):
            facts.set("container.shm", ShmFacts(exists=True, size_bytes=size), REPORTED)


def _cuda_init_warning(facts: Facts, values: Dict[str, str], line: int) -> None:
    facts.set("cuda_driver.init_error_string", values.get("message", "")[:300], REPORTED)


HOOKS: Dict[str, Callable[[Facts, Dict[str, str], int], None]] = {
    "driver_too_old": _found_version,
    "driver_found_version": _found_version,
    "ngc_driver_too_old": _ngc_driver,
    "smi_cannot_communicate": _nvml_status("driver_not_loaded", 9),
    "nvml_driver_not_loaded": _nvml_status("driver_not_loaded", 9),
    "nvml_version_mismatch": _nvml_status("version_mismatch", 18),
    "cuda_803": _init_code(803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH"),
    "system_not_ready": _init_code(802, "CUDA_ERROR_SYSTEM_NOT_READY"),
    "gpu_not_compatible": _gpu_not_compatible,
    "build_arch_list": _arch_list,
    "found_gpu_capability": _found_gpu,
    "gpu_requires_newer_cuda": _requires_cuda,
    "detected_cuda_mismatch": _detected_mismatch,
    "ngc_shm_default": _ngc_shm,
    "cuda_init_warning": _cuda_init_warning,
}


def scan(document: Document, facts: Facts) -> None:
    """Record every signature found in the document (and the facts the messages state)."""
    for signature in SIGNATURES:
        indices = document.lines_with_any(signature.anchors)
        for index in indices:
            text = document.line(index)
            if signature.join_next:
                following = [document.line(i).strip() for i in range(index + 1, index + 1 + signature.join_next)]
                text = " ".join([text] + [t for t in following if t])[:4 * 1024]
            match = signature.pattern.search(text)
            if match is None or (signature.exclude is not None and signature.exclude.search(text)):
                continue
            values = {k: v.strip() for k, v in match.groupdict().items() if v}
            facts.observe(signature.name, document.line(index), document.number(index), **values)
            facts.seen("error")
            hook = HOOKS.get(signature.name)
            if hook is not None:
                hook(facts, values, document.number(index))
