"""Driver probes: NVML and the CUDA driver API, each in an abandonable child process."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..snapshot import CudaDriverFacts, GpuFacts, NvmlFacts, ProbeError
from ..versions import cuda_from_int
from .isolation import Child, ChildResult

COMPAT_MARKERS = ("/compat/", "cuda-compat")


def nvml_facts(child: Child, deadline: float, errors: List[ProbeError]) -> NvmlFacts:
    """Turn the NVML child's answer (or its failure) into facts."""
    result = child.result(deadline)
    if result.status != "ok":
        errors.append(_probe_error("nvml", result))
        return NvmlFacts(status=result.status if result.status in ("timeout", "crashed") else "unknown",
                         error_message=result.message)
    data = result.data or {}
    facts = NvmlFacts(status=data.get("status"), error_code=data.get("error_code"),
                      error_message=data.get("error_message"), library_path=data.get("library_path"),
                      driver_version=data.get("driver_version"), nvml_version=data.get("nvml_version"),
                      cuda_driver_version=cuda_from_int(data.get("cuda_driver_version_int")),
                      gpu_count=data.get("gpu_count"))
    if facts.status != "ok":
        errors.append(ProbeError("nvml", "not_found" if facts.status == "library_not_found" else "error",
                                 facts.error_message or str(facts.status), facts.error_code,
                                 round(result.seconds, 4)))
    facts.gpus = [_gpu(raw) for raw in data.get("gpus", [])]
    return facts


def _gpu(raw: Dict[str, Any]) -> GpuFacts:
    pci = raw.get("pci") or {}
    memory = raw.get("memory") or {}
    remapped = raw.get("remapped_rows") or {}
    return GpuFacts(
        index=raw.get("index"), name=raw.get("name"), uuid=raw.get("uuid"),
        pci_bus_id=pci.get("bus_id"), pci_device_id=pci.get("device_id"),
        compute_capability=raw.get("compute_capability"),
        architecture=raw.get("architecture"), brand=raw.get("brand"),
        memory_total_mib=memory.get("total_mib"), memory_used_mib=memory.get("used_mib"),
        persistence_mode=raw.get("persistence_mode"), mig_mode=raw.get("mig_mode"),
        ecc_enabled=raw.get("ecc_enabled"),
        ecc_uncorrected_volatile=raw.get("ecc_uncorrected_volatile"),
        ecc_uncorrected_aggregate=raw.get("ecc_uncorrected_aggregate"),
        retired_pages_pending=raw.get("retired_pages_pending"),
        remapped_rows_pending=remapped.get("pending"), remapped_rows_failed=remapped.get("failed"),
        clock_event_reasons=raw.get("clock_event_reasons"),
        clock_event_names=raw.get("clock_event_names", []),
        temperature_c=raw.get("temperature_c"), power_limit_w=raw.get("power_limit_w"),
        pcie_gen_current=raw.get("pcie_gen_current"), pcie_gen_max=raw.get("pcie_gen_max"),
        pcie_width_current=raw.get("pcie_width_current"), pcie_width_max=raw.get("pcie_width_max"),
        lost=raw.get("lost"), unavailable_fields=raw.get("unavailable_fields", {}))


def cuda_facts(child: Child, deadline: float, errors: List[ProbeError]) -> CudaDriverFacts:
    """Turn the libcuda child's answer (or its failure) into facts."""
    result = child.result(deadline)
    if result.status != "ok":
        errors.append(_probe_error("cuda_driver", result))
        return CudaDriverFacts()
    data = result.data or {}
    if "load_error" in data:
        errors.append(ProbeError("cuda_driver", "not_found", data["load_error"], None,
                                 round(result.seconds, 4)))
        return CudaDriverFacts()
    path: Optional[str] = data.get("library_path")
    return CudaDriverFacts(
        library_path=path,
        is_compat_library=any(marker in path for marker in COMPAT_MARKERS) if path else None,
        init_code=data.get("init_code"), init_error_name=data.get("init_error_name"),
        init_error_string=data.get("init_error_string"),
        driver_version=cuda_from_int(data.get("driver_version_int")),
        device_count=data.get("device_count"))


def _probe_error(probe: str, result: ChildResult) -> ProbeError:
    return ProbeError(probe, result.status, result.message, result.signal, round(result.seconds, 4))

