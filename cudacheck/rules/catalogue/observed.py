"""Observed error signatures: what a pasted report (or a deep child's output) shows
that facts alone cannot express.

Every rule here is a *symptom* rule: when a fact-based rule names a cause of the same
category (CC201 from the GPU and the build's arch list, CC210 from driver and build
CUDA, …), the engine folds the observation into that finding as evidence instead of
reporting it twice. Alone, an observation is reported with the certainty a single line
deserves: ``likely`` when the message states the cause itself ("The NVIDIA driver on
your system is too old"), ``possible`` when it only points at it ("no space left on
device" in a container).

Signature names are those of :mod:`cudacheck.triage.signatures`; context observations
(``docker_run``, ``cuda_available``, ``install_command``, ``environment``,
``torch_version_imported``, …) come from the triage importers.
"""
from __future__ import annotations

import re
from typing import Dict, Iterator, List, Optional, Tuple

from ...compat.archs import Arch, coverage, parse_arch
from ...report import Finding
from ...snapshot import Observation
from ...versions import cuda_from_int, major_minor, parse
from ..context import RuleContext
from ..registry import rule

LIKELY = "likely"
POSSIBLE = "possible"
NEXT_STEP = "Run `cudacheck doctor --format markdown` on the affected machine and paste the output."


# --- observation helpers ---------------------------------------------------------------------
def _index(ctx: RuleContext) -> Dict[str, List[Observation]]:
    cached = getattr(ctx, "_observation_index", None)
    if cached is None:
        cached = {}
        for observation in ctx.snapshot.observations:
            cached.setdefault(observation.signature, []).append(observation)
        setattr(ctx, "_observation_index", cached)
    return cached


def _all(ctx: RuleContext, *names: str) -> List[Observation]:
    index = _index(ctx)
    found: List[Observation] = []
    for name in names:
        found.extend(index.get(name, ()))
    return found


def _first(ctx: RuleContext, *names: str) -> Optional[Observation]:
    index = _index(ctx)
    for name in names:
        if index.get(name):
            return index[name][0]
    return None


def _quote(observation: Optional[Observation]) -> str:
    if observation is None:
        return ""
    where = f"line {observation.line}: " if observation.line else ""
    text = observation.text if len(observation.text) <= 200 else observation.text[:197] + "…"
    return f"{where}“{text}”"


def _evidence(*observations: Optional[Observation]) -> List[str]:
    return [f"observations.{o.signature}" for o in observations if o is not None]


def _safe(function, default=None):
    """Call a compat-data lookup; a missing or partial table yields the default."""
    try:
        return function()
    except Exception:  # compat tables may be absent in a partial installation
        return default


def _wheel_text(ctx: RuleContext) -> str:
    """The newest official wheel for this driver and GPU; without a known driver, the newest
    mainstream wheel for the GPU with the driver it needs."""
    fallback = "Run `cudacheck compat plan --driver <version from nvidia-smi>` to list the wheels that fit."
    if ctx.driver_cuda or ctx.driver_version:
        return _safe(ctx.best_wheel_text, fallback)
    candidates = _safe(ctx.wheels_for_machine, []) or []
    if not candidates:
        return fallback
    defaults = {}
    for release in _safe(ctx.db.torch_releases_newest_first, []) or []:
        defaults[release.latest] = release.pypi_default
    best = next((c for c in candidates if defaults.get(c.torch) == c.tag), candidates[0])
    needed = _driver_needed(ctx, best.cuda)
    gpu = f" for {_gpu_label(ctx)}" if ctx.gpus else ""
    return (f"Newest official wheel{gpu}:\n  {best.install}\n"
            f"It needs an NVIDIA driver {needed or 'supporting CUDA ' + best.cuda}; with an older driver: "
            "`cudacheck compat plan --driver <version from nvidia-smi>`.")


def _in_container(ctx: RuleContext) -> bool:
    return bool(ctx.snapshot.container.in_container)


def _docker(ctx: RuleContext) -> Optional[Observation]:
    return _first(ctx, "docker_run")


def _gpu_access(ctx: RuleContext) -> Optional[bool]:
    """Whether the pasted container start grants GPUs (None when no start command was pasted)."""
    if _first(ctx, "compose_gpu"):
        return True
    run = _docker(ctx)
    if run is None:
        return None
    return run.values.get("gpu_access") == "yes"


def _cuda_unavailable(ctx: RuleContext) -> Optional[Observation]:
    return next((o for o in _all(ctx, "cuda_available") if o.values.get("value") == "false"), None) or \
        next((o for o in _all(ctx, "cuda_device_count") if o.values.get("count") == "0"), None) or \
        _first(ctx, "cuda_not_available")


def _host_side(observation: Observation) -> bool:
    """nvidia-container-cli runs on the host: its errors describe the host, not the container."""
    return "nvidia-container-cli" in observation.text.lower()


def _system(ctx: RuleContext) -> str:
    return (ctx.snapshot.platform.system or "").lower()


def _env_value(ctx: RuleContext, name: str) -> Optional[str]:
    return ctx.snapshot.container.env.get(name)


def _driver_needed(ctx: RuleContext, cuda: Optional[str]) -> Optional[str]:
    """"≥ 525.60.13 (…)" for a CUDA version, from the toolkit table."""
    mm = major_minor(cuda)
    if not mm:
        return None
    floor = _safe(lambda: ctx.db.minor_floor(mm[0]))
    floor_driver = getattr(floor, ctx.platform, None) if floor else None
    full = _safe(lambda: ctx.db.min_driver(f"{mm[0]}.{mm[1]}", ctx.platform))
    if floor_driver and full and full != floor_driver:
        return f"≥ {floor_driver} (any CUDA {mm[0]}.x; ≥ {full} for CUDA {mm[0]}.{mm[1]}'s full feature set)"
    if floor_driver or full:
        return f"≥ {floor_driver or full}"
    return None


def _gpu_label(ctx: RuleContext) -> str:
    labels = [g.label for g in ctx.gpus]
    return ", ".join(labels) if labels else "this GPU"


# --- driver --------------------------------------------------------------------------------
def _forward_compat_on_host(ctx: RuleContext) -> bool:
    """804 with cuda-compat libraries put on the loader path by hand, outside a container."""
    if _in_container(ctx) or _docker(ctx) is not None or _first(ctx, "image_cuda", "ngc_release"):
        return False
    path = (_env_value(ctx, "LD_LIBRARY_PATH") or "").lower()
    if "compat" in path:
        return True
    return any("cuda-compat" in o.text.lower() for o in _all(ctx, "install_command", "environment"))


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
        pasted image whose CUDA major is newer than the pasted driver supports.
    Why it matters:
        `torch.cuda.is_available()` is False or every CUDA call fails until the driver
        supports the CUDA version the build (or the container image) was made with.
        "found version 11040" is the driver's own CUDA version: 11.4.
    How to fix:
        Update the NVIDIA driver to the branch the build needs (the remedy names the
        minimum), or install a torch wheel / use an image built for a CUDA version the
        driver supports.
    """
    found = _first(ctx, "driver_too_old", "driver_found_version")
    insufficient = _first(ctx, "insufficient_driver")
    ptx = _first(ctx, "unsupported_ptx")
    ngc = _first(ctx, "ngc_driver_too_old")
    compat = _first(ctx, "forward_compat_804")
    if compat is not None and _forward_compat_on_host(ctx):
        compat = None  # CC818 reports cuda-compat used by hand on the host
    image = _newest_image_cuda(ctx)
    build_cuda = ctx.snapshot.torch.cuda
    driver_cuda = ctx.driver_cuda
    needed_cuda = build_cuda or (image[1] if image else None)
    driver_text = (f"driver {ctx.driver_version}" if ctx.driver_version else "the driver") + \
        (f" (supports CUDA ≤ {driver_cuda})" if driver_cuda else "")
    signal = found or insufficient or ptx or ngc or compat
    unnamed = _first(ctx, "graphics_device_name", "driver_release_unsupported_gpu")
    if signal is None and unnamed is not None:
        driver = f"The driver{' ' + ctx.driver_version if ctx.driver_version else ''}"
        yield ctx.finding(
            f"{driver} does not know this GPU (“NVIDIA Graphics Device”): it is older than the GPU"
            if unnamed.signature == "graphics_device_name" else f"{driver} release does not support this GPU",
            certainty=LIKELY,
            detail=f"{_quote(unnamed)}. " + ("A driver names a GPU it was not built for “NVIDIA Graphics Device”; "
                                             "CUDA on it fails or misbehaves." if unnamed.signature ==
                                             "graphics_device_name" else
                                             "This driver release does not support the GPU at all."),
            remedy="Install the newest driver branch for this GPU (from nvidia.com or your distribution's newest "
                   "nvidia-driver package), then reboot.",
            evidence=_evidence(unnamed))
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
        detail = f"The NGC container's start-up check failed: {_quote(ngc)}."
        remedy = f"Update the host driver to ≥ {needed}, or use an older container release built for your driver."
        yield ctx.finding(title, certainty=LIKELY, detail=detail, remedy=remedy, evidence=_evidence(ngc))
        return
    if compat is not None and signal is compat and not (found or insufficient or ptx):
        image_text = f"the image {image[0]} (CUDA {image[1]})" if image else "the container image"
        title = "CUDA error 804: the host driver is older than the container's CUDA"
        detail = (f"{_quote(compat)}. {image_text[0].upper() + image_text[1:]} brings forward-compatibility "
                  "libraries (cuda-compat) that are used when the host driver is older than the image's CUDA; they "
                  "only work on datacenter GPUs (and a few NGC-ready RTX SKUs), so on other GPUs CUDA fails with 804."
                  + (f" Host: {driver_text}." if ctx.driver_version or driver_cuda else ""))
        needed = _driver_needed(ctx, image[1]) if image else None
        remedy = (f"Update the host NVIDIA driver to {needed}" if needed else
                  "Update the host NVIDIA driver to a branch that supports the image's CUDA version") + \
            ", or use an image built for the CUDA version the host driver supports (`nvidia-smi` shows it)."
        yield ctx.finding(title, certainty=LIKELY, detail=detail, remedy=remedy,
                          evidence=_evidence(compat, _docker(ctx)) + ["container.image"])
        return
    lines = [o for o in (found, insufficient, ptx) if o is not None]
    if found is not None and found.values.get("found", "").isdigit():
        found_cuda = cuda_from_int(int(found.values["found"]))
        title = f"The NVIDIA driver is too old: it supports CUDA ≤ {found_cuda}" + \
            (f", torch {ctx.snapshot.torch.version or ''} needs CUDA {build_cuda}".replace("  ", " ")
             if build_cuda else "")
        detail = (f"torch reports: {_quote(found)}. “found version {found.values['found']}” is the driver's CUDA "
                  f"version ({found_cuda}), older than the CUDA this torch was built with"
                  + (f" ({build_cuda})." if build_cuda else "."))
    elif ptx is not None:
        title = "The driver is older than the toolkit that generated this PTX (error 222)"
        detail = (f"{_quote(ptx)}. PTX from a newer CUDA toolkit than the driver supports cannot be JIT-compiled; "
                  "minor-version compatibility does not cover PTX.")
    else:
        title = "CUDA driver version is insufficient for the CUDA runtime (error 35)"
        detail = f"{_quote(insufficient)}. The CUDA runtime in use is newer than {driver_text} supports."
    yield ctx.finding(title, certainty=LIKELY, detail=detail, remedy=_driver_remedy(ctx, needed_cuda),
                      evidence=_evidence(*lines))


def _newest_image_cuda(ctx: RuleContext) -> Optional[Tuple[str, str]]:
    best: Optional[Tuple[str, str]] = None
    for observation in _all(ctx, "image_cuda"):
        cuda = observation.values.get("cuda")
        if cuda and (best is None or (parse(cuda) or ()) > (parse(best[1]) or ())):
            best = (observation.values.get("image") or "in this container", cuda)
    return best


def _driver_remedy(ctx: RuleContext, cuda: Optional[str]) -> str:
    needed = _driver_needed(ctx, cuda)
    if needed:
        first = f"Update the NVIDIA driver to {needed}"
    else:
        floors = [f"CUDA {m}.x ≥ {getattr(_safe(lambda m=m: ctx.db.minor_floor(m)), ctx.platform, None)}"
                  for m in (11, 12, 13) if _safe(lambda m=m: ctx.db.minor_floor(m))]
        first = "Update the NVIDIA driver" + (f" (minimum per CUDA major: {', '.join(floors)})" if floors else "")
    return first + ", or install a build for a CUDA version this driver supports:\n" + _wheel_text(ctx)


@rule("CC802", "observed-driver-not-loaded", "driver_not_loaded", "driver", symptom=True)
def observed_driver_not_loaded(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows no working NVIDIA kernel driver on a (non-container) host.

    What it checks:
        torch's "Found no NVIDIA driver on your system", a failed `modprobe nvidia` /
        "Key was rejected by service" (Secure Boot), a missing libnvidia-ml.so.1 or
        libcuda.so.1, `nvidia-smi: command not found`, CUDA error 999 "unknown error" and
        "Failed to initialize NVML: Unknown Error" — outside a container (inside one the
        same lines mean the container got no GPU; see CC804).
    Why it matters:
        Without a loaded kernel module no CUDA program runs. Typical causes: a new kernel
        without a rebuilt DKMS module, Secure Boot refusing the unsigned module, nouveau
        bound to the GPU; error 999 usually follows suspend/resume (nvidia_uvm).
    How to fix:
        Reinstall the driver for the running kernel (DKMS), sign it or disable Secure
        Boot, load it (`sudo modprobe nvidia`) or reboot; after suspend reload
        nvidia_uvm (`sudo rmmod nvidia_uvm && sudo modprobe nvidia_uvm`).
    """
    host = [o for o in _all(ctx, "nvml_library_missing", "libcuda_missing") if _host_side(o)]
    wsl_libcuda = _first(ctx, "wsl") is not None and _first(ctx, "libcuda_missing") is not None
    if (_in_container(ctx) or _gpu_access(ctx) is False) and not host:
        unknown = _first(ctx, "cuda_unknown_error")
        if unknown is not None and _gpu_access(ctx) is not False:
            yield ctx.finding(
                "CUDA fails with “unknown error” (999) in the container: the host driver is in a bad state",
                certainty=POSSIBLE,
                detail=f"{_quote(unknown)}. Usually the host's nvidia_uvm module after suspend/resume or a driver "
                       "update without reboot.",
                remedy="On the host: `sudo rmmod nvidia_uvm && sudo modprobe nvidia_uvm` (or reboot), then restart "
                       "the container.",
                evidence=_evidence(unknown))
        return
    if wsl_libcuda:
        return  # CC811: WSL's libcuda is there, just not on the loader path
    module = _first(ctx, "kernel_module_failed", "nouveau_bound")
    missing = host[0] if host else _first(ctx, "no_nvidia_driver", "nvml_library_missing", "libcuda_missing")
    unknown = _first(ctx, "cuda_unknown_error", "nvml_unknown_error", "cuda_init_failed", "rm_init_failed")
    no_smi = _first(ctx, "smi_not_found")
    if module is not None:
        secure_boot = "key was rejected" in module.text.lower()
        nouveau = module.signature == "nouveau_bound"
        yield ctx.finding(
            "The open-source nouveau driver holds the GPU, not the NVIDIA driver" if nouveau else
            "The NVIDIA kernel module cannot be loaded" + (" (Secure Boot rejects it)" if secure_boot else ""),
            certainty=LIKELY, detail=f"{_quote(module)}.",
            remedy=("Enroll the module signing key (`sudo mokutil --import …`) or disable Secure Boot, then "
                    "`sudo modprobe nvidia`." if secure_boot else
                    "Rebuild the driver for the running kernel (`sudo dkms autoinstall`, or reinstall the "
                    "nvidia-dkms package for your kernel), blacklist nouveau, then `sudo modprobe nvidia` or reboot."),
            evidence=_evidence(module))
    elif missing is not None:
        what = {"no_nvidia_driver": "torch finds no NVIDIA driver",
                "nvml_library_missing": "the NVML library (libnvidia-ml.so.1) is missing",
                "libcuda_missing": "the CUDA driver library (libcuda.so.1) is missing"}[missing.signature]
        yield ctx.finding(
            f"No working NVIDIA driver: {what}", certainty=LIKELY,
            detail=f"{_quote(missing)}. " + ("The NVIDIA Container Toolkit on the host cannot find the driver "
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
            evidence=_evidence(missing))
    elif unknown is not None:
        yield ctx.finding(
            {"cuda_init_failed": "CUDA driver initialisation failed",
             "rm_init_failed": "The NVIDIA driver could not initialise the GPU (RmInitAdapter failed)"}.get(
                unknown.signature, "CUDA cannot initialise the driver (“unknown error”, 999)"),
            severity="error", certainty=POSSIBLE,
            detail=f"{_quote(unknown)}. Most often after suspend/resume (nvidia_uvm lost its state), a driver "
                   "update without reboot, or a missing /dev/nvidia-uvm.",
            remedy="Reload the UVM module: `sudo rmmod nvidia_uvm && sudo modprobe nvidia_uvm`, or reboot. "
                   "Check `dmesg | grep -i -e nvrm -e xid`.",
            evidence=_evidence(unknown))
    elif no_smi is not None:
        yield ctx.finding(
            "nvidia-smi is not available: the NVIDIA driver is probably not installed",
            severity="warning", certainty=POSSIBLE,
            detail=f"{_quote(no_smi)}. nvidia-smi ships with the driver.",
            remedy="Install the NVIDIA driver for your GPU (e.g. `sudo ubuntu-drivers install`), then reboot.",
            evidence=_evidence(no_smi))


@rule("CC803", "observed-driver-library-mismatch", "driver_library_mismatch", "driver", symptom=True)
def observed_driver_library_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """The kernel log shows an NVIDIA "API mismatch" between the kernel module and the client driver.

    What it checks:
        `NVRM: API mismatch: the client has the version X, but this kernel module has the
        version Y` in dmesg output. (NVML's "Driver/library version mismatch" and CUDA
        error 803 are recorded as facts and reported by CC103.)
    Why it matters:
        After a driver upgrade the old kernel module stays loaded; every CUDA and NVML
        call fails until it is reloaded.
    How to fix:
        Reboot, or unload and reload the NVIDIA modules with no GPU process running.
    """
    mismatch = _first(ctx, "nvrm_api_mismatch")
    if mismatch is None:
        return
    client = (mismatch.values.get("client") or "").rstrip(".") or None
    kernel = (mismatch.values.get("kernel") or "").rstrip(".") or None
    yield ctx.finding(
        f"Driver {client or '?'} user-space libraries run against kernel module {kernel or '?'}",
        certainty=LIKELY, detail=f"{_quote(mismatch)}.",
        remedy="Reboot, or reload the module: `sudo rmmod nvidia_uvm nvidia_drm nvidia_modeset nvidia && "
               "sudo modprobe nvidia`.",
        evidence=_evidence(mismatch))


# --- GPU access -------------------------------------------------------------------------------
_NO_GPU_SIGNS = ("no_cuda_device", "no_cuda_gpus", "no_nvidia_driver", "nvml_library_missing", "libcuda_missing",
                 "smi_not_found", "ngc_no_driver", "smi_no_devices", "nvml_unknown_error", "cuda_init_failed")


@rule("CC804", "observed-no-gpu-visible", "no_gpu_visible", "container", symptom=True)
def observed_no_gpu_visible(ctx: RuleContext) -> Iterator[Finding]:
    """The program sees no GPU although one should be there (container without GPUs, masks).

    What it checks:
        A pasted `docker run` without `--gpus`/`--runtime=nvidia` (or `nvidia-docker`)
        next to `torch.cuda.is_available() == False` or a no-GPU message; Docker's "could
        not select device driver \\"\\" with capabilities: [[gpu]]" and "unknown runtime
        nvidia" (the NVIDIA Container Toolkit is missing); the NGC banner "The NVIDIA
        Driver was not detected"; no-driver messages inside a container; CUDA error 100
        "no CUDA-capable device is detected" and "No CUDA GPUs are available" (with a
        CUDA_VISIBLE_DEVICES mask when one was pasted).
    Why it matters:
        The container (or process) has no GPU device: everything runs on the CPU or
        fails, while the host itself is fine.
    How to fix:
        Start the container with `--gpus all` (Docker ≥ 19.03 with the NVIDIA Container
        Toolkit; `nvidia-docker` in old setups), install and configure the toolkit
        (`sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart
        docker`), or unset/fix CUDA_VISIBLE_DEVICES.
    """
    toolkit = _first(ctx, "docker_no_gpu_driver", "docker_unknown_runtime", "cdi_unresolvable")
    if toolkit is not None:
        yield ctx.finding(
            "Docker cannot give the container a GPU: the NVIDIA Container Toolkit is missing or not configured",
            certainty=LIKELY, detail=f"{_quote(toolkit)}.",
            remedy="Install the NVIDIA Container Toolkit on the host and register it with Docker: "
                   "`sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker`; "
                   "then `docker run --gpus all …`.",
            evidence=_evidence(toolkit))
        return
    run = _docker(ctx)
    access = _gpu_access(ctx)
    unavailable = _cuda_unavailable(ctx)
    signs = [o for o in _all(ctx, *_NO_GPU_SIGNS) if not _host_side(o)]
    if access is False and (unavailable is not None or signs):
        symptom = unavailable or signs[0]
        yield ctx.finding(
            "The container was started without GPU access",
            certainty=LIKELY,
            detail=f"The pasted start command has no `--gpus` / `--runtime=nvidia`: {_quote(run)}. Inside, "
                   f"{_quote(symptom)}. Plain `docker run` gives a container no GPU devices and no driver libraries.",
            remedy="Start it with the NVIDIA runtime: `docker run --gpus all …` (needs the NVIDIA Container Toolkit "
                   "on the host; very old setups: `nvidia-docker run …`). Kubernetes: request `nvidia.com/gpu`.",
            evidence=_evidence(run, symptom) + ["container.gpus_flag"])
        return
    banner = _first(ctx, "ngc_no_driver")
    inside = [s for s in signs if s.signature in ("no_nvidia_driver", "nvml_library_missing", "libcuda_missing",
                                                  "smi_not_found", "nvml_unknown_error", "cuda_init_failed")]
    if banner is not None or (_in_container(ctx) and inside):
        symptom = banner or inside[0]
        unknown = symptom.signature == "nvml_unknown_error"
        granted = access is True and not unknown
        yield ctx.finding(
            "The container has lost access to the GPUs" if unknown else
            "The container got no GPU although it was started with GPU access" if granted else
            "The container has no access to the GPUs",
            certainty=POSSIBLE if unknown or granted else LIKELY,
            detail=f"{_quote(symptom)}." + (" In containers this follows a `systemctl daemon-reload` on the host "
                                            "(cgroup device rules reset) with the cgroupfs driver." if unknown else ""),
            remedy=("Restart the container; for a lasting fix configure the NVIDIA runtime with the systemd "
                    "cgroup driver or use CDI (`nvidia-ctk cdi generate`)." if unknown else
                    "Check the host: `nvidia-smi` there, then `docker run --rm --gpus all ubuntu nvidia-smi`; "
                    "reinstall/configure the NVIDIA Container Toolkit (`sudo nvidia-ctk runtime configure "
                    "--runtime=docker && sudo systemctl restart docker`)." if granted else
                    "Start the container with `--gpus all` (or `--runtime=nvidia` / `NVIDIA_VISIBLE_DEVICES=all`) "
                    "on a host with the NVIDIA Container Toolkit."),
            evidence=_evidence(symptom))
        return
    mask = ctx.snapshot.container.cuda_visible_devices
    masked = mask is not None and mask.kind in ("empty", "none", "void") or \
        (mask is not None and mask.kind in ("indices", "mixed") and any(i < 0 for i in mask.indices))
    device = _first(ctx, "no_cuda_device", "no_cuda_gpus", "smi_no_devices") or (unavailable if masked else None)
    if device is not None:
        yield ctx.finding(
            "CUDA sees no GPU" + (f" (CUDA_VISIBLE_DEVICES={mask.raw!r} hides them)" if masked and mask else ""),
            certainty=LIKELY if masked else POSSIBLE,
            detail=f"{_quote(device)}. Either no GPU is passed to this process (container without `--gpus`, "
                   "CUDA_VISIBLE_DEVICES empty or wrong), or the driver is not working.",
            remedy=("`unset CUDA_VISIBLE_DEVICES` or set it to valid GPU indices." if masked else
                    "Check `nvidia-smi` (does the host see the GPU?), `echo $CUDA_VISIBLE_DEVICES`, and for "
                    "containers `--gpus all`. " + NEXT_STEP),
            evidence=_evidence(device) + (["container.cuda_visible_devices"] if masked else []))
        return
    busy = _first(ctx, "devices_unavailable")
    if busy is not None:
        yield ctx.finding(
            "The GPU is busy or reserved for another process", severity="error", certainty=POSSIBLE,
            detail=f"{_quote(busy)}. The GPU is in Exclusive-Process compute mode with another process on it, or "
                   "is held by another container/VM.",
            remedy="Check `nvidia-smi` (Compute M. column and processes); `sudo nvidia-smi -c DEFAULT` or stop the "
                   "other process.",
            evidence=_evidence(busy))
        return
    if run is not None and access is False:
        from ...triage.images import looks_like_gpu_image

        image = run.values.get("image")
        if looks_like_gpu_image(image):
            yield ctx.finding(
                f"The container ({image}) is started without GPU access",
                severity="warning", certainty=POSSIBLE,
                detail=f"{_quote(run)} has no `--gpus` / `--runtime=nvidia`, so the container sees no GPU.",
                remedy="Add `--gpus all` to the `docker run` command (NVIDIA Container Toolkit on the host).",
                evidence=_evidence(run) + ["container.gpus_flag"])


# --- the build and the GPU's architecture -----------------------------------------------------------
_ARCH_SIGNS = ("gpu_not_compatible", "no_kernel_image", "invalid_device_function", "gpu_requires_newer_cuda",
               "nvrtc_arch", "ptxas_unknown_arch", "capability_range", "gpu_too_old_torch", "min_capability",
               "triton_gpu_too_old", "cudnn_arch_mismatch")


def _gpu_arch(ctx: RuleContext) -> Optional[Arch]:
    for gpu in ctx.gpus:
        if gpu.arch is not None:
            return gpu.arch
    for observation in _all(ctx, "gpu_not_compatible", "ptxas_unknown_arch"):
        arch = parse_arch(observation.values.get("sm", "") and f"sm_{observation.values['sm']}"
                          or observation.values.get("arch", ""))
        if arch:
            return arch
    return None


def _arch_verdict(ctx: RuleContext) -> Tuple[Optional[str], str, List[Observation]]:
    """(category, explanation, observations): arch_not_in_build, gpu_too_old_for_build or None."""
    signs = _all(ctx, *_ARCH_SIGNS)
    if not signs:
        return None, "", []
    names = {s.signature for s in signs}
    gpu = _gpu_arch(ctx)
    lowest: Optional[Tuple[int, int]] = None
    for observation in _all(ctx, "min_capability", "capability_range"):
        mm = major_minor(observation.values.get("min"))
        if mm and (lowest is None or mm > lowest):
            lowest = mm
    build = _safe(lambda: ctx.build)
    if build is not None and build.known_archs and (build.sass or build.ptx):
        oldest = min(build.sass + build.ptx)
        lowest = lowest or (oldest.major, oldest.minor)
    if names & {"gpu_too_old_torch", "triton_gpu_too_old", "cudnn_arch_mismatch"}:
        return "gpu_too_old_for_build", "too old", signs
    if gpu is not None and lowest is not None and (gpu.major, gpu.minor) < lowest:
        return "gpu_too_old_for_build", "below the build's lowest architecture", signs
    if names <= {"min_capability", "capability_range"}:
        highest = None
        for observation in _all(ctx, "capability_range"):
            highest = major_minor(observation.values.get("max"))
        if gpu is not None and highest is not None and gpu.major > highest[0]:
            return "arch_not_in_build", "newer than the build's highest architecture", signs
        return None, "", []
    return "arch_not_in_build", "not in the build", signs


def _covered(ctx: RuleContext, gpu: Optional[Arch]) -> Optional[str]:
    """How the build's own arch list covers the GPU (sass/ptx/none), None when unknown."""
    build = _safe(lambda: ctx.build)
    if gpu is None or build is None or not build.known_archs:
        return None
    return coverage(build.sass, build.ptx, gpu).kind


@rule("CC805", "observed-arch-not-in-build", "arch_not_in_build", "gpus", symptom=True)
def observed_arch_not_in_build(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output says the build has no kernels for this GPU's architecture.

    What it checks:
        "no kernel image is available for execution on the device" (CUDA error 209),
        "invalid device function", torch's "NVIDIA GeForce RTX 5090 with CUDA capability
        sm_120 is not compatible with the current PyTorch installation" (with "The
        current PyTorch install supports CUDA capabilities …", taken as the build's arch
        list), "Found GPU0 … which requires CUDA_VERSION >= …", NVRTC's "invalid value
        for --gpu-architecture" and ptxas's "Value 'sm_120' is not defined for option
        'gpu-name'", for a GPU that is not older than the build's lowest architecture.
    Why it matters:
        Every kernel launch fails: the build has neither SASS for the GPU's major nor PTX
        the driver could JIT — typical for a new GPU (RTX 50xx, sm_120) with an older
        wheel. When torch's own arch list covers the GPU, the failing kernels come from a
        compiled extension built without this architecture.
    How to fix:
        Install a torch build whose arch list includes the GPU (the remedy names the
        newest that fits the driver), or rebuild the extension with
        TORCH_CUDA_ARCH_LIST including the GPU's compute capability.
    """
    category, why, signs = _arch_verdict(ctx)
    if category != "arch_not_in_build":
        return
    gpu = _gpu_arch(ctx)
    covered = _covered(ctx, gpu)
    lead = next((s for s in signs if s.signature == "gpu_not_compatible"), signs[0])
    gpu_text = f"{_gpu_label(ctx)} ({gpu.sm})" if gpu else _gpu_label(ctx)
    build = _safe(lambda: ctx.build)
    archs = f" The build has {build.arch_text()}." if build is not None and build.known_archs else ""
    if covered == "sass" and lead.signature in ("no_kernel_image", "invalid_device_function"):
        yield ctx.finding(
            f"A compiled extension has no kernels for {gpu_text}",
            certainty=POSSIBLE,
            detail=f"{_quote(lead)}. torch itself covers {gpu.sm if gpu else 'the GPU'} ({covered}).{archs} The "
                   "failing kernel probably comes from an extension (built with a TORCH_CUDA_ARCH_LIST without "
                   "this GPU) or a library with its own kernels.",
            remedy=f"Rebuild the extension for this GPU: `TORCH_CUDA_ARCH_LIST=\"{gpu.cc if gpu else '<X.Y>'}\" "
                   "pip install --no-build-isolation --force-reinstall --no-cache-dir <package>`, or install a "
                   "prebuilt wheel of it made for your torch and GPU.",
            evidence=_evidence(lead))
        return
    if covered == "ptx":
        reason = (" torch's check accepts only SASS of the GPU's major; the PTX in the build would have to be "
                  "JIT-compiled, which fails or is slow for the libraries it bundles.")
    else:
        reason = f" The GPU's architecture is {why}: no SASS of its major and no PTX the driver could compile."
    yield ctx.finding(
        f"The torch build has no kernels for {gpu_text}",
        certainty=LIKELY,
        detail=f"{_quote(lead)}.{archs}{reason}",
        remedy=(f"Install a build that includes {gpu.sm}:\n" + _wheel_text(ctx) +
                ("\nFor RTX 50xx (sm_120) and B200 (sm_100) that means a CUDA ≥ 12.8 build (cu128 or newer)."
                 if gpu.major >= 10 else "")) if gpu else
               ("Find the GPU's compute capability (`nvidia-smi --query-gpu=name,compute_cap --format=csv`) and "
                "install a torch build whose arch list "
                "(`python -c \"import torch; print(torch.cuda.get_arch_list())\"`) "
                "covers it — for RTX 50xx / B200 a CUDA ≥ 12.8 build (cu128 or newer). " + NEXT_STEP),
        evidence=_evidence(*signs[:3]) + ["torch.arch_list"])


def _last_supporting(ctx: RuleContext, gpu: Arch) -> Optional[str]:
    from ...compat.plan import variant_archs

    for release in _safe(ctx.db.torch_releases_newest_first, []):
        for variant in sorted(release.variants, key=lambda v: parse(v.cuda) or (0,), reverse=True):
            sass, ptx = variant_archs(variant)
            if coverage(sass, ptx, gpu).kind != "none":
                return ctx.db.install_command(release, variant)
    return None


@rule("CC806", "observed-gpu-too-old", "gpu_too_old_for_build", "gpus", symptom=True)
def observed_gpu_too_old(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output says the GPU is older than anything the build supports.

    What it checks:
        torch's "PyTorch no longer supports this GPU because it is too old. The minimum
        cuda capability supported by this library is 3.7", a GPU below the "Minimum and
        Maximum cuda capability supported by this version of PyTorch" range or below the
        pasted arch list, Triton's "too old to be supported by the triton GPU compiler"
        (torch.compile) and CUDNN_STATUS_ARCH_MISMATCH.
    Why it matters:
        Newer wheels will not bring the GPU back: its architecture was dropped (Kepler by
        CUDA 12, Maxwell–Volta by CUDA 13 and by cuDNN 9.17; Triton needs ≥ 7.0).
    How to fix:
        Install the last torch release and CUDA variant that still ship the GPU's
        architecture (named in the remedy), build torch from source for it, or avoid the
        feature (torch.compile) that needs a newer GPU.
    """
    category, why, signs = _arch_verdict(ctx)
    if category != "gpu_too_old_for_build":
        return
    gpu = _gpu_arch(ctx)
    lead = next((s for s in signs if s.signature in ("gpu_too_old_torch", "triton_gpu_too_old")), signs[0])
    gpu_text = f"{_gpu_label(ctx)} (compute capability {gpu.cc})" if gpu else _gpu_label(ctx)
    triton = lead.signature == "triton_gpu_too_old"
    minimum = next((o.values.get("min") for o in _all(ctx, "min_capability", "capability_range", "triton_gpu_too_old")
                    if o.values.get("min")), None)
    if triton:
        remedy = ("Run without torch.compile (eager mode), or `torch._dynamo.config.suppress_errors = True`; "
                  f"Triton needs compute capability ≥ {minimum or '7.0'}.")
    else:
        last = _last_supporting(ctx, gpu) if gpu else None
        remedy = (f"The newest official wheel that still supports {gpu.sm}:\n  {last}" if last else
                  "Install an older torch release that still shipped this architecture, or build torch from source "
                  f"with TORCH_CUDA_ARCH_LIST=\"{gpu.cc if gpu else '<X.Y>'}\".")
    yield ctx.finding(
        f"{gpu_text[0].upper() + gpu_text[1:]} is too old for " + ("Triton (torch.compile)" if triton else
                                                                     "this torch build"),
        certainty=LIKELY,
        detail=f"{_quote(lead)}." + (f" The build supports compute capability ≥ {minimum}." if minimum else ""),
        remedy=remedy, evidence=_evidence(*signs[:3]))


# --- torch build kind ---------------------------------------------------------------------------
def _cpu_build_fact(ctx: RuleContext) -> bool:
    torch = ctx.snapshot.torch
    return bool(torch.version) and not torch.cuda and not torch.hip


def _plain_pip_install(ctx: RuleContext) -> Optional[Observation]:
    for observation in _all(ctx, "install_command"):
        values = observation.values
        tool = values.get("tool", "")
        if values.get("index") == "cpu" or values.get("cpuonly") == "yes":
            return observation
        if "pip" in tool and not values.get("index") and values.get("has_index") != "yes":
            return observation
    return None


@rule("CC807", "observed-cpu-only-torch", "cpu_only_torch", "torch", symptom=True)
def observed_cpu_only_torch(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows a CPU-only torch where CUDA was expected.

    What it checks:
        "Torch not compiled with CUDA enabled", `torch.version.cuda` printing None, a
        `+cpu` / conda `cpuonly` build next to `torch.cuda.is_available() == False`, and
        `pip install torch` without a CUDA index on Windows or aarch64 Linux, where PyPI's
        `torch` wheel is the CPU build. (With a pasted GPU and a CPU build as facts, CC204
        reports it.)
    Why it matters:
        A CPU-only build never uses the GPU: `torch.cuda.is_available()` is False and
        `.cuda()` raises.
    How to fix:
        Uninstall torch and install the CUDA build from the PyTorch index
        (`pip install torch --index-url https://download.pytorch.org/whl/cuXYZ`, XYZ
        fitting the driver); conda: drop `cpuonly`, add `pytorch-cuda=X.Y`.
    """
    torch = ctx.snapshot.torch
    not_compiled = _first(ctx, "not_compiled_with_cuda")
    cuda_none = _first(ctx, "torch_cuda_none")
    unavailable = _cuda_unavailable(ctx)
    cpuonly = _first(ctx, "conda_cpuonly")
    if _system(ctx) == "darwin" and not ctx.gpus:
        return  # Macs have no CUDA at all; CC830 explains
    if torch.cuda:
        return  # the installed build is a CUDA build: a CPU torch that imports is CC815's business
    remedy = "pip uninstall -y torch torchvision torchaudio, then install the CUDA build:\n" + _wheel_text(ctx)
    if not_compiled is not None or cuda_none is not None:
        lead = not_compiled or cuda_none
        yield ctx.finding(
            "torch is a CPU-only build" + (f" ({torch.version})" if torch.version else ""),
            certainty=LIKELY,
            detail=f"{_quote(lead)}." + (f" Also: {_quote(unavailable)}." if unavailable else "")
                   + (" On Windows, `pip install torch` from PyPI installs the CPU build." if _system(ctx) == "windows"
                      else ""),
            remedy=remedy, evidence=_evidence(lead, unavailable) + ["torch.cuda"])
        return
    if _cpu_build_fact(ctx) and (unavailable is not None or cpuonly is not None) and not ctx.gpus:
        yield ctx.finding(
            f"torch {torch.version} is a CPU-only build",
            certainty=LIKELY,
            detail=f"The pasted torch has no CUDA ({torch.version})." + (f" {_quote(unavailable)}." if unavailable
                                                                           else "")
                   + (" conda's `cpuonly` package is installed." if cpuonly else ""),
            remedy=remedy, evidence=_evidence(unavailable, cpuonly) + ["torch.version", "torch.cuda"])
        return
    install = _plain_pip_install(ctx)
    machine = (ctx.snapshot.platform.machine or "").lower()
    system = _system(ctx)
    cpu_pypi = "Windows" if system == "windows" else "aarch64 Linux" if machine in ("aarch64", "arm64") and \
        system != "darwin" else None
    if unavailable is not None and cpu_pypi and not torch.version and install is None \
            and not _all(ctx, *_NO_GPU_SIGNS, "driver_too_old", "insufficient_driver", "smi_cannot_communicate"):
        yield ctx.finding(
            f"CUDA is unavailable on {cpu_pypi}: most often a CPU-only torch from PyPI",
            severity="warning", certainty=POSSIBLE,
            detail=f"{_quote(unavailable)}. On {cpu_pypi} `pip install torch` (PyPI) installs the CPU build; check "
                   "`torch.version.cuda` (None means CPU-only).",
            remedy=remedy, evidence=_evidence(unavailable) + ["platform.system", "platform.machine"])
        return
    if install is not None and (install.values.get("index") == "cpu" or install.values.get("cpuonly") == "yes"):
        yield ctx.finding(
            "The install command installs the CPU-only torch",
            severity="warning", certainty=LIKELY, detail=f"{_quote(install)}.", remedy=remedy,
            evidence=_evidence(install))
    elif install is not None and (system == "windows" or machine in ("aarch64", "arm64")):
        where = "Windows" if system == "windows" else "aarch64 Linux"
        yield ctx.finding(
            f"`pip install torch` without a CUDA index installs the CPU-only build on {where}",
            severity="warning", certainty=POSSIBLE,
            detail=f"{_quote(install)}. PyPI's torch wheels for {where} are CPU builds; the CUDA builds come from "
                   "download.pytorch.org.",
            remedy="pip install torch --index-url https://download.pytorch.org/whl/cuXYZ (XYZ fitting your driver, "
                   "e.g. cu128).\n" + _wheel_text(ctx),
            evidence=_evidence(install) + ["platform.machine", "platform.system"])


# --- libraries -----------------------------------------------------------------------------------
def _ld_entries(ctx: RuleContext, *words: str) -> List[str]:
    path = _env_value(ctx, "LD_LIBRARY_PATH") or ""
    entries: List[str] = []
    for part in path.split(":"):
        part = part.rstrip("/")
        if part and part not in entries and any(w in part.lower() for w in words):
            entries.append(part)
    return entries


@rule("CC808", "observed-cudnn-missing", "cudnn_missing", "libraries", symptom=True)
def observed_cudnn_missing(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows that a cuDNN library cannot be loaded.

    What it checks:
        "libcudnn.so.9: cannot open shared object file", "Could not load library
        libcudnn_ops_infer.so.8", "Could not locate cudnn_ops64_9.dll", "Unable to load
        any of {libcudnn_cnn.so.9.1.0, …}".
    Why it matters:
        torch (at import) or a library with its own CUDA code (CTranslate2 /
        faster-whisper, ONNX Runtime, TensorFlow) cannot start. torch finds the cuDNN of
        its `nvidia-cudnn-cu*` wheel itself; other libraries only look on the loader path,
        so a pip-installed cuDNN is "missing" for them. A venv split between lib and lib64
        site-packages hides the wheels from torch too.
    How to fix:
        For torch: reinstall it so pip restores its nvidia-* wheels, in one site-packages.
        For other libraries: install the cuDNN major they need and put its folder on
        LD_LIBRARY_PATH (the remedy prints the command).
    """
    missing = _first(ctx, "cudnn_cannot_load")
    if missing is None:
        return
    dependency = re.search(r"Error:\s*(lib(?!cudnn)[\w.-]+?\.so[.\d]*):\s*cannot open", missing.text)
    if dependency is not None and _first(ctx, "libcuda_missing", "cuda_library_missing"):
        return  # cuDNN is there; a library it depends on is not (CC802 / CC811 report that one)
    library = (missing.values.get("lib") or missing.values.get("lib2") or "libcudnn").rstrip(".")
    major = re.search(r"(?:\.so\.|64_)(\d+)", library)
    cudnn_major = major.group(1) if major else None
    frame = _first(ctx, "torch_import_frame")
    torch_import = frame is not None
    split = frame is not None and "/lib64/python" in frame.text
    cuda_major = (major_minor(ctx.snapshot.torch.cuda) or (12, 0))[0]
    wheel = f"nvidia-cudnn-cu{cuda_major}" + (f"=={cudnn_major}.*" if cudnn_major else "")
    export = ("export LD_LIBRARY_PATH=$(python -c 'import os, nvidia.cudnn, nvidia.cublas; "
              "print(os.path.dirname(nvidia.cudnn.__file__) + \"/lib:\" + os.path.dirname(nvidia.cublas.__file__) "
              "+ \"/lib\")'):$LD_LIBRARY_PATH")
    windows = _system(ctx) == "windows" or library.endswith(".dll")
    yield ctx.finding(
        f"cuDNN{' ' + cudnn_major if cudnn_major else ''} cannot be loaded ({library})",
        certainty=LIKELY,
        detail=f"{_quote(missing)}. " + (("The error comes from `import torch`, and torch lives in a lib64/ "
                                          "site-packages: on this platform pip puts the nvidia-* wheels into lib/, "
                                          "where torch does not look for them." if split else
                                          "The error comes from `import torch`: its nvidia-cudnn wheel is missing or "
                                          "not where torch looks (e.g. a venv with separate lib/ and lib64/ "
                                          "site-packages).") if torch_import else
                                         "The library that needs it looks only on the loader path; a cuDNN "
                                         "installed as a pip wheel is not there."),
        remedy=(("Make the nvidia-* wheels visible to torch: install everything into one site-packages (e.g. "
                 "`pip install --target` / a venv created without the lib64 split), or add their folders to "
                 "LD_LIBRARY_PATH:\n" + export) if split else
                f"pip install --force-reinstall torch (restores {wheel.split('==')[0]}), keeping torch and the "
                "nvidia-* wheels in the same site-packages." if torch_import else
                f"pip install '{wheel}'\n" + ("Add its bin folder to PATH (or install cuDNN from NVIDIA)."
                                              if windows else export)),
        evidence=_evidence(missing))


@rule("CC809", "observed-cudnn-version-mismatch", "cudnn_version_mismatch", "libraries", symptom=True)
def observed_cudnn_version_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows a cuDNN other than the one the framework was built against.

    What it checks:
        torch's "cuDNN version incompatibility: PyTorch was compiled against (8, 3, 2) but
        linked against (8, 0, 3)" (or "found runtime version"), TensorFlow/JAX's "Loaded
        runtime CuDNN library: X but source was compiled with: Y", and undefined cudnn*
        symbols (possible).
    Why it matters:
        torch refuses a cuDNN whose major differs or whose minor is lower than its build's;
        convolutions fail. The other copy almost always comes from LD_LIBRARY_PATH (which
        beats the wheel's RUNPATH) or a conda environment.
    How to fix:
        Remove the cuDNN folder from LD_LIBRARY_PATH (or deactivate the conda env that
        provides it), or install the cuDNN version torch expects.
    """
    signal = _first(ctx, "cudnn_incompatible", "cudnn_runtime_older")
    symbol = _first(ctx, "cudnn_symbol")
    if signal is None and symbol is None:
        return
    culprits = _ld_entries(ctx, "cudnn", "cuda")
    path_note = (f" LD_LIBRARY_PATH puts {', '.join(culprits[:3])} first; it wins over the wheel's RUNPATH."
                 if culprits else "")
    if signal is not None:
        built = (signal.values.get("built") or "").replace(" ", "").replace(",", ".")
        loaded = (signal.values.get("loaded") or "").replace(" ", "").replace(",", ".")
        yield ctx.finding(
            f"cuDNN {loaded or '?'} is loaded, but torch was built with cuDNN {built or '?'}",
            certainty=LIKELY,
            detail=f"{_quote(signal)}.{path_note}",
            remedy=(f"Remove {culprits[0]} from LD_LIBRARY_PATH for this job" if culprits else
                    "Remove other cuDNN folders from LD_LIBRARY_PATH (or deactivate the conda env providing one)")
                   + f", or install cuDNN {built or 'of the version torch was built with'}.",
            evidence=_evidence(signal) + (["container.env.LD_LIBRARY_PATH"] if culprits else []))
        return
    yield ctx.finding(
        f"A cuDNN symbol is missing ({symbol.values.get('symbol')}): another cuDNN version was loaded",
        certainty=POSSIBLE, detail=f"{_quote(symbol)}.{path_note}",
        remedy="Remove other cuDNN folders from LD_LIBRARY_PATH and reinstall torch so its nvidia-cudnn wheel matches.",
        evidence=_evidence(symbol))


@rule("CC810", "observed-nccl-mismatch", "nccl_mismatch", "libraries", symptom=True)
def observed_nccl_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows an NCCL library that does not fit torch.

    What it checks:
        "undefined symbol: ncclCommRegister" (any nccl* symbol) and "libnccl.so.2: cannot
        open shared object file". (Two nvidia-nccl-cuNN wheels in a pasted package list
        are facts: CC304.)
    Why it matters:
        `import torch` or distributed start-up fails: an older libnccl (another wheel, a
        system copy on LD_LIBRARY_PATH) lacks symbols torch calls.
    How to fix:
        Remove the extra NCCL (`pip uninstall` the nvidia-nccl wheel of the other CUDA
        major, drop NCCL folders from LD_LIBRARY_PATH), then reinstall torch so its pinned
        nvidia-nccl wheel is the only one.
    """
    symbol = _first(ctx, "nccl_symbol")
    missing = _first(ctx, "nccl_library_missing")
    lead = symbol or missing
    if lead is None:
        return
    wheels = [p for p in ctx.snapshot.packages or [] if re.match(r"nvidia-nccl-cu\d+", p.name)]
    culprits = _ld_entries(ctx, "nccl")
    detail = f"{_quote(lead)}."
    if wheels:
        detail += " Installed: " + ", ".join(f"{p.name} {p.version}" for p in wheels) + "."
    if culprits:
        detail += f" LD_LIBRARY_PATH has {', '.join(culprits[:3])}."
    yield ctx.finding(
        f"The loaded NCCL does not fit torch ({symbol.values.get('symbol')} missing)" if symbol
        else "libnccl cannot be loaded",
        certainty=LIKELY if symbol else POSSIBLE, detail=detail,
        remedy="pip list | grep nccl — uninstall every nvidia-nccl-cu* wheel that does not match torch's CUDA major "
               "(e.g. `pip uninstall -y nvidia-nccl-cu12` next to a cu13 torch), drop NCCL folders from "
               "LD_LIBRARY_PATH, then `pip install --force-reinstall torch` from the index it came from.",
        evidence=_evidence(lead) + (["packages"] if wheels else []))


@rule("CC811", "observed-library-path-conflict", "lib_path_conflict", "libraries", symptom=True)
def observed_library_path_conflict(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows CUDA libraries of another version taking precedence.

    What it checks:
        Undefined cuBLAS/cuSPARSE/nvJitLink/cudart symbols ("undefined symbol:
        cublasLtGetStatusString", "__nvJitLinkAddData_12_1, version libnvJitLink.so.12"),
        missing CUDA runtime libraries ("libcudart.so.11.0: cannot open shared object
        file"), and a pasted LD_LIBRARY_PATH with CUDA/cuDNN folders next to another
        library failure.
    Why it matters:
        torch's pip wheels bring their own CUDA libraries; a system CUDA or conda folder on
        LD_LIBRARY_PATH wins over them and mixes versions, so symbols are missing.
    How to fix:
        Remove CUDA folders from LD_LIBRARY_PATH for torch jobs (keep the system toolkit
        for nvcc only), or reinstall torch so its nvidia-* wheels match.
    """
    symbol = _first(ctx, "cuda_library_symbol")
    missing = _first(ctx, "cuda_library_missing")
    culprits = _ld_entries(ctx, "cuda", "cudnn", "cublas", "nvidia")
    wsl = _first(ctx, "wsl")
    libcuda = _first(ctx, "libcuda_missing")
    if wsl is not None and libcuda is not None and symbol is None:
        yield ctx.finding(
            "WSL: libcuda.so is not on the loader path (it lives in /usr/lib/wsl/lib)",
            certainty=LIKELY,
            detail=f"{_quote(libcuda)}. Under WSL2 the Windows driver provides libcuda.so in /usr/lib/wsl/lib; a "
                   "Linux driver or CUDA package installed inside WSL, or a missing ldconfig entry, hides it.",
            remedy="export LD_LIBRARY_PATH=/usr/lib/wsl/lib:$LD_LIBRARY_PATH (and do not install a Linux NVIDIA "
                   "driver inside WSL; `sudo ldconfig` to refresh).",
            evidence=_evidence(libcuda, wsl))
        return
    if symbol is not None or missing is not None:
        lead = symbol or missing
        what = symbol.values.get("symbol") if symbol is not None else (missing.values.get("lib") or
                                                                       missing.values.get("lib2"))
        yield ctx.finding(
            f"A CUDA library of another version is loaded ({what or 'undefined symbol'})" if symbol else
            f"A CUDA runtime library cannot be loaded ({what})",
            certainty=LIKELY if symbol else POSSIBLE,
            detail=f"{_quote(lead)}." + (f" LD_LIBRARY_PATH puts {', '.join(culprits[:3])} first." if culprits else
                                         " Usually a CUDA folder on LD_LIBRARY_PATH (or a conda env) shadows the "
                                         "libraries of torch's nvidia-* wheels, or a package was built for another "
                                         "CUDA major."),
            remedy="Remove CUDA folders from LD_LIBRARY_PATH (`unset LD_LIBRARY_PATH` to test), then reinstall torch "
                   "from the index matching your CUDA major so its nvidia-* wheels are consistent.",
            evidence=_evidence(lead) + (["container.env.LD_LIBRARY_PATH"] if culprits else []))
        return
    loading = _first(ctx, "cudnn_incompatible", "cudnn_runtime_older", "cudnn_symbol", "nccl_symbol",
                     "cudnn_cannot_load")
    if loading is not None and culprits:
        yield ctx.finding(
            "LD_LIBRARY_PATH puts other CUDA libraries ahead of torch's",
            severity="warning", certainty=LIKELY,
            detail=f"LD_LIBRARY_PATH: {', '.join(culprits[:4])}. The loader prefers these folders over the RUNPATH "
                   f"of torch's libraries; see {_quote(loading)}.",
            remedy="Drop those folders from LD_LIBRARY_PATH when running torch (keep them only for nvcc builds).",
            evidence=["container.env.LD_LIBRARY_PATH"] + _evidence(loading))


# --- shared memory -------------------------------------------------------------------------------
def _shm_context(ctx: RuleContext) -> Tuple[str, bool]:
    """(sentence about the container's /dev/shm, whether it is known or likely to be small)."""
    container = ctx.snapshot.container
    run = _docker(ctx)
    if container.ipc_host:
        return "The container shares the host IPC namespace (--ipc=host).", False
    if container.shm is not None and container.shm.size_bytes is not None:
        size = container.shm.size_bytes
        return f"/dev/shm is {size / 2**20:.0f} MiB.", size < 2**30
    if run is not None and not run.values.get("shm_size"):
        return ("The pasted `docker run` has neither --shm-size nor --ipc=host, so /dev/shm is Docker's 64 MiB "
                "default."), True
    return "", False


@rule("CC812", "observed-shm-too-small", "shm_too_small", "container", symptom=True)
def observed_shm_too_small(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows shared memory (/dev/shm) running out.

    What it checks:
        "DataLoader worker (pid N) is killed by signal: Bus error", "unable to write to
        file </torch_…>: No space left on device (28)", NCCL "posix_fallocate failed" /
        "shm_open failed" / "Error while creating shared memory segment"; NCCL "unhandled
        system error" and "[Errno 28] No space left on device" only next to a container
        whose /dev/shm is small (a pasted `docker run` without --shm-size/--ipc=host).
    Why it matters:
        DataLoader workers hand batches over through /dev/shm and NCCL puts its buffers
        there; Docker gives containers 64 MiB, which is far too little.
    How to fix:
        `docker run --shm-size=16g …` or `--ipc=host`; compose `shm_size: 16gb`;
        Kubernetes: an `emptyDir: {medium: Memory}` at /dev/shm. As a stopgap,
        DataLoader(num_workers=0).
    """
    context, small = _shm_context(ctx)
    direct = [o for o in _all(ctx, "bus_error", "torch_shm_write", "shm_failure")
              if not _permission(o)]
    weak = _all(ctx, "nccl_system_error", "no_space_left")
    remedy = ("docker run --shm-size=16g … (or --ipc=host); compose: shm_size: 16gb; Kubernetes: mount an "
              "emptyDir {medium: Memory} at /dev/shm. Stopgap: DataLoader(num_workers=0).")
    if direct:
        lead = direct[0]
        yield ctx.finding(
            "Shared memory (/dev/shm) is too small for DataLoader workers / NCCL",
            certainty=LIKELY, detail=f"{_quote(lead)}. {context}".strip(), remedy=remedy,
            evidence=_evidence(lead) + (["container.shm"] if context else []))
        return
    if weak and small:
        lead = weak[0]
        yield ctx.finding(
            "/dev/shm is probably too small: the container runs with Docker's default shared memory",
            certainty=POSSIBLE, detail=f"{_quote(lead)}. {context}", remedy=remedy,
            evidence=_evidence(lead, _docker(ctx)))


def _permission(observation: Observation) -> bool:
    text = observation.text.lower()
    return observation.values.get("errno") == "13" or observation.values.get("errno2") == "13" or \
        "permission denied" in text


@rule("CC813", "observed-shm-permission", "shm_permission", "container", symptom=True)
def observed_shm_permission(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows /dev/shm not writable for the user.

    What it checks:
        "unable to write to file </torch_…>: Permission denied (13)", "unable to open shared
        memory object … Permission denied", NCCL shm errors with "Permission denied".
    Why it matters:
        torch multiprocessing, DataLoader workers and NCCL cannot create their segments.
    How to fix:
        Make /dev/shm a world-writable tmpfs with the sticky bit (`sudo chmod 1777
        /dev/shm`), or run as a user that may write there.
    """
    hit = next((o for o in _all(ctx, "torch_shm_write", "shm_failure") if _permission(o)), None)
    if hit is None:
        return
    yield ctx.finding(
        "/dev/shm is not writable for this user", certainty=LIKELY, detail=f"{_quote(hit)}.",
        remedy="sudo chmod 1777 /dev/shm (or mount it as tmpfs), or run as a user allowed to write there.",
        evidence=_evidence(hit))


# --- packages ------------------------------------------------------------------------------------
@rule("CC814", "observed-torchvision-mismatch", "torchvision_mismatch", "packages", symptom=True)
def observed_torchvision_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows torchvision/torchaudio (or another compiled extension) not
    built for the installed torch.

    What it checks:
        "operator torchvision::nms does not exist", "Could not run 'torchvision::nms' with
        arguments from the 'CUDA' backend", "Detected that PyTorch and torchvision were
        compiled with different CUDA versions", torchvision's "Failed to load image Python
        extension", and "undefined symbol: _ZN…" in a compiled extension's .so (possible
        for packages other than torchvision/torchaudio).
    Why it matters:
        Companion packages contain C++/CUDA code compiled against one torch version and
        CUDA variant; with another, their operators are missing or do not load.
    How to fix:
        Reinstall torch, torchvision and torchaudio together from the same index (same
        CUDA tag); rebuild or reinstall other extensions for the installed torch.
    """
    lead = _first(ctx, "torchvision_op_missing", "torchvision_cuda_mismatch", "torchvision_extension")
    extension = _first(ctx, "extension_undefined_symbol")
    torch = ctx.snapshot.torch
    index_tag = None
    if torch.version and "+" in torch.version:
        index_tag = torch.version.split("+", 1)[1]
    index = f" --index-url https://download.pytorch.org/whl/{index_tag}" if index_tag else \
        " --index-url https://download.pytorch.org/whl/cuXYZ"
    together = f"pip install --force-reinstall torch torchvision torchaudio{index}"
    torch_lib = _first(ctx, "torch_library_missing")
    if lead is None and extension is None and torch_lib is not None and not _first(ctx, "torch_import_frame"):
        yield ctx.finding(
            f"A compiled extension needs {torch_lib.values.get('lib')}, which this torch does not have",
            certainty=POSSIBLE,
            detail=f"{_quote(torch_lib)}. The extension (torchvision, torchaudio or another compiled package) was "
                   "built for another torch version or CUDA variant (e.g. libtorch_cuda_cu.so existed only in "
                   "torch 1.x; libc10_cuda.so only in CUDA builds).",
            remedy=f"pip install --force-reinstall torch torchvision torchaudio{index} — and reinstall other compiled "
                   "extensions for the installed torch.",
            evidence=_evidence(torch_lib))
        return
    if lead is not None:
        backend = lead.values.get("backend")
        yield ctx.finding(
            "torchvision was not built for the installed torch" + (f" (no {backend} kernels)" if backend else ""),
            certainty=LIKELY,
            detail=f"{_quote(lead)}." + (" The CUDA backend is missing from torchvision's kernels: a CPU-only or "
                                         "mismatched torchvision next to a CUDA torch." if backend == "CUDA" else ""),
            remedy=together + " (pin the torchvision release that pairs with your torch)",
            evidence=_evidence(lead))
        return
    if extension is None:
        mismatch = _companion_mismatch(ctx)
        if mismatch:
            yield ctx.finding(
                mismatch[0], certainty=LIKELY, detail=mismatch[1] + ".", remedy=together,
                evidence=["packages.torch", "packages.torchvision", "packages.torchaudio"])
        return
    package = _extension_package(extension.values.get("path", "")) or "a compiled extension"
    companion = package in ("torchvision", "torchaudio", "torchtext")
    yield ctx.finding(
        f"{package} was built for another torch version (undefined C++ symbol)",
        certainty=LIKELY if companion else POSSIBLE,
        detail=f"{_quote(extension)}. A compiled extension whose torch ABI differs from the installed torch fails "
               "to load with undefined symbols.",
        remedy=together if companion else
        f"Reinstall {package} for your torch version (a wheel built for it, or `pip install --no-build-isolation "
        f"--force-reinstall --no-cache-dir {package}` to rebuild it).",
        evidence=_evidence(extension))


def _extension_package(path: str) -> Optional[str]:
    """The distribution a compiled module belongs to: the folder after site-packages, or the module's
    own name (``flash_attn_2_cuda.cpython-310-….so`` → ``flash_attn``)."""
    parts = re.split(r"[/\\]", path)
    for position, part in enumerate(parts):
        if part in ("site-packages", "dist-packages") and position + 1 < len(parts):
            name = parts[position + 1]
            if position + 2 < len(parts):
                return name
            name = name.split(".", 1)[0]
            return re.sub(r"(?:_\d+)?(?:_cuda|_C|_ext|_kernels?)$", "", name) or name
    name = parts[-1].split(".", 1)[0] if parts and parts[-1] else ""
    if name.startswith("_") and len(parts) >= 2 and parts[-2]:
        return parts[-2]
    return re.sub(r"(?:_\d+)?(?:_cuda|_C|_ext|_kernels?)$", "", name) or None


def _companion_mismatch(ctx: RuleContext) -> Optional[Tuple[str, str]]:
    """(title, detail) when the pasted package list pairs torch with companions of another release or CUDA."""
    from ...versions import torch_local_tag, torch_public

    torch_package = ctx.snapshot.package("torch")
    version = ctx.snapshot.torch.version or (torch_package.version if torch_package else None)
    if not version:
        return None
    release = _safe(lambda: ctx.db.torch_release(version))
    torch_tag = torch_local_tag(version)
    for name in ("torchvision", "torchaudio"):
        package = ctx.snapshot.package(name)
        if package is None or not package.version:
            continue
        series = getattr(release, name, None) if release else None
        problems = []
        if series and major_minor(torch_public(package.version)) != major_minor(series):
            problems.append(f"{name} {package.version} belongs to another torch release (torch "
                            f"{torch_public(version)} pairs with {name} {series}.x)")
        tag = torch_local_tag(package.version)
        if tag and torch_tag and tag != torch_tag and (tag == "cpu" or torch_tag == "cpu" or tag[:4] != torch_tag[:4]):
            problems.append(f"{name} is a {tag} build, torch is {torch_tag}")
        if problems:
            return f"{name} {package.version} does not match torch {version}", "; ".join(problems)
    return None


@rule("CC815", "observed-multiple-torch-installs", "multiple_torch_installs", "torch", symptom=True)
def observed_multiple_torch_installs(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output suggests Python imports a different torch than the one installed.

    What it checks:
        "cannot import name '_C' from 'torch'" / "module 'torch' has no attribute 'cuda'"
        (a torch/ folder in the working directory, or a half-removed install); "Torch not
        compiled with CUDA enabled" while the pasted package list has a CUDA build; a
        torch in the user site (~/.local) next to other installs; and, with nothing else
        wrong in the paste, a Python session that only checks `torch.__version__`
        (possible: people check the version when it is not the one they installed).
        (Distinct versions in pip list vs. `torch.__version__`, or torch paths in two
        site-packages, are facts: CC206.)
    Why it matters:
        `pip install` changes one copy while Python imports another, so fixes "don't
        take" and versions disagree.
    How to fix:
        Compare `python -c "import torch; print(torch.__version__, torch.__file__)"` with
        `python -m pip show torch`; uninstall the extra copies (also `pip uninstall
        --user torch`, or remove the local torch/ folder), then install once.
    """
    torch = ctx.snapshot.torch
    shadow = _first(ctx, "torch_c_import")
    remedy = ("python -c \"import torch; print(torch.__version__, torch.__file__)\" and `python -m pip show torch`; "
              "then `pip uninstall -y torch` (repeat, also with `--user`) until no copy is left, remove any local "
              "torch/ folder, and install once.")
    if shadow is not None:
        yield ctx.finding(
            "Python imports a broken or shadowing torch (a local torch/ folder or a half-removed install)",
            certainty=LIKELY, detail=f"{_quote(shadow)}.", remedy=remedy, evidence=_evidence(shadow))
        return
    absent = _first(ctx, "torch_not_installed")
    if absent is not None:
        yield ctx.finding(
            "The Python that runs does not have torch (it was installed into another environment)",
            severity="warning", certainty=POSSIBLE,
            detail=f"{_quote(absent)}. pip and python often belong to different environments (`pip` vs "
                   "`python -m pip`, a venv or conda env not activated, sudo).",
            remedy="Install with the interpreter that runs the code: `python -m pip install torch …`; check "
                   "`which python` and `python -m pip --version`.",
            evidence=_evidence(absent))
        return
    not_compiled = _first(ctx, "not_compiled_with_cuda")
    if not_compiled is not None and torch.cuda:
        yield ctx.finding(
            f"A CPU-only torch is imported although torch {torch.version} (CUDA {torch.cuda}) is installed",
            certainty=LIKELY,
            detail=f"{_quote(not_compiled)} — but the pasted packages show a CUDA build. Another copy of torch "
                   "(user site, another environment) is imported first.",
            remedy=remedy, evidence=_evidence(not_compiled) + ["torch.version"])
        return
    conflict = _first(ctx, "torch_version_conflict")
    if conflict is not None and not torch.installs:
        user_site = _first(ctx, "torch_user_site")
        yield ctx.finding(
            f"Python imports torch {conflict.values.get('imported')}, not the {conflict.values.get('stated')} "
            "the report says is installed",
            severity="warning", certainty=POSSIBLE,
            detail="The imported version differs from the installed one named in the paste"
                   + (f"; it is imported from the user site ({_quote(user_site)})" if user_site else "")
                   + ". Another copy of torch comes first on sys.path.",
            remedy=remedy, evidence=_evidence(conflict, user_site))
        return
    user_site = _first(ctx, "torch_user_site")
    if user_site is not None and (torch.installs or _cuda_unavailable(ctx)):
        yield ctx.finding(
            "torch is imported from the user site (~/.local), which shadows other installs",
            severity="warning", certainty=POSSIBLE, detail=f"{_quote(user_site)}.",
            remedy="pip uninstall --user torch (or `python -s` to ignore the user site), then check again.",
            evidence=_evidence(user_site))
        return
    imported = _first(ctx, "torch_version_imported")
    if imported is None or torch.installs:
        return
    problems = [o for o in ctx.snapshot.observations
                if _signature_category(o.signature) not in (None, "context", "application")]
    others = {o.signature for o in ctx.snapshot.observations} - {
        "torch_version_imported", "cuda_available", "cuda_device_count", "torch_version", "wsl", "container_prompt"}
    if problems or others or ctx.gpus or torch.version and torch.cuda:
        return
    yield ctx.finding(
        f"Python imports torch {imported.values.get('version')}: if you installed another version, a second copy "
        "shadows it",
        severity="warning", certainty=POSSIBLE,
        detail=f"{_quote(imported)}. The paste only checks which torch is imported; a version other than the one "
               "installed means another copy (user site ~/.local, another environment) comes first on sys.path.",
        remedy=remedy, evidence=_evidence(imported))


def _signature_category(name: str) -> Optional[str]:
    try:
        from ...triage.signatures import BY_NAME
    except Exception:  # triage is optional for rule evaluation
        return None
    signature = BY_NAME.get(name)
    return signature.category if signature else None


@rule("CC816", "observed-cuda-toolkit-mismatch-ext", "cuda_toolkit_mismatch_ext", "libraries", severity="warning",
      symptom=True)
def observed_cuda_toolkit_mismatch_ext(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows an extension build failing on the local CUDA toolkit.

    What it checks:
        torch.utils.cpp_extension's "The detected CUDA version (11.2) mismatches the
        version that was used to compile PyTorch (10.2)", linker errors "undefined
        reference to `cudaLaunchKernelExC@libcudart.so.11.0'" when linking against
        libtorch, "nvcc fatal : Unsupported gpu architecture 'compute_89'", and
        "CUDA_HOME environment variable is not set".
    Why it matters:
        torch's own wheels do not use the system toolkit, but building a CUDA extension
        (pip falling back to a source build of torch-scatter, flash-attn, DeepSpeed ops,
        a C++ program against libtorch) does, and needs the toolkit that matches torch's
        CUDA.
    How to fix:
        Install the CUDA toolkit matching torch's CUDA and point CUDA_HOME at it; or install
        a torch built for your local toolkit; or use prebuilt wheels of the extension made
        for your torch + CUDA so nothing is compiled.
    """
    lead = _first(ctx, "detected_cuda_mismatch", "undefined_reference_cuda", "nvcc_unsupported_arch",
                  "cuda_home_missing")
    if lead is None:
        return
    torch_cuda = ctx.snapshot.torch.cuda
    nvcc = ctx.snapshot.libraries.nvcc_version if ctx.snapshot.libraries else None
    if lead.signature == "undefined_reference_cuda":
        symbol, library = lead.values.get("symbol", ""), lead.values.get("lib", "")
        if not (symbol.lower().startswith(("cuda", "cu", "nv")) or "cuda" in library or "nv" in library):
            return
        title = f"libtorch was linked with a different CUDA toolkit ({symbol} missing from {library})"
        detail = (f"{_quote(lead)}. The program links libtorch's CUDA libraries against a local CUDA whose "
                  f"{library} lacks symbols libtorch's CUDA version provides.")
    elif lead.signature == "nvcc_unsupported_arch":
        title = f"The local nvcc cannot compile for {lead.values.get('arch')}"
        detail = f"{_quote(lead)}. The CUDA toolkit used for the extension build is older than the GPU."
    elif lead.signature == "cuda_home_missing":
        title = "An extension build found no CUDA toolkit (CUDA_HOME not set)"
        detail = f"{_quote(lead)}. pip fell back to compiling a CUDA extension from source."
    else:
        local, built = lead.values.get("nvcc") or nvcc, lead.values.get("torch") or torch_cuda
        title = f"Extension build: local CUDA {local} differs from torch's CUDA {built}"
        detail = (f"{_quote(lead)}. torch.utils.cpp_extension refuses to build with a toolkit of another major "
                  "than torch's; torch itself is fine.")
    remedy = (f"Install CUDA toolkit {torch_cuda} and `export CUDA_HOME=/usr/local/cuda-{torch_cuda}`, "
              if torch_cuda else "Install the CUDA toolkit matching torch.version.cuda and point CUDA_HOME at it, ") + \
        ("or install a torch built for your local CUDA, or use prebuilt wheels of the extension for your torch+CUDA "
         "(e.g. PyG: `pip install torch-scatter -f https://data.pyg.org/whl/torch-<version>+<cuda>.html`).")
    yield ctx.finding(title, certainty=LIKELY, detail=detail, remedy=remedy, evidence=_evidence(lead))


@rule("CC818", "observed-forward-compat-unsupported", "forward_compat_unsupported", "driver", symptom=True)
def observed_forward_compat_unsupported(ctx: RuleContext) -> Iterator[Finding]:
    """CUDA error 804 on a host where cuda-compat libraries were put on the loader path by hand.

    What it checks:
        "forward compatibility was attempted on non supported HW" (804) outside a
        container, with a cuda-compat folder on the pasted LD_LIBRARY_PATH or a cuda-compat
        package install. (In containers the image ships the compat libraries and the
        cause reported is the old host driver: CC801.)
    Why it matters:
        Forward compatibility works only on datacenter GPUs (and a few NGC-ready RTX SKUs,
        Jetson); on other GPUs the compat libcuda makes every CUDA call fail.
    How to fix:
        Remove the compat folder from LD_LIBRARY_PATH / ld.so.conf and update the driver
        instead.
    """
    compat = _first(ctx, "forward_compat_804")
    if compat is None or not _forward_compat_on_host(ctx):
        return
    culprits = _ld_entries(ctx, "compat")
    yield ctx.finding(
        "cuda-compat forward-compatibility libraries are used on a GPU that does not support them",
        certainty=LIKELY,
        detail=f"{_quote(compat)}." + (f" LD_LIBRARY_PATH has {', '.join(culprits)}." if culprits else ""),
        remedy="Remove the cuda-compat folder from LD_LIBRARY_PATH (and /etc/ld.so.conf.d), uninstall cuda-compat, and "
               "update the NVIDIA driver to the CUDA version you need.",
        evidence=_evidence(compat) + (["container.env.LD_LIBRARY_PATH"] if culprits else []))


@rule("CC819", "observed-container-requirement", "container_requirement_unsatisfied", "container", symptom=True)
def observed_container_requirement(ctx: RuleContext) -> Iterator[Finding]:
    """The NVIDIA Container Toolkit refused to start the container: NVIDIA_REQUIRE_CUDA is not met.

    What it checks:
        "nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.4" (the
        toolkit echoes only the first term of the image's NVIDIA_REQUIRE_CUDA).
    Why it matters:
        The image was built for a newer CUDA than the host driver supports; the container
        does not start.
    How to fix:
        Update the host driver to one that supports the image's CUDA (the remedy gives
        the minimum), or use an image built for an older CUDA.
    """
    requirement = _first(ctx, "container_requirement")
    if requirement is None:
        return
    condition = requirement.values.get("condition", "").rstrip(",.;:")
    wanted = re.search(r"cuda>=?(\d+\.\d+)", condition)
    cuda = wanted.group(1) if wanted else None
    needed = _driver_needed(ctx, cuda) if cuda else None
    driver = f"; the host driver {ctx.driver_version} supports CUDA {ctx.driver_cuda or '?'}" \
        if ctx.driver_version else ""
    yield ctx.finding(
        f"The image requires {condition or 'a newer CUDA'}, which the host driver does not support",
        certainty=LIKELY, detail=f"{_quote(requirement)}{driver}.",
        remedy=(f"Update the host NVIDIA driver to {needed}" if needed else "Update the host NVIDIA driver")
               + ", or use an image built for the CUDA version `nvidia-smi` reports.",
        evidence=_evidence(requirement))


_HEALTH_XIDS = {48, 61, 62, 63, 64, 68, 69, 74, 79, 92, 94, 95, 119, 120, 140}


@rule("CC820", "observed-gpu-health", "gpu_health", "gpus", symptom=True)
def observed_gpu_health(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows a GPU hardware or driver-health problem.

    What it checks:
        Kernel-log Xid errors that indicate hardware or driver faults (48 double-bit ECC,
        63/64 page retirement, 74 NVLink, 79 fallen off the bus, 92/94/95 ECC, 119/120 GSP),
        "GPU has fallen off the bus" / "GPU is lost", "uncorrectable ECC error
        encountered", and "ERR!" in an nvidia-smi table.
    Why it matters:
        These are not software problems: the GPU needs a reset or service, and jobs on it
        keep failing.
    How to fix:
        Drain the node, reset the GPU (`nvidia-smi -r -i N`) or reboot; check cooling and
        power; if errors recur, RMA the GPU.
    """
    xids = [o for o in _all(ctx, "xid") if o.values.get("xid", "").isdigit()
            and int(o.values["xid"]) in _HEALTH_XIDS]
    lead = _first(ctx, "fallen_off_bus", "ecc_error") or (xids[0] if xids else None)
    err = _first(ctx, "smi_err")
    if lead is None and err is None:
        return
    if lead is not None:
        title = ("A GPU has fallen off the bus" if lead.signature == "fallen_off_bus" else
                 "Uncorrectable ECC errors on the GPU" if lead.signature == "ecc_error" else
                 f"The driver logged Xid {lead.values.get('xid')} (hardware/driver fault)")
        yield ctx.finding(title, certainty=LIKELY, detail=f"{_quote(lead)}.",
                          remedy="Drain the node and reset the GPU (`nvidia-smi -r -i N`) or reboot; check "
                                 "`nvidia-smi -q -d ECC,PAGE_RETIREMENT`; if it recurs the GPU needs service.",
                          evidence=_evidence(lead))
        return
    yield ctx.finding(
        "nvidia-smi shows ERR! for a GPU", severity="warning", certainty=POSSIBLE, detail=f"{_quote(err)}.",
        remedy="Check `dmesg | grep -i xid` and `nvidia-smi -q`; reset the GPU or reboot.", evidence=_evidence(err))


@rule("CC822", "observed-capability-missing", "capability_missing", "gpus", symptom=True)
def observed_capability_missing(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows a feature the GPU does not have (bf16, FlashAttention, FP8).

    What it checks:
        Messages that bfloat16 is not supported / needs compute capability ≥ 8.0,
        "FlashAttention only supports Ampere GPUs or newer", FP8 needing Ada/Hopper.
    Why it matters:
        The environment is fine, but the model or recipe needs a newer GPU than this one.
    How to fix:
        Use fp16 (or fp32) instead of bf16, disable FlashAttention (use SDPA/eager
        attention), or run on a GPU with the required compute capability.
    """
    lead = _first(ctx, "bf16_unsupported", "flash_attention_arch", "fp8_unsupported")
    if lead is None:
        return
    gpu = _gpu_arch(ctx)
    needs = {"bf16_unsupported": "8.0", "flash_attention_arch": "8.0", "fp8_unsupported": "8.9"}[lead.signature]
    if gpu is not None and (gpu.major, gpu.minor) >= tuple(int(x) for x in needs.split(".")):
        return  # the GPU has the feature: the message has another cause
    feature = {"bf16_unsupported": "bfloat16", "flash_attention_arch": "FlashAttention",
               "fp8_unsupported": "FP8"}[lead.signature]
    yield ctx.finding(
        f"{feature} needs compute capability ≥ {needs}" + (f"; {_gpu_label(ctx)} is {gpu.cc}" if gpu else ""),
        severity="warning", certainty=LIKELY, detail=f"{_quote(lead)}.",
        remedy={"bfloat16": "Use fp16 (`torch_dtype=torch.float16`) or fp32 on this GPU.",
                "FlashAttention": "Use `attn_implementation=\"sdpa\"` (or eager) instead of flash_attention_2.",
                "FP8": "Use bf16/fp16 on this GPU, or run on Ada/Hopper or newer."}[feature],
        evidence=_evidence(lead))


@rule("CC824", "observed-platform-problem", "config", "packages", severity="warning", symptom=True)
def observed_platform_problem(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows a platform problem outside the GPU stack (Windows DLLs, NumPy ABI).

    What it checks:
        Windows' "Error loading "…\\torch\\lib\\c10.dll" or one of its dependencies" (a
        missing Visual C++ runtime or a broken install), and "A module that was compiled
        using NumPy 1.x cannot be run in NumPy 2" / "_ARRAY_API not found".
    Why it matters:
        torch (or an extension) does not import; GPU settings are not involved.
    How to fix:
        Windows: install the latest Microsoft Visual C++ Redistributable (x64) and
        reinstall torch. NumPy: `pip install "numpy<2"` or upgrade the package built
        against NumPy 1.
    """
    dll = _first(ctx, "windows_dll_load")
    numpy = _first(ctx, "numpy_abi")
    others = {
        "windows_paging_file": ("Windows ran out of virtual memory while loading torch's CUDA DLLs",
                                "Increase the paging file (System → Advanced → Performance → Virtual memory), or "
                                "start fewer processes (DataLoader num_workers) at once."),
        "glibcxx_missing": ("An older libstdc++ is loaded than a library needs",
                            "Use the environment's libstdc++ (`conda install -c conda-forge libstdcxx-ng`) or drop "
                            "old library folders from LD_LIBRARY_PATH."),
        "nccl_not_built": ("This torch has no NCCL (Windows and macOS builds)",
                           "Use the gloo backend (`init_process_group('gloo')`), or run distributed jobs on Linux."),
        "no_matching_torch": ("pip has no torch wheel for this Python version or platform",
                              "Use a Python version the torch release supports (see its release notes), or a newer "
                              "torch; check `python --version` and the platform (32-bit Python has no wheels)."),
    }
    for signature, (title, fix) in others.items():
        hit = _first(ctx, signature)
        if hit is not None:
            yield ctx.finding(title, certainty=LIKELY if signature != "no_matching_torch" else POSSIBLE,
                              detail=f"{_quote(hit)}.", remedy=fix, evidence=_evidence(hit))
    if dll is not None and "cudnn" not in dll.values.get("dll", "").lower() and not _first(ctx, "windows_paging_file"):
        yield ctx.finding(
            f"Windows cannot load {dll.values.get('dll', 'a torch DLL')}", certainty=POSSIBLE,
            detail=f"{_quote(dll)}. Usually the Microsoft Visual C++ Redistributable is missing, or the torch install "
                   "is broken (mixed versions).",
            remedy="Install the latest Microsoft Visual C++ Redistributable (x64), then `pip install --force-reinstall "
                   "torch` from the index you used.", evidence=_evidence(dll))
    if numpy is not None:
        yield ctx.finding(
            "NumPy 2 is installed, but a module was built for NumPy 1", certainty=LIKELY, detail=f"{_quote(numpy)}.",
            remedy='pip install "numpy<2" (or upgrade the package that was built against NumPy 1.x).',
            evidence=_evidence(numpy))


# --- what the environment did not cause ---------------------------------------------------------------
_APPLICATION = {
    "cuda_oom": ("CUDA ran out of GPU memory",
                 "The job needs more GPU memory than is free: reduce batch size or sequence length, use mixed "
                 "precision / gradient checkpointing, free other processes on the GPU (`nvidia-smi`)."),
    "device_side_assert": ("A device-side assert fired (usually an index or label out of range)",
                           "Rerun with `CUDA_LAUNCH_BLOCKING=1` (or on CPU) to see the failing op; check class "
                           "labels are 0…num_classes-1 and embedding indices are in range."),
    "invalid_device_ordinal": ("The program asks for a GPU index that does not exist",
                               "Use an index below torch.cuda.device_count() (e.g. `cuda:0`), or make the GPU "
                               "visible (CUDA_VISIBLE_DEVICES)."),
    "illegal_memory_access": ("A kernel made an illegal memory access",
                              "Usually a bug in the program or a library's kernel: rerun with "
                              "`CUDA_LAUNCH_BLOCKING=1`, update the library, report it upstream."),
    "launch_failure": ("A kernel failed while running",
                       "Rerun with `CUDA_LAUNCH_BLOCKING=1`; if it recurs on healthy code check `dmesg` for Xid "
                       "errors."),
    "device_mismatch": ("Tensors on different devices", "Move model and inputs to the same device (`.to(device)`)."),
    "dataloader_killed": ("A DataLoader worker was killed (host out of memory)",
                          "Reduce num_workers or batch size, or raise the container's memory limit."),
    "cublas_status": ("A cuBLAS call failed",
                      "Often out-of-memory in disguise or a shape/dtype problem; rerun with `CUDA_LAUNCH_BLOCKING=1`."),
    "cudnn_status": ("A cuDNN call failed",
                     "Often out-of-memory in disguise; rerun with `CUDA_LAUNCH_BLOCKING=1` and a smaller batch."),
    "nccl_error": ("An NCCL collective failed", "Run with `NCCL_DEBUG=INFO` to see the cause."),
    "cudnn_no_engine": ("cuDNN found no algorithm for this operation",
                        "Usually too little free GPU memory for any algorithm; retry with a smaller batch."),
}


@rule("CC830", "application-error", "config", "torch", severity="info", symptom=True)
def application_error(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted error is raised by the program, not caused by the environment.

    What it checks:
        CUDA out of memory, device-side asserts, "invalid device ordinal", illegal memory
        accesses and launch failures, tensors on different devices, cuBLAS/cuDNN status
        errors, a DataLoader worker killed by the OOM killer, NCCL errors — and "Torch not
        compiled with CUDA enabled" on a Mac (which has no CUDA).
    Why it matters:
        These errors occur on healthy environments; reinstalling drivers or CUDA does not
        help. Saying so keeps the diagnosis on the program.
    How to fix:
        Follow the hint for the error kind (smaller batch, CUDA_LAUNCH_BLOCKING=1 to find
        the failing op, a valid device index, …).
    """
    for signature, (title, remedy) in _APPLICATION.items():
        observation = _first(ctx, signature)
        if observation is None:
            continue
        detail = f"{_quote(observation)}."
        if signature == "cuda_oom":
            capacity = _first(ctx, "oom_capacity")
            if capacity is not None:
                total = capacity.values.get("total") or capacity.values.get("total2")
                alloc = capacity.values.get("alloc")
                detail += f" The GPU has {total} in total" + (f"; the failed allocation asked for {alloc}." if alloc
                                                              else ".")
        if signature == "invalid_device_ordinal":
            count = _first(ctx, "cuda_device_count")
            visible = count.values.get("count") if count else (str(len(ctx.gpus)) if ctx.gpus else None)
            if visible:
                detail += f" {visible} GPU(s) are visible, so valid indices are 0–{int(visible) - 1}."
        yield ctx.finding(f"{title} — not an environment problem", detail=detail, remedy=remedy,
                          evidence=_evidence(observation))
    if _system(ctx) == "darwin" and _first(ctx, "not_compiled_with_cuda") and not ctx.gpus:
        yield ctx.finding("macOS has no CUDA: use the `mps` device (Apple GPU) or the CPU",
                          detail=f"{_quote(_first(ctx, 'not_compiled_with_cuda'))}.",
                          remedy="device = torch.device('mps' if torch.backends.mps.is_available() else 'cpu')",
                          evidence=["platform.system"])


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
    if snapshot.source != "pasted" or _first(ctx, "nothing_recognised"):
        return
    unknown = []
    if not (snapshot.nvml.driver_version or ctx.driver_cuda) and snapshot.nvml.status is None:
        unknown.append("the NVIDIA driver version")
    if not snapshot.nvml.gpus:
        unknown.append("the GPU model")
    if not snapshot.torch.version:
        version = _first(ctx, "torch_version")
        unknown.append(f"whether torch {version.values.get('version')} is a CUDA build (and which CUDA)"
                       if version else "the torch version and its CUDA build")
    truncated = _first(ctx, "input_truncated")
    unavailable = _cuda_unavailable(ctx)
    if not unknown and truncated is None and unavailable is None:
        return
    parts = []
    if unknown:
        parts.append("Not visible in the paste: " + "; ".join(unknown) + ".")
    short = {"the NVIDIA driver version": "driver version", "the GPU model": "GPU model"}
    missing = [short.get(u, "torch build") for u in unknown]
    if unavailable is not None:
        parts.append(f"CUDA is reported unavailable ({_quote(unavailable)}); check the findings above for the cause.")
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
    nothing = _first(ctx, "nothing_recognised")
    if nothing is None:
        return
    empty = nothing.values.get("empty") == "yes"
    yield ctx.finding(
        "The pasted text is empty" if empty else "Nothing in the pasted text was recognised",
        detail="" if empty else f"{nothing.values.get('lines', '?')} line(s) read; none holds a known tool output "
                                "or error message.",
        remedy=NEXT_STEP + " Include the complete error message.", evidence=["observations"])
