"""Devices, container, environment and resource probes (all plain file reads)."""
from __future__ import annotations

import os
import re
from typing import Dict, List, Mapping, Optional, Tuple

from ..snapshot import ContainerFacts, ShmFacts, VisibleDevices
from .paths import shorten
from ..lazy_regex import lazy_compile

# Only these variables enter a snapshot: never the whole environment (secrets).
ENV_ALLOW = (
    "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES",
    "NVIDIA_DISABLE_REQUIRE", "CUDA_HOME", "CUDA_PATH", "CUDA_ROOT", "LD_LIBRARY_PATH",
    "LD_PRELOAD", "CONDA_PREFIX", "CUDA_MODULE_LOADING", "CUDA_LAUNCH_BLOCKING",
    "CUDA_DEVICE_ORDER", "PYTORCH_CUDA_ALLOC_CONF", "TORCH_CUDA_ARCH_LIST", "NCCL_DEBUG",
    "NCCL_P2P_DISABLE", "NCCL_IB_DISABLE", "NCCL_SHM_DISABLE", "NCCL_SOCKET_IFNAME",
    "NV_CUDA_CUDART_VERSION", "CUDA_VERSION", "NV_CUDNN_VERSION", "NVIDIA_PRODUCT_NAME",
    "PYTORCH_VERSION", "KUBERNETES_SERVICE_HOST", "PYTORCH_NO_CUDA_MEMORY_CACHING",
)
ENV_ALLOW_PREFIXES = ("NVIDIA_REQUIRE_", "CUDACHECK_")
_UUID = lazy_compile(r"^(GPU|MIG)-[0-9a-fA-F-]+", re.IGNORECASE)


def _environment(environ: Optional[Mapping[str, str]]) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def allowed_env(environ: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The allow-listed variables that are set, with home paths shortened and secrets masked
    (a proxy or index URL with a password can hide in any value)."""
    from ..redact import redact

    environ = _environment(environ)
    kept = {}
    for name, value in environ.items():
        if name in ENV_ALLOW or name.startswith(ENV_ALLOW_PREFIXES):
            if name == "KUBERNETES_SERVICE_HOST":
                value = "set"  # only whether we run under Kubernetes, not where its API is
            kept[name] = ":".join(shorten(part) or "" for part in value.split(":")) \
                if "PATH" in name or name.endswith("HOME") else value
    return {name: redact(value) for name, value in sorted(kept.items())}


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
        if not item:
            continue
        if re.fullmatch(r"-?\d+", item):
            indices.append(int(item))
        elif _UUID.match(item):
            uuids.append(item)
        else:
            uuids.append(item)
    if not indices and not uuids:
        return VisibleDevices(raw=raw, kind="empty")  # only separators, e.g. ","
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
    """Size, free space and writability of /dev/shm.

    Writability is tested the way DataLoader workers and NCCL use it: a uniquely named
    empty file is created (``O_CREAT | O_EXCL``) and removed at once. ``os.access``
    is not enough: it ignores read-only mounts under some runtimes, and SELinux/AppArmor.
    """
    facts = ShmFacts(path=path, exists=os.path.isdir(path))
    if not facts.exists:
        return facts
    try:
        stats = os.statvfs(path)
        facts.size_bytes = stats.f_frsize * stats.f_blocks
        facts.free_bytes = stats.f_frsize * stats.f_bavail
    except OSError:
        pass
    segment = os.path.join(path, f".cudacheck-{os.getpid()}-{os.urandom(6).hex()}")
    try:
        fd = os.open(segment, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    except OSError as exc:
        facts.writable = False
        facts.write_error = f"[Errno {exc.errno}] {exc.strerror}"
        return facts
    facts.writable = True
    os.close(fd)
    try:
        os.unlink(segment)
    except OSError:
        pass
    return facts


def container_runtime(environ: Optional[Mapping[str, str]] = None, root: str = "/") -> Tuple[bool, Optional[str]]:
    """(in_container, runtime name) from marker files, PID 1's cgroup and the environment.

    ``root`` is the file-system root the markers are read under (tests point it at a folder).
    """
    environ = _environment(environ)
    if os.path.exists(os.path.join(root, ".dockerenv")):
        return True, "docker"
    if os.path.exists(os.path.join(root, "run/.containerenv")):
        return True, "podman"
    cgroup = _read_all(os.path.join(root, "proc/1/cgroup")) or ""
    for marker, name in (("kubepods", "kubernetes"), ("docker", "docker"), ("containerd", "containerd"),
                         ("lxc", "lxc"), ("libpod", "podman")):
        if marker in cgroup:
            return True, name
    if environ.get("KUBERNETES_SERVICE_HOST"):
        return True, "kubernetes"
    if environ.get("container"):
        return True, environ["container"]
    if "microsoft" in (_read_all(os.path.join(root, "proc/version")) or "").lower():
        return False, "wsl"
    return False, None


def cgroup_limits(root: str = "/sys/fs/cgroup") -> Tuple[Optional[int], Optional[float]]:
    """(memory limit in bytes, CPU limit in cores) from cgroup v2 or v1; None when unlimited."""
    memory: Optional[int] = None
    cpus: Optional[float] = None
    for relative in ("memory.max", "memory/memory.limit_in_bytes"):
        value = _read_first(os.path.join(root, relative))
        if value and value != "max" and value.isdigit() and int(value) < 2**60:
            memory = int(value)
            break
    cpu_max = (_read_first(os.path.join(root, "cpu.max")) or "").split()
    if len(cpu_max) >= 2 and cpu_max[0].isdigit() and cpu_max[1].isdigit() and int(cpu_max[1]) > 0:
        cpus = round(int(cpu_max[0]) / int(cpu_max[1]), 2)
    elif not cpu_max:
        quota_v1 = _read_first(os.path.join(root, "cpu/cpu.cfs_quota_us")) \
            or _read_first(os.path.join(root, "cpu,cpuacct/cpu.cfs_quota_us"))
        period_v1 = _read_first(os.path.join(root, "cpu/cpu.cfs_period_us")) \
            or _read_first(os.path.join(root, "cpu,cpuacct/cpu.cfs_period_us"))
        if quota_v1 and period_v1 and quota_v1.isdigit() and period_v1.isdigit() \
                and int(quota_v1) > 0 and int(period_v1) > 0:
            cpus = round(int(quota_v1) / int(period_v1), 2)
    return memory, cpus


def _read_all(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def _read_first(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readline().strip()
    except OSError:
        return None


def container_facts(environ: Optional[Mapping[str, str]] = None) -> ContainerFacts:
    """Everything about devices, container and limits this process can read."""
    environ = _environment(environ)
    in_container, runtime = container_runtime(environ)
    memory, cpus = cgroup_limits()
    return ContainerFacts(
        in_container=in_container, runtime=runtime, uid=os.geteuid(), dev_nodes=dev_nodes(),
        env=allowed_env(environ),
        cuda_visible_devices=parse_visible_devices(environ.get("CUDA_VISIBLE_DEVICES")),
        nvidia_visible_devices=parse_visible_devices(environ.get("NVIDIA_VISIBLE_DEVICES")),
        shm=shm_facts(), cgroup_memory_limit_bytes=memory, cgroup_cpu_limit=cpus)
