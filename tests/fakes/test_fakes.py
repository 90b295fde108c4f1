"""The fakes behave as documented, driven through the real loaders:
official pynvml for NVML, ctypes for the rest, in child processes whose
LD_LIBRARY_PATH points at the freshly built libraries."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import textwrap
from pathlib import Path

import pytest

from .build import BuildError, build_library, default_soname, gcc_available
from .conftest_fixtures import (  # noqa: F401  (fixtures are used by name)
    fake_build_cache,
    fake_env,
    fake_lib_dir,
    gpu_spec,
    make_lib_dir,
    nvml_env,
    run_python,
)

pytestmark = [
    pytest.mark.skipif(not gcc_available(), reason="gcc is needed to build the fake NVIDIA libraries"),
    pytest.mark.slow,
]

try:
    import pynvml  # noqa: F401
except ImportError:  # pragma: no cover
    HAVE_PYNVML = False
else:
    HAVE_PYNVML = True
requires_pynvml = pytest.mark.skipif(not HAVE_PYNVML, reason="the nvidia-ml-py package provides pynvml")


def run_json(code: str, env: dict, timeout: float = 30):
    """Run code in a child; it must print one JSON document on its last line."""
    proc = run_python(textwrap.dedent(code), env, timeout=timeout)
    assert proc.returncode == 0, f"child failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------- build


def test_build_names_caches_and_separates_variants(fake_build_cache: Path):
    a = build_library("nvml", fake_build_cache)
    assert a.name == "libnvidia-ml.so.1"
    mtime = a.stat().st_mtime_ns
    assert build_library("nvml", fake_build_cache) == a
    assert a.stat().st_mtime_ns == mtime
    b = build_library("nvml", fake_build_cache, defines={"OMIT_REMAPPED_ROWS": None})
    assert b.name == a.name and b.parent != a.parent
    c = build_library("cudnn", fake_build_cache, defines={"VERSION": "8907"})
    assert c.name == "libcudnn.so.8"
    d = build_library("cudart", fake_build_cache, soname="libcudart.so.12.4.127")
    assert d.name == "libcudart.so.12.4.127"
    with pytest.raises(ValueError):
        build_library("nope", fake_build_cache)
    with pytest.raises(BuildError):
        build_library("nvml", fake_build_cache, defines={"int": "@"})


@pytest.mark.parametrize(
    ("kind", "defines", "soname"),
    [
        ("nvml", None, "libnvidia-ml.so.1"),
        ("cuda", None, "libcuda.so.1"),
        ("cudart", None, "libcudart.so.12"),
        ("cudart", {"VERSION": "11080"}, "libcudart.so.11.0"),
        ("cudnn", None, "libcudnn.so.9"),
        ("cudnn", {"VERSION": "8907"}, "libcudnn.so.8"),
        ("nccl", None, "libnccl.so.2"),
        ("cublas", None, "libcublas.so.12"),
        ("cublas", {"VERSION": "111103"}, "libcublas.so.11"),
        ("nvrtc", None, "libnvrtc.so.12"),
        ("nvrtc", {"VERSION": "11080"}, "libnvrtc.so.11.2"),
    ],
)
def test_soname_is_embedded(fake_build_cache: Path, kind, defines, soname):
    assert default_soname(kind, defines) == soname
    lib = build_library(kind, fake_build_cache, defines=defines)
    assert lib.name == soname
    readelf = shutil.which("readelf")
    if readelf:
        out = subprocess.run([readelf, "-d", str(lib)], capture_output=True, text=True, check=True).stdout
        assert f"Library soname: [{soname}]" in out


def test_fake_lib_dir_holds_every_default_fake(fake_lib_dir: Path):
    assert sorted(p.name for p in fake_lib_dir.iterdir()) == sorted(
        [
            "libnvidia-ml.so.1",
            "libcuda.so.1",
            "libcudart.so.12",
            "libcudnn.so.9",
            "libnccl.so.2",
            "libcublas.so.12",
            "libnvrtc.so.12",
        ]
    )


def test_fake_env_contract(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("FAKE_NVML_GPUS", "leaked")
    monkeypatch.setenv("LD_LIBRARY_PATH", "/old")
    env = fake_env(tmp_path, gpus=[gpu_spec("A", "8.0", 10), gpu_spec("B", "9.0", 20, ecc=False)],
                   hang=True, cuda=12020, FAKE_CUDA_INIT_ERROR=100, driver=None)
    assert env["LD_LIBRARY_PATH"] == f"{tmp_path}{os.pathsep}/old"
    assert env["FAKE_NVML_GPUS"] == "A|8.0|10;B|9.0|20|ecc=0"
    assert env["FAKE_NVML_HANG"] == "1"
    assert env["FAKE_NVML_CUDA"] == "12020"
    assert env["FAKE_CUDA_INIT_ERROR"] == "100"
    assert "FAKE_NVML_DRIVER" not in env
    assert gpu_spec("T4", "7.5", 15360, throttle=0x44, pcie=(3, 3, 8, 16), unsupported=["mig", "pcie"]) == (
        "T4|7.5|15360|throttle=44|pcie=3/3/8/16|unsupported=mig,pcie"
    )


# ---------------------------------------------------------------------- NVML

NVML_BASICS = """
import json, pynvml as n
n.nvmlInit()
out = {
    "driver": n.nvmlSystemGetDriverVersion(),
    "nvml": n.nvmlSystemGetNVMLVersion(),
    "cuda": n.nvmlSystemGetCudaDriverVersion(),
    "cuda_v2": n.nvmlSystemGetCudaDriverVersion_v2(),
    "count": n.nvmlDeviceGetCount(),
    "gpus": [],
}
for i in range(out["count"]):
    h = n.nvmlDeviceGetHandleByIndex(i)
    pci = n.nvmlDeviceGetPciInfo(h)
    m1 = n.nvmlDeviceGetMemoryInfo(h)
    m2 = n.nvmlDeviceGetMemoryInfo(h, version=n.nvmlMemory_v2)
    out["gpus"].append({
        "name": n.nvmlDeviceGetName(h),
        "uuid": n.nvmlDeviceGetUUID(h),
        "bus_id": pci.busId,
        "bus_id_legacy": pci.busIdLegacy,
        "bus": pci.bus,
        "cc": list(n.nvmlDeviceGetCudaComputeCapability(h)),
        "mem_v1": [m1.total, m1.free, m1.used],
        "mem_v2": [m2.total, m2.reserved, m2.free, m2.used],
        "arch": n.nvmlDeviceGetArchitecture(h),
        "brand": n.nvmlDeviceGetBrand(h),
        "index": n.nvmlDeviceGetIndex(h),
        "by_uuid_same": n.nvmlDeviceGetIndex(n.nvmlDeviceGetHandleByUUID(n.nvmlDeviceGetUUID(h))),
    })
n.nvmlShutdown()
print(json.dumps(out))
"""

MIB = 1 << 20


@requires_pynvml
def test_nvml_defaults(nvml_env):
    out = run_json(NVML_BASICS, nvml_env())
    assert out["driver"] == "550.54.14"
    assert out["nvml"] == "12.550.54.14"
    assert out["cuda"] == out["cuda_v2"] == 12040
    assert out["count"] == 1
    gpu = out["gpus"][0]
    assert gpu["name"] == "NVIDIA A100-SXM4-80GB"
    assert gpu["cc"] == [8, 0]
    assert gpu["mem_v1"] == [81920 * MIB, 81920 * MIB, 0]
    assert gpu["arch"] == 7  # NVML_DEVICE_ARCH_AMPERE


@requires_pynvml
def test_nvml_system_and_devices(nvml_env):
    env = nvml_env(
        driver="535.161.08",
        cuda=12020,
        nvml_version="12.535.161.08",
        gpus=[
            gpu_spec("NVIDIA H100 80GB HBM3", "9.0", 81559, used=1024, reserved=512),
            gpu_spec("Tesla T4", "7.5", 15360),
            gpu_spec("NVIDIA GeForce RTX 4090", "8.9", 24564),
        ],
    )
    out = run_json(NVML_BASICS, env)
    assert (out["driver"], out["nvml"], out["cuda"], out["cuda_v2"]) == ("535.161.08", "12.535.161.08", 12020, 12020)
    assert out["count"] == 3
    names = [g["name"] for g in out["gpus"]]
    assert names == ["NVIDIA H100 80GB HBM3", "Tesla T4", "NVIDIA GeForce RTX 4090"]
    assert [g["cc"] for g in out["gpus"]] == [[9, 0], [7, 5], [8, 9]]
    assert [g["arch"] for g in out["gpus"]] == [9, 6, 8]  # HOPPER, TURING, ADA
    assert [g["brand"] for g in out["gpus"]] == [14, 2, 5]  # NVIDIA, TESLA, GEFORCE
    for i, g in enumerate(out["gpus"]):
        assert g["uuid"] == f"GPU-00000000-0000-0000-0000-{i:012x}"
        assert g["bus_id"] == f"00000000:{i:02X}:00.0"
        assert g["bus_id_legacy"] == f"0000:{i:02X}:00.0"
        assert g["bus"] == i
        assert g["index"] == g["by_uuid_same"] == i
    h100 = out["gpus"][0]
    total = 81559 * MIB
    assert h100["mem_v1"] == [total, total - 1536 * MIB, 1536 * MIB]
    assert h100["mem_v2"] == [total, 512 * MIB, total - 1536 * MIB, 1024 * MIB]


@requires_pynvml
def test_nvml_no_gpus(nvml_env):
    out = run_json(NVML_BASICS, nvml_env(gpus=""))
    assert out["count"] == 0 and out["gpus"] == []


NVML_EXTRAS = """
import json, pynvml as n
n.nvmlInit()
h = n.nvmlDeviceGetHandleByIndex(0)
def call(fn, *a):
    try:
        return fn(h, *a)
    except n.NVMLError as e:
        return type(e).__name__
out = {
    "persistence": call(n.nvmlDeviceGetPersistenceMode),
    "mig": call(n.nvmlDeviceGetMigMode),
    "ecc": call(n.nvmlDeviceGetEccMode),
    "ecc_vol_unc": call(n.nvmlDeviceGetTotalEccErrors, n.NVML_MEMORY_ERROR_TYPE_UNCORRECTED, n.NVML_VOLATILE_ECC),
    "ecc_agg_unc": call(n.nvmlDeviceGetTotalEccErrors, n.NVML_MEMORY_ERROR_TYPE_UNCORRECTED, n.NVML_AGGREGATE_ECC),
    "ecc_vol_corr": call(n.nvmlDeviceGetTotalEccErrors, n.NVML_MEMORY_ERROR_TYPE_CORRECTED, n.NVML_VOLATILE_ECC),
    "retired_pending": call(n.nvmlDeviceGetRetiredPagesPendingStatus),
    "remapped": call(n.nvmlDeviceGetRemappedRows),
    "events": call(n.nvmlDeviceGetCurrentClocksEventReasons),
    "throttle": call(n.nvmlDeviceGetCurrentClocksThrottleReasons),
    "temp": call(n.nvmlDeviceGetTemperature, n.NVML_TEMPERATURE_GPU),
    "power_limit": call(n.nvmlDeviceGetPowerManagementLimit),
    "pcie": [call(n.nvmlDeviceGetCurrPcieLinkGeneration), call(n.nvmlDeviceGetMaxPcieLinkGeneration),
             call(n.nvmlDeviceGetCurrPcieLinkWidth), call(n.nvmlDeviceGetMaxPcieLinkWidth)],
    "brand": call(n.nvmlDeviceGetBrand),
    "arch": call(n.nvmlDeviceGetArchitecture),
    "name": call(n.nvmlDeviceGetName),
    "uuid": call(n.nvmlDeviceGetUUID),
    "pci": call(lambda h: n.nvmlDeviceGetPciInfo(h).busId),
    "cc": call(n.nvmlDeviceGetCudaComputeCapability),
    "memory": call(lambda h: n.nvmlDeviceGetMemoryInfo(h).total),
    "memory_v2": call(lambda h: n.nvmlDeviceGetMemoryInfo(h, version=n.nvmlMemory_v2).total),
}
print(json.dumps(out))
"""


@requires_pynvml
def test_nvml_extras_defaults(nvml_env):
    out = run_json(NVML_EXTRAS, nvml_env(gpus=gpu_spec("NVIDIA A100-SXM4-40GB", "8.0", 40960)))
    assert out["persistence"] == 1
    assert out["mig"] == [0, 0]
    assert out["ecc"] == [1, 1]
    assert out["ecc_vol_unc"] == out["ecc_agg_unc"] == out["ecc_vol_corr"] == 0
    assert out["retired_pending"] == 0
    assert out["remapped"] == [0, 0, 0, 0]
    assert out["events"] == out["throttle"] == 0
    assert out["temp"] == 40
    assert out["power_limit"] == 300000
    assert out["pcie"] == [4, 4, 16, 16]


@requires_pynvml
def test_nvml_extras_set(nvml_env):
    spec = gpu_spec(
        "NVIDIA A100-SXM4-80GB", "8.0", 81920,
        used=2048, ecc=1, ecc_uncorrected=3, ecc_aggregate=7, ecc_corrected=11,
        retired_pending=1, remap_pending=1, remap_failed=1, remap_corr=2, remap_unc=5,
        throttle=0x48, temp=87, persistence=0, mig=1, power_limit=400000,
        pcie=(3, 4, 8, 16), brand=2, arch=9,
    )
    out = run_json(NVML_EXTRAS, nvml_env(gpus=spec))
    assert out["persistence"] == 0
    assert out["mig"] == [1, 1]
    assert out["ecc"] == [1, 1]
    assert (out["ecc_vol_unc"], out["ecc_agg_unc"], out["ecc_vol_corr"]) == (3, 7, 11)
    assert out["retired_pending"] == 1
    assert out["remapped"] == [2, 5, 1, 1]
    assert out["events"] == out["throttle"] == 0x48
    assert out["temp"] == 87
    assert out["power_limit"] == 400000
    assert out["pcie"] == [3, 4, 8, 16]
    assert (out["brand"], out["arch"]) == (2, 9)


@requires_pynvml
def test_nvml_ecc_disabled_hides_counters(nvml_env):
    out = run_json(NVML_EXTRAS, nvml_env(gpus=gpu_spec("X", "8.0", 1024, ecc=0, ecc_uncorrected=4, mig=0, mig_pending=1)))
    assert out["ecc"] == [0, 0]
    assert out["ecc_vol_unc"] == "NVMLError_NotSupported"
    assert out["mig"] == [0, 1]


FIELD_TO_KEYS = {
    "name": ["name"],
    "uuid": ["uuid"],
    "pci": ["pci"],
    "cc": ["cc"],
    "memory": ["memory", "memory_v2"],
    "persistence": ["persistence"],
    "mig": ["mig"],
    "ecc": ["ecc"],
    "ecc_errors": ["ecc_vol_unc", "ecc_agg_unc", "ecc_vol_corr"],
    "retired_pages": ["retired_pending"],
    "remapped_rows": ["remapped"],
    "throttle": ["events", "throttle"],
    "temp": ["temp"],
    "power_limit": ["power_limit"],
    "brand": ["brand"],
    "arch": ["arch"],
}


@requires_pynvml
def test_nvml_unsupported_fields(nvml_env):
    fields = list(FIELD_TO_KEYS) + ["pcie"]
    out = run_json(NVML_EXTRAS, nvml_env(gpus=gpu_spec("X", "8.0", 1024, unsupported=fields)))
    for keys in FIELD_TO_KEYS.values():
        for key in keys:
            assert out[key] == "NVMLError_NotSupported", key
    assert out["pcie"] == ["NVMLError_NotSupported"] * 4
    # one at a time: only that field is affected
    out = run_json(NVML_EXTRAS, nvml_env(gpus=gpu_spec("X", "8.0", 1024, unsupported="remapped_rows")))
    assert out["remapped"] == "NVMLError_NotSupported"
    assert out["temp"] == 40 and out["name"] == "X"


@requires_pynvml
def test_nvml_gpu_lost(nvml_env):
    env = nvml_env(gpus=[gpu_spec("Good", "8.0", 1024), gpu_spec("Lost", "8.0", 1024, lost=1),
                         gpu_spec("Gone", "8.0", 1024, lost=2)])
    out = run_json(
        """
        import json, pynvml as n
        n.nvmlInit()
        res = {"count": n.nvmlDeviceGetCount()}
        for i in range(3):
            try:
                h = n.nvmlDeviceGetHandleByIndex(i)
            except n.NVMLError as e:
                res[i] = "handle:" + type(e).__name__
                continue
            try:
                res[i] = n.nvmlDeviceGetName(h)
            except n.NVMLError as e:
                res[i] = "name:" + type(e).__name__ + ":" + str(e)
        print(json.dumps(res))
        """,
        env,
    )
    assert out == {"count": 3, "0": "Good", "1": "name:NVMLError_GpuIsLost:GPU is lost",
                   "2": "handle:NVMLError_GpuIsLost"}


INIT = """
import json, pynvml as n
try:
    n.nvmlInit()
    print(json.dumps({"ok": True}))
except n.NVMLError as e:
    print(json.dumps({"cls": type(e).__name__, "value": e.value, "str": str(e),
                      "is_base": type(e) is n.NVMLError}))
"""


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (9, "NVMLError_DriverNotLoaded"),
        (18, "NVMLError_LibRmVersionMismatch"),
        (4, "NVMLError_NoPermission"),
        (12, "NVMLError_LibraryNotFound"),
        (3, "NVMLError_NotSupported"),
        (17, "NVMLError_OperatingSystem"),
        (999, "NVMLError_Unknown"),
    ],
)
@requires_pynvml
def test_nvml_init_errors(nvml_env, code, cls):
    out = run_json(INIT, nvml_env(init_error=code))
    assert out["cls"] == cls and out["value"] == code


@requires_pynvml
def test_nvml_unknown_init_error_uses_nvmlErrorString(nvml_env):
    out = run_json(INIT, nvml_env(init_error=77))
    # pynvml has no class for 77: it keeps the base class and asks the
    # library's nvmlErrorString for the text
    assert out == {"cls": "NVMLError", "value": 77, "str": "Unknown Error", "is_base": True}


@requires_pynvml
def test_nvml_library_missing(make_lib_dir):
    env = fake_env(make_lib_dir(cuda=True))
    probe = run_python("import ctypes; ctypes.CDLL('libnvidia-ml.so.1')", env)
    if probe.returncode == 0:
        pytest.skip("a real libnvidia-ml.so.1 is installed on this machine")
    out = run_json(INIT, env)
    assert out["cls"] == "NVMLError_LibraryNotFound"


OMITTED = """
import json, pynvml as n
n.nvmlInit()
h = n.nvmlDeviceGetHandleByIndex(0)
def call(fn, *a):
    try:
        return fn(*a)
    except n.NVMLError as e:
        return type(e).__name__
print(json.dumps({
    "cuda_v2": call(n.nvmlSystemGetCudaDriverVersion_v2),
    "cuda_v1": call(n.nvmlSystemGetCudaDriverVersion),
    "remapped": call(n.nvmlDeviceGetRemappedRows, h),
    "events": call(n.nvmlDeviceGetCurrentClocksEventReasons, h),
    "throttle": call(n.nvmlDeviceGetCurrentClocksThrottleReasons, h),
    "mem_v2": call(lambda: n.nvmlDeviceGetMemoryInfo(h, version=n.nvmlMemory_v2).total),
    "mem_v1": call(lambda: n.nvmlDeviceGetMemoryInfo(h).total),
}))
"""


@requires_pynvml
def test_nvml_omitted_symbols(make_lib_dir):
    lib_dir = make_lib_dir(nvml={
        "OMIT_CUDA_DRIVER_VERSION_V2": None,
        "OMIT_REMAPPED_ROWS": None,
        "OMIT_CLOCK_EVENT_REASONS": None,
        "OMIT_MEMORY_INFO_V2": None,
    })
    out = run_json(OMITTED, fake_env(lib_dir, gpus=gpu_spec("Old", "7.0", 16384, throttle=0x4)))
    assert out == {
        "cuda_v2": "NVMLError_FunctionNotFound",
        "cuda_v1": 12040,
        "remapped": "NVMLError_FunctionNotFound",
        "events": "NVMLError_FunctionNotFound",
        "throttle": 4,
        "mem_v2": "NVMLError_FunctionNotFound",
        "mem_v1": 16384 * MIB,
    }


@requires_pynvml
def test_nvml_hang_is_caught_by_timeout(nvml_env):
    with pytest.raises(subprocess.TimeoutExpired):
        run_python("import pynvml; pynvml.nvmlInit()", nvml_env(hang=1), timeout=2)


@requires_pynvml
def test_nvml_segv_kills_child(nvml_env):
    proc = run_python("import pynvml; pynvml.nvmlInit(); print('survived')", nvml_env(segv=1))
    assert proc.returncode == -signal.SIGSEGV
    assert "survived" not in proc.stdout


@requires_pynvml
def test_nvml_env_is_read_at_call_time_and_shutdown_is_tracked(nvml_env, tmp_path: Path):
    log = tmp_path / "calls.log"
    out = run_json(
        """
        import json, os, pynvml as n
        res = {}
        n.nvmlInit()
        res["a"] = n.nvmlSystemGetDriverVersion()
        os.environ["FAKE_NVML_DRIVER"] = "999.1"
        os.environ["FAKE_NVML_GPUS"] = "A|8.0|1;B|8.0|1"
        res["b"] = n.nvmlSystemGetDriverVersion()
        res["count"] = n.nvmlDeviceGetCount()
        n.nvmlShutdown()
        try:
            n.nvmlSystemGetDriverVersion()
        except n.NVMLError as e:
            res["after_shutdown"] = type(e).__name__
        print(json.dumps(res))
        """,
        nvml_env(driver="550.1", log=log),
    )
    assert out == {"a": "550.1", "b": "999.1", "count": 2, "after_shutdown": "NVMLError_Uninitialized"}
    calls = log.read_text().split()
    assert calls[0] == "nvmlInitWithFlags" and "nvmlShutdown" in calls


@requires_pynvml
def test_nvml_memory_v2_checks_struct_version(fake_lib_dir: Path):
    # pynvml fills in version=nvmlMemory_v2 (0x02000028); a wrong one is refused
    out = run_json(
        """
        import json, pynvml as n
        n.nvmlInit()
        h = n.nvmlDeviceGetHandleByIndex(0)
        try:
            n.nvmlDeviceGetMemoryInfo(h, version=0x01000028)
            print(json.dumps("accepted"))
        except n.NVMLError as e:
            print(json.dumps(type(e).__name__))
        """,
        fake_env(fake_lib_dir),
    )
    assert out == "NVMLError_ArgumentVersionMismatch"


# ---------------------------------------------------------------------- CUDA

CUDA = """
import ctypes, json, sys
lib = ctypes.CDLL("libcuda.so.1")
def err(code):
    name = ctypes.c_char_p(); text = ctypes.c_char_p()
    rn = lib.cuGetErrorName(code, ctypes.byref(name))
    rs = lib.cuGetErrorString(code, ctypes.byref(text))
    return [rn, name.value and name.value.decode(), rs, text.value and text.value.decode()]
out = {}
v = ctypes.c_int()
out["version_rc"] = lib.cuDriverGetVersion(ctypes.byref(v))
out["version"] = v.value
n = ctypes.c_int(-1)
out["count_before_init"] = lib.cuDeviceGetCount(ctypes.byref(n))
out["init"] = lib.cuInit(0)
out["init_err"] = err(out["init"])
out["count_rc"] = lib.cuDeviceGetCount(ctypes.byref(n))
out["count"] = n.value
out["devices"] = []
for i in range(max(n.value, 0)):
    d = ctypes.c_int()
    assert lib.cuDeviceGet(ctypes.byref(d), i) == 0
    buf = ctypes.create_string_buffer(256)
    assert lib.cuDeviceGetName(buf, 256, d) == 0
    ma, mi, a75, a76 = ctypes.c_int(), ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    assert lib.cuDeviceComputeCapability(ctypes.byref(ma), ctypes.byref(mi), d) == 0
    assert lib.cuDeviceGetAttribute(ctypes.byref(a75), 75, d) == 0
    assert lib.cuDeviceGetAttribute(ctypes.byref(a76), 76, d) == 0
    mem = ctypes.c_size_t()
    assert lib.cuDeviceTotalMem_v2(ctypes.byref(mem), d) == 0
    out["devices"].append([buf.value.decode(), ma.value, mi.value, a75.value, a76.value, mem.value])
d = ctypes.c_int()
out["bad_ordinal"] = lib.cuDeviceGet(ctypes.byref(d), 1000)
print(json.dumps(out))
"""


def test_cuda_success(nvml_env):
    env = nvml_env(gpus=[gpu_spec("NVIDIA H100 80GB HBM3", "9.0", 81559), gpu_spec("Tesla T4", "7.5", 15360)],
                   FAKE_CUDA_VERSION=12020)
    out = run_json(CUDA, env)
    assert (out["version_rc"], out["version"]) == (0, 12020)
    assert out["count_before_init"] == 3  # CUDA_ERROR_NOT_INITIALIZED
    assert out["init"] == 0 and out["init_err"] == [0, "CUDA_SUCCESS", 0, "no error"]
    assert (out["count_rc"], out["count"]) == (0, 2)
    assert out["devices"] == [
        ["NVIDIA H100 80GB HBM3", 9, 0, 9, 0, 81559 * MIB],
        ["Tesla T4", 7, 5, 7, 5, 15360 * MIB],
    ]
    assert out["bad_ordinal"] == 101


def test_cuda_device_count_override(nvml_env):
    out = run_json(CUDA, nvml_env(FAKE_CUDA_DEVICE_COUNT=0))
    assert (out["count_rc"], out["count"], out["devices"]) == (0, 0, [])


@pytest.mark.parametrize(
    ("code", "name", "text"),
    [
        (100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"),
        (802, "CUDA_ERROR_SYSTEM_NOT_READY", "system not yet initialized"),
        (803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH", "system has unsupported display driver / cuda driver combination"),
        (804, "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE", "forward compatibility was attempted on non supported HW"),
        (999, "CUDA_ERROR_UNKNOWN", "unknown error"),
        (3, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"),
        (34, "CUDA_ERROR_STUB_LIBRARY", "CUDA driver is a stub library"),
        (46, "CUDA_ERROR_DEVICE_UNAVAILABLE", "CUDA-capable device(s) is/are busy or unavailable"),
    ],
)
def test_cuda_init_errors(nvml_env, code, name, text):
    out = run_json(CUDA, nvml_env(FAKE_CUDA_INIT_ERROR=code))
    assert out["init"] == code
    assert out["init_err"] == [0, name, 0, text]
    assert out["count_rc"] == 3  # failed init leaves the driver uninitialised
    assert out["version"] == 12040  # cuDriverGetVersion works regardless


def test_cuda_unknown_error_code(nvml_env):
    out = run_json(CUDA, nvml_env(FAKE_CUDA_INIT_ERROR=12345))
    assert out["init_err"] == [1, None, 1, None]  # CUDA_ERROR_INVALID_VALUE, NULL string


def test_cuda_hang_and_segv(nvml_env):
    code = "import ctypes; ctypes.CDLL('libcuda.so.1').cuInit(0); print('survived')"
    with pytest.raises(subprocess.TimeoutExpired):
        run_python(code, nvml_env(FAKE_CUDA_HANG=1), timeout=2)
    proc = run_python(code, nvml_env(FAKE_CUDA_SEGV=1))
    assert proc.returncode == -signal.SIGSEGV and "survived" not in proc.stdout


# ----------------------------------------------------------- versioned libs

CUDART = """
import ctypes, json
rt = ctypes.CDLL("libcudart.so.12")
rt.cudaGetErrorName.restype = ctypes.c_char_p
rt.cudaGetErrorString.restype = ctypes.c_char_p
r, d, n = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
out = [rt.cudaRuntimeGetVersion(ctypes.byref(r)), r.value,
       rt.cudaDriverGetVersion(ctypes.byref(d)), d.value]
rc = rt.cudaGetDeviceCount(ctypes.byref(n))
out += [rc, n.value, rt.cudaGetErrorName(rc).decode(), rt.cudaGetErrorString(rc).decode()]
print(json.dumps(out))
"""


def test_cudart_with_driver(make_lib_dir):
    lib_dir = make_lib_dir(cuda=True, cudart={"VERSION": "12040", "soname": "libcudart.so.12"})
    assert run_json(CUDART, fake_env(lib_dir, FAKE_CUDA_VERSION=12080)) == [
        0, 12040, 0, 12080, 0, 1, "cudaSuccess", "no error"]
    # minor-version compatibility: a 12.0 driver still runs a 12.4 runtime
    assert run_json(CUDART, fake_env(lib_dir, FAKE_CUDA_VERSION=12000))[4] == 0
    # an 11.x driver does not
    assert run_json(CUDART, fake_env(lib_dir, FAKE_CUDA_VERSION=11080))[4:] == [
        35, 0, "cudaErrorInsufficientDriver", "CUDA driver version is insufficient for CUDA runtime version"]
    # cuInit failures come through with the same number
    assert run_json(CUDART, fake_env(lib_dir, FAKE_CUDA_INIT_ERROR=100))[4:7] == [100, 0, "cudaErrorNoDevice"]
    assert run_json(CUDART, fake_env(lib_dir, FAKE_CUDA_INIT_ERROR=803))[6] == "cudaErrorSystemDriverMismatch"
    assert run_json(CUDART, fake_env(lib_dir, FAKE_CUDART_ERROR=46))[6] == "cudaErrorDevicesUnavailable"


def test_cudart_without_driver(make_lib_dir):
    env = fake_env(make_lib_dir(cudart=True))
    if run_python("import ctypes; ctypes.CDLL('libcuda.so.1')", env).returncode == 0:
        pytest.skip("a real libcuda.so.1 is installed on this machine")
    assert run_json(CUDART, env) == [0, 12040, 0, 0, 35, 0, "cudaErrorInsufficientDriver",
                                     "CUDA driver version is insufficient for CUDA runtime version"]


def _props(lib, fn_name):
    fn = getattr(lib, fn_name)
    out = []
    for t in (0, 1, 2):
        v = ctypes.c_int(-1)
        assert fn(t, ctypes.byref(v)) == 0
        out.append(v.value)
    assert fn(7, ctypes.byref(ctypes.c_int())) != 0
    return out


@pytest.mark.parametrize(
    ("version", "soname", "triple"),
    [(90100, "libcudnn.so.9", [9, 1, 0]), (90800, "libcudnn.so.9", [9, 8, 0]), (8907, "libcudnn.so.8", [8, 9, 7])],
)
def test_cudnn(fake_build_cache: Path, version, soname, triple):
    path = build_library("cudnn", fake_build_cache, defines={"VERSION": str(version), "CUDART_VERSION": "12020"})
    assert path.name == soname
    lib = ctypes.CDLL(str(path))
    lib.cudnnGetVersion.restype = ctypes.c_size_t
    lib.cudnnGetCudartVersion.restype = ctypes.c_size_t
    assert lib.cudnnGetVersion() == version
    assert lib.cudnnGetCudartVersion() == 12020
    assert _props(lib, "cudnnGetProperty") == triple


def test_nccl(fake_build_cache: Path):
    lib = ctypes.CDLL(str(build_library("nccl", fake_build_cache, defines={"VERSION": "22105"})))
    v = ctypes.c_int()
    assert lib.ncclGetVersion(ctypes.byref(v)) == 0 and v.value == 22105


def test_cublas(fake_build_cache: Path):
    lib = ctypes.CDLL(str(build_library("cublas", fake_build_cache, defines={"VERSION": "120405"})))
    assert _props(lib, "cublasGetProperty") == [12, 4, 5]
    v = ctypes.c_int()
    assert lib.cublasGetVersion_v2(None, ctypes.byref(v)) == 0 and v.value == 120405


def test_nvrtc(fake_build_cache: Path):
    lib = ctypes.CDLL(str(build_library("nvrtc", fake_build_cache, defines={"VERSION": "12060"})))
    ma, mi, n = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    assert lib.nvrtcVersion(ctypes.byref(ma), ctypes.byref(mi)) == 0
    assert (ma.value, mi.value) == (12, 6)
    assert lib.nvrtcGetNumSupportedArchs(ctypes.byref(n)) == 0
    archs = (ctypes.c_int * n.value)()
    assert lib.nvrtcGetSupportedArchs(archs) == 0
    assert 90 in list(archs) and 100 not in list(archs)


def test_versioned_libs_load_by_soname(fake_lib_dir: Path):
    out = run_json(
        """
        import ctypes, json
        cudnn = ctypes.CDLL("libcudnn.so.9"); cudnn.cudnnGetVersion.restype = ctypes.c_size_t
        v = ctypes.c_int(); ctypes.CDLL("libnccl.so.2").ncclGetVersion(ctypes.byref(v))
        b = ctypes.c_int(); ctypes.CDLL("libcublas.so.12").cublasGetProperty(0, ctypes.byref(b))
        ma, mi = ctypes.c_int(), ctypes.c_int(); ctypes.CDLL("libnvrtc.so.12").nvrtcVersion(ctypes.byref(ma), ctypes.byref(mi))
        r = ctypes.c_int(); ctypes.CDLL("libcudart.so.12").cudaRuntimeGetVersion(ctypes.byref(r))
        print(json.dumps([cudnn.cudnnGetVersion(), v.value, b.value, ma.value, mi.value, r.value]))
        """,
        fake_env(fake_lib_dir),
    )
    assert out == [90100, 21903, 12, 12, 4, 12040]
