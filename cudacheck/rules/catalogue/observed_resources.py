"""Observed resource and GPU errors: shared memory too small or not writable, GPU health (Xid
errors), a capability the GPU lacks (CC812, CC813, CC820, CC822)."""
from __future__ import annotations

import re
from typing import Dict, Iterator, Optional, Tuple

from ...observations import Obs
from ...report import Finding
from ...snapshot import Observation
from ...versions import parts
from ..context import RuleContext
from ..observations import (GPU_RUNTIME_FAULTS, LIKELY, POSSIBLE, across_machines, all_of, docker_run, evidence,
                            first_of, gpu_arch, gpu_label, quote)
from ..registry import rule


# --- shared memory -------------------------------------------------------------------------------
def _shm_context(ctx: RuleContext) -> Tuple[str, bool]:
    """(sentence about the container's /dev/shm, whether it is known or likely to be small)."""
    container = ctx.snapshot.container
    run = docker_run(ctx)
    if container.ipc_host:
        return "The container shares the host IPC namespace (--ipc=host).", False
    if container.shm is not None and container.shm.size_bytes is not None:
        size = container.shm.size_bytes
        banner = first_of(ctx, Obs.NGC_SHM_DEFAULT, Obs.SHM_SIZE_STATED)  # where the size was read
        return f"/dev/shm is {size / 2**20:.0f} MiB" + (f" ({quote(banner)})" if banner else "") + ".", size < 2**30
    if run is not None and not run.values.get("shm_size"):
        return ("The pasted `docker run` has neither --shm-size nor --ipc=host, so /dev/shm is Docker's 64 MiB "
                "default."), True
    if run is None and container.runtime == "kubernetes":
        return ("It runs in a Kubernetes pod whose /dev/shm size is not shown; a pod's /dev/shm is the container "
                "runtime's 64 MiB unless an emptyDir {medium: Memory} is mounted there."), True
    if run is None and container.in_container:
        # a container whose start is not shown: Docker's default unless it was raised
        return ("It runs in a container whose /dev/shm size is not shown; Docker's default is 64 MiB unless "
                "--shm-size or --ipc=host raised it."), True
    return "", False


@rule("CC812", "observed-shm-too-small", "shm_too_small", "container", symptom=True)
def observed_shm_too_small(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows shared memory (/dev/shm) running out.

    What it checks:
        "DataLoader worker (pid N) is killed by signal: Bus error", "Fatal Python error: Bus
        error", a launcher reporting a worker killed by signal 7 (torchrun's "exitcode: -7",
        DeepSpeed's "exits with return code = -7", "Signal 7 (SIGBUS) received by PID"), "unable to write to file </torch_…>: No space left on device (28)", "unable
        to mmap N bytes from file </torch_…>", NCCL "posix_fallocate failed" / "shm_open
        failed" / "Error while creating shared memory segment" / "failed to extend
        /dev/shm/nccl-…", "No space left on device" inside torch's tensor-sharing frames
        (`_share_fd_cpu_`, multiprocessing/reductions.py); NCCL "unhandled system error",
        "[Errno 28] No space left on device", a DataLoader worker that "exited unexpectedly"
        a report that DataLoader workers fail or hang while num_workers=0 runs,
        and a `df -h` showing /dev/shm full only next to a container whose /dev/shm is small
        (a pasted `docker run` without --shm-size/--ipc=host, or `df`'s size) or not shown
        (a Docker container started by a command the paste leaves out: possible);
        a program's own warning that /dev/shm is too small for it (Ray's object store
        "using /tmp instead of /dev/shm because /dev/shm has only N bytes available": a
        warning, the program runs on, slower). A bus error where /dev/shm is known to be
        large (--ipc=host, or a size of 1 GiB or more given) is only a possible warning: a
        memory-mapped file that changed (a mounted data volume) or failing memory gives the
        same signal. The shell's bare "Bus error (core dumped)"
        with nothing tying it to shared memory (no DataLoader, worker, shm or container) is a
        possible warning: a memory-mapped file changed under the program gives it too. torch's "unable
        to open shared memory object … Too many open files (24)", "received 0 items of
        ancdata" and "[Errno 24] Too many open files" are the open-file limit, not /dev/shm:
        a `config` warning naming the sharing strategy (possible where nothing ties the
        limit to tensors shared between processes).
    Why it matters:
        DataLoader workers hand batches over through /dev/shm and NCCL puts its buffers
        there; Docker gives containers 64 MiB, which is far too little.
    How to fix:
        `docker run --shm-size=16g …` or `--ipc=host`; compose `shm_size: 16gb`;
        Kubernetes: an `emptyDir: {medium: Memory}` at /dev/shm. As a stopgap,
        DataLoader(num_workers=0).
    """
    context, small = _shm_context(ctx)
    direct = [o for o in all_of(ctx, Obs.BUS_ERROR, Obs.TORCH_SHM_WRITE, Obs.SHM_FAILURE)
              if not _permission(o) and not _segment_gone(o)]
    descriptors = [o for o in direct if o.values.get("errno2") == "24"]
    # EMFILE: torch's "unable to open shared memory object … (24)" with nothing else of /dev/shm failing, or the limit
    # said otherwise ("received 0 items of ancdata", "[Errno 24] Too many open files") where /dev/shm says nothing
    exhausted = descriptors[0] if descriptors and len(descriptors) == len(direct) else \
        first_of(ctx, Obs.DESCRIPTORS_EXHAUSTED) if not direct else None
    if exhausted is not None:
        shared = exhausted in descriptors or "ancdata" in exhausted.text.lower() or \
            first_of(ctx, Obs.TORCH_STORAGE_SHARING) is not None
        yield ctx.finding(
            "Tensors shared between processes ran out of file descriptors (the open-file limit), not shared memory"
            if shared else "The process ran out of file descriptors (the open-file limit)",
            severity="warning", category="config", certainty=LIKELY if shared else POSSIBLE,
            detail=f"{quote(exhausted)}. " + (
                "torch's default `file_descriptor` sharing strategy holds one open descriptor per tensor a DataLoader "
                "worker (or another process) hands over; the open-file limit (`ulimit -n`, often 1024) ran out, not "
                "/dev/shm." if shared else
                "Every open file, socket and shared tensor holds a descriptor; the limit (`ulimit -n`, often 1024) "
                "ran out. With DataLoader workers, torch's `file_descriptor` sharing strategy is the usual consumer."),
            remedy="`torch.multiprocessing.set_sharing_strategy('file_system')` at the start of the program, or raise "
                   "the limit (`ulimit -n 65535`; in Docker `--ulimit nofile=65535:65535`).",
            evidence=evidence(exhausted))
        return
    weak = all_of(ctx, Obs.NCCL_SYSTEM_ERROR, Obs.NO_SPACE_LEFT, Obs.DATALOADER_EXITED, Obs.WORKER_SEGFAULT,
                  Obs.WORKERS_ZERO_WORKS) + \
        [o for o in all_of(ctx, Obs.DF_SHM) if int(o.values.get("use") or 0) >= 90]
    sharing = first_of(ctx, Obs.TORCH_STORAGE_SHARING)
    if not direct and sharing is not None:  # "No space left on device" while torch hands a tensor through /dev/shm
        direct = list(all_of(ctx, Obs.NO_SPACE_LEFT))
    remedy = ("docker run --shm-size=16g … (or --ipc=host); compose: shm_size: 16gb; Kubernetes: mount an "
              "emptyDir {medium: Memory} at /dev/shm. Stopgap: DataLoader(num_workers=0).")
    if direct:
        lead = next((o for o in direct if _names_shared_memory(o)), direct[0])
        bare = not _names_shared_memory(lead) and not context  # "Bus error (core dumped)" and nothing else
        if context and not small and lead.signature == Obs.BUS_ERROR:
            # a bus error where /dev/shm is known to be large (--ipc=host, or its size given): not shm running out
            yield ctx.finding(
                "A bus error although /dev/shm is large: shared memory, or a memory-mapped file that changed",
                severity="warning", certainty=POSSIBLE,
                detail=f"{quote(lead)}. {context} A worker's bus error also comes from a file that changed or "
                       "vanished while it was memory-mapped (a dataset on a network or mounted volume, a checkpoint "
                       "loaded with mmap) or from failing memory.",
                remedy="Watch /dev/shm (`df -h /dev/shm`) while it runs to rule it out; copy the data off the mounted "
                       "volume (or load it without mmap) and see whether the error goes; run a memory test if it "
                       "stays random.",
                evidence=evidence(lead) + ["container.shm"])
            return
        yield ctx.finding(
            "Shared memory (/dev/shm) is too small for DataLoader workers / NCCL" if not bare else
            "A bus error: most often /dev/shm too small for DataLoader workers or NCCL",
            severity="warning" if bare else None, certainty=POSSIBLE if bare else LIKELY,
            detail=f"{quote(lead)}. {context}".strip() + (
                " Nothing else in the paste ties it to shared memory: a file changed while it was memory-mapped (a "
                "checkpoint overwritten while loaded with mmap) or failing memory give the same signal." if bare
                else ""),
            remedy=remedy, evidence=evidence(lead) + (["container.shm"] if context else []))
        return
    warned = first_of(ctx, Obs.SHM_SIZE_WARNED)
    if warned is not None:  # a warning of the program's own: it measured /dev/shm and works around it, slower
        yield ctx.finding(
            "/dev/shm is smaller than the program asks for", severity="warning", certainty=LIKELY,
            detail=f"{quote(warned)}. {context}".strip(), remedy=remedy,
            evidence=evidence(warned) + (["container.shm"] if context else []))
        return
    if weak and small:
        lead = weak[0]
        yield ctx.finding(
            "/dev/shm is probably too small: the container runs with Docker's default shared memory",
            certainty=POSSIBLE, detail=f"{quote(lead)}. {context}", remedy=remedy,
            evidence=evidence(lead, docker_run(ctx)))
        return
    system = first_of(ctx, Obs.NCCL_SYSTEM_ERROR)
    if system is not None and not context and ctx.snapshot.container.in_container is not False and \
            across_machines(ctx) is None and first_of(ctx, Obs.JOB_SETTING_MISSING) is None:
        # ncclSystemError on one machine, not said to be the host: NCCL's failing call is most often its shared memory
        yield ctx.finding(
            "NCCL's \"unhandled system error\": on one machine most often /dev/shm too small for its buffers",
            severity="warning", certainty=POSSIBLE,
            detail=f"{quote(system)}. A system call of NCCL's failed; between the GPUs of one machine NCCL shares "
                   "memory through /dev/shm, which a container gets only 64 MiB of by default.",
            remedy="Run once with NCCL_DEBUG=WARN: the line before the error names the failing call (shm_open, "
                   "posix_fallocate: /dev/shm; socket: the network). For /dev/shm: " + remedy,
            evidence=evidence(system))


def _names_shared_memory(observation: Observation) -> bool:
    """Whether a bus error's line ties it to shared memory (a DataLoader worker, /dev/shm, torch's shm files, NCCL)
    rather than being the shell's bare "Bus error (core dumped)"."""
    if observation.signature != Obs.BUS_ERROR:
        return True
    text = observation.text.lower()
    return any(word in text for word in ("dataloader", "worker", "shm", "shared memory", "nccl", "torch_"))


def _segment_gone(observation: Observation) -> bool:
    """torch's "unable to open shared memory object … No such file or directory (2)": the segment was removed before
    the receiver opened it (the file_system strategy's cleanup, a process in another IPC namespace), not /dev/shm
    running full, which fails the sender with ENOSPC or a bus error."""
    return observation.signature == Obs.TORCH_SHM_WRITE and observation.values.get("errno2") == "2"


def _permission(observation: Observation) -> bool:
    text = observation.text.lower()
    return observation.values.get("errno") == "13" or observation.values.get("errno2") == "13" or \
        "permission denied" in text or "read-only file system" in text


@rule("CC813", "observed-shm-permission", "shm_permission", "container", symptom=True)
def observed_shm_permission(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows /dev/shm not writable for the user.

    What it checks:
        "unable to write to file </torch_…>: Permission denied (13)", "unable to open shared
        memory object … Permission denied", NCCL shm errors with "Permission denied",
        multiprocessing's `SemLock` failing with "PermissionError: [Errno 13]" (DataLoader
        workers' semaphores live in /dev/shm), or with "[Errno 38] Function not implemented"
        (no /dev/shm at all), "Read-only file system" for a /dev/shm path.
    Why it matters:
        torch multiprocessing, DataLoader workers and NCCL cannot create their segments.
    How to fix:
        Make /dev/shm a world-writable tmpfs with the sticky bit (`sudo chmod 1777
        /dev/shm`), or run as a user that may write there.
    """
    hit = next((o for o in all_of(ctx, Obs.TORCH_SHM_WRITE, Obs.SHM_FAILURE) if _permission(o)), None) or \
        first_of(ctx, Obs.SEMLOCK_PERMISSION, Obs.SHM_NOT_WRITABLE)
    if hit is None:
        return
    missing = "function not implemented" in hit.text.lower() or "errno 38" in hit.text.lower()
    yield ctx.finding(
        "/dev/shm is missing: POSIX semaphores and shared memory cannot be created" if missing else
        "/dev/shm is not writable for this user", certainty=LIKELY, detail=f"{quote(hit)}.",
        remedy="sudo chmod 1777 /dev/shm (or mount it as tmpfs), or run as a user allowed to write there.",
        evidence=evidence(hit))


# --- the GPU itself ------------------------------------------------------------------------------
_HEALTH_XIDS = {48, 54, 57, 58, 61, 62, 63, 64, 68, 69, 74, 79, 92, 94, 95, 119, 120, 121, 123, 140, 143, 144, 145,
                146, 147, 148, 149, 150, 154, 155}
"""Xids of hardware, memory, power, NVLink, GSP and recovery faults (NVIDIA's Xid catalogue); the rest (13, 31,
43, 45 …) usually come from the application."""


def _xid(observation: Observation) -> Optional[int]:
    number = observation.values.get("xid") or observation.values.get("xid2") or ""
    return int(number) if number.isdigit() else None


def _remapping_failed(observation: Observation) -> bool:
    """Whether nvidia-smi -q's field (as its table prints it, quoted inline, or retold) says row remapping failed."""
    field = next((observation.values[k] for k in ("field", "field2", "field3") if observation.values.get(k)), "")
    return field.lower().startswith(("remapping", "row remapping"))


@rule("CC820", "observed-gpu-health", "gpu_health", "gpus", symptom=True)
def observed_gpu_health(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows a GPU hardware or driver-health problem.

    What it checks:
        Kernel-log Xid errors that indicate hardware or driver faults (48 double-bit ECC,
        63/64 page retirement, 74 NVLink, 79 fallen off the bus, 92/94/95 ECC, 119/120 GSP),
        "GPU has fallen off the bus" / "GPU is lost" (lspci's "rev ff"), "uncorrectable ECC error
        encountered", uncorrectable NVLink errors, the kernel's uncorrected PCIe (AER)
        errors, `nvidia-smi -q` showing "Pending Page Blacklist : Yes", remapped rows
        "Pending : Yes" or "Remapping Failure Occurred : Yes", "ERR!" in an nvidia-smi
        table, a GPU that needs a reset, the driver's GSP firmware timing out, a failed
        DCGM diagnostic, gpu-burn's "FAULTY", memory errors a memory test found, and
        thermal or power slowdown active (a warning); (possible) a report pointing at the
        hardware in its own words: a GPU reseated, dead or lost, a weak power supply,
        overheating, an unstable overclock, a fault on one of several cards, a kernel fault
        in well-tested code.
    Why it matters:
        These are not software problems: the GPU needs a reset or service, and jobs on it
        keep failing.
    How to fix:
        Drain the node, reset the GPU (`nvidia-smi -r -i N`) or reboot; check cooling and
        power; if errors recur, RMA the GPU.
    """
    xids = [o for o in all_of(ctx, Obs.XID) if _xid(o) in _HEALTH_XIDS]
    lead = first_of(ctx, Obs.FALLEN_OFF_BUS, Obs.LSPCI_REV_FF, Obs.ECC_ERROR) or (xids[0] if xids else None) or \
        first_of(ctx, Obs.SMI_Q_PENDING, Obs.GPU_FAULT_REPORTED)
    throttled = first_of(ctx, Obs.GPU_THROTTLED)
    if lead is None and throttled is not None:
        text = throttled.text.lower()
        stuck = "reset" in text or "nvidia-smi" in text
        yield ctx.finding(
            "The GPU needs a reset" if "reset" in text else
            "nvidia-smi hangs: the driver or a GPU is stuck" if stuck else
            "The GPU is throttled (thermal or power slowdown)",
            severity="error" if stuck else "warning", certainty=LIKELY, detail=f"{quote(throttled)}.",
            remedy="Look for Xid errors (`dmesg | grep -i xid`); drain the node and reset the GPU (`nvidia-smi -r -i N`) "
                   "or reboot." if stuck else
            "Check cooling, fans and power limits (`nvidia-smi -q -d PERFORMANCE,TEMPERATURE,POWER`).",
            evidence=evidence(throttled))
        return
    err = first_of(ctx, Obs.SMI_ERR) if ctx.snapshot.container.runtime != "wsl" else None  # WSL's nvidia-smi shows ERR!
    stated = first_of(ctx, Obs.HARDWARE_FAULT_STATED)
    crash = first_of(ctx, *GPU_RUNTIME_FAULTS)
    if lead is None and err is None and stated is not None and crash is not None:
        yield ctx.finding(
            "The GPU itself is probably failing: a kernel fault the report ties to the hardware",
            severity="warning", certainty=POSSIBLE,
            detail=f"{quote(crash)}; {quote(stated)}. A kernel fault on healthy code that leaves the GPU unusable "
                   "until a reboot, or follows one card or node, points at the GPU (memory, power, PCIe) rather "
                   "than the software stack.",
            remedy="Look for Xid errors (`sudo dmesg | grep -i xid`) and `nvidia-smi -q -d ECC,PAGE_RETIREMENT,"
                   "ROW_REMAPPER`; run the job on another GPU; drain the node or RMA the card if it follows the GPU.",
            evidence=evidence(crash, stated))
        return
    sign = first_of(ctx, Obs.HARDWARE_SIGN_STATED)
    if lead is None and err is None and sign is not None:
        yield ctx.finding(
            "The report points at the GPU hardware", severity="warning", certainty=POSSIBLE,
            detail=f"{quote(sign)}" + (f"; {quote(crash)}" if crash is not None else "") + ". A card that must be "
                   "reseated or drops out, a weak power supply, heat, an unstable overclock, a fault on one of several "
                   "cards or in well-tested code point at the GPU (power, memory, PCIe) rather than the software.",
            remedy="Look for Xid errors (`sudo dmesg | grep -i xid`), `nvidia-smi -q -d ECC,TEMPERATURE,POWER,"
                   "PERFORMANCE`; run the job on another GPU (or swap cards between slots); check the power supply "
                   "and cables; remove overclocks; RMA the card if the fault follows it.",
            evidence=evidence(sign, crash))
        return
    if lead is None and err is None:
        return
    if lead is not None:
        title = ("A GPU has fallen off the bus" if lead.signature in (Obs.FALLEN_OFF_BUS, Obs.LSPCI_REV_FF) else
                 ("Uncorrectable NVLink errors" if "nvlink" in lead.text.lower() else
                  "Uncorrected PCIe errors on the GPU's link" if "aer" in lead.text.lower() or "pcie" in
                  lead.text.lower() else "Uncorrectable ECC errors on the GPU") if lead.signature == Obs.ECC_ERROR else
                 ("Row remapping failed on the GPU" if _remapping_failed(lead) else
                  "Page retirement / row remapping is pending on the GPU (needs a reset)")
                 if lead.signature == Obs.SMI_Q_PENDING else
                 "A GPU fault is reported (driver firmware, a diagnostic or a stress test)"
                 if lead.signature == Obs.GPU_FAULT_REPORTED else
                 f"The driver logged Xid {_xid(lead)} (hardware/driver fault)")
        yield ctx.finding(title, certainty=LIKELY, detail=f"{quote(lead)}.",
                          remedy="Drain the node and reset the GPU (`nvidia-smi -r -i N`) or reboot; check "
                                 "`nvidia-smi -q -d ECC,PAGE_RETIREMENT`; if it recurs the GPU needs service.",
                          evidence=evidence(lead))
        return
    yield ctx.finding(
        "nvidia-smi shows ERR! for a GPU", severity="warning", certainty=POSSIBLE, detail=f"{quote(err)}.",
        remedy="Check `dmesg | grep -i xid` and `nvidia-smi -q`; reset the GPU or reboot.", evidence=evidence(err))


_COMPUTE_TYPE_CAPABILITY = {"float16": (7, 0), "int8_float16": (7, 0), "bfloat16": (8, 0), "int8_bfloat16": (8, 0),
                            "int8": (6, 1)}
"""The compute capability CTranslate2 needs before it calls a compute type efficient on a GPU: its
``mayiuse_float16`` asks for FP16 tensor cores (``gpu_has_fp16_tensor_cores``: major ≥ 7), ``mayiuse_int8`` for
``gpu_supports_int8`` (6.1 and later), ``mayiuse_bfloat16`` for major ≥ 8 (OpenNMT/CTranslate2 src/types.cc and
src/cuda/utils.cc; the 2.3.0 release notes: int8_float16 "requires Compute Capability >= 7.0"); a mixed type needs
both of its parts."""


def compute_type_capability(compute_type: Optional[str]) -> Optional[Tuple[int, int]]:
    """The compute capability CTranslate2 needs for a compute type ("float16" → (7, 0)); None for another name."""
    return _COMPUTE_TYPE_CAPABILITY.get(compute_type or "")


def _capability_required(ctx: RuleContext, required: Observation, gpu) -> Iterator[Finding]:
    """A library's own "requires compute capability ≥ X" (or xFormers' "your GPU has capability (7, 5) (too old)")."""
    values = required.values
    have: Optional[Tuple[int, int]]
    needs: Optional[Tuple[int, int]]
    packed = values.get("packed") or ""
    # "requires Ampere or newer": the architecture's lowest compute capability, from the architectures table
    named = (ctx.db.lowest_compute_capability(values["arch_name"]) if values.get("arch_name") else None) or \
        compute_type_capability(values.get("ct2_type"))
    if named:
        values = dict(values, major=str(named[0]), minor=str(named[1]))
    if values.get("sm_list"):  # the lowest architecture the check accepts ("8x": any 8.x)
        lowest = min(80 if sm == "8x" else int(sm) for sm in re.findall(r"is_sm(8x|\d+)", values["sm_list"]))
        values = dict(values, major=str(lowest // 10), minor=str(lowest % 10))
    if values.get("below_major2"):
        values = dict(values, below_major=values["below_major2"], below_minor=values["below_minor2"])
    if packed or values.get("or_major"):
        values = dict(values, major=values.get("or_major") or packed[:-1], minor=values.get("or_minor") or packed[-1:])
    if values.get("have_major"):
        have = (int(values["have_major"]), int(values["have_minor"]))
        needs = None
    elif values.get("feature") or values.get("below_major"):
        have = (gpu.major, gpu.minor) if gpu is not None else None
        needs = (int(values["below_major"]), int(values["below_minor"])) if values.get("below_major") else None
        if have is not None and needs is not None and have >= needs:
            return
    else:
        have = (gpu.major, gpu.minor) if gpu is not None else None
        needs = (int(values["major"]), int(values["minor"])) if values.get("major") else None
        if have is not None and needs is not None and have >= needs:
            return  # this GPU has it: the message has another cause
    yield ctx.finding(
        "The GPU's compute capability is below what the library or model requires"
        + (f" (≥ {needs[0]}.{needs[1]})" if needs else "") + (f"; {gpu_label(ctx)} is {have[0]}.{have[1]}" if have
                                                             else ""),
        severity="warning", certainty=LIKELY if have else POSSIBLE, detail=f"{quote(required)}.",
        remedy="Use the feature's fallback for older GPUs (fp16 instead of bf16, SDPA/eager attention instead of "
               "FlashAttention, no fp8), or run on a GPU with the required compute capability.",
        evidence=evidence(required, first_of(ctx, Obs.GPU_CAPABILITY_STATED)))


@rule("CC822", "observed-capability-missing", "capability_missing", "gpus", symptom=True)
def observed_capability_missing(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows a feature the GPU does not have (bf16, FlashAttention, FP8, Triton).

    What it checks:
        Messages that bfloat16 is not supported / needs compute capability ≥ 8.0 (also cuBLAS's
        CUBLAS_STATUS_NOT_SUPPORTED for a `CUDA_R_16BF` GEMM), Triton's
        "too old to be supported by the triton GPU compiler" (torch.compile needs ≥ 7.0), a
        library's own "requires compute capability ≥ X", "capability 8.9 or higher required",
        vLLM's "Minimum capability: 89. Current capability: 86" (or xFormers' "your GPU has
        capability (7, 5) (too old)"), a library's "SM89 kernel is not available" for a GPU below it,
        "FlashAttention only supports Ampere GPUs or newer" (or, for some head sizes,
        "requires A100/A800 or H100/H800": sm_80/sm_90 only), FP8 needing Ada/Hopper.
    Why it matters:
        The environment is fine, but the model or recipe needs a newer GPU than this one.
    How to fix:
        Use fp16 (or fp32) instead of bf16, disable FlashAttention (use SDPA/eager
        attention), or run on a GPU with the required compute capability.
    """
    lead = first_of(ctx, Obs.BF16_UNSUPPORTED, Obs.FLASH_ATTENTION_ARCH, Obs.FP8_UNSUPPORTED, Obs.TRITON_GPU_TOO_OLD)
    gpu = gpu_arch(ctx)
    if lead is None:
        # a library's "SM89 kernel is not available" names the capability its kernels need (a GPU that has it: CC825)
        required = first_of(ctx, Obs.CAPABILITY_REQUIRED, Obs.ARCH_KERNEL_MISSING)
        if required is not None:
            yield from _capability_required(ctx, required, gpu)
        return
    needed: Dict[str, str] = {Obs.BF16_UNSUPPORTED: "8.0", Obs.FLASH_ATTENTION_ARCH: "8.0", Obs.FP8_UNSUPPORTED: "8.9",
                              Obs.TRITON_GPU_TOO_OLD: lead.values.get("min") or "7.0"}
    needs = needed[lead.signature]
    named = (lead.values.get("gpu") or "").upper()
    if named[:1] in ("A", "H"):
        # "… requires A100/A800 or H100/H800": only sm_80 / sm_90 have the shared memory it needs
        if gpu is not None and (gpu.major, gpu.minor) in ((8, 0), (9, 0)):
            return
        if gpu is not None:
            needs = "8.0 or 9.0 (A100/H100 class)"
    elif gpu is not None and (gpu.major, gpu.minor) >= parts(needs):
        return  # the GPU has the feature: the message has another cause
    features: Dict[str, str] = {Obs.BF16_UNSUPPORTED: "bfloat16", Obs.FLASH_ATTENTION_ARCH: "FlashAttention",
                                Obs.FP8_UNSUPPORTED: "FP8", Obs.TRITON_GPU_TOO_OLD: "Triton (torch.compile)"}
    feature = features[lead.signature]
    yield ctx.finding(
        f"{feature} needs compute capability ≥ {needs}" + (f"; {gpu_label(ctx)} is {gpu.cc}" if gpu else ""),
        severity="warning", certainty=LIKELY, detail=f"{quote(lead)}.",
        evidence=evidence(lead, first_of(ctx, Obs.GPU_CAPABILITY_STATED)),
        remedy={"bfloat16": "Use fp16 (`torch_dtype=torch.float16`) or fp32 on this GPU.",
                "FlashAttention": "Use `attn_implementation=\"sdpa\"` (or eager) instead of flash_attention_2.",
                "FP8": "Use bf16/fp16 on this GPU, or run on Ada/Hopper or newer.",
                "Triton (torch.compile)": "Run without torch.compile (eager mode), or set "
                                          "`torch._dynamo.config.suppress_errors = True`; Triton has no backend for "
                                          "this GPU."}[feature])

