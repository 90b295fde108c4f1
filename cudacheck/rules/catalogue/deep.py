"""Results of the deep probe: what torch itself said in a child process."""
from __future__ import annotations

import re
from typing import Iterator, Optional, Tuple

from ...report import Finding
from ..context import RuleContext
from ..registry import rule

# Text torch/CUDA print on a failed init → (category, plain words). Order matters: first match wins.
CUDA_INIT_ERRORS: Tuple[Tuple[str, str, str], ...] = (
    (r"driver on your system is too old|found version \d+|driver version is insufficient|\b35\b.*insufficient",
     "driver_too_old", "the driver is older than the CUDA torch was built with"),
    (r"forward compatibility was attempted|\b804\b", "forward_compat_unsupported",
     "cuda-compat forward-compatibility libraries were used on a GPU that does not support them (804)"),
    (r"system not yet initialized|\b802\b", "fabricmanager_missing",
     "the system is not initialised: on NVSwitch systems, Fabric Manager is not running (802)"),
    (r"unsupported display driver / cuda driver combination|\b803\b|version mismatch", "driver_library_mismatch",
     "the driver libraries and the kernel module differ (803)"),
    (r"no CUDA-capable device|CUDA_ERROR_NO_DEVICE|\b100\b", "no_gpu_visible",
     "CUDA sees no device (100): masked by CUDA_VISIBLE_DEVICES, missing /dev/nvidia-uvm, or no GPU passed in"),
    (r"unknown error|\b999\b", "driver_not_loaded",
     "CUDA returned 'unknown error' (999): often nvidia_uvm needs reloading after suspend, or the driver is wedged"),
)

IMPORT_ERRORS: Tuple[Tuple[str, str, str], ...] = (
    (r"libcudnn\S*\.so[.\d]*: cannot open", "cudnn_missing", "a cuDNN library cannot be loaded"),
    (r"undefined symbol: \w*nccl", "nccl_mismatch", "the loaded libnccl lacks symbols torch needs"),
    (r"undefined symbol: \w*(cublas|cusparse|cufft|cusolver|cudnn)", "lib_path_conflict",
     "a CUDA library from another version was loaded before torch's"),
    (r"lib\w+\.so[.\d]*: cannot open shared object file", "lib_path_conflict", "a shared library is missing"),
)


def classify(text: Optional[str], table: Tuple[Tuple[str, str, str], ...]) -> Tuple[str, str]:
    """(category, explanation) for an error text; ("config", "") when nothing matches."""
    for pattern, category, words in table:
        if text and re.search(pattern, text, re.IGNORECASE):
            return category, words
    return "config", ""


@rule("CC701", "cuda-unavailable-in-torch", "config", "torch", symptom=True)
def cuda_unavailable_in_torch(ctx: RuleContext) -> Iterator[Finding]:
    """torch.cuda.is_available() is False for a CUDA build of torch.

    What it checks:
        In the deep child, a CUDA build of torch reports CUDA unavailable; the error text
        torch gives is explained in words (driver too old, 100, 802, 803, 804, 999).
    Why it matters:
        Work silently runs on the CPU or fails at the first `.cuda()`. When another
        finding names the cause, this one is folded into it as the observed symptom.
    How to fix:
        Follow the remedy of the cause; the error text tells which layer to look at.
    """
    deep = ctx.snapshot.deep
    if deep is None or not deep.ran or deep.cuda_available is not False or not ctx.torch_is_cuda:
        return
    if not ctx.has_nvidia_hardware and not ctx.policy.require_gpu:
        return  # a CUDA wheel on a CPU machine: nothing to fix
    category, words = classify(deep.cuda_init_error, CUDA_INIT_ERRORS)
    if category == "forward_compat_unsupported" and ctx.snapshot.container.in_container:
        # NGC-style images carry cuda-compat for hosts whose driver is older than the image's CUDA.
        category, words = "driver_too_old", ("the host driver is older than the image's CUDA, and this GPU "
                                             "cannot use the image's forward-compatibility libraries (804)")
    yield ctx.finding(
        "torch.cuda.is_available() is False" + (f": {words}" if words else ""),
        category=category,
        detail=f"torch {deep.torch_version or ctx.snapshot.torch.version} said: "
               f"{(deep.cuda_init_error or 'no error text').strip()[:400]}",
        remedy="Fix the cause reported with this finding; then `cudacheck doctor --deep` should pass.",
        evidence=["deep.cuda_available", "deep.cuda_init_error"])


@rule("CC702", "gpu-smoke-test-failed", "gpu_health", "gpus")
def gpu_smoke_test_failed(ctx: RuleContext) -> Iterator[Finding]:
    """A small matmul or convolution on the GPU failed or gave a wrong result.

    What it checks:
        The deep child's per-GPU smoke test: a matmul (and a cuDNN convolution) compared
        with the CPU result.
    Why it matters:
        Wrong results or kernel failures on a healthy-looking GPU point at bad memory, a
        broken cuDNN/cuBLAS, or a GPU in a bad state.
    How to fix:
        Re-run on another GPU; check `dmesg` for Xid errors and `nvidia-smi -q -d ECC`;
        reset or drain the GPU.
    """
    deep = ctx.snapshot.deep
    if deep is None:
        return
    for result in deep.smoke:
        failed = [name for name, ok in (("matmul", result.matmul_ok), ("convolution", result.conv_ok)) if ok is False]
        if result.error or failed:
            yield ctx.finding(
                f"GPU {result.index}: {' and '.join(failed) or 'smoke test'} failed",
                detail=(result.error or "") + (f" max abs error {result.matmul_max_error:g}"
                                               if result.matmul_max_error is not None else ""),
                remedy="Check `dmesg` for Xid errors and `nvidia-smi -q -d ECC`; reset the GPU or drain the node.",
                evidence=["deep.smoke"])


@rule("CC703", "torch-import-failed", "config", "torch")
def torch_import_failed(ctx: RuleContext) -> Iterator[Finding]:
    """Importing torch failed in the deep child.

    What it checks:
        The exception text of `import torch` in a child process, classified: a missing
        libcudnn, undefined NCCL/cuBLAS symbols, other missing shared libraries.
    Why it matters:
        Nothing that imports torch can run.
    How to fix:
        Follow the remedy: usually reinstall torch so pip restores its nvidia-* wheels, and
        remove stale CUDA folders from LD_LIBRARY_PATH.
    """
    deep = ctx.snapshot.deep
    if deep is None or not deep.import_error or not ctx.snapshot.torch.installed:
        return
    category, words = classify(deep.import_error, IMPORT_ERRORS)
    yield ctx.finding(
        "import torch fails" + (f": {words}" if words else ""),
        category=category,
        detail=deep.import_error.strip()[:500],
        remedy="Remove CUDA library folders from LD_LIBRARY_PATH, then reinstall torch (restores its nvidia-* "
               "wheels):\n" + ctx.best_wheel_text(),
        evidence=["deep.import_error"])
