"""Observations: what a pasted report (or a deep child's output) shows besides facts, and the
helpers the rules that read them share.

Observations are named by :class:`cudacheck.observations.Obs` (one vocabulary for triage and
rules). Fact rules read them as evidence: a message that states a fact has already set it
("found version 11040" → the driver's CUDA is 11.4), and the fact rule quotes the line.
The observation rules CC8xx (``cudacheck/rules/catalogue/observed_*.py``) report what facts
cannot express; they are *symptom* rules: when a fact rule names a cause of the same
category, the engine folds the observation into that finding instead of reporting it
twice. Alone, an observation is reported with the certainty a single line deserves:
``likely`` when the message states the cause itself ("The NVIDIA driver on your system is
too old"), ``possible`` when it only points at it ("no space left on device" in a
container).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from ..compat.archs import Arch, parse_arch
from ..compat.gpu_names import VGPU_PROFILE
from ..compat.judgements import driver_requirement, release_coverage
from ..compat.tables import TorchRelease
from ..observations import Obs, observation
from ..snapshot import Observation, VisibleDevices
from ..versions import major_minor, official_torch
from .context import RuleContext, quotation
from ..lazy_regex import lazy_compile

LIKELY = "likely"
POSSIBLE = "possible"
NEXT_STEP = "Run `cudacheck doctor --format markdown` on the affected machine and paste the output."


# --- observation helpers ---------------------------------------------------------------------
def signature_index(ctx: RuleContext) -> Dict[str, List[Observation]]:
    """The observations grouped by name, built once per context and cached on it."""
    cached = getattr(ctx, "_observation_index", None)
    if cached is None:
        cached = {}
        for observation in ctx.snapshot.observations:
            cached.setdefault(str(observation.signature), []).append(observation)
        setattr(ctx, "_observation_index", cached)
    return cached


def _checked(names: "tuple[Obs, ...]") -> "tuple[Obs, ...]":
    for name in names:
        if not isinstance(name, Obs):
            raise TypeError(f"observations are named by Obs members, not {name!r}")
    return names


def all_of(ctx: RuleContext, *names: Obs) -> List[Observation]:
    """Every observation of the given kinds, kind by kind in the order given."""
    index = signature_index(ctx)
    found: List[Observation] = []
    for name in _checked(names):
        found.extend(index.get(name.value, ()))
    return found


def first_of(ctx: RuleContext, *names: Obs) -> Optional[Observation]:
    """The first observation of the first given kind that was observed, or None."""
    index = signature_index(ctx)
    for name in _checked(names):
        if index.get(name.value):
            return index[name.value][0]
    return None


def observation_category(name: str) -> Optional[str]:
    """The category an observation's name points to (None for a name this version does not know)."""
    try:
        return observation(name).category
    except ValueError:
        return None


def quote(observation: Optional[Observation]) -> str:
    """The observation as a quotation with its line number (text shortened past 200 characters)."""
    if observation is None:
        return ""
    where = f"line {observation.line}: " if observation.line else ""
    return where + quotation(observation.text)


def evidence(*observations: Optional[Observation]) -> List[str]:
    """Evidence keys (``observations.<name>``) for the observations given; None is skipped."""
    return [f"observations.{o.signature}" for o in observations if o is not None]


def wheel_text(ctx: RuleContext) -> str:
    """The newest official wheel for this driver and GPU; without a known driver, the newest
    mainstream wheel for the GPU with the driver it needs."""
    fallback = "Run `cudacheck compat plan --driver <version from nvidia-smi>` to list the wheels that fit."
    if ctx.driver_cuda or ctx.driver_version:
        return ctx.best_wheel_text()
    candidates = ctx.wheels_for_machine()
    if not candidates:
        return fallback
    defaults = {}
    for release in ctx.db.torch_releases_newest_first():
        defaults[release.latest] = release.pypi_default
    best = next((c for c in candidates if defaults.get(c.torch) == c.tag), candidates[0])
    needed = driver_needed(ctx, best.cuda)
    gpu = f" for {gpu_label(ctx)}" if ctx.gpus else ""
    return (f"Newest official wheel{gpu}:\n  {best.install}\n"
            f"It needs an NVIDIA driver {needed or 'supporting CUDA ' + best.cuda}; with an older driver: "
            "`cudacheck compat plan --driver <version from nvidia-smi>`.")


def docker_run(ctx: RuleContext) -> Optional[Observation]:
    """The pasted ``docker run`` command, or None."""
    return first_of(ctx, Obs.DOCKER_RUN)


def container_gpu_access(ctx: RuleContext) -> Optional[bool]:
    """Whether the pasted container start grants GPUs (None when no start command was pasted, or it passes only
    the /dev/nvidia* nodes: they work only with driver libraries the image brings itself)."""
    if first_of(ctx, Obs.COMPOSE_GPU):
        return True
    marker = next((o for o in all_of(ctx, Obs.CONTAINER_MARKER) if o.values.get("gpu_access")), None)
    if marker is not None:
        return marker.values.get("gpu_access") == "yes"
    run = docker_run(ctx)
    if run is None or run.values.get("gpu_access") == "devices":
        return None
    return run.values.get("gpu_access") == "yes"


def container_devices_only(ctx: RuleContext) -> bool:
    """Whether the pasted container start passes only the /dev/nvidia* nodes, without the NVIDIA runtime."""
    run = docker_run(ctx)
    return run is not None and run.values.get("gpu_access") == "devices"


def container_without_gpu_runtime(ctx: RuleContext, kind: str) -> bool:
    """Whether a container (``kind`` "container") or pod ("kubernetes") is known to run without the NVIDIA runtime's
    driver libraries: started without GPU access, given only the device nodes, a pod (whose driver libraries come
    only with the device plugin's runtime), an LXC or Apptainer container."""
    return container_gpu_access(ctx) is False or container_devices_only(ctx) or kind == "kubernetes" or \
        ctx.snapshot.container.runtime in ("lxc", "apptainer")


def system32_cuda_dll(ctx: RuleContext) -> Optional[Observation]:
    """A report's CUDA or cuDNN DLL in Windows' System32 (or SysWOW64) folder: a copy there can stand in for the one
    torch brings, so a DLL that then fails to load is that copy's problem (CC811), not a missing cuDNN (CC808)."""
    return next((o for o in all_of(ctx, Obs.LIBRARY_SHADOWING_STATED) if o.values.get("kind") == "System32"), None)


def wsl_libcuda_shadowed(ctx: RuleContext) -> Optional[Observation]:
    """CUDA's "no CUDA-capable device" (100) in WSL where nvidia-smi sees the GPU (its table, unless Windows printed
    it, or the report saying it works there): the Windows driver passes the GPU through, and the libcuda that
    answers is not WSL's (a Linux driver or a toolkit's libcuda installed inside WSL, found before
    /usr/lib/wsl/lib). The observation, or None."""
    situation = gpu_situation(ctx)
    if situation is None or situation.kind != "wsl":
        return None
    table = ctx.snapshot.nvml.status == "ok" and first_of(ctx, Obs.SMI_WINDOWS_TABLE) is None
    sees = table or first_of(ctx, Obs.SMI_WORKS_STATED) is not None
    return first_of(ctx, Obs.NO_CUDA_DEVICE) if sees else None


def cuda_unavailable(ctx: RuleContext) -> Optional[Observation]:
    """The observation saying CUDA is unavailable (is_available() False, no devices, the message, the report
    saying the GPU is not used — unless torch in the same paste answers that CUDA is available; cpp_extension's
    "No CUDA runtime is found" only outside a build)."""
    return next((o for o in all_of(ctx, Obs.CUDA_AVAILABLE) if o.values.get("value") == "false"), None) or \
        next((o for o in all_of(ctx, Obs.CUDA_DEVICE_COUNT) if o.values.get("count") == "0"), None) or \
        first_of(ctx, Obs.CUDA_NOT_AVAILABLE,
                 # cpp_extension's "No CUDA runtime is found" while compiling (docker build, CI) needs no GPU
                 *(() if first_of(ctx, Obs.EXTENSION_BUILDING) is not None else (Obs.NO_CUDA_RUNTIME,)),
                 *((Obs.GPU_NOT_SEEN,) if fallback_says_no_gpu(ctx) else ()))


_PROBE_WARNING = lazy_compile(r"^\s*(?:\d{4}-\d\d-\d\d[ T][\d:.]+:?\s+)?(?:[WI]\d{4}\s|[WI]\s+\S+:\d+\]|"
                              r"\S*(?:UserWarning|dso_loader|cuda_diagnostics)\b)|"
                              r"\bUserWarning: CUDA initiali[sz]ation\b", re.IGNORECASE)
"""A library's GPU probe reported at warning level (torch's "UserWarning: CUDA initialization: Found no NVIDIA
driver", TensorFlow's glog "W …dso_loader.cc] Could not load dynamic library 'libcuda.so.1'", also behind TensorFlow
2's timestamp "2023-05-01 10:00:00.123456: W …"): the program goes on on the CPU."""


def carried_on_without_cuda(ctx: RuleContext, observation: Observation) -> bool:
    """Whether a missing driver or CUDA library shows only in a library's probe warning, with nothing failing for
    want of CUDA and no sign the writer means to use an NVIDIA GPU: the machine may simply have none (TensorFlow
    prints these on every machine without one, and says to ignore them)."""
    return bool(_PROBE_WARNING.search(observation.text)) and cuda_unavailable(ctx) is None and \
        first_of(ctx, Obs.GPU_INTENT, Obs.NVIDIA_GPU_STATED) is None and not ctx.gpus


_ABSENT_IN_BUILD = (Obs.BUILD_WITHOUT_GPU, Obs.NO_NVIDIA_DRIVER, Obs.LIBCUDA_MISSING, Obs.NVML_LIBRARY_MISSING,
                    Obs.SMI_NOT_FOUND)


def build_step_without_gpu(ctx: RuleContext) -> Optional[Tuple[Observation, Observation]]:
    """(what finds no GPU, the build) where a step of a container image's build looks for the GPU and nothing
    shows a container run: ``docker build`` runs its steps without the NVIDIA runtime (CC804 judges it)."""
    built = first_of(ctx, Obs.IMAGE_BUILD)
    if built is None or first_of(ctx, Obs.DOCKER_RUN, Obs.COMPOSE_GPU, Obs.CONTAINER_PROMPT) is not None:
        return None
    absent = first_of(ctx, *_ABSENT_IN_BUILD) or cuda_unavailable(ctx)
    return (absent, built) if absent is not None else None


_LIBRARY_FAILURES = (Obs.CUDA_LIBRARY_MISSING, Obs.CUDA_LIBRARY_SYMBOL, Obs.CUDNN_CANNOT_LOAD, Obs.LDD_NOT_FOUND)
"""A CUDA library that failed to load: a program that then runs on the CPU falls back because of it."""


def fallback_says_no_gpu(ctx: RuleContext) -> bool:
    """Whether a report's own "the GPU is not used / it falls back to the CPU" speaks of the process seeing no GPU:
    not where torch in the paste answers that CUDA is available (what falls back is the program's own library), nor
    where a CUDA library failed to load (the fallback follows the library: CC809, CC811)."""
    return not torch_sees_gpu(ctx) and first_of(ctx, *_LIBRARY_FAILURES) is None


def optional_image_extension(observation: Observation) -> bool:
    """Whether an observation comes from torchvision.io's "Failed to load image Python extension" warning (the
    warning itself, or the library it names as missing): torchvision goes on without its image decoding, so the
    warning explains no failure (CC814 reports it as info, or as a possible warning when it names a missing torch
    library; CC243 as a possible warning when image.so lacks torch symbols)."""
    return "failed to load image python extension" in observation.text.lower()


def torch_sees_gpu(ctx: RuleContext) -> bool:
    """Whether every ``is_available()`` answer in the paste is True: a report's "falls back to CPU" then speaks of
    the program's own library (ONNX Runtime, an app's backend), not of the process seeing no GPU."""
    return {o.values.get("value") for o in all_of(ctx, Obs.CUDA_AVAILABLE)} == {"true"}


def cpu_build_known(ctx: RuleContext) -> bool:
    """Whether the torch build is known to be CPU-only: a version whose build is known (the Snapshot sets
    ``torch.version`` only then) with neither CUDA nor ROCm."""
    torch = ctx.snapshot.torch
    return bool(torch.version) and not torch.cuda and not torch.hip


def platform_system(ctx: RuleContext) -> str:
    """The platform's system in lower case (``linux``, ``windows``, ``darwin``), or ""."""
    return (ctx.snapshot.platform.system or "").lower()


def env_value(ctx: RuleContext, name: str) -> Optional[str]:
    """An environment variable as the snapshot recorded it, or None."""
    return ctx.snapshot.container.env.get(name)


def across_machines(ctx: RuleContext) -> Optional[Observation]:
    """What shows the job spans several machines (``--nnodes 2``, a hostfile, "multi-node", 多机), or None: NCCL's
    system and remote errors are then the network between them (CC826), not one machine's /dev/shm (CC812)."""
    return first_of(ctx, Obs.MULTI_NODE_JOB)


def capabilities_without_compute(ctx: RuleContext) -> Optional[str]:
    """NVIDIA_DRIVER_CAPABILITIES as set for a container when it names neither ``compute`` nor ``all``, else None.

    The NVIDIA container runtime mounts only the driver parts the list names: ``utility`` is nvidia-smi and NVML,
    ``compute`` is libcuda (NVIDIA Container Toolkit, "Driver capabilities"). Without it nvidia-smi works inside
    while CUDA finds no driver. Unset or empty, the runtime's default applies and nothing is judged.
    """
    value = (env_value(ctx, "NVIDIA_DRIVER_CAPABILITIES") or "").strip().strip("\"'")
    named = {part.strip().lower() for part in value.split(",") if part.strip()}
    if not named or named & {"compute", "all"} or ctx.snapshot.container.in_container is False:
        return None
    return value


def newest_image_cuda(ctx: RuleContext) -> Optional[Tuple[str, str]]:
    """(image, CUDA) of the pasted container image with the newest CUDA, or None."""
    best: Optional[Tuple[str, str]] = None
    for observation in all_of(ctx, Obs.IMAGE_CUDA):
        cuda = observation.values.get("cuda")
        if cuda and (best is None or (major_minor(cuda) or (0, 0)) > (major_minor(best[1]) or (0, 0))):
            best = (observation.values.get("image") or "in this container", cuda)
    return best


def driver_own_cuda(ctx: RuleContext) -> Optional[str]:
    """The CUDA version the driver itself supports, from its version number (not what a libcuda reports)."""
    version = ctx.snapshot.nvml.driver_version
    return ctx.db.driver_cuda(version, ctx.platform) if version else None


def vgpu_guest(ctx: RuleContext) -> Optional[str]:
    """Evidence that the program runs in an NVIDIA vGPU guest, quoted: the report's words (a GRID driver or
    licence, "vGPU") or a GPU named by its vGPU profile ("NVIDIA A100-40C"). None where nothing shows one."""
    said = first_of(ctx, Obs.VGPU)
    if said is not None:
        return quote(said)
    profile = next((gpu.label for gpu in ctx.gpus if gpu.facts.name and VGPU_PROFILE.search(gpu.facts.name.strip())),
                   None)
    return f"the GPU is a vGPU profile ({profile})" if profile else None


def compat_libraries_in_use(ctx: RuleContext) -> bool:
    """cuda-compat's libcuda loads: the probe says so, the paste shows it on the loader path or installed, or
    nvidia-smi reports a newer CUDA than its driver version supports (the compat libcuda answers for it)."""
    if ctx.snapshot.cuda_driver.is_compat_library:
        return True
    reported, own = major_minor(ctx.snapshot.nvml.cuda_driver_version), major_minor(driver_own_cuda(ctx))
    if reported and own and reported > own:
        return True
    path = (env_value(ctx, "LD_LIBRARY_PATH") or "").lower()
    return "compat" in path or first_of(ctx, Obs.COMPAT_LIBCUDA_PATH, Obs.FORWARD_COMPAT_ENABLED) is not None \
        or any("cuda-compat" in o.text.lower() for o in all_of(ctx, Obs.INSTALL_COMMAND, Obs.ENVIRONMENT))


FORWARD_COMPAT_WORDS: Dict[str, str] = {
    "driver_too_old": "the host driver is older than the container's CUDA, and this GPU cannot use the image's "
                      "forward-compatibility libraries (804)",
    "forward_compat_unsupported": "cuda-compat forward-compatibility libraries were used on a GPU that does not "
                                  "support them (804)",
    "driver_library_mismatch": "the user-space driver libraries are newer than the loaded kernel module (804 "
                               "outside a container, no cuda-compat in use)",
}


def stated_cuda(ctx: RuleContext) -> Optional[Tuple[int, int]]:
    """The newest CUDA version the report names in a sentence or a template line ("CUDA Version: 11.3", "the
    image is CUDA 12.4"), or None."""
    versions = [major_minor(o.values.get("version")) for o in all_of(ctx, Obs.CUDA_MENTIONED)]
    known = [v for v in versions if v]
    return max(known) if known else None


def forward_compat_unusable(ctx: RuleContext) -> bool:
    """Whether the machine's GPUs are known and none may use forward compatibility (cuda-compat): only datacenter
    GPUs, NGC Server Ready RTX SKUs and Jetson may (the compat table's eligible segments)."""
    eligible = set(ctx.db.cuda.forward_compat.get("eligible_segments", ["datacenter"]))
    if "jetson" in eligible:
        eligible.add("embedded")
    segments = {g.row.segment for g in ctx.gpus if g.row is not None}
    return bool(segments) and not segments & eligible


def forward_compat_cause(ctx: RuleContext) -> str:
    """The category of CUDA error 804 ("forward compatibility was attempted on non supported HW").

    The error says a libcuda newer than the kernel driver was used on a GPU without forward
    compatibility. Which libcuda, and why, decides the cause:

    - cuda-compat on the loader path outside a container → ``forward_compat_unsupported``;
    - in a container (or where it ran is not known) whose CUDA — the image's, else the one the
      report names — has the major the host driver supports (minor-version compatibility would
      have run it; the compat libraries were put first anyway) → ``forward_compat_unsupported``;
    - a CUDA with a newer major than the host driver's → ``driver_too_old``: only a newer driver
      runs it on this GPU; and, in a container, wherever that CUDA or the driver is not known: an
      image newer than the host driver is the usual way to meet 804 there;
    - a report of its host (the GPU and the OS named) with no container, image or CUDA wanted in it →
      ``forward_compat_unsupported``, what the error itself says (a compat libcuda on this GPU); with nothing
      named at all the container case above is the usual one;
    - known not to be a container and no cuda-compat in use → ``driver_library_mismatch``:
      the driver's user-space libraries were updated and the old kernel module is still
      loaded (a reboot fixes it).
    """
    in_container = ctx.snapshot.container.in_container
    compat = compat_libraries_in_use(ctx)
    if in_container is None and (docker_run(ctx) is not None or first_of(ctx, Obs.IMAGE_CUDA, Obs.NGC_RELEASE)):
        in_container = True
    if in_container is False:
        return "forward_compat_unsupported" if compat else "driver_library_mismatch"
    if in_container is None and compat:
        return "forward_compat_unsupported"
    image = newest_image_cuda(ctx)
    wanted = major_minor(image[1]) if image else None
    if wanted is None and compat:
        wanted = major_minor(ctx.snapshot.nvml.cuda_driver_version)  # what the compat libcuda claims
    if wanted is None:
        wanted = stated_cuda(ctx)
    driver_mm = major_minor(driver_own_cuda(ctx) or ctx.driver_cuda)
    if wanted and driver_mm:
        return "forward_compat_unsupported" if driver_mm[0] >= wanted[0] else "driver_too_old"
    if in_container is None and image is None and wanted is None and ctx.gpus and platform_system(ctx):
        return "forward_compat_unsupported"  # a report of its host (GPU, OS) with no container or image in it
    return "driver_too_old"


def driver_needed(ctx: RuleContext, cuda: Optional[str]) -> Optional[str]:
    """"≥ 525.60.13 (…)" for a CUDA version, from the toolkit table."""
    requirement = driver_requirement(ctx.db, cuda, ctx.platform)
    return requirement.text() if requirement else None


def gpu_label(ctx: RuleContext) -> str:
    """The GPUs' labels joined by commas, or "this GPU" when none is known."""
    labels = [g.label for g in ctx.gpus]
    return ", ".join(labels) if labels else "this GPU"


# --- signs and views several rule groups read -------------------------------------------------
GPU_RUNTIME_FAULTS = (Obs.LAUNCH_FAILURE, Obs.ILLEGAL_MEMORY_ACCESS, Obs.CUDA_UNKNOWN_ERROR, Obs.NCCL_ERROR,
                      Obs.ECC_ERROR, Obs.DEVICES_UNAVAILABLE)
"""Errors raised while kernels run that a failing GPU produces as well as a bug (launch failures, illegal
accesses, "unknown error", NCCL's unhandled CUDA errors)."""
NO_GPU_SIGNS = (Obs.POD_NO_GPU, Obs.NO_CUDA_DEVICE, Obs.NO_CUDA_GPUS, Obs.NO_NVIDIA_DRIVER, Obs.NVML_LIBRARY_MISSING, Obs.LIBCUDA_MISSING,
                Obs.SMI_NOT_FOUND, Obs.NGC_NO_DRIVER, Obs.SMI_NO_DEVICES, Obs.NVML_UNKNOWN_ERROR, Obs.CUDA_INIT_FAILED)


def gpu_arch(ctx: RuleContext) -> Optional[Arch]:
    """The GPU's architecture: the first one known from the facts, else one named by an error line."""
    for gpu in ctx.gpus:
        if gpu.arch is not None:
            return gpu.arch
    for observation in all_of(ctx, Obs.GPU_NOT_COMPATIBLE, Obs.PTXAS_UNKNOWN_ARCH):
        arch = parse_arch(observation.values.get("sm", "") and f"sm_{observation.values['sm']}"
                          or observation.values.get("arch", ""))
        if arch:
            return arch
    return None


def hiding_mask(ctx: RuleContext) -> Optional[Tuple[VisibleDevices, str]]:
    """(the mask, its variable) when CUDA_VISIBLE_DEVICES (empty, ``none``, ``void``, a first entry that is a
    negative index or no GPU) or NVIDIA_VISIBLE_DEVICES (empty, ``none``, ``void``) hides every GPU from the
    process; else None. A negative index after a valid one only ends the list: "0,-1" keeps GPU 0."""
    container = ctx.snapshot.container
    mask = container.cuda_visible_devices
    if mask is not None and mask.hides_every_gpu():
        return mask, "CUDA_VISIBLE_DEVICES"
    nvidia = container.nvidia_visible_devices
    if nvidia is not None and nvidia.kind in ("empty", "none", "void"):
        return nvidia, "NVIDIA_VISIBLE_DEVICES"
    return None


def mask_past_gpus(ctx: RuleContext) -> Optional[VisibleDevices]:
    """A CUDA_VISIBLE_DEVICES whose first entry is an index above 0 ("1", "2,3") where the paste does not show that
    the machine has more GPUs than that index: on a one-GPU machine (the usual case for a script written on a
    bigger one) it names no GPU and CUDA sees none. None when the mask starts at 0, names UUIDs, or the GPUs the
    paste lists include the index."""
    mask = ctx.snapshot.container.cuda_visible_devices
    if mask is None or mask.kind != "indices" or not mask.indices:
        return None
    first = (mask.raw or "").split(",")[0].strip()
    if not first.isdigit() or int(first) < 1 or int(first) < len(ctx.gpus):
        return None
    return mask


def ld_entries(ctx: RuleContext, *words: str) -> List[str]:
    """The LD_LIBRARY_PATH entries that contain any of the words, deduplicated, in order."""
    path = env_value(ctx, "LD_LIBRARY_PATH") or ""
    entries: List[str] = []
    for part in path.split(":"):
        part = part.rstrip("/")
        if part and part not in entries and any(w in part.lower() for w in words):
            entries.append(part)
    return entries


def preloaded(ctx: RuleContext, *words: str) -> List[str]:
    """The libraries outside Python's packages that LD_PRELOAD loads ahead of every other (colon- or
    space-separated) and that contain any of the words, in order: a system libnccl preloaded wins over the one
    torch's wheel brings (preloading the wheel's own copy from site-packages is a workaround, not a conflict)."""
    value = env_value(ctx, "LD_PRELOAD") or ""
    return [part for part in dict.fromkeys(re.split(r"[:\s]+", value)) if part and any(w in part.lower() for w in words)
            and "site-packages" not in part and "dist-packages" not in part]


_LIBRARY_FILE = lazy_compile(r"(?P<folder>(?:/[\w.+-]+)+)/lib(?:cudnn|cublas|cusparse|cufft|curand|cusolver|cudart|nvJitLink|"
                           r"nvrtc|cupti)[\w-]*\.so[.\d]*")
_PACKAGED = ("site-packages", "dist-packages", "conda", "mamba", "miniforge", "/envs/")


def system_library_folder(observation: Optional[Observation]) -> Optional[str]:
    """The folder a failing CUDA library was loaded from when it lies outside Python's and conda's packages
    (``/usr/local/cuda/lib64``, ``/usr/lib/x86_64-linux-gnu``, a cluster's module tree), or None.

    torch's pip wheels bring their CUDA libraries inside site-packages; a copy loaded from a system folder got
    there through LD_LIBRARY_PATH or the loader cache and shadows the wheel's own, so symbols go missing."""
    if observation is None:
        return None
    for match in _LIBRARY_FILE.finditer(observation.text):
        folder = match.group("folder")
        if not any(word in folder.lower() for word in _PACKAGED):
            return folder
    return None


_OLD_SONAME = lazy_compile(r"lib\w+\.so\.(?P<major>\d{1,2})\.(?P<minor>\d)$")
"""Before CUDA 11 every CUDA library's soname carried the toolkit's version (``libcurand.so.8.0``,
``libcudart.so.10.0``); from 11 on the libraries number themselves (``libcurand.so.10``)."""


def library_of_another_torch(ctx: RuleContext) -> Optional[Tuple[Observation, str, str]]:
    """(the missing library, the CUDA its name belongs to, the torch version stated) when `import torch` asks for a
    CUDA library of a toolkit that no official build of the stated torch release used: the torch that imports is
    an older install, not the one the report names (torch 1.1.0 was built for CUDA 9.0 and 10.0, never 8.0). Not on
    a Jetson, whose torch wheels are not the official builds."""
    if first_of(ctx, Obs.TORCH_IMPORT_FRAME) is None or first_of(ctx, Obs.JETSON) is not None:
        return None  # (a Jetson's wheels are NVIDIA's or a third party's, built for a JetPack's CUDA: not official)
    version = ctx.snapshot.torch.version
    stated = first_of(ctx, Obs.TORCH_VERSION)
    version = version or (stated.values.get("version") if stated is not None else None)
    release = ctx.db.torch_release(version) if version else None
    if release is None:
        return None
    built_for = {major_minor(variant.cuda) for variant in release.variants if variant.cuda}
    for missing in all_of(ctx, Obs.CUDA_LIBRARY_MISSING):
        match = _OLD_SONAME.search(missing.values.get("lib") or "")
        if match is None or int(match.group("major")) > 10:
            continue
        cuda = f"{match.group('major')}.{match.group('minor')}"
        if built_for and major_minor(cuda) not in built_for:
            return missing, cuda, version or ""
    return None


def torch_covers(ctx: RuleContext, gpu: Optional[Arch]) -> Optional[str]:
    """How the torch build's own arch list covers a GPU (``sass``/``ptx``/``none``): the build's, else what every
    official CUDA build of the release the paste names agrees on ("pytorch 2.3" without its variant); None when
    unknown."""
    build = ctx.build
    if gpu is None:
        return None
    if build.targets is not None:
        return build.targets.covers(gpu).kind
    said = first_of(ctx, Obs.TORCH_VERSION)
    if not official_torch(build.version or (said.values.get("version") if said is not None else None)):
        return None  # a source or Jetson build carries its own arch list, not the release's wheels'
    release = named_release(ctx)
    return release_coverage(release, gpu) if release is not None else None


def named_release(ctx: RuleContext) -> Optional[TorchRelease]:
    """The torch release the paste names, by the installed torch's version or in words ("pytorch 2.3"); None
    when neither names one the table knows."""
    if ctx.build.version:
        return ctx.build.release
    said = first_of(ctx, Obs.TORCH_VERSION)
    return ctx.db.torch_release(said.values.get("version", "")) if said is not None else None


def kernel_error_owner(ctx: RuleContext) -> Optional[Observation]:
    """The kernel error ("no kernel image", "invalid device function") that belongs to a compiled extension
    rather than to torch: raised from the extension's own code, or torch's own arch list covers the GPU."""
    covered = torch_covers(ctx, gpu_arch(ctx))
    if covered == "none" or first_of(ctx, Obs.GPU_NOT_COMPATIBLE) is not None:
        return None  # torch itself has no kernels for the GPU: that is the cause, whatever the extensions
    owned = first_of(ctx, Obs.EXTENSION_KERNEL_ERROR)
    if owned is not None:
        return owned
    error = first_of(ctx, Obs.NO_KERNEL_IMAGE, Obs.INVALID_DEVICE_FUNCTION)
    if error is not None and covered == "sass":
        return error
    return None


# --- where a process that sees no GPU runs ------------------------------------------------------
@dataclass
class Situation:
    """Where a process runs when it is not a plain host: the evidence, and what to do there."""

    kind: str  # wsl | kubernetes | container | slurm | vm | notebook
    words: str  # "a Kubernetes pod"
    evidence: Optional[Observation]
    remedy: str


_SITUATION_REMEDIES = {
    "wsl1": "WSL1 has no GPU support: convert the distribution to WSL2 (`wsl --set-version <distro> 2`), on "
            "Windows 10 21H2+ or Windows 11 with a current NVIDIA Windows driver.",
    "wsl": "In WSL2 the GPU comes from the Windows driver: update Windows (10 21H2+ / 11) and the NVIDIA Windows "
           "driver, run `wsl --update`, and do not install a Linux NVIDIA driver inside WSL (it hides "
           "/usr/lib/wsl/lib); `nvidia-smi` inside WSL must list the GPU.",
    "kubernetes": "Request the GPU in the pod spec (`resources: limits: nvidia.com/gpu: 1`), with the NVIDIA device "
                  "plugin or GPU Operator on the node and the pod on the NVIDIA runtime (`runtimeClassName: nvidia`, "
                  "or the nvidia runtime as containerd's default).",
    "container": "Start the container with GPU access: `docker run --gpus all …` (NVIDIA Container Toolkit on the "
                 "host), compose `deploy.resources.reservations.devices: [{driver: nvidia, count: all, "
                 "capabilities: [gpu]}]`, Apptainer `--nv`, LXD `lxc config device add <c> gpu gpu` (with "
                 "/dev/nvidia-uvm). If it had access and lost it, restart it.",
    "slurm": "Run on a node with GPUs and request them: `srun --gres=gpu:1 …` / `#SBATCH --gres=gpu:1` (or "
             "`--gpus=1`, and the GPU partition); login nodes have none.",
    "notebook": "Select a GPU runtime for the notebook (Colab: Runtime → Change runtime type → GPU; Kaggle: "
                "Accelerator → GPU; JupyterHub: a server profile with a GPU; Hugging Face Spaces: GPU hardware in "
                "the Space's settings) and restart the session. Where Colab says it cannot connect to a GPU backend, "
                "its usage limits (or no free GPU) keep the session without one until they reset (or a paid plan).",
    "vm": "Give the virtual machine the GPU: PCIe passthrough (KVM/Proxmox/Hyper-V DDA/ESXi) or a vGPU profile; "
          "desktop hypervisors (VirtualBox, VMware Workstation) cannot pass an NVIDIA GPU through for CUDA.",
}


def gpu_situation(ctx: RuleContext) -> Optional[Situation]:
    """The situation that explains a missing GPU better than a missing driver: a container or a pod (started
    without GPU access, or it lost it), WSL or a virtual machine (the GPU is not passed through), a Slurm job or
    login node without GPUs. None on a plain host, or when nothing shows where the program runs."""
    container = ctx.snapshot.container
    if container.runtime == "kubernetes":
        return Situation("kubernetes", "a Kubernetes pod", first_of(ctx, Obs.KUBERNETES_POD),
                         _SITUATION_REMEDIES["kubernetes"])
    if container.in_container:
        lead = first_of(ctx, Obs.CONTAINER_MARKER, Obs.DOCKER_RUN, Obs.CONTAINER_PROMPT, Obs.COMPOSE_GPU)
        return Situation("container", "a container", lead, _SITUATION_REMEDIES["container"])
    if container.runtime == "wsl" and container.in_container is not True:
        wsl = next((o for o in all_of(ctx, Obs.WSL) if o.values.get("version")), None) or first_of(ctx, Obs.WSL)
        version = wsl.values.get("version") if wsl else None
        return Situation("wsl", "WSL1" if version == "1" else "WSL", wsl,
                         _SITUATION_REMEDIES["wsl1" if version == "1" else "wsl"])
    # a notebook's runtime without a GPU: none named in the paste, or the service saying it gave none (a GPU the
    # writer names is then the one they had before)
    refused = next((o for o in all_of(ctx, Obs.HOSTED_NOTEBOOK) if o.values.get("kind") == "no GPU given"), None)
    notebook = refused or first_of(ctx, Obs.HOSTED_NOTEBOOK)
    if notebook is not None and (not ctx.gpus or refused is not None) and container.in_container is not True:
        return Situation("notebook", "this notebook's runtime", notebook, _SITUATION_REMEDIES["notebook"])
    vm = first_of(ctx, Obs.VIRTUAL_MACHINE)
    if vm is not None and container.in_container is not True and not ctx.gpus:
        return Situation("vm", "this virtual machine", vm, _SITUATION_REMEDIES["vm"])
    slurm = first_of(ctx, Obs.SLURM)
    if slurm is not None and container.in_container is not True:
        node = "a login node" if slurm.values.get("login_node") == "yes" else "a cluster job"
        return Situation("slurm", node, slurm, _SITUATION_REMEDIES["slurm"])
    return None
