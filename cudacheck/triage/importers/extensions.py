"""Compiled extensions in tracebacks: which extension a failure belongs to, and what it was built for.

- ``…/site-packages/flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol:
  _ZN3c104cuda9SetDeviceEi`` — an extension whose torch symbols the installed torch does not
  export. It becomes the same fact the kernel inventory records for a probed file (a
  :class:`~cudacheck.snapshot.KernelBinary` with its missing torch symbol and, when the
  symbol shows it, its C++ string ABI), so the inventory's rules judge it.
- xFormers' "xFormers was built for: PyTorch 2.4.1+cu124 … (you have 2.5.0+cu124)" and a
  prebuilt wheel's name (``flash_attn-2.5.5+cu118torch2.2cxx11abiTRUE-…whl``) say which torch,
  CUDA and ABI an extension was built for (:data:`Obs.EXTENSION_BUILT_FOR`).
- "no kernel image is available" (or "invalid device function") raised from an extension's
  own frames is that extension's missing kernels, not torch's (:data:`Obs.EXTENSION_KERNEL_ERROR`).

Symbols of torch's C++ interface are mangled from the namespaces ``c10``, ``at``, ``torch``
and ``caffe2`` (``_ZN3c10…``, ``_ZNK2at…``); the stable C interface is ``aoti_torch_*``.
An undefined symbol of another library (``ncclCommRegister``, ``cublasLt…``) is that
library's problem and is read by the message catalogue.
"""
from __future__ import annotations

import re
from typing import Optional

from ...observations import Obs
from ...snapshot import KernelBinary, KernelInventory
from ...versions import cuda_from_digits
from ..document import STATEMENT_CHARS, Document
from ..facts import Facts, TorchClaim
from ...lazy_regex import lazy_compile

# A module or file stem of a compiled extension → the distribution that installs it.
KNOWN_MODULES = {
    "flash_attn_2_cuda": "flash-attn", "flash_attn_cuda": "flash-attn", "flash_attn": "flash-attn",
    "flash_attn_3_cuda": "flash-attn", "flashattn_hopper_cuda": "flash-attn",
    "xformers": "xformers", "vllm": "vllm", "vllm_flash_attn": "vllm", "bitsandbytes": "bitsandbytes",
    "libbitsandbytes_cuda": "bitsandbytes", "amp_c": "apex", "apex_c": "apex", "fused_layer_norm_cuda": "apex",
    "fused_adam_cuda": "apex", "syncbn": "apex", "fused_dense_cuda": "apex", "mlp_cuda": "apex", "apex": "apex",
    "mmcv": "mmcv", "deepspeed": "deepspeed", "selective_scan_cuda": "mamba-ssm", "mamba_ssm": "mamba-ssm",
    "causal_conv1d_cuda": "causal-conv1d", "causal_conv1d": "causal-conv1d", "torch_scatter": "torch-scatter",
    "torch_sparse": "torch-sparse", "torch_cluster": "torch-cluster", "torch_spline_conv": "torch-spline-conv",
    "pyg_lib": "pyg-lib", "detectron2": "detectron2", "auto_gptq": "auto-gptq", "autogptq_cuda": "auto-gptq",
    "exllama_kernels": "auto-gptq", "exllamav2_ext": "exllamav2", "exllamav2": "exllamav2",
    "awq_inference_engine": "autoawq", "awq_ext": "autoawq", "sageattention": "sageattention",
    "spconv": "spconv", "minkowskiengine": "MinkowskiEngine", "pytorch3d": "pytorch3d", "tinycudann": "tinycudann",
    "nvdiffrast": "nvdiffrast", "gsplat": "gsplat", "diff_gaussian_rasterization": "diff-gaussian-rasterization",
    "simple_knn": "simple-knn", "transformer_engine": "transformer-engine", "fbgemm_gpu": "fbgemm-gpu",
    "torchvision": "torchvision", "torchaudio": "torchaudio", "torchtext": "torchtext", "_torch_sox": "torchaudio",
    "libtorchaudio": "torchaudio", "sglang": "sglang", "sgl_kernel": "sgl-kernel", "torchao": "torchao",
    "quant_cuda": "gptq", "natten": "natten", "kaolin": "kaolin", "dgl": "dgl", "open3d": "open3d",
    "onnxruntime": "onnxruntime-gpu",
}
_TORCH_SYMBOL = lazy_compile(r"^_Z(?:T[VIS])?N?K?(?:3c10|2at|5torch|6caffe2)|^aoti_torch_")
_UNDEFINED = lazy_compile(r"(?:(?P<path>[^\s'\"`:(]+\.(?:so|pyd)(?:\.[\d.]+)?)['\"`]?\s*:?\s*)?"
                        r"undefined symbol:?\s*['\"`]?(?P<symbol>[A-Za-z_]\w+)")
_DEMANGLED = lazy_compile(r"(?:c10|at|torch|caffe2)::[\w:<>,.*& ()\[\]-]{1,300}")
_CUDA_SYMBOL = lazy_compile(r"^(?:cuda|cublas|cusparse|cufft|cusolver|curand|cudnn|nvrtc|__nvJitLink|nvJitLink|cu[A-Z])")
_FRAME = lazy_compile(r"^\s*File \"(?P<path>[^\"]+)\", line \d+")
_IMPORT = lazy_compile(r"^\s*(?:[-=]*>\s*\d+\s+|\d+\s+)?(?:from\s+(?P<from>[\w.]+)\s+import|import\s+(?P<import>[\w.]+))")
_BUILT_FOR = lazy_compile(r"(?P<name>xFormers|[\w-]+) was built for:?\s*(?:PyTorch|torch)\s+(?P<torch>\d+\.\d+(?:\.\d+)?"
                        r"(?:\+[\w.]+)?)(?:\s+with CUDA (?P<cuda>\d+))?(?:\s*\(you have (?P<have>[\w.+]+)\))?",
                        re.IGNORECASE)
_WHEEL = lazy_compile(r"(?P<name>[A-Za-z][\w]*?)-(?P<version>\d[\w.]*)\+cu(?P<cuda>\d{2,3})torch(?P<torch>\d+\.\d+)"
                    r"cxx11abi(?P<abi>TRUE|FALSE)", re.IGNORECASE)
_KERNEL_ERRORS = ("no kernel image is available", "invalid device function", "nokernelimagefordevice",
                  "named symbol not found")
_PIP_CONFLICT = lazy_compile(r"(?P<name>[A-Za-z][\w.-]*) (?P<version>\d[\w.+]*) (?:has requirement|requires) "
                           r"torch==(?P<torch>\d[\w.+]*), but you(?:'ll| will)? have torch (?P<have>\d[\w.+]*)",
                           re.IGNORECASE)
_DLL = lazy_compile(r"DLL load failed(?: while importing (?P<module>\w+))?", re.IGNORECASE)
_NO_MODULE = lazy_compile(r"No module named ['\"](?P<module>[\w.]+)['\"]")
_NAME_UNDEFINED = lazy_compile(
    # a package that imports its compiled part inside try/except and later uses the name: "name 'exllamav2_ext' is
    # not defined", "name autogptq_cuda_256 not defined"
    r"\bname\s+['\"`]?(?P<module>[A-Za-z]\w*?(?:_\d+)?_(?:ext|cuda(?:_\d+)?|kernels?|C))['\"`]?\s+(?:is\s+)?not\s+defined")
_CANNOT_IMPORT = lazy_compile(r"cannot import name ['\"](?P<name>\w+)['\"] from ['\"](?P<module>[\w.]+)['\"]")
_OPERATOR = lazy_compile(r"(?:operator|No such operator|Could not run ')\s*(?P<ns>\w+)::(?P<op>\w+)")
_MISSING_LIBRARY = lazy_compile(r"(?P<lib>lib(?:cudart|cublas|cublasLt|cusparse|cufft|curand|cusolver|nvrtc|"
                              r"torch_cuda|c10_cuda|c10|torch_cpu|torch)[\w.-]*?\.so[.\d]*)\s*:\s*cannot open shared object file")
_SPLIT_TORCH_LIBRARY = lazy_compile(r"libtorch_cuda_(?:cu|cpp)\.so$")
"""torch's CUDA library split in two, as torch 1.10–1.12 built it: a compiled package that links to a part is
built for those releases."""
_NO_CUDA_PART = lazy_compile(
    r"(?P<package>xFormers|bitsandbytes|[\w-]+)\s+(?:wasn'?t|was not|is not|isn'?t)\s+buil[dt]\s+with\s+CUDA|"
    r"(?P<package2>bitsandbytes|[\w-]+)\s+was compiled without GPU support|CUDA Setup failed despite GPU being available|"
    r"CUDA extension(?:s)?\s+(?:is\s+|are\s+)?not\s+(?:installed|available|compiled|built)|"
    r"can'?t load C\+\+/CUDA extensions|"
    r"(?:Configured CUDA binary not found|Could not find the (?P<package3>bitsandbytes) CUDA binary)", re.IGNORECASE)
_NO_CUDA_PART_ANCHORS = ("build with cuda", "built with cuda", "compiled without gpu support", "cuda setup failed",
                         "cuda extension", "c++/cuda extensions", "cuda binary")
_EXTENSION_NAMES = r"(?:" + "|".join(sorted({re.escape(n.lower()).replace(r"\-", "[-_ ]?")
                                             for n in KNOWN_MODULES.values() if n != "torch"},
                                            key=len, reverse=True)) + r")"
"""Every compiled extension's distribution name as a writer spells it (flash-attn, flash_attn, flash attn)."""
_FAILS = (r"(?:doesn'?t|does\s+not|won'?t|can'?t|cannot|could\s*n'?t|no\s+longer|stopped|fails?|failed|broke|"
          r"is\s+broken|gives?\s+(?:an?\s+)?error|throws?\s+(?:an?\s+)?error|errors?\s+out)")
_TORCH_CHANGED = (r"\b(?:after|since)\s+(?:i\s+|we\s+)?(?:upgrad|updat|reinstall|install|switch|downgrad|chang)\w*"
                  r"\s+(?:to\s+)?(?:the\s+|my\s+)?(?:py)?torch\b")
_EXTENSION_AFTER_TORCH = lazy_compile(
    # the writer saying an extension stopped loading when torch changed ("after I upgraded torch to 2.5 flash-attn
    # doesn't import anymore", "xformers fails since updating pytorch"): built against the torch it had before
    _TORCH_CHANGED + r"[^\n]{0,80}?\b(?P<a>" + _EXTENSION_NAMES + r")\b[^\n]{0,60}?\b" + _FAILS + r"|"
    r"\b(?P<b>" + _EXTENSION_NAMES + r")\b[^\n]{0,60}?\b" + _FAILS + r"\b[^\n]{0,60}?" + _TORCH_CHANGED,
    re.IGNORECASE)
_SOURCE = lazy_compile(r"[\w./\\-]*[/\\][\w.-]+\.(?:cu|cuh)\b")
_TORCH_SOURCE = lazy_compile(r"aten[/\\]|c10[/\\]|torch[/\\]csrc|THC", re.IGNORECASE)
_OWN_ERROR_CHECK = lazy_compile(r"^\W*(?:error in (?!(?:torch|at|c10|cuda)\b)[a-z_]\w*|cuda kernel failed)\s*:",
                               re.IGNORECASE)
"""The error check an extension's CUDA source prints itself (``printf("Error in %s: %s", name,
cudaGetErrorString(err))``, "CUDA kernel failed : …"); torch reports its errors otherwise."""
UNNAMED = "a compiled extension"
"""The owner of a kernel error raised in an extension's CUDA source that the paste does not name."""
_COMPILED_SUBMODULES = ("_c", "_ext", "_cuda", "_kernels", "c", "ext")


def distribution(path_or_module: str) -> Optional[str]:
    """The distribution a compiled module belongs to: the folder after site-packages, a known module name,
    or the module's own stem (``flash_attn_2_cuda.cpython-310-….so`` → ``flash-attn``)."""
    parts = [p for p in re.split(r"[/\\]", path_or_module) if p]
    for position, part in enumerate(parts):
        if part in ("site-packages", "dist-packages") and position + 1 < len(parts):
            return _known(parts[position + 1])
    for part in reversed(parts[:-1]):  # a package folder named in the path (…/torchvision/image.so)
        if part.lower() in KNOWN_MODULES:
            return KNOWN_MODULES[part.lower()]
    if len(parts) >= 2 and parts[-1].split(".", 1)[0].startswith("_"):
        return _known(parts[-2])  # mmcv/_ext.so, detectron2/_C.so
    return _known(parts[-1]) if parts else None


def _known(name: str) -> str:
    stem = name.split(".", 1)[0]
    lowered = stem.lower()
    if lowered in KNOWN_MODULES:
        return KNOWN_MODULES[lowered]
    base = re.sub(r"(?:_\d+)?(?:_cuda(?:_\d+)?|_c|_ext|_kernels?)$", "", lowered)
    return KNOWN_MODULES.get(base, base.replace("_", "-") or stem)


def is_torch_symbol(symbol: str) -> bool:
    """Whether a symbol belongs to torch's C++ interface (c10/at/torch/caffe2) or its stable C interface."""
    return bool(_TORCH_SYMBOL.match(symbol))


def string_abi(symbol: str) -> Optional[bool]:
    """The C++ string ABI a mangled symbol shows: True for ``std::__cxx11``, False for the old ``std::string``
    (``Ss``), None when it has no string."""
    if "__cxx11" in symbol or "B5cxx11" in symbol:
        return True
    if re.search(r"(?:RK|PK|R|P|E)Ss", symbol) or symbol.endswith("Ss"):
        return False
    return None


def parse(document: Document, facts: Facts) -> None:
    """Undefined torch symbols in extensions, "built for" banners and wheel names, kernel errors in frames."""
    for index in document.lines_with("undefined symbol"):
        _undefined(document, facts, index)
    for index in document.lines_with("was built for"):
        _built_for(document, facts, index)
    for index in document.lines_with("cxx11abi"):
        for match in _WHEEL.finditer(document.line(index)):
            abi = match.group("abi").upper() == "TRUE"
            facts.observe(Obs.EXTENSION_BUILT_FOR, document.line(index), document.number(index),
                          package=_known(match.group("name")), torch=match.group("torch"),
                          cuda=cuda_from_digits(match.group("cuda")), cxx11_abi="yes" if abi else "no", source="wheel")
    for index in document.lines_with_any(_KERNEL_ERRORS):
        owner = _kernel_owner(document, index)
        if owner:
            facts.observe(Obs.EXTENSION_KERNEL_ERROR, document.line(index), document.number(index),
                          package=None if owner == UNNAMED else owner)
    for index in document.lines_with("but you"):
        for match in _PIP_CONFLICT.finditer(document.line(index)):
            package = _known(match.group("name"))
            if _compiled(package):
                facts.observe(Obs.EXTENSION_BUILT_FOR, document.line(index), document.number(index),
                              package=package, torch=match.group("torch"), have=match.group("have"), source="pip")
    _import_failures(document, facts)


def _undefined(document: Document, facts: Facts, index: int) -> None:
    text = document.line(index)
    match = _UNDEFINED.search(text)
    if not match:
        return
    symbol = match.group("symbol")
    demangled = _DEMANGLED.match(text, match.start("symbol")) if text[match.end():match.end() + 2] == "::" else None
    if demangled is not None:
        symbol = demangled.group(0)  # a report that pasted it demangled
    elif not is_torch_symbol(symbol):
        path = match.group("path")
        package = distribution(path) if path else None
        if package and package != "torch" and _compiled(package) and _CUDA_SYMBOL.match(match.group("symbol")):
            # an extension linked against a newer CUDA library than the one that loads: built for another CUDA
            _import_failed(facts, document, index, package, library=match.group("symbol"))
        return
    path = match.group("path")
    package = distribution(path) if path else _imported_before(document, index) or _mentioned_extension(document)
    if package == "torch" or (path and re.search(r"[/\\]torch[/\\]lib[/\\]", path)):
        return  # torch's own libraries disagree with each other: not an extension
    binary = KernelBinary(path=path or "", package=package, torch_abi="stable" if symbol.startswith("aoti_") else "cxx",
                          cxx11_abi=string_abi(symbol), missing_torch_symbols=[symbol],
                          missing_torch_symbols_count=1, notes=[f"from the pasted text, line {document.number(index)}"])
    version = facts.packages.get((package or "").lower())
    if version is not None:
        binary.package_version = version[1].version
    _add_binary(facts, binary)
    facts.seen("traceback")


def _add_binary(facts: Facts, binary: KernelBinary) -> None:
    kernels = facts.snapshot.kernels
    if kernels is None:
        kernels = facts.snapshot.kernels = KernelInventory()
    if not any(b.path == binary.path and b.package == binary.package for b in kernels.binaries):
        kernels.binaries.append(binary)


def _imported_before(document: Document, index: int) -> Optional[str]:
    """The compiled extension a traceback was importing around a line: its last import or frame above it, else
    (a paste that shows the error before the traceback) the frames just below it."""
    for back in list(range(index, max(index - 30, -1), -1)) + list(range(index + 1, min(index + 6, len(document)))):
        text = document.line(back)
        frame = _FRAME.match(text)
        candidate = None
        if frame:
            candidate = distribution(frame.group("path"))
        else:
            imported = _IMPORT.match(text)
            if imported:
                dotted = (imported.group("from") or imported.group("import") or "").split(".")
                candidate = _known(dotted[0])
                if candidate and candidate != "torch" and len(dotted) > 1 and _compiled_module(dotted[-1]):
                    return candidate  # `import pointnet2_ops._ext`: a compiled submodule of any package
        if candidate and candidate != "torch" and _compiled(candidate):
            return candidate
    return None


def _compiled_module(name: str) -> bool:
    """Whether a module name is a compiled submodule by the conventions of torch extensions (``_C``, ``_ext``,
    ``…_cuda``, ``…_kernels``)."""
    inner = name.lower()
    return inner in _COMPILED_SUBMODULES or inner.endswith(("_cuda", "_ext", "_kernels", "_c"))


def _compiled(distribution_name: str) -> bool:
    return distribution_name in set(KNOWN_MODULES.values())


def _kernel_owner(document: Document, index: int) -> Optional[str]:
    """The compiled extension a kernel error comes from: named on the error line, the source file the error
    names (an extension's ``csrc/….cu``, not torch's), or the last frame above it."""
    text = document.line(index)
    if _OWN_ERROR_CHECK.match(text):
        return _mentioned_extension(document) or UNNAMED
    for token in re.findall(r"[\w./\\-]+\.(?:so|pyd)\b", text):
        owner = distribution(token)
        if owner and owner != "torch":
            return owner
    around = " ".join(document.line(i) for i in range(index, min(index + 3, len(document))))
    source = _SOURCE.search(around)
    if source and not _TORCH_SOURCE.search(source.group(0)):
        return _mentioned_extension(document) or UNNAMED
    frames_above = range(index - 1, max(index - 25, -1), -1)
    frames_below = range(index + 1, min(index + 8, len(document)))  # pasted with the error first
    for lines in (frames_above, frames_below):
        for back in lines:
            frame = _FRAME.match(document.line(back))
            if frame:
                owner = distribution(frame.group("path"))
                if owner and owner != "torch" and _compiled(owner):
                    return owner
                if "site-packages" in frame.group("path") or "dist-packages" in frame.group("path"):
                    return None  # the nearest frame belongs to another package (torch, a pure-Python library)
    if not document.lines_with("is not compatible with the current pytorch"):
        return _mentioned_extension(document)  # the one extension the report is about
    return None


def _import_failures(document: Document, facts: Facts) -> None:
    """An extension's compiled module that does not load: a DLL, a compiled submodule, an operator, a CUDA
    library it was linked with, the extension saying it was built without CUDA, its compiled module's name used
    after a failed import ("name 'exllamav2_ext' is not defined"), or the writer saying it stopped loading when torch
    changed."""
    for index in document.lines_with_any(("after ", "since ")):
        if "torch" not in document.lower[index]:
            continue
        match = _EXTENSION_AFTER_TORCH.search(document.line(index)[:STATEMENT_CHARS])
        if match:
            named = _known((match.group("a") or match.group("b")).replace(" ", "_").replace("-", "_"))
            facts.observe(Obs.EXTENSION_IMPORT_FAILED, document.line(index), document.number(index),
                          package=named, source="statement")
            break
    for index in document.lines_with_any(_NO_CUDA_PART_ANCHORS):
        match = _NO_CUDA_PART.search(document.line(index))
        if match:
            named = match.group("package") or match.group("package2") or match.group("package3") or ""
            if named.lower() in ("torch", "pytorch"):
                continue  # torch itself without CUDA: a CPU build
            package = _known(named) if named and _compiled(_known(named)) else _mentioned_extension(document)
            if package:
                _import_failed(facts, document, index, package)
    for index in document.lines_with("dll load failed"):
        match = _DLL.search(document.line(index))
        module = match.group("module") if match else None
        if module and not module.startswith("_"):
            package = _known(module)
            package = package if _compiled(package) else None
        else:  # a private compiled submodule (_C, _qattn_sm80): the package whose import failed
            package = _imported_before(document, index) if module else None
        if package and package != "torch":
            _import_failed(facts, document, index, package)
    for index in document.lines_with_any(("no module named", "cannot import name")):
        text = document.line(index)
        match = _NO_MODULE.search(text) or _CANNOT_IMPORT.search(text)
        if not match:
            continue
        module = match.group("module")
        parts = module.split(".")
        name = match.groupdict().get("name")
        inner = (name or parts[-1]).lower()
        top = _known(parts[0])
        compiled_inner = inner in _COMPILED_SUBMODULES or inner.endswith(("_cuda", "_ext", "_kernels", "_c"))
        if top != "torch" and _compiled(top) and compiled_inner and (len(parts) > 1 or name or inner != top):
            _import_failed(facts, document, index, top)
    for index in document.lines_with("not defined"):
        match = _NAME_UNDEFINED.search(document.line(index))
        if match and _known(match.group("module")) != "torch":
            _import_failed(facts, document, index, _known(match.group("module")))
    for index in document.lines_with_any(("operator", "could not run '")):
        match = _OPERATOR.search(document.line(index))
        if match and match.group("ns") not in ("torchvision", "torchaudio", "aten", "prim", "prims"):
            package = _known(match.group("ns"))
            if _compiled(package):
                _import_failed(facts, document, index, package)
    for index in document.lines_with("cannot open shared object file"):
        match = _MISSING_LIBRARY.search(document.line(index))
        if not match:
            continue
        package = _imported_before(document, index)
        if package is None and _SPLIT_TORCH_LIBRARY.match(match.group("lib")) and \
                "error while loading shared libraries" not in document.lower[index]:
            # a library only torch 1.10–1.12 had, no traceback: the package the report names (a companion, when
            # only it is named)
            package = _mentioned_extension(document) or next(
                (c for c in ("torchvision", "torchaudio") if _mentions(document, c)), None)
        if package and package != "torch":
            _import_failed(facts, document, index, package, library=match.group("lib"))


def _import_failed(facts: Facts, document: Document, index: int, package: str, library: Optional[str] = None) -> None:
    facts.observe(Obs.EXTENSION_IMPORT_FAILED, document.line(index), document.number(index), package=package,
                  library=library)
    facts.seen("traceback")


def _mentioned_extension(document: Document) -> Optional[str]:
    """The one compiled extension (other than torch's companions) the paste names, or None."""
    mentioned = [name for name in sorted(set(KNOWN_MODULES.values()))
                 if name not in ("torchvision", "torchaudio", "torchtext") and _mentions(document, name)]
    return mentioned[0] if len(mentioned) == 1 else None


_ABSENT = lazy_compile(r"\bnot\s+(?:available|installed)\b|^info:\w+:")
"""A line that names a package only to say it is not there ("xFormers not available", the logger prefix of
"INFO:xformers:A matching Triton is not available"): nothing of it ran."""


def _mentions(document: Document, name: str) -> bool:
    """Whether the paste names a distribution (``bitsandbytes``, ``flash-attn`` or ``flash_attn``) as a word,
    other than to say it is not there."""
    for spelling in {name.lower(), name.lower().replace("-", "_")}:
        for index in document.lines_with(spelling):
            lowered = document.lower[index]
            if re.search(r"(?<![\w-])" + re.escape(spelling) + r"(?![\w-])", lowered) and not _ABSENT.search(lowered):
                return True
    return False


def _built_for(document: Document, facts: Facts, index: int) -> None:
    text = " ".join(document.line(i).strip() for i in range(index, min(index + 3, len(document))))
    match = _BUILT_FOR.search(text)
    if not match:
        return
    package = _known(match.group("name"))
    cuda = match.group("cuda")
    facts.observe(Obs.EXTENSION_BUILT_FOR, text, document.number(index), package=package,
                  torch=match.group("torch"), cuda=f"{cuda[:-2]}.{int(cuda[-2:])}" if cuda and len(cuda) >= 3 else None,
                  have=match.group("have"), source="message")
    for claimed in range(index, min(index + 3, len(document))):
        facts.claimed.add(claimed)
    if match.group("have"):
        facts.add_torch(TorchClaim(kind="imported", source=f"{package}'s check", version=match.group("have"),
                                   line=document.number(index)))
    facts.seen("error")
