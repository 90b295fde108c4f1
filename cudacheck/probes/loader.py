"""What the dynamic loader reads, read in pure Python: ELF dynamic sections and ld.so.cache.

No subprocesses (``readelf``, ``ldconfig -p``) and no dlopen: these helpers only read
files, so they are safe and fast enough for the standard level. Every function returns
an empty result for a file it cannot read or does not understand; none of them raises.
"""
from __future__ import annotations

import os
import re
import struct
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

# ELF constants (elf.h)
_PT_LOAD, _PT_DYNAMIC = 1, 2
_DT_NULL, _DT_NEEDED, _DT_STRTAB, _DT_STRSZ, _DT_SONAME, _DT_RPATH, _DT_RUNPATH = 0, 1, 5, 10, 14, 15, 29
_MAX_DYNAMIC = 1 << 20  # a dynamic section is a few hundred bytes; refuse absurd sizes
_MAX_STRTAB = 16 << 20

LD_CACHE = "/etc/ld.so.cache"
_CACHE_MAGIC_NEW = b"glibc-ld.so.cache1.1"
_CACHE_PATH = re.compile(rb"(/[^\x00]{1,4095}?\.so[^\x00/]{0,64})\x00")


@dataclass
class ElfDynamic:
    """The loader-relevant entries of one ELF file's dynamic section."""

    path: str
    soname: Optional[str] = None
    needed: List[str] = field(default_factory=list)
    rpath: List[str] = field(default_factory=list)  # raw DT_RPATH entries ($ORIGIN unexpanded)
    runpath: List[str] = field(default_factory=list)  # raw DT_RUNPATH entries

    @property
    def search_kind(self) -> Optional[str]:
        """``runpath`` (searched after LD_LIBRARY_PATH), ``rpath`` (before it) or None.

        The loader ignores DT_RPATH when DT_RUNPATH is present.
        """
        if self.runpath:
            return "runpath"
        return "rpath" if self.rpath else None

    def search_dirs(self) -> List[str]:
        """The RUNPATH (or else RPATH) folders with ``$ORIGIN``/``${ORIGIN}`` expanded."""
        raw = self.runpath or self.rpath
        origin = os.path.dirname(os.path.abspath(self.path))
        return [expand_origin(entry, origin) for entry in raw if entry]


def expand_origin(entry: str, origin: str) -> str:
    """Expand ``$ORIGIN``, ``${ORIGIN}``, ``$LIB`` and ``$PLATFORM`` as ld.so does on x86-64 Linux."""
    lib = "lib64" if struct.calcsize("P") == 8 else "lib"
    platform = os.uname().machine
    for token, value in (("${ORIGIN}", origin), ("$ORIGIN", origin), ("${LIB}", lib), ("$LIB", lib),
                         ("${PLATFORM}", platform), ("$PLATFORM", platform)):
        entry = entry.replace(token, value)
    return os.path.normpath(entry)


def read_dynamic(path: str) -> Optional[ElfDynamic]:
    """DT_NEEDED / DT_SONAME / DT_RPATH / DT_RUNPATH of an ELF shared object, or None.

    Reads the ELF header, the program headers, the dynamic segment and its string
    table (a few kilobytes, whatever the size of the library).
    """
    try:
        with open(path, "rb") as handle:
            return _read_dynamic(handle, path)
    except (OSError, struct.error, ValueError, OverflowError):
        return None


def _read_dynamic(handle, path: str) -> Optional[ElfDynamic]:
    header = handle.read(64)
    if len(header) < 52 or header[:4] != b"\x7fELF":
        return None
    bits64 = header[4] == 2
    endian = "<" if header[5] == 1 else ">"
    if bits64:
        phoff = struct.unpack_from(endian + "Q", header, 32)[0]
        phentsize, phnum = struct.unpack_from(endian + "HH", header, 54)
        phdr = struct.Struct(endian + "IIQQQQQQ")  # type flags offset vaddr paddr filesz memsz align
        dyn = struct.Struct(endian + "qQ")
    else:
        phoff = struct.unpack_from(endian + "I", header, 28)[0]
        phentsize, phnum = struct.unpack_from(endian + "HH", header, 42)
        phdr = struct.Struct(endian + "IIIIIIII")  # type offset vaddr paddr filesz memsz flags align
        dyn = struct.Struct(endian + "iI")
    if phentsize < phdr.size or phnum == 0 or phnum >= 0xFFFF:
        return None
    handle.seek(phoff)
    table = handle.read(phentsize * phnum)
    loads: List[Tuple[int, int, int]] = []  # (vaddr, offset, filesz)
    dynamic: Optional[Tuple[int, int]] = None  # (offset, filesz)
    for index in range(phnum):
        fields = phdr.unpack_from(table, index * phentsize)
        if bits64:
            p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = fields[:6]
        else:
            p_type, p_offset, p_vaddr, _paddr, p_filesz = fields[:5]
        if p_type == _PT_LOAD:
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == _PT_DYNAMIC:
            dynamic = (p_offset, p_filesz)
    if dynamic is None or dynamic[1] > _MAX_DYNAMIC:
        return None
    handle.seek(dynamic[0])
    raw = handle.read(dynamic[1])
    entries: List[Tuple[int, int]] = []
    for offset in range(0, len(raw) - dyn.size + 1, dyn.size):
        tag, value = dyn.unpack_from(raw, offset)
        if tag == _DT_NULL:
            break
        entries.append((tag, value))
    values = dict(entries)
    strtab_addr, strsz = values.get(_DT_STRTAB), values.get(_DT_STRSZ)
    if strtab_addr is None or not strsz or strsz > _MAX_STRTAB:
        return None
    strtab_offset = _file_offset(loads, strtab_addr)
    if strtab_offset is None:
        return None
    handle.seek(strtab_offset)
    strings = handle.read(strsz)

    def text(offset: int) -> str:
        end = strings.find(b"\0", offset)
        return strings[offset:end if end >= 0 else len(strings)].decode("utf-8", "replace")

    facts = ElfDynamic(path=path)
    for tag, value in entries:
        if value >= len(strings):
            continue
        if tag == _DT_NEEDED:
            facts.needed.append(text(value))
        elif tag == _DT_SONAME:
            facts.soname = text(value)
        elif tag == _DT_RPATH:
            facts.rpath.extend(part for part in text(value).split(":"))
        elif tag == _DT_RUNPATH:
            facts.runpath.extend(part for part in text(value).split(":"))
    return facts


def _file_offset(loads: List[Tuple[int, int, int]], address: int) -> Optional[int]:
    for vaddr, offset, filesz in loads:
        if vaddr <= address < vaddr + filesz:
            return address - vaddr + offset
    return None


def read_ld_cache(path: str = LD_CACHE) -> List[Tuple[str, str]]:
    """``(soname, path)`` pairs of the dynamic loader cache, in the loader's lookup order.

    Parses glibc's ``glibc-ld.so.cache1.1`` format (alone, or after the old
    ``ld.so-1.7.0`` table); an unknown layout falls back to extracting the library
    paths from the file's string table, with the file name as the key.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return []
    try:
        parsed = _parse_new_cache(data)
    except (struct.error, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return parsed
    return [(os.path.basename(raw.decode("utf-8", "replace")), raw.decode("utf-8", "replace"))
            for raw in _CACHE_PATH.findall(data)]


def _parse_new_cache(data: bytes) -> Optional[List[Tuple[str, str]]]:
    start = data.find(_CACHE_MAGIC_NEW)
    if start < 0:
        return None
    # magic(20) nlibs(u32) len_strings(u32) flags(u8) pad(3) extension_offset(u32) unused(3*u32)
    flags = data[start + 28]
    endian = ">" if flags == 3 else "<"  # cache_file_new_flags_endian_big == 3
    nlibs, _len_strings = struct.unpack_from(endian + "II", data, start + 20)
    entry = struct.Struct(endian + "iIIIQ")  # flags key value osversion hwcap
    base = start + 48
    if nlibs > 1_000_000 or base + nlibs * entry.size > len(data):
        return None
    pairs: List[Tuple[str, str]] = []
    for index in range(nlibs):
        _flags, key, value, _os, _hwcap = entry.unpack_from(data, base + index * entry.size)
        pairs.append((_cstring(data, start + key), _cstring(data, start + value)))
    return pairs


def _cstring(data: bytes, offset: int) -> str:
    if not 0 <= offset < len(data):
        raise ValueError("string offset outside the cache")
    end = data.find(b"\0", offset)
    return data[offset:end if end >= 0 else len(data)].decode("utf-8", "replace")


def default_dirs() -> List[str]:
    """The loader's built-in trusted folders (searched last), those that exist."""
    machine = os.uname().machine
    multiarch = {"x86_64": "x86_64-linux-gnu", "aarch64": "aarch64-linux-gnu",
                 "ppc64le": "powerpc64le-linux-gnu"}.get(machine)
    candidates = []
    if multiarch:
        candidates += [f"/lib/{multiarch}", f"/usr/lib/{multiarch}"]
    candidates += ["/lib64", "/usr/lib64", "/lib", "/usr/lib"]
    seen, dirs = set(), []
    for directory in candidates:
        real = os.path.realpath(directory)
        if real not in seen and os.path.isdir(directory):
            seen.add(real)
            dirs.append(directory)
    return dirs
