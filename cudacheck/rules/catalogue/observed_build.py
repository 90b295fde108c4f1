"""Observed errors of the torch build against the GPU and the install: an arch not in the build,
a GPU too old, a CPU-only torch, torchvision, several torch installs, extensions built for
another CUDA (CC805–CC807, CC814–CC816)."""
from __future__ import annotations

import re
from typing import Dict, Iterator, List, Optional, Tuple

from ...compat.archs import Arch, parse_arch
from ...compat.judgements import (below_current_builds, below_every_release, below_release_builds, cuda_not_built_for,
                                  dropped_by_some_build,
                                  index_url, within_current_builds)
from ...observations import KINDS, Obs, observation
from ...report import Finding
from ...snapshot import Observation
from ...versions import major_minor
from ..context import RuleContext
from ..observations import (LIKELY, NEXT_STEP, NO_GPU_SIGNS, POSSIBLE, all_of, cpu_build_known, cuda_unavailable,
                            evidence, first_of, gpu_arch, gpu_label, kernel_error_owner, library_of_another_torch,
                            named_release, observation_category, optional_image_extension,
                            platform_system, quote, torch_covers, wheel_text)
from ..registry import rule
from .observed_resources import compute_type_capability  # CTranslate2's needs: one table


def _cufft_older_than_gpu(ctx: RuleContext, cufft: Observation) -> Optional[Finding]:
    """CUFFT_INTERNAL_ERROR from a cuFFT whose CUDA predates the GPU's architecture: cuFFT ships code only for the
    architectures its toolkit knows, and unlike torch's own kernels it has no SASS of an older minor to fall back on
    (pytorch/pytorch#88038: torch 1.13+cu117 on an RTX 4090, fixed by the CUDA 11.8 build). None where the build's
    CUDA knows the GPU (or, the GPU unknown, the build is CUDA 11.8 or newer)."""
    gpu = gpu_arch(ctx)
    row = ctx.db.arch(f"{gpu.major}.{gpu.minor}") if gpu is not None else None
    first_cuda = row.first_cuda if row is not None else None
    build = ctx.snapshot.torch.cuda
    if gpu is None:
        if build and (major_minor(build) or (0, 0)) >= (11, 8):
            return None
        return ctx.finding(
            "cuFFT's internal error: most often a torch built for a CUDA older than the GPU (CUDA 11.7 or older on "
            "an RTX 40 / Ada or a Hopper GPU)", severity="warning", certainty=POSSIBLE,
            detail=f"{quote(cufft)}. The paste names no GPU" + (f"; torch's build is CUDA {build}" if build else
                                                                   " and no torch build") +
                   ". The cuFFT of a toolkit knows only the GPUs of its time; torch 1.13+cu117 on an RTX 4090 is the "
                   "common case (pytorch/pytorch#88038).",
            remedy="On an Ada (RTX 40, L4, L40), Hopper or newer GPU install a torch build for CUDA 11.8 or newer "
                   "(https://pytorch.org/get-started/locally/).",
            evidence=evidence(cufft))
    if row is None or not first_cuda:
        return None
    known_as = row.architecture or gpu.sm
    if build and major_minor(build) is not None:
        if not ctx.db.cuda_predates_arch(build, gpu.major, gpu.minor):
            return None
        return ctx.finding(
            f"cuFFT of CUDA {build} has no code for {gpu_label(ctx)} ({gpu.sm}): that CUDA predates {known_as}",
            certainty=LIKELY,
            detail=f"{quote(cufft)}. torch's own kernels reach the GPU through SASS of an older minor, but the cuFFT "
                   f"that a CUDA {build} build ships knows only the architectures of its toolkit; {known_as} came with "
                   f"CUDA {first_cuda}.",
            remedy=f"Install a torch build for CUDA {first_cuda} or newer:\n{ctx.best_wheel_text()}",
            evidence=evidence(cufft) + ["nvml.gpus.compute_capability", "torch.cuda"])
    if (major_minor(first_cuda) or (0, 0)) < (11, 8):
        return None  # every build of recent years knows the GPU: cuFFT's error has another cause
    return ctx.finding(
        f"cuFFT fails on {gpu_label(ctx)} ({gpu.sm}): a torch built for CUDA older than {first_cuda} has no cuFFT "
        "code for it", severity="warning", certainty=POSSIBLE,
        detail=f"{quote(cufft)}. The paste does not show torch's CUDA build; {known_as} came with CUDA {first_cuda}, "
               "and the cuFFT of an older toolkit fails there even where torch's own kernels run (torch 1.13+cu117 "
               "on an RTX 4090).",
        remedy=f"python -c \"import torch; print(torch.version.cuda)\" — below {first_cuda}, install a torch build for "
               f"CUDA {first_cuda} or newer (https://pytorch.org/get-started/locally/).",
        evidence=evidence(cufft) + ["nvml.gpus.compute_capability"])


# --- the build and the GPU's architecture -----------------------------------------------------------
_ARCH_SIGNS = (Obs.GPU_NOT_COMPATIBLE, Obs.NO_KERNEL_IMAGE, Obs.INVALID_DEVICE_FUNCTION, Obs.GPU_REQUIRES_NEWER_CUDA,
               Obs.NVRTC_ARCH, Obs.PTXAS_UNKNOWN_ARCH, Obs.CAPABILITY_RANGE, Obs.GPU_TOO_OLD_TORCH, Obs.MIN_CAPABILITY,
               Obs.CUDNN_ARCH_MISMATCH, Obs.BUILD_CC_UNSUPPORTED)


def _arch_verdict(ctx: RuleContext) -> Tuple[Optional[str], str, List[Observation]]:
    """(category, explanation, observations): arch_not_in_build, gpu_too_old_for_build or None."""
    signs = all_of(ctx, *_ARCH_SIGNS)
    if not signs:
        return None, "", []
    names = {s.signature for s in signs}
    gpu = gpu_arch(ctx)
    lowest: Optional[Tuple[int, int]] = None
    for observation in all_of(ctx, Obs.MIN_CAPABILITY, Obs.CAPABILITY_RANGE):
        mm = major_minor(observation.values.get("min"))
        if mm and (lowest is None or mm > lowest):
            lowest = mm
    build = ctx.build
    if build is not None and build.known_archs and (build.sass or build.ptx):
        oldest = min(build.sass + build.ptx)
        lowest = lowest or (oldest.major, oldest.minor)
    if names & {Obs.GPU_TOO_OLD_TORCH, Obs.CUDNN_ARCH_MISMATCH}:
        return "gpu_too_old_for_build", "too old", signs
    if gpu is not None and lowest is not None and (gpu.major, gpu.minor) < lowest:
        return "gpu_too_old_for_build", "below the build's lowest architecture", signs
    if names <= {Obs.MIN_CAPABILITY, Obs.CAPABILITY_RANGE}:
        highest = None
        for observation in all_of(ctx, Obs.CAPABILITY_RANGE):
            highest = major_minor(observation.values.get("max"))
        if gpu is not None and highest is not None and gpu.major > highest[0]:
            return "arch_not_in_build", "newer than the build's highest architecture", signs
        return None, "", []
    if gpu is not None and (build is None or not build.known_archs) and \
            all(a is not None and _below_every_build(ctx, a) is True for a in _machine_archs(ctx, gpu)):
        # every GPU of the machine: one a current build still covers may be the one the kernel failed on
        return "gpu_too_old_for_build", "below every build of the torch release", signs
    if gpu is not None and (build is None or not build.known_archs) and \
            all(a is not None and _dropped_by_a_build(ctx, a) for a in _machine_archs(ctx, gpu)):
        return "gpu_too_old_for_build", _DROPPED_BY_SOME, signs
    newest = _newest_of_ambiguous_name(ctx) if gpu is None else None
    if newest is not None:  # every product of the name is older than the build (or than every build of the release)
        arch, named = newest
        if lowest is not None and (arch.major, arch.minor) < lowest or \
                (build is None or not build.known_archs) and _below_every_build(ctx, arch) is True:
            return "gpu_too_old_for_build", f"below the build for every product called {named}", signs
    return "arch_not_in_build", "not in the build", signs


_DROPPED_BY_SOME = "below the release's builds for newer CUDA"


def _below_every_build(ctx: RuleContext, arch: Arch) -> Optional[bool]:
    """Whether a GPU is below every CUDA build of the torch release the paste names without its variant ("pytorch
    1.7"), else of the newest release: then none of its wheels has kernels for it. None when not known."""
    release = named_release(ctx)
    return below_release_builds(release, arch) if release is not None else below_current_builds(ctx.db, arch)


def _machine_archs(ctx: RuleContext, gpu: Arch) -> List[Optional[Arch]]:
    """The architectures of every GPU the paste shows (None for one not known), else the one GPU judged."""
    return [g.arch for g in ctx.gpus] or [gpu]


def _dropped_by_a_build(ctx: RuleContext, arch: Arch) -> bool:
    """Whether some CUDA build of the torch release the paste names (else of the newest release) no longer targets
    a GPU: with the variant not known, a kernel error on the GPU is that build's age limit, not a missing new
    architecture."""
    release = named_release(ctx)
    if release is None:
        releases = ctx.db.torch_releases_newest_first()
        release = releases[0] if releases else None
    return release is not None and dropped_by_some_build(release, arch)


def _newest_of_ambiguous_name(ctx: RuleContext) -> Optional[Tuple[Arch, str]]:
    """The highest compute capability a GPU name can mean when its products differ (GT 710: 2.1 or 3.5), with
    the name; None when no such name is in the paste."""
    named = first_of(ctx, Obs.GPU_NAME_AMBIGUOUS)
    arch = parse_arch(named.values.get("highest", "")) if named is not None else None
    return (arch, named.values.get("name", "the GPU")) if arch is not None and named is not None else None


@rule("CC805", "observed-arch-not-in-build", "arch_not_in_build", "gpus", symptom=True)
def observed_arch_not_in_build(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output says the build has no kernels for this GPU's architecture.

    What it checks:
        "no kernel image is available for execution on the device" (CUDA error 209),
        "invalid device function", torch's "NVIDIA GeForce RTX 5090 with CUDA capability
        sm_120 is not compatible with the current PyTorch installation" (with "The
        current PyTorch install supports CUDA capabilities …", taken as the build's arch
        list), torch ≥ 2.8's "Found GPU0 … which is of compute capability (CC) 12.0. The
        following list shows the CCs this version of PyTorch was built for …" (its list taken as
        the build's arch list; also its closing advice to "install a PyTorch release that
        supports one of these CUDA versions" alone), "Found GPU0 … which requires
        CUDA_VERSION >= …", NVRTC's "invalid value
        for --gpu-architecture" and ptxas's "Value 'sm_120' is not defined for option
        'gpu-name'", for a GPU that is not older than the build's lowest architecture; cuFFT's
        CUFFT_INTERNAL_ERROR where the build's CUDA predates the GPU's architecture (the cuFFT of
        CUDA 11.7 and older has no code for Ada, so torch 1.13+cu117 fails on an RTX 4090
        although torch's own sm_86 kernels run there; pytorch/pytorch#88038), possible where
        the build's CUDA is not shown and the GPU came after CUDA 11.7 (NVRTC's
        error alone is a warning unless the build is known to have no kernels for the GPU: it
        fails only for kernels compiled at run time). (Old
        torch's "not compatible" warning for a GPU the build's SASS covers — sm_80 on sm_86 —
        is reported as info: the build runs there; so is the warning alone when the report says the
        program runs normally despite it.)
    Why it matters:
        Every kernel launch fails: the build has neither SASS for the GPU's major nor PTX
        the driver could JIT — typical for a new GPU (RTX 50xx, sm_120) with an older
        wheel. (When torch's own arch list covers the GPU, or the error is raised from a
        compiled extension's code, the extension lacks the kernels: CC825.)
    How to fix:
        Install a torch build whose arch list includes the GPU (the remedy names the
        newest that fits the driver), or rebuild the extension with
        TORCH_CUDA_ARCH_LIST including the GPU's compute capability.
    """
    cufft = first_of(ctx, Obs.CUFFT_INTERNAL_ERROR)
    if cufft is not None and first_of(ctx, *_ARCH_SIGNS) is None:
        found = _cufft_older_than_gpu(ctx, cufft)
        if found is not None:
            yield found
        return
    category, why, signs = _arch_verdict(ctx)
    if category != "arch_not_in_build" or all("hip error" in s.text.lower() for s in signs):
        return  # ROCm's "HIP error: invalid device function" is an AMD GPU's, outside the NVIDIA stack
    gpu = gpu_arch(ctx)
    covered = torch_covers(ctx, gpu)
    if covered == "sass" and {s.signature for s in signs} == {Obs.GPU_NOT_COMPATIBLE} and gpu is not None:
        # torch up to 1.7.0 compared the exact arch: sm_80 SASS in the build runs on sm_86 all the same
        yield ctx.finding(
            f"torch's warning about {gpu_label(ctx)} ({gpu.sm}) is stricter than the hardware: the build's SASS runs "
            "on it", severity="info",
            detail=f"{quote(signs[0])}. A cubin for sm_X.Y runs on every GPU of the same major with a minor ≥ Y; "
                   "torch releases before 1.7.1 warned unless the exact architecture was in the build.",
            remedy="Nothing to do if the program runs; a torch release that lists the GPU's architecture silences the "
                   "warning.", evidence=evidence(signs[0]) + ["torch.arch_list"])
        return
    works = first_of(ctx, Obs.WORKS_DESPITE_WARNING)
    if works is not None and {s.signature for s in signs} == {Obs.GPU_NOT_COMPATIBLE} and covered != "none":
        # torch's check is a warning; a program that runs past it has kernels it can use (SASS of the same
        # major that torch's exact-match check of 2020 did not count, or PTX)
        yield ctx.finding(
            f"torch warned that {gpu_label(ctx)} is not in the build, but the report says the program runs",
            severity="info",
            detail=f"{quote(signs[0])}; {quote(works)}. The warning is not an error: a build with SASS of the GPU's "
                   "major (sm_80 for sm_86) or PTX still runs, and torch releases of 2020 warned unless the exact "
                   "architecture was listed.",
            remedy="Nothing to do while results are correct; a torch release whose arch list names the GPU's "
                   "architecture silences the warning.", evidence=evidence(signs[0], works))
        return
    lead = next((s for s in signs if s.signature == Obs.GPU_NOT_COMPATIBLE), signs[0])
    gpu_text = f"{gpu_label(ctx)} ({gpu.sm})" if gpu else gpu_label(ctx)
    if {s.signature for s in signs} == {Obs.NVRTC_ARCH} and covered != "none":
        # NVRTC knows the architectures of the CUDA it came with; the build's precompiled kernels are another matter
        # (sm_86 SASS runs on sm_89): only what torch compiles at run time (jiterator, fused kernels) fails
        yield ctx.finding(
            f"The NVRTC of this torch build cannot compile for {gpu_text}: kernels compiled at run time fail",
            severity="warning", certainty=POSSIBLE,
            detail=f"{quote(lead)}. NVRTC accepts only the architectures the CUDA it ships with knows; the build's "
                   "precompiled kernels are another matter: where the build has SASS of the GPU's major with a lower "
                   "minor (sm_86 for sm_89) they run, so most operations work and only the ones torch compiles at run "
                   "time (jiterator, some reductions) fail.",
            remedy=_nvrtc_remedy(ctx, gpu), evidence=evidence(lead) + ["torch.cuda"])
        return
    build = ctx.build
    archs = f" The build has {build.arch_text()}." if build is not None and build.known_archs else ""
    if kernel_error_owner(ctx) is not None:
        return  # a compiled extension lacks the kernels, not torch: CC825
    if covered == "ptx":
        reason = (" torch's check accepts only SASS of the GPU's major; the PTX in the build would have to be "
                  "JIT-compiled, which fails or is slow for the libraries it bundles.")
    else:
        reason = f" The GPU's architecture is {why}: no SASS of its major and no PTX the driver could compile."
    yield ctx.finding(
        f"The torch build has no kernels for {gpu_text}",
        certainty=LIKELY,
        detail=f"{quote(lead)}.{archs}{reason}",
        remedy=(f"Install a build that includes {gpu.sm}:\n" + wheel_text(ctx) +
                ("\nFor RTX 50xx (sm_120) and B200 (sm_100) that means a CUDA ≥ 12.8 build (cu128 or newer)."
                 if gpu.major >= 10 else "")) if gpu else
               ("Find the GPU's compute capability (`nvidia-smi --query-gpu=name,compute_cap --format=csv`) and "
                "install a torch build whose arch list "
                "(`python -c \"import torch; print(torch.cuda.get_arch_list())\"`) "
                "covers it — for RTX 50xx / B200 a CUDA ≥ 12.8 build (cu128 or newer). " + NEXT_STEP),
        evidence=evidence(*signs[:3]) + ["torch.arch_list"])


def _nvrtc_remedy(ctx: RuleContext, gpu: Optional[Arch]) -> str:
    """A torch whose CUDA knows the GPU: the first toolkit from the architectures table, and the checked wheel."""
    row = ctx.db.arch(f"{gpu.major}.{gpu.minor}") if gpu is not None else None
    if gpu is None:
        return ("Install a torch build whose CUDA is newer than the GPU's architecture (`nvidia-smi --query-gpu=name,"
                "compute_cap --format=csv` names it). " + NEXT_STEP)
    first = f" (CUDA {row.first_cuda} or newer, by cudacheck's architectures table)" if row and row.first_cuda else ""
    return f"Install a torch build whose CUDA knows {gpu.sm}{first}:\n" + wheel_text(ctx)


@rule("CC806", "observed-gpu-too-old", "gpu_too_old_for_build", "gpus", symptom=True)
def observed_gpu_too_old(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output says the GPU is older than anything the build supports.

    What it checks:
        torch's "PyTorch no longer supports this GPU because it is too old. The minimum
        cuda capability supported by this library is 3.7", a GPU below the "Minimum and
        Maximum cuda capability supported by this version of PyTorch" range or below the
        pasted arch list (also the list of torch ≥ 2.8's "The following list shows the CCs
        this version of PyTorch was built for"), and CUDNN_STATUS_ARCH_MISMATCH; the driver's own "The NVIDIA GeForce
        GTX 1050 GPU installed in this system is supported through the NVIDIA 580.xx Legacy
        drivers" (the installed branch ignores the GPU); and, when the paste does not say
        which torch, a GPU below every CUDA build of the newest torch release with a kernel
        error ("no kernel image is available") — also a name whose every product is (a GT 710
        is Fermi or Kepler) — and, possible, every GPU of the paste below the builds for newer
        CUDA of the release named (else the newest; torch 2.7's cu128 dropped sm_61); and a GPU older than every torch release's builds (Fermi, and
        Kepler's 3.0), named anywhere in the paste (an error where CUDA is unavailable or
        fails, else a possible warning, or info when the report points at the hardware
        instead: CC820 leads); the report saying the builds dropped its GPU
        ("dropped support for my K80", "Kepler is no longer supported": possible); a torch
        release named without its CUDA variant where the GPU (every product of an ambiguous
        name) is below every CUDA build of that release. A kernel error raised in a compiled
        extension's own source, with torch's build not known to lack the GPU, is CC825's.
    Why it matters:
        Newer wheels will not bring the GPU back: its architecture was dropped (Kepler by
        CUDA 12, Maxwell–Volta by CUDA 13 and by cuDNN 9.17). (Triton's own minimum for
        torch.compile is a missing capability: CC822.)
    How to fix:
        Install the last torch release and CUDA variant that still ship the GPU's
        architecture (named in the remedy), or build torch from source for it.
    """
    legacy = first_of(ctx, Obs.GPU_LEGACY_DRIVER)
    if legacy is not None:
        branch = legacy.values.get("branch") or legacy.values.get("branch2")
        yield ctx.finding(
            f"{gpu_label(ctx)} is supported only by the NVIDIA {branch or 'legacy'}.xx legacy driver; the installed "
            "driver ignores it",
            certainty=LIKELY,
            detail=f"{quote(legacy)}. Newer driver branches dropped this GPU's architecture (Kepler after 470, "
                   "Maxwell, Pascal and Volta after 580), so nvidia-smi and CUDA see no GPU.",
            remedy=f"Install the {branch or 'legacy'}.xx driver branch (your distribution's "
                   f"nvidia-driver-{(branch or 'NNN').split('.')[0]} package), then a torch whose CUDA that driver "
                   "supports and whose arch list still includes the GPU (`cudacheck compat plan --driver <version>`).",
            evidence=evidence(legacy))
        return
    category, why, signs = _arch_verdict(ctx)
    if not signs:
        found = list(_gpu_no_release_supports(ctx)) or list(_gpu_below_named_release(ctx))
        stated = first_of(ctx, Obs.GPU_DROPPED_STATED)
        # (a GPU the paste names that no current build has dropped makes the sentence about something else: a
        # library's kernels, a feature)
        recent = any(g.arch is not None and within_current_builds(ctx.db, g.arch) for g in ctx.gpus)
        if not found and stated is not None and not recent:
            found = [ctx.finding(
                "The report says the torch builds dropped this GPU",
                severity="warning", certainty=POSSIBLE,
                detail=f"{quote(stated)}. Check the GPU's compute capability (`nvidia-smi --query-gpu=name,compute_cap "
                       "--format=csv`) against `torch.cuda.get_arch_list()`.",
                remedy="Install the last torch release whose arch list still includes the GPU "
                       "(`cudacheck compat plan --gpu <name>`), or build torch from source for it.",
                evidence=evidence(stated))]
        yield from found
        return
    if category != "gpu_too_old_for_build":
        return
    if kernel_error_owner(ctx) is not None and \
            {s.signature for s in signs} <= {Obs.NO_KERNEL_IMAGE, Obs.INVALID_DEVICE_FUNCTION}:
        return  # the kernel error is a compiled extension's, and nothing shows torch's own build lacks the GPU: CC825
    gpu = gpu_arch(ctx)
    lead = next((s for s in signs if s.signature == Obs.GPU_TOO_OLD_TORCH), signs[0])
    gpu_text = f"{gpu_label(ctx)} (compute capability {gpu.cc})" if gpu else gpu_label(ctx)
    minimum = next((o.values.get("min") for o in all_of(ctx, Obs.MIN_CAPABILITY, Obs.CAPABILITY_RANGE)
                    if o.values.get("min")), None)
    remedy = _last_wheel_remedy(ctx, gpu)
    some_builds = why == _DROPPED_BY_SOME
    yield ctx.finding(
        f"{gpu_text[0].upper() + gpu_text[1:]} is too old for this torch build",
        certainty=POSSIBLE if some_builds else LIKELY,
        detail=f"{quote(lead)}." + (f" The build supports compute capability ≥ {minimum}." if minimum else "")
               + (" The paste does not say which CUDA build is installed; the release's builds for newer CUDA no "
                  "longer target this GPU (an older-CUDA build of it still does, and with one the kernel error would "
                  "come from an extension)." if some_builds else ""),
        remedy=remedy, evidence=evidence(*signs[:3]))


def _gpu_no_release_supports(ctx: RuleContext) -> Iterator[Finding]:
    """Every GPU of the paste is older than every torch release's builds (a Fermi card): nothing in torch runs
    there, whatever else the paste shows."""
    archs = [gpu.arch for gpu in ctx.gpus]
    if not archs or None in archs or ctx.non_nvidia_evidence or \
            any(below_every_release(ctx.db, arch) is not True for arch in archs if arch is not None):
        return
    gpu = gpu_arch(ctx)
    if gpu is None:
        return
    failing = cuda_unavailable(ctx) or first_of(ctx, Obs.DRIVER_TOO_OLD, Obs.INSUFFICIENT_DRIVER, Obs.NO_KERNEL_IMAGE)
    # Nothing failed and the report itself points at the hardware: the GPU's age is worth knowing, not the lead.
    aside = failing is None and first_of(ctx, Obs.HARDWARE_SIGN_STATED, Obs.HARDWARE_FAULT_STATED) is not None
    releases = ctx.db.torch_releases_newest_first()
    since = f" since torch {releases[-1].version}" if releases else ""
    yield ctx.finding(
        f"{gpu_label(ctx)} (compute capability {gpu.cc}) is older than every torch release's builds",
        severity="error" if failing is not None else "info" if aside else "warning",
        certainty=LIKELY if failing is not None else POSSIBLE,
        detail=f"No official torch wheel{since} has kernels for compute capability {gpu.cc}"
               + (f"; {quote(failing)}" if failing is not None else "") + ". Its last driver branch also caps the "
               "CUDA version it can run.",
        remedy="Use a newer NVIDIA GPU (compute capability ≥ 5.0 for current wheels), run on the CPU, or build an "
               f"old torch from source with TORCH_CUDA_ARCH_LIST=\"{gpu.cc}\" and a CUDA toolkit that still targets it.",
        evidence=evidence(failing) + ["nvml.gpus"])


def _last_wheel_remedy(ctx: RuleContext, gpu: Optional[Arch]) -> str:
    """The newest official wheel that still has kernels for a GPU (from the planner); without one, or without a
    known GPU, an older release or a source build for its architecture."""
    from ...compat.plan import newest_wheel_covering  # the planner: imported only for a remedy

    last = newest_wheel_covering(ctx.db, gpu) if gpu is not None else None
    if last and gpu is not None:
        return f"The newest official wheel that still supports {gpu.sm}:\n  {last}"
    return ("Install an older torch release that still shipped this architecture, or build torch from source "
            f"with TORCH_CUDA_ARCH_LIST=\"{gpu.cc if gpu is not None else '<X.Y>'}\".")


def _gpu_below_named_release(ctx: RuleContext) -> Iterator[Finding]:
    """The paste names a torch release but not its CUDA variant, and the GPU (every product of its name, for a name
    shared by several architectures) is below every CUDA build of that release: whichever wheel was installed, it
    has no kernels for the GPU."""
    if ctx.non_nvidia_evidence or ctx.build.known_archs or ctx.build.version:
        return  # a known build is judged on its own arch list (CC203)
    said = first_of(ctx, Obs.TORCH_VERSION)
    release = named_release(ctx)
    if said is None or release is None:
        return
    if ctx.gpus:  # every GPU of the machine below every build (a GPU not known settles nothing)
        if any(g.arch is None or below_release_builds(release, g.arch) is not True for g in ctx.gpus):
            return
        gpu: Optional[Arch] = gpu_arch(ctx)
        arch = gpu
        what = f"{gpu_label(ctx)} (compute capability {arch.cc if arch else '?'})"
    else:  # a name shared by products of several architectures: judged by the newest of them
        named = _newest_of_ambiguous_name(ctx)
        if named is None or below_release_builds(release, named[0]) is not True:
            return
        gpu, arch = None, named[0]
        what = f"Every GPU called {named[1]} (compute capability ≤ {arch.cc})"
    if arch is None:
        return
    failing = cuda_unavailable(ctx) or first_of(ctx, Obs.DRIVER_TOO_OLD, Obs.INSUFFICIENT_DRIVER)
    yield ctx.finding(
        f"{what} is older than every CUDA build of torch {release.version}",
        severity="error" if failing is not None else "warning",
        certainty=LIKELY if failing is not None else POSSIBLE,
        detail=f"{quote(said)}: no CUDA wheel of torch {release.version} has kernels for compute capability "
               f"{arch.cc}, whichever CUDA variant is installed" + (f"; {quote(failing)}" if failing else "") + ".",
        remedy=_last_wheel_remedy(ctx, gpu),
        evidence=evidence(said, failing) + (["nvml.gpus"] if gpu is not None else []))


# --- torch build kind ---------------------------------------------------------------------------
def _plain_pip_install(ctx: RuleContext) -> Optional[Observation]:
    for observation in all_of(ctx, Obs.INSTALL_COMMAND):
        values = observation.values
        tool = values.get("tool", "")
        if values.get("index") == "cpu" or values.get("cpuonly") == "yes":
            return observation
        if "pip" in tool and not values.get("index") and values.get("has_index") != "yes":
            return observation
    return None


def _extra_index_only_install(ctx: RuleContext) -> Optional[Observation]:
    """``pip install torch --extra-index-url …/whl/cuXYZ`` with torch unpinned: PyPI stays the main index and pip
    takes the highest torch version of both, which is PyPI's whenever the CUDA index's newest release is older
    (and PyPI's torch for Windows is the CPU build)."""
    for observation in all_of(ctx, Obs.INSTALL_COMMAND):
        values = observation.values
        spec = values.get("torch_spec", "")
        if values.get("extra_index_only") == "yes" and values.get("index", "").startswith("cu") and \
                "==" not in spec and "+" not in spec:
            return observation
    return None


def _compute_type_refused_on_capable_gpu(ctx: RuleContext) -> Optional[Tuple[Observation, Arch]]:
    """CTranslate2's "Requested float16 compute type, but the target device or backend do not support efficient
    float16 computation" where the pasted GPU has the capability the type needs (the target was the CPU): the
    message and that GPU."""
    gpu = gpu_arch(ctx)
    refused = next((o for o in all_of(ctx, Obs.CAPABILITY_REQUIRED) if o.values.get("ct2_type")), None)
    needs = compute_type_capability(refused.values.get("ct2_type")) if refused is not None else None
    if refused is None or gpu is None or needs is None or (gpu.major, gpu.minor) < needs:
        return None
    return refused, gpu


@rule("CC807", "observed-cpu-only-torch", "cpu_only_torch", "torch", symptom=True)
def observed_cpu_only_torch(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows a CPU-only torch where CUDA was expected.

    What it checks:
        "Torch not compiled with CUDA enabled", `torch.version.cuda` printing None, a
        `+cpu` / conda `cpuonly` build next to `torch.cuda.is_available() == False`, and
        `pip install torch` without a CUDA index on Windows or aarch64 Linux, where PyPI's
        `torch` wheel is the CPU build, an unpinned torch with the CUDA index only as
        `--extra-index-url` on Windows (pip takes PyPI's newer CPU wheel), CTranslate2
        refusing float16 on a GPU that has it (the program fell back to the CPU), pip uninstalling a
        `+cuXYZ` torch for a CPU-only one (another package's requirement), torch's ROCm build saying "No HIP GPUs are
        available" where nothing shows an AMD GPU, and (possible) a conda command on the pytorch
        channel pinning a torch release with a `cudatoolkit=`/`pytorch-cuda=` that release
        was not built for, where the solver settles on the CPU build. (With a pasted GPU and
        a CPU build as facts, CC204 reports it; a report saying the CPU build is meant gets
        nothing here.) A CPU build shown by a check next to "no
        kernel image" or "invalid device function" (kernels launched on the GPU, which only a
        CUDA build does) is another Python's: a possible warning, the kernel error leads.
    Why it matters:
        A CPU-only build never uses the GPU: `torch.cuda.is_available()` is False and
        `.cuda()` raises.
    How to fix:
        Uninstall torch and install the CUDA build from the PyTorch index
        (`pip install torch --index-url https://download.pytorch.org/whl/cuXYZ`, XYZ
        fitting the driver); conda: drop `cpuonly`, add `pytorch-cuda=X.Y`.
    """
    torch = ctx.snapshot.torch
    not_compiled = first_of(ctx, Obs.NOT_COMPILED_WITH_CUDA)
    cuda_none = first_of(ctx, Obs.TORCH_CUDA_NONE)
    stated = first_of(ctx, Obs.CPU_BUILD_STATED)
    hip = first_of(ctx, Obs.NO_HIP_GPUS)
    if hip is not None and stated is None and not ctx.non_nvidia_evidence and not torch.cuda:
        stated = hip  # a ROCm torch asked for a GPU; on an AMD machine it is that machine's own affair
    unavailable = cuda_unavailable(ctx)
    cpuonly = first_of(ctx, Obs.CONDA_CPUONLY)
    if platform_system(ctx) == "darwin" and not ctx.gpus:
        return  # Macs have no CUDA at all; CC830 explains
    if torch.cuda:
        return  # the installed build is a CUDA build: a CPU torch that imports is CC815's business
    if first_of(ctx, Obs.CPU_BUILD_INTENDED) is not None:
        return  # the report says the CPU build is meant (CC204 says so where a GPU is shown)
    expected = ctx.gpu_expected
    # A CPU build is a fault only where the machine has, or is meant to use, an NVIDIA GPU; where the paste
    # shows none, it is a fact; where it shows neither but CUDA was asked for, the reader must check.
    checked = next((o for o in all_of(ctx, Obs.TORCH_VERSION_IMPORTED)
                    if (o.values.get("version") or "").endswith("+cpu")), None)  # a REPL check showing the CPU build
    asked = any(o is not None for o in (not_compiled, cuda_none, stated, checked)) or \
        (unavailable is not None and unavailable.values.get("source") != "collect_env")
    severity = None if expected else "warning" if asked and not ctx.non_nvidia_evidence else "info"
    certainty = LIKELY if expected else POSSIBLE

    def cuda_remedy() -> str:  # planned only when a finding needs it
        remedy = "pip uninstall -y torch torchvision torchaudio, then install the CUDA build:\n" + wheel_text(ctx)
        if expected:
            return remedy
        return (f"Nothing to do: {ctx.non_nvidia_evidence}." if ctx.non_nvidia_evidence else
                "Nothing to do unless this machine has an NVIDIA GPU; then " + remedy[0].lower() + remedy[1:])
    windows = " On Windows, `pip install torch` from PyPI installs the CPU build." \
        if platform_system(ctx) == "windows" else ""
    if not_compiled is not None or cuda_none is not None or stated is not None:
        lead = not_compiled or cuda_none or stated
        version = torch.version or (stated.values.get("version") if stated else None)
        rocm = stated is not None and lead is stated and (stated.values.get("kind") == "rocm" or stated is hip)
        ran = first_of(ctx, Obs.NO_KERNEL_IMAGE, Obs.INVALID_DEVICE_FUNCTION) if not_compiled is None else None
        if ran is not None and not rocm:
            # a kernel launched on the GPU: the failing program ran a CUDA build; the CPU build is another Python's
            yield ctx.finding(
                "The torch checked is a CPU-only build" + (f" ({version})" if version else "")
                + ", but the failing program ran a CUDA build", severity="warning", certainty=POSSIBLE,
                detail=f"{quote(lead)}; yet {quote(ran)} comes from a CUDA kernel launched on the GPU, which only a "
                       "CUDA build does: the check ran in another Python (the system one, not the app's own "
                       "environment or embedded Python).",
                remedy="Run the check with the program's own Python (its venv's or embedded `python.exe`); the "
                       "kernel error is judged on its own.",
                evidence=evidence(lead, ran))
            return
        yield ctx.finding(
            ("torch is a ROCm build, without CUDA" if rocm else "torch is a CPU-only build")
            + (f" ({version})" if version else ""),
            certainty=certainty, severity=severity,
            detail=f"{quote(lead)}." + (f" Also: {quote(unavailable)}." if unavailable else "") + windows
                   + ("" if expected else " Nothing in the paste shows an NVIDIA GPU; if this machine has one, "
                                          "install the CUDA build."),
            remedy=cuda_remedy(), evidence=evidence(lead, unavailable) + ["torch.cuda"])
        return
    # Live machines: CC204 judges a CPU build against the GPUs NVML sees; this reads a paste.
    pasted = ctx.snapshot.source == "pasted"
    replaced = first_of(ctx, Obs.CUDA_TORCH_UNINSTALLED)
    if pasted and replaced is not None and cpu_build_known(ctx) and not ctx.non_nvidia_evidence:
        before = replaced.values.get("version") or ""
        tag = before.partition("+")[2]
        yield ctx.finding(
            f"pip replaced the CUDA build torch {before} with a CPU-only torch {torch.version}",
            severity="warning", certainty=LIKELY,
            detail=f"{quote(replaced)}. The install that followed pulled torch from PyPI (a requirement pinning "
                   "another torch version), whose Windows and macOS wheels have no CUDA." + windows,
            remedy=f"Reinstall the CUDA build you had: `pip install torch=={before} --index-url "
                   f"https://download.pytorch.org/whl/{tag}` (with the torchvision/torchaudio releases that pair with "
                   "it), and keep other packages from replacing it: install them with `--no-deps`, or give their "
                   "requirements the same torch pin and the PyTorch index.",
            evidence=evidence(replaced) + ["torch.version", "torch.cuda"])
        return
    if pasted and cpu_build_known(ctx) and (unavailable is not None or cpuonly is not None or expected or checked) \
            and not ctx.gpus:
        yield ctx.finding(
            f"torch {torch.version} is a CPU-only build",
            certainty=certainty, severity=severity,
            detail=f"The pasted torch has no CUDA ({torch.version})." + (f" {quote(unavailable)}." if unavailable
                                                                           else f" {quote(checked)}." if checked
                                                                           else "")
                   + (" conda's `cpuonly` package is installed." if cpuonly else ""),
            remedy=cuda_remedy(), evidence=evidence(unavailable, cpuonly, checked) + ["torch.version", "torch.cuda"])
        return
    refused = _compute_type_refused_on_capable_gpu(ctx)
    if refused is not None and not ctx.non_nvidia_evidence:
        on_cpu, capable = refused
        yield ctx.finding(
            f"The program runs on the CPU: {gpu_label(ctx)} supports the compute type it refuses",
            severity="warning", certainty=POSSIBLE,
            detail=f"{quote(on_cpu)}. CTranslate2 says this when the device it runs on lacks the type; {gpu_label(ctx)} "
                   f"(compute capability {capable.cc}) has it, so the device was the "
                   "CPU: the program picked it because CUDA was not available — most often a CPU-only torch "
                   "(whisperX and others choose the device with `torch.cuda.is_available()`).",
            remedy="Check `python -c \"import torch; print(torch.version.cuda, torch.cuda.is_available())\"`; a None "
                   "means a CPU-only torch: " + wheel_text(ctx),
            evidence=evidence(on_cpu) + ["nvml.gpus"])
        return
    install = _plain_pip_install(ctx)
    machine = (ctx.snapshot.platform.machine or "").lower()
    system = platform_system(ctx)
    cpu_pypi = "Windows" if system == "windows" else "aarch64 Linux" if machine in ("aarch64", "arm64") and \
        system != "darwin" else None
    if unavailable is not None and cpu_pypi and not torch.version and install is None \
            and not all_of(ctx, *NO_GPU_SIGNS, Obs.DRIVER_TOO_OLD, Obs.INSUFFICIENT_DRIVER, Obs.SMI_CANNOT_COMMUNICATE):
        yield ctx.finding(
            f"CUDA is unavailable on {cpu_pypi}: most often a CPU-only torch from PyPI",
            severity="warning", certainty=POSSIBLE,
            detail=f"{quote(unavailable)}. On {cpu_pypi} `pip install torch` (PyPI) installs the CPU build; check "
                   "`torch.version.cuda` (None means CPU-only).",
            remedy=cuda_remedy(), evidence=evidence(unavailable) + ["platform.system", "platform.machine"])
        return
    unbuilt = _conda_cuda_not_built(ctx)
    extra = _extra_index_only_install(ctx)
    if install is not None and (install.values.get("index") == "cpu" or install.values.get("cpuonly") == "yes"):
        yield ctx.finding(
            "The install command installs the CPU-only torch",
            severity="warning", certainty=LIKELY, detail=f"{quote(install)}.", remedy=cuda_remedy(),
            evidence=evidence(install))
    elif unbuilt is not None:
        conda, built = unbuilt
        wanted = conda.values.get("conda_cuda")
        package = "pytorch-cuda" if "pytorch-cuda" in conda.values.get("packages", "").split(",") else "cudatoolkit"
        yield ctx.finding(
            f"The conda command asks for CUDA {wanted} with a torch release not built for it: conda installs the "
            "CPU build",
            severity="warning", certainty=POSSIBLE,
            detail=f"{quote(conda)}. This torch release was built for CUDA {', '.join(built)} only; no CUDA build pairs "
                   f"with CUDA {wanted}, so the solver picks the CPU build (it needs no CUDA package) together with "
                   "the `cpuonly`/`pytorch-mutex … cpu` marker.",
            remedy=f"Ask for a CUDA this release was built for (`{package}={built[-1]}`), or a newer torch release "
                   f"built for CUDA {wanted}; check with `conda list pytorch` (a `cpu_` build string means CPU-only).",
            evidence=evidence(conda))
    elif extra is not None and system == "windows" and not ctx.non_nvidia_evidence:
        yield ctx.finding(
            "`--extra-index-url` keeps PyPI first: pip can install PyPI's CPU-only torch on Windows",
            severity="warning", certainty=POSSIBLE,
            detail=f"{quote(extra)}. With `--extra-index-url` pip looks at PyPI and the PyTorch index together and "
                   "takes the highest torch version of both; when PyPI has a newer release than the CUDA index (or "
                   "the same one without the +cuXYZ tag pip prefers), the Windows wheel from PyPI, a CPU build, is "
                   "installed.",
            remedy="Use `--index-url` for the PyTorch index (not `--extra-index-url`), or pin the build "
                   "(`torch==X.Y.Z+cuXYZ`); check with `python -c \"import torch; print(torch.version.cuda)\"`.\n"
                   + wheel_text(ctx),
            evidence=evidence(extra) + ["platform.system"])
    elif install is not None and (system == "windows" or machine in ("aarch64", "arm64")):
        where = "Windows" if system == "windows" else "aarch64 Linux"
        yield ctx.finding(
            f"`pip install torch` without a CUDA index installs the CPU-only build on {where}",
            severity="warning", certainty=POSSIBLE,
            detail=f"{quote(install)}. PyPI's torch wheels for {where} are CPU builds; the CUDA builds come from "
                   "download.pytorch.org.",
            remedy="pip install torch --index-url https://download.pytorch.org/whl/cuXYZ (XYZ fitting your driver, "
                   "e.g. cu128).\n" + wheel_text(ctx),
            evidence=evidence(install) + ["platform.machine", "platform.system"])


def _conda_cuda_not_built(ctx: RuleContext) -> Optional[Tuple[Observation, Tuple[str, ...]]]:
    """A conda command on the pytorch channel that pins a torch release and a CUDA (``cudatoolkit=``,
    ``pytorch-cuda=``) the release was not built for, with the CUDA versions it was built for."""
    for observation in all_of(ctx, Obs.INSTALL_COMMAND):
        values = observation.values
        if "conda" not in values.get("tool", "") and "mamba" not in values.get("tool", ""):
            continue
        if "pytorch" not in values.get("channels", "").split(",") or "conda-forge" in values.get("channels", ""):
            continue
        pinned = re.match(r"(?:py)?torch\s*=?=\s*(?P<version>\d+\.\d+(?:\.\d+)?)\b", values.get("torch_spec", ""))
        built = cuda_not_built_for(ctx.db, pinned.group("version") if pinned else None, values.get("conda_cuda"))
        if built:
            return observation, built
    return None


# --- packages ------------------------------------------------------------------------------------
@rule("CC814", "observed-torchvision-mismatch", "torchvision_mismatch", "packages", symptom=True)
def observed_torchvision_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows torchvision/torchaudio (or another package built with torch's C++
    interface) not built for the installed torch.

    What it checks:
        "operator torchvision::nms does not exist", "Could not run 'torchvision::nms' with
        arguments from the 'CUDA' backend", "Detected that PyTorch and torchvision (or
        torch_sparse, torch_scatter, …) were compiled with different CUDA versions",
        torchvision's "Failed to load image Python extension" (torchvision.io's own warning: info when it
        names no error, a possible warning when it names a missing torch library; torchvision goes on
        without image decoding, so it never takes the lead from a failure), and an extension that needs
        a torch library this torch does not have ("libtorch_cuda_cu.so: cannot open shared
        object file"; an extension's where no package is named — the one the traceback or the
        report names is CC825's). (Pasted package versions that do not pair are facts: CC306; undefined
        torch symbols in an extension are facts too: CC243.)
    Why it matters:
        Companion packages contain C++/CUDA code compiled against one torch version and
        CUDA variant; with another, their operators are missing or do not load.
    How to fix:
        Reinstall torch, torchvision and torchaudio together from the same index (same
        CUDA tag); rebuild or reinstall other extensions for the installed torch.
    """
    signs = all_of(ctx, Obs.TORCHVISION_OP_MISSING, Obs.TORCHVISION_CUDA_MISMATCH, Obs.TORCHVISION_EXTENSION)
    lead = next((o for o in signs if not optional_image_extension(o)), None)
    image = next((o for o in signs if optional_image_extension(o)), None)
    torch = ctx.snapshot.torch
    index_tag = torch.version.split("+", 1)[1] if torch.version and "+" in torch.version else None
    url = index_url(ctx.db, index_tag)  # a CUDA tag only: never a ROCm/CPU label or a source build's git hash
    index = f" --index-url {url}" if url else \
        "" if index_tag or ctx.non_nvidia_evidence else " --index-url https://download.pytorch.org/whl/cuXYZ"
    together = f"pip install --force-reinstall torch torchvision torchaudio{index}"
    torch_lib = next((o for o in all_of(ctx, Obs.TORCH_LIBRARY_MISSING)
                      if not optional_image_extension(o) and not o.values.get("loader")), None)
    named = any(o.values.get("library") == torch_lib.values.get("lib")
                for o in all_of(ctx, Obs.EXTENSION_IMPORT_FAILED)) if torch_lib is not None else False
    if lead is None and torch_lib is not None and not named and \
            not first_of(ctx, Obs.TORCH_IMPORT_FRAME, Obs.LIBTORCH_ON_LOADER_PATH):
        # (a standalone libtorch on LD_LIBRARY_PATH answering for torch's own libraries: CC811; the package that
        # needs it named in the paste: CC825)
        yield ctx.finding(
            f"A compiled extension needs {torch_lib.values.get('lib')}, which this torch does not have",
            certainty=POSSIBLE, category="extension_mismatch",  # no companion named
            detail=f"{quote(torch_lib)}. The extension (torchvision, torchaudio or another compiled package) was "
                   "built for another torch version or CUDA variant (e.g. libtorch_cuda_cu.so existed only in "
                   "torch 1.x; libc10_cuda.so only in CUDA builds).",
            remedy=f"{together} — and reinstall other compiled extensions for the installed torch.",
            evidence=evidence(torch_lib))
        return
    if lead is None:
        if image is None:
            return
        # torchvision.io's own warning: only image decoding is lost, and the program goes on
        reason = (image.values.get("reason") or "").strip()
        if "undefined symbol" in reason.lower():
            return  # the torch symbols image.so lacks: CC243
        empty = not reason.strip("'\"") or reason.startswith(("''", '""'))
        yield ctx.finding(
            "torchvision's image extension did not load" + (
                " (its own warning: ignore it unless you use torchvision.io)" if empty else
                ": torchvision may not be built for the installed torch"),
            severity="info" if empty else "warning", certainty=POSSIBLE,
            detail=f"{quote(image)}. torchvision warns and goes on: only reading and writing images through "
                   "torchvision.io is lost" + ("; the warning names no error (typically libjpeg/libpng were missing "
                                               "when torchvision was built)." if empty else
                                               ", but a missing torch library or symbol in image.so says torchvision "
                                               "was built for another torch."),
            remedy="Nothing to do unless the program decodes images with torchvision.io." if empty else together
            + " (pin the torchvision release that pairs with your torch)",
            evidence=evidence(image))
        return
    backend = lead.values.get("backend")
    package = lead.values.get("package") or lead.values.get("package2") or "torchvision"
    companion = package.lower() in ("torchvision", "torchaudio")
    yield ctx.finding(
        f"{package} was not built for the installed torch" + (f" (no {backend} kernels)" if backend else ""),
        certainty=LIKELY, category=None if companion else "extension_mismatch",
        detail=f"{quote(lead)}." + (" The CUDA backend is missing from torchvision's kernels: a CPU-only or "
                                    "mismatched torchvision next to a CUDA torch." if backend == "CUDA" else ""),
        remedy=(together + " (pin the torchvision release that pairs with your torch)" if companion else
                f"Reinstall {package} built for your torch and its CUDA variant (prebuilt wheels for "
                f"torch {torch.version or '<version>'}), or rebuild it from source against the installed torch."),
        evidence=evidence(lead))


_SAME_INTERPRETER = "Install with the interpreter that runs the code: `python -m pip install torch …`"
_STATED_INSTALLS: Dict[str, Tuple[str, str, Optional[str]]] = {
    "interpreters": (
        "Two Pythons with their own torch: the terminal and the notebook/IDE do not run the same interpreter",
        "A Jupyter kernel or an IDE's interpreter is often another environment than the shell's, with its own (often "
        "CPU-only) torch.",
        "In both, run `import sys, torch; print(sys.executable, torch.__file__, torch.version.cuda)`; point the "
        "kernel/IDE at the environment that has the CUDA build (`python -m ipykernel install --user --name <env>`), or "
        "install the CUDA build into the one it uses."),
    "upgrade": (
        "The upgraded torch is not the one the program runs: it imports another installation",
        "An upgrade changes the environment it ran in (a conda env, the system Python); a program with its own Python "
        "(an embedded/portable Python, another venv) keeps importing its own torch.",
        "Upgrade with the program's own interpreter: `<its python> -m pip install torch==…` (for a portable app, its "
        "`python_embeded\\python.exe -m pip …`), and check with "
        "`<its python> -c \"import torch; print(torch.__version__, torch.__file__)\"`."),
    "": (
        "torch is installed more than once in this environment",
        "pip and conda (or a CPU and a GPU package) each install their own torch; Python imports one of them, the "
        "package manager changes the other.",
        None),  # the rule's general remedy: find every copy, remove all, install once
}
"""What the report says about its installs (MULTIPLE_INSTALLS_STATED's kind): title, why, remedy."""


@rule("CC815", "observed-multiple-torch-installs", "multiple_torch_installs", "torch", symptom=True)
def observed_multiple_torch_installs(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output suggests Python imports a different torch than the one installed.

    What it checks:
        "cannot import name '_C' from 'torch'" / "module 'torch' has no attribute 'cuda'"
        (a torch/ folder in the working directory, or a half-removed install); an undefined
        c10/at/torch symbol in torch's own libraries (two builds' files mixed); the report
        saying torch is installed twice (pip and conda, a CPU and a GPU package); "Torch not
        compiled with CUDA enabled" while the pasted package list has a CUDA build; a
        torch in the user site (~/.local) next to other installs; CUDA available in one
        Python environment and not in another (a venv or conda env created or activated
        between a printed True and False, or the report saying so); a launcher script
        (torchrun) that fails where `python -m torch.distributed.run` works; `which python`
        and `which pip` (or `pip -V`) naming different environments; and, with nothing else
        wrong in the paste, a Python session that only checks `torch.__version__`
        (possible: people check the version when it is not the one they installed).
        `import torch` asking for a CUDA library of a toolkit no official build of the named
        torch release used ("libcurand.so.8.0" for torch 1.1.0, built for CUDA 9.0 and 10.0).
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
    shadow = first_of(ctx, Obs.TORCH_C_IMPORT)
    remedy = ("python -c \"import torch; print(torch.__version__, torch.__file__)\" and `python -m pip show torch`; "
              "then `pip uninstall -y torch` (repeat, also with `--user`) until no copy is left, remove any local "
              "torch/ folder, and install once.")
    if shadow is not None:
        yield ctx.finding(
            "Python imports a broken or shadowing torch (a local torch/ folder or a half-removed install)",
            certainty=LIKELY, detail=f"{quote(shadow)}.", remedy=remedy, evidence=evidence(shadow))
        return
    mixed = first_of(ctx, Obs.TORCH_OWN_SYMBOL)
    if mixed is not None:
        yield ctx.finding(
            "torch's own libraries come from two different builds (a second torch installed over the first)",
            certainty=LIKELY,
            detail=f"{quote(mixed)}. {mixed.values.get('library', 'A torch library')} asks for a torch symbol that the "
                   "other torch files of this install do not have: two torch packages (pytorch and pytorch-nightly, pip "
                   "and conda, or a package that pulled an older torch) wrote into the same folder.",
            remedy=remedy, evidence=evidence(mixed))
        return
    older = library_of_another_torch(ctx)
    if older is not None:
        missing, cuda, version = older
        yield ctx.finding(
            f"The torch that imports was built for CUDA {cuda}: not the torch {version} the report names",
            certainty=LIKELY,
            detail=f"{quote(missing)}. `import torch` asks for a library of CUDA {cuda}, and no official build of "
                   f"torch {version} used CUDA {cuda}: an older torch install (user site, another site-packages, a "
                   "leftover egg or source build) comes first on sys.path.",
            remedy=remedy, evidence=evidence(missing))
        return
    absent = first_of(ctx, Obs.TORCH_NOT_INSTALLED)
    if absent is not None and first_of(ctx, Obs.ISOLATED_BUILD) is None:  # pip's isolated build env: CC826
        yield ctx.finding(
            "The Python that runs does not have torch (it was installed into another environment)",
            severity="warning", certainty=POSSIBLE,
            detail=f"{quote(absent)}. pip and python often belong to different environments (`pip` vs "
                   "`python -m pip`, a venv or conda env not activated, sudo).",
            remedy=f"{_SAME_INTERPRETER}; check `which python` and `python -m pip --version`.",
            evidence=evidence(absent))
        return
    not_compiled = first_of(ctx, Obs.NOT_COMPILED_WITH_CUDA)
    if not_compiled is not None and torch.cuda:
        yield ctx.finding(
            f"A CPU-only torch is imported although torch {torch.version} (CUDA {torch.cuda}) is installed",
            certainty=LIKELY,
            detail=f"{quote(not_compiled)} — but the pasted packages show a CUDA build. Another copy of torch "
                   "(user site, another environment) is imported first.",
            remedy=remedy, evidence=evidence(not_compiled) + ["torch.version"])
        return
    conflict = first_of(ctx, Obs.TORCH_VERSION_CONFLICT)
    if conflict is not None and not torch.installs:
        user_site = first_of(ctx, Obs.TORCH_USER_SITE)
        yield ctx.finding(
            f"Python imports torch {conflict.values.get('imported')}, not the {conflict.values.get('stated')} "
            "the report says is installed",
            severity="warning", certainty=POSSIBLE,
            detail="The imported version differs from the installed one named in the paste"
                   + (f"; it is imported from the user site ({quote(user_site)})" if user_site else "")
                   + ". Another copy of torch comes first on sys.path.",
            remedy=remedy, evidence=evidence(conflict, user_site))
        return
    user_site = first_of(ctx, Obs.TORCH_USER_SITE)
    environment = first_of(ctx, Obs.ENV_PROMPT)
    if user_site is not None and (torch.installs or cuda_unavailable(ctx) or environment is not None
                                  or _failed_after_import(ctx) or "torchrun" in user_site.text):
        # inside an activated environment the user site still comes first on sys.path
        yield ctx.finding(
            "torch is imported from the user site (~/.local), which shadows other installs",
            severity="warning", certainty=LIKELY if environment is not None else POSSIBLE,
            detail=f"{quote(user_site)}." + (f" The environment {environment.values.get('env')} is active, yet its "
                                            "own torch is not the one imported." if environment is not None else ""),
            remedy="pip uninstall --user torch (or `python -s` / PYTHONNOUSERSITE=1 to ignore the user site), then "
                   "check again.",
            evidence=evidence(user_site, environment))
        return
    differ = first_of(ctx, Obs.PIP_PYTHON_DIFFER)
    if differ is not None:
        yield ctx.finding(
            "pip and python belong to different environments: torch is installed where python does not look",
            severity="warning", certainty=LIKELY,
            detail=f"{quote(differ)}. `pip install` changes the environment of {differ.values.get('pip')}; "
                   f"`python` runs {differ.values.get('python')} with its own (or no) torch.",
            remedy=f"{_SAME_INTERPRETER}; activate the environment first (`conda activate <env>` / "
                   "`source <venv>/bin/activate`) so both resolve there.",
            evidence=evidence(differ))
        return
    launcher = first_of(ctx, Obs.LAUNCHER_OTHER_PYTHON)
    if launcher is not None:
        yield ctx.finding(
            "The launcher script runs another Python than `python -m`: it belongs to another torch install",
            severity="warning", certainty=LIKELY,
            detail=f"{quote(launcher)}. A console script such as torchrun starts the interpreter named in its first "
                   "line; one installed at the user or system level (or by `module load`) runs that Python, with its "
                   "own torch and without the active environment's packages.",
            remedy="`which torchrun` and `head -1 $(which torchrun)`: if it is not the active environment's, install "
                   "torch into that environment (`python -m pip install torch …`) or launch with `python -m "
                   "torch.distributed.run`.",
            evidence=evidence(launcher))
        return
    across = _cuda_differs_across_environments(ctx)
    if across is not None:
        yield ctx.finding(
            "CUDA works in one Python environment and not in another: the second has its own torch",
            severity="warning", certainty=LIKELY,
            detail=f"{quote(across)}. An environment installs its own torch (a requirements file pulls the generic "
                   "PyPI or a CPU build), and it comes before the working one — `--system-site-packages` lets a venv "
                   "see the system's torch but does not prefer it.",
            remedy="In both environments run `python -c \"import sys, torch; print(sys.executable, torch.__file__, "
                   "torch.version.cuda)\"`; uninstall the environment's own torch (`pip uninstall torch`) to use the "
                   "working one, or install the CUDA build into it (pin the same version the requirements ask for).",
            evidence=evidence(across))
        return
    stated = first_of(ctx, Obs.MULTIPLE_INSTALLS_STATED)
    if stated is not None:
        title, why, fix = _STATED_INSTALLS.get(stated.values.get("kind") or "", _STATED_INSTALLS[""])
        yield ctx.finding(title, severity="warning", certainty=LIKELY, detail=f"{quote(stated)}. {why}",
                          remedy=fix or remedy, evidence=evidence(stated))
        return
    imported = first_of(ctx, Obs.TORCH_VERSION_IMPORTED)
    if imported is None or torch.installs or imported.values.get("source") == "text" or \
            (imported.values.get("version") or "").endswith("+cpu"):
        return  # a version said in a sentence is not a check of which torch imports; a CPU build's is CC807's
    problems = [o for o in ctx.snapshot.observations if observation_category(o.signature) not in (None, *KINDS)]
    others = {o.signature for o in ctx.snapshot.observations} - {
        Obs.TORCH_VERSION_IMPORTED, Obs.CUDA_AVAILABLE, Obs.CUDA_DEVICE_COUNT, Obs.TORCH_VERSION, Obs.WSL, Obs.CONTAINER_PROMPT}
    if problems or others or ctx.gpus or torch.version and torch.cuda:
        return
    yield ctx.finding(
        f"Python imports torch {imported.values.get('version')}: if you installed another version, a second copy "
        "shadows it",
        severity="warning", certainty=POSSIBLE,
        detail=f"{quote(imported)}. The paste only checks which torch is imported; a version other than the one "
               "installed means another copy (user site ~/.local, another environment) comes first on sys.path.",
        remedy=remedy, evidence=evidence(imported))


def _cuda_differs_across_environments(ctx: RuleContext) -> Optional[Observation]:
    """The report's statement that CUDA works in one environment and not in another, or the environment switch
    (created, activated, its prompt first seen) between a printed ``is_available()`` True and a False."""
    stated = first_of(ctx, Obs.ENV_CONTRAST_STATED)
    if stated is not None:
        return stated
    answers = [o for o in all_of(ctx, Obs.CUDA_AVAILABLE) if o.values.get("source") != "collect_env" and o.line]
    true_lines = [o.line for o in answers if o.values.get("value") == "true" and o.line is not None]
    false_lines = [o.line for o in answers if o.values.get("value") == "false" and o.line is not None]
    if not true_lines or not false_lines:
        return None
    for switch in all_of(ctx, Obs.ENV_SWITCH, Obs.ENV_PROMPT):
        line = switch.line
        if line is not None and any(min(t, f) < line < max(t, f) for t in true_lines for f in false_lines):
            return switch
    return None


def _failed_after_import(ctx: RuleContext) -> bool:
    """The paste shows torch's own compiled part failing to import (``torch._C``), as a shadowing copy does."""
    return first_of(ctx, Obs.TORCH_C_IMPORT) is not None


@rule("CC816", "observed-cuda-toolkit-mismatch-ext", "cuda_toolkit_mismatch_ext", "libraries", severity="warning",
      symptom=True)
def observed_cuda_toolkit_mismatch_ext(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows an extension build failing on the local CUDA toolkit.

    What it checks:
        torch.utils.cpp_extension's "The detected CUDA version (11.2) mismatches the
        version that was used to compile PyTorch (10.2)" (apex: "Cuda extensions are being
        compiled with a version of Cuda that does not match …"; DeepSpeed's op builder: "Installed
        CUDA version 11.0 does not match the version torch was compiled with 11.1"), linker errors "undefined
        reference to `cudaLaunchKernelExC@libcudart.so.11.0'" when linking against
        libtorch, "nvcc fatal : Unsupported gpu architecture 'compute_89'", and
        "CUDA_HOME environment variable is not set"; an extension's own check of the local
        nvcc ("FlashAttention-3 is only supported on CUDA 12.3 and above"); CUDA's headers
        refusing an nvcc of another toolkit ("CUDA compiler and toolkit headers are
        incompatible").
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
    lead = first_of(ctx, Obs.DETECTED_CUDA_MISMATCH, Obs.EXT_CUDA_MISMATCH, Obs.UNDEFINED_REFERENCE_CUDA,
                    Obs.NVCC_UNSUPPORTED_ARCH, Obs.CUDA_HOME_MISSING, Obs.EXT_NEEDS_NEWER_NVCC,
                    Obs.TOOLKIT_HEADERS_MISMATCH)
    if lead is None:
        return
    torch_cuda = ctx.snapshot.torch.cuda
    nvcc = ctx.snapshot.libraries.nvcc_version if ctx.snapshot.libraries else None
    if lead.signature == Obs.EXT_NEEDS_NEWER_NVCC:
        needed = lead.values.get("need")
        title = f"The local CUDA toolkit (nvcc) is older than {lead.values.get('ext') or 'the extension'} needs " \
                f"(CUDA {needed} or newer)"
        detail = (f"{quote(lead)}. The build checks the nvcc it compiles with (`nvcc -V`), not torch's CUDA"
                  + (f" ({torch_cuda}) or the driver's" if torch_cuda else " or the driver's") +
                  " (nvidia-smi's \"CUDA Version\"): a toolkit older than that is on PATH or CUDA_HOME.")
    elif lead.signature == Obs.UNDEFINED_REFERENCE_CUDA:
        symbol, library = lead.values.get("symbol", ""), lead.values.get("lib", "")
        if not (symbol.lower().startswith(("cuda", "cu", "nv")) or "cuda" in library or "nv" in library):
            return
        title = f"libtorch was linked with a different CUDA toolkit ({symbol} missing from {library})"
        detail = (f"{quote(lead)}. The program links libtorch's CUDA libraries against a local CUDA whose "
                  f"{library} lacks symbols libtorch's CUDA version provides.")
    elif lead.signature == Obs.NVCC_UNSUPPORTED_ARCH:
        title = f"The local nvcc cannot compile for {lead.values.get('arch')}"
        detail = f"{quote(lead)}. The CUDA toolkit used for the extension build is older than the GPU."
    elif lead.signature == Obs.TOOLKIT_HEADERS_MISMATCH:
        title = "The build's nvcc and the CUDA headers it includes come from different toolkits"
        detail = (f"{quote(lead)}. CUDA's own headers check the compiler that includes them: a pip-installed nvcc "
                  "beside a system CUDA's headers, or CUDA_HOME naming another toolkit than the nvcc on PATH (a JIT "
                  "build such as FlashInfer's or torch.utils.cpp_extension picks them up separately).")
    elif lead.signature == Obs.CUDA_HOME_MISSING:
        title = "An extension build found no CUDA toolkit (CUDA_HOME not set)"
        detail = f"{quote(lead)}. pip fell back to compiling a CUDA extension from source."
    else:
        local = lead.values.get("nvcc") or lead.values.get("installed") or nvcc
        built = lead.values.get("torch") or lead.values.get("compiled") or torch_cuda
        title = f"Extension build: local CUDA {local} differs from torch's CUDA {built}"
        detail = (f"{quote(lead)}. The extension's build (torch.utils.cpp_extension, DeepSpeed's op builder, apex) "
                  "refuses a toolkit that does not match torch's CUDA; torch itself is fine.")
    remedy = (f"Install CUDA toolkit {torch_cuda} and `export CUDA_HOME=/usr/local/cuda-{torch_cuda}`, "
              if torch_cuda else "Install the CUDA toolkit matching torch.version.cuda and point CUDA_HOME at it, ") + \
        ("or install a torch built for your local CUDA, or use prebuilt wheels of the extension for your torch+CUDA "
         "(e.g. PyG: `pip install torch-scatter -f https://data.pyg.org/whl/torch-<version>+<cuda>.html`).")
    yield ctx.finding(title, certainty=LIKELY, detail=detail, remedy=remedy, evidence=evidence(lead))
