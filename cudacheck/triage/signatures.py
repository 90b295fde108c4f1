"""Scanning pasted text for the messages of :mod:`cudacheck.messages`, and the facts they state.

Only lines holding one of a message's literal anchors are ever matched (see
:mod:`cudacheck.triage.document`), so scanning is linear in the input. A recognised line
becomes an :class:`~cudacheck.snapshot.Observation` named by its
:class:`~cudacheck.observations.Obs`; where the message states a fact (``found version
11040`` is the driver's CUDA version, ``sm_86 is not compatible`` names the GPU's compute
capability, "supports CUDA capabilities sm_50 …" is the build's arch list) the fact is also
set, so the ordinary rules judge it.
"""
from __future__ import annotations

import re
from typing import Callable, Dict, List, Match, Optional, Tuple

from ..errors import ConfigError
from ..messages import MESSAGES, Message
from ..observations import Obs
from ..policy import parse_size
from ..snapshot import ShmFacts
from ..versions import cuda_from_int
from .document import Document, settled
from .facts import REPORTED, TOOL, Facts, GpuClaim, TorchClaim

# --- facts stated by messages ------------------------------------------------------------------
def _found_version(facts: Facts, values: Dict[str, str], line: int) -> None:
    found = values.get("found")
    if found and found.isdigit():
        facts.set(lambda s: s.cuda_driver.driver_version, cuda_from_int(int(found)), REPORTED)


def _ngc_driver(facts: Facts, values: Dict[str, str], line: int) -> None:
    facts.set(lambda s: s.nvml.driver_version, values.get("found"), REPORTED)
    facts.set(lambda s: s.container.in_container, True, REPORTED)


def _nvml_status(status: str, code: Optional[int]) -> Callable[[Facts, Dict[str, str], int], None]:
    def hook(facts: Facts, values: Dict[str, str], line: int) -> None:
        if facts.set(lambda s: s.nvml.status, status, TOOL):
            facts.set(lambda s: s.nvml.error_code, code, TOOL)
    return hook


def _init_code(code: int, name: str) -> Callable[[Facts, Dict[str, str], int], None]:
    def hook(facts: Facts, values: Dict[str, str], line: int) -> None:
        if facts.set(lambda s: s.cuda_driver.init_code, code, REPORTED):
            facts.set(lambda s: s.cuda_driver.init_error_name, name, REPORTED)
    return hook


def _gpu_not_compatible(facts: Facts, values: Dict[str, str], line: int) -> None:
    sm = values.get("sm") or values.get("sm2") or ""
    name = values.get("gpu")
    if name:
        name = re.sub(r"^(?:\w*Warning:\s*|warnings\.warn\(\s*)", "", name).strip()
    cc = f"{sm[:-1]}.{sm[-1]}" if len(sm) >= 2 else None
    facts.add_gpu(GpuClaim(name=name, compute_capability=cc, priority=REPORTED))


def _arch_list(facts: Facts, values: Dict[str, str], line: int) -> None:
    archs = re.findall(r"(?:sm|compute)_\d{2,3}[a-z]?", values.get("archs", ""), re.IGNORECASE)
    if archs and facts.set(lambda s: s.torch.arch_list, [a.lower() for a in archs], REPORTED):
        facts.set(lambda s: s.torch.arch_list_source, "pasted", REPORTED)


def _build_ccs(facts: Facts, values: Dict[str, str], line: int) -> None:
    """The compute capabilities of torch's list ("- 7.5 which supports hardware CC …") as the build's arch list.

    torch makes the list from ``get_arch_list()`` with ``sm_``/``compute_`` stripped, so a capability the build
    carries as SASS and as PTX is listed twice: the second is its PTX."""
    flags = []
    for major, minor in re.findall(r"(\d+)\.(\d+)\s+which supports", values.get("ccs", "")):
        sass = f"sm_{major}{minor}"
        flags.append(f"compute_{major}{minor}" if sass in flags else sass)
    if flags and facts.set(lambda s: s.torch.arch_list, flags, REPORTED):
        facts.set(lambda s: s.torch.arch_list_source, "pasted", REPORTED)


def _found_gpu(facts: Facts, values: Dict[str, str], line: int) -> None:
    index = values.get("index")
    facts.add_gpu(GpuClaim(name=values.get("gpu"), index=int(index) if index and index.isdigit() else None,
                           compute_capability=f"{values.get('major')}.{values.get('minor')}",
                           priority=REPORTED))


def _capability_stated(facts: Facts, values: Dict[str, str], line: int) -> None:
    packed = values.get("packed")
    if packed and packed.isdigit():
        cc = f"{packed[:-1]}.{packed[-1]}"
    elif values.get("major") and values.get("minor"):
        cc = f"{values['major']}.{values['minor']}"
    elif values.get("major2") and values.get("minor2"):
        cc = f"{values['major2']}.{values['minor2']}"
    else:
        return
    facts.add_gpu(GpuClaim(compute_capability=cc, priority=REPORTED))


def _legacy_gpu(facts: Facts, values: Dict[str, str], line: int) -> None:
    name = re.sub(r"^(?:NVRM:\s*|WARNING:\s*|The\s+|NVIDIA\s+)+", "", values.get("gpu") or "").strip()
    if name:
        facts.add_gpu(GpuClaim(name=name, priority=REPORTED))


def _requires_cuda(facts: Facts, values: Dict[str, str], line: int) -> None:
    index = values.get("index")
    facts.add_gpu(GpuClaim(name=values.get("gpu"), index=int(index) if index and index.isdigit() else None,
                           priority=REPORTED))


def _detected_mismatch(facts: Facts, values: Dict[str, str], line: int) -> None:
    if values.get("nvcc"):
        facts.set(lambda s: s.libraries.nvcc_version, values["nvcc"], REPORTED)
    if values.get("torch"):
        facts.add_torch(TorchClaim(kind="imported", source="torch.utils.cpp_extension", cuda=values["torch"],
                                   line=line))


def _ngc_shm(facts: Facts, values: Dict[str, str], line: int) -> None:
    """The NGC banner's "SHMEM allocation limit is set to the default of 64MB": a container at Docker's default."""
    facts.set(lambda s: s.container.in_container, True, REPORTED)
    _shm_size(facts, values.get("size", ""))


def _df_shm(facts: Facts, values: Dict[str, str], line: int) -> None:
    """`df -h` prints /dev/shm's size in powers of 1024 ("64M")."""
    _shm_size(facts, values.get("size", ""))
    _shm_device(facts, values)


def _shm_stated(facts: Facts, values: Dict[str, str], line: int) -> None:
    """/dev/shm's size as the report states it ("64M" as df prints it, "64Mi" as Kubernetes writes it, `mount`'s
    "size=65536k")."""
    _shm_size(facts, (values.get("size") or values.get("size2") or "").replace(" ", ""))
    _shm_device(facts, values)


def _shm_device(facts: Facts, values: Dict[str, str]) -> None:
    """A /dev/shm mounted from the device named "shm" is a container's: Docker, Podman and containerd name it so,
    a host's systemd mounts "tmpfs"."""
    if values.get("device") == "shm" and not facts.known(lambda s: s.container.in_container):
        facts.set(lambda s: s.container.in_container, True, REPORTED)


def _shm_size(facts: Facts, size: str) -> None:
    """/dev/shm's size as a message printed it, unless a more direct source already set it."""
    try:
        size_bytes = parse_size(size, "/dev/shm")
    except ConfigError:  # not a size (or beyond any machine's): the message says nothing of /dev/shm
        return
    if not facts.known(lambda s: s.container.shm):
        facts.set(lambda s: s.container.shm, ShmFacts(exists=True, size_bytes=size_bytes), REPORTED)


def _cuda_init_warning(facts: Facts, values: Dict[str, str], line: int) -> None:
    facts.set(lambda s: s.cuda_driver.init_error_string, values.get("message", "")[:300], REPORTED)


def _kubernetes(facts: Facts, values: Dict[str, str], line: int) -> None:
    facts.set(lambda s: s.container.runtime, "kubernetes", REPORTED)  # the Kubernetes scheduler's own words


def _driver_older(facts: Facts, values: Dict[str, str], line: int) -> None:
    """The driver's CUDA (or the driver itself) as a message older than what is needed states it."""
    cuda = values.get("have") or values.get("have2")
    if cuda:
        facts.set(lambda s: s.cuda_driver.driver_version, cuda, REPORTED)
    if values.get("have_driver"):
        facts.set(lambda s: s.nvml.driver_version, values["have_driver"], REPORTED)


HOOKS: Dict[Obs, Callable[[Facts, Dict[str, str], int], None]] = {
    Obs.DRIVER_OLDER_STATED: _driver_older,
    Obs.DRIVER_TOO_OLD: _found_version,
    Obs.DRIVER_FOUND_VERSION: _found_version,
    Obs.NGC_DRIVER_TOO_OLD: _ngc_driver,
    Obs.SMI_CANNOT_COMMUNICATE: _nvml_status("driver_not_loaded", 9),
    Obs.NVML_DRIVER_NOT_LOADED: _nvml_status("driver_not_loaded", 9),
    Obs.NVML_VERSION_MISMATCH: _nvml_status("version_mismatch", 18),
    Obs.CUDA_803: _init_code(803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH"),
    Obs.SYSTEM_NOT_READY: _init_code(802, "CUDA_ERROR_SYSTEM_NOT_READY"),
    Obs.GPU_NOT_COMPATIBLE: _gpu_not_compatible,
    Obs.BUILD_ARCH_LIST: _arch_list,
    Obs.BUILD_CC_UNSUPPORTED: _build_ccs,
    Obs.FOUND_GPU_CAPABILITY: _found_gpu,
    Obs.GPU_CAPABILITY_STATED: _capability_stated,
    Obs.GPU_LEGACY_DRIVER: _legacy_gpu,
    Obs.POD_NO_GPU: _kubernetes,
    Obs.GPU_REQUIRES_NEWER_CUDA: _requires_cuda,
    Obs.DETECTED_CUDA_MISMATCH: _detected_mismatch,
    Obs.NGC_SHM_DEFAULT: _ngc_shm,
    Obs.DF_SHM: _df_shm,
    Obs.SHM_SIZE_STATED: _shm_stated,
    Obs.CUDA_INIT_WARNING: _cuda_init_warning,
}


_WRAP_SHORTEST, _WRAP_LONGEST = 40, 200
"""The lengths of a line a program, an editor or a mail client wrapped at a word: a message cut there continues on
the next line ("…no kernel image is" / "available for execution on the device")."""
_SENTENCE_ENDS = (".", "!", "?", "。")
"""A line ending a sentence is not cut: the next line is another message, never this one's rest."""
_REWRAPS = 32
"""How many lines holding a message's anchor are tried again with a neighbour joined on: a paste has a few wrapped
messages, while a build log has thousands of lines that name a word of one and never match (its cost stays flat)."""


def _rewrapped(signature: Message, document: Document, index: int, text: str) -> "Tuple[str, Optional[Match[str]]]":
    """A message whose anchor is on a word-wrapped line, matched with the line after it joined on (or, where the
    message began a line earlier, the line before it)."""
    following = document.line(index + 1).strip()
    if following and not text.rstrip().endswith(_SENTENCE_ENDS) and following[:1] not in "|+=" and \
            not following.startswith(("File ", "Traceback", "at ")):
        joined = text.rstrip() + " " + following
        match = signature.pattern.search(joined)
        if match is not None:
            return joined, match
    before = document.line(index - 1) if index > 0 else ""
    if _WRAP_SHORTEST <= len(before) <= _WRAP_LONGEST and before[:1] not in "|+=" and \
            not before.rstrip().endswith(_SENTENCE_ENDS):
        joined = before.rstrip() + " " + text.strip()
        return joined, signature.pattern.search(joined)
    return text, None


def scan(document: Document, facts: Facts) -> None:
    """Record every signature found in the document (and the facts the messages state)."""
    for signature in MESSAGES:
        indices = document.lines_with_any(signature.anchors, distinct=not signature.join_next)
        split: List[int] = []
        if not indices and not signature.join_next:  # a phrase a word wrap split: no line holds it whole
            split = sorted({i for anchor in signature.anchors for i in document.lines_spanning(anchor)})[:_REWRAPS]
        rewraps = 0
        for index in indices or split:
            text = document.line(index)
            if split:
                text, match = _rewrapped(signature, document, index, text)
            else:
                if signature.join_next:
                    following = [document.line(i).strip() for i in range(index + 1, index + 1 + signature.join_next)]
                    text = " ".join([text] + [t for t in following if t])[:4 * 1024]
                    if not signature.may_match(text.lower()):
                        continue
                elif not signature.may_match(document.lower[index]):
                    continue
                match = signature.pattern.search(text)
                if match is None and not signature.join_next and _WRAP_SHORTEST <= len(text) <= _WRAP_LONGEST and \
                        rewraps < _REWRAPS:
                    rewraps += 1
                    text, match = _rewrapped(signature, document, index, text)
            if match is None or (signature.exclude is not None and signature.exclude.search(text)) or \
                    settled(text[match.end():]):
                continue
            values = {k: v.strip() for k, v in match.groupdict().items() if v}
            facts.observe(signature.obs, document.line(index), document.number(index),
                          occurrences=1 if signature.join_next else document.occurrences(index), **values)
            facts.seen("error")
            hook = HOOKS.get(signature.obs)
            if hook is not None:
                hook(facts, values, document.number(index))
