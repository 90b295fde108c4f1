"""Compiled CUDA extensions (and torch's own libraries) against this torch, driver and GPUs.

Facts come from the kernel inventory (``snapshot.kernels``): what each library's
fatbin really carries, per container, and what it links. Coverage is judged per
container group with :mod:`cudacheck.kernels.coverage`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, List, Tuple

from ...compat.archs import Arch
from ...compat.judgements import ArchTargets, variant_targets
from ...names import package_key
from ...observations import Obs
from ...report import Finding
from ...snapshot import KernelBinary
from ...versions import major_minor, torch_public
from ...vocabulary import COMPANION_PACKAGES
from ..context import GpuView, RuleContext
from ..observations import POSSIBLE, first_of
from ..registry import rule

if TYPE_CHECKING:  # the coverage helpers load only when an inventory is judged (health stays lean)
    from ...kernels.coverage import LibraryCoverage

#: Extensions whose project publishes prebuilt wheels per torch / CUDA major / C++11 ABI on its
#: GitHub releases page, named by ``get_wheel_url()`` in the project's setup.py
#: (Dao-AILab/flash-attention, Dao-AILab/causal-conv1d, state-spaces/mamba).
RELEASE_WHEELS = {
    "flash-attn": ("flash_attn", "https://github.com/Dao-AILab/flash-attention/releases"),
    "causal-conv1d": ("causal_conv1d", "https://github.com/Dao-AILab/causal-conv1d/releases"),
    "mamba-ssm": ("mamba_ssm", "https://github.com/state-spaces/mamba/releases"),
}


def _extensions(ctx: RuleContext) -> List[KernelBinary]:
    kernels = ctx.snapshot.kernels
    return [b for b in kernels.binaries if b.package != "torch"] if kernels else []


def _file_name(binary: KernelBinary) -> str:
    """``flash_attn_2_cuda.so``: the library's file name without its folder."""
    return binary.path.replace("\\", "/").rsplit("/", 1)[-1]


def _name(binary: KernelBinary) -> str:
    """``flash_attn_2_cuda.so (flash-attn 2.8.3)``."""
    file_name = _file_name(binary) or "a compiled extension"
    owner = " ".join(filter(None, (binary.package, binary.package_version))) if binary.package else "no package"
    return f"{file_name} ({owner})"


def _targets(binary: KernelBinary) -> str:
    sass = " ".join(binary.sass) or "no SASS"
    return sass + (f", PTX {' '.join(binary.ptx)}" if binary.ptx else ", no PTX")


def _gpu_list(ctx: RuleContext) -> str:
    archs = sorted({f"{g.arch.major}.{g.arch.minor}" for g in ctx.gpus if g.arch})
    return ";".join(archs) or "<compute capability>"


def _python_tag(ctx: RuleContext) -> str:
    mm = major_minor(ctx.snapshot.platform.python_version)
    return f"cp{mm[0]}{mm[1]}" if mm else "cp3XX"


def fitting_build(ctx: RuleContext, binary: KernelBinary) -> str:
    """What to install or build instead: the torch release's companion, a project's release
    wheel for this torch/CUDA/ABI, or a source build for this machine's GPUs."""
    torch = ctx.snapshot.torch
    name = package_key(binary.package or "")
    release = ctx.build.release
    if name in COMPANION_PACKAGES and release is not None and torch.version:
        version = release.companion(name, torch_public(torch.version) or "")
        tag = ctx.build.tag
        if version:
            index = f" --index-url {ctx.db.torch.index_url_base.rstrip('/')}/{tag}" if tag else ""
            return f"pip install --force-reinstall --no-deps {name}=={version}{index}"
    public = torch_public(torch.version)
    torch_mm = ".".join(public.split(".")[:2]) if public else None
    cuda = major_minor(torch.cuda)
    abi = ctx.snapshot.kernels.torch_cxx11_abi if ctx.snapshot.kernels else None
    lines = []
    if name in RELEASE_WHEELS and torch_mm and cuda and abi is not None:
        stem, url = RELEASE_WHEELS[name]
        version = (binary.package_version or "<version>").split("+", 1)[0]
        python = _python_tag(ctx)
        lines.append(f"Install the release wheel built for torch {torch_mm}, CUDA {cuda[0]}, C++11 ABI "
                     f"{str(abi).upper()} if the project publishes one ({url}):\n  "
                     f"{stem}-{version}+cu{cuda[0]}torch{torch_mm}cxx11abi{str(abi).upper()}-{python}-{python}"
                     f"-linux_x86_64.whl\nor build it against the installed torch:")
    package = binary.package or "<package>"
    pin = f"=={binary.package_version.split('+', 1)[0]}" if binary.package_version else ""
    lines.append(f'TORCH_CUDA_ARCH_LIST="{_gpu_list(ctx)}" pip install --no-build-isolation --no-cache-dir '
                 f"--force-reinstall --no-deps --no-binary {package} {package}{pin}")
    return "\n".join(lines)


def _judged(ctx: RuleContext,
            binaries: List[KernelBinary]) -> Iterator[Tuple[KernelBinary, GpuView, Arch, "LibraryCoverage"]]:
    """(binary, GPU, its architecture, coverage) for every binary with GPU code and every GPU whose
    architecture is known."""
    if not binaries or not ctx.gpus:
        return
    from ...kernels.coverage import library_coverage

    for binary in binaries:
        for gpu in ctx.gpus:
            if gpu.arch is not None and binary.groups:
                yield binary, gpu, gpu.arch, library_coverage(binary.groups, gpu.arch, ctx.driver_cuda)


def _failing_text(cover: "LibraryCoverage", limit: int = 4) -> str:
    from ...kernels.coverage import group_text

    shown = [f"{g.count} × [{group_text(g)}]" for g in cover.failing[:limit]]
    more = f" and {len(cover.failing) - limit} more" if len(cover.failing) > limit else ""
    return ", ".join(shown) + more


@rule("CC240", "extension-no-kernels-for-gpu", "extension_mismatch", "packages")
def extension_no_kernels_for_gpu(ctx: RuleContext) -> Iterator[Finding]:
    """A compiled extension carries no GPU code this GPU can run.

    What it checks:
        Every fatbin container of each installed extension's shared library (read from
        the file): none has SASS of the GPU's major with a minor ≤ the GPU's (`a`
        targets only on the exact GPU) or PTX at or below the GPU's compute capability.
    Why it matters:
        Every kernel of the extension fails with "CUDA error: no kernel image is
        available for execution on the device" — typical for flash-attn, xformers or
        bitsandbytes wheels on a newer GPU (RTX 50xx, sm_120) than they were built for,
        even though torch itself runs.
    How to fix:
        Install a build of the extension that includes the GPU (the remedy names the
        project's release wheel where it publishes one), or build it from source with
        TORCH_CUDA_ARCH_LIST set to the GPU's compute capability.
    """
    for binary, gpu, arch, cover in _judged(ctx, _extensions(ctx)):
        if cover.none != cover.total:
            continue
        yield ctx.finding(
            f"{_name(binary)} has no kernels for {gpu.label} ({arch.sm})",
            detail=f"Its {binary.containers} fatbin container(s) carry {_targets(binary)} (read from "
                   f"{binary.path}); {arch.sm} needs SASS sm_{arch.major}x with x ≤ {arch.minor} or "
                   f"PTX ≤ compute_{arch.major}{arch.minor}.",
            remedy=fitting_build(ctx, binary),
            evidence=["kernels.binaries.groups", "nvml.gpus.compute_capability"])


@rule("CC242", "library-partial-kernels-for-gpu", "extension_mismatch", "packages", severity="warning")
def library_partial_kernels_for_gpu(ctx: RuleContext) -> Iterator[Finding]:
    """Some kernels of a library have no code for this GPU.

    What it checks:
        Per fatbin container (roughly one source file of the library): whether the
        GPU can run it. Fires when some containers can and others cannot — e.g.
        Hopper-only `sm_90a` FlashAttention-3 kernels inside a library that otherwise
        runs everywhere, or torch's own `libtorch_cuda_linalg.so` without sm_75 code
        while the rest of torch has it.
    Why it matters:
        The library imports and most operations work; the ones whose kernels lack the
        GPU's code fail at launch with "no kernel image is available" — a failure that
        appears only for some models or options.
    How to fix:
        Use a build that covers the GPU for every kernel (or avoid the features the
        failing kernels implement); for an extension, rebuild with TORCH_CUDA_ARCH_LIST
        including the GPU.
    """
    kernels = ctx.snapshot.kernels
    if kernels is None:
        return
    for binary, gpu, arch, cover in _judged(ctx, kernels.binaries):
        if binary.package == "torch":
            # A torch library without any code for the GPU counts too (linalg without sm_75),
            # unless the whole build misses the GPU: CC201/CC203 say that.
            if not cover.none or ctx.build.targets is None \
                    or ctx.build.targets.covers(arch).kind == "none":
                continue
            remedy = (f"The rest of torch runs on {gpu.label}; avoid the operations this library implements there, "
                      f"or build torch with TORCH_CUDA_ARCH_LIST including {arch.cc}. Check another build with "
                      f"`cudacheck kernels --gpu {arch.cc}` before switching.")
        else:
            if not 0 < cover.none < cover.total:
                continue  # all or nothing: CC240
            remedy = fitting_build(ctx, binary)
        runs = cover.total - cover.none
        yield ctx.finding(
            f"{_name(binary)}: {cover.none} of {cover.total} kernel containers have no code for "
            f"{gpu.label} ({arch.sm})",
            detail=f"Containers without {arch.sm}-compatible code: {_failing_text(cover)}. Kernels from them "
                   "fail with \"no kernel image is available\" when launched"
                   + (f"; the other {runs} run." if runs else "."),
            remedy=remedy, evidence=["kernels.binaries.groups", "nvml.gpus.compute_capability"])


def _abi_explains(ctx: RuleContext, binary: KernelBinary) -> bool:
    """Whether the extension's C++ string ABI differs from torch's (CC244 says so)."""
    torch_abi = ctx.snapshot.kernels.torch_cxx11_abi if ctx.snapshot.kernels else None
    return binary.torch_abi == "cxx" and binary.cxx11_abi is not None and torch_abi is not None \
        and binary.cxx11_abi != torch_abi


def _built_for(binary: KernelBinary) -> str:
    if binary.requires_torch:
        return f"it declares Requires-Dist: torch {binary.requires_torch}"
    if binary.local_version and "torch" in binary.local_version:
        return f"its version tag +{binary.local_version} names the torch it was built for"
    return "it was built against another torch release"


@rule("CC243", "extension-undefined-torch-symbols", "extension_mismatch", "packages")
def extension_undefined_torch_symbols(ctx: RuleContext) -> Iterator[Finding]:
    """An extension needs torch symbols that the installed torch does not export.

    What it checks:
        Each `c10::`/`at::`/`torch::` (or `aoti_torch_*`) symbol the extension's shared
        library leaves undefined, looked up in the installed torch libraries' dynamic
        symbol tables through `.gnu.hash`, as the dynamic loader does — or, in a pasted
        report, the "undefined symbol: _ZN3c10…" its import failed with. For torchvision
        and torchaudio the finding's category is `torchvision_mismatch`; torchvision's optional image
        extension (`image.so`, which torchvision.io warns about and goes on without) is a possible warning.
    Why it matters:
        `import` fails with "undefined symbol: _ZN3c10…": the extension was compiled
        against another torch release (torch's C++ interface changes every release), the
        classic state after `pip install -U torch` without rebuilding flash-attn,
        xformers, vllm or a custom op.
    How to fix:
        Install the extension build made for the installed torch (or the torch it was
        built for); for a source build, rebuild it against the installed torch.
    """
    torch_label = f"torch {ctx.snapshot.torch.version}" if ctx.snapshot.torch.version else "the installed torch"
    if ctx.snapshot.source == "pasted" and first_of(ctx, Obs.LIBTORCH_ON_LOADER_PATH) is not None:
        return  # another libtorch on LD_LIBRARY_PATH answered for the installed torch: CC811
    for binary in _extensions(ctx):
        if not binary.missing_torch_symbols_count or _abi_explains(ctx, binary):
            continue
        first = (binary.missing_torch_symbols or ["?"])[0]
        count = binary.missing_torch_symbols_count
        of = f" of its {binary.torch_symbols}" if binary.torch_symbols is not None else ""
        companion = package_key(binary.package or "") in COMPANION_PACKAGES
        optional = companion and _file_name(binary).startswith("image.")  # torchvision.io's: it warns and goes on
        yield ctx.finding(
            f"{_name(binary)} needs {count} torch symbol{'s' if count != 1 else ''} that {torch_label} "
            "does not export" + (" (only torchvision.io's image decoding is lost)" if optional else ""),
            category="torchvision_mismatch" if companion else None, severity="warning" if optional else "error",
            certainty=POSSIBLE if optional else "confirmed",
            detail=f"Importing it fails with \"undefined symbol: {first}\" ({count}{of} torch symbol"
                   f"{'s are' if count != 1 else ' is'} missing); {_built_for(binary)}.",
            remedy=fitting_build(ctx, binary),
            evidence=["kernels.binaries.missing_torch_symbols", "torch.version"])


@rule("CC244", "extension-cxx11-abi-mismatch", "extension_mismatch", "packages")
def extension_cxx11_abi_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """An extension was built with the other C++11 string ABI than torch.

    What it checks:
        Whether the extension's mangled C++ names use `std::__cxx11::basic_string` (new
        libstdc++ ABI) or the old `std::string`, against the ABI torch's libraries were
        built with — for extensions that use torch's C++ interface.
    Why it matters:
        Every torch function taking a `std::string` has a different symbol name in the
        two ABIs, so import fails with "undefined symbol:
        _ZN3c105ErrorC2ENS_14SourceLocationENSt7__cxx1112basic_string…" (or the reverse).
        Prebuilt flash-attn, mamba-ssm and causal-conv1d wheels exist in both flavours
        (`cxx11abiTRUE` / `cxx11abiFALSE`).
    How to fix:
        Install the wheel flavour matching torch's ABI (torch wheels from PyPI use the
        new ABI since 2.7), or rebuild the extension against the installed torch.
    """
    torch_abi = ctx.snapshot.kernels.torch_cxx11_abi if ctx.snapshot.kernels else None
    for binary in _extensions(ctx):
        if not _abi_explains(ctx, binary):
            continue
        word = {True: "new (std::__cxx11)", False: "old (pre-C++11)"}
        yield ctx.finding(
            f"{_name(binary)} uses the {word[bool(binary.cxx11_abi)]} C++ string ABI, torch the "
            f"{word[bool(torch_abi)]} one",
            detail=f"Symbols with std::string differ between the ABIs, so import fails with an undefined "
                   f"symbol ({binary.missing_torch_symbols_count or 'some'} of its torch symbols are not exported "
                   f"by torch {ctx.snapshot.torch.version or ''}).".replace(" )", ")"),
            remedy=fitting_build(ctx, binary),
            evidence=["kernels.binaries.cxx11_abi", "kernels.torch_cxx11_abi"])


@rule("CC245", "extension-ptx-too-new-for-driver", "extension_mismatch", "packages")
def extension_ptx_too_new_for_driver(ctx: RuleContext) -> Iterator[Finding]:
    """An extension reaches this GPU only through PTX that the driver is too old to compile.

    What it checks:
        For containers with no SASS for the GPU but PTX that could be JIT-compiled: the
        PTX ISA version (read from the fatbin) against the newest CUDA the driver
        supports (PTX ISA 9.0 needs CUDA 13.0, 8.8 needs 12.9, …).
    Why it matters:
        The driver refuses PTX from a newer toolkit: "the provided PTX was compiled with
        an unsupported toolchain" (cudaErrorUnsupportedPtxVersion, 222), even though the
        extension looks like it supports the GPU.
    How to fix:
        Update the driver to one supporting the CUDA version named, or install a build
        with SASS for the GPU.
    """
    for binary, gpu, arch, cover in _judged(ctx, _extensions(ctx)):
        if not cover.ptx_too_new:
            continue
        from ...kernels.coverage import newest_cuda

        isas = sorted({g.ptx_isa for g in cover.too_new if g.ptx_isa})
        needs = newest_cuda(isas)
        if needs is None:
            continue  # which CUDA reads this PTX is not known: nothing to say about the driver
        yield ctx.finding(
            f"{_name(binary)} needs PTX JIT for {gpu.label} ({arch.sm}) that driver CUDA {ctx.driver_cuda} "
            "cannot do",
            detail=f"{cover.ptx_too_new} of {cover.total} containers have no SASS for {arch.sm}, only PTX of ISA "
                   f"{', '.join(isas)} (needs CUDA ≥ {needs}); the driver supports CUDA ≤ {ctx.driver_cuda}.",
            remedy=f"Update the NVIDIA driver to one supporting CUDA {needs} "
                   f"(≥ {ctx.db.min_driver(needs, ctx.platform) or '?'}), or:\n{fitting_build(ctx, binary)}",
            evidence=["kernels.binaries.groups.ptx_isa", "nvml.cuda_driver_version"])


@rule("CC246", "extension-cuda-runtime-mismatch", "extension_mismatch", "packages")
def extension_cuda_runtime_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """An extension links a CUDA runtime of another major version than torch.

    What it checks:
        The extension's DT_NEEDED `libcudart.so.N` (also auditwheel's hashed
        `libcudart.<hash>.so.N`) against the runtime torch's libraries link, and whether
        the dynamic loader can find the extension's one (its RUNPATH, LD_LIBRARY_PATH,
        the loader cache, the system folders).
    Why it matters:
        Not found, import fails with "libcudart.so.12: cannot open shared object file"
        (an extension built for CUDA 12 next to a CUDA 13 torch). Found, two CUDA
        runtimes share one process: it often works, but memory, streams and errors do
        not cross between them and the extension's kernels need a driver for its CUDA.
    How to fix:
        Install the extension built for torch's CUDA major (or a torch built for the
        extension's), or rebuild the extension against the installed torch.
    """
    kernels = ctx.snapshot.kernels
    if kernels is None:
        return
    torch_major = kernels.torch_cudart_major or (major_minor(ctx.snapshot.torch.cuda) or (None,))[0]
    if torch_major is None:
        return
    for binary in _extensions(ctx):
        if binary.cudart != "shared" or binary.cudart_major is None or binary.cudart_major == torch_major:
            continue
        found = binary.cudart_resolves
        text = {True: "the loader finds it, so two CUDA runtimes will share the process",
                False: f"the loader finds no {binary.cudart_soname}: import fails with \"{binary.cudart_soname}: "
                       "cannot open shared object file\"",
                None: "whether the loader finds it was not checked"}[found]
        yield ctx.finding(
            f"{_name(binary)} links CUDA {binary.cudart_major} runtime; torch uses CUDA {torch_major}",
            severity="error" if found is False else "warning",
            detail=f"It needs {binary.cudart_soname}; {text}.",
            remedy=fitting_build(ctx, binary),
            evidence=["kernels.binaries.cudart_soname", "kernels.binaries.cudart_resolves",
                      "kernels.torch_cudart_major"])


@rule("CC247", "torch-build-no-ptx", "arch_not_in_build", "torch", severity="info")
def torch_build_no_ptx(ctx: RuleContext) -> Iterator[Finding]:
    """The installed torch carries no PTX: no forward path to newer GPUs.

    What it checks:
        torch's own libraries (read from the files, or torch's arch list in a child)
        hold SASS only, no PTX.
    Why it matters:
        A GPU newer than the build's newest SASS major cannot JIT-compile torch's
        kernels; it needs a new torch build. Release notes and build scripts sometimes
        promise PTX that the wheel does not carry (torch 2.14.1 cu130: "12.0+PTX" in the
        build script, no PTX in the wheel).
    How to fix:
        Nothing to do for the GPUs the build covers. For a newer GPU, install a torch
        release that names it.
    """
    build = ctx.build
    if not ctx.torch_is_cuda or build.arch_source not in ("binary", "deep") or build.ptx or not build.sass:
        return
    newest = max(build.sass)
    yield ctx.finding(
        f"torch {ctx.snapshot.torch.version} carries no PTX: GPUs beyond {newest.sm}'s family need a new build",
        detail=f"The build has {build.arch_text()} (from "
               f"{'its binaries' if build.arch_source == 'binary' else 'torch.cuda.get_arch_list()'}).",
        remedy="Nothing to do for the GPUs it covers.",
        evidence=["torch.arch_list", "torch.arch_list_source"])


@rule("CC248", "torch-binary-archs-differ-from-compat", "config", "torch", severity="info")
def torch_binary_archs_differ_from_compat(ctx: RuleContext) -> Iterator[Finding]:
    """The arch list read from torch's binaries differs from cudacheck's compat data.

    What it checks:
        For an official wheel: the targets most of torch's fatbin containers carry
        against the arch list the compat table records for that release and CUDA
        variant.
    Why it matters:
        The binaries are the truth and cudacheck judges with them; a difference means
        the table is wrong for this wheel (or the wheel is not what its version says, a
        rebuilt or patched torch), and a remedy planned from the table may be wrong too.
    How to fix:
        Nothing to do here. Please report it to cudacheck with `cudacheck kernels
        --format json` output so the compat data can be corrected.
    """
    torch = ctx.snapshot.torch
    variant = ctx.build.variant
    if torch.arch_list_source != "binary" or not torch.arch_list or variant is None:
        return
    table = variant_targets(variant)
    if table is None:
        return
    binary = ArchTargets.from_flags(torch.arch_list, "binary")
    binary_sass, binary_ptx, table_sass, table_ptx = binary.sass, binary.ptx, table.sass, table.ptx
    if set(binary_sass) == set(table_sass) and set(binary_ptx) == set(table_ptx):
        return

    def text(sass, ptx) -> str:
        return " ".join(a.sm for a in sorted(sass)) + (" + PTX " + " ".join(f"compute_{a.major}{a.minor}{a.suffix}"
                                                                          for a in sorted(ptx)) if ptx else "")
    yield ctx.finding(
        f"torch {torch.version}'s binaries carry {text(binary_sass, binary_ptx)}; the compat data says "
        f"{text(table_sass, table_ptx)}",
        detail=f"Compat row for torch {ctx.build.release.version if ctx.build.release else '?'} {variant.tag}: "
               f"{variant.source}.",
        remedy="Nothing to do; cudacheck judges with the binaries' list.",
        evidence=["torch.arch_list", "torch.arch_list_source"])

