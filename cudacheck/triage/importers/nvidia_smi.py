"""``nvidia-smi`` in its forms: the banner table (old header "Driver Version / CUDA
Version" and the R610+ header "KMD Version / CUDA UMD Version"), its GPU rows (names
may be cut with "..."), ``nvidia-smi -q`` and ``nvidia-smi -L``.

The banner's "CUDA Version" is the newest CUDA the driver supports, not an installed
toolkit; it goes to ``nvml.cuda_driver_version``.
"""
from __future__ import annotations

import re

from ...versions import major_minor
from ..document import Document
from ..facts import PROSE, REPORTED, TOOL, Facts, GpuClaim, gpu_row
from ...observations import Obs
from ...lazy_regex import lazy_compile

_DRIVER = lazy_compile(r"(?:Driver|KMD) Version\s*:\s*(?P<driver>\d{3}(?:\.\d{1,3}){1,2})", re.IGNORECASE)
_CUDA = lazy_compile(r"CUDA (?:UMD |Driver )?Version\s*:\s*(?P<cuda>\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)
_SMI_VERSION = lazy_compile(r"NVIDIA-SMI\s+(?P<smi>\d{3}\.\d{1,3}(?:\.\d{1,3})?)\b")
_Q_LABEL = lazy_compile(r"^\s*(?P<label>[A-Za-z][\w ()./-]*?)\s{2,}:\s*(?P<value>.*?)\s*$")
_ROW = lazy_compile(
    r"^\|\s*(?P<index>\d+)\s+(?P<name>\S.*?)\s+(?P<pm>On|Off|WDDM|TCC|N/A)\s*\|\s*"
    r"(?P<bus>[0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f])", re.IGNORECASE)
_MEMORY = lazy_compile(r"(?P<used>\d+)\s*MiB\s*/\s*(?P<total>\d+)\s*MiB", re.IGNORECASE)
_LIST = lazy_compile(r"^\s*GPU (?P<index>\d{1,2}):\s*(?P<name>[^()]*?[A-Za-z][^()]*?)\s*"
                   r"(?:\(UUID:\s*(?P<uuid>GPU-[0-9a-fA-F-]+)\))?\s*$")
_GPU_WORDS = lazy_compile(r"nvidia|geforce|quadro|tesla|titan|rtx|gtx|\b[abhlvtpk]\d{1,3}\b|graphics device|gb\d{3}",
                        re.IGNORECASE)


def parse(document: Document, facts: Facts) -> None:
    """Banner, GPU rows, -q and -L output."""
    _banner(document, facts)
    _rows(document, facts)
    _query(document, facts)
    _list(document, facts)
    for index in document.lines_with("err!"):
        if document.line(index).lstrip().startswith("|"):
            facts.observe(Obs.SMI_ERR, document.line(index), document.number(index))
    _health(document, facts)


_ECC_CELL = lazy_compile(r"\|\s*(?P<ecc>\d+)\s*\|\s*$")
_TEMPERATURE = lazy_compile(r"^\s*(?P<value>\d+)\s*C\b")


def _health(document: Document, facts: Facts) -> None:
    """What nvidia-smi itself reports about a GPU's health: the banner row's "Volatile Uncorr. ECC" count,
    ``-q``'s uncorrectable (double-bit) ECC and remapped-row counters, and a current temperature at the
    GPU's slowdown or maximum operating temperature (the clocks are being held down)."""
    for index in document.lines_with("0000:"):
        text = document.line(index).strip()
        ecc = _ECC_CELL.search(text) if _ROW.match(text) else None
        if ecc and int(ecc.group("ecc")) > 0:
            facts.observe(Obs.ECC_ERROR, text, document.number(index), count=ecc.group("ecc"), source="nvidia-smi")
    for index in document.lines_with_any(("uncorrectable", "double bit")):
        match = _Q_LABEL.match(document.line(index))
        if match and match.group("value").isdigit() and int(match.group("value")) > 0 \
                and re.search(r"uncorrectable|double bit", match.group("label"), re.IGNORECASE):
            facts.observe(Obs.ECC_ERROR, document.line(index), document.number(index), count=match.group("value"),
                          source="nvidia-smi -q")
    temperatures = {}
    for index in document.lines_with("temp"):
        match = _Q_LABEL.match(document.line(index))
        if match:
            value = _TEMPERATURE.match(match.group("value"))
            label = match.group("label").strip().lower()
            if value and label in ("gpu current temp", "gpu slowdown temp", "gpu max operating temp"):
                temperatures[label] = (int(value.group("value")), index)
    current = temperatures.get("gpu current temp")
    limits = [temperatures[k][0] for k in ("gpu slowdown temp", "gpu max operating temp") if k in temperatures]
    if current is not None and limits and current[0] >= min(limits) - 2:
        facts.observe(Obs.GPU_THROTTLED, document.line(current[1]), document.number(current[1]),
                      limit=f"{min(limits)} C", source="nvidia-smi -q")


def _smi_like(text: str) -> bool:
    return "nvidia-smi" in text.lower() or text.lstrip().startswith("|") or bool(_Q_LABEL.match(text))


def _banner(document: Document, facts: Facts) -> None:
    for index in document.lines_with_any(("driver version", "kmd version", "cuda version", "cuda umd version")):
        text = document.line(index)
        if not _smi_like(text):
            continue
        driver = _DRIVER.search(text)
        cuda = _CUDA.search(text)
        smi = _SMI_VERSION.search(text)
        if driver and smi and smi.group("smi") != driver.group("driver") and facts.snapshot.container.runtime is None:
            # nvidia-smi ships with the driver and names its version; under WSL the Linux-side nvidia-smi runs
            # against the Windows driver, so the two differ ("NVIDIA-SMI 460.27.04  Driver Version: 465.42")
            facts.observe(Obs.WSL, text, document.number(index), version="2")
            facts.set(lambda s: s.container.runtime, "wsl", PROSE)
            facts.set(lambda s: s.platform.system, "Linux", PROSE)
        if driver:
            facts.set(lambda s: s.nvml.driver_version, driver.group("driver"), TOOL)
            facts.set(lambda s: s.nvml.status, "ok", REPORTED)
            facts.seen("nvidia_smi")
        if cuda:
            value = cuda.group("cuda")
            mm = major_minor(value)
            if mm and mm[0] >= 100:  # a UMD *driver* version, not a CUDA version
                facts.set(lambda s: s.nvml.driver_version, facts.snapshot.nvml.driver_version or value, REPORTED)
                derived = facts.db.driver_cuda(value)
                facts.set(lambda s: s.nvml.cuda_driver_version, derived, REPORTED)
            elif mm:
                facts.set(lambda s: s.nvml.cuda_driver_version, f"{mm[0]}.{mm[1]}", TOOL)
            facts.set(lambda s: s.nvml.status, "ok", REPORTED)
            facts.seen("nvidia_smi")


def _rows(document: Document, facts: Facts) -> None:
    for index in document.lines_with("0000:"):
        match = _ROW.match(document.line(index).strip())
        if not match:
            continue
        name = match.group("name").strip()
        claim = GpuClaim(name=name, index=int(match.group("index")), pci_bus_id=match.group("bus"), priority=TOOL)
        following = document.line(index + 1)
        memory = _MEMORY.search(following)
        if memory:
            claim.memory_used_mib = int(memory.group("used"))
            claim.memory_total_mib = int(memory.group("total"))
        facts.add_gpu(claim)
        facts.set(lambda s: s.nvml.status, "ok", REPORTED)
        facts.seen("nvidia_smi")
        if match.group("pm").upper() in ("WDDM", "TCC"):  # Windows' own nvidia-smi: says nothing of WSL's view
            facts.observe(Obs.SMI_WINDOWS_TABLE, document.line(index), document.number(index))


def _query(document: Document, facts: Facts) -> None:
    products = document.lines_with("product name")
    for position, index in enumerate(products):
        match = _Q_LABEL.match(document.line(index))
        if match and match.group("label").strip().lower() == "product name":
            facts.add_gpu(GpuClaim(name=match.group("value"), index=position if len(products) > 1 else None,
                                   priority=TOOL))
            facts.seen("nvidia_smi")
    for index in document.lines_with("attached gpus"):
        match = _Q_LABEL.match(document.line(index))
        if match and match.group("value").isdigit():
            facts.set(lambda s: s.nvml.gpu_count, int(match.group("value")), TOOL)
            facts.set(lambda s: s.nvml.status, "ok", REPORTED)


def _list(document: Document, facts: Facts) -> None:
    for index in document.lines_with("gpu "):
        text = document.line(index)
        match = _LIST.match(text)
        if not match:
            continue
        name = match.group("name").strip()
        if not (match.group("uuid") or _GPU_WORDS.search(name) or gpu_row(facts.db.gpu_index, name)):
            continue
        facts.add_gpu(GpuClaim(name=name, index=int(match.group("index")), uuid=match.group("uuid"),
                               priority=TOOL))
        facts.seen("nvidia_smi" if match.group("uuid") else "gpu_list")
