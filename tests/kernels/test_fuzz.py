"""Seeded fuzzing of the ELF reader and fatbin walker over mutated synthetic files.

Contract: for any bytes, scanning either returns a result or raises ElfError/OSError
(which the inventory turns into a ProbeError naming the file) — never another
exception, never a hang (every loop is bounded by header counts and the file size).
``CUDACHECK_FUZZ_CASES`` raises the number of cases (default 400).
"""
from __future__ import annotations

import os
import random
import struct
from pathlib import Path

from cudacheck.kernels.cache import ScanCache
from cudacheck.kernels.elf import ElfError
from cudacheck.kernels.inventory import kernel_facts
from cudacheck.kernels.scan import scan_library
from cudacheck.snapshot import TorchFacts
from synth import Section, container, cuda_library, elf, entry, standard_containers

CASES = int(os.environ.get("CUDACHECK_FUZZ_CASES", "400"))
SEED = 20261205
INTERESTING = [0, 1, 0x7F, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 1 << 40, (1 << 64) - 1, 0xBA55ED50]


def seeds():
    containers = standard_containers() + [container([entry("sass", a) for a in (75, 80, 86, 90, 100, 120)])]
    yield cuda_library(containers)
    yield cuda_library(containers, bits=32)
    yield cuda_library(containers, endian=">")
    yield cuda_library(containers, extended_count=True, extended_names=True)
    yield elf([Section("__nv_relfatbin", container([entry("sass", 89)])), Section(".nv_fatbin", containers[0]),
               Section(".dynsym", b"\0" * 48, type=11, link=3), Section(".dynstr", b"\0abc\0", type=3)])


def mutate(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not buffer:
            break
        operation = rng.randrange(6)
        position = rng.randrange(len(buffer))
        if operation == 0:  # flip bits
            buffer[position] ^= 1 << rng.randrange(8)
        elif operation == 1 and len(buffer) >= 8:  # an interesting 64-bit value
            position = min(position, len(buffer) - 8) & ~7
            struct.pack_into("<Q", buffer, position, rng.choice(INTERESTING) & ((1 << 64) - 1))
        elif operation == 2 and len(buffer) >= 4:  # an interesting 32-bit value
            position = min(position, len(buffer) - 4) & ~3
            struct.pack_into("<I", buffer, position, rng.choice(INTERESTING) & 0xFFFFFFFF)
        elif operation == 3:  # truncate
            del buffer[position:]
        elif operation == 4:  # duplicate a slice
            end = min(len(buffer), position + rng.randint(1, 256))
            buffer[position:position] = buffer[position:end]
        else:  # random bytes
            buffer[position:position + 16] = bytes(rng.randrange(256) for _ in range(16))
    return bytes(buffer)


def test_no_input_crashes_the_reader(tmp_path: Path):
    rng = random.Random(SEED)
    bases = list(seeds())
    outcomes = {"scanned": 0, "rejected": 0}
    path = tmp_path / "fuzz.so"
    for case in range(CASES):
        data = mutate(rng.choice(bases), rng)
        path.write_bytes(data)
        try:
            scan = scan_library(str(path))
        except (ElfError, OSError):
            outcomes["rejected"] += 1
            continue
        except Exception as exc:  # pragma: no cover - the failure this test exists to find
            raise AssertionError(f"case {case}: {type(exc).__name__}: {exc}; bytes {data[:64].hex()}…") from exc
        outcomes["scanned"] += 1
        assert scan.containers == sum(g.count for g in scan.groups)
        assert all(isinstance(note, str) for note in scan.notes)
    assert outcomes["scanned"] and outcomes["rejected"]  # both paths were exercised


def test_hostile_files_become_probe_errors_and_the_inventory_goes_on(tmp_path: Path):
    site = tmp_path / "site-packages"
    package = site / "hostile"
    package.mkdir(parents=True)
    good = cuda_library(standard_containers())
    files = {"good.so": good, "truncated.so": good[:200], "not_elf.so": b"\x00" * 100,
             "past_end.so": mutate(good, random.Random(3))}
    for name, data in files.items():
        (package / name).write_bytes(data)
    (package / "missing.so").symlink_to(package / "nowhere.so")
    info = site / "hostile-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hostile\nVersion: 1.0\n\n")
    (info / "RECORD").write_text("".join(f"hostile/{name},," + "\n" for name in [*files, "missing.so"]))
    errors = []
    inventory = kernel_facts(TorchFacts(), {}, search_path=[str(site)], errors=errors, cache=ScanCache(None))
    assert [b.path.rsplit("/", 1)[-1] for b in inventory.binaries][:1] == ["good.so"]
    named = {e.message.split(":", 1)[0].rsplit("/", 1)[-1] for e in errors}
    assert {"truncated.so", "not_elf.so"} <= named and all(e.probe == "kernels" for e in errors)
    assert all(e.kind in ("error", "not_found", "permission") for e in errors)
