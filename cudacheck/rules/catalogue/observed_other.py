"""Observed errors outside the GPU stack, and what a paste leaves open: platform problems, the
application's own errors, unknowns, nothing recognised (CC824, CC830, CC890, CC891)."""
from __future__ import annotations

import re

from typing import Iterator, Optional, Tuple

from ...lazy_regex import lazy_compile
from ...observations import Obs
from ...report import Finding
from ...snapshot import Observation
from ..context import RuleContext
from ..observations import (LIKELY, NEXT_STEP, POSSIBLE, across_machines, all_of, cuda_unavailable, env_value,
                            evidence, first_of, platform_system, quote)
from ..registry import rule


# --- the platform --------------------------------------------------------------------------------
_LIBRARY_FOUND_FIRST = {Obs.GLIBCXX_MISSING: "lib_path_conflict"}
"""Platform messages that are a library resolved from the wrong place, not configuration."""


@rule("CC824", "observed-platform-problem", "config", "packages", severity="warning", symptom=True)
def observed_platform_problem(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows a platform problem outside the GPU stack (Windows DLLs, NumPy ABI).

    What it checks:
        Windows' "Error loading "…\\torch\\lib\\c10.dll" or one of its dependencies" (a
        missing Visual C++ runtime or a broken install), and "A module that was compiled
        using NumPy 1.x cannot be run in NumPy 2" / "_ARRAY_API not found", the paging
        file, an old libstdc++ found first (`lib_path_conflict`: the loader resolved the
        system's copy instead of the environment's, or the other way round), no NCCL or no libuv in a Windows build, no wheel for the
        platform, an extension build without its tools (MSVC's cl.exe, ninja) or without the
        CUDA toolkit's headers and libraries ("cuda_runtime.h: No such file", "cannot find
        -lcudart"), two OpenMP runtimes in one process ("OMP: Error #15"), ONNX Runtime without its CUDA
        provider (its CPU package installed), Windows without long
        paths (pip cannot unpack torch), and a Jetson whose torch wheel was built for another JetPack release (a
        CUDA library it links is missing).
    Why it matters:
        torch (or an extension) does not import; GPU settings are not involved.
    How to fix:
        Windows: install the latest Microsoft Visual C++ Redistributable (x64) and
        reinstall torch. NumPy: `pip install "numpy<2"` or upgrade the package built
        against NumPy 1.
    """
    dll = first_of(ctx, Obs.WINDOWS_DLL_LOAD)
    numpy = first_of(ctx, Obs.NUMPY_ABI)
    others = {
        Obs.WINDOWS_PAGING_FILE: ("Windows ran out of virtual memory while loading torch's CUDA DLLs",
                                "Increase the paging file (System → Advanced → Performance → Virtual memory), or "
                                "start fewer processes (DataLoader num_workers) at once."),
        Obs.GLIBCXX_MISSING: ("An older libstdc++ is loaded than a library needs",
                            "Use the environment's libstdc++ (`conda install -c conda-forge libstdcxx-ng`) or drop "
                            "old library folders from LD_LIBRARY_PATH."),
        Obs.NCCL_NOT_BUILT: ("This torch has no NCCL (Windows and macOS builds)",
                           "Use the gloo backend (`init_process_group('gloo')`), or run distributed jobs on Linux."),
        Obs.NO_MATCHING_TORCH: ("pip has no torch wheel for this Python version or platform",
                              "Use a Python version the torch release supports (see its release notes), or a newer "
                              "torch; check `python --version` and the platform (32-bit Python has no wheels)."),
        Obs.UNSUPPORTED_HOST_COMPILER: ("nvcc does not support this host compiler (gcc / Visual Studio too new)",
                                        "Build with a compiler the CUDA toolkit supports (`export CC=gcc-12 CXX=g++-12`, "
                                        "or `NVCC_PREPEND_FLAGS='-ccbin /usr/bin/g++-12'`), or use a newer CUDA toolkit."),
        Obs.BUILD_TOOL_MISSING: ("The extension build lacks a tool or the CUDA toolkit's headers and libraries",
                                 "Install what the build needs where it looks: Visual Studio Build Tools with the C++ "
                                 "workload (run from the x64 Native Tools prompt so cl.exe is on PATH), `pip install "
                                 "ninja`, the CUDA toolkit matching torch.version.cuda with CUDA_HOME pointing at it "
                                 "(its include/ and lib64/ hold cuda_runtime.h and libcudart)."),
        Obs.OPENMP_DUPLICATE: ("Two OpenMP runtimes are loaded in one process",
                               "Keep one libiomp5: remove the environment's extra copy (`conda remove intel-openmp` or "
                               "`pip uninstall intel-openmp`, or install torch and numpy from one channel); "
                               "KMP_DUPLICATE_LIB_OK=TRUE only hides it and may give wrong results."),
        Obs.WINDOWS_LONG_PATH: ("Windows long paths are not enabled, so pip cannot unpack torch",
                                "Enable long paths (`New-ItemProperty -Path HKLM:\\SYSTEM\\CurrentControlSet\\Control"
                                "\\FileSystem -Name LongPathsEnabled -Value 1 -PropertyType DWORD -Force` as administrator, "
                                "or the group policy) and reinstall, or use a shorter environment path."),
        Obs.ONNXRUNTIME_NO_CUDA: ("ONNX Runtime has no CUDA provider: its CPU package is the one installed",
                                  "`pip uninstall -y onnxruntime onnxruntime-gpu` and then `pip install onnxruntime-gpu` "
                                  "(the release built for your CUDA major); with both packages installed the CPU one "
                                  "wins. torch's own GPU use is not affected."),
        Obs.LIBUV_MISSING: ("This torch has no libuv (Windows builds), but the distributed store asks for it",
                            "Set `USE_LIBUV=0` in the environment (or `init_method=\"env://?use_libuv=0\"` / "
                            "`TCPStore(..., use_libuv=False)`), or run distributed jobs on Linux."),
    }
    guessed = {Obs.NO_MATCHING_TORCH}  # no wheel for the Python or platform is one reading of several
    asked = _local_version_asked(first_of(ctx, Obs.NO_MATCHING_TORCH))
    if asked is not None and not any("download.pytorch.org" in o.text.lower()
                                     for o in all_of(ctx, Obs.INSTALL_COMMAND)):
        guessed = set()
        others[Obs.NO_MATCHING_TORCH] = (
            f"torch{asked[0]} exists only on the PyTorch index, which this install does not consult",
            f"PyPI has no `+cu…` builds: name the index, `pip install torch{asked[0]} --index-url "
            f"https://download.pytorch.org/whl/{asked[1]}`; in a requirements file an "
            "`--extra-index-url` line; for uv a `[[tool.uv.index]]` with `[tool.uv.sources] torch = { index = … }` "
            "(settings under `[tool.uv.pip]` apply only to `uv pip`, not `uv sync`). Or drop the `+cu…` suffix and "
            "let the index decide the variant.")
    for signature, (title, fix) in others.items():
        hit = first_of(ctx, signature)
        if hit is not None:
            yield ctx.finding(title, certainty=POSSIBLE if signature in guessed else LIKELY,
                              category=_LIBRARY_FOUND_FIRST.get(signature), detail=f"{quote(hit)}.", remedy=fix,
                              evidence=evidence(hit))
    jetson = first_of(ctx, Obs.JETSON)
    missing = first_of(ctx, Obs.CUDA_LIBRARY_MISSING, Obs.CUDNN_CANNOT_LOAD)
    if jetson is not None and missing is not None:
        yield ctx.finding(
            "On a Jetson, torch needs a wheel built for this JetPack release",
            certainty=LIKELY,
            detail=f"{quote(missing)} on {quote(jetson)}. Jetson wheels link the CUDA, cuDNN and other libraries of one "
                   "JetPack release; on another release (or without the system package the wheel links, such as "
                   "cuDSS) they do not load.",
            remedy="Install the torch wheel built for this JetPack release (NVIDIA's Jetson wheels, or the "
                   "jetson-ai-lab index for it), and the system packages it links (`apt install` them from the "
                   "CUDA repository for arm64).",
            evidence=evidence(missing, jetson))
    if dll is not None and "cudnn" not in dll.values.get("dll", "").lower() \
            and not first_of(ctx, Obs.WINDOWS_PAGING_FILE):
        yield ctx.finding(
            f"Windows cannot load {dll.values.get('dll', 'a torch DLL')}", certainty=POSSIBLE,
            detail=f"{quote(dll)}. Usually the Microsoft Visual C++ Redistributable is missing, or the torch install "
                   "is broken (mixed versions).",
            remedy="Install the latest Microsoft Visual C++ Redistributable (x64), then `pip install --force-reinstall "
                   "torch` from the index you used.", evidence=evidence(dll))
    if numpy is not None:
        yield ctx.finding(
            "NumPy 2 is installed, but a module was built for NumPy 1", certainty=LIKELY, detail=f"{quote(numpy)}.",
            remedy='pip install "numpy<2" (or upgrade the package that was built against NumPy 1.x).',
            evidence=evidence(numpy))


def _local_version_asked(hit: Optional[Observation]) -> Optional[Tuple[str, str]]:
    """(``==2.4.0+cu124``, ``cu124``): the CUDA build an install could not find, with the PyTorch index folder that
    serves it (PyPI has no such local versions). None when the request named no such build."""
    if hit is None:
        return None
    spec = next((hit.values.get(k) for k in ("spec", "spec2", "spec3", "spec4") if hit.values.get(k)), None)
    match = re.search(r"\+(cu\d+)", spec) if spec is not None else None
    return (spec, match.group(1)) if spec is not None and match is not None else None


# --- what the environment did not cause ---------------------------------------------------------------
_APPLICATION = {
    Obs.CUDA_OOM: ("CUDA ran out of GPU memory",
                 "The job needs more GPU memory than is free: reduce batch size or sequence length, use mixed "
                 "precision / gradient checkpointing, free other processes on the GPU (`nvidia-smi`)."),
    Obs.VLLM_NO_CACHE_MEMORY: ("vLLM has no GPU memory left for the KV cache after loading the model",
                               "Give vLLM more of the GPU (`gpu_memory_utilization`, 0.9 by default), a shorter "
                               "`max_model_len`, a smaller or quantized model, or more GPUs (tensor parallelism)."),
    Obs.DEVICE_SIDE_ASSERT: ("A device-side assert fired (usually an index or label out of range)",
                           "Rerun with `CUDA_LAUNCH_BLOCKING=1` (or on CPU) to see the failing op; check class "
                           "labels are 0…num_classes-1 and embedding indices are in range."),
    Obs.ILLEGAL_MEMORY_ACCESS: ("A kernel made an illegal memory access",
                              "Usually a bug in the program or a library's kernel: rerun with "
                              "`CUDA_LAUNCH_BLOCKING=1`, update the library, report it upstream."),
    Obs.LAUNCH_FAILURE: ("A kernel failed while running",
                       "Rerun with `CUDA_LAUNCH_BLOCKING=1`; if it recurs on healthy code check `dmesg` for Xid "
                       "errors."),
    Obs.DEVICE_MISMATCH: ("Tensors on different devices", "Move model and inputs to the same device (`.to(device)`)."),
    Obs.DATALOADER_KILLED: ("A DataLoader worker was killed (host out of memory)",
                          "Reduce num_workers or batch size, or raise the container's memory limit."),
    Obs.CUBLAS_STATUS: ("A cuBLAS call failed",
                      "Often out-of-memory in disguise or a shape/dtype problem; rerun with `CUDA_LAUNCH_BLOCKING=1`."),
    Obs.CUDNN_STATUS: ("A cuDNN call failed",
                     "Often out-of-memory in disguise; rerun with `CUDA_LAUNCH_BLOCKING=1` and a smaller batch."),
    Obs.NCCL_ERROR: ("An NCCL collective failed", "Run with `NCCL_DEBUG=INFO` to see the cause."),
}


_LIBRARY_STATUS_HINTS = {
    "NOT_INITIALIZED": " The library could not create its handle: most often the GPU's memory was already full; where "
                       "it fails at the first call with memory free, the driver is older than the CUDA the library "
                       "was built for, or a library of another CUDA version was loaded.",
    "EXECUTION_FAILED": " A kernel of the library failed: most often memory or the program's inputs; where every call "
                        "fails, the build may predate the GPU (an RTX 20 card with a CUDA 9 build).",
}
"""What a cuDNN or cuBLAS status also means beyond the program (the environment causes it has too)."""


@rule("CC830", "application-error", "config", "torch", severity="info", symptom=True)
def application_error(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted error is raised by the program, not caused by the environment.

    What it checks:
        CUDA out of memory, device-side asserts, illegal memory
        accesses and launch failures, tensors on different devices, cuBLAS/cuDNN status
        errors, a DataLoader worker killed by the OOM killer, NCCL errors — and "Torch not
        compiled with CUDA enabled" on a Mac (which has no CUDA).
    Why it matters:
        These errors occur on healthy environments; reinstalling drivers or CUDA does not
        help. Saying so keeps the diagnosis on the program. cuDNN's and cuBLAS's statuses are
        only usually the program's: their finding names the environment causes some also
        have (NOT_INITIALIZED: a driver older than the library; EXECUTION_FAILED: a build
        older than the GPU).
    How to fix:
        Follow the hint for the error kind (smaller batch, CUDA_LAUNCH_BLOCKING=1 to find
        the failing op, a valid device index, …).
    """
    for signature, (title, remedy) in _APPLICATION.items():
        observation = first_of(ctx, signature)
        if observation is None or (signature == Obs.NCCL_ERROR and not _nccl_usage_error(observation)):
            continue
        detail = f"{quote(observation)}."
        if signature == Obs.CUDA_OOM:
            capacity = first_of(ctx, Obs.OOM_CAPACITY)
            if capacity is not None:
                total = capacity.values.get("total") or capacity.values.get("total2")
                alloc = capacity.values.get("alloc")
                detail += f" The GPU has {total} in total" + (f"; the failed allocation asked for {alloc}." if alloc
                                                              else ".")
        status = (observation.values.get("status") or "").upper() \
            if signature in (Obs.CUDNN_STATUS, Obs.CUBLAS_STATUS) else ""
        yield ctx.finding(f"{title} — " + ("usually the program, not the environment" if status else
                                           "not an environment problem"),
                          detail=detail + _LIBRARY_STATUS_HINTS.get(status, ""), remedy=remedy,
                          evidence=evidence(observation))
    if platform_system(ctx) == "darwin" and first_of(ctx, Obs.NOT_COMPILED_WITH_CUDA) and not ctx.gpus:
        yield ctx.finding("macOS has no CUDA: use the `mps` device (Apple GPU) or the CPU",
                          detail=f"{quote(first_of(ctx, Obs.NOT_COMPILED_WITH_CUDA))}.",
                          remedy="device = torch.device('mps' if torch.backends.mps.is_available() else 'cpu')",
                          evidence=["platform.system"])


def _nccl_usage_error(observation: Observation) -> bool:
    """Whether an NCCL error is one NCCL calls a programming error (ncclInvalidUsage, ncclInvalidArgument).

    NCCL's troubleshooting guide: ncclSystemError and ncclUnhandledCudaError mean a call to the system or to CUDA
    failed, ncclRemoteError a peer or the network; only invalid usage and arguments are the program's own.
    """
    return bool(_NCCL_USAGE.search(observation.text))


_NCCL_USAGE = lazy_compile(r"invalid usage|invalid argument|ncclInvalid", re.IGNORECASE)


# --- configuration ---------------------------------------------------------------------------------
_STATED_MISTAKES = {
    Obs.WATCHDOG_TIMEOUT: (
        "A display watchdog stops long kernels on this GPU",
        "The GPU also drives a display, and the OS stops kernels that run longer than a few seconds (Windows TDR, X's "
        "time limit on Linux): run on a GPU without a display (headless, or the integrated graphics for the screen), "
        "shorten each kernel (smaller batches), or raise Windows' TdrDelay "
        "(HKLM\\System\\CurrentControlSet\\Control\\GraphicsDrivers)."),
    Obs.NCCL_SETTING_FIX: (
        "Peer-to-peer transfers between the GPUs fail on this machine",
        "GPU peer-to-peer over PCIe is blocked or broken (IOMMU or PCIe ACS enabled, a virtual machine): disable ACS / "
        "set `iommu=pt` in the BIOS or kernel command line, or keep NCCL_P2P_DISABLE=1 (slower); `nvidia-smi topo -m` "
        "and the CUDA p2pBandwidthLatencyTest show it."),
    Obs.VISIBLE_DEVICES_IGNORED: (
        "CUDA_VISIBLE_DEVICES is set where CUDA does not read it",
        "CUDA reads CUDA_VISIBLE_DEVICES once, when it initialises: export it before Python starts "
        "(`CUDA_VISIBLE_DEVICES=1 python train.py`) or set os.environ before the first `import torch` that touches "
        "CUDA; a variable set on its own line in a shell script must be exported (`export CUDA_VISIBLE_DEVICES=1`); "
        "the deepspeed launcher sets it itself (`deepspeed --include localhost:4,5 …`); with mixed GPUs also "
        "`CUDA_DEVICE_ORDER=PCI_BUS_ID` so the numbers match nvidia-smi's."),
    Obs.GPU_CHOICE_IGNORED: (
        "The job runs on the first GPU, not on the one its settings choose",
        "A device index in a program's settings reaches CUDA only where the program passes it on: check that the "
        "option is read (print `torch.cuda.current_device()` and the tensors' `.device`), or choose the GPU from "
        "outside with `CUDA_VISIBLE_DEVICES=5 python …` (exported before Python starts; inside, that GPU is "
        "`cuda:0`)."),
    Obs.DEVICE_COUNT_DISAGREES: (
        "torch counts more GPUs than CUDA lets it use",
        "torch counts the GPUs through NVML and CUDA_VISIBLE_DEVICES, CUDA itself may see fewer: with MIG enabled "
        "(nvidia-smi's MIG M. column says Enabled) a process gets at most one MIG instance, so set CUDA_VISIBLE_DEVICES "
        "to one MIG UUID (`nvidia-smi -L`) or disable MIG (`sudo nvidia-smi -mig 0`); otherwise set "
        "CUDA_VISIBLE_DEVICES before Python starts, not after torch was imported."),
    Obs.DOCKER_GPUS_SYNTAX: (
        "docker's --gpus value is written without its inner quotes",
        "Quote the device list twice so the comma stays inside the value: `docker run --gpus '\"device=0,1\"' …` "
        "(compose: `device_ids: ['0', '1']`)."),
    Obs.NCCL_NETWORK_FIX: (
        "NCCL picked a network the ranks cannot reach each other over",
        "Name the interface that connects the machines for NCCL and Gloo (`ip -br addr`): `export "
        "NCCL_SOCKET_IFNAME=<if> GLOO_SOCKET_IFNAME=<if>`; without a working InfiniBand fabric also `NCCL_IB_DISABLE=1`. "
        "`NCCL_DEBUG=INFO` prints the interface NCCL chose."),
    Obs.COMPOSE_TOO_OLD: (
        "This docker-compose is older than GPU device reservations (1.28)",
        "`deploy.resources.reservations.devices` came with docker-compose 1.28: update it (or use the `docker compose` "
        "plugin), or with an old one set `runtime: nvidia` and `NVIDIA_VISIBLE_DEVICES=all` on the service."),
    Obs.DOCKER_GPUS_FLAG_UNKNOWN: (
        "This docker client is older than the --gpus option",
        "`--gpus` came with Docker 19.03 and is parsed by the client (`docker version` shows Client and Server "
        "separately): update the docker CLI package (docker-ce-cli) to the daemon's version, or with an older Docker "
        "use the nvidia runtime: `docker run --runtime=nvidia -e NVIDIA_VISIBLE_DEVICES=all …`."),
    Obs.DOCKER_CDI_DISABLED: (
        "Docker's daemon does not have CDI enabled, so it cannot hand out nvidia.com/gpu devices",
        "Enable CDI in /etc/docker/daemon.json (`\"features\": {\"cdi\": true}`, see dockerd's \"Configure CDI "
        "devices\") and restart Docker, with a CDI spec generated (`sudo nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml`); "
        "or request the GPU with `--gpus all` through the nvidia runtime instead."),
    Obs.CONTAINER_CGROUP_DEVICES: (
        "The NVIDIA container runtime cannot set up the container's device cgroup",
        "Rootless Docker or Podman may not write device cgroups: set `no-cgroups = true` under [nvidia-container-cli] "
        "in /etc/nvidia-container-runtime/config.toml (or use CDI: `sudo nvidia-ctk cdi generate --output=/etc/cdi/"
        "nvidia.yaml`, then `--device nvidia.com/gpu=all`). \"cgroup subsystem devices not found\" on a cgroup v2 host "
        "is libnvidia-container older than 1.8, which knows only cgroup v1: update the NVIDIA Container Toolkit."),
    Obs.LIGHTNING_GPU_UNUSED: (
        "Lightning sees the GPU, but the Trainer was not asked to use it",
        "Pass the accelerator to the Trainer: `Trainer(accelerator=\"gpu\", devices=1)` (or `\"auto\"`); in a script, "
        "its own --gpus/--device option may default to none."),
    Obs.IMAGE_PLATFORM_MISMATCH: (
        "The image or program is built for another CPU architecture than this host",
        "Use an image built for the host's platform (on a Jetson NVIDIA's L4T images — `nvcr.io/nvidia/l4t-…` or "
        "jetson-containers — matching its JetPack; on Grace or other arm64 servers an `arm64`/`aarch64` tag): "
        "`docker manifest inspect <image>` lists the platforms an image has; or build the image on this host. (An "
        "\"exec format error\" from a script that lacks its `#!` line is the other cause.)"),
    Obs.LIBCUDA_LINK_MISSING: (
        "The linker cannot find libcuda (-lcuda) while building",
        "Linking needs the unversioned libcuda.so, which a driver install need not provide and LD_LIBRARY_PATH does "
        "not reach (the linker reads LIBRARY_PATH): link against the toolkit's stub, `export "
        "LIBRARY_PATH=/usr/local/cuda/lib64/stubs:$LIBRARY_PATH` (conda: `$CONDA_PREFIX/lib/stubs`), or the driver's "
        "library folder (`ldconfig -p | grep libcuda`); the driver itself is not at fault."),
    Obs.DUPLICATE_GPU: (
        "Two ranks run on the same GPU",
        "Give every rank its own GPU before creating the process group: `torch.cuda.set_device(local_rank)` "
        "(LOCAL_RANK from torchrun), or one GPU per task from the launcher; check that CUDA_VISIBLE_DEVICES is not the "
        "same single GPU for every rank."),
}
"""Mistakes a single recognised message or statement names, with the title and the fix (CC826)."""


@rule("CC826", "observed-configuration-mistake", "config", "packages", severity="warning", symptom=True)
def observed_configuration_mistake(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows a setting that is wrong, not a broken install.

    What it checks:
        CUDA_HOME written like PATH (`/usr/local/cuda:/usr/local/cuda-11.8`: nvcc is looked
        up at a path with a colon), nvcc missing where the build looks for it, a
        TORCH_CUDA_ARCH_LIST entry this torch does not know ("Unknown CUDA arch (9.0+PTX)"),
        PYTORCH_CUDA_ALLOC_CONF options torch does not know or set after CUDA started, GPUs
        in Exclusive-Process mode that the program's own processes fight over, "invalid
        device ordinal" (a device index the process does not have, such as a hard-coded
        `cuda:1` on a one-GPU machine, or one beyond the GPUs CUDA_VISIBLE_DEVICES leaves:
        they are renumbered from 0), a Slurm job
        that binds one GPU per task while the code picks the device by local rank ("invalid
        device ordinal", or a traceback through `set_device(local_rank)`), CUDA's GPU
        numbering differing from nvidia-smi's (two listings that pair an index with
        different GPUs, or the report saying so: CUDA_DEVICE_ORDER), NCCL's "Duplicate
        GPU detected" (two ranks on one GPU; also its "invalid usage" where the report says
        there is only one GPU), the linker's "cannot find -lcuda" while building (a link path:
        the toolkit's stub or the driver's folder, not a missing driver), docker's "requested
        image's platform (linux/amd64) does not match the detected host platform" and "exec
        format error" (an image or program for another CPU architecture: an amd64 image on a
        Jetson; possible alone), the display watchdog stopping long kernels ("the launch timed
        out and was terminated", Windows TDR), a report that
        CUDA_VISIBLE_DEVICES is ignored (or the job stays on the first GPU where a setting
        chose another), MIG enabled without instances ("No MIG devices
        found"), torch's "device >= 0 && device < num_gpus" assertion (it counted more GPUs
        than CUDA lets it use: MIG, or CUDA_VISIBLE_DEVICES changed late), Docker's `could not select
        device driver "cdi"` (a CDI device asked of a daemon without CDI enabled), docker's "unknown flag: --gpus" (a
        docker client older than 19.03, whatever the daemon's version), docker-compose before 1.28 with a
        GPU device reservation it ignores or rejects, a report that NCCL_SOCKET_IFNAME or NCCL_IB_DISABLE fixes
        it (the network NCCL picked), docker's "cannot set
        both Count and DeviceIDs" (a --gpus list without
        its inner quotes), NCCL without a network interface, torch.distributed's MASTER_ADDR/RANK not
        set or its port already in use, a report that NCCL_P2P_DISABLE or turning off IOMMU/ACS fixes it, and a job
        whose Python environment was never activated (Lmod, conda activate) so torch is not
        found; an extension whose setup.py imports torch inside pip's isolated build
        environment ("Getting requirements to build wheel", pip-build-env: no torch there,
        `--no-build-isolation`); a program linked against libtorch that the loader starts without
        finding libtorch's libraries ("error while loading shared libraries: libtorch_cuda.so");
        vLLM's "No available memory for the cache blocks" with a `gpu_memory_utilization`
        below one half (the share it may use, mistaken for a saving) — without one, CC830 says
        the model does not fit; the NVIDIA container runtime refused the device cgroup
        (rootless Docker: `no-cgroups`; cgroup v2 before libnvidia-container 1.8); NCCL's
        socket that the interface it picked cannot open ("Socket creation failed : Address
        family not supported"). Possible: a process that timed out reaching the rendezvous
        (MASTER_ADDR:MASTER_PORT unreachable, or rank 0 crashed first), and NCCL's system or
        remote error in a job across machines (--nnodes 2, a hostfile, "multi-node"): the
        network interface between them (NCCL_SOCKET_IFNAME).
    Why it matters:
        The driver, GPU and torch are fine; the job fails because of how it is configured.
    How to fix:
        The remedy names the setting: a single folder in CUDA_HOME, a TORCH_CUDA_ARCH_LIST
        the installed torch knows, the allocator options of this torch release exported
        before Python starts, the compute mode or one process per GPU, `--gpus-per-node`
        (or `torch.cuda.set_device(0)` per task), the environment activated in the job
        script; a variable set under a misspelt name (`CUDA_VISIBLE=0`,
        `CUDA_VISIBLE_DEVICE`, `LD_LIBARY_PATH`), which nothing reads.
    """
    slurm = first_of(ctx, Obs.SLURM)
    ordinal = first_of(ctx, Obs.INVALID_DEVICE_ORDINAL)
    busy = first_of(ctx, Obs.DEVICES_UNAVAILABLE)
    exclusive = first_of(ctx, Obs.EXCLUSIVE_PROCESS)
    cuda_home = env_value(ctx, "CUDA_HOME")
    listed = first_of(ctx, Obs.CUDA_HOME_LIST)
    if listed is None and cuda_home and re.search(r"(?<!^[A-Za-z]):", cuda_home):  # not a Windows drive letter
        listed = next((o for o in all_of(ctx, Obs.ENVIRONMENT) if o.values.get("name") == "CUDA_HOME"), None)
    mistakes = []
    if listed is not None:
        mistakes.append((listed, "CUDA_HOME holds a list of folders", "CUDA_HOME names one folder, not a PATH-style "
                         "list: `export CUDA_HOME=/usr/local/cuda` (remove the `$CUDA_HOME:` part in ~/.bashrc)."))
    missing = first_of(ctx, Obs.NVCC_MISSING)
    if missing is not None and listed is None:
        mistakes.append((missing, "nvcc is not where the build looks for it",
                         "Point CUDA_HOME at the toolkit that has bin/nvcc (`export CUDA_HOME=/usr/local/cuda-X.Y`, "
                         "`export PATH=$CUDA_HOME/bin:$PATH`); `sudo` resets PATH, so build without sudo or pass the "
                         "variables (`sudo -E env PATH=$PATH …`)."))
    arch = first_of(ctx, Obs.ARCH_LIST_INVALID)
    if arch is not None:
        mistakes.append((arch, f"TORCH_CUDA_ARCH_LIST names {arch.values.get('arch') or 'an arch'} this torch does not "
                         "know", "Set TORCH_CUDA_ARCH_LIST to compute capabilities this torch release and the local "
                         "nvcc know (e.g. `export TORCH_CUDA_ARCH_LIST=\"8.0;8.6\"`), or unset it to build for the "
                         "visible GPUs."))
    allocator = first_of(ctx, Obs.ALLOCATOR_CONFIG)
    if allocator is not None:
        mistakes.append((allocator, "PYTORCH_CUDA_ALLOC_CONF is not valid for this torch (or set too late)",
                         "Use only options this torch release knows (`expandable_segments` needs torch ≥ 2.1), and "
                         "export the variable before Python starts instead of setting os.environ after `import "
                         "torch`."))
    if busy is not None and exclusive is not None:
        mistakes.append((busy, "The GPUs are in Exclusive-Process mode and another process already holds them",
                         "Create the CUDA context only in the process that uses the GPU (not in the parent before "
                         "spawning workers), one process per GPU; or `sudo nvidia-smi -c DEFAULT`."))
    mask = ctx.snapshot.container.cuda_visible_devices
    requested = first_of(ctx, Obs.DEVICE_REQUESTED)
    if ordinal is not None and requested is not None and mask is not None and mask.kind == "indices" and \
            mask.indices and int(requested.values.get("index", "0")) >= len(mask.indices):
        count = len(mask.indices)
        mistakes.append((ordinal, f"CUDA_VISIBLE_DEVICES={mask.raw} leaves {count} GPU(s), numbered from 0; the "
                         f"program asks for GPU {requested.values.get('index')}",
                         "Inside the process the visible GPUs are renumbered 0…N-1: use `cuda:0` (or `--gpu 0`) with "
                         f"CUDA_VISIBLE_DEVICES={mask.raw}, or leave CUDA_VISIBLE_DEVICES unset and pick the index."))
    elif ordinal is not None and requested is None and mask is not None and mask.kind == "indices" and mask.indices:
        count = len(mask.indices)
        mistakes.append((ordinal, f"CUDA_VISIBLE_DEVICES={mask.raw} leaves {count} GPU(s), numbered 0–{count - 1}; the "
                         "program asks for another index",
                         "Inside the process the visible GPUs are renumbered 0…N-1: start no more processes than "
                         f"visible GPUs (torchrun --nproc_per_node={count}, the launcher's GPU count) and index them "
                         "from 0, or widen CUDA_VISIBLE_DEVICES."))
    by_rank = ordinal or first_of(ctx, Obs.DEVICE_BY_RANK)
    if by_rank is not None and slurm is not None and slurm.values.get("gpus_per_task") == "yes":
        mistakes.append((by_rank, "Slurm gives each task one GPU, but the code selects the GPU by its local rank",
                         "Request the GPUs per node (`--gpus-per-node=N`, `--ntasks-per-node=N`) so every task sees "
                         "all of them, or use `torch.cuda.set_device(0)` in each task (its only visible GPU)."))
    order = first_of(ctx, Obs.DEVICE_ORDER_DIFFERS)
    if order is not None:
        mistakes.append((order, "CUDA numbers the GPUs differently from nvidia-smi" + (
                         f" (CUDA's GPU 0 is the {order.values['cuda_0']}, nvidia-smi's the {order.values['smi_0']})"
                         if order.values.get("cuda_0") else ""),
                         "CUDA orders GPUs fastest first, nvidia-smi and NVML-based tools by PCI bus: `export "
                         "CUDA_DEVICE_ORDER=PCI_BUS_ID` before the program starts (also before CUDA_VISIBLE_DEVICES is "
                         "read) so both use the same numbers."))
    hang = first_of(ctx, Obs.MULTI_GPU_HANG_STATED)
    ada = [g for g in ctx.gpus if g.arch is not None and (g.arch.major, g.arch.minor) == (8, 9)
           and "geforce" in (g.facts.name or "").lower()]
    if hang is not None and ada:
        mistakes.append((hang, f"Multi-GPU jobs hang on {ada[0].facts.name}: GeForce RTX 40-series cards have no GPU "
                         "peer-to-peer, and NCCL waits on it",
                         "Export NCCL_P2P_DISABLE=1 (NCCL then goes through host memory), or update the driver (newer "
                         "drivers report no P2P for these cards, and NCCL stops trying); `nvidia-smi topo -p2p r` shows "
                         "what the driver says."))
    setting = first_of(ctx, Obs.JOB_SETTING_MISSING)
    if setting is not None:
        lowered = setting.text.lower()
        mistakes.append((setting, "MIG is enabled but no MIG instance exists" if "mig" in lowered else
                         "NCCL finds no network interface to use" if "interface" in lowered or "socket" in lowered
                         else
                         f"The rendezvous port {setting.values.get('port')} is already in use" if setting.values.get(
                             "port") else
                         f"torch.distributed needs {setting.values.get('variable', 'its rendezvous variables')}, "
                         "which is not set",
                         "Create GPU and compute instances (`sudo nvidia-smi mig -cgi 9,9 -C`) and select one by its "
                         "MIG UUID in CUDA_VISIBLE_DEVICES, or disable MIG (`sudo nvidia-smi -mig 0`, then reset)."
                         if "mig" in lowered else
                         "Name the interface the nodes reach each other on: `export NCCL_SOCKET_IFNAME=eth0` (see "
                         "`ip addr`; exclude docker0/lo), and the same for GLOO_SOCKET_IFNAME; in a container, "
                         "--network=host gives NCCL the host's interfaces."
                         if "interface" in lowered or "socket" in lowered else
                         "Another job (or a stale process of this one) holds the port: pick a free MASTER_PORT "
                         "(`torchrun --master_port 29501 …`, or `--rdzv-endpoint localhost:0` for one node), or end the "
                         "old process (`ss -ltnp | grep 29500`)." if setting.values.get("port") else
                         "Start the job with torchrun (it sets MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, "
                         "LOCAL_RANK), or export them in every process before init_process_group."))
    misspelt = first_of(ctx, Obs.ENV_NAME_MISSPELT)
    if misspelt is not None:
        name, wanted = misspelt.values.get("name"), misspelt.values.get("meant")
        mistakes.append((misspelt, f"{name} is not a variable CUDA, torch or the loader reads: {wanted} is meant",
                         f"Set {wanted} (`{wanted}=…`): CUDA, the container runtime, torch and the loader ignore "
                         f"{name}."))
    for signature, (title, fix) in _STATED_MISTAKES.items():
        hit = first_of(ctx, signature)
        if hit is not None:
            mistakes.append((hit, title, fix))
    activation = first_of(ctx, Obs.ENVIRONMENT_NOT_ACTIVATED)
    if activation is not None and first_of(ctx, Obs.TORCH_NOT_INSTALLED) is not None:
        mistakes.append((activation, "The job's Python environment was not activated, so torch is not found",
                         "Fix the activation in the job script (load the module it depends on first, `source "
                         "<conda>/etc/profile.d/conda.sh` before `conda activate`), or call the environment's python "
                         "by its full path."))
    isolated, absent = first_of(ctx, Obs.ISOLATED_BUILD), first_of(ctx, Obs.TORCH_NOT_INSTALLED)
    if isolated is not None and absent is not None:
        mistakes.append((absent,
                         "pip builds the package in an isolated environment that has no torch",
                         "Install torch first, then the package with `pip install --no-build-isolation <package>` (uv: "
                         "`--no-build-isolation`): its setup.py imports torch, and pip's build environment holds only "
                         "the package's declared build requirements."))
    linked = next((o for o in all_of(ctx, Obs.TORCH_LIBRARY_MISSING) if o.values.get("loader")), None)
    if linked is not None:
        mistakes.append((linked, f"A program linked against libtorch cannot find {linked.values.get('lib')}: "
                         "libtorch's lib folder is not on the loader's path",
                         "Add libtorch's lib folder to the loader's path where the program starts (`export "
                         "LD_LIBRARY_PATH=/path/to/libtorch/lib:$LD_LIBRARY_PATH`: the folder holding the .so files, "
                         "not libtorch's root), or link with an rpath to it."))
    share = first_of(ctx, Obs.VLLM_MEMORY_SHARE)
    fraction = float(share.values["share"]) if share is not None else None
    cache_short = first_of(ctx, Obs.VLLM_NO_CACHE_MEMORY) is not None
    if share is not None and fraction is not None and fraction < 0.5 and cache_short:
        mistakes.append((share, f"vLLM is told to use only {fraction:.0%} of the GPU's memory: too little to load the "
                         "model and its KV cache", "`gpu_memory_utilization` is the share of the GPU's memory vLLM may "
                         "use, not a saving: raise it (0.9 by default), or lower `max_model_len`."))
    if ordinal is not None:  # a device index the machine does not have: cuda:1 written for a two-GPU machine
        counted = first_of(ctx, Obs.CUDA_DEVICE_COUNT)
        visible = counted.values.get("count") if counted else (str(len(ctx.gpus)) if ctx.gpus else None)
        mistakes.append((ordinal, "The program asks for a GPU index this process does not have" + (
                         f" ({visible} GPU(s) visible, numbered 0–{int(visible) - 1})"
                         if visible and visible.isdigit() and int(visible) else ""),
                         "Use an index below torch.cuda.device_count() (`cuda:0` on a one-GPU machine): look for a "
                         "hard-coded `cuda:1`, `--gpu_ids`, `device_ids=[…]` or a config file's GPU list, or make the "
                         "GPU visible (CUDA_VISIBLE_DEVICES)."))
    for hit, title, fix in mistakes[:1]:
        # a bare "exec format error" may also be a script without its #! line: docker's platform warning is sure
        guessed = hit.signature == Obs.IMAGE_PLATFORM_MISMATCH and not hit.values.get("image")
        yield ctx.finding(title, certainty=POSSIBLE if guessed else LIKELY, detail=f"{quote(hit)}.", remedy=fix,
                          evidence=evidence(hit))
    if not mistakes:
        yield from _between_machines(ctx)


def _between_machines(ctx: RuleContext) -> Iterator[Finding]:
    """The connections between a job's processes: the rendezvous nobody reached, or NCCL's system or remote error in
    a job across machines (most often the network NCCL picked between them). Both are possible: a process that
    crashed first leaves the others waiting the same way."""
    timeout = first_of(ctx, Obs.RENDEZVOUS_TIMEOUT)
    if timeout is not None:
        where = (f"{timeout.values['host']}:{timeout.values['port']}" if timeout.values.get("host") else
                 "MASTER_ADDR:MASTER_PORT")
        yield ctx.finding(
            f"A process could not reach the job's rendezvous at {where}", certainty=POSSIBLE,
            detail=f"{quote(timeout)}. Every process connects to the rendezvous of rank 0; this one waited and gave "
                   "up.",
            remedy="Check that MASTER_ADDR is an address of the rank-0 machine the others can reach (not localhost on "
                   "a multi-node job), that MASTER_PORT is open in its firewall (`nc -zv <addr> <port>` from another "
                   "node), and that rank 0 started and did not crash first (read its log).",
            evidence=evidence(timeout))
        return
    failure = first_of(ctx, Obs.NCCL_REMOTE_ERROR) or first_of(ctx, Obs.NCCL_SYSTEM_ERROR)
    nodes = across_machines(ctx)
    if failure is None or nodes is None:
        return
    chosen = env_value(ctx, "NCCL_SOCKET_IFNAME")
    yield ctx.finding(
        "NCCL failed between the machines of a multi-node job: most often the network interface it uses",
        certainty=POSSIBLE,
        detail=f"{quote(failure)}; the job spans machines ({quote(nodes)})." + (
            f" NCCL_SOCKET_IFNAME={chosen} is set: that interface must exist and reach the other nodes on every "
            "machine." if chosen else ""),
        remedy="Run once with NCCL_DEBUG=INFO and read which interface NCCL uses (\"NET/Socket : Using …\"); set "
               "NCCL_SOCKET_IFNAME (and GLOO_SOCKET_IFNAME) to the interface the nodes reach each other on (`ip addr`; "
               "not lo or docker0), start containers with --network=host, and check the firewall between the nodes. "
               "A peer that crashed first (out of memory) gives the same error on the others: read every node's log.",
        evidence=evidence(failure, nodes))


# --- what the paste did not tell ------------------------------------------------------------------------
@rule("CC890", "triage-unknowns", "config", "driver", severity="info")
def triage_unknowns(ctx: RuleContext) -> Iterator[Finding]:
    """What a pasted report did not tell, and the command that would.

    What it checks:
        For a pasted report: whether the driver version, the GPU model, the torch build
        (version and CUDA) and the container setup were visible; whether the input was
        cut because of its size; whether CUDA was reported unavailable without a visible
        cause.
    Why it matters:
        A diagnosis from a paste is only as good as what was pasted; naming the missing
        facts tells the reporter exactly what to add.
    How to fix:
        Run `cudacheck doctor --format markdown` on the affected machine and paste the
        output (or `python -m torch.utils.collect_env` and `nvidia-smi`).
    """
    snapshot = ctx.snapshot
    if snapshot.source != "pasted" or first_of(ctx, Obs.NOTHING_RECOGNISED):
        return
    unknown = []
    if not (snapshot.nvml.driver_version or ctx.driver_cuda) and snapshot.nvml.status is None:
        unknown.append("the NVIDIA driver version")
    if not snapshot.nvml.gpus:
        unknown.append("the GPU model")
    if not snapshot.torch.version:
        version = first_of(ctx, Obs.TORCH_VERSION)
        unknown.append(f"whether torch {version.values.get('version')} is a CUDA build (and which CUDA)"
                       if version else "the torch version and its CUDA build")
    truncated = first_of(ctx, Obs.INPUT_TRUNCATED)
    unavailable = cuda_unavailable(ctx)
    if not unknown and truncated is None and unavailable is None:
        return
    parts = []
    if unknown:
        parts.append("Not visible in the paste: " + "; ".join(unknown) + ".")
    short = {"the NVIDIA driver version": "driver version", "the GPU model": "GPU model"}
    missing = [short.get(u, "torch build") for u in unknown]
    if unavailable is not None:
        parts.append(f"CUDA is reported unavailable ({quote(unavailable)}); check the findings above for the cause.")
    if truncated is not None:
        parts.append(f"The input ({truncated.values.get('size')}) was too large; only its first and last 2 MiB "
                     "were read.")
    title = (f"Not in the paste: {', '.join(missing)} — run `cudacheck doctor --format markdown` on the machine"
             if missing else "Some facts could not be told from the pasted text")
    yield ctx.finding(title, detail=" ".join(parts),
                      remedy=NEXT_STEP + " (Or `python -m torch.utils.collect_env` and `nvidia-smi`.)",
                      evidence=["snapshot.source"])


@rule("CC891", "triage-nothing-recognised", "config", "driver", severity="info")
def triage_nothing_recognised(ctx: RuleContext) -> Iterator[Finding]:
    """Nothing in the pasted text was recognised.

    What it checks:
        The paste held no collect_env, nvidia-smi, package list, docker command, Python
        session or known error message (or was empty).
    Why it matters:
        No diagnosis is possible; the report says so instead of "no issues found".
    How to fix:
        Paste the full error output together with `cudacheck doctor --format markdown`
        (or `python -m torch.utils.collect_env` and `nvidia-smi`) from the affected machine.
    """
    nothing = first_of(ctx, Obs.NOTHING_RECOGNISED)
    if nothing is None:
        return
    empty = nothing.values.get("empty") == "yes"
    yield ctx.finding(
        "The pasted text is empty" if empty else "Nothing in the pasted text was recognised",
        detail="" if empty else f"{nothing.values.get('lines', '?')} line(s) read; none holds a known tool output "
                                "or error message.",
        remedy=NEXT_STEP + " Include the complete error message.", evidence=["observations"])
