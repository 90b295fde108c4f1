"""Environment variables written almost like the ones CUDA, the NVIDIA container runtime, torch and the loader read
(``CUDA_VISIBLE=0``, ``CUDA_VISIBLE_DEVICE=1``, ``LD_LIBARY_PATH``): nothing reads the misspelt name, so the
setting silently does nothing. Each is kept as :data:`Obs.ENV_NAME_MISSPELT` with the name it was meant to be.

Only assignments count (``NAME=value`` at a command's start, after ``export``/``set``/``-e``/``ENV``, PowerShell's
``$env:NAME``, ``os.environ["NAME"]``), and only names close to a few variables people set by hand: a name that is
a real variable of its own (``PYTORCH_ALLOC_CONF``, ``CUDA_PATH``) is never one of them.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from ...lazy_regex import lazy_compile
from ...observations import Obs
from ..document import Document
from ..facts import Facts

MEANT = ("CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "CUDA_LAUNCH_BLOCKING",
         "PYTORCH_CUDA_ALLOC_CONF", "NVIDIA_DRIVER_CAPABILITIES", "TORCH_CUDA_ARCH_LIST", "LD_LIBRARY_PATH")
"""The variables people set by hand to steer CUDA, the container runtime, the allocator, builds and the loader.
(NCCL's are left out: it has too many real variables a letter or two apart.)"""

REAL = frozenset(MEANT) | {
    "CUDA_PATH", "CUDA_HOME", "CUDA_ROOT", "CUDA_TOOLKIT_ROOT_DIR", "CUDA_CACHE_PATH", "CUDA_CACHE_MAXSIZE",
    "CUDA_CACHE_DISABLE", "CUDA_MODULE_LOADING", "CUDA_DEVICE_MAX_CONNECTIONS", "CUDA_MPS_PIPE_DIRECTORY",
    "CUDA_MPS_LOG_DIRECTORY", "CUDA_MPS_ACTIVE_THREAD_PERCENTAGE", "CUDA_AUTO_BOOST", "CUDA_FORCE_PTX_JIT",
    "CUDA_DISABLE_PTX_JIT", "CUDA_VERSION", "CUDA_ARCH_LIST", "NVIDIA_REQUIRE_CUDA", "NVIDIA_DISABLE_REQUIRE",
    "NVIDIA_MIG_CONFIG_DEVICES", "NVIDIA_MIG_MONITOR_DEVICES", "NVIDIA_DRIVER_VERSION", "PYTORCH_ALLOC_CONF",
    "PYTORCH_HIP_ALLOC_CONF", "PYTORCH_NO_CUDA_MEMORY_CACHING", "PYTORCH_NVML_BASED_CUDA_CHECK",
    "TORCH_NCCL_BLOCKING_WAIT", "TORCH_NCCL_ASYNC_ERROR_HANDLING", "HIP_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES",
    "LD_PRELOAD", "LD_RUN_PATH", "DYLD_LIBRARY_PATH", "LIBRARY_PATH"}
"""Names that are real variables of their own, never a misspelling of one in :data:`MEANT`."""

_ANCHORS = ("cuda_", "nvidia_", "ld_lib")
"""Every name of :data:`MEANT` holds one (TORCH_CUDA_ARCH_LIST and PYTORCH_CUDA_ALLOC_CONF hold ``cuda_``), and so does
any misspelling of it that keeps that part: each anchor is one scan of the paste."""
_ASSIGNED = lazy_compile(
    # NAME=…, export/set/ENV NAME=…, -e NAME=…, PowerShell's $env:NAME = …, os.environ["NAME"] = … (not -DNAME=…)
    # (the name's left edge is checked in code: a lookbehind in front would cost the scan its first-letter skip)
    r"(?P<name>(?:CUDA|NVIDIA|PYTORCH|TORCH|LD)_[A-Z][A-Z_]*)(?:['\"]\s*\])?\s*=(?!=)")


@lru_cache(maxsize=1024)
def meant(name: str) -> Optional[str]:
    """The variable of :data:`MEANT` a name is a misspelling of (one or two letters off, or a truncation of at
    least ten characters: ``CUDA_VISIBLE`` for CUDA_VISIBLE_DEVICES); None for a real name or an unrelated one."""
    if name in REAL:
        return None
    for wanted in MEANT:
        if len(name) >= 10 and wanted.startswith(name):
            return wanted
        if abs(len(wanted) - len(name)) <= 2 and _distance(name, wanted, 2) <= 2:
            return wanted
    return None


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of two short names, stopping once it exceeds ``limit``."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def parse(document: Document, facts: Facts) -> None:
    """Assignments of misspelt CUDA, NVIDIA, torch and loader variables."""
    for index in document.lines_with_any(_ANCHORS, distinct=True):
        text = document.line(index)
        if "=" not in text:
            continue
        for match in _ASSIGNED.finditer(text):
            if match.start() and (text[match.start() - 1].isalnum() or text[match.start() - 1] == "_"):
                continue  # inside a longer name or a compiler flag (-DTORCH_EXTENSION_NAME=…)
            name = match.group("name")
            wanted = meant(name)
            if wanted is not None:
                facts.observe(Obs.ENV_NAME_MISSPELT, text, document.number(index), name=name, meant=wanted)
                return
