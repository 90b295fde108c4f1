"""CUDA libraries and Python packages versus what torch was built and pinned against."""
from __future__ import annotations

import re
from typing import Dict, Iterator, Optional, Tuple

from ...compat.judgements import cudnn_refused_for_gpus, cudnn_runtime_refused, index_url
from ...names import package_key
from ...report import Finding
from ...snapshot import LibraryFacts
from ...versions import cudnn_from_int, major_minor, parse, torch_local_tag, torch_public
from ..context import RuleContext
from ..registry import rule

_FAMILY_CATEGORY = {"cudnn": "cudnn_version_mismatch", "nccl": "nccl_mismatch"}


def _family(package: str) -> str:
    """``nvidia-cudnn-cu12`` → ``cudnn``."""
    return re.sub(r"^nvidia-|-cu\d+$", "", package.lower())


def _pinned(spec: str) -> Optional[str]:
    match = re.match(r"^\s*===?\s*([0-9][0-9A-Za-z.+-]*)\s*$", spec)
    return match.group(1) if match else None


def build_cudnn(ctx: RuleContext) -> Optional[str]:
    """The cuDNN version torch was built against: its pip pin, else the compat data."""
    for name, spec in ctx.snapshot.torch.nvidia_requirements.items():
        if _family(name) == "cudnn" and _pinned(spec):
            return _pinned(spec)
    variant = ctx.build.variant
    return variant.cudnn if variant else ctx.snapshot.torch.cudnn_version


def loaded_cudnn(ctx: RuleContext) -> Tuple[Optional[str], str]:
    """(version, where it came from) of the cuDNN that runs: the deep child's, else the loader's pick."""
    deep = ctx.snapshot.deep
    if deep and deep.cudnn_version:
        return cudnn_from_int(deep.cudnn_version), "loaded by torch in the deep child"
    libraries = ctx.snapshot.libraries
    chosen: Optional[LibraryFacts] = libraries.resolved.get("cudnn") if libraries else None
    if chosen and chosen.version:
        return chosen.version, f"the loader would pick {chosen.path}"
    return None, ""


@rule("CC301", "nvidia-wheel-pin-mismatch", "lib_path_conflict", "libraries", severity="warning")
def nvidia_wheel_pin_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """An installed nvidia-* wheel differs from the version torch pins.

    What it checks:
        torch's metadata pins exact versions of nvidia-cudnn-*, nvidia-nccl-*,
        nvidia-cublas-* and the other CUDA wheels; this compares them with what is
        installed (often changed by another package's requirements or a manual upgrade).
    Why it matters:
        A different cuDNN major (or lower minor) makes torch refuse cuDNN; an older NCCL
        gives "undefined symbol: nccl…"; other libraries usually work but are untested.
    How to fix:
        Reinstall the pinned versions: `pip install --force-reinstall torch==<version>
        --index-url …` restores every pin; or pin the wheel named in the finding.
    """
    installed: Dict[str, Optional[str]] = {}
    for package in ctx.snapshot.packages or []:
        installed[package_key(package.name)] = package.version
    if ctx.snapshot.packages is None:
        return
    for name, spec in sorted(ctx.snapshot.torch.nvidia_requirements.items()):
        wanted = _pinned(spec)
        have = installed.get(name)
        if not wanted or have is None or have == wanted:
            continue
        family = _family(name)
        severity = "warning"
        if family == "cudnn" and cudnn_runtime_refused(ctx.db, ctx.snapshot.torch.version, wanted, have).refused:
            severity = "error"
        if family == "nccl" and (parse(have) or ()) < (parse(wanted) or ()):
            severity = "error"
        yield ctx.finding(
            f"{name} {have} is installed; {ctx.torch_label} pins {wanted}",
            severity=severity, category=_FAMILY_CATEGORY.get(family, "lib_path_conflict"),
            detail=f"torch's metadata requires {name}{spec}. "
                   + ("torch refuses a cuDNN whose major differs or whose minor is lower than its build's."
                      if family == "cudnn" and severity == "error" else
                      "An older NCCL than torch's lacks symbols torch calls." if family == "nccl" and severity == "error"
                      else "Other versions are untested with this torch."),
            remedy=f"pip install '{name}=={wanted}'",
            evidence=["torch.nvidia_requirements", f"packages.{name}"])


@rule("CC302", "cudnn-version-mismatch", "cudnn_version_mismatch", "libraries")
def cudnn_version_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """The cuDNN that loads is incompatible with the one torch was built against.

    What it checks:
        The cuDNN version the deep child loaded (or the copy the dynamic loader would pick
        for torch) against torch's build cuDNN: a different major, or a lower minor.
    Why it matters:
        torch raises "cuDNN version incompatibility: PyTorch was compiled against (9, 1, 0)
        but found runtime version (8, 9, 2)" and every convolution fails. Usually an older
        libcudnn on LD_LIBRARY_PATH or from conda shadows the pip wheel.
    How to fix:
        Remove the other cuDNN from LD_LIBRARY_PATH (or the conda env), or install the
        nvidia-cudnn wheel torch pins.
    """
    built = build_cudnn(ctx)
    loaded, where = loaded_cudnn(ctx)
    verdict = cudnn_runtime_refused(ctx.db, ctx.snapshot.torch.version, built, loaded)
    evidence = ["deep.cudnn_version", "libraries.resolved.cudnn", "torch.nvidia_requirements"]
    if verdict.refused is None and verdict.condition_met:
        yield ctx.cannot_tell(f"cuDNN {loaded} would be used with {ctx.torch_label} (built with "
                              f"cuDNN {built}); whether torch accepts it could not be checked",
                              detail=f"The runtime cuDNN is {loaded} ({where}); {verdict.reason}.", evidence=evidence)
        return
    if not verdict.refused:
        return
    yield ctx.finding(
        f"cuDNN {loaded} would be used, but {ctx.torch_label} was built with cuDNN {built}",
        detail=f"The runtime cuDNN is {loaded} ({where}); {verdict.reason} (torch/backends/cudnn raises "
               "\"cuDNN version incompatibility\").",
        remedy="Remove the other cuDNN from LD_LIBRARY_PATH / the conda env, or: "
               f"pip install 'nvidia-cudnn-cu{(major_minor(ctx.snapshot.torch.cuda) or (12, 0))[0]}=={built}'",
        evidence=evidence)


def effective_cudnn(ctx: RuleContext) -> Tuple[Optional[str], str]:
    """The cuDNN that will run: loaded/picked by the loader, else the installed wheel, else torch's pin."""
    loaded, where = loaded_cudnn(ctx)
    if loaded and len(parse(loaded) or ()) >= 2:
        return loaded, where
    for package in ctx.snapshot.packages or []:
        if _family(package.name) == "cudnn" and package.version:
            return package.version, f"the installed {package.name} wheel"
    built = build_cudnn(ctx)
    return built, (f"the cuDNN {ctx.torch_label} was built with" if built else "")


@rule("CC309", "cudnn-drops-gpu", "cudnn_version_mismatch", "libraries")
def cudnn_drops_gpu(ctx: RuleContext) -> Iterator[Finding]:
    """The cuDNN in use no longer supports this GPU's architecture.

    What it checks:
        The GPU's compute capability against the minimum of the cuDNN release that will run
        (loaded, installed as a wheel, or pinned by torch), from cuDNN's support matrix:
        cuDNN 9.17+ requires compute capability 7.5 (no Maxwell, Pascal or Volta, even in
        its CUDA 12 build). When torch itself refuses that cuDNN for the GPU, CC310 says so
        instead.
    Why it matters:
        torch imports fine, but every cuDNN convolution fails on that GPU (e.g.
        CUDNN_STATUS_ARCH_MISMATCH / "no kernel image"), typically after upgrading
        nvidia-cudnn-cu12 beside a torch that pinned an older cuDNN.
    How to fix:
        Install the cuDNN torch pins (9.10.x supports compute capability 5.0+), or a torch
        build whose cuDNN still supports the GPU.
    """
    if not ctx.torch_is_cuda or not ctx.gpus:
        return
    version, where = effective_cudnn(ctx)
    if not version or len(parse(version) or ()) < 2:
        return
    if _torch_refuses(ctx, version).refused:
        return  # CC310: torch refuses this cuDNN for these GPUs before cuDNN is asked
    cuda_major = (major_minor(ctx.snapshot.torch.cuda) or (None,))[0]
    floor = ctx.db.cudnn_min_compute_capability(version, cuda_major)
    if floor is None:
        return
    minimum, stated_by = floor
    pin = build_cudnn(ctx)
    for gpu in ctx.gpus:
        if gpu.arch is None or _cudnn_supports(ctx, version, cuda_major, gpu) is not False:
            continue
        if pin and _cudnn_supports(ctx, pin, cuda_major, gpu):
            remedy = f"pip install 'nvidia-cudnn-cu{cuda_major}=={pin}'  (the cuDNN torch pins supports {gpu.arch.sm})"
        else:
            remedy = "Install a torch build whose cuDNN still supports this GPU:\n" + ctx.best_wheel_text()
        yield ctx.finding(
            f"cuDNN {version} does not support {gpu.label} ({gpu.arch.sm}); it needs compute capability ≥ {minimum}",
            detail=f"cuDNN {version} ({where}) requires compute capability ≥ {minimum} (cuDNN {stated_by} support "
                   f"matrix); {gpu.label} is {gpu.arch.cc}.",
            remedy=remedy, evidence=["packages", "libraries.resolved.cudnn", "nvml.gpus.compute_capability"])


def _torch_refuses(ctx: RuleContext, cudnn: Optional[str]):
    """torch's cuDNN-versus-GPU check over the visible GPUs; when which GPUs are visible is not known,
    a refusal cannot be told (``refused`` None)."""
    from .requirements import gpus_to_check

    gpus, certain = gpus_to_check(ctx)
    verdict = cudnn_refused_for_gpus(ctx.db, ctx.snapshot.torch.version, cudnn,
                                     [g.arch for g in gpus if g.arch is not None])
    if verdict.refused and not certain:
        verdict.refused = None
        verdict.reason += "; whether CUDA_VISIBLE_DEVICES keeps that GPU is not known"
    return verdict


@rule("CC310", "torch-refuses-cudnn-for-gpu", "cudnn_version_mismatch", "libraries")
def torch_refuses_cudnn_for_gpu(ctx: RuleContext) -> Iterator[Finding]:
    """torch itself refuses the cuDNN it would load, because a visible GPU is too old for it.

    What it checks:
        torch's own check in `torch/backends/cudnn/__init__.py`, per torch release from
        cudacheck's `torch_guards.json`: torch 2.13 and 2.14 raise "cuDNN version N is not
        compatible with devices with SM < 7.5" when the runtime cuDNN is ≥ 9.11 and the
        lowest compute capability of all visible GPUs is below 7.5 (Maxwell, Pascal,
        Volta). The cuDNN is the one that will run: loaded in the deep child, picked by the
        loader, installed as a wheel, or pinned by torch. When the cuDNN or whether this
        torch release runs the check is not known, it says so (info) for a GPU below 7.5.
    Why it matters:
        The first convolution (or `torch.backends.cudnn.version()`) raises, on every GPU
        of the process — even the newer ones — although torch imports and matmuls work.
    How to fix:
        Install a cuDNN below 9.11 (`pip install 'nvidia-cudnn-cu12==9.10.2.21'`) if the
        build allows it, hide the old GPU with CUDA_VISIBLE_DEVICES, or install a torch
        build whose cuDNN is older (the remedy names one checked against this machine).
    """
    if not ctx.torch_is_cuda:
        return
    version, where = effective_cudnn(ctx)
    verdict = _torch_refuses(ctx, version)
    evidence = ["torch.version", "libraries.resolved.cudnn", "packages", "nvml.gpus.compute_capability"]
    old = ", ".join(f"{g.label} ({g.arch.sm})" for g in ctx.gpus
                    if g.arch is not None and (g.arch.major, g.arch.minor) < (7, 5))
    if verdict.refused is None and verdict.condition_met is not False and old:
        yield ctx.cannot_tell(f"Could not check whether {ctx.torch_label} accepts its cuDNN on {old}",
                              detail=verdict.reason[0].upper() + verdict.reason[1:] + ".", evidence=evidence)
        return
    if not verdict.refused:
        return
    yield ctx.finding(
        f"{ctx.torch_label} refuses cuDNN {version} on this machine: {old or 'a GPU'} is below "
        f"compute capability {verdict.row.min_compute_capability if verdict.row else '7.5'}",
        detail=f"cuDNN {version} ({where}). {verdict.reason[0].upper() + verdict.reason[1:]} (torch raises \"cuDNN "
               "version … is not compatible with devices with SM < 7.5\" at the first convolution, for every GPU "
               "of the process).",
        remedy="Install a torch build with an older cuDNN (or hide the old GPU with CUDA_VISIBLE_DEVICES):\n"
               + ctx.best_wheel_text(),
        evidence=evidence)


def _cudnn_supports(ctx: RuleContext, cudnn: str, cuda_major: Optional[int], gpu) -> Optional[bool]:
    """Whether cuDNN ``cudnn`` supports the GPU's compute capability; None when unknown."""
    floor = ctx.db.cudnn_min_compute_capability(cudnn, cuda_major)
    need = major_minor(floor[0]) if floor else None
    if need is None or gpu.arch is None:
        return None
    return (gpu.arch.major, gpu.arch.minor) >= need


@rule("CC303", "cudnn-missing", "cudnn_missing", "libraries")
def cudnn_missing(ctx: RuleContext) -> Iterator[Finding]:
    """torch needs a cuDNN wheel that is not installed, and no cuDNN library is found.

    What it checks:
        torch's metadata requires nvidia-cudnn-*, that wheel is missing, and library
        discovery found no libcudnn anywhere (LD_LIBRARY_PATH, loader cache, CUDA_HOME).
    Why it matters:
        `import torch` fails with "libcudnn.so.9: cannot open shared object file: No such
        file or directory" (or convolutions fail later).
    How to fix:
        Install the pinned wheel: `pip install nvidia-cudnn-cu12==<pin>` — or simply
        reinstall torch so pip restores its requirements.
    """
    libraries = ctx.snapshot.libraries
    if libraries is None or ctx.snapshot.packages is None:
        return
    pins = {n: s for n, s in ctx.snapshot.torch.nvidia_requirements.items() if _family(n) == "cudnn"}
    if not pins:
        return
    installed = {p.name.lower() for p in ctx.snapshot.packages}
    missing = [n for n in pins if n not in installed]
    found = [lib for lib in libraries.found if lib.name == "cudnn"]
    if missing and not found:
        name = missing[0]
        yield ctx.finding(
            f"{name} is not installed and no libcudnn was found; {ctx.torch_label} needs it",
            detail=f"torch requires {name}{pins[name]}; no libcudnn on LD_LIBRARY_PATH, in the loader cache or pip "
                   "folders.",
            remedy=f"pip install '{name}{pins[name]}'",
            evidence=["torch.nvidia_requirements", "packages", "libraries.found"])


@rule("CC304", "nccl-conflict", "nccl_mismatch", "libraries")
def nccl_conflict(ctx: RuleContext) -> Iterator[Finding]:
    """NCCL wheels of two CUDA majors, or an older libnccl ahead of torch's.

    What it checks:
        nvidia-nccl-cu12 and nvidia-nccl-cu13 (or cu11) installed side by side — both
        write nvidia/nccl/lib/libnccl.so.2 — or the libnccl the loader would pick (from
        LD_LIBRARY_PATH) is older than the version torch pins.
    Why it matters:
        Whichever wheel was installed last owns libnccl.so.2; torch then fails with
        "undefined symbol: ncclCommRegister" (or similar) or NCCL errors at init.
    How to fix:
        `pip uninstall -y nvidia-nccl-cu12 nvidia-nccl-cu13` and reinstall the one torch
        pins; remove other NCCL copies from LD_LIBRARY_PATH.
    """
    packages = [p for p in ctx.snapshot.packages or [] if _family(p.name) == "nccl"]
    if len(packages) > 1:
        yield ctx.finding(
            f"{len(packages)} NCCL wheels are installed: "
            + ", ".join(f"{p.name} {p.version}" if p.version else p.name for p in packages),
            detail="They install the same file nvidia/nccl/lib/libnccl.so.2; the last one installed wins.",
            remedy=f"pip uninstall -y {' '.join(p.name for p in packages)}, then reinstall torch (restores its pin).",
            evidence=["packages"])
    pin = next((_pinned(s) for n, s in ctx.snapshot.torch.nvidia_requirements.items() if _family(n) == "nccl"), None)
    libraries = ctx.snapshot.libraries
    chosen = libraries.resolved.get("nccl") if libraries else None
    if pin and chosen and chosen.version and chosen.origin == "ld_library_path" \
            and (parse(chosen.version) or ()) < (parse(pin) or ()):
        yield ctx.finding(
            f"libnccl {chosen.version} on LD_LIBRARY_PATH shadows torch's NCCL {pin}",
            detail=f"The loader picks {chosen.path} before torch's pip copy.",
            remedy="Remove that folder from LD_LIBRARY_PATH (or upgrade it to NCCL ≥ " + pin + ").",
            evidence=["libraries.resolved.nccl", "torch.nvidia_requirements"])


@rule("CC305", "library-path-shadowing", "lib_path_conflict", "libraries", severity="warning")
def library_path_shadowing(ctx: RuleContext) -> Iterator[Finding]:
    """LD_LIBRARY_PATH or conda CUDA libraries shadow torch's pip libraries.

    What it checks:
        For cuBLAS, cudart, NVRTC and cuDNN: the copy the loader would pick for torch comes
        from LD_LIBRARY_PATH or a conda prefix while torch ships the same library as an
        nvidia-* wheel, and the versions differ.
    Why it matters:
        Mixed CUDA libraries give "undefined symbol: cublasLt…", CUBLAS_STATUS errors or
        subtle failures; a different major fails to load at all.
    How to fix:
        Drop the CUDA folders from LD_LIBRARY_PATH for torch jobs (or `conda deactivate`);
        keep system CUDA for nvcc only.
    """
    libraries = ctx.snapshot.libraries
    if libraries is None:
        return
    pip_versions = {lib.name: lib.version for lib in libraries.found if lib.origin == "pip"}
    for name in ("cublas", "cublasLt", "cudart", "nvrtc", "cudnn"):
        chosen = libraries.resolved.get(name)
        if chosen is None or chosen.origin not in ("ld_library_path", "conda") or name not in pip_versions:
            continue
        pip_version = pip_versions[name]
        if chosen.version and pip_version and chosen.version == pip_version:
            continue
        chosen_mm, pip_mm = major_minor(chosen.version), major_minor(pip_version)
        severity = "error" if chosen_mm and pip_mm and chosen_mm[0] != pip_mm[0] else "warning"
        yield ctx.finding(
            f"lib{name}{' ' + chosen.version if chosen.version else ''} from {chosen.origin.replace('_', ' ')} "
            f"shadows torch's pip copy" + (f" ({pip_version})" if pip_version else ""),
            severity=severity,
            detail=f"The loader picks {chosen.path} for torch instead of the nvidia-* wheel's library.",
            remedy="Remove CUDA library folders from LD_LIBRARY_PATH when running torch (or deactivate conda).",
            evidence=[f"libraries.resolved.{name}", "container.env.LD_LIBRARY_PATH"])


@rule("CC306", "torchvision-mismatch", "torchvision_mismatch", "packages")
def torchvision_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """torchvision or torchaudio was not built for this torch.

    What it checks:
        Each companion's version series against the one released with this torch (e.g.
        torch 2.4 ↔ torchvision 0.19 ↔ torchaudio 2.4), and their CUDA major (+cu118 vs
        +cu121) against torch's.
    Why it matters:
        Mismatches fail with "operator torchvision::nms does not exist", "Detected that
        PyTorch and torchvision were compiled with different CUDA major versions" or
        undefined symbols at import.
    How to fix:
        Install the companions from the same index as torch, with the matching version
        (the remedy gives the command).
    """
    torch_package = ctx.snapshot.package("torch")
    version = ctx.snapshot.torch.version or (torch_package.version if torch_package else None)
    if not version or ctx.snapshot.packages is None:
        return
    release = ctx.build.release if ctx.snapshot.torch.version else ctx.db.torch_release(version)
    torch_tag = torch_local_tag(version)
    for name, series in (("torchvision", release.torchvision if release else None),
                         ("torchaudio", release.torchaudio if release else None)):
        package = ctx.snapshot.package(name)
        if package is None or not package.version:
            continue
        problems = []
        public = torch_public(package.version) or ""
        if series and major_minor(public) != major_minor(series):
            problems.append(f"{name} {package.version} belongs to another torch release (torch {torch_public(version)} "
                            f"pairs with {name} {series}.x)")
        tag = torch_local_tag(package.version)
        if torch_tag and tag and tag.startswith("cu") and torch_tag.startswith("cu") and tag[:4] != torch_tag[:4]:
            problems.append(f"{name} is built for {tag}, torch for {torch_tag} (different CUDA major)")
        if tag and torch_tag and (tag == "cpu") != (torch_tag == "cpu"):
            problems.append(f"{name} is a {tag} build, torch is {torch_tag}")
        if not problems:
            continue
        url = index_url(ctx.db, torch_tag)
        index = f" --index-url {url}" if url else ""
        wanted = f"=={series}.*" if series else ""
        yield ctx.finding(
            f"{name} {package.version} does not match torch {version}",
            detail="; ".join(problems) + ".",
            remedy=f"pip install '{name}{wanted}'{index}",
            evidence=[f"packages.{name}", "torch.version"])


@rule("CC307", "local-cuda-toolkit-differs", "cuda_toolkit_mismatch_ext", "libraries", severity="warning")
def local_cuda_toolkit_differs(ctx: RuleContext) -> Iterator[Finding]:
    """The local nvcc / CUDA_HOME differs from torch's CUDA (matters only for building extensions).

    What it checks:
        `nvcc --version` (or CUDA_HOME's version.json) against torch.version.cuda.
    Why it matters:
        torch itself does not use the system toolkit — its CUDA libraries come with the
        wheel. Only compiling extensions (torch.utils.cpp_extension, flash-attn,
        DeepSpeed ops) fails: "The detected CUDA version (12.4) mismatches the version
        that was used to compile PyTorch (11.8)". A different minor is tolerated.
    How to fix:
        Only when building extensions: install the toolkit matching torch's CUDA and point
        CUDA_HOME at it, or use a torch built for your toolkit.
    """
    nvcc = ctx.snapshot.libraries.nvcc_version if ctx.snapshot.libraries else None
    torch_cuda = ctx.snapshot.torch.cuda
    have, want = major_minor(nvcc), major_minor(torch_cuda)
    if not have or not want or have == want:
        return
    major_differs = have[0] != want[0]
    yield ctx.finding(
        f"Local nvcc is CUDA {nvcc}; torch was built with CUDA {torch_cuda}",
        severity="warning" if major_differs else "info",
        detail="This only matters when compiling CUDA extensions; torch uses its own CUDA libraries. "
               + ("Extension builds will refuse a different major." if major_differs
                  else "A different minor within the same major is accepted."),
        remedy=f"For extension builds install CUDA {torch_cuda} and set CUDA_HOME to it.",
        evidence=["libraries.nvcc_version", "torch.cuda"])


@rule("CC308", "python-unsupported", "config", "packages", severity="warning")
def python_unsupported(ctx: RuleContext) -> Iterator[Finding]:
    """This Python version is outside the range the torch release supports.

    What it checks:
        The interpreter's version against the release's supported Python range.
    Why it matters:
        Official wheels do not exist for it; `pip install torch==X` fails ("No matching
        distribution") or resolves to an unexpected version, and source builds may break.
    How to fix:
        Use a Python in the supported range (e.g. a new venv), or a torch release that
        supports this Python.
    """
    release = ctx.build.release
    python = ctx.snapshot.platform.python_version
    if release is None or not python or ctx.snapshot.source != "live" and not ctx.snapshot.torch.version:
        return
    from ...compat.judgements import python_ok

    mm = major_minor(python)
    if mm and not python_ok(release, f"{mm[0]}.{mm[1]}"):
        yield ctx.finding(
            f"Python {python} is not supported by torch {release.version} ({release.python})",
            remedy=f"Use Python within {release.python}, or a torch release built for Python {mm[0]}.{mm[1]}.",
            evidence=["platform.python_version", "torch.version"])
