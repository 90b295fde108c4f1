"""Child process: call the CUDA driver API in libcuda.so.1 through ctypes and print JSON.

cuInit can hang on a wedged driver or crash; this runs where the parent can abandon
it. Self-contained: imports nothing from cudacheck (``proc_maps`` is its sibling).
"""
import ctypes
import json
import sys

from proc_maps import mapped_file  # type: ignore[import-not-found]  # a sibling script: on the path at run time


def main():
    """libcuda's facts, keyed by the field names of cudacheck's CudaDriverFacts
    (``driver_version`` as cuDriverGetVersion's integer; the parent decodes it)."""
    out = {}
    try:
        lib = ctypes.CDLL("libcuda.so.1")
    except OSError as exc:
        out["load_error"] = str(exc)
        return out
    out["library_path"] = mapped_file("libcuda.so")
    code = lib.cuInit(0)
    out["init_code"] = code
    if code != 0:
        name, description = ctypes.c_char_p(), ctypes.c_char_p()
        if hasattr(lib, "cuGetErrorName") and lib.cuGetErrorName(code, ctypes.byref(name)) == 0:
            out["init_error_name"] = (name.value or b"").decode()
        if hasattr(lib, "cuGetErrorString") and lib.cuGetErrorString(code, ctypes.byref(description)) == 0:
            out["init_error_string"] = (description.value or b"").decode()
    version = ctypes.c_int(0)
    if lib.cuDriverGetVersion(ctypes.byref(version)) == 0:
        out["driver_version"] = version.value
    if code == 0:
        count = ctypes.c_int(0)
        if lib.cuDeviceGetCount(ctypes.byref(count)) == 0:
            out["device_count"] = count.value
    return out


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main()))
