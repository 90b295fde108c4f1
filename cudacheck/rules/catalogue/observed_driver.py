"""Observed driver and GPU-access errors: a driver too old, not loaded or mismatched, no GPU
visible, forward compatibility, a container's CUDA requirement (CC801–CC804, CC818, CC819)."""
from __future__ import annotations

import re
from typing import Dict, Iterator, List, Optional, Tuple

from ...compat.judgements import driver_requirement
from ...observations import Obs
from ...report import Finding
from ...snapshot import Observation
from ...versions import cuda_from_int, driver_branch, major_minor
from ..context import RuleContext
from ..observations import (LIKELY, NEXT_STEP, NO_GPU_SIGNS, POSSIBLE, Situation, all_of, capabilities_without_compute,
                            build_step_without_gpu, carried_on_without_cuda,
                            compat_libraries_in_use, container_devices_only, container_gpu_access,
                            container_without_gpu_runtime, cuda_unavailable, docker_run, driver_needed,
                            driver_own_cuda, evidence, vgpu_guest,
                            fallback_says_no_gpu, first_of, forward_compat_cause, gpu_situation, hiding_mask,
                            ld_entries, mask_past_gpus, newest_image_cuda, platform_system, quote, torch_sees_gpu,
                            wheel_text, wsl_libcuda_shadowed)
from ..registry import rule


def _card_said_failing(ctx: RuleContext) -> bool:
    """Whether the report shows the card itself failing (nvidia-smi's ERR! for it, retold or pasted) next to CUDA's
    "unknown error": the card, not an unloaded driver, is then the lead (CC820)."""
    signs = all_of(ctx, Obs.HARDWARE_SIGN_STATED) + all_of(ctx, Obs.SMI_ERR)
    return first_of(ctx, Obs.CUDA_UNKNOWN_ERROR) is not None and any("err!" in o.text.lower() for o in signs)


def _in_container(ctx: RuleContext) -> bool:
    return bool(ctx.snapshot.container.in_container)


def _no_gpu_signs(ctx: RuleContext, situation: Situation, access: Optional[bool]) -> List[Observation]:
    """The observations that show no usable GPU in a situation (a container, a pod, WSL, a cluster job)."""
    names = [*NO_GPU_SIGNS, Obs.SMI_CANNOT_COMMUNICATE, Obs.NVML_DRIVER_NOT_LOADED, Obs.DEVICES_UNAVAILABLE]
    without_runtime = container_without_gpu_runtime(ctx, situation.kind)
    if situation.kind in ("kubernetes", "container") and without_runtime:
        names.append(Obs.CUDA_STUB_LIBRARY)  # the image's stub libcuda answers when the runtime put in no driver's
        # without the NVIDIA runtime's driver libraries the image's stub libcuda (or none) answers "driver
        # insufficient" (35) or "unknown error"
        names += [Obs.INSUFFICIENT_DRIVER, Obs.CUDA_UNKNOWN_ERROR]
    if situation.kind == "wsl":
        names += [Obs.CUDA_UNKNOWN_ERROR]
        names.remove(Obs.LIBCUDA_MISSING)  # CC811: WSL's libcuda is there, just not on the loader path
    if situation.kind == "slurm":
        names = [Obs.SMI_NOT_FOUND, Obs.NO_CUDA_DEVICE, Obs.NO_CUDA_GPUS, Obs.SMI_NO_DEVICES, Obs.NVML_LIBRARY_MISSING]
    # the report's own "falls back to CPU" says nothing of why where CUDA names a driver it cannot use (CC801/CC818)
    driver_refused = first_of(ctx, Obs.FORWARD_COMPAT_804, Obs.DRIVER_TOO_OLD) is not None
    # nor where a CUDA library failed to load or torch answers that CUDA is available (fallback_says_no_gpu)
    prose = (Obs.GPU_NOT_SEEN,) if not driver_refused and fallback_says_no_gpu(ctx) else ()
    if torch_sees_gpu(ctx):
        # torch in the paste uses the GPU: nvidia-smi or NVML missing is only the tool absent (a container given the
        # `compute` capability without `utility`), not the GPU
        names = [n for n in names if n not in (Obs.SMI_NOT_FOUND, Obs.NVML_LIBRARY_MISSING)]
    signs = [o for o in all_of(ctx, *names, *prose) if not _host_side(o)]
    unavailable = cuda_unavailable(ctx)
    if driver_refused and unavailable is not None and unavailable.signature == Obs.GPU_NOT_SEEN:
        unavailable = None
    if unavailable is not None and unavailable.values.get("source") != "collect_env" and \
            (situation.kind in ("slurm", "wsl", "kubernetes", "vm", "notebook") or (situation.kind == "container"
                                                                        and access is not True)):
        signs.append(unavailable)
    return signs


def _cudnn_wants_unversioned_libcuda(observation: Observation) -> bool:
    """cuDNN 8 failing to open the unversioned ``libcuda.so`` ("Could not load library libcudnn_cnn_infer.so.8.
    Error: libcuda.so: cannot open shared object file"): it asks for the development link, which a working driver
    need not install (CUDA itself loads libcuda.so.1), so cuDNN's failure (CC808) is the lead, not the driver."""
    text = observation.text.lower()
    return "libcudnn" in text and re.search(r"libcuda\.so(?!\.\d)", text) is not None


_SITUATION_WSL_REMEDY = ("Update Windows (10 21H2+ / 11) and the NVIDIA Windows driver, run `wsl --update`, and use "
                         "WSL2 (`wsl -l -v`); a Windows policy or an old build can block GPU access for WSL.")


def _started_without_gpus(ctx: RuleContext) -> bool:
    """The paste shows a container started without GPU access (no `--gpus` / `--nv`, or said to lack it), or with
    only the /dev/nvidia* nodes: no driver libraries of the host's were put in it."""
    situation = gpu_situation(ctx)
    return situation is not None and situation.kind == "container" and \
        (container_gpu_access(ctx) is False or container_devices_only(ctx))


def _main_module_missing(ctx: RuleContext) -> bool:
    """The NVIDIA kernel module itself (not only nvidia-uvm) is missing or cannot be loaded."""
    return any(not re.search(r"uvm", o.text, re.IGNORECASE) for o in all_of(ctx, Obs.KERNEL_MODULE_FAILED)) \
        or first_of(ctx, Obs.SMI_CANNOT_COMMUNICATE, Obs.NVML_DRIVER_NOT_LOADED) is not None


def _host_side(observation: Observation) -> bool:
    """nvidia-container-cli runs on the host: its errors describe the host, not the container."""
    return "nvidia-container-cli" in observation.text.lower()


# --- driver --------------------------------------------------------------------------------
@rule("CC801", "observed-driver-too-old", "driver_too_old", "driver", symptom=True)
def observed_driver_too_old(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output says the NVIDIA driver is older than the CUDA the software needs.

    What it checks:
        torch's "The NVIDIA driver on your system is too old (found version 11040)",
        CUDA error 35 "CUDA driver version is insufficient for CUDA runtime version",
        error 222 "the provided PTX was compiled with an unsupported toolchain", the NGC
        banner "This container was built for NVIDIA Driver Release … but version … was
        detected", and error 804 "forward compatibility was attempted on non supported HW"
        in a container (its image ships cuda-compat libraries, used because the host
        driver is older than the image's CUDA; on a non-datacenter GPU they fail). Also a
        pasted image whose CUDA major is newer than the pasted driver supports, and other
        programs' words for the same ("CUDA driver version (11.2) is older than the CUDA
        runtime version", XLA's "driver's CUDA version is 11.4 which is older than the
        ptxas CUDA version", "driver does not support CUDA 12.1", "requires NVIDIA driver
        >= 525.60.13, you have 470.82.01"); a library calling a CUDA driver API function
        libcuda does not export ("undefined symbol: cuGreenCtxDestroy", "cuTensorMapEncodeTiled");
        CUDA's "operation not supported" (801) with a driver older than a feature of the
        program's CUDA needs (CUDA 12.1's large kernel parameters need R530, which
        minor-version compatibility does not give a 525 driver).
    Why it matters:
        `torch.cuda.is_available()` is False or every CUDA call fails until the driver
        supports the CUDA version the build (or the container image) was made with.
        "found version 11040" is the driver's own CUDA version: 11.4.
    How to fix:
        Update the NVIDIA driver to the branch the build needs (the remedy names the
        minimum), or install a torch wheel / use an image built for a CUDA version the
        driver supports.
    """
    found = first_of(ctx, Obs.DRIVER_TOO_OLD, Obs.DRIVER_FOUND_VERSION)
    older = first_of(ctx, Obs.DRIVER_OLDER_STATED)
    insufficient = first_of(ctx, Obs.INSUFFICIENT_DRIVER)
    ptx = first_of(ctx, Obs.UNSUPPORTED_PTX)
    ngc = first_of(ctx, Obs.NGC_DRIVER_TOO_OLD)
    compat = first_of(ctx, Obs.FORWARD_COMPAT_804)
    if compat is not None and forward_compat_cause(ctx) != "driver_too_old":
        compat = None  # CC818 / CC803 report the other causes of 804
    image = newest_image_cuda(ctx)
    build_cuda = ctx.snapshot.torch.cuda
    driver_cuda = ctx.driver_cuda
    needed_cuda = build_cuda or (image[1] if image else None)
    driver_text = (f"driver {ctx.driver_version}" if ctx.driver_version else "the driver") + \
        (f" (supports CUDA ≤ {driver_cuda})" if driver_cuda else "")
    if insufficient is not None and not (found or ptx or ngc or compat) and _started_without_gpus(ctx):
        return  # the image's own stub libcuda answers 35 in a container given no GPU: CC804 says so
    if older is not None and not (found or insufficient or ptx or ngc or compat):
        needed = older.values.get("need") or older.values.get("need2") or older.values.get("need3")
        needed_driver = older.values.get("needed_driver")
        have = older.values.get("have") or older.values.get("have2")
        yield ctx.finding(
            "The NVIDIA driver is older than the software needs" +
            (f": it supports CUDA ≤ {have}" if have else "") + (f", CUDA {needed} is needed" if needed else "") +
            (f" (driver ≥ {needed_driver} is needed)" if needed_driver else ""),
            certainty=LIKELY, detail=f"{quote(older)}.",
            remedy=_driver_remedy(ctx, needed or needed_cuda), evidence=evidence(older))
        return
    if insufficient is not None and not (found or ptx or ngc or compat or older) and ctx.non_nvidia_evidence and \
            container_gpu_access(ctx) is not True:  # (a container given GPUs says the host has them)
        yield ctx.finding(
            "CUDA error 35 on a machine without an NVIDIA GPU: the program asked for CUDA", severity="info",
            certainty=LIKELY,
            detail=f"{quote(insufficient)}. {ctx.non_nvidia_evidence[:1].upper() + ctx.non_nvidia_evidence[1:]}: "
                   "with no NVIDIA driver at all the CUDA runtime reports this error; no driver update applies.",
            remedy="Run on the CPU (`device=\"cpu\"`, or the program's CPU option), or install the CPU build of "
                   "the framework.",
            evidence=evidence(insufficient))
        return
    api = first_of(ctx, Obs.DRIVER_API_SYMBOL)
    if api is not None and not (found or insufficient or ptx or ngc or compat):
        symbol = api.values.get("symbol") or "a driver function"
        # a missing driver function is the full feature set of a CUDA release: its own driver, not the minor floor
        requirement = driver_requirement(ctx.db, needed_cuda, ctx.platform) if needed_cuda else None
        full = requirement.full if requirement else None
        yield ctx.finding(
            f"The driver's libcuda lacks {symbol}: the driver is older than the CUDA the library was built for",
            severity="warning", certainty=LIKELY,  # the library may also be at fault: it should check the driver first
            detail=f"{quote(api)}. Functions named cu… belong to the CUDA driver API, which libcuda (installed with "
                   "the driver) exports; a library built with a newer CUDA calls ones an older driver does not have "
                   "(a library that checks the driver first falls back instead)."
                   + (f" Here {driver_text}." if ctx.driver_version or driver_cuda else ""),
            remedy="Update the NVIDIA driver" + (
                f" to ≥ {full} (the driver released with CUDA {needed_cuda}, torch's CUDA here; the library may need "
                "a newer one)" if full else " to the branch released with the CUDA the library was built for") +
                   ", or install the library's build for the CUDA this driver supports (`nvidia-smi` shows it).",
            evidence=evidence(api))
        return
    unsupported = first_of(ctx, Obs.CUDA_NOT_SUPPORTED)
    if unsupported is not None and not (found or insufficient or ptx or ngc or compat) and vgpu_guest(ctx) is None:
        nvcc = ctx.snapshot.libraries.nvcc_version if ctx.snapshot.libraries else None
        refused = _feature_refused(ctx, unsupported, needed_cuda or nvcc)
        if refused is not None:
            yield refused
            return
    signal = found or insufficient or ptx or ngc or compat
    unnamed = first_of(ctx, Obs.GRAPHICS_DEVICE_NAME, Obs.DRIVER_RELEASE_UNSUPPORTED_GPU)
    if signal is None and unnamed is not None:
        driver = f"The driver{' ' + ctx.driver_version if ctx.driver_version else ''}"
        # CUDA reporting the GPU's capability or launching on it: the driver runs the GPU, only its names are older
        running = first_of(ctx, Obs.GPU_NOT_COMPATIBLE, Obs.FOUND_GPU_CAPABILITY, Obs.NO_KERNEL_IMAGE) \
            if unnamed.signature == Obs.GRAPHICS_DEVICE_NAME else None
        yield ctx.finding(
            f"{driver} does not know this GPU (“NVIDIA Graphics Device”): it is older than the GPU"
            if unnamed.signature == Obs.GRAPHICS_DEVICE_NAME else f"{driver} release does not support this GPU",
            severity="warning" if running else None, certainty=POSSIBLE if running else LIKELY,
            detail=f"{quote(unnamed)}. " + (
                f"CUDA still runs on it ({quote(running)}): the driver's table of names predates the GPU; a newer "
                "driver names it and may fix early bugs." if running else
                "A driver names a GPU it was not built for “NVIDIA Graphics Device”; CUDA on it fails or misbehaves."
                if unnamed.signature == Obs.GRAPHICS_DEVICE_NAME else
                "This driver release does not support the GPU at all."),
            remedy="Install the newest driver branch for this GPU (from nvidia.com or your distribution's newest "
                   "nvidia-driver package), then reboot.",
            evidence=evidence(unnamed))
        return
    if signal is None:
        # No error line: compare a pasted image's CUDA with a pasted driver.
        if image is None or not driver_cuda:
            return
        image_mm, driver_mm = major_minor(image[1]), major_minor(driver_cuda)
        if not image_mm or not driver_mm or driver_mm[0] >= image_mm[0]:
            return
        yield ctx.finding(
            f"The image {image[0]} needs CUDA {image[1]}; {driver_text} is too old",
            severity="warning", certainty=POSSIBLE,
            detail=f"The container image is built with CUDA {image[1]}; the host {driver_text}. A different CUDA "
                   "major needs a newer driver (forward compatibility works only on datacenter GPUs).",
            remedy=_driver_remedy(ctx, image[1]), evidence=["container.image", "nvml.driver_version"])
        return
    if ngc is not None:
        needed, have = ngc.values.get("needed"), ngc.values.get("found")
        title = f"The container needs NVIDIA driver ≥ {needed}; the host has {have}"
        detail = f"The NGC container's start-up check failed: {quote(ngc)}."
        remedy = f"Update the host driver to ≥ {needed}, or use an older container release built for your driver."
        yield ctx.finding(title, certainty=LIKELY, detail=detail, remedy=remedy, evidence=evidence(ngc))
        return
    if compat is not None and signal is compat and not (found or insufficient or ptx):
        image_text = f"the image {image[0]} (CUDA {image[1]})" if image else "the container image"
        title = "CUDA error 804: the host driver is older than the container's CUDA"
        detail = (f"{quote(compat)}. {image_text[0].upper() + image_text[1:]} brings forward-compatibility "
                  "libraries (cuda-compat) that are used when the host driver is older than the image's CUDA; they "
                  "only work on datacenter GPUs (and a few NGC-ready RTX SKUs), so on other GPUs CUDA fails with 804."
                  + (f" Host: {driver_text}." if ctx.driver_version or driver_cuda else ""))
        needed = driver_needed(ctx, image[1]) if image else None
        remedy = (f"Update the host NVIDIA driver to {needed}" if needed else
                  "Update the host NVIDIA driver to a branch that supports the image's CUDA version") + \
            ", or use an image built for the CUDA version the host driver supports (`nvidia-smi` shows it)."
        yield ctx.finding(title, certainty=LIKELY, detail=detail, remedy=remedy,
                          evidence=evidence(compat, docker_run(ctx)) + ["container.image"])
        return
    lines = [o for o in (found, insufficient, ptx) if o is not None]
    if found is not None and found.values.get("found", "").isdigit():
        found_cuda = cuda_from_int(int(found.values["found"]))
        title = f"The NVIDIA driver is too old: it supports CUDA ≤ {found_cuda}" + \
            (f", torch {ctx.snapshot.torch.version or ''} needs CUDA {build_cuda}".replace("  ", " ")
             if build_cuda else "")
        detail = (f"torch reports: {quote(found)}. “found version {found.values['found']}” is the driver's CUDA "
                  f"version ({found_cuda}), older than the CUDA this torch was built with"
                  + (f" ({build_cuda})." if build_cuda else "."))
    elif ptx is not None:
        title = "The driver is older than the toolkit that generated this PTX (error 222)"
        detail = (f"{quote(ptx)}. PTX from a newer CUDA toolkit than the driver supports cannot be JIT-compiled; "
                  "minor-version compatibility does not cover PTX.")
    else:
        title = "CUDA driver version is insufficient for the CUDA runtime (error 35)"
        detail = f"{quote(insufficient)}. The CUDA runtime in use is newer than {driver_text} supports."
    yield ctx.finding(title, certainty=LIKELY, detail=detail, remedy=_driver_remedy(ctx, needed_cuda),
                      evidence=evidence(*lines))


def _feature_refused(ctx: RuleContext, unsupported: Observation, cuda: Optional[str]) -> Optional[Finding]:
    """CUDA's "operation not supported" (801) where the driver's branch is older than a feature of the program's
    CUDA needs (the compat data's driver features: CUDA 12.1's large kernel parameters need R530, which
    minor-version compatibility does not give a 525 driver). None where the driver is not shown (801 has other
    causes too: a vGPU, WSL, an allocator the GPU lacks) or is shown to have every feature."""
    driver = ctx.driver_version
    features = ctx.db.features_beyond(driver, cuda) if driver else []
    if not driver or not features:
        return None
    feature = features[0]
    built = f"CUDA {cuda}" if cuda else f"CUDA {feature.since_cuda} or newer"
    return ctx.finding(
        f"Driver {driver} is older than R{feature.branch_min}: code built with {built} fails with “operation not "
        # the program's CUDA not shown: whether it uses the feature's CUDA at all is unknown
        "supported”", certainty=LIKELY if cuda is not None else POSSIBLE,
        detail=f"{quote(unsupported)}. The {feature.feature} of CUDA {feature.since_cuda}+ need driver branch "
               f"R{feature.branch_min} or newer ({feature.source}); minor-version compatibility runs a CUDA "
               f"{feature.since_cuda.split('.')[0]}.x program on an older driver of the same major, but a kernel "
               f"using the feature fails with {feature.error}.",
        remedy=f"Update the NVIDIA driver to branch R{feature.branch_min} or newer (`nvidia-smi` shows the one "
               f"in use), or use a build of the program for CUDA {_before(feature.since_cuda)} or older.",
        evidence=evidence(unsupported) + ["nvml.driver_version"])


def _before(cuda: str) -> str:
    """The CUDA minor release before one (``12.1`` → ``12.0``)."""
    major, minor = (int(part) for part in cuda.split(".")[:2])
    return f"{major}.{minor - 1}" if minor else f"{major - 1}.x"


def _driver_remedy(ctx: RuleContext, cuda: Optional[str]) -> str:
    needed = driver_needed(ctx, cuda)
    if needed:
        first = f"Update the NVIDIA driver to {needed}"
    else:
        floors = [f"CUDA {m}.x ≥ {getattr(ctx.db.minor_floor(m), ctx.platform, None)}"
                  for m in (11, 12, 13) if ctx.db.minor_floor(m)]
        first = "Update the NVIDIA driver" + (f" (minimum per CUDA major: {', '.join(floors)})" if floors else "")
    return first + ", or install a build for a CUDA version this driver supports:\n" + wheel_text(ctx)


@rule("CC802", "observed-driver-not-loaded", "driver_not_loaded", "driver", symptom=True)
def observed_driver_not_loaded(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows no working NVIDIA kernel driver on a (non-container) host.

    What it checks:
        torch's "Found no NVIDIA driver on your system", a failed `modprobe nvidia` /
        "Key was rejected by service" (Secure Boot), a missing libnvidia-ml.so.1 or
        libcuda.so.1, `nvidia-smi: command not found`, CUDA error 999 "unknown error" and
        "Failed to initialize NVML: Unknown Error" — outside a container (inside one the
        same lines mean the container got no GPU; see CC804). Where the report says the
        machine has no NVIDIA GPU, no driver is the expected state: an info finding; in an
        image's build (build steps never get the GPU) CC804 speaks; a
        missing driver seen only in a library's probe warning, with nothing failing for want
        of CUDA and no GPU meant, a possible warning. In an NVIDIA vGPU guest (a GRID driver
        or licence, a vGPU profile's name such as "GRID T4-16Q"), CUDA's "operation not
        supported" points at the guest driver, its licence or the vGPU's settings.
    Why it matters:
        Without a loaded kernel module no CUDA program runs. Typical causes: a new kernel
        without a rebuilt DKMS module, Secure Boot refusing the unsigned module, nouveau
        bound to the GPU; error 999 usually follows suspend/resume (nvidia_uvm).
    How to fix:
        Reinstall the driver for the running kernel (DKMS), sign it or disable Secure
        Boot, load it (`sudo modprobe nvidia`) or reboot; after suspend reload
        nvidia_uvm (`sudo rmmod nvidia_uvm && sudo modprobe nvidia_uvm`).
    """
    vgpu, unsupported = vgpu_guest(ctx), first_of(ctx, Obs.CUDA_NOT_SUPPORTED)
    if vgpu is not None and unsupported is not None:
        yield ctx.finding(
            "CUDA refuses an operation on this vGPU: the guest driver, its licence or the vGPU's settings",
            severity="error", certainty=POSSIBLE,
            detail=f"{quote(unsupported)}; {vgpu}. On NVIDIA vGPU the guest driver must come from the same vGPU "
                   "software release as the host's vGPU manager and hold a licence, and some CUDA features (unified "
                   "memory among them) are off unless the host enables them for the vGPU.",
            remedy="Check that the guest driver matches the host's vGPU software release and is licensed "
                   "(`nvidia-smi -q | grep -i -A2 licen`), reinstalling the guest driver from that release if not; "
                   "if the program uses managed memory, ask the host's administrator to enable unified memory for "
                   "this vGPU (`enable_uvm=1` in its vGPU parameters).",
            evidence=evidence(unsupported, first_of(ctx, Obs.VGPU)))
        return
    host = [o for o in all_of(ctx, Obs.NVML_LIBRARY_MISSING, Obs.LIBCUDA_MISSING) if _host_side(o)]
    wsl_libcuda = first_of(ctx, Obs.WSL) is not None and first_of(ctx, Obs.LIBCUDA_MISSING) is not None
    situation = gpu_situation(ctx)
    if situation is not None and situation.kind in ("wsl", "slurm", "vm", "notebook") and not host:
        return  # CC804: the GPU is not passed through to WSL or the VM, or the job got none
    if first_of(ctx, Obs.FALLEN_OFF_BUS, Obs.LSPCI_REV_FF) is not None or _card_said_failing(ctx):
        return  # a GPU that fell off the bus (or that the report shows failing) makes the driver fail too: CC820
    if first_of(ctx, Obs.GPU_LEGACY_DRIVER) is not None:
        return  # the driver ignores a GPU only a legacy branch supports: CC806 names the cause
    if hiding_mask(ctx) is not None and not host:
        return  # CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES hides every GPU: CC804
    if capabilities_without_compute(ctx) is not None and not host:
        return  # the container was given nvidia-smi but not libcuda: CC113
    if (_in_container(ctx) or container_gpu_access(ctx) is False) and not host:
        unknown = first_of(ctx, Obs.CUDA_UNKNOWN_ERROR)
        if unknown is not None and container_gpu_access(ctx) is not False:
            yield ctx.finding(
                "CUDA fails with “unknown error” (999) in the container: the host driver is in a bad state",
                certainty=POSSIBLE,
                detail=f"{quote(unknown)}. Usually the host's nvidia_uvm module after suspend/resume or a driver "
                       "update without reboot.",
                remedy="On the host: `sudo rmmod nvidia_uvm && sudo modprobe nvidia_uvm` (or reboot), then restart "
                       "the container.",
                evidence=evidence(unknown))
        return
    if wsl_libcuda:
        return  # CC811: WSL's libcuda is there, just not on the loader path
    if build_step_without_gpu(ctx) is not None and not host:
        return  # a step of an image build finds no driver: build steps never get the GPU (CC804)
    if first_of(ctx, Obs.LIBCUDA_LINK_MISSING) is not None and not host and \
            first_of(ctx, Obs.NO_NVIDIA_DRIVER, Obs.NVML_LIBRARY_MISSING, Obs.SMI_CANNOT_COMMUNICATE) is None:
        return  # the linker wants libcuda.so while building: a link path (CC826), not a missing driver
    module = next((o for o in all_of(ctx, Obs.KERNEL_MODULE_FAILED, Obs.NOUVEAU_BOUND)
                   if not re.search(r"uvm", o.text, re.IGNORECASE)), None)
    missing = host[0] if host else first_of(ctx, Obs.NO_NVIDIA_DRIVER, Obs.NVML_LIBRARY_MISSING) or next(
        (o for o in all_of(ctx, Obs.LIBCUDA_MISSING) if not _cudnn_wants_unversioned_libcuda(o)), None)
    if missing is not None and missing.signature != Obs.NO_NVIDIA_DRIVER and not host and torch_sees_gpu(ctx):
        missing = None  # torch uses the GPU, so the driver works: a library looked for libcuda or NVML its own way
    unknown = first_of(ctx, Obs.CUDA_UNKNOWN_ERROR, Obs.NVML_UNKNOWN_ERROR, Obs.CUDA_INIT_FAILED, Obs.RM_INIT_FAILED)
    no_smi = first_of(ctx, Obs.SMI_NOT_FOUND)
    if module is not None:
        secure_boot = "key was rejected" in module.text.lower()
        nouveau = module.signature == Obs.NOUVEAU_BOUND
        yield ctx.finding(
            "The open-source nouveau driver holds the GPU, not the NVIDIA driver" if nouveau else
            "The NVIDIA kernel module cannot be loaded" + (" (Secure Boot rejects it)" if secure_boot else ""),
            certainty=LIKELY, detail=f"{quote(module)}.",
            remedy=("Enroll the module signing key (`sudo mokutil --import …`) or disable Secure Boot, then "
                    "`sudo modprobe nvidia`." if secure_boot else
                    "Rebuild the driver for the running kernel (`sudo dkms autoinstall`, or reinstall the "
                    "nvidia-dkms package for your kernel), blacklist nouveau, then `sudo modprobe nvidia` or reboot."),
            evidence=evidence(module))
    elif missing is not None and ctx.non_nvidia_evidence and not host:
        # no NVIDIA GPU on purpose: no driver is the expected state, the program asked for CUDA anyway
        yield ctx.finding(
            "No NVIDIA driver, and the report says there is no NVIDIA GPU: the program asks for CUDA",
            severity="info", certainty=LIKELY,
            detail=f"{quote(missing)}; {ctx.non_nvidia_evidence}. Nothing is broken in the driver stack.",
            remedy="Run on the CPU: pass the program's device option (`--device cpu`), use "
                   "`torch.load(..., map_location='cpu')`, or pick the device with "
                   "`'cuda' if torch.cuda.is_available() else 'cpu'`.",
            evidence=evidence(missing))
    elif missing is not None and carried_on_without_cuda(ctx, missing):
        yield ctx.finding(
            "No NVIDIA driver on this machine, and the program carried on without CUDA", severity="warning",
            certainty=POSSIBLE,
            detail=f"{quote(missing)}. The line is a warning the program printed while probing for a GPU (torch, "
                   "TensorFlow and others do so on every machine without a driver), and nothing in the paste fails "
                   "for want of CUDA: a problem for this report only if the machine should use an NVIDIA GPU.",
            remedy="If it should: install the NVIDIA driver for the GPU (or reinstall it for the running kernel with "
                   "DKMS), reboot, and check with `nvidia-smi`. If not, nothing to fix.",
            evidence=evidence(missing))
    elif missing is not None:
        whats: Dict[str, str] = {Obs.NO_NVIDIA_DRIVER: "torch finds no NVIDIA driver",
                                 Obs.NVML_LIBRARY_MISSING: "the NVML library (libnvidia-ml.so.1) is missing",
                                 Obs.LIBCUDA_MISSING: "the CUDA driver library (libcuda.so.1) is missing"}
        what = whats[missing.signature]
        yield ctx.finding(
            f"No working NVIDIA driver: {what}", certainty=LIKELY,
            detail=f"{quote(missing)}. " + ("The NVIDIA Container Toolkit on the host cannot find the driver "
                                            "libraries: the host driver is missing, or Docker runs from a snap/"
                                            "rootless setup that cannot see them." if _host_side(missing) else
                                            "The driver is not installed, or its kernel module is not loaded for "
                                            "the running kernel"
                                            + (f" {ctx.snapshot.platform.kernel}" if ctx.snapshot.platform.kernel
                                               else "") + "."),
            remedy="Install the NVIDIA driver for this GPU (or reinstall it for the running kernel with DKMS) and "
                   "reboot; check with `nvidia-smi`. In WSL2 install the Windows driver, not a Linux one."
                   + (" For Docker use the distribution's docker package, not the snap." if _host_side(missing)
                      else ""),
            evidence=evidence(missing))
    elif unknown is not None and first_of(ctx, Obs.HARDWARE_SIGN_STATED) is not None:
        return  # an "unknown error" on a GPU the report ties to the hardware: CC820 names the cause
    elif unknown is not None:
        titles: Dict[str, str] = {
            Obs.CUDA_INIT_FAILED: "CUDA driver initialisation failed",
            Obs.RM_INIT_FAILED: "The NVIDIA driver could not initialise the GPU (RmInitAdapter failed)"}
        yield ctx.finding(
            titles.get(unknown.signature, "CUDA cannot initialise the driver (“unknown error”, 999)"),
            severity="error", certainty=POSSIBLE,
            detail=f"{quote(unknown)}. Most often after suspend/resume (nvidia_uvm lost its state), a driver "
                   "update without reboot, or a missing /dev/nvidia-uvm.",
            remedy="Reload the UVM module: `sudo rmmod nvidia_uvm && sudo modprobe nvidia_uvm`, or reboot. "
                   "Check `dmesg | grep -i -e nvrm -e xid`.",
            evidence=evidence(unknown))
    elif no_smi is not None:
        yield ctx.finding(
            "nvidia-smi is not available: the NVIDIA driver is probably not installed",
            severity="warning", certainty=POSSIBLE,
            detail=f"{quote(no_smi)}. nvidia-smi ships with the driver.",
            remedy="Install the NVIDIA driver for your GPU (e.g. `sudo ubuntu-drivers install`), then reboot.",
            evidence=evidence(no_smi))


@rule("CC803", "observed-driver-library-mismatch", "driver_library_mismatch", "driver", symptom=True)
def observed_driver_library_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """The kernel log shows an NVIDIA "API mismatch" between the kernel module and the client driver.

    What it checks:
        `NVRM: API mismatch: the client has the version X, but this kernel module has the
        version Y` in dmesg output, libcuda's "kernel version X does not match DSO version Y"
        (outside a container, or with the DSO no newer than the module), and CUDA error 804 on
        a host known not to be a container with no cuda-compat library in use. (NVML's "Driver/library version
        mismatch" and CUDA error 803 are recorded as facts and reported by CC103.)
    Why it matters:
        After a driver upgrade the old kernel module stays loaded; every CUDA and NVML
        call fails until it is reloaded.
    How to fix:
        Reboot, or unload and reload the NVIDIA modules with no GPU process running.
    """
    mismatch = first_of(ctx, Obs.NVRM_API_MISMATCH)
    compat = first_of(ctx, Obs.FORWARD_COMPAT_804)
    if mismatch is None and compat is not None and forward_compat_cause(ctx) == "driver_library_mismatch":
        yield ctx.finding(
            "CUDA error 804 on the host: the driver's libraries are newer than the loaded kernel module",
            certainty=POSSIBLE,
            detail=f"{quote(compat)}. No container and no cuda-compat library is involved, so the libcuda that "
                   "loaded belongs to a driver update whose kernel module is not loaded yet.",
            remedy="Reboot (or reload the NVIDIA modules with no GPU process running: `sudo rmmod nvidia_uvm "
                   "nvidia_drm nvidia_modeset nvidia && sudo modprobe nvidia`).",
            evidence=evidence(compat, first_of(ctx, Obs.BARE_METAL)))
        return
    if mismatch is None or _image_libcuda_newer(ctx) is not None:
        return  # a container's own newer libcuda (its cuda-compat) against the host's module: CC818
    client = (mismatch.values.get("client") or mismatch.values.get("dso") or "").rstrip(".") or None
    kernel = (mismatch.values.get("kernel") or mismatch.values.get("kernel_dso") or "").rstrip(".") or None
    yield ctx.finding(
        f"Driver {client or '?'} user-space libraries run against kernel module {kernel or '?'}",
        certainty=LIKELY, detail=f"{quote(mismatch)}.",
        remedy="Reboot, or reload the module: `sudo rmmod nvidia_uvm nvidia_drm nvidia_modeset nvidia && "
               "sudo modprobe nvidia`.",
        evidence=evidence(mismatch))


def _image_libcuda_newer(ctx: RuleContext) -> Optional[Observation]:
    """libcuda's "kernel version X does not match DSO version Y" with the DSO of a newer driver branch, in a
    container (or an image named): the image's cuda-compat libcuda, not a host whose driver update awaits a reboot."""
    mismatch = next((o for o in all_of(ctx, Obs.NVRM_API_MISMATCH) if o.values.get("dso")), None)
    if mismatch is None:
        return None
    kernel, dso = driver_branch(mismatch.values.get("kernel_dso")), driver_branch(mismatch.values.get("dso"))
    in_container = ctx.snapshot.container.in_container or (
        ctx.snapshot.container.in_container is None and first_of(ctx, Obs.IMAGE_CUDA, Obs.NGC_RELEASE) is not None)
    return mismatch if kernel is not None and dso is not None and dso > kernel and in_container else None


# --- GPU access -------------------------------------------------------------------------------
_GOOGLE_CLOUD_NOTE = (" On GKE (and GCP's Container-Optimized OS) the driver's libraries are mounted at "
                      "/usr/local/nvidia, which the image's LD_LIBRARY_PATH must name: images built on CUDA 12.8 and "
                      "newer base images no longer do (`ENV LD_LIBRARY_PATH=/usr/local/nvidia/lib64:$LD_LIBRARY_PATH`).")


def _seen_elsewhere(ctx: RuleContext) -> Tuple[Optional[Observation], Optional[Observation]]:
    """(torch answering that CUDA is available, the program's own "no GPU") where the paste shows both and no mask:
    the same machine and torch see the GPU in one process and not in the program."""
    if hiding_mask(ctx) is not None or not torch_sees_gpu(ctx):
        return None, None
    seen = next((o for o in all_of(ctx, Obs.CUDA_AVAILABLE) if o.values.get("source") != "collect_env"), None)
    return seen, first_of(ctx, Obs.NO_CUDA_GPUS, Obs.NO_CUDA_DEVICE)


@rule("CC804", "observed-no-gpu-visible", "no_gpu_visible", "container", symptom=True)
def observed_no_gpu_visible(ctx: RuleContext) -> Iterator[Finding]:
    """The program sees no GPU although one should be there (container without GPUs, masks).

    What it checks:
        A pasted `docker run` without `--gpus`/`--runtime=nvidia` (or `nvidia-docker`)
        next to `torch.cuda.is_available() == False` or a no-GPU message; Docker's "could
        not select device driver \\"\\" with capabilities: [[gpu]]" and "unknown runtime
        nvidia" (the NVIDIA Container Toolkit is missing; where the paste shows daemon.json
        registering the nvidia runtime, the daemon has not loaded it — category `config`); CUDA failing to start with error
        500 "named symbol not found" (a WSL2 container whose toolkit predates the Windows
        driver's libnvdxgdmal.so.1); nvidia-container-cli's "device
        error: …: unknown device" (a GPU index or UUID the host does not have); NVML's
        "Insufficient Permissions" and WSL's "GPU access blocked by the operating system";
        an nvidia-container-runtime (hook) Docker cannot find; (possible)
        a report whose fix gives the container GPU access ("after adding --gpus all it
        works", "I had to set the nvidia.com/gpu limit"); a stub
        libcuda (error 34) in a container started without GPU access or in a pod (no driver
        library was put in; elsewhere the stub is on the loader path: CC811); WSL's "no
        CUDA-capable device" only while nvidia-smi in WSL does not see the GPU (where it does,
        another libcuda answers: CC811); the NGC banner "The NVIDIA
        Driver was not detected"; no-driver messages inside a container; CUDA error 100
        "no CUDA-capable device is detected" and "No CUDA GPUs are available" (with a
        CUDA_VISIBLE_DEVICES mask when one was pasted); CUDA unavailable next to a pasted
        CUDA_VISIBLE_DEVICES or NVIDIA_VISIBLE_DEVICES that hides every GPU. Docker refusing
        a GPU request on a host the report says has no NVIDIA GPU is info (the request is the
        mistake); on Google Cloud (GKE, GCP) the remedy names /usr/local/nvidia/lib64;
        nvidia-smi in a container showing "CUDA Version: N/A" (the runtime mounted the
        `utility` part of the driver but not `compute`; where the paste shows
        NVIDIA_DRIVER_CAPABILITIES, CC113 says so). A step of an image's build that finds
        no driver, nvidia-smi or CUDA (a build log, or the report saying the GPU is not found
        "during build time") with no container run in the paste: a warning, likely where
        the report says so — `docker build` runs its steps without the NVIDIA runtime. A
        docker-compose too old for GPU reservations is CC826's.
    Why it matters:
        The container (or process) has no GPU device: everything runs on the CPU or
        fails, while the host itself is fine.
    How to fix:
        Start the container with `--gpus all` (Docker ≥ 19.03 with the NVIDIA Container
        Toolkit; `nvidia-docker` in old setups), install and configure the toolkit
        (`sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart
        docker`), or unset/fix CUDA_VISIBLE_DEVICES.
    """
    if first_of(ctx, Obs.COMPOSE_TOO_OLD) is not None:
        return  # the compose file asks for the GPU in words this docker-compose does not know: CC826
    in_build = build_step_without_gpu(ctx)
    if in_build is not None:
        absent, built = in_build
        yield ctx.finding(
            "A step of the image build looks for the GPU: build steps run without one", severity="warning",
            certainty=LIKELY if absent.signature == Obs.BUILD_WITHOUT_GPU else POSSIBLE,
            detail=(f"{quote(absent)}" + (f"; {quote(built)}" if built.text != absent.text else "") +
                    ". `docker build` runs each step without the NVIDIA runtime (a daemon.json default runtime "
                    "does not change that), so no driver library, nvidia-smi or GPU is there; the containers "
                    "started from the image get them."),
            remedy="Check the GPU when the container runs (`docker run --gpus all <image> nvidia-smi`), not in a "
                   "RUN step; a step that compiles CUDA code needs only the toolkit (set TORCH_CUDA_ARCH_LIST, "
                   "and FORCE_CUDA=1 where the project reads it, since no GPU can be detected).",
            evidence=evidence(absent, built))
        return
    na = first_of(ctx, Obs.SMI_CUDA_NA)
    if na is not None and _in_container(ctx) and capabilities_without_compute(ctx) is None:
        yield ctx.finding(
            "The container has nvidia-smi but not the CUDA driver library", certainty=LIKELY,
            detail=f"{quote(na)}. nvidia-smi shows the driver's CUDA version only where libcuda is present: the "
                   "NVIDIA runtime mounted the `utility` part of the driver but not `compute` (a base image that "
                   "sets no NVIDIA_DRIVER_CAPABILITIES gets `utility` only).",
            remedy="Start the container with `-e NVIDIA_DRIVER_CAPABILITIES=compute,utility` (or `all`), or build "
                   "from an `nvidia/cuda` base image, which sets it; then `nvidia-smi` shows a CUDA version.",
            evidence=evidence(na))
        return
    toolkit = first_of(ctx, Obs.DOCKER_NO_GPU_DRIVER, Obs.DOCKER_UNKNOWN_RUNTIME, Obs.CDI_UNRESOLVABLE)
    if toolkit is not None and ctx.non_nvidia_evidence:
        yield ctx.finding(
            "The container asks for a GPU on a host without an NVIDIA GPU",
            severity="info", certainty=LIKELY,
            detail=f"{quote(toolkit)}; {ctx.non_nvidia_evidence}. Docker refuses a GPU request (`--gpus`, a compose "
                   "file's `deploy.resources.reservations.devices`) that nothing on the host can serve.",
            remedy="Start the container without the GPU request (drop `--gpus` / the compose file's GPU reservation, "
                   "or use the project's CPU variant of the image).",
            evidence=evidence(toolkit))
        return
    configured = first_of(ctx, Obs.DAEMON_RUNTIME_CONFIGURED)
    loaded = first_of(ctx, Obs.DOCKER_INFO_RUNTIMES)
    not_loaded = loaded is not None and "nvidia" not in (loaded.values.get("runtimes") or "").lower()
    if toolkit is not None and configured is not None and (not_loaded or toolkit.signature == Obs.DOCKER_UNKNOWN_RUNTIME):
        yield ctx.finding(
            "Docker's daemon has not loaded the nvidia runtime that daemon.json registers",
            certainty=LIKELY if not_loaded else POSSIBLE, category="config",
            detail=f"{quote(toolkit)}; {quote(configured)}" + (f"; {quote(loaded)}" if loaded is not None else "")
                   + ". dockerd reads daemon.json only when it starts, and only its own: Docker Desktop and the snap "
                     "package keep theirs elsewhere.",
            remedy="Restart the daemon (`sudo systemctl restart docker`; Docker Desktop: restart it, or set the runtime "
                   "in its Settings → Docker Engine), then check that `docker info | grep -i runtime` lists nvidia.",
            evidence=evidence(toolkit, configured, loaded))
        return
    if toolkit is not None:
        yield ctx.finding(
            "Docker cannot give the container a GPU: the NVIDIA Container Toolkit is missing or not configured",
            certainty=LIKELY, detail=f"{quote(toolkit)}.",
            remedy="Install the NVIDIA Container Toolkit on the host and register it with Docker: "
                   "`sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker`; "
                   "then `docker run --gpus all …`.",
            evidence=evidence(toolkit))
        return
    symbol = first_of(ctx, Obs.CUDA_INIT_SYMBOL_MISSING)
    if symbol is not None:
        situation = gpu_situation(ctx)
        where = situation is not None and situation.kind in ("wsl", "container") or \
            platform_system(ctx) == "windows" or first_of(ctx, Obs.CONTAINER_MARKER) is not None
        yield ctx.finding(
            "CUDA cannot start in the container: its NVIDIA Container Toolkit does not mount all of the Windows "
            "driver's libraries (WSL2)",
            certainty=LIKELY if where else POSSIBLE,
            detail=f"{quote(symbol)}. Error 500 (named symbol not found) when CUDA starts is what a WSL2 container "
                   "gives with Windows drivers 555 and newer when libnvdxgdmal.so.1 is not mapped into it: "
                   "nvidia-container-toolkit before 1.14.4 / 1.15.0, Docker Desktop before 4.31.",
            remedy="Update Docker Desktop (4.31 or newer) or the NVIDIA Container Toolkit in the WSL distribution "
                   "(1.15 or newer: `sudo apt install --only-upgrade nvidia-container-toolkit`), then restart Docker; "
                   "check with `docker run --rm --gpus all nvcr.io/nvidia/k8s/cuda-sample:nbody nbody -benchmark`.",
            evidence=evidence(symbol))
        return
    denied = first_of(ctx, Obs.NVML_ACCESS_DENIED)
    if denied is not None:
        wsl = "blocked by the operating system" in denied.text.lower() or ctx.snapshot.container.runtime == "wsl"
        yield ctx.finding(
            "WSL does not pass the GPU to Linux: Windows blocks GPU access" if wsl else
            "NVML may not open the GPU: the /dev/nvidia* device nodes are not accessible to this process",
            certainty=LIKELY if wsl else POSSIBLE, detail=f"{quote(denied)}.",
            remedy=_SITUATION_WSL_REMEDY if wsl else
            "Give the process access to /dev/nvidia* (`ls -l /dev/nvidia*`; the user in the video/render group, or "
            "the udev rules of the driver package); rootless Podman/Docker: `no-cgroups = true` in "
            "/etc/nvidia-container-runtime/config.toml and the CDI spec (`nvidia-ctk cdi generate`).",
            evidence=evidence(denied))
        return
    unknown_device = first_of(ctx, Obs.CONTAINER_UNKNOWN_DEVICE)
    if unknown_device is not None:
        asked_for = unknown_device.values.get("device")
        yield ctx.finding(
            "The container asks for a GPU the host does not have" + (f" ({asked_for})" if asked_for else ""),
            certainty=LIKELY,
            detail=f"{quote(unknown_device)}. The NVIDIA Container Toolkit resolves `--gpus device=…` / "
                   "NVIDIA_VISIBLE_DEVICES against the host's GPUs; an index beyond them, or the UUID of a GPU that was "
                   "replaced, fell off the bus or was split into MIG instances, is unknown to it.",
            remedy="Run `nvidia-smi -L` on the host and ask for an index or UUID it lists (`--gpus '\"device=0\"'`), "
                   "or `--gpus all`; if a GPU is missing from that list, see why on the host (`dmesg | grep -i xid`).",
            evidence=evidence(unknown_device))
        return
    run = docker_run(ctx)
    access = container_gpu_access(ctx)
    unavailable = cuda_unavailable(ctx)
    signs = [o for o in all_of(ctx, *NO_GPU_SIGNS) if not _host_side(o)]
    if access is False and (unavailable is not None or signs):
        symptom = unavailable or signs[0]
        start = run or first_of(ctx, Obs.CONTAINER_MARKER)
        yield ctx.finding(
            "The container was started without GPU access",
            certainty=LIKELY,
            detail=f"The pasted start (command, compose service or Apptainer call) asks for no GPU: {quote(start)}. "
                   f"Inside, {quote(symptom)}. Without the NVIDIA runtime a container gets no GPU devices and no "
                   "driver libraries.",
            remedy="Start it with the NVIDIA runtime: `docker run --gpus all …` (needs the NVIDIA Container Toolkit "
                   "on the host; very old setups: `nvidia-docker run …`). Kubernetes: request `nvidia.com/gpu`.",
            evidence=evidence(start, symptom) + ["container.gpus_flag"])
        return
    if wsl_libcuda_shadowed(ctx) is not None:
        return  # WSL passes the GPU through and another libcuda answers: CC811
    past = mask_past_gpus(ctx) if hiding_mask(ctx) is None else None
    missing = unavailable or first_of(ctx, Obs.NO_CUDA_GPUS, Obs.NO_CUDA_DEVICE)
    if past is not None and missing is not None:
        yield ctx.finding(
            f"CUDA_VISIBLE_DEVICES={past.raw!r} names GPU {(past.raw or '').split(',')[0].strip()}: on a machine "
            "with fewer GPUs it hides them all",
            certainty=POSSIBLE,
            detail=f"{quote(missing)}. GPUs are counted from 0, and CUDA stops reading the list at the first index "
                   "the machine does not have; a script written for a bigger machine (`CUDA_VISIBLE_DEVICES=1`) "
                   "leaves a one-GPU machine with none.",
            remedy="Set it to an index `nvidia-smi -L` lists (`CUDA_VISIBLE_DEVICES=0` on a one-GPU machine) or remove "
                   "it from the launch script.",
            evidence=evidence(missing) + ["container.cuda_visible_devices"])
        return
    seen, unseen = _seen_elsewhere(ctx)
    if seen is not None and unseen is not None:
        yield ctx.finding(
            "torch sees the GPU in a plain Python, but this program sees none: its start hides the GPU",
            certainty=LIKELY,
            detail=f"{quote(seen)}, yet the program says {quote(unseen)}. The driver and the torch build work; "
                   "something between them and this program hides the GPUs, most often a CUDA_VISIBLE_DEVICES its "
                   "launch script, config file or code sets to an index this machine does not have.",
            remedy="Look for CUDA_VISIBLE_DEVICES in the launch script (`export CUDA_VISIBLE_DEVICES=2`), the config "
                   "file and the code (`os.environ['CUDA_VISIBLE_DEVICES'] = …`, a `--gpu` option) and set it to an "
                   "index `nvidia-smi -L` lists (0 on a one-GPU machine) or remove it. Launchers set it too: Ray "
                   "and Slurm hide the GPUs from a task that did not ask for one.",
            evidence=evidence(seen, unseen))
        return
    if capabilities_without_compute(ctx) is not None:
        return  # the container was given nvidia-smi but not libcuda: CC113
    banner = first_of(ctx, Obs.NGC_NO_DRIVER) if not ctx.non_nvidia_evidence else None  # no GPU on purpose
    situation = gpu_situation(ctx)
    # a report that says the machine has no NVIDIA GPU (a Mac running a Linux container) expects none inside either
    inside = _no_gpu_signs(ctx, situation, access) if situation is not None and not ctx.non_nvidia_evidence else []
    if banner is not None or inside:
        symptom = banner or inside[0]
        kind = situation.kind if situation is not None else "container"
        unknown = symptom.signature == Obs.NVML_UNKNOWN_ERROR and kind in ("container", "kubernetes")
        granted = access is True and not unknown and kind == "container"
        requested = situation is not None and kind == "slurm" and situation.evidence is not None and \
            situation.evidence.values.get("gpus_requested") == "yes" and \
            situation.evidence.values.get("login_node") != "yes"
        google = first_of(ctx, Obs.GOOGLE_CLOUD) if kind in ("container", "kubernetes") else None
        title = ("The container has lost access to the GPUs" if unknown else
                 "The container got no GPU although it was started with GPU access" if granted else
                 {"container": "The container has no access to the GPUs",
                  "kubernetes": "The pod has no GPU: it was not given one (or lost it)",
                  "wsl": f"{situation.words if situation else 'WSL'} sees no GPU: the Windows driver does not pass it "
                         "through",
                  "slurm": ("No GPU on a login node" if situation and situation.words == "a login node" else
                            "No GPU in a cluster job") + ": the job did not get one",
                  "vm": "The virtual machine has no GPU: it is not passed through",
                  "notebook": "The notebook runs without a GPU runtime"}[kind])
        yield ctx.finding(
            title, certainty=POSSIBLE if unknown or granted or requested else LIKELY,
            detail=f"{quote(symptom)}." + (f" Where it runs: {quote(situation.evidence)}." if situation and
                                           situation.evidence and situation.evidence is not symptom else "")
                   + (" In containers this follows a `systemctl daemon-reload` on the host (cgroup device rules "
                      "reset) with the cgroupfs driver." if unknown else ""),
            remedy=("Restart the container; for a lasting fix configure the NVIDIA runtime with the systemd "
                    "cgroup driver or use CDI (`nvidia-ctk cdi generate`)." if unknown else
                    "Check the host: `nvidia-smi` there, then `docker run --rm --gpus all ubuntu nvidia-smi`; "
                    "reinstall/configure the NVIDIA Container Toolkit (`sudo nvidia-ctk runtime configure "
                    "--runtime=docker && sudo systemctl restart docker`)." if granted else
                    situation.remedy if situation is not None else
                    "Start the container with `--gpus all` (or `--runtime=nvidia` / `NVIDIA_VISIBLE_DEVICES=all`) "
                    "on a host with the NVIDIA Container Toolkit.") + (_GOOGLE_CLOUD_NOTE if google else ""),
            evidence=evidence(symptom, situation.evidence if situation else None, google))
        return
    uvm = first_of(ctx, Obs.UVM_MISSING)
    if uvm is not None and not _main_module_missing(ctx):
        yield ctx.finding(
            "The nvidia-uvm module (/dev/nvidia-uvm) is missing: CUDA cannot create a context",
            certainty=LIKELY, detail=f"{quote(uvm)}. The driver itself is there; CUDA also needs the unified-memory "
                                     "module and its device node.",
            remedy="Load it: `sudo nvidia-modprobe -u -c=0` (or `sudo modprobe nvidia-uvm`, with the module name "
                   "of your driver package); in a container also pass `/dev/nvidia-uvm`.",
            evidence=evidence(uvm))
        return
    hidden = hiding_mask(ctx)
    masked = hidden is not None
    mask = hidden[0] if hidden else None
    nvidia_mask = ctx.snapshot.container.nvidia_visible_devices
    device = first_of(ctx, Obs.NO_CUDA_DEVICE, Obs.NO_CUDA_GPUS, Obs.SMI_NO_DEVICES) or \
        ((unavailable or first_of(ctx, Obs.CUDA_INIT_FAILED, Obs.NO_NVIDIA_DRIVER)) if masked else None)
    if device is not None and not masked and first_of(ctx, Obs.HARDWARE_SIGN_STATED) is not None:
        return  # a GPU the report says dropped out or failed: CC820 names the hardware
    if device is not None:
        yield ctx.finding(
            "CUDA sees no GPU" + (f" ({'NVIDIA' if mask is nvidia_mask else 'CUDA'}_VISIBLE_DEVICES={mask.raw!r} "
                                  "hides them)" if masked and mask else ""),
            certainty=LIKELY if masked else POSSIBLE,
            detail=f"{quote(device)}. Either no GPU is passed to this process (container without `--gpus`, "
                   "CUDA_VISIBLE_DEVICES empty or wrong), or the driver is not working.",
            remedy=("Start the container with `--gpus all` / `NVIDIA_VISIBLE_DEVICES=all`." if masked and
                    mask is nvidia_mask else
                    "`unset CUDA_VISIBLE_DEVICES` or set it to valid GPU indices." if masked else
                    "Check `nvidia-smi` (does the host see the GPU?), `echo $CUDA_VISIBLE_DEVICES`, and for "
                    "containers `--gpus all`. " + NEXT_STEP),
            evidence=evidence(device) + ([f"container.{'nvidia' if mask is nvidia_mask else 'cuda'}_visible_devices"]
                                         if masked else []))
        return
    busy = first_of(ctx, Obs.DEVICES_UNAVAILABLE)
    if busy is not None and first_of(ctx, Obs.EXCLUSIVE_PROCESS) is None:  # exclusive mode chosen: CC826
        yield ctx.finding(
            "The GPU is busy or reserved for another process", severity="error", certainty=POSSIBLE,
            detail=f"{quote(busy)}. The GPU is in Exclusive-Process compute mode with another process on it, or "
                   "is held by another container/VM.",
            remedy="Check `nvidia-smi` (Compute M. column and processes); `sudo nvidia-smi -c DEFAULT` or stop the "
                   "other process.",
            evidence=evidence(busy))
        return
    if run is not None and access is False:
        image = run.values.get("image")
        if run.values.get("gpu_image") == "yes":
            yield ctx.finding(
                f"The container ({image}) is started without GPU access",
                severity="warning", certainty=POSSIBLE,
                detail=f"{quote(run)} has no `--gpus` / `--runtime=nvidia`, so the container sees no GPU.",
                remedy="Add `--gpus all` to the `docker run` command (NVIDIA Container Toolkit on the host).",
                evidence=evidence(run) + ["container.gpus_flag"])
            return
    fix = first_of(ctx, Obs.GPU_ACCESS_FIX_STATED)
    if fix is not None:
        yield ctx.finding(
            "The container or pod had no GPU: the fix the report names gives it one",
            severity="warning", certainty=POSSIBLE,
            detail=f"{quote(fix)}. A GPU flag, runtime or resource limit added as the fix means the container or pod "
                   "was started without GPU access before.",
            remedy="Keep the GPU request in the start command or manifest: `docker run --gpus all …`, compose "
                   "`runtime: nvidia` or a device reservation, Apptainer `--nv`, Kubernetes `resources: limits: "
                   "nvidia.com/gpu: 1`.",
            evidence=evidence(fix))


@rule("CC817", "observed-fabric-manager", "fabricmanager_missing", "driver", symptom=True)
def observed_fabric_manager(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows the NVIDIA Fabric Manager service failed or not running.

    What it checks:
        `systemctl status nvidia-fabricmanager` showing "Active: failed/inactive", "Unit
        nvidia-fabricmanager.service could not be found", and the service's own "fabric
        manager NVIDIA GPU driver interface version X don't match with driver version Y".
        (CUDA error 802 "system not yet initialized" is a fact: CC106.) Where every GPU the
        paste shows is a desktop or workstation part (no NVSwitch to configure), info.
    Why it matters:
        On NVSwitch systems (HGX/DGX A100/H100/H200/B200) CUDA cannot initialise until
        Fabric Manager has configured the switches: `torch.cuda.is_available()` is False
        or every call fails with 802, while nvidia-smi looks healthy.
    How to fix:
        Install the nvidia-fabricmanager package of exactly the driver's version, then
        `sudo systemctl enable --now nvidia-fabricmanager`; check `journalctl -u
        nvidia-fabricmanager`.
    """
    failed = first_of(ctx, Obs.FABRICMANAGER_FAILED)
    if failed is None:
        return
    known = [g for g in ctx.gpus if g.row is not None]
    if known and len(known) == len(ctx.gpus) and \
            all(g.row is not None and g.row.segment in ("consumer", "workstation") for g in known):
        # Fabric Manager configures NVSwitches: a machine of desktop and workstation GPUs has none (a datacenter
        # GPU named by its family alone may be an SXM part, so it is not counted out)
        yield ctx.finding(
            "Fabric Manager is not running, and these GPUs do not need it", severity="info", certainty=LIKELY,
            detail=f"{quote(failed)}; GPUs: {', '.join(sorted({g.label for g in ctx.gpus}))}. Fabric Manager is "
                   "needed only on NVSwitch systems (HGX/DGX boards with SXM GPUs); desktop and workstation GPUs "
                   "work without it.",
            remedy="Nothing to do for Fabric Manager here; the failure lies elsewhere.", evidence=evidence(failed))
        return
    versions = re.search(r"interface version (\S+) don'?t match with driver version (\S+?)\.?(?:\s|$)", failed.text)
    yield ctx.finding(
        "Fabric Manager does not match the driver version" if versions else "The NVIDIA Fabric Manager is not running",
        certainty=LIKELY,
        detail=f"{quote(failed)}." + (f" Fabric Manager {versions.group(1)}, driver {versions.group(2)}: they must "
                                      "be the same version." if versions else
                                      " On NVSwitch systems CUDA stays uninitialised (error 802) without it."),
        remedy="Install the nvidia-fabricmanager package of exactly the driver's version (e.g. "
               "`apt install nvidia-fabricmanager-<branch>=<driver version>-1`), then "
               "`sudo systemctl enable --now nvidia-fabricmanager`.",
        evidence=evidence(failed))


# --- forward compatibility and container requirements ---------------------------------------
@rule("CC818", "observed-forward-compat-unsupported", "forward_compat_unsupported", "driver", symptom=True)
def observed_forward_compat_unsupported(ctx: RuleContext) -> Iterator[Finding]:
    """CUDA error 804 where cuda-compat libraries were used although nothing needed them.

    What it checks:
        "forward compatibility was attempted on non supported HW" (804) outside a
        container with a cuda-compat folder on the pasted LD_LIBRARY_PATH, a compat
        libcuda in pasted loader output (`ldconfig -p`) or a cuda-compat install; or in a
        container whose image CUDA has the major the host driver supports, so
        minor-version compatibility would have run it without the image's compat
        libraries. (A container whose image needs a newer CUDA major than the host
        driver: the old host driver is the cause, CC801.) libcuda's "kernel version X does
        not match DSO version Y" in a container with the DSO of a newer branch: the image's
        compat libcuda on a GPU or branch that cannot use it.
    Why it matters:
        Forward compatibility works only on datacenter GPUs (and a few NGC-ready RTX SKUs,
        Jetson); on other GPUs the compat libcuda makes every CUDA call fail.
    How to fix:
        Remove the compat folder from LD_LIBRARY_PATH / ld.so.conf (in a container: start
        it without the image's compat libraries) and update the driver instead.
    """
    compat = first_of(ctx, Obs.FORWARD_COMPAT_804)
    newer = _image_libcuda_newer(ctx)
    if compat is None and newer is not None:
        yield ctx.finding(
            f"The image's libcuda (driver {newer.values.get('dso')}) cannot drive the host's kernel module "
            f"({newer.values.get('kernel_dso')})", certainty=LIKELY,
            detail=f"{quote(newer)}. The image puts its cuda-compat libcuda (forward compatibility) ahead of the host "
                   "driver's, and this GPU or driver branch cannot use it: forward compatibility runs only on "
                   "datacenter GPUs the newer branch still supports.",
            remedy="Use an image whose CUDA the host driver supports (nvidia-smi's \"CUDA Version\"), or start it "
                   "without the image's compat libraries (remove /usr/local/cuda/compat from LD_LIBRARY_PATH / "
                   "ld.so.conf); or update the host driver where the GPU is still supported.",
            evidence=evidence(newer))
        return
    if compat is None or forward_compat_cause(ctx) != "forward_compat_unsupported":
        return
    culprits = ld_entries(ctx, "compat")
    image = newest_image_cuda(ctx)
    in_container = image is not None and ctx.driver_cuda
    unseen = image is None and not compat_libraries_in_use(ctx)  # the error's own words are the only evidence
    yield ctx.finding(
        "cuda-compat forward-compatibility libraries are used on a GPU that does not support them",
        certainty=POSSIBLE if unseen else LIKELY,
        detail=f"{quote(compat)}." + (f" LD_LIBRARY_PATH has {', '.join(culprits)}." if culprits else "")
               + (" The paste does not show where the compat libcuda comes from: `ldconfig -p | grep libcuda` and "
                  "LD_LIBRARY_PATH name it." if unseen else "")
               + (f" The host driver supports CUDA {ctx.driver_cuda}, the image {image[0]} needs CUDA {image[1]}: "
                  "minor-version compatibility runs it without cuda-compat, but the container runtime put the "
                  "image's compat libraries first." if in_container and image else ""),
        remedy=("Start the container without the image's compat libraries (recent NVIDIA Container Toolkit "
                "versions skip them on GPUs that do not support forward compatibility; otherwise remove "
                "/usr/local/cuda/compat from the image's LD_LIBRARY_PATH / ld.so.conf), or update the host driver."
                if in_container else
                "Remove the cuda-compat folder from LD_LIBRARY_PATH (and /etc/ld.so.conf.d), uninstall cuda-compat, "
                "and update the NVIDIA driver to the CUDA version you need."),
        evidence=evidence(compat) + (["container.env.LD_LIBRARY_PATH"] if culprits else []))


@rule("CC819", "observed-container-requirement", "container_requirement_unsatisfied", "container", symptom=True)
def observed_container_requirement(ctx: RuleContext) -> Iterator[Finding]:
    """The NVIDIA Container Toolkit refused to start the container: NVIDIA_REQUIRE_CUDA is not met.

    What it checks:
        "nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.4" (the
        toolkit echoes only the first term of the image's NVIDIA_REQUIRE_CUDA), and
        "requirement error: invalid expression" (a toolkit too old to parse the image's
        requirement). A `cuda>=`
        condition the host driver does not meet is an old driver (category
        `driver_too_old`); one it does meet is the toolkit misreading it; a failed `brand`
        or `driver` alternative ("brand = tesla") means the requirement's first term, the
        image's `cuda>=` (from the toolkit's command line or the image's tag), failed too;
        a brand the toolkit does not know ("brand = quadrortx: unknown") and `arch`
        conditions stay container requirements. The host driver's own CUDA is judged (from
        its version), not what a compat libcuda in the container reports.
    Why it matters:
        The image was built for a newer CUDA than the host driver supports; the container
        does not start.
    How to fix:
        Update the host driver to one that supports the image's CUDA (the remedy gives
        the minimum), or use an image built for an older CUDA.
    """
    requirement = first_of(ctx, Obs.CONTAINER_REQUIREMENT)
    if requirement is None:
        return
    if requirement.values.get("invalid"):
        yield ctx.finding(
            "The NVIDIA Container Toolkit cannot parse the image's NVIDIA_REQUIRE_CUDA (it is older than the image)",
            certainty=LIKELY,
            detail=f"{quote(requirement)}. Newer images list requirement terms (brands, driver ranges) that older "
                   "nvidia-container-cli releases do not understand, so the container is refused before the driver "
                   "is compared.",
            remedy="Update the NVIDIA Container Toolkit on the host; meanwhile `-e NVIDIA_DISABLE_REQUIRE=1` skips "
                   "the check (then make sure the host driver supports the image's CUDA).",
            evidence=evidence(requirement))
        return
    condition = requirement.values.get("condition", "").rstrip(",.;:")
    wanted = re.search(r"cuda\s*>=?\s*(\d+\.\d+)", condition)
    cuda = wanted.group(1) if wanted else None
    image = newest_image_cuda(ctx)
    if cuda is None and not requirement.values.get("unknown") and re.match(r"(?:brand|driver)\b", condition):
        # a brand or driver-range alternative failed: the requirement's first term, the image's `cuda>=`, failed
        # before it (a term the toolkit does not know, "brand = quadrortx: unknown", is the toolkit's own limit)
        cuda = image[1] if image else None
    needed = driver_needed(ctx, cuda) if cuda else None
    host_cuda = driver_own_cuda(ctx) or ctx.driver_cuda  # the host driver's own, not a compat libcuda's
    driver = f"; the host driver {ctx.driver_version} supports CUDA {host_cuda or '?'}" \
        if ctx.driver_version else ""
    have, want = major_minor(host_cuda), major_minor(cuda)
    if want is not None and have is not None and have >= want:
        # the driver does support it: the toolkit read the driver wrong (WSL, an old toolkit) or the image asks more
        yield ctx.finding(
            f"The container toolkit refuses {condition}, although the host driver supports CUDA {host_cuda}",
            certainty=LIKELY, detail=f"{quote(requirement)}{driver}.",
            remedy="Update the NVIDIA Container Toolkit (older versions misread the driver's CUDA version under "
                   "WSL2); meanwhile `-e NVIDIA_DISABLE_REQUIRE=1` skips the check.",
            evidence=evidence(requirement))
        return
    told = condition if wanted else f"CUDA {cuda}" if cuda else condition
    yield ctx.finding(
        f"The image requires {told or 'a newer CUDA'}, which the host driver does not support",
        certainty=LIKELY, category="driver_too_old" if want is not None else None,
        detail=f"{quote(requirement)}{driver}." + (" The host driver is older than the image's CUDA." if want else "")
               + ("" if wanted or want is None else
                  f" The toolkit names the last alternative that failed ({condition}); the first, cuda>={cuda}, failed "
                  "before it."),
        remedy=(f"Update the host NVIDIA driver to {needed}" if needed else "Update the host NVIDIA driver")
               + ", or use an image built for the CUDA version `nvidia-smi` reports.",
        evidence=evidence(requirement))
