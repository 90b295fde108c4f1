"""Driver and GPU access: is there a working driver this process can reach?"""
from __future__ import annotations

import re
from typing import Iterator, List, Optional

from ...observations import Obs
from ...report import Finding
from ...snapshot import BUG
from ..context import GpuView, RuleContext
from ..observations import (LIKELY, capabilities_without_compute, compat_libraries_in_use, cuda_unavailable, first_of,
                            forward_compat_unusable, gpu_situation, quote)
from ..registry import rule


@rule("CC101", "no-driver-visible", "no_gpu_visible", "driver", severity="info")
def no_driver_visible(ctx: RuleContext) -> Iterator[Finding]:
    """No NVIDIA driver library is visible to this process.

    What it checks:
        NVML's library (libnvidia-ml.so.1) could not be found, so this process sees no
        NVIDIA driver at all.
    Why it matters:
        On a CPU machine this is expected. In a container that holds a CUDA build of
        torch it almost always means the container was started without the NVIDIA
        runtime (`docker run --gpus all`), which injects the driver libraries. When GPUs
        are required, nothing will run.
    How to fix:
        Start the container with `--gpus all` (Docker) or `runtimeClassName: nvidia` /
        a `nvidia.com/gpu` resource limit (Kubernetes); on a bare host install the
        NVIDIA driver.
    """
    if ctx.snapshot.nvml.status != "library_not_found":
        return
    container = ctx.snapshot.container
    required = ctx.policy.gpu_requirements
    detail = f"NVML: {ctx.snapshot.nvml.error_message or 'libnvidia-ml.so.1 not found'}."
    if required:
        yield ctx.finding(f"No NVIDIA driver is visible, but a GPU is required ({', '.join(required)})",
                          severity="error", detail=detail, remedy=_gpu_access_remedy(container.in_container),
                          evidence=["nvml.status"] + [f"policy.{name}" for name in required])
    elif container.in_container and ctx.torch_is_cuda:
        yield ctx.finding(
            f"Container holds CUDA {ctx.torch_label} but no NVIDIA driver is visible",
            severity="warning",
            detail=detail + " The container was probably started without the NVIDIA runtime.",
            remedy=_gpu_access_remedy(True), evidence=["nvml.status", "container.in_container", "torch.cuda"])
    else:
        yield ctx.finding("No NVIDIA driver on this machine", severity="info",
                          detail=detail + " GPU checks were skipped.",
                          remedy="Nothing to do on a CPU-only machine; with an NVIDIA GPU, install its driver.",
                          evidence=["nvml.status"])


def _gpu_access_remedy(in_container: bool | None) -> str:
    if in_container:
        return ("Start the container with the NVIDIA runtime: `docker run --gpus all …` "
                "(needs nvidia-container-toolkit on the host); on Kubernetes request `nvidia.com/gpu`.")
    return "Install the NVIDIA driver for your GPU (e.g. `sudo ubuntu-drivers install` or the .run installer)."


@rule("CC102", "driver-not-loaded", "driver_not_loaded", "driver")
def driver_not_loaded(ctx: RuleContext) -> Iterator[Finding]:
    """The NVIDIA kernel driver is not loaded or not answering.

    What it checks:
        NVML loaded but reported NVML_ERROR_DRIVER_NOT_LOADED (no kernel module). Under WSL,
        in a VM or a hosted notebook (the host's driver passes the GPU in) and inside a
        container or pod (the NVIDIA runtime does) the same answer means the GPU is not
        visible to this process: category `no_gpu_visible`. On a machine whose accelerator is
        not NVIDIA's (a ROCm or XPU torch, a Mac, a report saying there is no NVIDIA GPU) no
        driver is the expected state: info.
    Why it matters:
        nvidia-smi prints "couldn't communicate with the NVIDIA driver" and every CUDA
        program fails. Typical causes: a kernel update without a rebuilt DKMS module,
        Secure Boot refusing the unsigned module, or nouveau bound to the GPU.
    How to fix:
        Reinstall the driver for the running kernel (`sudo apt install --reinstall
        nvidia-dkms-<branch>` or the .run installer), sign it or disable Secure Boot,
        then `sudo modprobe nvidia` or reboot.
    """
    nvml = ctx.snapshot.nvml
    if nvml.status != "driver_not_loaded":
        return
    message = f"NVML: {nvml.error_message or 'Driver Not Loaded'} (code {nvml.error_code})."
    situation = gpu_situation(ctx)
    if ctx.non_nvidia_evidence:
        yield ctx.finding(
            "No NVIDIA driver is loaded, and this machine's accelerator is not NVIDIA's", severity="info",
            detail=f"{message} {ctx.non_nvidia_evidence[0].upper() + ctx.non_nvidia_evidence[1:]}: no NVIDIA driver "
                   "is the expected state.",
            remedy="Nothing to fix for CUDA: run on the CPU or on the machine's own accelerator (`cudacheck doctor` on "
                   "a machine with an NVIDIA GPU checks its driver).",
            evidence=["nvml.status"])
        return
    if situation is not None and situation.kind != "slurm":
        # WSL and VMs get the GPU from the host's driver; containers and pods from the NVIDIA runtime: without
        # it the process sees no driver, while the host's is fine
        yield ctx.finding(
            f"{situation.words[0].upper() + situation.words[1:]} sees no GPU: the NVIDIA driver is not reachable "
            "from it",
            category="no_gpu_visible",
            detail=f"{message} Under WSL, in a VM or a hosted notebook the GPU comes from the host's driver, in a "
                   "container or pod from the NVIDIA runtime; NVML finds no driver when the GPU is not passed in "
                   "(or the host's own driver is not loaded: check `nvidia-smi` on the host).",
            remedy=situation.remedy, evidence=["nvml.status", "container.runtime", "container.in_container"])
    else:
        yield ctx.finding(
            "The NVIDIA kernel driver is not loaded",
            detail=f"{message} Kernel {ctx.snapshot.platform.kernel or 'unknown'}.",
            remedy="Rebuild/reinstall the driver for this kernel (DKMS) and load it: "
                   "`sudo modprobe nvidia` (check `dmesg | grep -i nvidia` for the reason), or reboot.",
            evidence=["nvml.status", "nvml.error_code"])


@rule("CC103", "driver-library-mismatch", "driver_library_mismatch", "driver")
def driver_library_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """User-space driver libraries differ from the loaded kernel module.

    What it checks:
        NVML_ERROR_LIB_RM_VERSION_MISMATCH (18, "Driver/library version mismatch") or
        CUDA_ERROR_SYSTEM_DRIVER_MISMATCH (803). An 803 with cuda-compat in use (and NVML
        fine) is the compat library, not a stale module: CC107 reports it.
    Why it matters:
        After a driver upgrade the old kernel module stays loaded until it is reloaded;
        every CUDA and NVML call fails until then.
    How to fix:
        Reboot, or unload and reload the module (`sudo rmmod nvidia_uvm nvidia_drm
        nvidia_modeset nvidia && sudo modprobe nvidia`) with no GPU process running.
        In a container, the host's driver changed under it: restart the container.
    """
    nvml = ctx.snapshot.nvml
    cuda = ctx.snapshot.cuda_driver
    if _compat_803(ctx):
        return  # cuda-compat's libcuda, not a stale module: CC107
    if nvml.status == "version_mismatch" or cuda.init_code == 803:
        source = (f"NVML: {nvml.error_message or 'Driver/library version mismatch'}"
                  if nvml.status == "version_mismatch" else
                  f"cuInit: {cuda.init_error_name or 'CUDA_ERROR_SYSTEM_DRIVER_MISMATCH'} (803)")
        yield ctx.finding(
            "NVIDIA driver libraries do not match the loaded kernel module",
            detail=f"{source}. The driver was upgraded but the old kernel module is still loaded.",
            remedy="Reboot, or reload the module: `sudo rmmod nvidia_uvm nvidia_drm nvidia_modeset nvidia "
                   "&& sudo modprobe nvidia`. Inside a container: restart the container.",
            evidence=["nvml.status", "cuda_driver.init_code"])


@rule("CC110", "nvml-init-failed", "no_gpu_visible", "driver")
def nvml_init_failed(ctx: RuleContext) -> Iterator[Finding]:
    """NVML is installed but cannot initialise: no permission, a lost GPU, or "Unknown Error".

    What it checks:
        nvmlInit failed with NVML_ERROR_NO_PERMISSION (4), GPU_IS_LOST (15), or another
        error ("Failed to initialize NVML: Unknown Error", 999) — everything that is not
        a missing library, an unloaded driver or a version mismatch (CC101–CC103).
    Why it matters:
        No CUDA program can use the GPUs. Inside a container the usual cause is that the
        container lost access to /dev/nvidia* after the host ran `systemctl
        daemon-reload` (cgroup device rules reset); on a host, /dev/nvidia* permissions or
        a GPU that has fallen off the bus.
    How to fix:
        Container: restart it; for a lasting fix use CDI (`nvidia-ctk cdi generate`) or pass
        the /dev/nvidia* devices explicitly. Host: check `ls -l /dev/nvidia*` (the user
        needs the video/render group) and `dmesg | grep -i xid`; reset or reboot.
    """
    nvml = ctx.snapshot.nvml
    if nvml.status not in ("no_permission", "gpu_lost", "unknown"):
        return
    message = f"NVML: {nvml.error_message or nvml.status}" + (f" (code {nvml.error_code})" if nvml.error_code else "")
    if nvml.status == "gpu_lost":
        yield ctx.finding("A GPU has fallen off the bus (NVML: GPU is lost)", category="gpu_health",
                          detail=message + ".",
                          remedy="Check `dmesg | grep -i xid` (Xid 79); drain the node, reset the GPU or reboot.",
                          evidence=["nvml.status"])
    elif nvml.status == "no_permission":
        yield ctx.finding(f"No permission to use the NVIDIA devices (uid {ctx.snapshot.container.uid})",
                          detail=message + ".",
                          remedy="Add the user to the group owning /dev/nvidia* (often `video` or `render`): "
                                 "`sudo usermod -aG video $USER`, then log in again.",
                          evidence=["nvml.status", "container.uid"])
    elif ctx.snapshot.container.in_container:
        yield ctx.finding("NVML cannot initialise inside this container (\"Unknown Error\")",
                          detail=message + ". The container has most likely lost access to /dev/nvidia* after "
                                           "the host reloaded systemd (`systemctl daemon-reload`).",
                          remedy="Restart the container. To prevent it, let the NVIDIA Container Toolkit use CDI "
                                 "(`nvidia-ctk cdi generate`) or pass the /dev/nvidia* devices explicitly.",
                          evidence=["nvml.status", "container.in_container"])
    else:
        yield ctx.finding("NVML cannot initialise (\"Unknown Error\")", category="driver_not_loaded",
                          detail=message + ".",
                          remedy="Check `dmesg | grep -i nvidia` and `nvidia-smi`; reload the driver "
                                 "(`sudo modprobe -r nvidia_uvm && sudo modprobe nvidia_uvm`) or reboot.",
                          evidence=["nvml.status"])


@rule("CC109", "driver-unresponsive", "gpu_health", "driver")
def driver_unresponsive(ctx: RuleContext) -> Iterator[Finding]:
    """The driver hung or crashed when queried.

    What it checks:
        The NVML or CUDA driver query, run in a child process with a deadline, timed out
        or died from a signal. An error when a GPU is required or expected (an NVML that
        hangs is itself an installed driver); a warning otherwise.
    Why it matters:
        A wedged driver (GPU fallen off the bus, Xid 79, a stuck persistence daemon)
        blocks every CUDA process, usually forever. Health checks must report it, not hang,
        and must not mistake it for a machine without GPUs.
    How to fix:
        Check `dmesg` for Xid errors and `nvidia-smi -q`; drain the node and reset the GPU
        (`nvidia-smi -r`) or reboot the host.
    """
    from ..coverage import DRIVER_PROBES, describe, failures

    severity = "error" if ctx.gpu_expected else "warning"
    for error in failures(ctx.snapshot, "driver"):
        if error.probe not in DRIVER_PROBES or error.kind not in ("timeout", "crashed"):
            continue
        what = "NVML" if error.probe == "nvml" else "the CUDA driver API (cuInit)"
        state = "hung" if error.kind == "timeout" else "crashed"
        yield ctx.finding(
            f"The NVIDIA driver {state}: {describe(error)}",
            severity=severity,
            detail=f"Querying {what} in a child process: {error.message}. Whether a GPU is visible cannot be "
                   "told while the driver does not answer.",
            remedy="Look for Xid errors in `dmesg`; drain the node, reset the GPU (`nvidia-smi -r`) "
                   "or reboot.",
            evidence=[f"probe_errors[{error.probe}]"])


@rule("CC111", "probe-failed", "config", "driver", severity="warning")
def probe_failed(ctx: RuleContext) -> Iterator[Finding]:
    """A probe could not do its job, so part of the environment could not be checked.

    What it checks:
        Every probe error other than the driver's hang or crash (CC109), a probe's own
        bug (CC100) and a library that is simply absent: the CUDA library probe crashed or timed out while loading a
        library, the package or torch-build probe failed, the deep child (torch imported
        in a child process) crashed or timed out. Reported in the area it took away. A
        deep child that crashed is an error when a GPU or torch is expected: a process
        that imports torch there crashes too.
    Why it matters:
        An area that could not be checked is not a healthy area: a library that crashes
        when loaded, or a torch import that dies from a signal, is often the very
        problem.
    How to fix:
        Run the step by hand to see the error: `python -c "import ctypes;
        ctypes.CDLL('<library>')"` for a library, `python -c "import torch;
        torch.cuda.init()"` for the deep probe; raise `--timeout` if the machine is only
        slow.
    """
    from ..coverage import DRIVER_PROBES, area_of, describe, failures

    for error in failures(ctx.snapshot):
        if error.probe in DRIVER_PROBES and error.kind in ("timeout", "crashed"):
            continue  # CC109 names a hung or crashed driver
        if error.kind == BUG:
            continue  # CC100 names a bug in cudacheck
        area = area_of(error, ctx.snapshot)
        severe = error.probe == "deep" and error.kind == "crashed" and \
            (ctx.gpu_expected or bool(ctx.policy.require_torch))
        title = f"A process using torch crashes here: {describe(error)}" if severe else \
            f"{_AREA_WORDS.get(area, area)} could not be checked: {describe(error)}"
        yield ctx.finding(
            title,
            severity="error" if severe else "warning", layer=area,
            category="gpu_health" if severe and area == "gpus" else None,
            detail=f"{error.probe} probe: {error.kind}: {error.message}.",
            remedy=_PROBE_REMEDIES.get(error.probe, "Run `cudacheck doctor -v` and report the probe error."),
            evidence=[f"probe_errors[{error.probe}]"])


_AREA_WORDS = {"driver": "The NVIDIA driver", "gpus": "The GPUs", "torch": "The torch build",
               "libraries": "The CUDA libraries", "packages": "The Python packages",
               "container": "The container"}
_PROBE_REMEDIES = {
    "libraries": "Load the library named above by hand (`python -c \"import ctypes; ctypes.CDLL('<path>')\"`) to "
                 "see the error; remove a broken copy from LD_LIBRARY_PATH.",
    "deep": "Run `python -c \"import torch; torch.cuda.init(); print(torch.cuda.get_arch_list())\"` to see the "
            "failure; a crash in a GPU step points at the driver or the GPU (`dmesg | grep -i xid`).",
}


@rule("CC104", "device-nodes-missing", "no_gpu_visible", "driver")
def device_nodes_missing(ctx: RuleContext) -> Iterator[Finding]:
    """NVML sees GPUs but /dev/nvidia-uvm or /dev/nvidiactl is missing.

    What it checks:
        NVML lists GPUs while the device nodes CUDA needs are absent: /dev/nvidiactl
        always, /dev/nvidia-uvm for every CUDA context.
    Why it matters:
        CUDA fails to initialise ("no CUDA-capable device is detected", error 100, or
        999) although nvidia-smi works. On a host nvidia-modprobe normally creates
        /dev/nvidia-uvm on first use; inside a container it cannot, so the runtime must
        pass it in.
    How to fix:
        On the host: `sudo nvidia-modprobe -u -c=0` (or `sudo modprobe nvidia-uvm`), then
        restart the container. With plain `--device` flags add `--device /dev/nvidia-uvm
        --device /dev/nvidiactl`, or use `--gpus all`.
    """
    nodes = ctx.snapshot.container.dev_nodes
    if nodes is None or not ctx.gpus or ctx.snapshot.cuda_driver.init_code == 0:
        return
    missing = [node for node in ("/dev/nvidiactl", "/dev/nvidia-uvm") if node not in nodes]
    if not missing:
        return
    in_container = bool(ctx.snapshot.container.in_container)
    yield ctx.finding(
        f"NVML sees {len(ctx.gpus)} GPU(s) but {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing",
        severity="error" if in_container else "warning",
        detail=f"Present: {', '.join(nodes) or 'no /dev/nvidia* nodes'}. CUDA needs {', '.join(missing)} to create "
               "a context." + ("" if in_container else " On a host nvidia-modprobe may still create it on first use."),
        remedy="On the host run `sudo nvidia-modprobe -u -c=0` (creates /dev/nvidia-uvm), then restart the "
               "container; with --device flags also pass --device /dev/nvidia-uvm --device /dev/nvidiactl.",
        evidence=["container.dev_nodes", "nvml.gpus"])


@rule("CC105", "visible-devices-hide-gpus", "no_gpu_visible", "driver")
def visible_devices_hide_gpus(ctx: RuleContext) -> Iterator[Finding]:
    """CUDA_VISIBLE_DEVICES or NVIDIA_VISIBLE_DEVICES hides the GPUs.

    What it checks:
        CUDA_VISIBLE_DEVICES set to an empty string, `none`/`void`, or to indices/UUIDs
        that do not exist (CUDA stops at the first invalid entry; in a paste, only against a listed
        GPU: a driver line alone does not say how many there are); NVIDIA_VISIBLE_DEVICES
        set to `void`/empty (no GPU container) or `none` (driver libraries, no GPUs).
    Why it matters:
        torch.cuda.device_count() is 0 or smaller than expected and the job silently
        runs on the CPU, while nvidia-smi (which ignores CUDA_VISIBLE_DEVICES) shows
        the GPUs.
    How to fix:
        Unset CUDA_VISIBLE_DEVICES or set it to existing indices/UUIDs (see
        `nvidia-smi -L`); start the container with `--gpus all` or
        `NVIDIA_VISIBLE_DEVICES=all`.
    """
    container = ctx.snapshot.container
    cuda_mask = container.cuda_visible_devices
    nvidia_mask = container.nvidia_visible_devices
    # A pasted NVIDIA_VISIBLE_DEVICES only exists in container setups, so it counts as one there.
    container_like = container.in_container or (ctx.snapshot.source == "pasted" and container.in_container is None)
    # GPUs named in a paste are usually the host's (its nvidia-smi), not what the masked container sees.
    gpus_seen_inside = bool(ctx.gpus) and ctx.snapshot.source != "pasted"
    if nvidia_mask is not None and nvidia_mask.kind in ("void", "empty", "none") and not gpus_seen_inside \
            and container_like:
        meaning = ("driver libraries but no GPUs" if nvidia_mask.kind == "none" else "no GPU support at all")
        yield ctx.finding(
            f"NVIDIA_VISIBLE_DEVICES={nvidia_mask.raw!r}: the container was started with {meaning}",
            detail="The NVIDIA container runtime reads NVIDIA_VISIBLE_DEVICES at start; "
                   f"{nvidia_mask.raw!r} means {meaning}.",
            remedy="Restart with `docker run --gpus all …` or `-e NVIDIA_VISIBLE_DEVICES=all` (Kubernetes: "
                   "request nvidia.com/gpu); where the image's entrypoint or an init script sets it, change the "
                   "script so it keeps the runtime's value.",
            evidence=["container.nvidia_visible_devices"])
    if cuda_mask is None or cuda_mask.kind in (None, "unset", "all"):
        return
    count = len(ctx.gpus)
    if cuda_mask.hides_every_gpu():
        if count:
            yield ctx.finding(
                f"CUDA_VISIBLE_DEVICES={cuda_mask.raw!r} hides all {count} GPU(s)",
                detail="CUDA only shows the devices listed in CUDA_VISIBLE_DEVICES; an empty or non-numeric "
                       "value lists none. nvidia-smi ignores it, so the GPUs still appear there.",
                remedy="`unset CUDA_VISIBLE_DEVICES`, or set it to GPU indices such as `0,1`.",
                evidence=["container.cuda_visible_devices", "nvml.gpus"])
        return
    if not ctx.nvml_ok or (count == 0 and ctx.snapshot.source == "pasted"):
        return  # a paste that lists no GPU (`nvidia-smi --version`, a driver line) does not say how many there are
    uuids = [g.facts.uuid.lower() for g in ctx.gpus if g.facts.uuid]
    bad = [str(i) for i in cuda_mask.indices if i < 0 or i >= count]
    bad += [u for u in cuda_mask.uuids if uuids and not any(x.startswith(u.lower()) for x in uuids)
            and not u.upper().startswith("MIG-")]
    if bad:
        yield ctx.finding(
            f"CUDA_VISIBLE_DEVICES={cuda_mask.raw!r} names GPUs that do not exist ({', '.join(bad)})",
            severity="error" if _first_invalid(cuda_mask, count) else "warning",
            detail=f"This machine has {count} GPU(s) (indices 0–{count - 1}). CUDA stops reading the list at "
                   "the first invalid entry, so later entries are ignored too.",
            remedy=f"Set CUDA_VISIBLE_DEVICES to existing indices (0–{count - 1}) or UUIDs from `nvidia-smi -L`.",
            evidence=["container.cuda_visible_devices", "nvml.gpu_count"])


def _first_invalid(mask, count: int) -> bool:
    """True when the very first entry is invalid, so CUDA sees no GPU at all."""
    raw = (mask.raw or "").split(",")[0].strip()
    return raw.lstrip("-").isdigit() and not 0 <= int(raw) < count


@rule("CC106", "fabric-manager-missing", "fabricmanager_missing", "driver")
def fabric_manager_missing(ctx: RuleContext) -> Iterator[Finding]:
    """CUDA reports "system not yet initialized" (802) on an NVSwitch system.

    What it checks:
        cuInit returned CUDA_ERROR_SYSTEM_NOT_READY (802). On HGX/DGX boards with NVSwitch
        (A100/H100/H200/B200 SXM) this means the Fabric Manager service is not running or
        its version differs from the driver's.
    Why it matters:
        Every CUDA call fails with error 802 while nvidia-smi looks healthy.
    How to fix:
        Install the nvidia-fabricmanager package of exactly the driver's version and
        `sudo systemctl enable --now nvidia-fabricmanager`; check `journalctl -u
        nvidia-fabricmanager`.
    """
    if ctx.snapshot.cuda_driver.init_code != 802:
        return
    nvswitch = [g for g in ctx.gpus if g.row is not None and g.row.nvswitch]
    branch = (ctx.driver_version or "").split(".")[0]
    yield ctx.finding(
        "CUDA is not initialised (802): Fabric Manager is not running"
        + (f" on this NVSwitch system ({nvswitch[0].label})" if nvswitch else ""),
        certainty="confirmed" if nvswitch else "likely",
        detail=f"cuInit returned {ctx.snapshot.cuda_driver.init_error_name or 'CUDA_ERROR_SYSTEM_NOT_READY'} (802)"
               f"; driver {ctx.driver_version or 'unknown'}.",
        remedy=f"sudo apt install nvidia-fabricmanager-{branch or '<driver branch>'}={ctx.driver_version or '<driver version>'}-* "
               "&& sudo systemctl enable --now nvidia-fabricmanager (the version must equal the driver's).",
        evidence=["cuda_driver.init_code", "nvml.gpus.name"])


def _compat_803(ctx: RuleContext) -> bool:
    """cuInit's 803 (driver/library mismatch) while cuda-compat is in use and NVML works: the compat libcuda does not
    fit the kernel driver, the module itself is not stale."""
    return ctx.snapshot.cuda_driver.init_code == 803 and ctx.snapshot.nvml.status != "version_mismatch" and \
        compat_libraries_in_use(ctx)


@rule("CC107", "forward-compat-unsupported", "forward_compat_unsupported", "driver")
def forward_compat_unsupported(ctx: RuleContext) -> Iterator[Finding]:
    """cuda-compat (forward compatibility) libraries on a GPU that cannot use them.

    What it checks:
        The libcuda that loads comes from a cuda-compat folder (e.g.
        /usr/local/cuda/compat) while the GPU is not a datacenter part, or cuInit fails
        with CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE (804), or with 803 (driver/library
        mismatch) while cuda-compat is in use and NVML works.
    Why it matters:
        Forward compatibility lets an older driver run a newer CUDA only on datacenter GPUs
        (and a few NGC-ready RTX SKUs and Jetson); elsewhere CUDA fails with error 804
        "forward compatibility was attempted on non supported HW".
    How to fix:
        Remove the compat folder from LD_LIBRARY_PATH / ld.so.conf (NGC images do this
        automatically on consumer GPUs when the check is not disabled), and update the
        host driver instead.
    """
    cuda = ctx.snapshot.cuda_driver
    if _compat_803(ctx):
        yield ctx.finding(
            "cuda-compat's libcuda does not fit the kernel driver (803)",
            detail=f"cuInit: {cuda.init_error_name or 'CUDA_ERROR_SYSTEM_DRIVER_MISMATCH'} (803) while the "
                   "forward-compatibility libraries (cuda-compat) are in use. They only help an older driver on a GPU "
                   "that supports them; with any other driver they break CUDA.",
            remedy="Take the cuda-compat folder out of LD_LIBRARY_PATH (or /etc/ld.so.conf.d, or remove the "
                   "cuda-compat package) so the driver's own libcuda loads; update the host driver if the software "
                   "needs a newer CUDA.",
            evidence=["cuda_driver.init_code", "cuda_driver.library_path"])
        return
    ineligible = forward_compat_unusable(ctx)
    if cuda.init_code == 804 or (cuda.is_compat_library and ineligible):
        names = ", ".join(g.label for g in ctx.gpus) or "this GPU"
        yield ctx.finding(
            f"Forward-compatibility libcuda is used on {names}, which does not support it",
            detail=f"libcuda loaded from {cuda.library_path or 'a cuda-compat folder'}"
                   + (f"; cuInit returned {cuda.init_error_name or 'CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE'} (804)"
                      if cuda.init_code == 804 else "")
                   + ". Forward compatibility is supported only on datacenter GPUs, NGC Server Ready RTX SKUs and Jetson.",
            remedy="Drop the cuda-compat folder from LD_LIBRARY_PATH (or /etc/ld.so.conf.d) so the driver's own "
                   "libcuda loads, and upgrade the host driver to the CUDA version the software needs.",
            evidence=["cuda_driver.library_path", "cuda_driver.init_code", "nvml.gpus.name"])


@rule("CC108", "container-requirement-unsatisfied", "container_requirement_unsatisfied", "driver")
def container_requirement_unsatisfied(ctx: RuleContext) -> Iterator[Finding]:
    """The image's NVIDIA_REQUIRE_CUDA (or other NVIDIA_REQUIRE_*) fails on this driver.

    What it checks:
        Each NVIDIA_REQUIRE_* variable, with the NVIDIA Container Toolkit's grammar: space
        separates alternatives (OR), comma joins conditions (AND), over `cuda` (the
        driver's CUDA version), `driver`, `arch` and `brand`. NVIDIA_DISABLE_REQUIRE is a
        Go boolean: `1`/`true` disable the check, `yes` does not.
    Why it matters:
        The toolkit refuses to start the container: "nvidia-container-cli: requirement
        error: unsatisfied condition: cuda>=12.4" (it echoes only the first term).
    How to fix:
        Update the host driver to one that supports the image's CUDA, or use an image
        built for an older CUDA. Setting NVIDIA_DISABLE_REQUIRE=1 only hides the problem
        unless forward compatibility applies: an unmet requirement it hides is a warning
        that says what the image needs and what the driver gives.
    """
    from ...compat.requirements import disable_require, evaluate

    env = ctx.snapshot.container.env
    disabled_by = env.get("NVIDIA_DISABLE_REQUIRE") if disable_require(env.get("NVIDIA_DISABLE_REQUIRE")) else None
    requirements = {k: v for k, v in env.items() if k.startswith("NVIDIA_REQUIRE_") and v.strip()}
    if not requirements or not (ctx.driver_cuda or ctx.driver_version):
        return
    devices: List[Optional[GpuView]] = list(ctx.gpus) or [None]  # no GPU: the requirement is judged once
    driver = " ".join(filter(None, (f"driver {ctx.driver_version}" if ctx.driver_version else "the driver",
                                    f"(CUDA {ctx.driver_cuda})" if ctx.driver_cuda else "")))
    gives = f"the driver supports CUDA {ctx.driver_cuda}" if ctx.driver_cuda else f"{driver} is older"
    for variable, expression in sorted(requirements.items()):
        for gpu in devices:
            properties = {"cuda": ctx.driver_cuda, "driver": ctx.driver_version,
                          "arch": gpu.arch.cc.rstrip("af") if gpu and gpu.arch else None,
                          "brand": (gpu.facts.brand or _brand(gpu.facts.name)) if gpu else None}
            verdict = evaluate(variable, expression, properties)
            if verdict.satisfied is False:
                wanted = re.search(r"cuda>=?(\d+\.\d+)", verdict.first_term)
                driver_needed = ctx.db.min_driver(wanted.group(1), ctx.platform) if wanted else None
                remedy = (f"Update the host driver to ≥ {driver_needed}" if driver_needed else
                          "Update the host driver") + ", or use an image built for CUDA " \
                    f"{ctx.driver_cuda or 'your driver’s version'} or older."
                evidence = [f"container.env.{variable}", "nvml.cuda_driver_version"]
                if disabled_by is not None:  # the toolkit skipped the check: the container started anyway
                    yield ctx.finding(
                        f"This image needs {verdict.first_term}, {gives}; "
                        f"NVIDIA_DISABLE_REQUIRE={disabled_by} hides it", severity="warning",
                        detail=f"{variable}={expression!r} is not satisfied by {driver}. The container toolkit "
                               "skipped the check, so the container started; CUDA code built for the image's "
                               "CUDA fails unless forward compatibility applies (a datacenter GPU with the "
                               "image's cuda-compat libraries).",
                        remedy=remedy, evidence=evidence + ["container.env.NVIDIA_DISABLE_REQUIRE"])
                    break
                disabled = env.get("NVIDIA_DISABLE_REQUIRE")
                note = (f" NVIDIA_DISABLE_REQUIRE={disabled!r} does not disable it (Go boolean: use 1 or true)."
                        if disabled else "")
                yield ctx.finding(f"This image requires {verdict.first_term}; {gives}",
                                  detail=f"{variable}={expression!r} is not satisfied by {driver}.{note}",
                                  remedy=remedy, evidence=evidence)
                break


def _brand(name: str | None) -> str | None:
    if not name:
        return None
    lowered = name.lower()
    for brand in ("geforce", "quadro", "tesla", "titan"):
        if brand in lowered:
            return brand
    return "nvidia"


@rule("CC113", "driver-capabilities-without-compute", "config", "container")
def driver_capabilities_without_compute(ctx: RuleContext) -> Iterator[Finding]:
    """The container asks the NVIDIA runtime for driver capabilities without `compute`.

    What it checks:
        NVIDIA_DRIVER_CAPABILITIES of a container (its environment, or a pasted `docker run -e`, compose file or
        Dockerfile) set to a list that names neither `compute` nor `all` (`utility`, `graphics,utility`, `video`),
        where CUDA does not work: live, libcuda is not found or does not initialise (a libcuda probe that gave no
        answer leaves it unknown: no finding); in a paste, CUDA is reported unavailable or no driver is found.
    Why it matters:
        The NVIDIA container runtime mounts only the driver parts the list names: `utility` gives nvidia-smi and NVML,
        `compute` gives libcuda. nvidia-smi then works inside the container while CUDA finds no driver.
    How to fix:
        Set NVIDIA_DRIVER_CAPABILITIES=compute,utility (or `all`) in the image, `docker run -e` or compose file, or
        leave it unset; `docker run --gpus all` asks for compute and utility by default.
    """
    value = capabilities_without_compute(ctx)
    if value is None:
        return
    if ctx.snapshot.source == "pasted":
        failure = cuda_unavailable(ctx) or first_of(ctx, Obs.NO_NVIDIA_DRIVER, Obs.LIBCUDA_MISSING, Obs.NO_CUDA_DEVICE,
                                                    Obs.NO_CUDA_GPUS, Obs.CUDA_INIT_FAILED)
        if failure is None:
            return
        shown = f" The paste shows CUDA without a driver: {quote(failure)}."
    else:
        # live: libcuda known to be missing or failing; a probe that did not answer leaves it unknown (CC111 says so)
        code = ctx.snapshot.cuda_driver.init_code
        missing = any(e.probe == "cuda_driver" and e.kind == "not_found" for e in ctx.snapshot.probe_errors)
        if not missing and (code is None or code == 0):
            return
        shown = " libcuda " + ("was not found in this container." if missing else f"fails to initialise (error {code}).")
    yield ctx.finding(
        f"NVIDIA_DRIVER_CAPABILITIES={value} gives the container nvidia-smi but not CUDA",
        certainty=LIKELY,
        detail="The NVIDIA container runtime mounts only the driver parts this list names: `utility` is nvidia-smi "
               "and NVML, `compute` is libcuda, which CUDA and torch need." + shown,
        remedy="Set NVIDIA_DRIVER_CAPABILITIES=compute,utility (or all) in the image, the `docker run -e` or the "
               "compose file, or leave it unset (`docker run --gpus all` asks for compute and utility).",
        evidence=["container.env.NVIDIA_DRIVER_CAPABILITIES"])
