"""Walk the fatbin containers in ``.nv_fatbin``: headers only, never the GPU code.

Layout (little-endian; read from nvcc 13.0 output and checked against ``cuobjdump``):

* a section holds containers one after another, sometimes with padding between them;
  a container is a 16-byte header ``{u32 magic 0xBA55ED50, u16 version 1, u16 header
  size, u64 fat size}`` followed by ``fat size`` bytes of entries;
* an entry is a header of at least 64 bytes ``{u16 kind (1 PTX, 2 ELF cubin, 4 old
  cubin), u16 version, u32 header size, u64 payload size, u32 compressed size, u32
  options offset, u16 minor, u16 major, u32 arch, u32 name offset, u32 name length,
  u64 flags, u64 reserved, u64 uncompressed size}`` followed by its payload; the next
  entry starts at ``entry + header size + payload size``. For PTX, major.minor is the
  PTX ISA version (``.version 9.0`` for CUDA 13.0).
* flags: 0x2 debug (``-G``), 0x1000/0x2000 old and LZ4 compression, 0x8000 zstd,
  0x100000 an architecture-specific target (``sm_90a``), 0x200000 a family target
  (``sm_100f``).

One container is roughly one translation unit: a GPU can run its kernels only if one
entry of *that* container fits, so the walk keeps containers apart.

A malformed container is recorded as a note and the walk resynchronises on the next
magic within :data:`RESYNC_WINDOW` bytes; a malformed entry ends its container. The
walk reads 16 or 64 bytes per header, so its cost is bounded by the number of
headers, never by the size of the GPU code.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from .elf import ElfFile

FATBIN_SECTION = ".nv_fatbin"
RELOCATABLE_SECTION = "__nv_relfatbin"
CONTROL_SECTION = ".nvFatBinSegment"
CONTAINER_MAGIC = 0xBA55ED50
_MAGIC_BYTES = struct.pack("<I", CONTAINER_MAGIC)
_CONTAINER = struct.Struct("<IHHQ")
_ENTRY = struct.Struct("<HHIQIIHHIIIQQQ")
KIND_PTX, KIND_CUBIN, KIND_OLD_CUBIN = 1, 2, 4
FLAG_DEBUG, FLAG_ARCH_SPECIFIC, FLAG_FAMILY = 0x2, 0x100000, 0x200000
COMPRESSION_FLAGS = ((0x8000, "zstd"), (0x2000, "lz4"), (0x1000, "lz"))
RESYNC_WINDOW = 1 << 16
"""How far past a bad container the walk looks for the next magic before it gives up."""
MAX_ENTRIES = 1 << 20
"""A bound on entries per section (each needs 64 bytes of header, so a real file holds far fewer)."""


@dataclass(frozen=True)
class Entry:
    """One fatbin entry: a cubin (SASS) or PTX for one target."""

    kind: str  # sass | ptx
    arch: int  # 80, 90, 100, 120 …
    suffix: str  # "" | "a" | "f"
    version: Tuple[int, int]  # PTX ISA version for PTX; cubin ABI version for SASS
    codec: Optional[str]  # None | zstd | lz4 | lz
    debug: bool

    @property
    def target(self) -> str:
        """``sm_90a`` for SASS, ``compute_120`` for PTX."""
        major, minor = divmod(self.arch, 10)
        return f"{'sm' if self.kind == 'sass' else 'compute'}_{major}{minor}{self.suffix}"


@dataclass
class Container:
    """The entries of one container (one translation unit or one device-link step)."""

    entries: List[Entry] = field(default_factory=list)


@dataclass
class Walk:
    """Every container of one section, and what looked wrong on the way."""

    containers: List[Container] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)


def _codec(flags: int) -> Optional[str]:
    return next((name for bit, name in COMPRESSION_FLAGS if flags & bit), None)


def _suffix(flags: int) -> str:
    if flags & FLAG_ARCH_SPECIFIC:
        return "a"
    return "f" if flags & FLAG_FAMILY else ""


def walk_section(elf: ElfFile, offset: int, size: int) -> Walk:
    """Every container and entry header in ``size`` bytes at ``offset`` of ``elf``."""
    result = Walk()
    end = min(offset + size, elf.size)
    if offset + size > elf.size:
        result.notes.append(f"fatbin section claims {size} bytes past the end of the file")
    position, entries_seen = offset, 0
    while position + _CONTAINER.size <= end:
        magic, version, header_size, fat_size = _CONTAINER.unpack(elf.read(position, _CONTAINER.size))
        if magic != CONTAINER_MAGIC:
            found = _find_magic(elf, position + 1, end)
            if found is None:
                if not result.containers:
                    result.notes.append("no fatbin container magic in the section")
                break  # otherwise: padding after the last container
            if found - position >= 16:  # more than alignment padding
                result.notes.append(f"skipped {found - position} bytes before a container at "
                                    f"offset {found - offset:#x}")
            position = found
            continue
        container_end = position + header_size + fat_size
        if version != 1 or header_size < _CONTAINER.size or container_end > end:
            result.notes.append(f"bad container header at offset {position - offset:#x} (version {version}, "
                                f"header {header_size} bytes, size {fat_size})")
            found = _find_magic(elf, position + 4, end)
            if found is None:
                break
            position = found
            continue
        container = Container()
        entry = position + header_size
        while entry + _ENTRY.size <= container_end:
            if entries_seen >= MAX_ENTRIES:
                result.notes.append(f"stopped after {MAX_ENTRIES} entries")
                return result
            (kind, _hversion, entry_header, payload, _csize, _options, minor, major, arch, _name_off,
             _name_len, flags, _reserved, _usize) = _ENTRY.unpack(elf.read(entry, _ENTRY.size))
            if entry_header < _ENTRY.size or kind not in (KIND_PTX, KIND_CUBIN, KIND_OLD_CUBIN) \
                    or entry + entry_header + payload > container_end:
                result.notes.append(f"bad entry header at offset {entry - offset:#x} (kind {kind}, "
                                    f"header {entry_header} bytes, payload {payload})")
                break
            container.entries.append(Entry("ptx" if kind == KIND_PTX else "sass", arch, _suffix(flags),
                                           (major, minor), _codec(flags), bool(flags & FLAG_DEBUG)))
            entries_seen += 1
            entry += entry_header + payload
        result.containers.append(container)
        position = container_end
    return result


def _find_magic(elf: ElfFile, start: int, end: int) -> Optional[int]:
    """The offset of the next container magic within the resync window, or None."""
    limit = min(end, start + RESYNC_WINDOW)
    if start >= limit:
        return None
    data = elf.read_upto(start, limit - start)
    index = data.find(_MAGIC_BYTES)
    return start + index if index >= 0 else None
