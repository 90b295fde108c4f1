"""``python -m torch.utils.collect_env`` of every era, and issue templates that copy its labels.

Labels changed over the years ("Is debug build: No" → "False", "GPU models and
configuration" inline or on the next lines, "cuDNN version" as a version, a path or a
list of paths). Two of its values are commonly misread: "CUDA runtime version" is the
system ``nvcc`` (not torch's CUDA) and "cuDNN version" lists system libcudnn files (not
the cuDNN torch loads); they are recorded as exactly that.
"""
from __future__ import annotations

import re
from typing import Callable, Dict, Optional, Tuple

from ..document import Document
from ..facts import REPORTED, TOOL, Facts, GpuClaim, TorchClaim
from . import platform_words
from ...observations import Obs
from ...versions import parts
from ...lazy_regex import lazy_compile

_LABEL = lazy_compile(r"^\s*(?:[-*•+]\s*|\d{1,2}[.)]\s*|#+\s*|[^\w\s]{1,3}\s+)?(?P<label>[A-Za-z][\w /().,+'`-]{0,70}?)\s*[:：]\s*"
                    r"(?P<value>.*)$")
_PARENS = lazy_compile(r"\([^)]*\)|`")
_VERSION = lazy_compile(r"\b(?P<v>\d+\.\d+(?:\.\d+)?(?:(?:a|b|rc|\.dev|\.post)\d*)*(?:\+[\w.]+)?)")
_DRIVER = lazy_compile(r"^(?:r|v)?(?P<v>\d{3}(?:\.\d{1,3}){0,2})\b")
_NO_VALUE = ("could not collect", "n/a", "no cuda", "none", "", "-", "unknown", "not available", "na")

Handler = Callable[[Facts, str, int, int, Document, int], None]

# Lower-case labels → (handler name, priority). Exact collect_env labels are a tool's
# output; the other spellings come from issue templates and people.
LABELS: Dict[str, Tuple[str, int]] = {
    "pytorch version": ("torch_version", TOOL),
    "torch version": ("torch_version", REPORTED),
    "pytorch": ("torch_version", REPORTED),
    "torch": ("torch_version", REPORTED),
    "pytorch/torch version": ("torch_version", REPORTED),
    "is debug build": ("debug", TOOL),
    "cuda used to build pytorch": ("build_cuda", TOOL),
    "rocm used to build pytorch": ("build_rocm", TOOL),
    "os": ("os", TOOL),
    "operating system": ("os", REPORTED),
    "os version": ("os", REPORTED),
    "python version": ("python", TOOL),
    "python": ("python", REPORTED),
    "python platform": ("python_platform", TOOL),
    "libc version": ("libc", TOOL),
    "is cuda available": ("cuda_available", TOOL),
    "cuda available": ("cuda_available", REPORTED),
    "torch cuda available": ("cuda_available", REPORTED),
    "cuda is available": ("cuda_available", REPORTED),
    "cuda runtime version": ("nvcc", TOOL),
    "nvcc version": ("nvcc", REPORTED),
    "gpu models and configuration": ("gpus", TOOL),
    "gpu models": ("gpus", REPORTED),
    "gpu model": ("gpus", REPORTED),
    "gpu": ("gpus", REPORTED),
    "gpus": ("gpus", REPORTED),
    "gpu type": ("gpus", REPORTED),
    "graphics card": ("gpus", REPORTED),
    "nvidia driver version": ("driver", TOOL),
    "driver version": ("driver", REPORTED),
    "nvidia driver": ("driver", REPORTED),
    "gpu driver": ("driver", REPORTED),
    "gpu driver version": ("driver", REPORTED),
    "driver": ("driver", REPORTED),
    "cudnn version": ("cudnn", TOOL),
    "cuda version": ("cuda_mention", REPORTED),
    "cuda/cudnn version": ("cuda_mention", REPORTED),
    "cuda": ("cuda_mention", REPORTED),
    "cuda toolkit": ("cuda_mention", REPORTED),
    "how you installed pytorch": ("install_method", REPORTED),
}
ANCHORS = ("pytorch version", "torch version", "pytorch:", "torch:", "debug build", "cuda used to build",
           "rocm used to build", "os:", "operating system", "os version", "python version", "python:",
           "python platform", "libc version", "is cuda available", "cuda available", "cuda is available", "cuda runtime version", "nvcc version",
           "gpu models", "gpu model", "gpu:", "gpus:", "gpu type", "graphics card", "driver version",
           "nvidia driver", "gpu driver", "driver:", "cudnn version", "cuda version", "cuda/cudnn", "cuda:",
           "cuda toolkit", "how you installed")


def label_of(text: str) -> Optional[str]:
    """``"- PyTorch Version (e.g., 1.0)"`` → ``"pytorch version"``."""
    label = _PARENS.sub("", text).lower()
    return re.sub(r"\s+", " ", label).strip(" .")


def parse(document: Document, facts: Facts) -> None:
    """Read every ``Label: value`` line of collect_env or a template (a repeated line once: the first
    value of a label wins)."""
    for index in document.lines_with_any(ANCHORS, distinct=True):
        match = _LABEL.match(document.line(index))
        if not match:
            continue
        key = LABELS.get(label_of(match.group("label")) or "")
        if key is None:
            continue
        handler, priority = key
        value = match.group("value").strip().strip("`*_ ").strip()
        HANDLERS[handler](facts, value, priority, index, document, document.number(index))
        facts.seen("collect_env" if priority == TOOL else "template")


def _absent(value: str) -> bool:
    return value.lower().strip(" .") in _NO_VALUE


def _torch_version(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    match = _VERSION.search(value)
    if match and not _absent(value):
        facts.add_torch(TorchClaim(kind="imported" if priority == TOOL else "reported",
                                   source="collect_env" if priority == TOOL else "template",
                                   version=match.group("v"), line=line))


def _debug(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    lowered = value.lower()
    if lowered in ("true", "yes", "false", "no"):
        facts.set(lambda s: s.torch.debug, lowered in ("true", "yes"), priority)


def _build_cuda(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    """collect_env prints ``torch.version.cuda``: None for a CPU build, which its ``replace_nones`` turns into
    "Could not collect" (every era); a ROCm build prints "N/A" here, torch without a working import too."""
    lowered = value.lower().strip()
    if lowered == "none" or (lowered == "could not collect" and priority == TOOL):
        facts.add_torch(TorchClaim(kind="imported", source="collect_env", cuda="none", line=line))
        return
    match = re.match(r"(\d+\.\d+)", value)
    if match:
        facts.add_torch(TorchClaim(kind="imported", source="collect_env", cuda=match.group(1), line=line))


def _build_rocm(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    match = re.match(r"(\d+\.\d+[\w.-]*)", value)
    if match:
        facts.add_torch(TorchClaim(kind="imported", source="collect_env", hip=match.group(1), line=line))


def _os(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    if _absent(value):
        return
    platform_words.apply(facts, value, priority)
    facts.set(lambda s: s.platform.distro, re.sub(r"\s*\((?:x86_64|aarch64|arm64|amd64|ppc64le)\)\s*$", "", value), priority)


def _python(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    match = re.match(r"(\d\.\d{1,2}(?:\.\d{1,2})?)", value)
    if match:
        facts.set(lambda s: s.platform.python_version, match.group(1), priority)
    if "64-bit" in value or "32-bit" in value:
        facts.set(lambda s: s.platform.python_implementation, "CPython", priority)


def _python_platform(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    platform_words.apply(facts, value, priority)
    match = re.match(r"Linux-(?P<kernel>[\w.+-]+?)-(?P<machine>x86_64|aarch64|ppc64le|s390x)", value)
    if match:
        facts.set(lambda s: s.platform.kernel, match.group("kernel"), priority)


def _libc(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    if not _absent(value):
        facts.set(lambda s: s.platform.libc, value, priority)


def _cuda_available(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    lowered = value.lower()
    if lowered in ("true", "yes", "false", "no"):
        facts.observe(Obs.CUDA_AVAILABLE, document.line(index), line,
                      value="true" if lowered in ("true", "yes") else "false", source="collect_env")


def _nvcc(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    match = re.match(r"(\d+\.\d+(?:\.\d+)?)", value)
    if match:
        facts.set(lambda s: s.libraries.nvcc_version, match.group(1), priority)


def _gpus(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    if _absent(value):
        return
    inline = re.match(r"GPU (\d+):\s*(.+)$", value)
    if inline and _absent(inline.group(2)):
        return
    if inline:
        facts.add_gpu(GpuClaim(name=inline.group(2), index=int(inline.group(1)), priority=priority))
        return
    from .prose import gpu_names

    for name in gpu_names(value, facts):
        facts.add_gpu(GpuClaim(name=name, priority=REPORTED))


def _driver(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    match = _DRIVER.match(value.strip())
    if match:
        facts.set(lambda s: s.nvml.driver_version, match.group("v"), priority)


def _cudnn(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    texts = [value]
    if value.lower().startswith("probably one of") or not value:
        for follow in range(index + 1, min(index + 16, len(document))):
            text = document.line(follow).strip()
            if not text or (":" in text and not re.match(r"^[A-Za-z]:\\|^/", text)):
                break
            texts.append(text)
    best = None
    for text in texts:
        match = re.search(r"libcudnn[\w]*\.so\.(\d+\.\d+\.\d+)", text) or \
            re.match(r"^(\d+\.\d+\.\d+)$", text.strip())
        if match and (best is None or parts(match.group(1)) > parts(best)):
            best = match.group(1)
    if best:
        facts.set(lambda s: s.libraries.system_cudnn_version, best, priority)


def _cuda_mention(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    match = re.search(r"(\d+\.\d+)", value)
    if match:
        facts.observe(Obs.CUDA_MENTIONED, document.line(index), line, version=match.group(1))


def _install_method(facts: Facts, value: str, priority: int, index: int, document: Document, line: int) -> None:
    """A template's "How you installed PyTorch" line: recognised; the install command itself says more."""


HANDLERS: Dict[str, Handler] = {
    "torch_version": _torch_version, "debug": _debug, "build_cuda": _build_cuda, "build_rocm": _build_rocm,
    "os": _os, "python": _python, "python_platform": _python_platform, "libc": _libc,
    "cuda_available": _cuda_available, "nvcc": _nvcc, "gpus": _gpus, "driver": _driver, "cudnn": _cudnn,
    "cuda_mention": _cuda_mention, "install_method": _install_method,
}
