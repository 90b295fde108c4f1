"""Driver probes: NVML and the CUDA driver API, each in an abandonable child process."""
from __future__ import annotations

from typing import List

from ..snapshot import CudaDriverFacts, GpuFacts, NvmlFacts, ProbeError
from ..versions import cuda_from_int
from .answers import from_answer
from .isolation import Child, ChildResult

COMPAT_MARKERS = ("/compat/", "cuda-compat")


def nvml_facts(child: Child, deadline: float, errors: List[ProbeError]) -> NvmlFacts:
    """Turn the NVML child's answer (or its failure) into facts: its keys are NvmlFacts' and
    GpuFacts' field names (see :mod:`cudacheck.probes.answers`)."""
    result = child.result(deadline)
    if result.status != "ok":
        errors.append(_probe_error("nvml", result))
        return NvmlFacts(status=result.status if result.status in ("timeout", "crashed") else "unknown",
                         error_message=result.message)
    facts = from_answer(NvmlFacts, result.data or {}, decode={
        "cuda_driver_version": cuda_from_int,  # nvmlSystemGetCudaDriverVersion: 1000·major + 10·minor
        "gpus": lambda gpus: [from_answer(GpuFacts, gpu) for gpu in gpus]})
    if facts.status != "ok":
        errors.append(ProbeError("nvml", "not_found" if facts.status == "library_not_found" else "error",
                                 facts.error_message or str(facts.status), facts.error_code,
                                 round(result.seconds, 4)))
    return facts


def cuda_facts(child: Child, deadline: float, errors: List[ProbeError]) -> CudaDriverFacts:
    """Turn the libcuda child's answer (or its failure) into facts: its keys are CudaDriverFacts'
    field names, or ``load_error`` alone when libcuda.so.1 could not be loaded."""
    result = child.result(deadline)
    if result.status != "ok":
        errors.append(_probe_error("cuda_driver", result))
        return CudaDriverFacts()
    data = dict(result.data or {})
    load_error = data.pop("load_error", None)
    if load_error is not None:
        errors.append(ProbeError("cuda_driver", "not_found", load_error, None, round(result.seconds, 4)))
        return CudaDriverFacts()
    path = data.get("library_path")
    return from_answer(CudaDriverFacts, data, decode={"driver_version": cuda_from_int},  # cuDriverGetVersion
                       is_compat_library=any(marker in path for marker in COMPAT_MARKERS) if path else None)


def _probe_error(probe: str, result: ChildResult) -> ProbeError:
    return ProbeError(probe, result.status, result.message, result.signal, round(result.seconds, 4))

