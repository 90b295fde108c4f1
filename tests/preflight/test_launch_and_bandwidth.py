"""Launcher detection, test hooks, and nccl-tests' bandwidth arithmetic."""
from __future__ import annotations

import pytest

from cudacheck.errors import UsageError
from cudacheck.preflight.bandwidth import bandwidths, bus_factor, least_far, outliers, parse_sizes, size_label
from cudacheck.preflight.faults import child_env, faults_for
from cudacheck.preflight.launch import detect, first_host, own_device, tasks_on_node

TORCHRUN = {"TORCHELASTIC_RUN_ID": "abc", "RANK": "5", "WORLD_SIZE": "16", "LOCAL_RANK": "1", "LOCAL_WORLD_SIZE": "8",
            "GROUP_RANK": "0", "MASTER_ADDR": "node-0", "MASTER_PORT": "29400", "TORCHELASTIC_RESTART_COUNT": "2",
            "TORCHELASTIC_USE_AGENT_STORE": "True", "TORCHELASTIC_ERROR_FILE": "/tmp/e.json"}


def test_torchrun_with_the_agent_store():
    launch = detect(TORCHRUN)
    assert (launch.kind, launch.rank, launch.world_size, launch.local_rank, launch.node_rank) == ("torchrun", 5, 16, 1, 0)
    assert (launch.master_addr, launch.master_port, launch.host_store) == ("node-0", 29400, False)
    assert (launch.run_id, launch.attempt, launch.error_file) == ("abc", 2, "/tmp/e.json")


def test_torchrun_without_the_agent_store_rank_0_hosts_it():
    env = dict(TORCHRUN, RANK="0", TORCHELASTIC_USE_AGENT_STORE="False")
    assert detect(env).host_store is True
    assert detect(dict(env, RANK="3")).host_store is False


def test_slurm():
    env = {"SLURM_PROCID": "0", "SLURM_NTASKS": "16", "SLURM_LOCALID": "0", "SLURM_NODEID": "0", "SLURM_JOB_ID": "98765",
           "SLURM_STEP_ID": "2", "SLURM_JOB_NODELIST": "gpu-[017-020,031],login1", "SLURM_TASKS_PER_NODE": "8(x2)"}
    launch = detect(env)
    assert (launch.kind, launch.world_size, launch.local_world_size) == ("slurm", 16, 8)
    assert (launch.master_addr, launch.master_port, launch.host_store) == ("gpu-017", 20000 + 98765 % 10000, True)
    assert launch.run_id == "slurm-98765.2"
    assert detect(dict(env, MASTER_ADDR="10.0.0.1", MASTER_PORT="1234")).master_port == 1234


def test_plain_environment_and_single_process():
    env = {"RANK": "1", "WORLD_SIZE": "2", "MASTER_ADDR": "job-master-0", "MASTER_PORT": "23456"}
    launch = detect(env)
    assert (launch.kind, launch.host_store, launch.master_addr) == ("env", False, "job-master-0")
    single = detect({})
    assert (single.kind, single.world_size, single.host_store) == ("single", 1, True) and single.master_port > 0


def test_bad_launcher_values_are_usage_errors():
    with pytest.raises(UsageError, match="RANK='x'"):
        detect(dict(TORCHRUN, RANK="x"))


@pytest.mark.parametrize("nodelist, first", [
    ("node1", "node1"), ("node1,node2", "node1"), ("gpu-[001-004,007]", "gpu-001"),
    ("gpu-[003,001]-ib", "gpu-003-ib"), ("a[1-2],b[3-4]", "a1"), ("", None)])
def test_first_host_of_a_slurm_node_list(nodelist, first):
    assert first_host(nodelist) == first


def test_tasks_per_node_and_own_device():
    assert tasks_on_node("4(x2),3") == 4 and tasks_on_node(None) == 1
    assert own_device(1, None) == "1" and own_device(1, "4,5") == "5" and own_device(2, "4,5") == ""
    assert own_device(0, "GPU-aa, GPU-bb") == "GPU-aa"


def test_each_rank_checks_its_own_gpu_where_there_are_gpus(tmp_path):
    from cudacheck.preflight.launch import check_visible_devices

    launch = detect(TORCHRUN)  # local rank 1 of 8
    assert check_visible_devices(launch, {}, str(tmp_path)) is None  # no /dev/nvidia*: a CPU dry run
    (tmp_path / "nvidia0").touch()
    (tmp_path / "nvidiactl").touch()
    assert check_visible_devices(launch, {}, str(tmp_path)) == "1"
    assert check_visible_devices(launch, {"CUDA_VISIBLE_DEVICES": "4,5,6"}, str(tmp_path)) == "5"
    assert check_visible_devices(detect(dict(TORCHRUN, LOCAL_WORLD_SIZE="1")), {}, str(tmp_path)) is None


def test_faults_are_inert_unless_set():
    assert faults_for(1, {}) == set() and child_env(1, {}) == {}
    env = {"CUDACHECK_PREFLIGHT_TEST_FAULTS": "1:crash-check, 2:hang-barrier 1:no-such-fault",
           "CUDACHECK_PREFLIGHT_TEST_ENV_2": "FAKE_NVML_DRIVER=535.104.05 FAKE_NVML_CUDA=12020"}
    assert faults_for(1, env) == {"crash-check"} and faults_for(2, env) == {"hang-barrier"} and faults_for(0, env) == set()
    assert child_env(2, env) == {"FAKE_NVML_DRIVER": "535.104.05", "FAKE_NVML_CUDA": "12020"}


def test_bus_bandwidth_factors_are_nccl_tests():
    assert bus_factor("all_reduce", 8) == pytest.approx(1.75)
    assert bus_factor("all_gather", 8) == pytest.approx(0.875)
    assert bus_factor("all_reduce", 2) == pytest.approx(1.0)
    assert bus_factor("broadcast", 8) == 1.0
    algbw, busbw = bandwidths("all_reduce", 256 * 2**20, 0.002, 8)  # 256 MiB in 2 ms on 8 ranks
    assert algbw == pytest.approx(134.217728) and busbw == pytest.approx(134.217728 * 1.75)


def test_sizes():
    assert parse_sizes("256MiB, 1M,1MiB") == [2**20, 256 * 2**20]
    assert [size_label(s) for s in (2**20, 3 * 2**30, 1000)] == ["1MiB", "3GiB", "1000B"]
    for bad in ("", "12 parsecs", "-1M"):
        with pytest.raises(ValueError):
            parse_sizes(bad)


def test_outliers_below_fraction_of_the_median():
    values = {0: 180.0, 1: 182.0, 2: 120.0, 3: 181.0}
    assert outliers(values) == ([2], 180.5)
    assert outliers({0: 100.0, 1: 81.0}) == ([], 90.5)  # 81 ≥ 0.8 × 90.5
    assert outliers({}) == ([], None)


def test_least_far():
    assert least_far({0: 3, 1: 1, 2: 3}, [0, 1, 2]) == [1]
    assert least_far({0: 3, 1: 3}, [0, 1]) == []  # same step everywhere: no single culprit
    assert least_far({0: 3, 1: None}, [0, 1]) == [1]  # no marker at all is least far
