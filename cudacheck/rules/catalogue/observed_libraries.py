"""Observed library errors: cuDNN missing or of another version, NCCL mismatched, conflicting
library paths (CC808–CC811)."""
from __future__ import annotations

import re
from typing import Iterator, Optional, Tuple

from ...observations import Obs
from ...report import Finding
from ...snapshot import Observation
from ...versions import major_minor
from ..context import RuleContext
from ..observations import (LIKELY, POSSIBLE, all_of, carried_on_without_cuda, container_without_gpu_runtime, evidence,
                            first_of, gpu_situation, ld_entries, library_of_another_torch, optional_image_extension,
                            platform_system, preloaded, quote, system32_cuda_dll, system_library_folder,
                            wsl_libcuda_shadowed)
from ..registry import rule


@rule("CC808", "observed-cudnn-missing", "cudnn_missing", "libraries", symptom=True)
def observed_cudnn_missing(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows that a cuDNN library cannot be loaded.

    What it checks:
        "libcudnn.so.9: cannot open shared object file", "Could not load library
        libcudnn_ops_infer.so.8", "Could not locate cudnn_ops64_9.dll", "Unable to load
        any of {libcudnn_cnn.so.9.1.0, …}"; cuDNN's "GET was unable to find an engine to
        execute this computation" without an out-of-memory error is a possible warning (a
        sub-library that does not load, or too little free memory). Where the paste gives the
        machine's cuDNN ("CUDNN: 8.9.1", or an nvidia-cudnn-cu* wheel in a package
        list) and the missing library names another major
        (cudnn64_7.dll), the program was built for another cuDNN: category
        `cudnn_version_mismatch`.
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
    missing = first_of(ctx, Obs.CUDNN_CANNOT_LOAD)
    if missing is None:
        missing = next((o for o in all_of(ctx, Obs.CUDNN_SYMBOL) if _first_symbol(o)), None)
    if missing is None:
        engine = first_of(ctx, Obs.CUDNN_NO_ENGINE)
        if engine is not None and first_of(ctx, Obs.CUDA_OOM) is None:
            yield ctx.finding(
                "cuDNN found no engine for this operation: a cuDNN sub-library that does not load, or too little "
                "GPU memory", severity="warning", certainty=POSSIBLE,
                detail=f"{quote(engine)}. cuDNN loads its engines from sub-libraries (cudnn_ops, cudnn_cnn, …) only "
                       "when first used; one that is missing (Windows: a cudnn_*64_8.dll not on PATH) or from another "
                       "cuDNN version (another cuDNN on LD_LIBRARY_PATH) leaves no engine. With every library in "
                       "place, the cause is too little free GPU memory for any algorithm.",
                remedy="Look for \"Could not load library cudnn_…\" / \"Could not locate cudnn_…\" above the error and "
                       "for cuDNN folders on LD_LIBRARY_PATH / PATH; `python -c \"import torch; "
                       "print(torch.backends.cudnn.version())\"` must print the version torch pins. If they are "
                       "fine, retry with a smaller batch.",
                evidence=evidence(engine))
        return
    if any("undefined symbol" in o.text.lower() for o in (missing, *all_of(ctx, Obs.CUDNN_SYMBOL))):
        return  # a cuDNN that loads but lacks symbols is another version: CC809 (CC811 from a system folder)
    if system32_cuda_dll(ctx) is not None:
        return  # a cuDNN DLL of another version in System32 stands in for torch's: CC811
    dependency = re.search(r"Error:\s*(lib(?!cudnn)[\w.-]+?\.so[.\d]*):\s*cannot open", missing.text)
    library = (missing.values.get("lib") or missing.values.get("lib2") or missing.values.get("lib3")
               or "libcudnn").rstrip(".")
    if dependency is not None:
        yield ctx.finding(
            f"cuDNN cannot be loaded: it needs {dependency.group(1)}, which the loader does not find",
            certainty=LIKELY,
            detail=f"{quote(missing)}. The cuDNN library is there; a library it links is not on the loader path "
                   "(under WSL libcuda lives in /usr/lib/wsl/lib; libnvrtc comes with the CUDA runtime wheels).",
            remedy=f"Make {dependency.group(1)} findable: install the package that provides it (the NVIDIA driver for "
                   "libcuda, `nvidia-cuda-nvrtc-cu12` for libnvrtc) or add its folder to LD_LIBRARY_PATH "
                   "(WSL: `export LD_LIBRARY_PATH=/usr/lib/wsl/lib:$LD_LIBRARY_PATH`).",
            evidence=evidence(missing))
        return
    major = re.search(r"(?:\.so\.|64_)(\d+)", library)
    cudnn_major = major.group(1) if major else None
    present = ctx.snapshot.libraries.system_cudnn_version if ctx.snapshot.libraries else None
    wheel_cudnn = next((p for p in (ctx.snapshot.package(f"nvidia-cudnn-cu{m}") for m in (13, 12, 11))
                        if p is not None and p.version), None)
    present = present or (wheel_cudnn.version if wheel_cudnn is not None else None)  # the wheel torch brought
    if cudnn_major and present and present.split(".")[0] != cudnn_major:
        # the library asks for another cuDNN major than the machine has: no copy of the right one is installed
        yield ctx.finding(
            f"The program needs cuDNN {cudnn_major} ({library}), but the machine has cuDNN {present}",
            category="cudnn_version_mismatch", certainty=LIKELY,
            detail=f"{quote(missing)}. cuDNN's libraries carry their major version in their name, and a program built "
                   f"for cuDNN {cudnn_major} loads only those; cuDNN {present} does not stand in for them.",
            remedy=f"Install the build of the program made for cuDNN {present.split('.')[0]} (its CUDA/cuDNN variant: "
                   f"the package index names them, e.g. a `post` or `cuXYZ` build), or install cuDNN {cudnn_major} "
                   "next to the current one and put its folder on the library path.",
            evidence=evidence(missing) + ["libraries.system_cudnn_version"])
        return
    frame = first_of(ctx, Obs.TORCH_IMPORT_FRAME)
    torch_import = frame is not None
    split = frame is not None and "/lib64/python" in frame.text
    cuda_major = (major_minor(ctx.snapshot.torch.cuda) or (12, 0))[0]
    wheel = f"nvidia-cudnn-cu{cuda_major}" + (f"=={cudnn_major}.*" if cudnn_major else "")
    export = ("export LD_LIBRARY_PATH=$(python -c 'import os, nvidia.cudnn, nvidia.cublas; "
              "print(os.path.dirname(nvidia.cudnn.__file__) + \"/lib:\" + os.path.dirname(nvidia.cublas.__file__) "
              "+ \"/lib\")'):$LD_LIBRARY_PATH")
    windows = platform_system(ctx) == "windows" or library.endswith(".dll")
    yield ctx.finding(
        f"cuDNN{' ' + cudnn_major if cudnn_major else ''} cannot be loaded ({library})",
        certainty=LIKELY,
        detail=f"{quote(missing)}. " + (("The error comes from `import torch`, and torch lives in a lib64/ "
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
        evidence=evidence(missing))


def _first_symbol(observation: Observation) -> bool:
    """"Cannot load symbol cudnnGetVersion": the very first call into cuDNN failed, so the library never loaded."""
    return observation.values.get("symbol") in ("cudnnGetVersion", "cudnnCreate", "cudnnGetErrorString")


def _older_cudnn(observation: Observation) -> bool:
    """A framework's "Found cuDNN version X, but … was built against version Y" (cuDNN, not another library)."""
    return observation.values.get("lib", "").lower() == "cudnn"


def _cudnn_sublibraries_mixed(ctx: RuleContext) -> Optional[Observation]:
    """cuDNN's CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH: its sub-libraries were loaded from another install than its
    core, a loader-path fact (not a torch built for another cuDNN), unless torch's own version check also failed."""
    mixed = [o for o in all_of(ctx, Obs.CUDNN_INCOMPATIBLE) if "sublibrary" in o.text.lower()]
    if not mixed or any(_cudnn_versions(o)[0] for o in all_of(ctx, Obs.CUDNN_INCOMPATIBLE, Obs.CUDNN_RUNTIME_OLDER)):
        return None
    return mixed[0]


@rule("CC809", "observed-cudnn-version-mismatch", "cudnn_version_mismatch", "libraries", symptom=True)
def observed_cudnn_version_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows a cuDNN other than the one the framework was built against.

    What it checks:
        torch's "cuDNN version incompatibility: PyTorch was compiled against (8, 3, 2) but
        linked against (8, 0, 3)" (or "found runtime version"), TensorFlow/JAX's "Loaded
        runtime CuDNN library: X but source was compiled with: Y" (JAX: "Found cuDNN
        version X, but JAX was built against version Y"; "Outdated cuDNN installation found …
        Minimum supported: 9100 Installed version: 8907", cuDNN's integer versions), and undefined
        cudnn* symbols (possible).
    Why it matters:
        torch refuses a cuDNN whose major differs or whose minor is lower than its build's;
        convolutions fail. The other copy almost always comes from LD_LIBRARY_PATH (which
        beats the wheel's RUNPATH) or a conda environment.
    How to fix:
        Remove the cuDNN folder from LD_LIBRARY_PATH (or deactivate the conda env that
        provides it), or install the cuDNN version torch expects.
    """
    if _cudnn_sublibraries_mixed(ctx) is not None:
        return  # one cuDNN's parts found in two folders: a loader-path problem, CC811
    signal = first_of(ctx, Obs.CUDNN_INCOMPATIBLE, Obs.CUDNN_RUNTIME_OLDER) or \
        next((o for o in all_of(ctx, Obs.LIBRARY_OLDER_THAN_BUILD) if _older_cudnn(o)), None)
    symbol = next((o for o in all_of(ctx, Obs.CUDNN_SYMBOL) if not _first_symbol(o)
                   and system_library_folder(o) is None), None)  # loaded from a system folder: CC811
    if signal is None and symbol is None:
        return
    culprits = ld_entries(ctx, "cudnn", "cuda")
    path_note = (f" LD_LIBRARY_PATH puts {', '.join(culprits[:3])} first; it wins over the wheel's RUNPATH."
                 if culprits else "")
    if signal is not None:
        built, loaded = _cudnn_versions(signal)
        framework = "the framework" if signal.signature == Obs.CUDNN_RUNTIME_OLDER else "torch"  # TF/JAX/Paddle's
        yield ctx.finding(
            f"cuDNN {loaded or '?'} is loaded, but {framework} "
            + (f"needs cuDNN ≥ {built}" if signal.values.get("minimum") else
               f"was built with cuDNN {built or '?'}"),
            certainty=LIKELY,
            detail=f"{quote(signal)}.{path_note}",
            remedy=(f"Remove {culprits[0]} from LD_LIBRARY_PATH for this job" if culprits else
                    "Remove other cuDNN folders from LD_LIBRARY_PATH (or deactivate the conda env providing one)")
                   + f", or install cuDNN {built or 'of the version torch was built with'}.",
            evidence=evidence(signal) + (["container.env.LD_LIBRARY_PATH"] if culprits else []))
    elif symbol is not None:
        yield ctx.finding(
            f"A cuDNN symbol is missing ({symbol.values.get('symbol')}): another cuDNN version was loaded",
            certainty=POSSIBLE, detail=f"{quote(symbol)}.{path_note}",
            remedy="Remove other cuDNN folders from LD_LIBRARY_PATH and reinstall torch so its nvidia-cudnn wheel "
                   "matches.",
            evidence=evidence(symbol))


def _cudnn_versions(observation: Observation) -> Tuple[str, str]:
    """(the cuDNN a framework was built with or needs at least, the cuDNN loaded), dotted; "" where not given.

    The messages name them differently: torch and TensorFlow "built"/"loaded", JAX "minimum"/"installed", Paddle
    "built2"/"loaded2"."""
    values = observation.values
    return (_dotted_cudnn(values.get("built") or values.get("built2") or values.get("minimum")),
            _dotted_cudnn(values.get("loaded") or values.get("loaded2") or values.get("installed")))


def _dotted_cudnn(value: Optional[str]) -> str:
    """A cuDNN version as messages print it, dotted: torch's "(8, 9, 2)", TensorFlow's "8.1.0", or the integer JAX
    and cudnnGetVersion() give (8907 = 8.9.7, 90100 = 9.1.0 from cuDNN 9.0 on is major*10000)."""
    text = (value or "").replace(" ", "").replace(",", ".").strip("()")
    if not text.isdigit():
        return text
    number = int(text)
    if number >= 10000:  # cuDNN 9: major * 10000 + minor * 100 + patch
        return f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    return f"{number // 1000}.{number // 100 % 10}.{number % 100}"  # cuDNN ≤ 8: major * 1000 + minor * 100 + patch


@rule("CC810", "observed-nccl-mismatch", "nccl_mismatch", "libraries", symptom=True)
def observed_nccl_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows an NCCL library that does not fit torch.

    What it checks:
        "undefined symbol: ncclCommRegister" (any nccl* symbol, also quoted, and the
        linker's "undefined reference to `ncclGroupStart'"), NCCL rejecting torch's
        communicator config ("Invalid config blocking attribute value -2147483648": an
        older libnccl), vLLM's "Failed to load NCCL library from libnccl.so.2", NCCL's own "Mismatched NCCL
        version detected : rank 0 version 21903 rank 1 version 22105", "libnccl.so.2:
        cannot open shared object file", and (possible) an NCCL error while a pasted
        LD_LIBRARY_PATH puts an NCCL folder first or LD_PRELOAD loads a libnccl, or the NCCL a process runs (NCCL's
        banner, torch's NCCL error, `torch.cuda.nccl.version()`, "the output is nccl
        2.4.8") differing from the one the report builds with or installs, or NCCL's banner
        naming another CUDA major than torch's build ("NCCL version 2.18.1+cuda12.1" under a
        cu118 torch). (Two nvidia-nccl-cuNN wheels in a pasted package list are facts: CC304.)
    Why it matters:
        `import torch` or distributed start-up fails: an older libnccl (another wheel, a
        system copy on LD_LIBRARY_PATH) lacks symbols torch calls.
    How to fix:
        Remove the extra NCCL (`pip uninstall` the nvidia-nccl wheel of the other CUDA
        major, drop NCCL folders from LD_LIBRARY_PATH and libnccl from LD_PRELOAD), then reinstall torch so its pinned
        nvidia-nccl wheel is the only one.
    """
    symbol = first_of(ctx, Obs.NCCL_SYMBOL, Obs.NCCL_CONFIG_REJECTED)
    missing = first_of(ctx, Obs.NCCL_LIBRARY_MISSING, Obs.NCCL_LOAD_FAILED)
    peers = first_of(ctx, Obs.NCCL_VERSION_MISMATCH)
    culprits = ld_entries(ctx, "nccl")
    preload = preloaded(ctx, "nccl")
    failed = first_of(ctx, Obs.NCCL_ERROR) if culprits or preload else None  # an NCCL failure, another NCCL first
    versions = first_of(ctx, Obs.NCCL_VERSIONS_DIFFER) or _nccl_for_another_cuda(ctx)
    lead = symbol or peers or missing or failed or versions
    if lead is None:
        return
    wheels = [p for p in ctx.snapshot.packages or [] if re.match(r"nvidia-nccl-cu\d+", p.name)]
    detail = f"{quote(lead)}."
    if wheels:
        detail += " Installed: " + ", ".join(f"{p.name} {p.version}" for p in wheels) + "."
    if culprits:
        detail += f" LD_LIBRARY_PATH has {', '.join(culprits[:3])}."
    if preload:
        detail += f" LD_PRELOAD loads {', '.join(preload[:3])} ahead of every other library, torch's own NCCL too."
    if lead is versions:
        detail += (" torch links its own NCCL (statically in old releases, the nvidia-nccl wheel in new ones), and a "
                   "libnccl earlier on the loader path wins over a later one; a program or extension built against "
                   "another NCCL then runs on the one loaded first.")
    if peers is not None and symbol is None:
        detail += (" The processes of one job loaded different NCCL releases (another wheel, a system libnccl on "
                   "LD_LIBRARY_PATH, or nodes with different images); NCCL refuses to connect them.")
    yield ctx.finding(
        "The loaded NCCL is older than the one torch was built with (it rejects torch's communicator config)"
        if symbol is not None and symbol.signature == Obs.NCCL_CONFIG_REJECTED else
        f"The loaded NCCL does not fit torch ({symbol.values.get('symbol')} missing)" if symbol
        else "The ranks run different NCCL versions" if peers is not None else "libnccl cannot be loaded"
        if missing is not None else "NCCL fails while LD_PRELOAD loads another NCCL ahead of torch's"
        if failed is not None and preload else "NCCL fails while LD_LIBRARY_PATH puts another NCCL ahead of torch's"
        if failed is not None else
        f"NCCL {lead.values.get('nccl')} built for CUDA {lead.values.get('cuda')} runs under a torch built for CUDA "
        f"{ctx.snapshot.torch.cuda}" if lead.signature == Obs.NCCL_BANNER else
        f"NCCL {lead.values.get('loaded')} runs, not the NCCL {lead.values.get('other')} the report builds with or "
        "installs",
        certainty=LIKELY if symbol or peers else POSSIBLE, detail=detail,
        severity="warning" if lead is versions else "error",
        remedy="pip list | grep nccl — uninstall every nvidia-nccl-cu* wheel that does not match torch's CUDA major "
               "(e.g. `pip uninstall -y nvidia-nccl-cu12` next to a cu13 torch), drop NCCL folders from "
               "LD_LIBRARY_PATH, then `pip install --force-reinstall torch` from the index it came from.",
        evidence=evidence(lead) + (["packages"] if wheels else []))


def _nccl_for_another_cuda(ctx: RuleContext) -> Optional[Observation]:
    """NCCL's banner naming another CUDA major than torch's build: the NCCL that runs is not the one torch brings
    (torch links or pins an NCCL of its own CUDA major). None when either CUDA is not known."""
    banner = first_of(ctx, Obs.NCCL_BANNER)
    torch_cuda = major_minor(ctx.snapshot.torch.cuda)
    built = major_minor(banner.values.get("cuda")) if banner is not None else None
    if banner is None or torch_cuda is None or built is None or built[0] == torch_cuda[0]:
        return None
    return banner


@rule("CC811", "observed-library-path-conflict", "lib_path_conflict", "libraries", symptom=True)
def observed_library_path_conflict(ctx: RuleContext) -> Iterator[Finding]:
    """The pasted output shows CUDA libraries of another version taking precedence.

    What it checks:
        Undefined cuBLAS/cuSPARSE/nvJitLink/cudart symbols ("undefined symbol:
        cublasLtGetStatusString", "__nvJitLinkAddData_12_1, version libnvJitLink.so.12"),
        Windows' "The procedure entry point … could not be located in the dynamic link
        library cublas64_12.dll" (any language), JAX's "Found cuSPARSE version X, but JAX
        was built against version Y", the toolkit's stub libcuda loaded instead of the
        driver's (CUDA error 34), missing CUDA runtime libraries ("libcudart.so.11.0:
        cannot open shared object file", `ldd`'s "libcublas.so.12 => not found", a CUDA
        provider DLL's "LoadLibrary failed with error 126"), and a pasted LD_LIBRARY_PATH with CUDA/cuDNN folders next to another
        library failure (also cuBLAS failing to initialise or rejecting a call), a report
        saying that clearing LD_LIBRARY_PATH fixes it, or that CUDA libraries (DLLs) are
        loaded from a toolkit or conda folder instead of the bundled ones (also `ldd` of a
        library of torch's pip wheel resolving a CUDA library outside the wheels), or that the
        error comes and goes with a CUDA folder on PATH, Windows' "[WinError 127] The
        specified procedure could not be found" for a CUDA DLL, a cuDNN or CUDA library
        with missing symbols loaded from a system folder (/usr/local/cuda/lib64), a CUDA or
        cuDNN DLL in Windows' System32 folder, and
        (possible) cuBLAS rejecting an ordinary GEMM with CUBLAS_STATUS_INVALID_VALUE, XLA's
        "cudaGetErrorString symbol not found". CUDA error 34 "CUDA driver is a stub
        library" except in a container known to run without the NVIDIA runtime (CC804);
        cuDNN's CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH (its engines found in another
        folder than its core), a C++ libtorch folder on LD_LIBRARY_PATH next to an
        undefined torch symbol, and WSL where nvidia-smi sees the GPU but CUDA finds no
        device (error 100): a libcuda other than /usr/lib/wsl/lib's answers. A CUDA library
        missing only in a library's probe warning (TensorFlow's `dso_loader`), with nothing
        failing for want of CUDA and no GPU meant, is a possible warning.
    Why it matters:
        torch's pip wheels bring their own CUDA libraries; a system CUDA or conda folder on
        LD_LIBRARY_PATH wins over them and mixes versions, so symbols are missing.
    How to fix:
        Remove CUDA folders from LD_LIBRARY_PATH for torch jobs (keep the system toolkit
        for nvcc only), or reinstall torch so its nvidia-* wheels match.
    """
    stub = first_of(ctx, Obs.CUDA_STUB_LIBRARY)
    situation = gpu_situation(ctx)
    if stub is not None and (situation is None or situation.kind not in ("container", "kubernetes") or
                             not container_without_gpu_runtime(ctx, situation.kind)):
        # error 34 means the stub is on the loader path; only a container known to lack the NVIDIA runtime (no
        # driver library put in to find first) is CC804's
        yield ctx.finding(
            "CUDA error 34: the CUDA toolkit's stub libcuda was loaded instead of the driver's",
            certainty=LIKELY,
            detail=f"{quote(stub)}. The toolkit's `lib64/stubs/libcuda.so` exists only to link against; a loader path "
                   "that reaches it before the driver's libcuda (LD_LIBRARY_PATH, an ld.so.conf entry, a copy in the "
                   "program's folder) makes every CUDA call fail.",
            remedy="Remove the `stubs` folder from LD_LIBRARY_PATH and /etc/ld.so.conf.d (then `sudo ldconfig`); "
                   "`ldconfig -p | grep libcuda.so.1` must name the driver's library.",
            evidence=evidence(stub) + (["container.env.LD_LIBRARY_PATH"] if ld_entries(ctx, "stubs") else []))
        return
    shadowed = wsl_libcuda_shadowed(ctx)
    if shadowed is not None:
        seen = first_of(ctx, Obs.SMI_WORKS_STATED)
        yield ctx.finding(
            "WSL passes the GPU through, but the libcuda that answers is not WSL's",
            certainty=LIKELY,
            detail=f"{quote(shadowed)}, while nvidia-smi inside WSL sees the GPU"
                   + (f" ({quote(seen)})" if seen else "") + ". In WSL2 the driver's libcuda lives in /usr/lib/wsl/lib; "
                   "a Linux NVIDIA driver or a toolkit's libcuda installed inside WSL is found first and finds no "
                   "device.",
            remedy="Remove any Linux NVIDIA driver from WSL (`sudo apt remove --purge 'nvidia-driver-*' "
                   "'libnvidia-compute-*'`; install the `cuda-toolkit-X-Y` package, not `cuda` or `cuda-drivers`), "
                   "or put WSL's folder first: `export LD_LIBRARY_PATH=/usr/lib/wsl/lib:$LD_LIBRARY_PATH`; "
                   "`ldconfig -p | grep libcuda` must name /usr/lib/wsl/lib.",
            evidence=evidence(shadowed, seen) + (["nvml.status"] if ctx.snapshot.nvml.status == "ok" else []))
        return
    extension_lines = {o.line for o in all_of(ctx, Obs.EXTENSION_IMPORT_FAILED)}
    symbol = next((o for o in all_of(ctx, Obs.CUDA_LIBRARY_SYMBOL) if o.line not in extension_lines), None) or \
        next((o for o in all_of(ctx, Obs.CUDNN_SYMBOL) if system_library_folder(o)), None) or \
        first_of(ctx, Obs.WINDOWS_ENTRY_POINT) or \
        next((o for o in all_of(ctx, Obs.LIBRARY_OLDER_THAN_BUILD) if not _older_cudnn(o)), None)
    missing = next((o for o in all_of(ctx, Obs.CUDA_LIBRARY_MISSING, Obs.LDD_NOT_FOUND, Obs.PROVIDER_DLL_FAILED)
                    if o.line not in extension_lines), None)  # an extension's
    # own missing library is CC825's; one that no build of the named torch asks for belongs to an older torch (CC815)
    if library_of_another_torch(ctx) is not None:
        missing = None
    culprits = ld_entries(ctx, "cuda", "cudnn", "cublas", "nvidia")
    wsl = first_of(ctx, Obs.WSL)
    libcuda = first_of(ctx, Obs.LIBCUDA_MISSING)
    if wsl is not None and libcuda is not None and symbol is None:
        yield ctx.finding(
            "WSL: libcuda.so is not on the loader path (it lives in /usr/lib/wsl/lib)",
            certainty=LIKELY,
            detail=f"{quote(libcuda)}. Under WSL2 the Windows driver provides libcuda.so in /usr/lib/wsl/lib; a "
                   "Linux driver or CUDA package installed inside WSL, or a missing ldconfig entry, hides it.",
            remedy="export LD_LIBRARY_PATH=/usr/lib/wsl/lib:$LD_LIBRARY_PATH (and do not install a Linux NVIDIA "
                   "driver inside WSL; `sudo ldconfig` to refresh).",
            evidence=evidence(libcuda, wsl))
        return
    if missing is not None and symbol is None and first_of(ctx, Obs.JETSON) is not None:
        return  # on a Jetson a missing CUDA library means a wheel for another JetPack release: CC824
    lead = symbol if symbol is not None else missing
    if lead is missing and missing is not None and carried_on_without_cuda(ctx, missing):
        yield ctx.finding(
            f"A CUDA library is not found, and the program carried on without CUDA "
            f"({missing.values.get('lib') or missing.values.get('lib2') or 'a CUDA library'})",
            severity="warning", certainty=POSSIBLE,
            detail=f"{quote(missing)}. The line is a warning a library printed while probing for a GPU (TensorFlow "
                   "does so on every machine without one, and says to ignore it there), and nothing in the paste "
                   "fails for want of CUDA: a problem for this report only if the machine should use an NVIDIA GPU.",
            remedy="If it should: install the CUDA libraries the framework's GPU build names (its `[and-cuda]` extra "
                   "or the matching CUDA toolkit), or check LD_LIBRARY_PATH. If not, nothing to fix.",
            evidence=evidence(missing))
        return
    if lead is not None:
        values = lead.values
        what = (values.get("symbol") or values.get("symbol2") or values.get("symbol3") or values.get("lib")
                or values.get("lib2") or values.get("dll")) if symbol is not None else \
            (values.get("lib") or values.get("lib2") or values.get("lib3") or values.get("lib4") or values.get("dll"))
        folder = system_library_folder(lead)
        yield ctx.finding(
            f"A CUDA library of another version is loaded ({what or 'undefined symbol'})" if symbol else
            f"A CUDA runtime library cannot be loaded ({what})",
            certainty=LIKELY if symbol else POSSIBLE,
            detail=f"{quote(lead)}." + (f" The failing library comes from {folder}, not from torch's own wheels."
                                        if folder else "")
                   + (f" LD_LIBRARY_PATH puts {', '.join(culprits[:3])} first." if culprits else
                                        " Usually a CUDA folder on LD_LIBRARY_PATH (or a conda env) shadows the "
                                        "libraries of torch's nvidia-* wheels, or a package was built for another "
                                        "CUDA major."),
            remedy="Remove CUDA folders from LD_LIBRARY_PATH (`unset LD_LIBRARY_PATH` to test), then reinstall torch "
                   "from the index matching your CUDA major so its nvidia-* wheels are consistent.",
            evidence=evidence(lead) + (["container.env.LD_LIBRARY_PATH"] if culprits else []))
        return
    libtorch = first_of(ctx, Obs.LIBTORCH_ON_LOADER_PATH)
    failed = first_of(ctx, Obs.EXTENSION_IMPORT_FAILED, Obs.CUDA_LIBRARY_SYMBOL) or \
        next((o for o in all_of(ctx, Obs.TORCH_LIBRARY_MISSING) if not optional_image_extension(o)), None)
    kernels = ctx.snapshot.kernels
    unresolved = next((b for b in (kernels.binaries if kernels else []) if b.missing_torch_symbols_count), None)
    if libtorch is not None and (failed is not None or unresolved is not None):
        if failed is not None:
            then = quote(failed)
        else:
            assert unresolved is not None
            then = f"{unresolved.path or 'an extension'} misses “{(unresolved.missing_torch_symbols or ['?'])[0]}”"
        yield ctx.finding(
            "A standalone libtorch on LD_LIBRARY_PATH shadows the Python torch's own libraries",
            certainty=LIKELY,
            detail=f"{quote(libtorch)}; then {then}. libtorch ships libc10.so, libtorch_cpu.so and "
                   "libtorch_cuda.so under the same names as the Python torch; the loader takes the LD_LIBRARY_PATH "
                   "copy first, so torch and its extensions run against another release's symbols.",
            remedy="Keep the libtorch folder off LD_LIBRARY_PATH for Python: set it only for the C++ program "
                   "(`LD_LIBRARY_PATH=/path/to/libtorch/lib ./app`), or link the program with an rpath to it.",
            evidence=evidence(libtorch, failed) + (["kernels.binaries.missing_torch_symbols"] if failed is None else [])
            + (["container.env.LD_LIBRARY_PATH"] if culprits else []))
        return
    mixed = _cudnn_sublibraries_mixed(ctx)
    if mixed is not None:
        yield ctx.finding(
            "cuDNN's sub-libraries come from two installations (CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH)",
            certainty=LIKELY,
            detail=f"{quote(mixed)}. cuDNN 9 loads its engines (libcudnn_ops, libcudnn_cnn, libcudnn_engines_*) at run "
                   "time by name; this status means they were found in another folder than libcudnn itself — a "
                   "system or image cuDNN next to the one the program or torch's nvidia-cudnn wheel brings."
                   + (f" LD_LIBRARY_PATH puts {', '.join(culprits[:3])} first." if culprits else ""),
            remedy="Keep one cuDNN on the loader path: take the system cuDNN's folder off LD_LIBRARY_PATH (or remove "
                   "the system libcudnn package), or make it the same version as the bundled one; `ldconfig -p | grep "
                   "libcudnn` lists what the loader finds.",
            evidence=evidence(mixed) + (["container.env.LD_LIBRARY_PATH"] if culprits else []))
        return
    loading = first_of(ctx, Obs.CUDNN_INCOMPATIBLE, Obs.CUDNN_RUNTIME_OLDER, Obs.CUDNN_SYMBOL, Obs.NCCL_SYMBOL,
                       Obs.CUDNN_CANNOT_LOAD, Obs.CUBLAS_STATUS)
    fixed = first_of(ctx, Obs.LIBRARY_PATH_FIX_STATED)
    shadowing = first_of(ctx, Obs.LIBRARY_SHADOWING_STATED)
    system32 = system32_cuda_dll(ctx)
    if fixed is None and system32 is not None:
        yield ctx.finding(
            "A CUDA DLL in Windows' System32 folder is loaded instead of the bundled one", severity="warning",
            certainty=LIKELY,
            detail=f"{quote(system32)}. System32 is on every program's DLL search path, ahead of PATH: a CUDA or "
                   "cuDNN DLL of another version copied there (by hand or by an old installer) can be loaded in place "
                   "of the one torch brings in torch\\lib (Windows reuses a DLL of that name once any module loaded "
                   "it).",
            remedy="Remove (or rename) the CUDA and cuDNN DLLs from C:\\Windows\\System32 and SysWOW64 "
                   "(`dir C:\\Windows\\System32\\cu*.dll`); torch's wheels bring their own.",
            evidence=evidence(system32))
        return
    if fixed is None and shadowing is not None:
        yield ctx.finding(
            "CUDA libraries from another folder are used instead of the bundled ones", severity="warning",
            certainty=LIKELY,
            detail=f"{quote(shadowing)}." + (f" LD_LIBRARY_PATH: {', '.join(culprits[:4])}." if culprits else "")
                   + " A CUDA toolkit or conda folder on LD_LIBRARY_PATH (PATH on Windows) is searched before the "
                   "libraries torch and its wheels bring, so another version of them is loaded.",
            remedy="Take the CUDA toolkit's folders off LD_LIBRARY_PATH (Windows: PATH and CUDA_PATH) for the program "
                   "(`unset LD_LIBRARY_PATH` to test), or put the framework's own library folder first; keep the "
                   "system toolkit only for builds that need nvcc.",
            evidence=evidence(shadowing) + (["container.env.LD_LIBRARY_PATH"] if culprits else []))
        return
    if fixed is not None:
        yield ctx.finding(
            "Libraries on LD_LIBRARY_PATH take precedence over torch's own", severity="warning", certainty=LIKELY,
            detail=f"{quote(fixed)}." + (f" LD_LIBRARY_PATH: {', '.join(culprits[:4])}." if culprits else "")
                   + " The loader prefers LD_LIBRARY_PATH over the RUNPATH of torch's libraries.",
            remedy="Keep CUDA folders off LD_LIBRARY_PATH when running torch (set it only for builds that need the "
                   "system toolkit), or make the system CUDA match torch's.",
            evidence=evidence(fixed) + (["container.env.LD_LIBRARY_PATH"] if culprits else []))
        return
    rejected = next((o for o in all_of(ctx, Obs.CUBLAS_STATUS) if o.values.get("status") == "INVALID_VALUE"), None)
    if rejected is not None and not culprits:
        yield ctx.finding(
            "cuBLAS rejects a standard call: probably a cuBLAS of another CUDA version is loaded",
            severity="warning", certainty=POSSIBLE,
            detail=f"{quote(rejected)}. CUBLAS_STATUS_INVALID_VALUE from an ordinary GEMM usually means torch runs "
                   "against a cuBLAS other than the one it was built with (a CUDA folder on LD_LIBRARY_PATH, an "
                   "nvidia-cublas wheel of another release, a torch build for another CUDA than the machine's).",
            remedy="`unset LD_LIBRARY_PATH` and retry; `pip list | grep nvidia-cublas` must show the version torch "
                   "pins; otherwise reinstall torch from the index matching your CUDA.",
            evidence=evidence(rejected))
        return
    if loading is not None and culprits:
        yield ctx.finding(
            "LD_LIBRARY_PATH puts other CUDA libraries ahead of torch's",
            severity="warning", certainty=LIKELY,
            detail=f"LD_LIBRARY_PATH: {', '.join(culprits[:4])}. The loader prefers these folders over the RUNPATH "
                   f"of torch's libraries; see {quote(loading)}.",
            remedy="Drop those folders from LD_LIBRARY_PATH when running torch (keep them only for nvcc builds).",
            evidence=["container.env.LD_LIBRARY_PATH"] + evidence(loading))
