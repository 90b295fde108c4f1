"""Driver and GPU access rules: each fires on its fact and stays silent without it."""
from __future__ import annotations

from cudacheck import check
from cudacheck.snapshot import ProbeError
from cudacheck.testing import findings as by_code, gpu, make_snapshot

H100 = "NVIDIA H100 80GB HBM3"
ALL_NODES = ["/dev/nvidia0", "/dev/nvidiactl", "/dev/nvidia-uvm"]



def test_no_driver_on_a_cpu_machine_is_info():
    [finding] = by_code(check(make_snapshot(nvml_status="library_not_found")), "CC101")
    assert finding.severity == "info"


def test_no_driver_with_gpus_required_is_an_error():
    report = check(make_snapshot(nvml_status="library_not_found"), require_gpu=True)
    [finding] = by_code(report, "CC101")
    assert finding.severity == "error" and not by_code(report, "CC601")


def test_no_driver_in_a_container_with_cuda_torch_is_a_warning():
    report = check(make_snapshot(nvml_status="library_not_found", in_container=True, torch="2.4.1+cu121",
                                 torch_cuda="12.1"))
    [finding] = by_code(report, "CC101")
    assert finding.severity == "warning" and "--gpus all" in finding.remedy


def test_driver_present_no_cc101():
    assert not by_code(check(make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu(H100, "9.0")])), "CC101")


def test_driver_not_loaded():
    snapshot = make_snapshot(nvml_status="driver_not_loaded")
    snapshot.nvml.error_code = 9
    [finding] = by_code(check(snapshot), "CC102")
    assert finding.category == "driver_not_loaded" and "modprobe" in finding.remedy


def test_driver_library_mismatch_from_nvml_and_from_cuinit():
    [finding] = by_code(check(make_snapshot(nvml_status="version_mismatch")), "CC103")
    assert finding.category == "driver_library_mismatch"
    assert by_code(check(make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0")], cuda_init_code=803)), "CC103")
    assert not by_code(check(make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0")], cuda_init_code=0)), "CC103")
    assert not by_code(check(make_snapshot(nvml_status="driver_not_loaded")), "CC103")


def test_hanging_driver_is_reported():
    snapshot = make_snapshot()
    snapshot.probe_errors.append(ProbeError("nvml", "timeout", "no answer within 8.5 s", None, 8.5))
    [finding] = by_code(check(snapshot), "CC109")
    assert "timed out" in finding.title and finding.severity == "error"
    snapshot.probe_errors[0] = ProbeError("nvml", "not_found", "no library", 12, 0.01)
    assert not by_code(check(snapshot), "CC109")


def test_missing_uvm_node_in_a_container():
    snapshot = make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0")], in_container=True,
                             dev_nodes=["/dev/nvidia0", "/dev/nvidiactl"])
    [finding] = by_code(check(snapshot), "CC104")
    assert finding.severity == "error" and "/dev/nvidia-uvm" in finding.title


def test_all_nodes_present_or_cuda_working():
    assert not by_code(check(make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0")], dev_nodes=ALL_NODES)),
                       "CC104")
    snapshot = make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0")], dev_nodes=["/dev/nvidia0"],
                             cuda_init_code=0)
    assert not by_code(check(snapshot), "CC104")


def _masked(value, count=2):
    from cudacheck.probes.container import parse_visible_devices

    snapshot = make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0") for _ in range(count)])
    snapshot.nvml.gpus[0].uuid = "GPU-aaaa1111"
    snapshot.nvml.gpus[1].uuid = "GPU-bbbb2222"
    snapshot.container.cuda_visible_devices = parse_visible_devices(value)
    return check(snapshot)


def test_cuda_visible_devices_empty_hides_all():
    [finding] = by_code(_masked(""), "CC105")
    assert "hides all 2" in finding.title


def test_cuda_visible_devices_invalid_index():
    [finding] = by_code(_masked("2,0"), "CC105")
    assert finding.severity == "error" and "(2)" in finding.title
    [finding] = by_code(_masked("0,5"), "CC105")
    assert finding.severity == "warning"


def test_cuda_visible_devices_valid_values():
    for value in ("0", "1,0", "GPU-bbbb", "all"):
        assert not by_code(_masked(value), "CC105"), value
    assert not by_code(_masked(None), "CC105")


def test_nvidia_visible_devices_void_in_a_container():
    from cudacheck.probes.container import parse_visible_devices

    snapshot = make_snapshot(in_container=True, nvml_status="library_not_found")
    snapshot.container.nvidia_visible_devices = parse_visible_devices("void")
    [finding] = by_code(check(snapshot), "CC105")
    assert "no GPU support" in finding.title
    snapshot.container.nvidia_visible_devices = parse_visible_devices("all")
    assert not by_code(check(snapshot), "CC105")


def test_fabric_manager_on_nvswitch_system():
    report = check(make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu(H100, "9.0")] * 8, cuda_init_code=802))
    [finding] = by_code(report, "CC106")
    assert finding.category == "fabricmanager_missing" and finding.certainty == "confirmed"
    assert "nvidia-fabricmanager-550=550.54.14" in finding.remedy


def test_802_without_known_nvswitch_is_likely_and_absent_without_802():
    report = check(make_snapshot(driver="550.54.14", gpus=[gpu("NVIDIA L4", "8.9")], cuda_init_code=802))
    assert by_code(report, "CC106")[0].certainty == "likely"
    assert not by_code(check(make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0")], cuda_init_code=0)), "CC106")


def _compat(name, cc, init_code=None):
    snapshot = make_snapshot(driver="535.104.05", cuda="12.2", gpus=[gpu(name, cc)], cuda_init_code=init_code)
    snapshot.cuda_driver.library_path = "/usr/local/cuda-12.8/compat/libcuda.so.570.124.06"
    snapshot.cuda_driver.is_compat_library = True
    return check(snapshot)


def test_forward_compat_on_a_consumer_gpu_fails():
    [finding] = by_code(_compat("NVIDIA GeForce RTX 4090", "8.9"), "CC107")
    assert finding.category == "forward_compat_unsupported"
    assert by_code(_compat("NVIDIA GeForce RTX 4090", "8.9", init_code=804), "CC107")


def test_forward_compat_on_a_datacenter_gpu_is_fine():
    assert not by_code(_compat(H100, "9.0"), "CC107")


def _required(env, driver="535.104.05", cuda="12.2", name=H100, cc="9.0"):
    return check(make_snapshot(driver=driver, cuda=cuda, gpus=[gpu(name, cc)], in_container=True, env=env))


def test_nvidia_require_cuda_unsatisfied():
    [finding] = by_code(_required({"NVIDIA_REQUIRE_CUDA": "cuda>=12.4 brand=tesla,driver>=470,driver<471"}), "CC108")
    assert "cuda>=12.4" in finding.title and "550.54.14" in finding.remedy


def test_nvidia_require_cuda_satisfied_by_an_alternative():
    env = {"NVIDIA_REQUIRE_CUDA": "cuda>=12.4 brand=tesla,driver>=535,driver<536"}
    assert not by_code(_required(env, name="Tesla T4", cc="7.5"), "CC108")
    assert not by_code(_required({"NVIDIA_REQUIRE_CUDA": "cuda>=12.2"}), "CC108")


def test_disable_require_is_a_go_boolean():
    env = {"NVIDIA_REQUIRE_CUDA": "cuda>=12.4", "NVIDIA_DISABLE_REQUIRE": "yes"}
    [finding] = by_code(_required(env), "CC108")
    assert "does not disable" in finding.detail and finding.severity == "error"
    for value in ("1", "true", "True", "T"):
        [hidden] = by_code(_required({**env, "NVIDIA_DISABLE_REQUIRE": value}), "CC108")
        assert hidden.severity == "warning", value


def test_a_disabled_requirement_that_is_unmet_is_a_warning_naming_both_sides():
    env = {"NVIDIA_REQUIRE_CUDA": "cuda>=12.4", "NVIDIA_DISABLE_REQUIRE": "true"}
    [finding] = by_code(_required(env), "CC108")
    assert finding.severity == "warning"
    assert "cuda>=12.4" in finding.title and "12.2" in finding.title and "NVIDIA_DISABLE_REQUIRE" in finding.title
    assert "?" not in finding.title + finding.detail


def test_a_disabled_requirement_that_is_met_says_nothing():
    env = {"NVIDIA_REQUIRE_CUDA": "cuda>=12.2", "NVIDIA_DISABLE_REQUIRE": "true"}
    assert not by_code(_required(env), "CC108")


def test_nvml_unknown_error_in_a_container():
    snapshot = make_snapshot(nvml_status="unknown", in_container=True)
    snapshot.nvml.error_message, snapshot.nvml.error_code = "Unknown Error", 999
    [finding] = by_code(check(snapshot), "CC110")
    assert finding.category == "no_gpu_visible" and "daemon-reload" in finding.detail


def test_nvml_unknown_error_on_a_host_and_other_init_failures():
    assert by_code(check(make_snapshot(nvml_status="unknown")), "CC110")[0].category == "driver_not_loaded"
    assert by_code(check(make_snapshot(nvml_status="gpu_lost")), "CC110")[0].category == "gpu_health"
    assert by_code(check(make_snapshot(nvml_status="no_permission")), "CC110")[0].category == "no_gpu_visible"


def test_nvml_working_or_absent_is_not_an_init_failure():
    for status in ("ok", "library_not_found", "driver_not_loaded", "version_mismatch"):
        assert not by_code(check(make_snapshot(nvml_status=status)), "CC110"), status


def test_pasted_nvidia_visible_devices_counts_as_a_container():
    from cudacheck.probes.container import parse_visible_devices

    snapshot = make_snapshot(source="pasted", in_container=None)
    snapshot.container.nvidia_visible_devices = parse_visible_devices("none")
    assert by_code(check(snapshot), "CC105")
    snapshot.container.in_container = False
    assert not by_code(check(snapshot), "CC105")


def _capabilities(value, cuda_init_code=100, in_container=True):
    snapshot = make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0")], in_container=in_container,
                             cuda_init_code=cuda_init_code)
    if value is not None:
        snapshot.container.env["NVIDIA_DRIVER_CAPABILITIES"] = value
    return check(snapshot)


def test_driver_capabilities_without_compute_leave_cuda_out():
    [finding] = by_code(_capabilities("utility"), "CC113")
    assert finding.severity == "error" and finding.category == "config" and "compute,utility" in finding.remedy
    assert by_code(_capabilities("graphics,utility"), "CC113")


def test_driver_capabilities_with_compute_or_working_cuda_are_silent():
    for value in ("compute,utility", "all", "COMPUTE", "", None):
        assert not by_code(_capabilities(value), "CC113"), value
    assert not by_code(_capabilities("utility", cuda_init_code=0), "CC113")  # CUDA works after all
    assert not by_code(_capabilities("utility", in_container=False), "CC113")  # only a container runtime reads it


def test_driver_capabilities_judged_live_only_on_what_the_libcuda_probe_saw():
    """libcuda not found in the container is the symptom; a probe that did not answer leaves CUDA unknown."""
    from cudacheck.snapshot import ProbeError

    snapshot = make_snapshot(driver="550.54.14", gpus=[gpu(H100, "9.0")], in_container=True)
    snapshot.container.env["NVIDIA_DRIVER_CAPABILITIES"] = "utility"
    snapshot.cuda_driver.init_code = None
    assert not by_code(check(snapshot), "CC113")  # nothing known of libcuda
    snapshot.probe_errors.append(ProbeError("cuda_driver", "not_found", "libcuda.so.1: cannot open shared object"))
    [finding] = by_code(check(snapshot), "CC113")
    assert "was not found" in finding.detail
