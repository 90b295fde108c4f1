"""Synthetic ELF files with fatbin sections, written byte by byte from the formats' specs.

Used for the reader's edge cases (ELF32, big-endian, ``e_shnum == 0``,
``e_shstrndx == SHN_XINDEX``) and as seeds for the fuzz test. The layouts are those
of ``elf.h`` and of the fatbin headers described in ``cudacheck/kernels/fatbin.py``;
real files built by nvcc are tested elsewhere (``test_nvcc_builds.py``).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

SHT_PROGBITS, SHT_STRTAB, SHT_DYNSYM, SHT_DYNAMIC = 1, 3, 11, 6


def entry(kind: str, arch: int, *, isa: Tuple[int, int] = (9, 0), flags: int = 0x11, payload: bytes = b"\0" * 40,
          header_size: int = 64) -> bytes:
    """One fatbin entry: 64-byte header (or larger, zero-padded) and its payload (padded to 8)."""
    payload = payload + b"\0" * (-len(payload) % 8)
    code = 1 if kind == "ptx" else 2
    header = struct.pack("<HHIQIIHHIIIQQQ", code, 0x0101, header_size, len(payload), 0, 0, isa[1], isa[0], arch,
                         0, 0, flags, 0, 0)
    return header + b"\0" * (header_size - 64) + payload


def container(entries: Sequence[bytes], *, version: int = 1, header_size: int = 16,
              fat_size: Optional[int] = None) -> bytes:
    body = b"".join(entries)
    return struct.pack("<IHHQ", 0xBA55ED50, version, header_size,
                       len(body) if fat_size is None else fat_size) + b"\0" * (header_size - 16) + body


@dataclass
class Section:
    name: str
    data: bytes
    type: int = SHT_PROGBITS
    link: int = 0
    entsize: int = 0


def elf(sections: Sequence[Section], *, bits: int = 64, endian: str = "<", extended_count: bool = False,
        extended_names: bool = False) -> bytes:
    """An ELF shared object holding ``sections`` (plus the null section and .shstrtab)."""
    names = b"\0"
    offsets: List[int] = []
    all_sections = list(sections) + [Section(".shstrtab", b"", SHT_STRTAB)]
    for section in all_sections:
        offsets.append(len(names))
        names += section.name.encode() + b"\0"
    all_sections[-1].data = names
    ehsize = 64 if bits == 64 else 52
    shentsize = 64 if bits == 64 else 40
    body = b""
    placed = []
    position = ehsize
    for section in all_sections:
        pad = -position % 8
        body += b"\0" * pad
        position += pad
        placed.append(position)
        body += section.data
        position += len(section.data)
    pad = -position % 8
    body += b"\0" * pad
    shoff = position + pad
    count = len(all_sections) + 1
    names_index = count - 1
    shdr = struct.Struct(endian + ("IIQQQQIIQQ" if bits == 64 else "IIIIIIIIII"))
    table = shdr.pack(0, 0, 0, 0, 0, count if extended_count else 0, names_index if extended_names else 0, 0, 0, 0)
    for section, name, offset in zip(all_sections, offsets, placed):
        table += shdr.pack(name, section.type, 2, offset, offset, len(section.data), section.link, 0, 8,
                           section.entsize)
    ident = b"\x7fELF" + bytes([2 if bits == 64 else 1, 1 if endian == "<" else 2, 1, 0]) + b"\0" * 8
    fields = (3, 62 if bits == 64 else 3, 1, 0, 0, shoff, 0, ehsize, 0, 0, shentsize,
              0 if extended_count else count, 0xFFFF if extended_names else names_index)
    header = ident + struct.pack(endian + ("HHIQQQIHHHHHH" if bits == 64 else "HHIIIIIHHHHHH"), *fields)
    return header + body + table


def cuda_library(containers: Sequence[bytes], **options) -> bytes:
    """An ELF with a ``.nv_fatbin`` of these containers and a ``.nvFatBinSegment``."""
    return elf([Section(".text", b"\xc3" * 16), Section(".nv_fatbin", b"".join(containers)),
                Section(".nvFatBinSegment", b"\0" * 24)], **options)


def standard_containers() -> List[bytes]:
    """sm_80 + PTX compute_90 (ISA 9.0, zstd flag) in one container; sm_90a alone in another."""
    return [container([entry("sass", 80), entry("ptx", 90, flags=0x8011, isa=(9, 0))]),
            container([entry("sass", 90, flags=0x100011)])]
