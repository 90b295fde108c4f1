"""The ELF reader and the fatbin walker on synthetic files written from the formats' specs."""
from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from cudacheck.kernels.elf import ElfError, ElfFile
from cudacheck.kernels.fatbin import walk_section
from cudacheck.kernels.scan import scan_library
from cudacheck.kernels.symbols import cxx11_abi, gnu_hash, is_torch_symbol, torch_abi
from synth import Section, container, cuda_library, elf, entry, standard_containers


def write(tmp_path: Path, data: bytes, name: str = "lib.so") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("bits,endian", [(64, "<"), (32, "<"), (64, ">"), (32, ">")])
@pytest.mark.parametrize("extended", [False, True])
def test_sections_of_every_class_and_byte_order(tmp_path, bits, endian, extended):
    data = cuda_library(standard_containers(), bits=bits, endian=endian, extended_count=extended,
                        extended_names=extended)
    with ElfFile.open(write(tmp_path, data)) as handle:
        assert handle.bits64 == (bits == 64) and handle.endian == endian
        assert [s.name for s in handle.sections] == ["", ".text", ".nv_fatbin", ".nvFatBinSegment", ".shstrtab"]
    scan = scan_library(str(tmp_path / "lib.so"))
    assert scan.fatbin and scan.containers == 2 and scan.notes == []
    assert [(g.sass, g.ptx, g.count, g.ptx_isa) for g in scan.groups] == [
        (["sm_80"], ["compute_90"], 1, "9.0"), (["sm_90a"], [], 1, None)]
    assert scan.sass == ["sm_80", "sm_90a"] and scan.ptx == ["compute_90"] and scan.ptx_isa == ["9.0"]
    assert scan.compressed == {"zstd": 1} and scan.cudart == "static"


def test_entry_suffixes_debug_and_long_headers(tmp_path):
    entries = [entry("sass", 100, flags=0x200011 | 0x1000000, header_size=112), entry("sass", 80, flags=0x13),
               entry("ptx", 120, flags=0x100011, isa=(8, 8)), entry("sass", 121, flags=0x100011)]
    scan = scan_library(write(tmp_path, cuda_library([container(entries)])))
    assert scan.groups[0].sass == ["sm_80", "sm_100f", "sm_121a"] and scan.groups[0].ptx == ["compute_120a"]
    assert scan.debug_entries == 1 and scan.groups[0].ptx_isa == "8.8"


def test_containers_are_kept_apart_and_identical_ones_grouped(tmp_path):
    same = container([entry("sass", 75), entry("sass", 80)])
    scan = scan_library(write(tmp_path, cuda_library([same, same, b"\0" * 8, same, container([entry("sass", 90)])])))
    assert [(g.sass, g.count) for g in scan.groups] == [(["sm_75", "sm_80"], 3), (["sm_90"], 1)]
    assert scan.notes == []  # 8 bytes of alignment padding are not worth a note


def test_a_library_without_gpu_code_is_rejected_from_its_section_headers(tmp_path):
    scan = scan_library(write(tmp_path, elf([Section(".text", b"\xc3" * 64)])))
    assert not scan.fatbin and scan.containers == 0 and scan.groups == []


def test_relocatable_fatbin_is_reported_apart(tmp_path):
    data = elf([Section("__nv_relfatbin", container([entry("sass", 89)])),
                Section(".nv_fatbin", container([entry("sass", 80)]))])
    scan = scan_library(write(tmp_path, data))
    assert scan.relocatable == ["sm_89"] and scan.sass == ["sm_80"]


@pytest.mark.parametrize("damage,note", [
    (lambda c: c[:40], "bad container header"),  # truncated: the container claims more than the section has
    (lambda c: struct.pack("<I", 0xDEADBEEF) + c[4:], "no fatbin container magic"),
    (lambda c: c[:16] + struct.pack("<H", 7) + c[18:], "bad entry header"),  # entry kind 7
    (lambda c: c[:4] + struct.pack("<H", 2) + c[6:], "bad container header"),  # version 2
])
def test_malformed_fatbins_become_notes(tmp_path, damage, note):
    good = container([entry("sass", 80), entry("sass", 90)])
    scan = scan_library(write(tmp_path, cuda_library([damage(good)])))
    assert any(note in n for n in scan.notes), scan.notes


def test_wrong_magic_mid_section_resynchronises(tmp_path):
    good = container([entry("sass", 80)])
    scan = scan_library(write(tmp_path, cuda_library([good, b"GARBAGE!" * 8, container([entry("sass", 90)])])))
    assert [g.sass for g in scan.groups] == [["sm_80"], ["sm_90"]]
    assert any("skipped 64 bytes" in n for n in scan.notes)


@pytest.mark.parametrize("data,message", [
    (b"", "bad magic"), (b"\x7fELF", "bad magic"), (b"MZ\x90\x00" + b"\0" * 60, "bad magic"),
    (b"\x7fELF\x03\x01" + b"\0" * 58, "unknown ELF class"),
])
def test_not_elf(tmp_path, data, message):
    with pytest.raises(ElfError, match=message):
        scan_library(write(tmp_path, data))


def test_section_table_past_the_end(tmp_path):
    data = cuda_library(standard_containers())
    with pytest.raises(ElfError, match="do not fit|outside the file"):
        scan_library(write(tmp_path, data[:len(data) - 30]))


def test_huge_section_count(tmp_path):
    data = bytearray(cuda_library(standard_containers(), extended_count=True))
    shoff = struct.unpack_from("<Q", data, 40)[0]
    struct.pack_into("<Q", data, shoff + 32, 0xFFFFFFFF)  # section 0's sh_size: the real count
    with pytest.raises(ElfError, match="do not fit"):
        scan_library(write(tmp_path, bytes(data)))


def test_section_claims_bytes_past_the_end(tmp_path):
    data = bytearray(cuda_library(standard_containers()))
    shoff = struct.unpack_from("<Q", data, 40)[0]
    struct.pack_into("<Q", data, shoff + 2 * 64 + 32, 1 << 40)  # .nv_fatbin's sh_size
    scan = scan_library(write(tmp_path, bytes(data)))
    assert any("past the end" in n for n in scan.notes) and scan.containers == 2


def test_a_folder_named_like_a_library(tmp_path):
    (tmp_path / "libx.so").mkdir()
    with pytest.raises(OSError):
        scan_library(str(tmp_path / "libx.so"))


def test_unreadable_file(tmp_path):
    path = write(tmp_path, cuda_library(standard_containers()))
    os.chmod(path, 0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read any file")
        with pytest.raises(PermissionError):
            scan_library(path)
    finally:
        os.chmod(path, 0o644)


def test_walk_reads_headers_not_payloads(tmp_path):
    """A 1 MiB payload between two headers costs two header reads, not a megabyte."""
    big = container([entry("sass", 80, payload=b"\xff" * (1 << 20)), entry("sass", 90)])
    path = write(tmp_path, cuda_library([big]))
    reads = []
    with ElfFile.open(path) as handle:
        section = handle.section(".nv_fatbin")
        original = handle.read

        def counting(offset, size):
            reads.append(size)
            return original(offset, size)

        handle.read = counting  # type: ignore[method-assign]
        walk = walk_section(handle, section.offset, section.size)
    assert [len(c.entries) for c in walk.containers] == [2] and max(reads) <= 64


def test_symbol_classification():
    assert is_torch_symbol("_ZN3c104cuda9SetDeviceEi") and is_torch_symbol("_ZNK2at10TensorBase4sizeEl")
    assert is_torch_symbol("_ZTVN5torch8autograd8FunctionE") and is_torch_symbol("aoti_torch_get_device_type")
    assert is_torch_symbol("_Z16THPVariable_WrapN2at10TensorBaseE")
    assert not is_torch_symbol("_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE9_M_appendEPKcm")
    assert not is_torch_symbol("cudaLaunchKernel") and not is_torch_symbol("PyInit__C")
    assert torch_abi(["_ZN2at4_ops5zeros4callEv", "aoti_torch_empty_strided"]) == "cxx"
    assert torch_abi(["aoti_torch_empty_strided", "torch_call_dispatcher"]) == "stable"
    assert torch_abi([]) is None


def test_cxx11_abi_from_string_tables():
    new = b"\0_ZN3c105ErrorC2ENS_14SourceLocationENSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE\0"
    old = b"\0_ZN3c105ErrorC2ENS_14SourceLocationESs\0"
    tricky = b"\0_ZN3foo9ClassSsesEv\0"  # "Ss" inside an identifier is not std::string
    assert cxx11_abi(new) is True and cxx11_abi(old) is False and cxx11_abi(tricky) is None
    assert cxx11_abi(b"\0cudaMalloc\0") is None


def test_gnu_hash_reference_values():
    # Values from the ELF gABI extension's reference implementation (dl_new_hash).
    assert gnu_hash(b"") == 5381 and gnu_hash(b"printf") == 0x156B2BB8 and gnu_hash(b"exit") == 0x7C967E3F
