"""Observed failures of compiled extensions: kernels missing for the GPU in an extension, an
extension built for another torch, CUDA or C++ ABI (CC825). Undefined torch symbols in a
pasted extension are facts the kernel inventory's rule judges (CC243)."""
from __future__ import annotations

from typing import Iterator, List, Optional

from ...observations import Obs
from ...vocabulary import COMPANION_PACKAGES
from ...report import Finding
from ...compat.judgements import official_wheel_cxx11_abi
from ...versions import major_minor, torch_public
from ..context import RuleContext
from ..observations import (LIKELY, POSSIBLE, all_of, build_step_without_gpu, cpu_build_known, evidence, first_of,
                            gpu_arch, gpu_label, kernel_error_owner, quote)
from ..registry import rule



def _installed_torch(ctx: RuleContext, said: Optional[str]) -> Optional[str]:
    """The installed torch's version: the build's, the package list's, the one a message names, or a bare
    version the paste states."""
    package = ctx.snapshot.package("torch")
    stated = first_of(ctx, Obs.TORCH_VERSION)
    return ctx.snapshot.torch.version or (package.version if package else None) or said \
        or (stated.values.get("version") if stated else None)


def torch_cxx11_abi(ctx: RuleContext, version: Optional[str]) -> Optional[bool]:
    """torch's C++ string ABI: read from its binaries, else the official wheels' for that version."""
    kernels = ctx.snapshot.kernels
    if kernels is not None and kernels.torch_cxx11_abi is not None:
        return kernels.torch_cxx11_abi
    return official_wheel_cxx11_abi(version, ctx.build.tag if ctx.snapshot.torch.version else None)


def build_problems(ctx: RuleContext, values: dict) -> List[str]:
    """What differs between the torch an extension was built for and the installed one (release, CUDA major);
    empty when nothing differs or the installed torch is not known."""
    problems: List[str] = []
    package = values.get("package") or "the extension"
    built, installed = values.get("torch"), _installed_torch(ctx, values.get("have"))
    built_public, installed_public = torch_public(built), torch_public(installed)
    if built_public and installed_public:
        exact = built_public.count(".") >= 2
        same = built_public == installed_public if exact else \
            major_minor(built_public) == major_minor(installed_public)
        if not same:
            problems.append(f"{package} was built for torch {built}, torch {installed} is installed")
    built_cuda, torch_cuda = major_minor(values.get("cuda")), major_minor(ctx.snapshot.torch.cuda)
    if built_cuda and torch_cuda and built_cuda[0] != torch_cuda[0]:
        problems.append(f"{package} was built for CUDA {values.get('cuda')}, torch for CUDA "
                        f"{torch_cuda[0]}.{torch_cuda[1]}")
    abi = {"yes": True, "no": False}.get(values.get("cxx11_abi", ""))
    torch_abi = torch_cxx11_abi(ctx, installed) if abi is not None else None
    if abi is not None and torch_abi is not None and abi != torch_abi:
        word = {True: "the new (std::__cxx11)", False: "the old (pre-C++11)"}
        problems.append(f"{package} uses {word[abi]} C++ string ABI, torch {installed} {word[torch_abi]} one: "
                        "its torch symbols are undefined")
    return problems


@rule("CC825", "observed-extension-mismatch", "extension_mismatch", "packages", symptom=True)
def observed_extension_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows a compiled extension that does not fit this torch or this GPU.

    What it checks:
        "no kernel image is available" / "invalid device function" raised from a compiled
        extension's own frames (flash-attn, xformers, vllm, bitsandbytes, mmcv, …) or while
        torch's own arch list covers the GPU; LLVM's "'sm_120' is not a recognized processor
        for this target" (a Triton older than the GPU); xFormers' "xFormers was built for: PyTorch
        X (you have Y)"; a prebuilt wheel's name (`+cu118torch2.2cxx11abiTRUE`) naming
        another torch release or CUDA major than the installed torch, and pip's "X requires
        torch==A, but you have torch B"; an extension's compiled module that does not load
        ("DLL load failed while importing flash_attn_2_cuda", "No module named
        'mmcv._ext'", "operator xformers::… does not exist", a CUDA library it links missing
        while it is imported). For torchvision and torchaudio the category is
        `torchvision_mismatch`; ONNX Runtime's GPU package, whose kernels come from its
        own CUDA build rather than from torch's, gets a remedy naming its CMake
        architectures. An extension failing to load into a CPU-only torch is the
        CPU build's doing: info here, CC807 / CC204 lead; on a machine the report shows has no
        NVIDIA GPU (a Mac, an AMD card) its GPU code not loading is expected: info.
    Why it matters:
        Extensions carry their own GPU code compiled for chosen architectures against one
        torch release, CUDA major and C++ ABI; with another they do not load or have no
        kernels for the GPU, although torch itself works.
    How to fix:
        Install the extension's build for the installed torch, CUDA and GPU (its release
        wheels, or the matching version), or build it from source against the installed
        torch with TORCH_CUDA_ARCH_LIST set to the GPU's compute capability.
    """
    missing = first_of(ctx, Obs.ARCH_KERNEL_MISSING)
    gpu = gpu_arch(ctx)
    if missing is not None and gpu is not None and \
            (gpu.major, gpu.minor) >= (int(missing.values["major"]), int(missing.values["minor"])):
        wanted = f"sm_{missing.values['major']}{missing.values['minor']}"  # below it, CC822: the GPU lacks the feature
        yield ctx.finding(
            f"A library has no {wanted} kernels although {gpu_label(ctx)} ({gpu.sm}) can run them",
            certainty=LIKELY,
            detail=f"{quote(missing)}. The GPU has compute capability {gpu.cc}, so the feature is there: the "
                   "installed build of the library was compiled without these kernels (or for another torch).",
            remedy="Reinstall the library's build for this GPU and the installed torch and CUDA (its latest release "
                   f"wheels), or build it from source with `TORCH_CUDA_ARCH_LIST=\"{gpu.cc}\"`.",
            evidence=evidence(missing))
        return
    unknown_arch = first_of(ctx, Obs.COMPILER_PREDATES_GPU)
    if unknown_arch is not None:
        sm = unknown_arch.values.get("sm", "the GPU's architecture")
        yield ctx.finding(
            f"LLVM does not know {sm}: the GPU compiler in use (most often Triton's) is older than the GPU",
            certainty=LIKELY,
            detail=f"{quote(unknown_arch)}. LLVM, which Triton uses to compile its kernels (torch.compile, "
                   "SageAttention, vLLM and others; XLA and Numba use it too), does not know this architecture, so "
                   "every kernel it compiles for the GPU fails to build; torch's own kernels are not affected.",
            remedy="Install the Triton release that comes with a torch supporting this GPU (`pip install -U torch` "
                   "pulls the `triton` it pins; on Windows the matching `triton-windows`), or turn off the "
                   "Triton-compiled path (torch.compile, the attention option) until then.",
            evidence=evidence(unknown_arch))
        return
    owned = kernel_error_owner(ctx)
    if owned is not None:
        package = owned.values.get("package")
        name = package or "a compiled extension"
        if package in _OWN_CUDA_BUILDS:  # a library built with its own CUDA build system, not against torch
            yield ctx.finding(
                f"{name} has no kernels for {gpu_label(ctx)}" + (f" ({gpu.sm})" if gpu else ""), certainty=LIKELY,
                detail=f"{quote(owned)}. The error is raised from {package}'s own CUDA kernels, built without this "
                       "GPU's architecture; torch's kernels are not involved.",
                remedy=f"Install a release of {package} whose CUDA build includes this GPU's architecture (usually "
                       f"a newer one: its release notes list them), or build it from source with "
                       f"`CMAKE_CUDA_ARCHITECTURES={gpu.major}{gpu.minor}`." if gpu else
                       f"Install a release of {package} whose CUDA build includes this GPU's architecture (usually "
                       "a newer one), or build it from source for it (CMAKE_CUDA_ARCHITECTURES).",
                evidence=evidence(owned))
            return
        yield ctx.finding(
            f"{name} has no kernels for {gpu_label(ctx)}" + (f" ({gpu.sm})" if gpu else ""),
            certainty=LIKELY if package else POSSIBLE,
            detail=f"{quote(owned)}. " + (f"The error is raised from {package}'s own code: its kernels were built "
                                          "without this GPU's architecture (or for another torch)." if package else
                                          "torch's own arch list covers this GPU, so the failing kernel comes from an "
                                          "extension or a library with its own kernels." if ctx.build.targets else
                                          "Every official CUDA build of this torch release has kernels for this GPU, "
                                          "so the failing kernel comes from an extension, a library with its own "
                                          "kernels, or a torch that is not an official build."),
            remedy=f"Install a build of {package or 'the extension'} made for this GPU and your torch, or rebuild "
                   f"it: `TORCH_CUDA_ARCH_LIST=\"{gpu.cc if gpu else '<X.Y>'}\" pip install --no-build-isolation "
                   f"--force-reinstall --no-cache-dir {package or '<package>'}`.",
            evidence=evidence(owned))
        return
    built_for = all_of(ctx, Obs.EXTENSION_BUILT_FOR)
    failed = first_of(ctx, Obs.EXTENSION_IMPORT_FAILED)
    cpu_have = next((o for o in built_for if (o.values.get("have") or "").endswith("+cpu")), None)
    lead = cpu_have or failed or (built_for[0] if built_for else None)
    if lead is not None and (cpu_have is not None or cpu_build_known(ctx)):
        # the extension is fine; the CPU-only torch is the cause, and CC807 / CC204 lead with it
        package = lead.values.get("package") or "a compiled extension"
        yield ctx.finding(
            f"{package}'s CUDA code cannot load into a CPU-only torch", severity="info", certainty=LIKELY,
            category=_category(package),
            detail=f"{quote(lead)}. The extension needs a CUDA build of torch; this one has no CUDA.",
            remedy=f"Install the CUDA build of torch first (see the CPU-only finding), then {package}'s build for it.",
            evidence=evidence(lead) + ["torch.cuda"])
        return
    for built in built_for:
        problems = build_problems(ctx, built.values)
        if not problems:
            continue
        package = built.values.get("package") or "a compiled extension"
        yield ctx.finding(
            f"{package} was built for another torch than the installed one",
            certainty=LIKELY, category=_category(package), detail=f"{quote(built)}. " + "; ".join(problems) + ".",
            remedy=_remedy(package),
            evidence=evidence(built) + ["torch.version"])
        return
    if failed is not None and ctx.non_nvidia_evidence:
        package = failed.values.get("package") or "a compiled extension"
        yield ctx.finding(
            f"{package}'s CUDA code does not load on a machine without an NVIDIA GPU (expected)", severity="info",
            certainty=LIKELY, category=_category(package),
            detail=f"{quote(failed)}; {ctx.non_nvidia_evidence}. Its GPU code has nothing to run on here; its CPU "
                   "paths, where it has them, still work.",
            remedy=f"Nothing to do for CPU work; use {package} on a machine with an NVIDIA GPU for its GPU features.",
            evidence=evidence(failed))
        return
    in_build = build_step_without_gpu(ctx)
    if failed is not None and in_build is not None:
        package = failed.values.get("package") or "a compiled extension"
        yield ctx.finding(
            f"{package} finds no GPU while the image builds (expected)", severity="info", certainty=LIKELY,
            category=_category(package),
            detail=f"{quote(failed)}; {quote(in_build[0])}. Build steps run without the NVIDIA runtime, so no driver "
                   "library is there; in a container started with `--gpus` it loads its GPU code.",
            remedy="Nothing to fix in the image for this: check the GPU when the container runs.",
            evidence=evidence(failed, in_build[0]))
        return
    if failed is not None:
        package = failed.values.get("package") or "a compiled extension"
        library = failed.values.get("library")
        stated = failed.values.get("source") == "statement"
        yield ctx.finding(
            f"{package} stopped working when torch changed: built for the torch it had before" if stated else
            f"{package}'s compiled code does not load" + (f" (it needs {library})" if library else ""),
            certainty=LIKELY, category=_category(package),
            detail=f"{quote(failed)}. " + (f"{package}'s compiled code is built against one torch release (its C++ "
                                           "symbols and, for most wheels, its CUDA version); a new torch does not "
                                           "carry what the old build links to." if stated else
                                           f"{package} was linked against {library}, which this environment does not "
                                           "have: it was built for another CUDA or torch." if library else
                                           f"{package} was installed without its compiled part, or built for another "
                                           "torch, CUDA or platform."),
            remedy=_remedy(package), evidence=evidence(failed))


_OWN_CUDA_BUILDS = frozenset({"onnxruntime-gpu"})
"""Libraries with their own CUDA kernels built by their own build system (CMake), not against torch: their kernels
follow their release, not the installed torch."""


def _category(package: str) -> Optional[str]:
    """torch's companions (torchvision, torchaudio, torchtext) have their own category; every other extension is an
    extension."""
    return "torchvision_mismatch" if package in COMPANION_PACKAGES else None


def _remedy(package: str) -> str:
    if package in _OWN_CUDA_BUILDS:
        return (f"Install the {package} release built for the CUDA major and cuDNN this environment has (its "
                "install matrix), with no CPU-only twin package installed beside it.")
    if package in COMPANION_PACKAGES:
        return (f"Install the {package} release that pairs with the installed torch, from the same index (same CUDA "
                f"tag): `pip install --force-reinstall torch {package} --index-url …` (with the other companions the "
                "environment has).")
    return (f"Install the {package} build made for the installed torch, CUDA and platform (its release wheels or "
            "the matching version), or rebuild it against the installed torch: "
            f"`pip install --no-build-isolation --force-reinstall --no-cache-dir {package}`.")
