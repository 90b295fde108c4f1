"""One line of facts per layer, for the doctor and Markdown views; what the deep probe
found; and the requirements applied with where each came from."""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Sequence, Tuple

from ..report import AreaCoverage, Finding
from ..sizes import MIB, gib
from ..snapshot import DeepFacts, EnvironmentFacts, GpuFacts, LibrariesFacts, Snapshot
from ..versions import cudnn_from_int

if TYPE_CHECKING:
    from ..report import Report

SELECTED_BY = {"own": "cudacheck's own", "--python": "--python", "python=": "python=",
               "VIRTUAL_ENV": "activated VIRTUAL_ENV", "CONDA_PREFIX": "activated CONDA_PREFIX"}
"""Why an environment was inspected, as every report header says it."""

#: Library families on the CUDA libraries line: (family key, display name).
_FAMILIES = {"cudart": "cudart", "cudnn": "cuDNN", "cublas": "cuBLAS", "nccl": "NCCL", "nvrtc": "NVRTC"}


def gpu_description(gpu: GpuFacts) -> str:
    """``NVIDIA H100 80GB HBM3 (sm_90, 80 GiB)``."""
    bits = [b for b in (f"sm_{gpu.compute_capability.replace('.', '')}" if gpu.compute_capability else None,
                        gib(gpu.memory_total_mib * MIB, whole=True) if gpu.memory_total_mib else None) if b]
    return f"{gpu.name or 'GPU'}" + (f" ({', '.join(bits)})" if bits else "")


def gpu_summary(gpus: Sequence[GpuFacts]) -> str:
    """Identical GPUs collapsed, in the order first seen: ``8× NVIDIA H100 80GB HBM3 (sm_90, 80 GiB)``."""
    counts: Dict[str, int] = {}
    for gpu in gpus:
        description = gpu_description(gpu)
        counts[description] = counts.get(description, 0) + 1
    return "; ".join(f"{count}× {description}" if count > 1 else description
                     for description, count in counts.items())


def gpu_lines(gpus: Sequence[GpuFacts]) -> List[str]:
    """One line per GPU, for ``-v``: ``GPU 0: NVIDIA H100 … · bus 00000000:18:00.0 · GPU-…``."""
    lines = []
    for position, gpu in enumerate(gpus):
        index = gpu.index if gpu.index is not None else position
        parts = [f"GPU {index}: {gpu_description(gpu)}"]
        parts.append(f"bus {gpu.pci_bus_id}" if gpu.pci_bus_id else "bus ?")
        parts.append(gpu.uuid or "UUID ?")
        lines.append(" · ".join(parts))
    return lines


def library_summary(libraries: LibrariesFacts) -> str:
    """The libraries a loader would give torch, by family: ``cuDNN 9.1.0.70 (11 libraries)``;
    a family whose files differ in version says so."""
    families: Dict[str, List[Optional[str]]] = {}
    for name, library in sorted(libraries.resolved.items()):
        key = "cublas" if name.startswith("cublas") else name.split("_", 1)[0]
        families.setdefault(key, []).append(library.version)
    parts = []
    for key, versions in families.items():
        main = libraries.resolved.get(key)
        version = (main.version if main is not None else None) or next((v for v in versions if v), None)
        text = f"{_FAMILIES.get(key, key)} {version or '?'}"
        if len(versions) > 1:
            others = sorted({v for v in versions if v and v != version})
            text += f" ({len(versions)} libraries" + (f"; also {', '.join(others)}" if others else "") + ")"
        parts.append(text)
    return ", ".join(parts)


def environment_line(snapshot: Snapshot) -> Optional[str]:
    """``environment: ~/proj/.venv (activated VIRTUAL_ENV) · Python 3.11.7`` for a probed
    snapshot; None for pasted text (no environment was inspected)."""
    if snapshot.source == "pasted":
        return None
    environment = snapshot.environment
    if environment is None:
        return "environment: not recorded in this snapshot"
    return f"environment: {describe_environment(environment)}" + \
        (f" · Python {environment.python_version}" if environment.python_version else "")


def describe_environment(environment: EnvironmentFacts) -> str:
    """``~/proj/.venv (activated VIRTUAL_ENV)``: where, and why that one."""
    reason = SELECTED_BY.get(environment.selected_by, environment.selected_by)
    if environment.note:
        reason += f"; {environment.note}"
    return f"{environment.prefix or environment.executable or '?'} ({reason})"


def environment_summary(snapshot: Snapshot) -> List[Tuple[str, str]]:
    """What a collect_env paste opens with — OS, Python (and environment), torch, driver,
    GPUs — as (label, value) rows; facts not known are left out."""
    platform = snapshot.platform
    rows: List[Tuple[str, str]] = []
    kernel = " ".join(x for x in (platform.system, platform.kernel) if x)
    system = ", ".join(x for x in (platform.distro, kernel, platform.machine, platform.libc) if x)
    if system:
        rows.append(("OS", system))
    python = platform.python_version or (snapshot.environment.python_version if snapshot.environment else None)
    environment = snapshot.environment
    where = describe_environment(environment) if environment is not None else None
    if python or where:
        rows.append(("Python", " · ".join(x for x in (python, where) if x)))
    torch = snapshot.torch
    if torch.version:
        build = f"CUDA {torch.cuda}" if torch.cuda else f"ROCm {torch.hip}" if torch.hip else "CPU-only"
        rows.append(("torch", f"{torch.version} ({build})"))
    elif torch.installed is False:
        rows.append(("torch", "not installed"))
    nvml = snapshot.nvml
    if nvml.driver_version:
        rows.append(("NVIDIA driver", nvml.driver_version + (f" (supports CUDA ≤ {nvml.cuda_driver_version})"
                                                             if nvml.cuda_driver_version else "")))
    if nvml.gpus:
        rows.append(("GPUs", gpu_summary(nvml.gpus)))
    return rows


def layer_facts(snapshot: Snapshot) -> Dict[str, str]:
    """A short human summary of what was observed in each layer."""
    nvml = snapshot.nvml
    facts: Dict[str, str] = {}
    if nvml.driver_version:
        parts = [f"driver {nvml.driver_version}"]
        if nvml.cuda_driver_version:
            parts.append(f"supports CUDA ≤ {nvml.cuda_driver_version}")
        facts["driver"] = ", ".join(parts)
    elif nvml.status and nvml.status not in ("timeout", "crashed"):  # a hung driver: the coverage names it
        facts["driver"] = {"library_not_found": "no NVIDIA driver library found",
                           "driver_not_loaded": "kernel driver not loaded",
                           "version_mismatch": "driver/library version mismatch",
                           "no_permission": "no permission to use the GPU devices"}.get(
            nvml.status, f"NVML: {nvml.error_message or nvml.status}")
    if nvml.gpus:
        facts["gpus"] = gpu_summary(nvml.gpus)
    elif nvml.status in ("ok", "library_not_found"):  # otherwise whether a GPU is there is not known
        facts["gpus"] = "none visible"
    torch = snapshot.torch
    if torch.version:
        build = f"CUDA {torch.cuda}" if torch.cuda else f"ROCm {torch.hip}" if torch.hip else "CPU-only"
        facts["torch"] = f"torch {torch.version} ({build})"
    elif torch.installed is False:
        facts["torch"] = "torch not installed"
    elif torch.installed:  # named ("PyTorch 2.9+", "my torch") without a version to read
        facts["torch"] = "torch, version not known"
    libraries = snapshot.libraries
    if libraries is not None:
        resolved = library_summary(libraries)
        toolkit = ", ".join(x for x in (f"nvcc {libraries.nvcc_version}" if libraries.nvcc_version else "",
                                        f"system cuDNN {libraries.system_cudnn_version}"
                                        if libraries.system_cudnn_version else "") if x)
        count = len(libraries.found)
        found = f"{count} CUDA library file{'' if count == 1 else 's'} found" if libraries.found or not toolkit else ""
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
    shm_text = f"/dev/shm {gib(shm.size_bytes)}" if shm and shm.size_bytes is not None else ""
    if where or shm_text:
        facts["container"] = ", ".join(x for x in (where, shm_text) if x)
    return facts


def deep_lines(deep: DeepFacts) -> List[str]:
    """What the deep probe (torch imported in a child process) found: the import, CUDA, each GPU's
    smoke test, and where it stopped when it did not finish."""
    if not deep.ran:
        return []
    if deep.import_error:
        return [f"import torch failed: {deep.import_error.strip().splitlines()[0][:160]}"]
    lines: List[str] = []
    if deep.torch_version:
        build = f", CUDA {deep.torch_cuda}" if deep.torch_cuda else ", CPU-only"
        lines.append(f"import torch: ok (torch {deep.torch_version}{build})")
    if deep.cuda_available is not None:
        count = f", {deep.device_count} device{'s' if deep.device_count != 1 else ''}" \
            if deep.device_count is not None else ""
        why = f": {deep.cuda_init_error.strip().splitlines()[0][:120]}" \
            if deep.cuda_available is False and deep.cuda_init_error else ""
        lines.append(f"torch.cuda.is_available(): {deep.cuda_available}{count}{why}")
    if deep.cudnn_version:
        lines.append(f"cuDNN loaded by torch: {cudnn_from_int(deep.cudnn_version)}"
                     + (f"; NCCL {deep.nccl_version}" if deep.nccl_version else ""))
    for result in deep.smoke:
        parts = [_check("matmul", result.matmul_ok), _check("conv", result.conv_ok)]
        if result.bf16_supported is not None:
            parts.append(f"bf16 {'yes' if result.bf16_supported else 'no'}")
        if result.error:
            parts.append(f"error: {result.error.strip().splitlines()[0][:120]}")
        name = f" {result.name}" if result.name else ""
        lines.append(f"GPU {result.index}{name}: " + ", ".join(p for p in parts if p))
    if deep.last_step:
        lines.append(f"stopped during {deep.last_step}")
    return lines


def _check(name: str, ok) -> str:
    return "" if ok is None else f"{name} {'ok' if ok else 'FAILED'}"


GPU_REQUIREMENTS = ("min_gpus", "min_compute_capability", "min_gpu_memory", "features")


def requirements_text(policy: Mapping[str, object], sources: Mapping[str, str]) -> str:
    """``min_compute_capability=8.0 (flag), … ; a visible GPU (implied by min_compute_capability)``."""
    parts = [f"{name}={_value(name, value)}" + (f" ({sources[name]})" if name in sources else "")
             for name, value in policy.items()]
    implied = [name for name in GPU_REQUIREMENTS if policy.get(name)]
    if implied and not policy.get("require_gpu"):
        parts.append(f"a visible GPU (implied by {', '.join(implied)})")
    return ", ".join(parts)


def _value(name: str, value: object) -> str:
    if name in ("min_gpu_memory", "min_shm") and isinstance(value, int):
        return gib(value)
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def area_rows(report: "Report") -> List[Tuple[str, str, str]]:
    """(title, status, fact) per area for the tabular views (Markdown, HTML): the facts of the
    layer, the requirements applied, and why an area could not be checked."""
    from ..vocabulary import LAYER_TITLES

    facts = layer_facts(report.snapshot)
    if report.policy:
        facts["requirements"] = requirements_text(report.policy, report.policy_sources)
    rows = []
    for layer, title in LAYER_TITLES.items():
        area = report.area(layer)
        if layer not in facts and area is None:
            continue
        fact = facts.get(layer, "")
        if area is not None and not area.checked:
            fact = f"{fact}; could not check: {area.reason}" if fact and area.state == "failed" else \
                f"could not check: {area.reason}"
        rows.append((title, area_status([f for f in report.findings if f.layer == layer], area), fact))
    return rows


def area_status(findings: List[Finding], area: Optional[AreaCoverage]) -> str:
    """The mark of one area: an error wins, then "could not check", then a warning, then
    "nothing there", then ✓."""
    severities = {f.severity for f in findings}
    if "error" in severities:
        return "error"
    if area is not None and not area.checked:
        return "unknown"
    if "warning" in severities:
        return "warning"
    return "absent" if area is not None and area.state == "absent" else "ok"
