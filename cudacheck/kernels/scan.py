"""Scan one shared library: its GPU code, CUDA runtime linkage and torch interface.

A library without a fatbin section is rejected after reading its section headers
(about a millisecond cold). For one with GPU code the scan reads the fatbin headers,
the dynamic section and the dynamic symbols; the result is a plain, JSON-able
:class:`LibraryScan` that the per-file cache stores.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple

from ..snapshot import KernelGroup
from ..versions import parse
from .coverage import target_key
from .elf import ElfFile
from .fatbin import CONTROL_SECTION, FATBIN_SECTION, RELOCATABLE_SECTION, walk_section
from .symbols import cxx11_abi, dynamic_symbols, is_torch_symbol, torch_abi
from ..lazy_regex import lazy_compile

#: ``libcudart.so.13`` or an auditwheel-grafted ``libcudart.faf08d9a.so.13``.
CUDART_SONAME = lazy_compile(r"^libcudart(?:[.-][0-9a-f]{8})?\.so\.(\d+)")
_REGISTER = "__cudaRegisterFatBinary"


@dataclass
class LibraryScan:
    """What one library file carries (facts only; JSON-able for the cache)."""

    fatbin: bool = False  # has .nv_fatbin, __nv_relfatbin or .nvFatBinSegment
    containers: int = 0
    groups: List[KernelGroup] = field(default_factory=list)
    relocatable: List[str] = field(default_factory=list)  # targets in __nv_relfatbin
    ptx_isa: List[str] = field(default_factory=list)
    compressed: Dict[str, int] = field(default_factory=dict)  # codec -> entries
    debug_entries: int = 0
    needed: List[str] = field(default_factory=list)
    soname: Optional[str] = None
    rpath: List[str] = field(default_factory=list)
    runpath: List[str] = field(default_factory=list)
    cudart: Optional[str] = None  # shared | static
    cudart_soname: Optional[str] = None
    torch_abi: Optional[str] = None  # cxx | stable | none
    cxx11_abi: Optional[bool] = None
    torch_symbols: List[str] = field(default_factory=list)  # undefined symbols of torch's interfaces
    notes: List[str] = field(default_factory=list)

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "LibraryScan":
        values = dict(data)
        values["groups"] = [KernelGroup(**group) for group in values.get("groups", [])]
        return cls(**values)

    @property
    def sass(self) -> List[str]:
        return sorted({t for g in self.groups for t in g.sass}, key=target_key)

    @property
    def ptx(self) -> List[str]:
        return sorted({t for g in self.groups for t in g.ptx}, key=target_key)

    @property
    def cudart_major(self) -> Optional[int]:
        match = CUDART_SONAME.match(self.cudart_soname or "")
        return int(match.group(1)) if match else None


def _isa(version: Tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def scan_library(path: str, symbols: bool = True) -> LibraryScan:
    """Scan one file; ``symbols=False`` skips listing the torch symbols it needs.

    Raises ``OSError`` (unreadable) or ``ElfError`` (malformed).
    """
    with ElfFile.open(path) as elf:
        names = {section.name for section in elf.sections}
        scan = LibraryScan(fatbin=bool(names & {FATBIN_SECTION, RELOCATABLE_SECTION, CONTROL_SECTION}))
        if not scan.fatbin:
            return scan
        groups: Counter = Counter()
        isa: Dict[Tuple[Tuple[str, ...], Tuple[str, ...]], str] = {}
        isas: Set[str] = set()
        codecs: Counter = Counter()
        for section in elf.sections:
            if section.name not in (FATBIN_SECTION, RELOCATABLE_SECTION):
                continue
            walk = walk_section(elf, section.offset, section.size)
            scan.notes += [f"{section.name}: {note}" for note in walk.notes]
            for container in walk.containers:
                if not container.entries:
                    continue  # holds no code (a device-link step with nothing to link): no kernels to judge
                for entry in container.entries:
                    if entry.codec:
                        codecs[entry.codec] += 1
                    scan.debug_entries += entry.debug
                if section.name == RELOCATABLE_SECTION:
                    scan.relocatable = sorted(set(scan.relocatable) | {e.target for e in container.entries},
                                              key=target_key)
                    continue
                sass = tuple(sorted({e.target for e in container.entries if e.kind == "sass"}, key=target_key))
                ptx = tuple(sorted({e.target for e in container.entries if e.kind == "ptx"}, key=target_key))
                versions = [e.version for e in container.entries if e.kind == "ptx"]
                groups[(sass, ptx)] += 1
                scan.containers += 1
                if versions:
                    newest = _isa(max(versions))
                    isas.update(_isa(v) for v in versions)
                    old = isa.get((sass, ptx))
                    if old is None or (parse(newest) or ()) > (parse(old) or ()):
                        isa[(sass, ptx)] = newest
        scan.groups = [KernelGroup(list(s), list(p), n, isa.get((s, p))) for (s, p), n in groups.most_common()]
        scan.ptx_isa = sorted(isas, key=lambda v: parse(v) or ())
        scan.compressed = dict(codecs)
        dynamic = elf.dynamic()
        if dynamic is not None:
            scan.needed, scan.soname = dynamic.needed, dynamic.soname
            scan.rpath, scan.runpath = dynamic.rpath, dynamic.runpath
        dynsym = dynamic_symbols(elf, undefined=symbols)
        scan.cudart_soname = next((n for n in scan.needed if CUDART_SONAME.match(n)), None)
        if scan.cudart_soname:
            scan.cudart = "shared"
        elif _REGISTER in dynsym.undefined or (not symbols and _REGISTER.encode() in dynsym.strings):
            scan.cudart = "shared"  # resolved through another library's runtime
        elif scan.containers:
            scan.cudart = "static"
        if symbols:
            scan.torch_symbols = sorted({name for name in dynsym.undefined if is_torch_symbol(name)})
            scan.torch_abi = torch_abi(scan.torch_symbols) or "none"
        scan.cxx11_abi = cxx11_abi(dynsym.strings)
        return scan
