"""Child process: query NVML through the official pynvml bindings and print JSON.

Runs in its own process so a hanging or crashing driver cannot take cudacheck down.
Every per-GPU field degrades on its own: NotSupported / FunctionNotFound on one call
never loses the others. Self-contained: imports nothing from cudacheck (``proc_maps`` is
its sibling).
"""
import json
import sys

from proc_maps import mapped_file  # type: ignore[import-not-found]  # a sibling script: on the path at run time

# Meaning of NVML init failures (nvml.h return codes).
INIT_STATUS = {
    1: "unknown", 2: "unknown", 3: "unknown",
    4: "no_permission",           # NVML_ERROR_NO_PERMISSION: /dev/nvidia* not accessible
    9: "driver_not_loaded",       # NVML_ERROR_DRIVER_NOT_LOADED: no kernel module
    12: "library_not_found",      # NVML_ERROR_LIBRARY_NOT_FOUND: no libnvidia-ml.so.1
    13: "library_not_found",      # NVML_ERROR_FUNCTION_NOT_FOUND at init: a stub or ancient library
    17: "driver_not_loaded",      # NVML_ERROR_OPERATING_SYSTEM
    18: "version_mismatch",       # NVML_ERROR_LIB_RM_VERSION_MISMATCH: libs upgraded, module not reloaded
    15: "gpu_lost",               # NVML_ERROR_GPU_IS_LOST
    999: "unknown",
}

CLOCK_EVENTS = {
    0x1: "gpu_idle", 0x2: "applications_clocks_setting", 0x4: "sw_power_cap",
    0x8: "hw_slowdown", 0x10: "sync_boost", 0x20: "sw_thermal_slowdown",
    0x40: "hw_thermal_slowdown", 0x80: "hw_power_brake_slowdown", 0x100: "display_clock_setting",
}


# nvmlBrandType_t, spelled as NVIDIA_REQUIRE_* "brand=" terms spell them (libnvidia-container).
BRANDS = {0: "unknown", 1: "quadro", 2: "tesla", 3: "nvs", 4: "grid", 5: "geforce", 6: "titan",
          7: "vapps", 8: "vpc", 9: "vcs", 10: "vws", 11: "cloudgaming", 12: "quadrortx",
          13: "nvidiartx", 14: "nvidia", 15: "geforcertx", 16: "titanrtx"}
# nvmlDeviceArchitecture_t, spelled as compat_data/architectures.json names them.
ARCHITECTURES = {2: "Kepler", 3: "Maxwell", 4: "Pascal", 5: "Volta", 6: "Turing", 7: "Ampere",
                 8: "Ada Lovelace", 9: "Hopper", 10: "Blackwell"}


def text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def main():
    """The driver and every GPU, keyed by the field names of cudacheck's NvmlFacts and GpuFacts
    (``cuda_driver_version`` as NVML's integer; the parent decodes it)."""
    out = {"status": None, "gpus": []}
    try:
        import pynvml  # type: ignore[import-untyped]  # nvidia-ml-py ships no type information
    except ImportError as exc:
        out.update(status="library_not_found", error_message=f"pynvml not importable: {exc}")
        return out
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError as exc:
        code = getattr(exc, "value", None)
        out.update(status=INIT_STATUS.get(code, "unknown"), error_code=code, error_message=str(exc))
        return out
    out["status"] = "ok"
    out["library_path"] = mapped_file("libnvidia-ml")

    def field(target, key, call, convert=lambda v: v):
        """``target[key] = convert(call())``; a ``convert`` returning a dict sets several fields
        from one call. A failure is recorded under ``key`` in ``unavailable_fields``."""
        try:
            value = convert(call())
        except pynvml.NVMLError as exc:
            target.setdefault("unavailable_fields", {})[key] = str(exc)
            if getattr(exc, "value", None) == 15 and "index" in target:
                target["lost"] = True
            return
        except Exception as exc:  # a binding/driver disagreement is a fact, not a crash
            target.setdefault("unavailable_fields", {})[key] = f"{type(exc).__name__}: {exc}"
            return
        if isinstance(value, dict):
            target.update(value)
        else:
            target[key] = value

    field(out, "driver_version", pynvml.nvmlSystemGetDriverVersion, text)
    field(out, "nvml_version", pynvml.nvmlSystemGetNVMLVersion, text)
    field(out, "cuda_driver_version", cuda_driver_version(pynvml))
    field(out, "gpu_count", pynvml.nvmlDeviceGetCount)
    for index in range(out.get("gpu_count") or 0):
        gpu = {"index": index}
        try:
            handle = pynvml.nvmlDeviceGetHandleByIndex(index)
        except pynvml.NVMLError as exc:
            gpu["unavailable_fields"] = {"handle": str(exc)}
            gpu["lost"] = getattr(exc, "value", None) == 15 or None
            out["gpus"].append(gpu)
            continue
        gpu["lost"] = False  # until a call answers GPU_IS_LOST
        query_gpu(pynvml, handle, gpu, field)
        out["gpus"].append(gpu)
    try:
        pynvml.nvmlShutdown()
    except pynvml.NVMLError:
        pass
    return out


def cuda_driver_version(pynvml):
    def call():
        try:
            return pynvml.nvmlSystemGetCudaDriverVersion_v2()
        except (pynvml.NVMLError_FunctionNotFound, AttributeError):
            return pynvml.nvmlSystemGetCudaDriverVersion()
    return call


def query_gpu(pynvml, handle, gpu, field):
    field(gpu, "name", lambda: pynvml.nvmlDeviceGetName(handle), text)
    field(gpu, "uuid", lambda: pynvml.nvmlDeviceGetUUID(handle), text)
    field(gpu, "pci", lambda: pynvml.nvmlDeviceGetPciInfo(handle),
          lambda p: {"pci_bus_id": text(p.busId), "pci_device_id": f"0x{(p.pciDeviceId >> 16) & 0xFFFF:04x}"})
    field(gpu, "compute_capability", lambda: pynvml.nvmlDeviceGetCudaComputeCapability(handle),
          lambda cc: f"{cc[0]}.{cc[1]}")
    field(gpu, "architecture", lambda: pynvml.nvmlDeviceGetArchitecture(handle),
          lambda code: ARCHITECTURES.get(int(code)))
    field(gpu, "brand", lambda: pynvml.nvmlDeviceGetBrand(handle),
          lambda code: BRANDS.get(int(code), f"brand {int(code)}"))
    field(gpu, "memory", lambda: pynvml.nvmlDeviceGetMemoryInfo(handle),
          lambda m: {"memory_total_mib": int(m.total) // 2**20, "memory_used_mib": int(m.used) // 2**20})
    field(gpu, "persistence_mode", lambda: pynvml.nvmlDeviceGetPersistenceMode(handle), bool)
    field(gpu, "mig_mode", lambda: pynvml.nvmlDeviceGetMigMode(handle), lambda m: bool(m[0]))
    field(gpu, "ecc_enabled", lambda: pynvml.nvmlDeviceGetEccMode(handle), lambda m: bool(m[0]))
    uncorrected = getattr(pynvml, "NVML_MEMORY_ERROR_TYPE_UNCORRECTED", 1)
    field(gpu, "ecc_uncorrected_volatile", lambda: pynvml.nvmlDeviceGetTotalEccErrors(
        handle, uncorrected, getattr(pynvml, "NVML_VOLATILE_ECC", 0)), int)
    field(gpu, "ecc_uncorrected_aggregate", lambda: pynvml.nvmlDeviceGetTotalEccErrors(
        handle, uncorrected, getattr(pynvml, "NVML_AGGREGATE_ECC", 1)), int)
    field(gpu, "retired_pages_pending", lambda: pynvml.nvmlDeviceGetRetiredPagesPendingStatus(handle), bool)
    field(gpu, "remapped_rows", lambda: pynvml.nvmlDeviceGetRemappedRows(handle),
          lambda r: {"remapped_rows_pending": bool(r[2]), "remapped_rows_failed": bool(r[3])})
    field(gpu, "clock_event_reasons", clock_events(pynvml, handle), int)
    field(gpu, "temperature_c", lambda: pynvml.nvmlDeviceGetTemperature(handle, 0), int)
    field(gpu, "power_limit_w", lambda: pynvml.nvmlDeviceGetPowerManagementLimit(handle),
          lambda mw: round(mw / 1000.0, 1))
    field(gpu, "pcie_gen_current", lambda: pynvml.nvmlDeviceGetCurrPcieLinkGeneration(handle), int)
    field(gpu, "pcie_gen_max", lambda: pynvml.nvmlDeviceGetMaxPcieLinkGeneration(handle), int)
    field(gpu, "pcie_width_current", lambda: pynvml.nvmlDeviceGetCurrPcieLinkWidth(handle), int)
    field(gpu, "pcie_width_max", lambda: pynvml.nvmlDeviceGetMaxPcieLinkWidth(handle), int)
    if "clock_event_reasons" in gpu:
        gpu["clock_event_names"] = [name for bit, name in CLOCK_EVENTS.items()
                                    if gpu["clock_event_reasons"] & bit]


def clock_events(pynvml, handle):
    def call():
        getter = getattr(pynvml, "nvmlDeviceGetCurrentClocksEventReasons", None)
        try:
            if getter is None:
                raise AttributeError
            return getter(handle)
        except (pynvml.NVMLError_FunctionNotFound, AttributeError):
            return pynvml.nvmlDeviceGetCurrentClocksThrottleReasons(handle)
    return call


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main()))
