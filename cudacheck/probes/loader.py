"""What the dynamic loader reads, read in pure Python: ELF dynamic sections and ld.so.cache.

No subprocesses (``readelf``, ``ldconfig -p``) and no dlopen: these helpers only read
files, so they are safe and fast enough for the standard level. Every function returns
an empty result for a file it cannot read or does not understand; none of them raises.
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from typing import List, Optional, Tuple
from ..lazy_regex import lazy_compile

LD_CACHE = "/etc/ld.so.cache"
_CACHE_MAGIC_NEW = b"glibc-ld.so.cache1.1"
_CACHE_PATH = lazy_compile(rb"(/[^\x00]{1,4095}?\.so[^\x00/]{0,64})\x00")


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
    from ..kernels.elf import ElfError, ElfFile

    try:
        with ElfFile.open(path) as elf:
            dynamic = elf.dynamic()
    except (OSError, ElfError, struct.error):
        return None
    if dynamic is None:
        return None
    return ElfDynamic(path=path, soname=dynamic.soname, needed=dynamic.needed, rpath=dynamic.rpath,
                      runpath=dynamic.runpath)


def search_order(search_kind: Optional[str], search_dirs: List[str],
                 ld_library_path: List[str]) -> List[Tuple[str, List[str]]]:
    """(origin, folders) the loader searches before its cache, in ld.so(8) order: an
    object's DT_RPATH comes before LD_LIBRARY_PATH, its DT_RUNPATH after it."""
    steps: List[Tuple[str, List[str]]] = []
    if search_kind == "rpath":
        steps.append(("rpath", search_dirs))
    steps.append(("ld_library_path", ld_library_path))
    if search_kind != "rpath":
        steps.append(("rpath", search_dirs))
    return steps


def locate(soname: str, *, search_kind: Optional[str], search_dirs: List[str], ld_library_path: List[str],
           cache: List[Tuple[str, str]], system_dirs: List[str]) -> Optional[Tuple[str, str]]:
    """(origin, path) where the loader finds ``soname`` for an object, or None:
    :func:`search_order`, then ``ld.so.cache``, then the default folders."""
    for origin, dirs in search_order(search_kind, search_dirs, ld_library_path):
        for directory in dirs:
            candidate = os.path.join(directory, soname)
            if os.path.exists(candidate):
                return origin, candidate
    for key, path in cache:
        if key == soname and os.path.exists(path):
            return "ldconfig", path
    for directory in system_dirs:
        candidate = os.path.join(directory, soname)
        if os.path.exists(candidate):
            return "system_dirs", candidate
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
