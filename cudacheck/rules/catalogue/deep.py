"""Results of the deep probe: what torch itself said in a child process."""
from __future__ import annotations

from typing import Iterator, Optional, Tuple

from ...observations import Obs
from ...report import Finding
from ..context import RuleContext
from ..observations import FORWARD_COMPAT_WORDS, forward_compat_cause
from ..registry import rule



def classify(text: Optional[str]) -> Optional[Obs]:
    """The first message of the one catalogue triage also reads (:mod:`cudacheck.messages`) that points
    to a cause in an error text torch printed, or None."""
    from ...messages import recognise  # the catalogue is loaded only when a deep child reported an error
    from ...vocabulary import CATEGORIES

    return next((obs for obs, _ in recognise(text) if obs.category in CATEGORIES), None)


def _explained(ctx: RuleContext, text: Optional[str]) -> Tuple[str, str]:
    """(category, explanation) of an error text; ("config", "") when no message points to a cause."""
    obs = classify(text)
    if obs is None:
        return "config", ""
    if obs is Obs.FORWARD_COMPAT_804:
        category = forward_compat_cause(ctx)
        return category, FORWARD_COMPAT_WORDS[category]
    return obs.category, obs.summary


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
    category, words = _explained(ctx, deep.cuda_init_error)
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
    category, words = _explained(ctx, deep.import_error)
    yield ctx.finding(
        "import torch fails" + (f": {words}" if words else ""),
        category=category,
        detail=deep.import_error.strip()[:500],
        remedy="Remove CUDA library folders from LD_LIBRARY_PATH, then reinstall torch (restores its nvidia-* "
               "wheels):\n" + ctx.best_wheel_text(),
        evidence=["deep.import_error"])
