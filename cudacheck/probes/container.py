"""Devices, container, environment and resource probes (all plain file reads)."""
from __future__ import annotations

import os
import re
from typing import Dict, List, Optional

from ..snapshot import ContainerFacts, ShmFacts, VisibleDevices
from .paths import shorten

# Only these variables enter a snapshot: never the whole environment (secrets).
ENV_ALLOW = (
    "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES",
    "NVIDIA_DISABLE_REQUIRE", "CUDA_HOME", "CUDA_PATH", "CUDA_ROOT", "LD_LIBRARY_PATH",
    "LD_PRELOAD", "CONDA_PREFIX", "CUDA_MODULE_LOADING", "CUDA_LAUNCH_BLOCKING",
    "CUDA_DEVICE_ORDER", "PYTORCH_CUDA_ALLOC_CONF", "TORCH_CUDA_ARCH_LIST", "NCCL_DEBUG",
    "NCCL_P2P_DISABLE", "NCCL_IB_DISABLE", "NCCL_SHM_DISABLE", "NCCL_SOCKET_IFNAME",
    "NV_CUDA_CUDART_VERSION", "CUDA_VERSION", "NV_CUDNN_VERSION", "NVIDIA_PRODUCT_NAME",
    "PYTORCH_VERSION", "KUBERNETES_SERVICE_HOST",
)
ENV_ALLOW_PREFIXES = ("NVIDIA_REQUIRE_", "CUDACHECK_")
_UUID = re.compile(r"^(GPU|MIG)-[0-9a-fA-F-]+", re.IGNORECASE)


def allowed_env(environ: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The allow-listed variables that are set, with home paths shortened."""
    environ = os.environ if environ is None else environ
    kept = {}
    for name, value in environ.items():
        if name in ENV_ALLOW or name.startswith(ENV_ALLOW_PREFIXES):
            if name == "KUBERNETES_SERVICE_HOST":
                value = "set"  # only whether we run under Kubernetes, not where its API is
            kept[name] = ":".join(shorten(part) or "" for part in value.split(":")) \
                if "PATH" in name or name.endswith("HOME") else value
    return dict(sorted(kept.items()))


def parse_visible_devices(raw: Optional[str]) -> VisibleDevices:
    """Parse CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES as CUDA and the container toolkit read them."""
    if raw is None:
        return VisibleDevices(raw=None, kind="unset")
    value = raw.strip()
    if value == "":
        return VisibleDevices(raw=raw, kind="empty")
    if value.lower() in ("all", "none", "void"):
        return VisibleDevices(raw=raw, kind=value.lower())
    indices: List[int] = []
    uuids: List[str] = []
    for item in value.split(","):
        item = item.strip()
        if re.fullmatch(r"-?\d+", item):
            indices.append(int(item))
        elif _UUID.match(item):
            uuids.append(item)
        else:
            uuids.append(item)
    kind = "indices" if indices and not uuids else "uuids" if uuids and not indices else "mixed"
    return VisibleDevices(raw=raw, kind=kind, indices=indices, uuids=uuids)


def dev_nodes() -> Optional[List[str]]:
    """The NVIDIA device nodes present in /dev."""
    try:
        names = os.listdir("/dev")
    except OSError:
        return None
    nodes = sorted(f"/dev/{name}" for name in names if name.startswith("nvidia"))
    if os.path.isdir("/dev/nvidia-caps"):
        nodes = [node for node in nodes if node != "/dev/nvidia-caps"] + ["/dev/nvidia-caps/"]
    return nodes


def shm_facts(path: str = "/dev/shm") -> ShmFacts:
    """Size, free space and writability of /dev/shm (a segment is created and removed)."""
    facts = ShmFacts(path=path, exists=os.path.isdir(path))
    if not facts.exists:
        return facts
    try:
        stats = os.statvfs(path)
        facts.size_bytes = stats.f_frsize * stats.f_blocks
        facts.free_bytes = stats.f_frsize * stats.f_bavail
    except OSError:
        pass
    facts.writable = os.access(path, os.W_OK | os.X_OK)
    return facts


def container_runtime() -> tuple:
    """(in_container, runtime name) from marker files and cgroup paths."""
    if os.path.exists("/.dockerenv"):
        return True, "docker"
    if os.path.exists("/run/.containerenv"):
        return True, "podman"
    try:
        with open("/proc/1/cgroup", encoding="utf-8", errors="replace") as handle:
            cgroup = handle.read()
    except OSError:
        cgroup = ""
    for marker, name in (("kubepods", "kubernetes"), ("docker", "docker"), ("containerd", "containerd"),
                         ("lxc", "lxc"), ("libpod", "podman")):
        if marker in cgroup:
            return True, name
    if os.environ.get("KUBERNETES_SERVICE_HOST"):
        return True, "kubernetes"
    if os.environ.get("container"):
        return True, os.environ["container"]
    try:
        with open("/proc/version", encoding="utf-8") as handle:
            if "microsoft" in handle.read().lower():
                return False, "wsl"
    except OSError:
        pass
    return False, None


def cgroup_limits() -> tuple:
    """(memory limit in bytes, CPU limit in cores) from cgroup v2 or v1; None when unlimited."""
    memory: Optional[int] = None
    cpus: Optional[float] = None
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        value = _read_first(path)
        if value and value != "max" and value.isdigit() and int(value) < 2**60:
            memory = int(value)
            break
    cpu_max = _read_first("/sys/fs/cgroup/cpu.max")
    if cpu_max and not cpu_max.startswith("max"):
        quota, period = cpu_max.split()[:2]
        cpus = round(int(quota) / int(period), 2)
    else:
        quota_v1 = _read_first("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
        period_v1 = _read_first("/sys/fs/cgroup/cpu/cpu.cfs_period_us")
        if quota_v1 and period_v1 and quota_v1.lstrip("-").isdigit() and int(quota_v1) > 0:
            cpus = round(int(quota_v1) / int(period_v1), 2)
    return memory, cpus


def _read_first(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readline().strip()
    except OSError:
        return None


def container_facts(environ: Optional[Dict[str, str]] = None) -> ContainerFacts:
    """Everything about devices, container and limits this process can read."""
    environ = os.environ if environ is None else environ
    in_container, runtime = container_runtime()
    memory, cpus = cgroup_limits()
    return ContainerFacts(
        in_container=in_container, runtime=runtime, uid=os.geteuid(), dev_nodes=dev_nodes(),
        env=allowed_env(environ),
        cuda_visible_devices=parse_visible_devices(environ.get("CUDA_VISIBLE_DEVICES")),
        nvidia_visible_devices=parse_visible_devices(environ.get("NVIDIA_VISIBLE_DEVICES")),
        shm=shm_facts(), cgroup_memory_limit_bytes=memory, cgroup_cpu_limit=cpus)
