"""The diagnosis vocabulary: categories, severities and report layers (part of the JSON schema)."""
from __future__ import annotations

from typing import Dict, Literal, Optional, Tuple, get_args

Category = Literal[
    "driver_too_old",
    "driver_not_loaded",
    "driver_library_mismatch",
    "no_gpu_visible",
    "arch_not_in_build",
    "gpu_too_old_for_build",
    "cpu_only_torch",
    "cudnn_missing",
    "cudnn_version_mismatch",
    "nccl_mismatch",
    "lib_path_conflict",
    "shm_too_small",
    "shm_permission",
    "torchvision_mismatch",
    "multiple_torch_installs",
    "cuda_toolkit_mismatch_ext",
    "fabricmanager_missing",
    "forward_compat_unsupported",
    "container_requirement_unsatisfied",
    "extension_mismatch",
    "gpu_health",
    "capability_missing",
    "config",
]

CATEGORY_MEANINGS: Dict[str, str] = {
    "driver_too_old": "driver older than the CUDA the build/container needs",
    "driver_not_loaded": "kernel driver absent or not working",
    "driver_library_mismatch": "user-space driver libraries differ from the kernel module",
    "no_gpu_visible": "the host has GPUs but this process sees none",
    "arch_not_in_build": "the GPU has no compatible SASS and no usable PTX in the build",
    "gpu_too_old_for_build": "GPU compute capability below what the build still ships",
    "cpu_only_torch": "a torch without CUDA on a machine meant to use an NVIDIA GPU",
    "cudnn_missing": "a cuDNN library needed at run time cannot be loaded",
    "cudnn_version_mismatch": "loaded cuDNN differs from the one torch was built against",
    "nccl_mismatch": "loaded NCCL incompatible with torch's",
    "lib_path_conflict": "CUDA libraries resolved from the wrong place",
    "shm_too_small": "/dev/shm too small for DataLoader workers or NCCL",
    "shm_permission": "/dev/shm not writable for this user",
    "torchvision_mismatch": "torchvision/torchaudio/torchtext not built for this torch",
    "multiple_torch_installs": "the torch that imports is not the one installed",
    "cuda_toolkit_mismatch_ext": "local nvcc/CUDA_HOME differs from torch's CUDA (extension builds)",
    "fabricmanager_missing": "NVSwitch system without a running Fabric Manager",
    "forward_compat_unsupported": "cuda-compat libraries on a GPU that cannot use them",
    "container_requirement_unsatisfied": "the image's NVIDIA_REQUIRE_* constraint fails for a reason other than "
                                         "the driver's CUDA version, or is unmet while NVIDIA_DISABLE_REQUIRE hides it",
    "extension_mismatch": "a compiled extension was built for another torch, CUDA major or C++ ABI, or has no "
                          "kernels for the GPU",
    "gpu_health": "ECC, row remapping, throttling, fallen off the bus, failed smoke test",
    "capability_missing": "a policy requirement is not met",
    "config": "anything else about configuration worth saying",
}

CATEGORIES: Tuple[str, ...] = tuple(CATEGORY_MEANINGS)

COMPANION_PACKAGES: Tuple[str, ...] = ("torchvision", "torchaudio", "torchtext")
"""torch's companion libraries: each release is built for exactly one torch release, so one that does not fit the
installed torch is `torchvision_mismatch`, not a third-party `extension_mismatch`."""

Severity = Literal["error", "warning", "info"]
SEVERITIES: Tuple[str, ...] = ("error", "warning", "info")
SEVERITY_RANK: Dict[str, int] = {"error": 0, "warning": 1, "info": 2}

# Root causes before symptoms: a driver that is missing or too old explains a
# failed CUDA init, a missing arch explains a failed kernel launch, and so on.
CATEGORY_RANK: Dict[str, int] = {name: rank for rank, name in enumerate((
    "driver_not_loaded",
    "driver_library_mismatch",
    "no_gpu_visible",
    "fabricmanager_missing",
    "forward_compat_unsupported",
    "container_requirement_unsatisfied",
    "driver_too_old",
    "cpu_only_torch",
    "multiple_torch_installs",
    "gpu_too_old_for_build",
    "arch_not_in_build",
    "cudnn_missing",
    "cudnn_version_mismatch",
    "nccl_mismatch",
    "lib_path_conflict",
    "torchvision_mismatch",
    "extension_mismatch",
    "shm_permission",
    "shm_too_small",
    "gpu_health",
    "capability_missing",
    "cuda_toolkit_mismatch_ext",
    "config",
))}

Layer = Literal["driver", "gpus", "torch", "libraries", "packages", "container", "requirements"]
LAYER_TITLES: Dict[str, str] = {
    "driver": "NVIDIA driver",
    "gpus": "GPUs",
    "torch": "PyTorch build",
    "libraries": "CUDA libraries",
    "packages": "Python packages",
    "container": "Container and resources",
    "requirements": "Requirements",
}
LAYERS: Tuple[str, ...] = tuple(LAYER_TITLES)

SnapshotOrigin = Literal["live", "file", "pasted"]
ProbeLevel = Literal["quick", "standard", "deep"]
LEVELS: Tuple[str, ...] = get_args(ProbeLevel)


def probe_level(value: str) -> Optional[ProbeLevel]:
    """``value`` as a probe level, or None when it names none."""
    return next((level for level in get_args(ProbeLevel) if level == value), None)
