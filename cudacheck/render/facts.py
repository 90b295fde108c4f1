"""One line of facts per layer, for the doctor and Markdown views."""
from __future__ import annotations

from typing import Dict, List

from ..snapshot import Snapshot


def _gib(mib: int) -> str:
    return f"{mib / 1024:.0f} GiB"


def layer_facts(snapshot: Snapshot) -> Dict[str, str]:
    """A short human summary of what was observed in each layer."""
    nvml = snapshot.nvml
    facts: Dict[str, str] = {}
    if nvml.driver_version:
        parts = [f"driver {nvml.driver_version}"]
        if nvml.cuda_driver_version:
            parts.append(f"supports CUDA ≤ {nvml.cuda_driver_version}")
        facts["driver"] = ", ".join(parts)
    elif nvml.status:
        facts["driver"] = {"library_not_found": "no NVIDIA driver library found",
                           "driver_not_loaded": "kernel driver not loaded",
                           "version_mismatch": "driver/library version mismatch",
                           "timeout": "NVML did not answer", "crashed": "NVML crashed",
                           "no_permission": "no permission to use the GPU devices"}.get(
            nvml.status, f"NVML: {nvml.error_message or nvml.status}")
    else:
        facts["driver"] = "not known"
    gpus: List[str] = []
    for gpu in nvml.gpus:
        bits = [b for b in (f"sm_{gpu.compute_capability.replace('.', '')}" if gpu.compute_capability else None,
                            _gib(gpu.memory_total_mib) if gpu.memory_total_mib else None) if b]
        gpus.append(f"{gpu.name or 'GPU'}" + (f" ({', '.join(bits)})" if bits else ""))
    facts["gpus"] = "; ".join(gpus) if gpus else "none visible"
    torch = snapshot.torch
    if torch.version:
        build = f"CUDA {torch.cuda}" if torch.cuda else f"ROCm {torch.hip}" if torch.hip else "CPU-only"
        facts["torch"] = f"torch {torch.version} ({build})"
    else:
        facts["torch"] = "torch not installed" if torch.installed is False else "torch not known"
    libraries = snapshot.libraries
    if libraries is not None:
        resolved = ", ".join(f"{name} {lib.version or '?'}" for name, lib in sorted(libraries.resolved.items()))
        toolkit = ", ".join(x for x in (f"nvcc {libraries.nvcc_version}" if libraries.nvcc_version else "",
                                        f"system cuDNN {libraries.system_cudnn_version}"
                                        if libraries.system_cudnn_version else "") if x)
        found = f"{len(libraries.found)} CUDA library files found" if libraries.found or not toolkit else ""
        facts["libraries"] = resolved or ", ".join(x for x in (found, toolkit) if x)
    if snapshot.packages is not None:
        names = [f"{p.name} {p.version}" for p in snapshot.packages
                 if p.name.lower() in ("torchvision", "torchaudio", "triton", "xformers", "vllm")]
        nvidia = sum(1 for p in snapshot.packages if p.name.lower().startswith("nvidia-"))
        facts["packages"] = ", ".join(names + ([f"{nvidia} nvidia-* wheels"] if nvidia else [])) or "nothing GPU-related"
    container = snapshot.container
    where = (f"in a {container.runtime or ''} container".replace("  ", " ") if container.in_container
             else "not in a container" if container.in_container is False else "")
    shm = container.shm
    shm_text = f"/dev/shm {shm.size_bytes / 2**30:.1f} GiB" if shm and shm.size_bytes is not None else ""
    facts["container"] = ", ".join(x for x in (where, shm_text) if x) or "not known"
    return facts
