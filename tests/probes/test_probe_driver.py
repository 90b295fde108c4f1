"""NVML and libcuda probes through ``cudacheck.probes.collect``, against the C fakes.

The real pynvml bindings and the real ctypes code run in the probe children; only the
driver libraries are fake. Each test sets LD_LIBRARY_PATH and FAKE_* in this process's
environment, which the children inherit.
"""
from __future__ import annotations

import dataclasses
import signal
import time
from pathlib import Path

import pytest

from cudacheck.probes import collect
from cudacheck.snapshot import GpuFacts
from fakes.build import build_library, link_into
from fakes.conftest_fixtures import gpu_spec, requires_gcc

pytestmark = requires_gcc

ALWAYS_SET = {f.name for f in dataclasses.fields(GpuFacts)} - {"unavailable_fields", "clock_event_names"}


def test_healthy_two_gpus_fill_every_field(machine):
    machine(gpus=[gpu_spec("NVIDIA A100-SXM4-80GB", "8.0", 81920, used=2048, throttle=0x4, temp=51,
                           power_limit=400000, pcie=(4, 4, 16, 16)),
                  gpu_spec("NVIDIA GeForce RTX 4090", "8.9", 24564, ecc=1, mig=0, pcie=(3, 4, 8, 16))],
            driver="550.54.14", cuda=12040)
    snapshot = collect("quick", timeout=10)
    nvml = snapshot.nvml
    assert (nvml.status, nvml.error_code, nvml.driver_version, nvml.cuda_driver_version) == \
        ("ok", None, "550.54.14", "12.4")
    assert nvml.nvml_version == "12.550.54.14" and nvml.gpu_count == 2
    assert nvml.library_path and nvml.library_path.endswith("libnvidia-ml.so.1")
    assert not snapshot.errors_of("nvml")
    first, second = nvml.gpus
    for gpu in (first, second):
        missing = [name for name in ALWAYS_SET if getattr(gpu, name) is None]
        assert missing == [] and gpu.unavailable_fields == {}, (missing, gpu.unavailable_fields)
    assert (first.index, first.name, first.compute_capability, first.architecture, first.brand) == \
        (0, "NVIDIA A100-SXM4-80GB", "8.0", "Ampere", "nvidia")
    assert first.uuid == "GPU-00000000-0000-0000-0000-000000000000"
    assert first.pci_bus_id == "00000000:00:00.0"
    assert (first.memory_total_mib, first.memory_used_mib, first.temperature_c, first.power_limit_w) == \
        (81920, 2048, 51, 400.0)
    assert first.clock_event_reasons == 4 and first.clock_event_names == ["sw_power_cap"]
    assert first.lost is False and first.ecc_enabled is True and first.ecc_uncorrected_volatile == 0
    assert (second.architecture, second.brand, second.pcie_gen_current, second.pcie_width_current) == \
        ("Ada Lovelace", "geforce", 3, 8)


def test_older_driver_symbols_missing_only_those_fields(machine, make_lib_dir):
    lib_dir = make_lib_dir(nvml={"OMIT_REMAPPED_ROWS": None, "OMIT_CLOCK_EVENT_REASONS": None,
                                 "OMIT_CUDA_DRIVER_VERSION_V2": None}, cuda=True)
    machine(lib_dir, gpus=[gpu_spec("Tesla V100-SXM2-16GB", "7.0", 16384, throttle=0x40)], cuda=11040)
    snapshot = collect("quick", timeout=10)
    assert snapshot.nvml.status == "ok"
    assert snapshot.nvml.cuda_driver_version == "11.4"  # fell back to nvmlSystemGetCudaDriverVersion
    gpu = snapshot.nvml.gpus[0]
    assert set(gpu.unavailable_fields) == {"remapped_rows"}
    assert "Function Not Found" in gpu.unavailable_fields["remapped_rows"]
    assert gpu.remapped_rows_pending is None and gpu.remapped_rows_failed is None
    assert gpu.clock_event_reasons == 0x40  # the older ...ThrottleReasons answered
    assert gpu.clock_event_names == ["hw_thermal_slowdown"]
    assert gpu.name == "Tesla V100-SXM2-16GB" and gpu.memory_total_mib == 16384 and gpu.brand == "tesla"


def test_not_supported_fields_degrade_one_by_one(machine):
    machine(gpus=[gpu_spec("NVIDIA T4", "7.5", 15360, ecc=0, unsupported=["mig", "power_limit"])])
    gpu = collect("quick", timeout=10).nvml.gpus[0]
    assert set(gpu.unavailable_fields) >= {"mig_mode", "power_limit_w", "ecc_uncorrected_volatile"}
    assert gpu.ecc_enabled is False and gpu.temperature_c == 40 and gpu.compute_capability == "7.5"


def test_lost_gpu_is_marked(machine):
    machine(gpus=[gpu_spec("A", "8.0", 1024), gpu_spec("B", "8.0", 1024, lost=1)])
    good, lost = collect("quick", timeout=10).nvml.gpus
    assert good.lost is False and lost.lost is True
    assert "GPU is lost" in lost.unavailable_fields["name"]


@pytest.mark.parametrize(("code", "status"), [
    (9, "driver_not_loaded"), (18, "version_mismatch"), (4, "no_permission"),
    (12, "library_not_found"), (999, "unknown"),
])
def test_nvml_init_errors_are_classified(machine, code, status):
    machine(init_error=code)
    snapshot = collect("quick", timeout=10)
    assert (snapshot.nvml.status, snapshot.nvml.error_code) == (status, code)
    assert snapshot.nvml.gpus == [] and snapshot.nvml.driver_version is None
    errors = snapshot.errors_of("nvml")
    assert len(errors) == 1 and errors[0].code == code
    assert errors[0].kind == ("not_found" if status == "library_not_found" else "error")


def test_nvml_library_absent(machine, make_lib_dir):
    machine(make_lib_dir(cuda=True))
    snapshot = collect("quick", timeout=10)
    if snapshot.nvml.status == "ok":
        pytest.skip("a real libnvidia-ml.so.1 is installed on this machine")
    assert (snapshot.nvml.status, snapshot.nvml.error_code) == ("library_not_found", 12)


def test_nvml_hang_is_abandoned_within_the_timeout(machine):
    machine(hang=1)
    started = time.monotonic()
    snapshot = collect("quick", timeout=1.5)
    assert time.monotonic() - started < 3.0
    assert snapshot.nvml.status == "timeout"
    [error] = snapshot.errors_of("nvml")
    assert error.kind == "timeout" and error.seconds is not None and error.seconds < 2.0
    assert snapshot.cuda_driver.init_code == 0  # the libcuda child is independent


def test_nvml_segfault_is_reported_not_suffered(machine):
    machine(segv=1)
    snapshot = collect("quick", timeout=10)
    assert snapshot.nvml.status == "crashed"
    [error] = snapshot.errors_of("nvml")
    assert (error.kind, error.code) == ("crashed", signal.SIGSEGV)
    assert "SIGSEGV" in error.message


# ------------------------------------------------------------------ libcuda


def test_libcuda_healthy(machine):
    machine(gpus=[gpu_spec("A", "8.0", 1024), gpu_spec("B", "9.0", 1024)], FAKE_CUDA_VERSION=12080)
    facts = collect("quick", timeout=10).cuda_driver
    assert (facts.init_code, facts.init_error_name, facts.driver_version, facts.device_count) == \
        (0, None, "12.8", 2)
    assert facts.library_path.endswith("libcuda.so.1") and facts.is_compat_library is False


@pytest.mark.parametrize(("code", "name"), [
    (100, "CUDA_ERROR_NO_DEVICE"), (802, "CUDA_ERROR_SYSTEM_NOT_READY"),
    (803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH"), (804, "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE"),
    (999, "CUDA_ERROR_UNKNOWN"),
])
def test_libcuda_init_errors_keep_code_and_name(machine, code, name):
    machine(FAKE_CUDA_INIT_ERROR=code)
    facts = collect("quick", timeout=10).cuda_driver
    assert (facts.init_code, facts.init_error_name) == (code, name)
    assert facts.init_error_string and facts.device_count is None
    assert facts.driver_version == "12.4"  # cuDriverGetVersion works without cuInit


def test_libcuda_hang_and_segfault(machine):
    machine(FAKE_CUDA_HANG=1)
    started = time.monotonic()
    snapshot = collect("quick", timeout=1.5)
    assert time.monotonic() - started < 3.0
    assert [e.kind for e in snapshot.errors_of("cuda_driver")] == ["timeout"]
    assert snapshot.nvml.status == "ok"
    machine(FAKE_CUDA_SEGV=1)
    [error] = collect("quick", timeout=10).errors_of("cuda_driver")
    assert (error.kind, error.code) == ("crashed", signal.SIGSEGV)


def test_libcuda_from_a_compat_folder(machine, fake_build_cache: Path, tmp_path: Path):
    compat = link_into(tmp_path / "usr" / "local" / "cuda-12.8" / "compat",
                       [build_library("cuda", fake_build_cache)])
    machine(compat, FAKE_CUDA_INIT_ERROR=804)
    facts = collect("quick", timeout=10).cuda_driver
    assert facts.is_compat_library is True and "/compat/" in facts.library_path
    assert facts.init_error_name == "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE"
