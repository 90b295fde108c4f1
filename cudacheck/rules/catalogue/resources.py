"""Container and resources: shared memory, cgroup limits, user."""
from __future__ import annotations

from typing import Iterator

from ...report import Finding
from ...sizes import gib
from ..context import RuleContext
from ..registry import rule

SHM_FLOOR = 1 << 30  # 1 GiB: below this DataLoader workers and NCCL run out of /dev/shm


@rule("CC401", "shm-too-small", "shm_too_small", "container", severity="warning")
def shm_too_small(ctx: RuleContext) -> Iterator[Finding]:
    """/dev/shm is below 1 GiB in a container (Docker's default is 64 MiB).

    What it checks:
        The size of /dev/shm inside a container (or the `--shm-size` of a pasted
        `docker run`), unless the container shares the host IPC namespace.
    Why it matters:
        DataLoader workers pass batches through /dev/shm: with 64 MiB they die with "Bus
        error" / "unable to write to file </torch_…>"; NCCL fails with "posix_fallocate
        failed" / "shm_open failed".
    How to fix:
        `docker run --shm-size=16g …` or `--ipc=host`; compose `shm_size: 16gb`; Kubernetes:
        mount an `emptyDir: {medium: Memory}` at /dev/shm.
    """
    container = ctx.snapshot.container
    shm = container.shm
    if not container.in_container or container.ipc_host or shm is None or shm.size_bytes is None:
        return
    if shm.size_bytes >= SHM_FLOOR:
        return
    yield ctx.finding(
        f"/dev/shm is only {gib(shm.size_bytes)} in this container",
        detail="DataLoader workers (num_workers > 0) and NCCL need more than Docker's 64 MiB default; expect "
               "'Bus error' or NCCL shm failures under load.",
        remedy="docker run --shm-size=16g … (or --ipc=host); compose: shm_size: 16gb; Kubernetes: emptyDir "
               "{medium: Memory} mounted at /dev/shm.",
        evidence=["container.shm.size_bytes", "container.in_container"])


@rule("CC402", "shm-not-writable", "shm_permission", "container")
def shm_not_writable(ctx: RuleContext) -> Iterator[Finding]:
    """/dev/shm exists but this user cannot create files in it, or a Linux system has none.

    What it checks:
        Whether a segment can be created in /dev/shm (the probe creates and removes one), or,
        in a pasted report, a listing, mount line or sentence showing /dev/shm without write
        access for other users (mode 755). Also /dev/shm missing on Linux: not mounted, or
        hidden by a later mount over /dev (a pasted `os.path.exists("/dev/shm")` → False,
        "ls: cannot access '/dev/shm'").
    Why it matters:
        torch multiprocessing, DataLoader workers and NCCL fail with "unable to open shared
        memory object" / "Permission denied"; without /dev/shm, POSIX semaphores and shared
        memory (`multiprocessing.Pool`, `SemLock`) cannot be created at all.
    How to fix:
        Make /dev/shm a world-writable tmpfs with the sticky bit (`chmod 1777 /dev/shm`,
        or mount it as tmpfs), or run with a user that may write there.
    """
    shm = ctx.snapshot.container.shm
    system = (ctx.snapshot.platform.system or "").lower()
    linux = system == "linux" or (ctx.snapshot.source == "pasted" and not system)
    if shm is not None and shm.exists is False and linux:
        yield ctx.finding(
            f"{shm.path} does not exist: shared memory cannot be created",
            detail=(f"{shm.write_error}. " if shm.write_error else "") +
                   "multiprocessing (Pool, SemLock), DataLoader workers and NCCL create their segments and "
                   "semaphores there.",
            remedy="Mount a tmpfs at /dev/shm with mode 1777 (`mount -t tmpfs -o mode=1777 shm /dev/shm`); in a "
                   "container, make sure no later mount over /dev hides it (`--shm-size` / `--ipc=host` with "
                   "Docker, an `emptyDir: {medium: Memory}` at /dev/shm in Kubernetes).",
            evidence=["container.shm.exists"])
        return
    if shm is None or shm.exists is not True or shm.writable is not False:
        return
    uid = ctx.snapshot.container.uid
    yield ctx.finding(
        f"{shm.path} is not writable for " + (f"uid {uid}" if uid is not None else "this user"),
        detail=f"{shm.write_error}." if shm.write_error else "",
        remedy="sudo chmod 1777 /dev/shm (or mount it as a tmpfs), or run as a user with write access.",
        evidence=["container.shm.writable", "container.uid"])


@rule("CC403", "cgroup-memory-below-gpu-memory", "config", "container", severity="warning")
def cgroup_memory_below_gpu_memory(ctx: RuleContext) -> Iterator[Finding]:
    """The container's memory limit is below the GPUs' total memory.

    What it checks:
        The cgroup memory limit against the sum of GPU memory NVML reports.
    Why it matters:
        Loading a checkpoint to CPU first, pinned-memory buffers and DataLoader workers
        routinely need host memory of the GPUs' size; the OOM killer ends the job with
        "Killed" and no Python traceback.
    How to fix:
        Raise the limit (`docker run --memory …`, Kubernetes `resources.limits.memory`) or
        load weights straight to the GPU (`map_location="cuda"`, safetensors).
    """
    limit = ctx.snapshot.container.cgroup_memory_limit_bytes
    total_mib = sum(g.facts.memory_total_mib or 0 for g in ctx.gpus)
    if not limit or not total_mib or limit >= total_mib * 2**20:
        return
    yield ctx.finding(
        f"Memory limit {gib(limit)} is below the GPUs' {gib(total_mib * 2**20)}",
        detail=f"cgroup memory limit {gib(limit)}; {len(ctx.gpus)} GPU(s) with {gib(total_mib * 2**20)} in total.",
        remedy="Raise the container memory limit, or load checkpoints directly to the GPU.",
        evidence=["container.cgroup_memory_limit_bytes", "nvml.gpus.memory_total_mib"])


@rule("CC404", "root-in-container", "config", "container", severity="info")
def root_in_container(ctx: RuleContext) -> Iterator[Finding]:
    """The process runs as root inside a container.

    What it checks:
        Effective uid 0 inside a container.
    Why it matters:
        Not a GPU problem, but files written to mounted volumes become root-owned and a
        compromised job has more reach.
    How to fix:
        Add a `USER` to the image (or `securityContext.runAsUser`); keep the `video`/
        `render` groups if your runtime needs them for /dev/nvidia*.
    """
    container = ctx.snapshot.container
    if container.in_container and container.uid == 0:
        yield ctx.finding("Running as root inside a container",
                          remedy="Add `USER app` to the Dockerfile or set securityContext.runAsUser.",
                          evidence=["container.uid", "container.in_container"])


@rule("CC405", "caching-allocator-disabled", "config", "container", severity="warning")
def caching_allocator_disabled(ctx: RuleContext) -> Iterator[Finding]:
    """PYTORCH_NO_CUDA_MEMORY_CACHING is set: torch's CUDA caching allocator is off.

    What it checks:
        The variable in the recorded (or pasted) environment, whatever its value.
    Why it matters:
        The variable is a debugging aid: every tensor then goes straight to cudaMalloc and
        cudaFree, which is slow and fragments memory, so jobs run out of GPU memory that fit
        before. torch's C++ allocator checked only whether the variable exists until
        pytorch/pytorch#145905 (issue #145661): `PYTORCH_NO_CUDA_MEMORY_CACHING=0` turned
        caching off too.
    How to fix:
        `unset PYTORCH_NO_CUDA_MEMORY_CACHING` (remove it from the job script, Dockerfile or
        .env); set it only while hunting memory errors with compute-sanitizer.
    """
    value = ctx.snapshot.container.env.get("PYTORCH_NO_CUDA_MEMORY_CACHING")
    if value is None:
        return
    zero = value.strip().strip("'\"") in ("0", "false", "False", "")
    yield ctx.finding(
        f"torch's CUDA caching allocator is off (PYTORCH_NO_CUDA_MEMORY_CACHING={value})",
        detail="Every allocation goes to cudaMalloc/cudaFree: slower, and fragmented memory runs out sooner."
               + (" Setting it to 0 does not turn caching back on in torch releases before pytorch/pytorch#145905: "
                  "their allocator checks only whether the variable exists." if zero else ""),
        remedy="unset PYTORCH_NO_CUDA_MEMORY_CACHING (and remove it from the job script, Dockerfile or .env).",
        evidence=["container.env.PYTORCH_NO_CUDA_MEMORY_CACHING"])
