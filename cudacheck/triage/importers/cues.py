"""Weak cues: a part of the GPU stack named on a line that reports a failure.

When no message of the catalogue is recognised, the part a report names where it says
something failed ("NCCL fails on the second node", "the cuDNN from conda is wrong",
"xformers broke after the update") is still the best lead to the cause. Each cue is kept
as a :data:`Obs.COMPONENT_FAILURE` observation with the component it names; which
diagnosis a component suggests, and whether a cue that weak may be reported at all, is the
rules' judgement (CC827).

Every component needs its literal keyword on the line (the document's index), so the cost
stays linear in the input.
"""
from __future__ import annotations

import re
from typing import Dict, Tuple

from ...observations import Obs
from ..document import Document, settled
from ..facts import Facts
from .extensions import KNOWN_MODULES
from ...lazy_regex import lazy_compile, lower_compile

COMPONENTS: Tuple[Tuple[str, Tuple[str, ...], str], ...] = (
    ("fabric_manager", ("fabric manager", "fabricmanager", "fabric-manager", "nvswitch"),
     r"fabric[ _-]?manager|nvswitch"),
    ("forward_compat", ("forward compat", "forward-compat", "cuda-compat"),
     r"forward[ -]compat\w*|cuda-compat"),
    ("nccl", ("nccl",), r"\bnccl\w*"),
    ("cudnn", ("cudnn",), r"\b(?:lib)?cudnn\w*"),
    ("cuda_library", ("cublas", "cusparse", "cufft", "cusolver", "curand", "nvjitlink", "libcudart", "cudart64",
                      "ld_library_path"),
     r"\b(?:lib)?(?:cublas|cusparse|cufft|cusolver|curand|nvjitlink)\w*|libcudart|cudart64|LD_LIBRARY_PATH"),
    ("shared_memory", ("/dev/shm", "shared memory", "shm-size", "shm_size"), r"/dev/shm|shared memory|shm[-_]size"),
    ("companion", ("torchvision", "torchaudio"), r"\btorch(?:vision|audio)\b"),
    ("extension", tuple(sorted({name.replace("_", "-") for name in KNOWN_MODULES.values()} |
                               {name.replace("-", "_") for name in KNOWN_MODULES.values()}
                               - {"torchvision", "torchaudio", "torchtext"})),
     r"(?<![\w-])(?:" + "|".join(sorted({re.escape(n) for v in KNOWN_MODULES.values()
                                         if v not in ("torchvision", "torchaudio", "torchtext")
                                         for n in (v, v.replace("-", "_"))}, key=len, reverse=True)) + r")(?![\w-])"),
    ("capability", ("bf16", "bfloat16", "fp8", "tf32", "compute capability"),
     r"\b(?:bf16|bfloat16|fp8|tf32)\b|compute capability"),
    ("container_gpu", ("--gpus", "nvidia-container-toolkit", "nvidia-docker", "container toolkit", "nvidia runtime",
                       "runtime=nvidia", "nvidia.com/gpu", "device plugin", "device-plugin", "runtime: nvidia",
                       "docker compose", "docker-compose", "compose version"),
     r"--gpus\b|nvidia-container-toolkit|nvidia-docker|container toolkit|nvidia runtime|runtime=nvidia|"
     r"nvidia\.com/gpu|device[ -]plugin|runtime:\s*nvidia|compose version|"
     # Compose only where the line is about its GPU handling or its version, not any failing service
     r"(?:gpu|nvidia|cuda|device|reservation|version)[^\n]{0,60}docker[ -]compose|"
     r"docker[ -]compose[^\n]{0,60}(?:gpu|nvidia|cuda|device|reservation|version)"),
    ("toolkit", ("nvcc", "cuda_home", "cpp_extension", "building wheel", "build extension", "version mismatch"),
     r"\bnvcc\b|CUDA_HOME|cpp_extension|building wheel|build extension|"
     # "errors building submodules … indicated a CUDA version mismatch"
     r"\bbuild\w*\b[^\n]{0,200}?\bcuda\s+versions?\s+mismatch|\bcuda\s+versions?\s+mismatch\w*\b[^\n]{0,200}?\bbuild"),
    ("gpu_hardware", ("xid", "ecc", "nvlink", "overheat"), r"\bxid\b|\becc\b|\bnvlink\b|overheat\w*"),
    ("driver_version", ("driver",), r"\bdriver\b[^\n]{0,40}\b(?:too old|older|outdated|old|update|upgrade|newer)\b|"
                                    r"\b(?:old|older|outdated)\s+(?:nvidia\s+)?driver\b"),
    ("kernel_module", ("kernel module", "modprobe", "nouveau", "dkms"), r"kernel module|modprobe|nouveau|dkms"),
)
_FAILURE = lower_compile(
    # One word boundary in front of the alternatives (not one per alternative): a search then tries them only where
    # a word starts, five times faster on the long lines of build logs; searched in the lower-cased line (no case
    # folding: three times faster again).
    r"\b(?:error\b|fail\w*|cannot\b|can'?t\b|could\s?n[o']t\b|unable\b|not\s+(?:found|work\w*|supported|available|"
    r"loaded|running|installed|detected|compatible)|no such\b|missing\b|undefined\b|invalid\b|does\s?n[o']t\s+work|"
    r"broke\w*|crash\w*|wrong\b|conflict\w*|problem\b|issue\b|segfault|hangs?\b|hanging\b|stuck\b|freez\w*|"
    r"time[sd]? ?out\b|timeout\b|too old\b|outdated\b)|mismatch\w*|incompatib\w*")
_NOT_A_FAILURE = lazy_compile(
    r"^\W*(?:\d[\d:.\- ]*\s*)?(?:\[?\s*(?:WARNING|WARN|INFO|DEBUG|NOTE|W\d{4}|I\d{4})\b|Warning\b|\|\s*WARNING\b)|"
    r"\bjust a warning\b|Unable to register \w+ factory|\bNCCL INFO\b|Failed to load image Python extension|"
    r"^\W*[\w.-]+\s+(?:is\s+)?not\s+(?:available|installed)\W*$|"  # a notice: "xFormers not available"
    r"\bis not installed correctly\. If you want to use\b|"  # diffusers' notice of an optional accelerator
    r":\s*Could not collect\s*$",  # collect_env's placeholder for a value it did not find (pip's cuDNN, no nvcc)
    re.IGNORECASE)
"""Warnings and notices (an optional accelerator not installed, TensorFlow registering its plugins twice, NCCL's
INFO lines such as "NET/Plugin: No plugin found", torchvision.io's image extension) are not failures."""
_PATTERNS = tuple((name, anchors, lazy_compile(pattern, re.IGNORECASE)) for name, anchors, pattern in COMPONENTS)

_DRIVER_TOO_OLD_SAID = lazy_compile(
    # the driver said to be older than what is needed; the sentence itself states the failure: "bump the nvidia driver
    # for CUDA 12.1 support", "we have software that requires a newer version", "470 means the highest cuda we can use
    # is 11.4", "the node driver only supports CUDA 11.4", "any chance we can get the driver version bumped?"
    r"\b(?:bump|upgrade|update|raise)\w*\s+(?:the\s+|our\s+|your\s+|its\s+)?(?:(?:nvidia|gpu|node|host)\s+)*driver\b"
    r"[^\n]{0,40}?\b(?:for|to\s+(?:support|get|use|run|enable))\s+cuda\b|"
    r"\bdriver(?:\s+version)?\s+(?:\w+\s+){0,3}bumped\b|"
    r"\bdriver\b[^\n]{0,120}?\b(?:requires?|needs?)\s+(?:a\s+)?(?:newer|more\s+recent|later|higher)\s+"
    r"(?:nvidia\s+)?(?:driver|version)\b|"
    r"\b(?:requires?|needs?)\s+(?:a\s+)?(?:newer|more\s+recent|later|higher)\s+(?:nvidia\s+)?driver\b|"
    r"\bdriver\b[^\n]{0,80}?\b(?:highest|max(?:imum)?|newest|latest)\s+cuda\b[^\n]{0,30}?\b(?:we|i|you|one)\s+can\s+"
    r"(?:use|run|get)\b|"
    r"\bdriver\b[^\n]{0,60}?\bonly\s+supports?\s+(?:up\s+to\s+)?cuda\s*\d|"
    # other languages: 驱动太旧 / 需要更新驱动, ドライバが古い, драйвер устарел, el controlador es demasiado antiguo
    r"(?:显卡)?驱动(?:版本)?[^\n]{0,8}?(?:太旧|过旧|太老|过低|太低|不支持)|(?:需要|请|要)(?:更新|升级)[^\n]{0,6}驱动|"
    r"ドライバ(?:ー)?[^\n]{0,8}?(?:古い|古すぎ)|драйвер\w*[^\n]{0,20}?(?:устарел|слишком\s+стар)|"
    r"(?:driver|controlador)\w*[^\n]{0,30}?(?:demasiado\s+(?:antiguo|viejo)|desactualizado|muito\s+antigo|"
    r"desatualizado)", re.IGNORECASE)
_NO_REBOOT_SAID = lazy_compile(
    # a driver updated while the old kernel module stays loaded: "after the driver upgrade to 550 (without a reboot)",
    # "I updated the nvidia driver but haven't rebooted yet"
    r"\b(?:driver|nvidia)\b[^\n]{0,60}?\b(?:upgrad|updat|install|reinstall)\w*\b[^\n]{0,60}?\b(?:without|before)\s+"
    r"(?:a\s+|any\s+)?reboot|\b(?:upgrad|updat|install|reinstall)\w*\s+(?:the\s+|my\s+|our\s+)?(?:nvidia\s+)?driver\b"
    r"[^\n]{0,60}?\b(?:(?:without|before)\s+(?:a\s+|any\s+)?reboot|not\s+(?:yet\s+)?reboot|(?:didn'?t|did\s+not|haven'?t|have\s+not|hasn'?t|has\s+not)\s+"
    r"(?:yet\s+)?(?:been\s+)?reboot)", re.IGNORECASE)
_REQUIREMENT_SKIPPED = lazy_compile(
    # the container's requirement check skipped as the fix: "setting NVIDIA_DISABLE_REQUIRE=1 makes the container start"
    r"NVIDIA_DISABLE_REQUIRE\s*=\s*['\"]?(?:1|true|t)\b[^\n]{0,80}?\b(?:fix\w*|solv\w*|resolv\w*|works?|worked|start\w*|"
    r"helps?|helped|runs?|around)\b|\b(?:fix\w*|solv\w*|resolv\w*|works?|worked|workaround)\b[^\n]{0,60}?"
    r"NVIDIA_DISABLE_REQUIRE", re.IGNORECASE)
_DRIVER_TOO_OLD_ANCHORS = ("bump", "upgrad", "updat", "raise", "newer", "more recent", "later", "higher", "highest",
                           "max", "newest", "latest", "only support", "太旧", "过旧", "太老", "过低", "太低", "不支持",
                           "更新", "升级", "古い", "古すぎ", "устарел", "слишком", "demasiado", "desactualizado",
                           "muito antigo", "desatualizado")
_DRIVER_WORDS = ("driver", "驱动", "ドライバ", "драйвер", "controlador")


def parse(document: Document, facts: Facts) -> None:
    """One observation per component named on a line that reports a failure (the first such line)."""
    failing: Dict[int, bool] = {}  # a line is judged a failure once, whichever components it names
    for name, anchors, pattern in _PATTERNS:
        for index in document.lines_with_any(anchors, distinct=True):
            text = document.line(index)
            verdict = failing.get(index)
            if verdict is None:
                verdict = failing[index] = (bool(_FAILURE.search(document.lower[index]))
                                              and not _NOT_A_FAILURE.search(text))
            found = pattern.search(text) if verdict else None
            if found and not settled(text[found.end():]):
                facts.observe(Obs.COMPONENT_FAILURE, text, document.number(index), component=name)
                break
    _driver_said_too_old(document, facts)


def _driver_said_too_old(document: Document, facts: Facts) -> None:
    """A sentence saying the driver must be newer, or was updated without a reboot, is a failure by itself (no error
    word needed)."""
    for index in document.lines_with("nvidia_disable_require", distinct=True):
        if _REQUIREMENT_SKIPPED.search(document.line(index)):
            facts.observe(Obs.COMPONENT_FAILURE, document.line(index), document.number(index),
                          component="container_requirement")
            break
    for index in document.lines_with("reboot", distinct=True):
        if _NO_REBOOT_SAID.search(document.line(index)):
            facts.observe(Obs.COMPONENT_FAILURE, document.line(index), document.number(index),
                          component="driver_update_no_reboot")
            break
    if any(o.signature == Obs.COMPONENT_FAILURE and o.values.get("component") == "driver_version"
           for o in facts.observations):
        return
    for index in document.lines_with_any(_DRIVER_WORDS, distinct=True):
        text = document.line(index)
        lowered = text.lower()
        if any(anchor in lowered for anchor in _DRIVER_TOO_OLD_ANCHORS) and _DRIVER_TOO_OLD_SAID.search(text):
            facts.observe(Obs.COMPONENT_FAILURE, text, document.number(index), component="driver_version")
            return
