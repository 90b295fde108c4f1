"""Dynamic symbols: what an extension needs from torch, and whether torch exports it.

* :func:`dynamic_symbols` lists a (small) library's dynamic symbol names, split into
  undefined (needed from elsewhere) and defined.
* :class:`GnuHashTable` answers "does this library export NAME?" the way the dynamic
  loader does, through the ``.gnu.hash`` section (bloom filter, bucket, chain, then one
  name compare): a few reads per symbol instead of reading torch's ~100,000 symbols.
* :func:`torch_abi`, :func:`cxx11_abi` classify the names: C++-mangled ``c10``/``at``/
  ``torch`` symbols mean the version-locked C++ interface, ``aoti_torch_*`` shims the
  LibTorch stable C ABI; ``__cxx11`` in a mangled ``std::string`` means the new
  libstdc++ string ABI, a bare ``Ss`` the old one.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Iterable, List, Optional

from .elf import SHN_UNDEF, SHT_DYNSYM, SHT_GNU_HASH, STB_WEAK, ElfError, ElfFile, Section
from ..lazy_regex import lazy_compile

MAX_SYMBOLS = 2_000_000

#: Mangled names of torch's C++ API: c10::, at::, torch::, caffe2:: (also their vtables,
#: typeinfo and thunks) and the THP* Python-binding helpers.
_TORCH_CXX = lazy_compile(r"^_Z(?:T[VIS]|Th\w*?_|Tv\w*?_)?N?K?(?:3c10|2at|5torch|6caffe2)|^_Z\d+THP")
#: The LibTorch stable C ABI (``torch/csrc/stable``, ``torch/csrc/inductor/aoti_torch/c/shim.h``).
_TORCH_STABLE = lazy_compile(r"^(?:aoti_torch_|torch_)")


@dataclass
class DynamicSymbols:
    """Undefined strong references in ``.dynsym`` and the raw dynamic string table."""

    undefined: List[str] = field(default_factory=list)
    strings: bytes = b""


def _dynsym(elf: ElfFile) -> Optional[Section]:
    return next((s for s in elf.sections if s.type == SHT_DYNSYM), None)


def _symbol_struct(elf: ElfFile) -> struct.Struct:
    # Elf64_Sym: name u32, info u8, other u8, shndx u16, value u64, size u64
    # Elf32_Sym: name u32, value u32, size u32, info u8, other u8, shndx u16
    return struct.Struct(elf.endian + ("IBBHQQ" if elf.bits64 else "IIIBBH"))


def dynamic_symbols(elf: ElfFile, undefined: bool = True) -> DynamicSymbols:
    """The dynamic string table and (unless ``undefined=False``) the names of the
    symbols ``elf`` needs from other libraries (weak undefined ones are not needs)."""
    result = DynamicSymbols()
    table = _dynsym(elf)
    if table is None or table.size == 0:
        return result
    sym = _symbol_struct(elf)
    entsize = table.entsize or sym.size
    if entsize != sym.size:
        raise ElfError(f".dynsym entry size {entsize} is not {sym.size}")
    count = table.size // entsize
    if count > MAX_SYMBOLS:
        raise ElfError(f".dynsym claims {count} symbols")
    if table.link >= len(elf.sections):
        raise ElfError(".dynsym names a string table that does not exist")
    strings = result.strings = elf.section_data(elf.sections[table.link])
    if not undefined:
        return result
    name_at, info_at, shndx_at = (0, 1, 3) if elf.bits64 else (0, 3, 5)
    for fields in sym.iter_unpack(elf.read(table.offset, count * entsize)):
        if fields[shndx_at] != SHN_UNDEF or fields[info_at] >> 4 == STB_WEAK:
            continue
        name = fields[name_at]
        if not name or name >= len(strings):
            continue
        end = strings.find(b"\0", name)
        result.undefined.append(strings[name:end if end >= 0 else len(strings)].decode("utf-8", "replace"))
    return result


def is_torch_symbol(name: str) -> bool:
    """Whether a symbol name belongs to torch's C++ API or its stable C ABI."""
    return bool(_TORCH_CXX.match(name) or _TORCH_STABLE.match(name))


def torch_abi(undefined: Iterable[str]) -> Optional[str]:
    """``cxx`` (C++ symbols: locked to one torch release), ``stable`` (only the stable C
    ABI) or None (no torch symbols at all)."""
    cxx = stable = False
    for name in undefined:
        if _TORCH_CXX.match(name):
            cxx = True
        elif _TORCH_STABLE.match(name):
            stable = True
    return "cxx" if cxx else "stable" if stable else None


def _old_string(name: str) -> bool:
    """Whether a mangled name spells ``std::string`` the pre-C++11 way (``Ss``), skipping
    identifiers (``<length><chars>``) so that ``Ss`` inside a name does not count."""
    index, length = 2, len(name)
    while index < length:
        char = name[index]
        if char.isdigit():
            start = index
            while index < length and name[index].isdigit():
                index += 1
            index += int(name[start:index])
            continue
        if name.startswith("Ss", index):
            return True
        index += 1
    return False


_MANGLED_WITH_STRING = lazy_compile(rb"_Z[^\0]*?(?:Ss|basic_string)[^\0]*")


def cxx11_abi(strings: bytes) -> Optional[bool]:
    """From a dynamic string table: True (mangled names use ``std::__cxx11`` strings),
    False (they use the old ``Ss`` strings) or None (no mangled ``std::string`` to tell by)."""
    if b"__cxx11" in strings:
        return True
    for match in _MANGLED_WITH_STRING.finditer(strings):
        if _old_string(match.group(0).decode("ascii", "replace")):
            return False
    return None


def gnu_hash(name: bytes) -> int:
    """The GNU symbol hash (DJB2, 32 bits)."""
    value = 5381
    for byte in name:
        value = (value * 33 + byte) & 0xFFFFFFFF
    return value


class GnuHashTable:
    """Exported-symbol lookups in one library through its ``.gnu.hash`` section."""

    def __init__(self, elf: ElfFile) -> None:
        self.elf = elf
        section = next((s for s in elf.sections if s.type == SHT_GNU_HASH), None)
        symbols = _dynsym(elf)
        if section is None or symbols is None or symbols.link >= len(elf.sections):
            raise ElfError("no .gnu.hash or .dynsym section")
        self.sym = _symbol_struct(elf)
        self.symbols = symbols
        self.entsize = symbols.entsize or self.sym.size
        if self.entsize < self.sym.size:
            raise ElfError(".dynsym entry size is too small")
        self.strings = elf.sections[symbols.link]
        data = elf.section_data(section)
        e = elf.endian
        if len(data) < 16:
            raise ElfError(".gnu.hash is truncated")
        self.nbuckets, self.symoffset, bloom_size, self.bloom_shift = struct.unpack_from(e + "IIII", data, 0)
        word = 8 if elf.bits64 else 4
        bloom_end = 16 + bloom_size * word
        buckets_end = bloom_end + self.nbuckets * 4
        if self.nbuckets == 0 or bloom_size == 0 or buckets_end > len(data):
            raise ElfError(".gnu.hash header does not fit its section")
        self.bloom = struct.unpack_from(f"{e}{bloom_size}{'Q' if elf.bits64 else 'I'}", data, 16)
        self.buckets = struct.unpack_from(f"{e}{self.nbuckets}I", data, bloom_end)
        chain_count = (len(data) - buckets_end) // 4
        self.chain = struct.unpack_from(f"{e}{chain_count}I", data, buckets_end)
        self.bits = word * 8

    def exports(self, name: str) -> bool:
        """Whether the library defines ``name`` in its dynamic symbol table."""
        raw = name.encode()
        value = gnu_hash(raw)
        word = self.bloom[(value // self.bits) % len(self.bloom)]
        mask = (1 << (value % self.bits)) | (1 << ((value >> self.bloom_shift) % self.bits))
        if word & mask != mask:
            return False
        index = self.buckets[value % self.nbuckets]
        if index < self.symoffset:
            return False
        while 0 <= index - self.symoffset < len(self.chain):
            chained = self.chain[index - self.symoffset]
            if (chained | 1) == (value | 1) and self._name_matches(index, raw):
                return True
            if chained & 1:
                return False
            index += 1
        return False

    def _name_matches(self, index: int, raw: bytes) -> bool:
        offset = self.symbols.offset + index * self.entsize
        if index * self.entsize + self.sym.size > self.symbols.size:
            return False
        fields = self.sym.unpack(self.elf.read(offset, self.sym.size))
        name, shndx = (fields[0], fields[3]) if self.elf.bits64 else (fields[0], fields[5])
        if shndx == SHN_UNDEF or name >= self.strings.size:
            return False
        stored = self.elf.read_upto(self.strings.offset + name, len(raw) + 1)
        return stored == raw + b"\0"
