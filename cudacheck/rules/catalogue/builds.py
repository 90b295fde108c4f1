"""Driver versus the torch build: can this driver run the CUDA the build was made with?"""
from __future__ import annotations

from typing import Iterator

from ...compat.judgements import driver_requirement, driver_verdict
from ...report import Finding
from ...versions import major_minor
from ..context import RuleContext
from ..observations import POSSIBLE, compat_libraries_in_use, forward_compat_unusable, torch_sees_gpu
from ..registry import rule


@rule("CC210", "driver-too-old-for-build", "driver_too_old", "driver")
def driver_too_old_for_build(ctx: RuleContext) -> Iterator[Finding]:
    """The driver cannot run the CUDA version torch was built with.

    What it checks:
        The driver's CUDA version (NVML's "CUDA Version": the newest CUDA it supports)
        against the torch build's CUDA. A newer major always runs an older build; the
        same major runs any minor through minor-version compatibility once the driver is
        above that major's floor (12.x: 525.60.13); an older major never does.
    Why it matters:
        torch reports "The NVIDIA driver on your system is too old (found version
        11040)" and `torch.cuda.is_available()` is False. A cu124 wheel on a driver that
        reports CUDA 12.2 is fine — only a different major (or a driver under the floor)
        is a problem.
    How to fix:
        Either update the driver to the branch the build needs, or install the newest
        torch wheel built for a CUDA this driver supports (the remedy names it).
        Where the paste shows CUDA working all the same (torch's is_available() True, or
        cuda-compat's libcuda in use), it is forward compatibility on a datacenter GPU, and on
        a GPU that cannot use it two environments mixed in one paste: info either way.
    """
    build_cuda = ctx.snapshot.torch.cuda
    if not build_cuda or not (ctx.driver_cuda or ctx.driver_version):
        return
    verdict = driver_verdict(ctx.db, build_cuda, ctx.driver_cuda, ctx.driver_version, ctx.platform)
    if verdict is None or verdict.runs:
        return
    if torch_sees_gpu(ctx) or compat_libraries_in_use(ctx):
        # CUDA works all the same: a newer libcuda (cuda-compat) answers for the old driver, which only a
        # datacenter GPU (and Jetson, NGC-ready RTX) accepts
        consumer = forward_compat_unusable(ctx)
        yield ctx.finding(
            f"Driver {ctx.driver_version or ctx.driver_cuda} is older than {ctx.torch_label}'s CUDA {build_cuda}, "
            "yet CUDA works" + ("" if consumer else ": forward compatibility (cuda-compat)"),
            severity="info", certainty=POSSIBLE,
            detail=f"The paste shows CUDA working with torch built for CUDA {build_cuda} on a driver that supports "
                   f"only CUDA {ctx.driver_cuda or 'older than that'}. "
                   + ("Forward compatibility does not apply to this GPU, so the two outputs likely come from different "
                      "environments (another container or machine)." if consumer else
                      "That is what cuda-compat's newer libcuda does on datacenter GPUs (NGC images ship it)."),
            remedy="Nothing to fix while it works; a driver of the build's CUDA major removes the dependence on "
                   "cuda-compat." if not consumer else "Run `nvidia-smi` and `python -m torch.utils.collect_env` in "
                   "the same environment and compare again.",
            evidence=["nvml.driver_version", "torch.cuda"])
        return
    major = (major_minor(build_cuda) or (0, 0))[0]
    requirement = driver_requirement(ctx.db, build_cuda, ctx.platform)
    floor_driver, full = (requirement.floor, requirement.full) if requirement else (None, None)
    needs = f"≥ {requirement.minimum}" if requirement else f"a CUDA {major}.x driver"
    driver = ctx.driver_version or (f"supporting CUDA {ctx.driver_cuda}" if ctx.driver_cuda else "in use")
    supports = f"supports CUDA ≤ {ctx.driver_cuda}" if ctx.driver_cuda else "is older than this build needs"
    remedy_lines = [f"Update the NVIDIA driver to {needs}"
                    + (f" ({full}+ for CUDA {build_cuda}'s full feature set)" if full and full != floor_driver else "")
                    + ", or:", ctx.best_wheel_text()]
    yield ctx.finding(
        f"Driver {driver} is too old for {ctx.torch_label} (CUDA {build_cuda})",
        detail=f"Driver {driver} {supports}; {ctx.torch_label} was built with CUDA "
               f"{build_cuda} and needs a driver {needs}."
               + ("" if ctx.driver_cuda else f" ({verdict.reason}.)"),
        remedy="\n".join(remedy_lines),
        evidence=["nvml.driver_version", "nvml.cuda_driver_version", "torch.cuda"])


@rule("CC211", "driver-minor-version-compat", "driver_too_old", "driver", severity="info")
def driver_minor_version_compat(ctx: RuleContext) -> Iterator[Finding]:
    """The build runs on this driver through CUDA minor-version compatibility.

    What it checks:
        The driver supports an older minor of the build's CUDA major (e.g. driver CUDA
        12.2, build CUDA 12.4) and is above that major's floor.
    Why it matters:
        This is fine: official wheels run this way. The limits are PTX: PTX made by
        the newer toolkit cannot be JIT-compiled by the older driver
        (cudaErrorUnsupportedPtxVersion), which matters only when a GPU has no SASS in
        the build (see CC202); and the features the compat data lists as needing a
        newer branch (CUDA 12.1's large kernel parameters need R530; a kernel using
        them fails with "operation not supported"), named when this driver lacks one.
    How to fix:
        Nothing to do. A driver ≥ the build's own CUDA minimum enables newer features
        and PTX JIT.
    """
    build_cuda = ctx.snapshot.torch.cuda
    if not build_cuda or not ctx.driver_cuda:
        return
    verdict = driver_verdict(ctx.db, build_cuda, ctx.driver_cuda, ctx.driver_version, ctx.platform)
    if verdict is None or not verdict.runs or not verdict.needs_minor_compat:
        return
    features = ctx.db.features_beyond(ctx.driver_version, build_cuda) if ctx.driver_version else []
    beyond = "; ".join(f"the {f.feature} of CUDA {f.since_cuda}+ need R{f.branch_min} and fail with {f.error} here"
                       for f in features)
    yield ctx.finding(
        f"Driver supports CUDA {ctx.driver_cuda}; torch's CUDA {build_cuda} runs via minor-version compatibility",
        detail=f"Driver {ctx.driver_version or 'unknown'} reports CUDA {ctx.driver_cuda}. {verdict.reason}; "
               "PTX JIT of newer PTX is unavailable" + (f"; {beyond}." if beyond else "."),
        remedy="Nothing to do unless a GPU needs PTX JIT (see CC202)" + (
            f" or a kernel fails with “operation not supported” (update the driver to R{features[0].branch_min} "
            "or newer)." if features else "."),
        evidence=["nvml.cuda_driver_version", "torch.cuda"])


@rule("CC212", "driver-too-old-for-gpu", "driver_too_old", "driver")
def driver_too_old_for_gpu(ctx: RuleContext) -> Iterator[Finding]:
    """The driver predates the GPU's architecture.

    What it checks:
        The GPU's architecture first appeared in a CUDA release (Blackwell sm_120 in
        12.8, Hopper sm_90 in 11.8, …); the driver's CUDA version must be at least that.
        NVML naming the card "NVIDIA Graphics Device" is the same symptom.
    Why it matters:
        A driver older than the GPU cannot run CUDA on it at all, whatever torch build is
        installed.
    How to fix:
        Install a driver from the branch that introduced the architecture or newer (the
        remedy gives the minimum).
    """
    if not ctx.driver_cuda:
        return
    for gpu in ctx.gpus:
        if gpu.arch is None:
            continue
        row = ctx.db.arch(f"{gpu.arch.major}.{gpu.arch.minor}")
        if row is None or not row.first_cuda:
            continue
        first, have = major_minor(row.first_cuda), major_minor(ctx.driver_cuda)
        if first and have and have < first:
            needed = ctx.db.min_driver(row.first_cuda, ctx.platform)
            yield ctx.finding(
                f"Driver {ctx.driver_version or ''} is older than {gpu.label} ({row.architecture} {gpu.arch.sm})".replace("  ", " "),
                detail=f"{row.architecture} {gpu.arch.sm} needs CUDA ≥ {row.first_cuda}; the driver supports CUDA "
                       f"≤ {ctx.driver_cuda}.",
                remedy=f"Install NVIDIA driver ≥ {needed or 'the branch released with CUDA ' + row.first_cuda} "
                       f"(CUDA {row.first_cuda}).",
                evidence=["nvml.cuda_driver_version", "nvml.gpus.compute_capability"])
