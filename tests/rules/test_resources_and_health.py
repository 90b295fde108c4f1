"""Container resources and NVML GPU health."""
from __future__ import annotations

from cudacheck import check
from cudacheck.snapshot import ShmFacts
from cudacheck.testing import findings as by_code, gpu, make_snapshot

H100 = "NVIDIA H100 80GB HBM3"



def test_docker_default_shm_is_too_small():
    [finding] = by_code(check(make_snapshot(in_container=True, shm_bytes=64 * 2**20)), "CC401")
    assert "0.06 GiB" in finding.title and "--shm-size" in finding.remedy


def test_shm_fine_on_host_with_ipc_host_or_large():
    assert not by_code(check(make_snapshot(in_container=False, shm_bytes=64 * 2**20)), "CC401")
    assert not by_code(check(make_snapshot(in_container=True, shm_bytes=16 * 2**30)), "CC401")
    snapshot = make_snapshot(in_container=True, shm_bytes=64 * 2**20)
    snapshot.container.ipc_host = True
    assert not by_code(check(snapshot), "CC401")


def test_shm_not_writable():
    snapshot = make_snapshot()
    snapshot.container.shm = ShmFacts(exists=True, size_bytes=2**33, writable=False)
    [finding] = by_code(check(snapshot), "CC402")
    assert finding.category == "shm_permission"
    snapshot.container.shm.writable = True
    assert not by_code(check(snapshot), "CC402")


def test_shm_missing_on_linux_but_not_elsewhere():
    snapshot = make_snapshot(in_container=True)
    snapshot.platform.system = "Linux"
    snapshot.container.shm = ShmFacts(exists=False)
    [finding] = by_code(check(snapshot), "CC402")
    assert finding.category == "shm_permission" and "does not exist" in finding.title
    snapshot.platform.system = "Darwin"  # macOS has no /dev/shm, and needs none
    assert not by_code(check(snapshot), "CC402")


def test_cgroup_memory_below_gpu_memory():
    snapshot = make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0", 81559)] * 2, in_container=True)
    snapshot.container.cgroup_memory_limit_bytes = 64 * 2**30
    [finding] = by_code(check(snapshot), "CC403")
    assert finding.severity == "warning"
    snapshot.container.cgroup_memory_limit_bytes = 512 * 2**30
    assert not by_code(check(snapshot), "CC403")


def test_root_in_container_is_info():
    snapshot = make_snapshot(in_container=True)
    snapshot.container.uid = 0
    assert by_code(check(snapshot), "CC404")[0].severity == "info"
    snapshot.container.uid = 1000
    assert not by_code(check(snapshot), "CC404")


def test_caching_allocator_off_whatever_the_value_and_silent_when_unset():
    snapshot = make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0", 81559)])
    assert not by_code(check(snapshot), "CC405")
    snapshot.container.env["PYTORCH_NO_CUDA_MEMORY_CACHING"] = "0"  # read as set by torch's C++ allocator
    [finding] = by_code(check(snapshot), "CC405")
    assert finding.severity == "warning" and "=0" in finding.title and "only whether the variable exists" in finding.detail
    snapshot.container.env["PYTORCH_NO_CUDA_MEMORY_CACHING"] = "1"
    [finding] = by_code(check(snapshot), "CC405")
    assert "only whether" not in finding.detail
    snapshot.container.env["PYTORCH_CUDA_ALLOC_CONF"] = "expandable_segments:True"
    del snapshot.container.env["PYTORCH_NO_CUDA_MEMORY_CACHING"]
    assert not by_code(check(snapshot), "CC405")


def test_gpu_memory_errors():
    for facts in ({"ecc_uncorrected_volatile": 3}, {"retired_pages_pending": True}, {"remapped_rows_pending": True},
                  {"remapped_rows_failed": True}, {"lost": True}):
        report = check(make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0", **facts)]))
        [finding] = by_code(report, "CC501")
        assert finding.severity == "error" and finding.category == "gpu_health", facts


def test_healthy_gpu_has_no_memory_errors():
    report = check(make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0", ecc_uncorrected_volatile=0,
                                                               retired_pages_pending=False,
                                                               remapped_rows_pending=False)]))
    assert not by_code(report, "CC501")


def test_thermal_slowdown_warns_but_idle_does_not():
    hot = gpu(H100, "9.0", clock_event_reasons=0x40, clock_event_names=["hw_thermal_slowdown"], temperature_c=91)
    [finding] = by_code(check(make_snapshot(driver="550.54.14", gpus=[hot])), "CC502")
    assert "91 °C" in finding.title
    idle = gpu(H100, "9.0", clock_event_reasons=0x1, clock_event_names=["gpu_idle"])
    assert not by_code(check(make_snapshot(driver="550.54.14", gpus=[idle])), "CC502")


def test_persistence_off_on_datacenter_only():
    report = check(make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0", persistence_mode=False)]))
    assert by_code(report, "CC503")[0].severity == "info"
    report = check(make_snapshot(driver="550.54.14", gpus=[gpu("NVIDIA GeForce RTX 4090", "8.9",
                                                               persistence_mode=False)]))
    assert not by_code(report, "CC503")


def test_memory_mostly_used():
    busy = gpu(H100, "9.0", 81559, memory_used_mib=70000)
    assert by_code(check(make_snapshot(driver="550.54.14", gpus=[busy])), "CC504")
    free = gpu(H100, "9.0", 81559, memory_used_mib=500)
    assert not by_code(check(make_snapshot(driver="550.54.14", gpus=[free])), "CC504")


def test_reset_required_reported_by_nvml():
    stuck = gpu(H100, "9.0", unavailable_fields={"memory": "Reset Required"})
    [finding] = by_code(check(make_snapshot(driver="550.54.14", gpus=[stuck])), "CC501")
    assert "reset" in finding.title.lower()
