"""Python packages: ``pip list``, ``pip freeze``, ``pip show``, ``conda list``, collect_env's
``[pip3]``/``[conda]`` lines and pip's "Successfully installed" / "Requirement already
satisfied" lines. Only GPU-relevant distributions are kept (torch and its companions,
``nvidia-*`` CUDA wheels, conda's ``pytorch-cuda``/``cudatoolkit``/``cpuonly``, …).
"""
from __future__ import annotations

import re
from typing import Optional
from urllib.parse import unquote

from ..document import Document
from ..facts import REPORTED, TOOL, Facts, TorchClaim
from ...observations import Obs
from ...names import package_key
from ...versions import cuda_from_digits
from ...lazy_regex import lazy_compile

WATCHED = {"torch", "pytorch", "torchvision", "torchaudio", "torchtext", "triton", "pytorch-triton", "xformers",
           "flash-attn", "flash_attn", "deepspeed", "vllm", "jax", "jaxlib", "tensorflow", "tensorflow-gpu", "cupy",
           "onnxruntime-gpu", "apex", "bitsandbytes", "pytorch-cuda", "cudatoolkit", "cuda-toolkit", "cpuonly",
           "cudnn", "nccl", "cuda-version", "cuda-runtime", "cuda-cudart", "ctranslate2", "faster-whisper",
           "torch-scatter", "torch-sparse", "torch-geometric", "mmcv", "mmcv-full", "detectron2",
           "pytorch-lightning", "lightning", "transformers", "accelerate"}
ANCHORS = ("torch", "nvidia-", "nvidia_", "triton", "xformers", "flash", "deepspeed", "vllm", "jax", "tensorflow",
           "cupy", "onnxruntime", "apex", "bitsandbytes", "cudatoolkit", "cuda-toolkit", "cpuonly", "cudnn", "nccl",
           "cuda-version", "cuda-runtime", "cuda-cudart", "ctranslate2", "whisper", "mmcv", "detectron2",
           "lightning", "transformers", "accelerate", "successfully installed", "requirement already satisfied")

_VERSION = r"(?P<version>\d[A-Za-z0-9_.!+-]*)"  # ASCII: a sentence in Japanese may run on ("2.0.1です")
_NAME = r"(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]*)"
_BRACKET = lazy_compile(r"^\[(?P<tool>pip3?|conda)\]\s+" + _NAME + r"\s*(?:==\s*" + _VERSION +
                      r"|\s+(?P<version2>\d[\w.!+-]*)(?:\s+(?P<build>\S+))?(?:\s+(?P<channel>\S+))?)\s*$")
_FREEZE = lazy_compile(r"^" + _NAME + r"\s*===?\s*" + _VERSION + r"\s*$")
_FREEZE_URL = lazy_compile(r"^" + _NAME + r"\s+@\s+(?P<url>\S+)\s*$")
_COLUMNS = lazy_compile(r"^" + _NAME + r"\s+" + _VERSION + r"(?:\s+(?P<third>\S+))?(?:\s+(?P<fourth>\S+))?\s*$")
_SHOW = lazy_compile(r"^(?P<key>Name|Version|Location|Requires)\s*:\s*(?P<value>.*)$")
_INSTALLED = lazy_compile(r"Successfully installed (?P<list>.+)$", re.IGNORECASE)
_SATISFIED = lazy_compile(r"Requirement already satisfied:\s*" + _NAME + r"(?:[=<>!~]=?[\w.+]+)?(?:\[[^\]]*\])?"
                        r"\s+in\s+(?P<location>\S+)(?:\s+\((?P<version>[\w.+!-]+)\))?", re.IGNORECASE)
_WHEEL = lazy_compile(r"/(?P<name>[A-Za-z0-9_.]+)-(?P<version>\d[\w.!+]*)-(?:cp|py)\d")
_TORCH_WHEEL = lazy_compile(r"(?<![\w.-])torch-(?P<version>\d+\.\d+\.\d+(?:[a-z]+\d*)?)(?:(?:%2B|\+)(?P<tag>[\w.]+))?-cp\d+-"
                          r"(?:cp|abi)\d*[mtu]?-(?P<platform>win_amd64|win32|macosx[\w.]*|(?:many|musl)linux[\w.]*?_"
                          r"(?:x86_64|aarch64)|linux_(?:x86_64|aarch64))\.whl")


def watched(name: str) -> bool:
    """Whether a distribution matters for GPU diagnosis."""
    key = package_key(name)
    return key in WATCHED or key.startswith(("nvidia-", "cupy-", "torch-", "pytorch-")) or key == "torch"


def parse(document: Document, facts: Facts) -> None:
    """Every recognisable package line, and torch wheels pip downloaded or installed."""
    _torch_wheels(document, facts)
    show_name: Optional[str] = None
    show_version: Optional[str] = None
    show_line = 0
    show_lines = document.lines_with_any(("name:", "version:", "location:"))  # pip show: every one (a sequence)
    for index in sorted(set(document.lines_with_any(ANCHORS, distinct=True)).union(show_lines)):
        text = document.line(index).strip()
        line = document.number(index)
        if not text:
            continue
        lowered = text.lower()
        show = _SHOW.match(text)
        if show:
            key, value = show.group("key"), show.group("value").strip()
            if key == "Name":
                show_name, show_version, show_line = value, None, index
            elif key == "Version" and show_name and index - show_line <= 2:
                show_version = value
                _package(facts, show_name, show_version, "pip show", line, TOOL)
            elif key == "Location" and show_name and show_version and index - show_line <= 6:
                if show_name.lower() == "torch":
                    facts.add_torch(TorchClaim(kind="installed", source="pip show", version=show_version,
                                               location=value, line=line))
            elif key == "Requires" and show_name and show_name.lower() == "torch" and "nvidia-" in value.lower():
                facts.pypi_cuda_wheel = True
            continue
        if "successfully installed" in lowered:
            _successfully_installed(facts, text, line)
            continue
        if "requirement already satisfied" in lowered:
            match = _SATISFIED.search(text)
            if match and match.group("version"):
                _package(facts, match.group("name"), match.group("version"), "pip", line, REPORTED,
                         location=match.group("location"))
            continue
        match = _BRACKET.match(text)
        if match:
            version = match.group("version") or match.group("version2")
            _package(facts, match.group("name"), version, f"[{match.group('tool')}]", line, TOOL,
                     build=match.group("build"), channel=match.group("channel"))
            facts.seen("collect_env")
            continue
        match = _FREEZE.match(text)
        if match:
            _package(facts, match.group("name"), match.group("version"), "pip freeze", line, TOOL)
            continue
        match = _FREEZE_URL.match(text)
        if match:
            wheel = _WHEEL.search(unquote(match.group("url")))
            if wheel:
                _package(facts, match.group("name"), wheel.group("version"), "pip freeze", line, TOOL)
            continue
        match = _COLUMNS.match(text)
        if match and watched(match.group("name")):
            third, fourth = match.group("third"), match.group("fourth")
            is_conda = bool(third) and not third.startswith(("/", "~")) and not re.match(r"^[A-Za-z]:\\", third)
            _package(facts, match.group("name"), match.group("version"), "conda list" if is_conda else "pip list",
                     line, TOOL if third or fourth or _looks_like_table(document, index) else REPORTED,
                     build=third if is_conda else None, channel=fourth if is_conda else None,
                     location=third if third and not is_conda else None)


def _torch_wheels(document: Document, facts: Facts) -> None:
    """``torch-2.3.0-cp311-cp311-win_amd64.whl`` in a pip log: PyPI's Windows and macOS torch wheels are CPU builds;
    a ``+cu121`` (``%2Bcu121``) tag names the CUDA build."""
    for index in document.lines_with(".whl"):
        match = _TORCH_WHEEL.search(document.line(index))
        if not match:
            continue
        tag, platform = match.group("tag"), match.group("platform")
        version = match.group("version") + (f"+{tag}" if tag else "")
        cuda = None if tag else "none" if platform.startswith(("win", "macosx")) else None
        facts.add_torch(TorchClaim(kind="installed", source="pip wheel", version=version, cuda=cuda,
                                   line=document.number(index)))
        facts.seen("pip_log")
        return


def _looks_like_table(document: Document, index: int) -> bool:
    """A two-column line among other two-column lines (a pip list) rather than a sentence."""
    neighbours = [document.line(i).strip() for i in (index - 1, index + 1)]
    return any(re.match(r"^[A-Za-z0-9][\w.-]*\s{2,}\d[\w.+!-]*\s*$", n) for n in neighbours) or \
        bool(re.match(r"^[A-Za-z0-9][\w.-]*\s{2,}\d", document.line(index).strip()))


def _successfully_installed(facts: Facts, text: str, line: int) -> None:
    match = _INSTALLED.search(text)
    if not match:
        return
    for token in match.group("list").split():
        parts = re.match(r"^(?P<name>[A-Za-z0-9_.-]+?)-(?P<version>\d(?:[\w.!+]*[\w+])?)$", token)
        if parts:
            _package(facts, parts.group("name"), parts.group("version"), "pip install", line, REPORTED)


def _package(facts: Facts, name: str, version: Optional[str], source: str, line: int, priority: int,
             build: Optional[str] = None, channel: Optional[str] = None, location: Optional[str] = None) -> None:
    if not version or not watched(name):
        return
    key = package_key(name)
    if key == "pytorch":
        key = "torch"
    facts.add_package(key, version, priority, location=location)
    facts.seen("packages")  # a package the checks read: the paste is no longer "nothing recognised"
    if key == "cpuonly":
        facts.observe(Obs.CONDA_CPUONLY, f"{name} {version}", line)
    if key == "torch" and channel and source in ("conda list", "[conda]"):
        facts.conda_torch_channels.add("pip" if channel.lower() == "pypi" else "conda")
    if key == "torch":
        cuda = _conda_build_cuda(build) if build else None
        facts.add_torch(TorchClaim(kind="installed", source=source, version=version, cuda=cuda, location=location,
                                   line=line))
    pinned_cuda = re.match(r"\d+\.\d+", version) if key == "pytorch-cuda" else None
    if pinned_cuda:
        facts.add_torch(TorchClaim(kind="installed", source=source, cuda=pinned_cuda.group(0), line=line))


def _conda_build_cuda(build: str) -> Optional[str]:
    """The CUDA of a conda pytorch build string, ``"none"`` for a CPU build, None if it does not say."""
    lowered = build.lower()
    match = re.search(r"cuda[_-]?(\d+)\.(\d+)", lowered)
    if match:
        return f"{match.group(1)}.{match.group(2)}"
    match = re.search(r"cuda(\d{2,3})(?:_|py|$)", lowered)
    if match:
        return cuda_from_digits(match.group(1))
    if re.search(r"(?:^|_)cpu(?:_|$)|^cpu|py\d+_cpu", lowered):
        return "none"
    return None
