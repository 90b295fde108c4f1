"""Driver and GPU access: is there a working driver this process can reach?"""
from __future__ import annotations

from typing import Iterator

from ...report import Finding
from ..context import RuleContext
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
    required = ctx.policy.require_gpu or bool(ctx.policy.min_gpus)
    detail = f"NVML: {ctx.snapshot.nvml.error_message or 'libnvidia-ml.so.1 not found'}."
    if required:
        yield ctx.finding("No NVIDIA driver is visible, but GPUs are required", detail=detail,
                          remedy=_gpu_access_remedy(container.in_container),
                          evidence=["nvml.status", "policy.require_gpu"])
    elif container.in_container and ctx.torch_is_cuda:
        yield ctx.finding(
            f"Container holds CUDA torch {ctx.snapshot.torch.version} but no NVIDIA driver is visible",
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
        NVML loaded but reported NVML_ERROR_DRIVER_NOT_LOADED (no kernel module), or the
        CUDA driver API failed with CUDA_ERROR_NO_DEVICE (100) while device nodes exist.
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
    if nvml.status == "driver_not_loaded":
        yield ctx.finding(
            "The NVIDIA kernel driver is not loaded",
            detail=f"NVML: {nvml.error_message or 'Driver Not Loaded'} (code {nvml.error_code}). "
                   f"Kernel {ctx.snapshot.platform.kernel or 'unknown'}.",
            remedy="Rebuild/reinstall the driver for this kernel (DKMS) and load it: "
                   "`sudo modprobe nvidia` (check `dmesg | grep -i nvidia` for the reason), or reboot.",
            evidence=["nvml.status", "nvml.error_code"])


@rule("CC103", "driver-library-mismatch", "driver_library_mismatch", "driver")
def driver_library_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """User-space driver libraries differ from the loaded kernel module.

    What it checks:
        NVML_ERROR_LIB_RM_VERSION_MISMATCH (18, "Driver/library version mismatch") or
        CUDA_ERROR_SYSTEM_DRIVER_MISMATCH (803).
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


@rule("CC109", "driver-unresponsive", "gpu_health", "driver")
def driver_unresponsive(ctx: RuleContext) -> Iterator[Finding]:
    """The driver hung or crashed when queried.

    What it checks:
        The NVML or CUDA driver query, run in a child process with a deadline, timed out
        or died from a signal.
    Why it matters:
        A wedged driver (GPU fallen off the bus, Xid 79, a stuck persistence daemon)
        blocks every CUDA process, usually forever. Health checks must report it, not hang.
    How to fix:
        Check `dmesg` for Xid errors and `nvidia-smi -q`; drain the node and reset the GPU
        (`nvidia-smi -r`) or reboot the host.
    """
    for error in ctx.snapshot.probe_errors:
        if error.probe in ("nvml", "cuda_driver") and error.kind in ("timeout", "crashed"):
            what = "NVML" if error.probe == "nvml" else "the CUDA driver API (cuInit)"
            yield ctx.finding(
                f"Querying {what} {'timed out' if error.kind == 'timeout' else 'crashed'}",
                detail=f"{error.message} after {error.seconds or 0:.1f} s.",
                remedy="Look for Xid errors in `dmesg`; drain the node, reset the GPU (`nvidia-smi -r`) "
                       "or reboot.",
                evidence=[f"probe_errors[{error.probe}]"])
