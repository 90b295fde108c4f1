"""A small ELF reader: headers, section headers, program headers and the dynamic section.

Reads with ``os.pread`` only what it is asked for (never a whole file, never
``mmap``: pages touched through a mapping count as resident memory), after
``posix_fadvise(RANDOM)`` so the kernel does not read ahead megabytes of GPU code
around each header. ELF32 and ELF64, both byte orders, and the extended numbering
(``e_shnum == 0`` with the real count in section 0's ``sh_size``, ``e_shstrndx ==
SHN_XINDEX`` with the real index in section 0's ``sh_link``) are handled.

Anything malformed — a wrong magic, a table or string past the end of the file, an
absurd count — raises :class:`ElfError`; nothing else escapes for a bad file (an
unreadable file raises ``OSError`` from :meth:`ElfFile.open`). Every read is bounded
by the file's size and by :data:`MAX_READ`, so a hostile file cannot make the reader
allocate or loop without limit.
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

MAX_READ = 64 << 20
"""The largest single read (a string table, a symbol table); larger claims are malformed."""
MAX_SECTIONS = 1 << 20
MAX_SEGMENTS = 1 << 16

SHT_SYMTAB, SHT_STRTAB, SHT_NOTE, SHT_NOBITS, SHT_DYNSYM, SHT_GNU_HASH = 2, 3, 7, 8, 11, 0x6FFFFFF6
SHN_UNDEF, SHN_XINDEX = 0, 0xFFFF
PT_LOAD, PT_DYNAMIC = 1, 2
DT_NULL, DT_NEEDED, DT_STRTAB, DT_STRSZ, DT_SONAME, DT_RPATH, DT_RUNPATH = 0, 1, 5, 10, 14, 15, 29
STB_WEAK = 2


class ElfError(ValueError):
    """The file is not a well-formed ELF object, or claims sizes it cannot hold."""


@dataclass(frozen=True)
class Section:
    """One section header, with its name resolved."""

    name: str
    type: int
    flags: int
    addr: int
    offset: int
    size: int
    link: int
    info: int
    entsize: int


@dataclass(frozen=True)
class Segment:
    """One program header (only the fields the loader logic needs)."""

    type: int
    offset: int
    vaddr: int
    filesz: int


@dataclass
class Dynamic:
    """The loader-relevant entries of the dynamic section."""

    needed: List[str] = field(default_factory=list)
    soname: Optional[str] = None
    rpath: List[str] = field(default_factory=list)
    runpath: List[str] = field(default_factory=list)


class ElfFile:
    """An open ELF file read through ``os.pread``; use as a context manager."""

    def __init__(self, fd: int, path: str) -> None:
        self.fd = fd
        self.path = path
        self.size = os.fstat(fd).st_size
        self._sections: Optional[List[Section]] = None
        self._segments: Optional[List[Segment]] = None
        self._parse_header()

    @classmethod
    def open(cls, path: str) -> "ElfFile":
        """Open ``path``; ``OSError`` when it cannot be opened, :class:`ElfError` when not ELF."""
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            if hasattr(os, "posix_fadvise"):
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
                except OSError:
                    pass
            return cls(fd, path)
        except BaseException:
            os.close(fd)
            raise

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> "ElfFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- reading
    def read(self, offset: int, size: int) -> bytes:
        """Exactly ``size`` bytes at ``offset``, or :class:`ElfError` if they are not in the file."""
        if offset < 0 or size < 0 or size > MAX_READ or offset + size > self.size:
            raise ElfError(f"{size} bytes at offset {offset} lie outside the file ({self.size} bytes)")
        data = os.pread(self.fd, size, offset)
        if len(data) != size:
            raise ElfError(f"short read at offset {offset} (file changed while reading?)")
        return data

    def read_upto(self, offset: int, size: int) -> bytes:
        """Up to ``size`` bytes at ``offset`` (fewer at the end of the file)."""
        if offset < 0 or offset >= self.size:
            return b""
        return os.pread(self.fd, min(size, self.size - offset, MAX_READ), offset)

    # ---------------------------------------------------------------- header
    def _parse_header(self) -> None:
        ident = self.read_upto(0, 64)
        if len(ident) < 16 or ident[:4] != b"\x7fELF":
            raise ElfError("not an ELF file (bad magic)")
        if ident[4] not in (1, 2) or ident[5] not in (1, 2):
            raise ElfError(f"unknown ELF class {ident[4]} or byte order {ident[5]}")
        self.bits64 = ident[4] == 2
        self.endian = "<" if ident[5] == 1 else ">"
        need = 64 if self.bits64 else 52
        if len(ident) < need:
            raise ElfError("truncated ELF header")
        e = self.endian
        if self.bits64:
            (self.type, self.machine, _version, _entry, self.phoff, self.shoff, _flags, _ehsize,
             self.phentsize, self.phnum, self.shentsize, shnum, shstrndx) = struct.unpack_from(
                e + "HHIQQQIHHHHHH", ident, 16)
        else:
            (self.type, self.machine, _version, _entry, self.phoff, self.shoff, _flags, _ehsize,
             self.phentsize, self.phnum, self.shentsize, shnum, shstrndx) = struct.unpack_from(
                e + "HHIIIIIHHHHHH", ident, 16)
        self._shnum, self._shstrndx = shnum, shstrndx
        self._shdr = struct.Struct(e + ("IIQQQQIIQQ" if self.bits64 else "IIIIIIIIII"))
        self.word = struct.Struct(e + ("Q" if self.bits64 else "I"))

    # ---------------------------------------------------------------- sections
    @property
    def sections(self) -> List[Section]:
        """Every section header with its name (``[]`` for a file without a section table)."""
        if self._sections is None:
            self._sections = self._read_sections()
        return self._sections

    def _raw_section(self, index: int) -> Tuple[int, ...]:
        return self._shdr.unpack(self.read(self.shoff + index * self.shentsize, self._shdr.size))

    def _read_sections(self) -> List[Section]:
        if self.shoff == 0:
            return []
        if self.shentsize < self._shdr.size:
            raise ElfError(f"section header size {self.shentsize} is too small")
        count, names_index = self._shnum, self._shstrndx
        if count == 0 or names_index == SHN_XINDEX:
            first = self._raw_section(0)  # extended numbering: the real values live in section 0
            count = count or first[5]
            if names_index == SHN_XINDEX:
                names_index = first[6]
        if count == 0:
            return []
        if count > MAX_SECTIONS or self.shoff + count * self.shentsize > self.size:
            raise ElfError(f"{count} section headers do not fit in the file")
        table = self.read(self.shoff, count * self.shentsize)
        raw = [self._shdr.unpack_from(table, i * self.shentsize) for i in range(count)]
        names = b""
        if 0 < names_index < count:
            _n, stype, _f, _a, offset, size = raw[names_index][:6]
            if stype != SHT_NOBITS:
                names = self.read(offset, size)
        elif names_index >= count:
            raise ElfError(f"section name table index {names_index} out of range")
        sections = []
        for name, stype, flags, addr, offset, size, link, info, _align, entsize in raw:
            text = ""
            if names and name < len(names):
                end = names.find(b"\0", name)
                text = names[name:end if end >= 0 else len(names)].decode("utf-8", "replace")
            sections.append(Section(text, stype, flags, addr, offset, size, link, info, entsize))
        return sections

    def section(self, name: str) -> Optional[Section]:
        """The first section of that name, or None."""
        return next((s for s in self.sections if s.name == name), None)

    def section_data(self, section: Section) -> bytes:
        """A (small) section's bytes; ``b""`` for a section that occupies no file space."""
        if section.type == SHT_NOBITS:
            return b""
        return self.read(section.offset, section.size)

    # ---------------------------------------------------------------- segments
    @property
    def segments(self) -> List[Segment]:
        if self._segments is None:
            self._segments = self._read_segments()
        return self._segments

    def _read_segments(self) -> List[Segment]:
        if self.phoff == 0 or self.phnum == 0:
            return []
        phdr = struct.Struct(self.endian + ("IIQQQQQQ" if self.bits64 else "IIIIIIII"))
        if self.phentsize < phdr.size or self.phnum > MAX_SEGMENTS:
            raise ElfError("malformed program header table")
        table = self.read(self.phoff, self.phentsize * self.phnum)
        segments = []
        for index in range(self.phnum):
            fields = phdr.unpack_from(table, index * self.phentsize)
            if self.bits64:
                p_type, _flags, offset, vaddr, _paddr, filesz = fields[:6]
            else:
                p_type, offset, vaddr, _paddr, filesz = fields[:5]
            segments.append(Segment(p_type, offset, vaddr, filesz))
        return segments

    def address_to_offset(self, address: int) -> Optional[int]:
        """The file offset of a virtual address inside a PT_LOAD segment."""
        for segment in self.segments:
            if segment.type == PT_LOAD and segment.vaddr <= address < segment.vaddr + segment.filesz:
                return address - segment.vaddr + segment.offset
        return None

    # ---------------------------------------------------------------- dynamic section
    def dynamic(self) -> Optional[Dynamic]:
        """DT_NEEDED / DT_SONAME / DT_RPATH / DT_RUNPATH, or None for a file without them.

        Found as the loader finds them (PT_DYNAMIC, strings at DT_STRTAB), falling back to
        the ``.dynamic``/``.dynstr`` sections of a file without program headers.
        """
        entries, strings = self._dynamic_entries()
        if entries is None:
            return None
        facts = Dynamic()

        def text(offset: int) -> Optional[str]:
            if strings is None or offset >= len(strings):
                return None
            end = strings.find(b"\0", offset)
            return strings[offset:end if end >= 0 else len(strings)].decode("utf-8", "replace")

        for tag, value in entries:
            if tag not in (DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH):
                continue
            value_text = text(value)
            if value_text is None:
                continue
            if tag == DT_NEEDED:
                facts.needed.append(value_text)
            elif tag == DT_SONAME:
                facts.soname = value_text
            elif tag == DT_RPATH:
                facts.rpath.extend(value_text.split(":"))
            else:
                facts.runpath.extend(value_text.split(":"))
        return facts

    def _dynamic_entries(self) -> Tuple[Optional[List[Tuple[int, int]]], Optional[bytes]]:
        dyn = struct.Struct(self.endian + ("qQ" if self.bits64 else "iI"))
        where = next(((s.offset, s.filesz) for s in self.segments if s.type == PT_DYNAMIC), None)
        dynstr: Optional[Section] = None
        if where is None:
            section = self.section(".dynamic")
            if section is None or section.type == SHT_NOBITS:
                return None, None
            where = (section.offset, section.size)
            dynstr = self.sections[section.link] if section.link < len(self.sections) else None
        raw = self.read(where[0], min(where[1], 1 << 20))
        entries: List[Tuple[int, int]] = []
        for offset in range(0, len(raw) - dyn.size + 1, dyn.size):
            tag, value = dyn.unpack_from(raw, offset)
            if tag == DT_NULL:
                break
            entries.append((tag, value))
        values: Dict[int, int] = dict(entries)
        strings: Optional[bytes] = None
        strtab, strsz = values.get(DT_STRTAB), values.get(DT_STRSZ)
        if strtab is not None and strsz:
            strtab_offset = self.address_to_offset(strtab)
            if strtab_offset is None and dynstr is None:
                dynstr = self.section(".dynstr")
            if strtab_offset is not None:
                strings = self.read(strtab_offset, strsz)
        if strings is None and dynstr is not None and dynstr.type == SHT_STRTAB:
            strings = self.read(dynstr.offset, dynstr.size)
        return entries, strings
