"""Devices, container and limits: /dev/shm writability, cgroup limits, runtime detection,
uid and CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES parsing."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from cudacheck.probes.container import (
    allowed_env,
    cgroup_limits,
    container_facts,
    container_runtime,
    parse_visible_devices,
    shm_facts,
)

# ------------------------------------------------------------------------ /dev/shm


def test_shm_writable_leaves_nothing_behind(tmp_path: Path):
    facts = shm_facts(str(tmp_path))
    assert (facts.exists, facts.writable, facts.write_error) == (True, True, None)
    assert facts.size_bytes and facts.free_bytes is not None
    assert list(tmp_path.iterdir()) == []


def test_real_dev_shm():
    if not os.path.isdir("/dev/shm"):
        pytest.skip("no /dev/shm")
    before = set(os.listdir("/dev/shm"))
    facts = shm_facts()
    assert facts.exists is True and facts.writable in (True, False)
    assert {name for name in os.listdir("/dev/shm") if name.startswith(".cudacheck-")} <= before


def test_shm_not_writable(tmp_path: Path):
    if os.geteuid() == 0:
        target = "/proc/self"  # even root cannot create files there
    else:
        target = str(tmp_path / "ro")
        os.mkdir(target, 0o500)
    facts = shm_facts(target)
    assert facts.exists is True and facts.writable is False
    assert facts.write_error and facts.write_error.startswith("[Errno")


def test_shm_missing(tmp_path: Path):
    facts = shm_facts(str(tmp_path / "absent"))
    assert (facts.exists, facts.writable, facts.size_bytes) == (False, None, None)


# ----------------------------------------------------------------------- cgroups


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")


@pytest.mark.parametrize(("files", "expected"), [
    ({"memory.max": "17179869184", "cpu.max": "200000 100000"}, (17179869184, 2.0)),
    ({"memory.max": "max", "cpu.max": "max 100000"}, (None, None)),
    ({"memory.max": "1073741824", "cpu.max": "50000 100000"}, (1073741824, 0.5)),
    ({"memory/memory.limit_in_bytes": "8589934592", "cpu/cpu.cfs_quota_us": "400000",
      "cpu/cpu.cfs_period_us": "100000"}, (8589934592, 4.0)),
    ({"memory/memory.limit_in_bytes": "9223372036854771712", "cpu/cpu.cfs_quota_us": "-1",
      "cpu/cpu.cfs_period_us": "100000"}, (None, None)),  # cgroup v1 "unlimited"
    ({"cpu,cpuacct/cpu.cfs_quota_us": "150000", "cpu,cpuacct/cpu.cfs_period_us": "100000"}, (None, 1.5)),
    ({"memory.max": "garbage", "cpu.max": "garbage"}, (None, None)),
    ({}, (None, None)),
])
def test_cgroup_limits(tmp_path: Path, files, expected):
    for relative, text in files.items():
        _write(tmp_path, relative, text)
    assert cgroup_limits(str(tmp_path)) == expected


# ----------------------------------------------------------------------- runtime


@pytest.mark.parametrize(("files", "environ", "expected"), [
    ({".dockerenv": ""}, {}, (True, "docker")),
    ({"run/.containerenv": ""}, {}, (True, "podman")),
    ({"proc/1/cgroup": "0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-abc.scope"}, {},
     (True, "kubernetes")),
    ({"proc/1/cgroup": "12:memory:/docker/0123456789abcdef"}, {}, (True, "docker")),
    ({"proc/1/cgroup": "0::/system.slice/containerd.service"}, {}, (True, "containerd")),
    ({"proc/1/cgroup": "0::/"}, {"KUBERNETES_SERVICE_HOST": "10.0.0.1"}, (True, "kubernetes")),
    ({"proc/1/cgroup": "0::/"}, {"container": "systemd-nspawn"}, (True, "systemd-nspawn")),
    ({"proc/version": "Linux version 5.15.153.1-microsoft-standard-WSL2"}, {}, (False, "wsl")),
    ({"proc/1/cgroup": "0::/init.scope", "proc/version": "Linux version 6.8.0"}, {}, (False, None)),
])
def test_container_runtime(tmp_path: Path, files, environ, expected):
    for relative, text in files.items():
        _write(tmp_path, relative, text)
    assert container_runtime(environ, root=str(tmp_path)) == expected


def test_container_facts_uid_env_and_devices():
    environ = {"CUDA_VISIBLE_DEVICES": "1,0", "NVIDIA_VISIBLE_DEVICES": "all", "AWS_SECRET_ACCESS_KEY": "x",
               "HF_TOKEN": "y", "NVIDIA_REQUIRE_CUDA": "cuda>=12.4", "LD_LIBRARY_PATH": "/usr/local/cuda/lib64",
               "KUBERNETES_SERVICE_HOST": "10.0.0.1"}
    facts = container_facts(environ)
    assert facts.uid == os.geteuid()
    assert facts.env == {"CUDA_VISIBLE_DEVICES": "1,0", "KUBERNETES_SERVICE_HOST": "set",
                         "LD_LIBRARY_PATH": "/usr/local/cuda/lib64", "NVIDIA_REQUIRE_CUDA": "cuda>=12.4",
                         "NVIDIA_VISIBLE_DEVICES": "all"}
    assert facts.cuda_visible_devices.indices == [1, 0] and facts.nvidia_visible_devices.kind == "all"
    assert facts.in_container is True  # at least the Kubernetes variable says so
    assert facts.ipc_host is None  # cannot be told from inside
    assert facts.shm is not None and isinstance(facts.dev_nodes, list)


def test_allowed_env_shortens_home():
    home = os.path.expanduser("~")
    if home in ("", "/"):
        pytest.skip("no home directory")
    env = allowed_env({"LD_LIBRARY_PATH": f"{home}/cuda/lib64:/usr/lib", "CUDA_HOME": f"{home}/cuda"})
    assert env == {"CUDA_HOME": "~/cuda", "LD_LIBRARY_PATH": "~/cuda/lib64:/usr/lib"}


# ------------------------------------------------------------- visible devices


@pytest.mark.parametrize(("raw", "kind", "indices", "uuids"), [
    (None, "unset", [], []),
    ("", "empty", [], []),
    ("  ", "empty", [], []),
    (",", "empty", [], []),
    ("all", "all", [], []),
    ("none", "none", [], []),
    ("void", "void", [], []),
    ("NONE", "none", [], []),
    ("0", "indices", [0], []),
    ("1, 0,3", "indices", [1, 0, 3], []),
    ("-1", "indices", [-1], []),
    ("GPU-8932f937-d72c-4106-c12f-20bd9faed9f6", "uuids", [], ["GPU-8932f937-d72c-4106-c12f-20bd9faed9f6"]),
    ("MIG-4bbc0b2c-5c6f-5a2c-9f48-36b6b3f4a9a1,MIG-GPU-8932f937-d72c-4106-c12f-20bd9faed9f6/1/0", "uuids", [],
     ["MIG-4bbc0b2c-5c6f-5a2c-9f48-36b6b3f4a9a1", "MIG-GPU-8932f937-d72c-4106-c12f-20bd9faed9f6/1/0"]),
    ("0,GPU-8932f937", "mixed", [0], ["GPU-8932f937"]),
])
def test_parse_visible_devices(raw, kind, indices, uuids):
    parsed = parse_visible_devices(raw)
    assert (parsed.raw, parsed.kind, parsed.indices, parsed.uuids) == (raw, kind, indices, uuids)


@pytest.mark.parametrize(("raw", "hides"), [
    (None, False), ("all", False), ("0", False), ("1,0", False), ("GPU-8932f937", False), ("MIG-4bbc0b2c", False),
    ("$LOCAL_RANK", False),  # a script's variable, not a value
    ("${SLURM_LOCALID}", False),
    ("0,-1", False),  # a negative index after a valid one ends the list: GPU 0 stays
    ("", True), ("none", True), ("void", True), ("-1", True),
    ("NoDevFiles", True),  # a batch system's placeholder when the job got no GPU
])
def test_a_visible_devices_value_hides_every_gpu(raw, hides):
    assert parse_visible_devices(raw).hides_every_gpu() is hides
