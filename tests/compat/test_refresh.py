"""Refreshing torch_releases.json from wheels: reading a wheel, --check and --write.

Unit tests use small synthetic wheels: a zip with torch/version.py, a METADATA and ELF
libraries with fatbin sections written by the kernel tests' ``synth`` helpers. The slow
test reads the real torch 2.14.1 wheel (its members from the kernel tests' extraction
cache) and must reproduce the shipped table row.
"""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from cudacheck.compat import refresh, wheel_fetch
from cudacheck.compat.db import CompatDB, data_dir
from cudacheck.compat.refresh import RefreshError, apply, compare, variant_values
from cudacheck.compat.table_file import TableFileError, dump_table, load_table, save_table
from cudacheck.compat.wheel_fetch import FetchError
from cudacheck.compat.torch_wheel import (CHUNK, UnpackedWheel, WheelError, ZipWheel, arch_list_from_flags,
                                          compiled_arch_flags, read_wheel)
from cudacheck.kernels.elf import ElfFile
from kernels.synth import Section, container, elf, entry

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "refresh_compat.py"
BASE = "https://download.pytorch.org/whl/"
PINS = {"cuda-toolkit": "13.0.3", "nvidia-cudnn-cu13": "9.24.0.43", "nvidia-nccl-cu13": "2.30.7"}


def metadata(version: str, requirements: Optional[List[str]] = None, python: str = ">=3.10") -> str:
    if requirements is None:
        requirements = ["filelock",
                        'cuda-toolkit[cublas,cudart]==13.0.3; platform_system == "Linux"',
                        'cuda-bindings<14,>=13.0.3; platform_system == "Linux"',
                        'nvidia-cudnn-cu13==9.24.0.43; platform_system == "Linux"',
                        'nvidia-nccl-cu13==2.30.7; platform_system == "Linux"',
                        'triton~=3.8.0; platform_system == "Linux" and python_version < "3.15"',
                        'pyyaml; extra == "pyyaml"']
    lines = ["Metadata-Version: 2.4", "Name: torch", f"Version: {version}", f"Requires-Python: {python}"]
    lines += [f"Requires-Dist: {r}" for r in requirements]
    return "\n".join(lines) + "\n\nlong description: Requires-Dist: nvidia-fake==1\n"


def version_py(version: str, cuda: Optional[str]) -> str:
    return (f"__version__ = '{version}'\ndebug = False\ncuda: Optional[str] = {cuda and repr(cuda)}\n"
            "git_version = '5c4886908584029761b579af026dcfb627c84070'\nhip: Optional[str] = None\n")


def torch_cuda(containers: Optional[List[bytes]] = None, rodata: bytes = b"") -> bytes:
    """libtorch_cuda.so: three containers carry sm_80 sm_90 + PTX compute_90, one only sm_90a."""
    if containers is None:
        generic = container([entry("sass", 80), entry("sass", 90), entry("ptx", 90)])
        containers = [generic, generic, generic, container([entry("sass", 90, flags=0x100011)])]
    return elf([Section(".text", b"\xc3" * 16), Section(".rodata", rodata or b"\0"),
                Section(".nv_fatbin", b"".join(containers)), Section(".nvFatBinSegment", b"\0" * 24)])


def torch_python(flags: bytes = b"sm_80 sm_90 compute_90") -> bytes:
    return elf([Section(".rodata", b"usage: %s\0" + flags + b"\0sm_\0more text\0")])


def make_wheel(folder: Path, version: str = "2.99.1+cu130", cuda: Optional[str] = "13.0", *,
               meta_version: Optional[str] = "2.99.1", requirements: Optional[List[str]] = None,
               libs: Optional[Dict[str, bytes]] = None, name: Optional[str] = None) -> Path:
    """A torch wheel with version.py, METADATA and the given torch/lib files."""
    meta_version = meta_version or version
    public = version.split("+")[0]
    path = folder / (name or f"torch-{meta_version}-cp311-cp311-manylinux_2_28_x86_64.whl")
    if libs is None:
        libs = {"libtorch_cuda.so": torch_cuda(), "libtorch_python.so": torch_python(),
                "libtorch_cpu.so": elf([Section(".text", b"\x90" * 64)]), "libgomp.so.1": b"not even ELF"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("torch/version.py", version_py(version, cuda))
        archive.writestr(f"torch-{meta_version}.dist-info/METADATA", metadata(meta_version, requirements))
        archive.writestr(f"torch-{meta_version}.dist-info/WHEEL",
                         "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-manylinux_2_28_x86_64\n")
        archive.writestr("torch/__init__.py", "")
        for lib, data in libs.items():
            archive.writestr(f"torch/lib/{lib}", data)
        archive.writestr(f"torch/lib/libshm/{public}.h", "")
    return path


def facts_of(path: Path):
    with ZipWheel(str(path)) as wheel:
        return read_wheel(wheel)


def variant_row(**changes) -> dict:
    row = {"tag": "cu130", "cuda": "13.0", "arch_list": "8.0;9.0+PTX", "sm": ["8.0", "9.0"], "ptx": ["9.0"],
           "cudnn": "9.24.0.43", "nccl": "2.30.7", "nvidia_pins": dict(PINS),
           "source": "pypi:torch-2.99.0-cp311-cp311-manylinux_2_28_x86_64.whl (sha256 0123456789abcdef…)",
           "confidence": "official", "note": "a note"}
    row.update(changes)
    return row


def small_table(patches=("2.99.0", "2.99.1"), variants=None, **release_changes) -> dict:
    release = {"version": "2.99", "patches": list(patches), "release_date": "2026-01-01",
               "python": ">=3.10,<=3.14", "python_versions": ["3.10", "3.11", "3.12", "3.13", "3.14"],
               "pypi_default": "cu130", "torchvision": None, "torchaudio": None, "source": "test",
               "confidence": "official",
               "variants": variants if variants is not None else [
                   variant_row(tag="cu126", cuda="12.6", arch_list=None, sm=None, ptx=None, cudnn=None, nccl=None,
                               nvidia_pins={}, confidence="inferred"), variant_row()]}
    release.update(release_changes)
    return {"schema_version": 1, "data_version": "2026-01-02", "description": "test",
            "index_url_base": BASE, "releases": [release]}


@pytest.fixture
def wheel(tmp_path) -> Path:
    return make_wheel(tmp_path)


# ---------------------------------------------------------------------------- reading a wheel
def test_a_cuda_wheel_is_read_from_version_py_metadata_and_the_fatbins(wheel):
    facts = facts_of(wheel)
    assert (facts.version, facts.cuda, facts.tag, facts.patch, facts.series) == \
        ("2.99.1+cu130", "13.0", "cu130", "2.99.1", "2.99")
    assert facts.pypi_default and facts.requires_python == ">=3.10" and facts.git_version.startswith("5c488690")
    assert facts.pins == PINS  # exact pins only: cuda-bindings' range and triton are not pins
    assert (facts.cudnn, facts.nccl, facts.triton) == ("9.24.0.43", "2.30.7", "~=3.8.0")
    assert "pyyaml" not in facts.requirements and "nvidia-fake" not in facts.requirements
    assert facts.arch_flags == "sm_80 sm_90 compute_90"
    [cuda] = facts.libraries  # libtorch_cpu.so has no GPU code; libgomp.so.1 is not ELF
    assert (cuda.member, cuda.containers, cuda.sass, cuda.ptx, cuda.extras) == \
        ("torch/lib/libtorch_cuda.so", 4, ["sm_80", "sm_90"], ["compute_90"], ["sm_90a"])
    assert any("libgomp.so.1" in note for note in facts.notes)
    assert facts.sha256 == __import__("hashlib").sha256(wheel.read_bytes()).hexdigest()


def test_the_row_a_wheel_gives(wheel):
    assert variant_values(facts_of(wheel)) == {
        "cuda": "13.0", "arch_list": "8.0;9.0+PTX", "sm": ["8.0", "9.0"], "ptx": ["9.0"],
        "cudnn": "9.24.0.43", "nccl": "2.30.7", "nvidia_pins": PINS}


def test_a_wheel_from_the_official_index_is_not_pypis_default(tmp_path):
    facts = facts_of(make_wheel(tmp_path, meta_version="2.99.1+cu130"))
    assert facts.tag == "cu130" and not facts.pypi_default
    assert refresh.wheel_origin(facts, BASE) == f"{BASE}cu130/torch-2.99.1%2Bcu130-cp311-cp311-manylinux_2_28_x86_64.whl"


def test_what_a_wheel_does_not_tell_stays_unknown(tmp_path):
    libs = {"libtorch_python.so": elf([Section(".rodata", b"no flags here\0")])}
    facts = facts_of(make_wheel(tmp_path, requirements=["filelock"], libs=libs))
    values = variant_values(facts)
    assert values["arch_list"] is None and values["sm"] is None and values["ptx"] is None
    assert values["cudnn"] is None and values["nccl"] is None and values["nvidia_pins"] == {}


def test_nccl_linked_into_libtorch_cuda_is_read_when_nothing_pins_it(tmp_path):
    rodata = b"NCCL version %s\0NCCL version 2.21.5+cuda12.4\0"
    libs = {"libtorch_cuda.so": torch_cuda(rodata=rodata), "libtorch_python.so": torch_python()}
    facts = facts_of(make_wheel(tmp_path, requirements=["filelock"], libs=libs))
    assert facts.nccl_linked == "2.21.5" and facts.nccl == "2.21.5"


@pytest.mark.parametrize("flags, expected", [
    ("sm_75 sm_80 sm_86 sm_90 sm_100 sm_120", "7.5;8.0;8.6;9.0;10.0;12.0"),
    ("sm_50 sm_60 sm_70 compute_70", "5.0;6.0;7.0+PTX"),
    ("sm_90 compute_90 sm_90a", "9.0+PTX;9.0a"),
    ("compute_80", "8.0+PTX"),
    ("", None),
    (None, None),
])
def test_arch_list_from_the_compiled_flags(flags, expected):
    assert arch_list_from_flags(flags) == expected


def test_arch_flags_are_one_string_made_only_of_targets(tmp_path):
    def flags_in(rodata: bytes):
        path = tmp_path / "lib.so"
        path.write_bytes(elf([Section(".rodata", rodata)]))
        with ElfFile.open(str(path)) as library:
            return compiled_arch_flags(library)

    assert flags_in(b"x\0sm_80 sm_90\0y\0") == ("sm_80 sm_90", None)
    assert flags_in(b"use sm_80 sm_90 here\0") == (None, None)
    assert flags_in(b"std::string ipc_hsm_70 sm_75 sm_120\0") == ("sm_70 sm_75 sm_120", None)  # no NUL before
    assert flags_in(b"built for sm_80\0") == (None, None)  # one target at the end of a sentence is not the flags
    flags, note = flags_in(b"sm_80 sm_90\0sm_70\0")
    assert flags is None and "several" in note
    straddling = b"\0" * (CHUNK - 8) + b"sm_75 sm_80 compute_80\0"  # across a read boundary
    assert flags_in(b"\0" * (-(64 + len(straddling)) % 8) + straddling)[0] == "sm_75 sm_80 compute_80"


def test_a_cpu_wheel_has_no_variant(tmp_path):
    libs = {"libtorch_python.so": elf([Section(".rodata", b"nothing\0")])}
    facts = facts_of(make_wheel(tmp_path, "2.99.1+cpu", None, meta_version="2.99.1+cpu",
                                requirements=["filelock"], libs=libs))
    assert not facts.is_cuda and facts.tag is None and not facts.pypi_default and facts.libraries == []


def test_not_a_torch_wheel(tmp_path):
    path = tmp_path / "other-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("other/__init__.py", "")
    with pytest.raises(WheelError, match="not a torch wheel"):
        facts_of(path)
    (tmp_path / "broken.whl").write_bytes(b"PK\3\4 truncated")
    with pytest.raises(WheelError, match="not a readable wheel"):
        ZipWheel(str(tmp_path / "broken.whl"))


# ---------------------------------------------------------------------------- --check
def test_check_agrees_with_a_matching_row(wheel):
    result = compare(small_table(), facts_of(wheel))
    assert result.differences == []
    assert {"cuda 13.0", "arch_list 8.0;9.0+PTX", "sm [8.0, 9.0]", "cudnn 9.24.0.43", "PyPI default cu130",
            "patch 2.99.1 listed"} <= set(result.checked)
    assert any("does not name this wheel" in note for note in result.notes)


def test_check_names_each_field_that_differs(wheel):
    table = small_table(variants=[variant_row(cudnn="9.20.0.1", sm=None, ptx=None)], pypi_default="cu126",
                        patches=["2.99.0"], python=">=3.11,<=3.14")
    lines = [d.line() for d in compare(table, facts_of(wheel)).differences]
    assert lines == [
        "torch 2.99 patches: table [2.99.0], wheel 2.99.1",
        "torch 2.99 python: table >=3.11,<=3.14, wheel >=3.10",
        "torch 2.99 pypi_default: table cu126, wheel cu130",
        "torch 2.99 cu130 sm: table unknown (null), wheel [8.0, 9.0]",
        "torch 2.99 cu130 ptx: table unknown (null), wheel [9.0]",
        "torch 2.99 cu130 cudnn: table 9.20.0.1, wheel 9.24.0.43",
    ]


def test_python_lower_bounds_compare_as_versions(tmp_path):
    facts = facts_of(make_wheel(tmp_path))
    facts.metadata = facts.metadata._replace(requires_python=">=3.10.0")
    assert compare(small_table(), facts).differences == []
    assert [d.field for d in compare(small_table(python=">=3.1,<=3.14"), facts).differences] == ["python"]


def test_check_of_a_missing_variant_or_release(wheel):
    facts = facts_of(wheel)
    [missing] = compare(small_table(variants=[variant_row(tag="cu126", cuda="12.6")]), facts).differences
    assert missing.line() == "torch 2.99 cu130 variant: table unknown (null), wheel CUDA 13.0"
    table = small_table()
    table["releases"][0]["version"] = "2.98"
    assert [d.field for d in compare(table, facts).differences] == ["release"]


def test_check_of_an_older_patch_reads_its_override(tmp_path):
    facts = facts_of(make_wheel(tmp_path, "2.99.0+cu130", meta_version="2.99.0"))
    row = variant_row(cudnn="9.30.0.1", patch_overrides={"2.99.0": {"cudnn": "9.24.0.43", "source": "x"}})
    result = compare(small_table(variants=[row]), facts)
    assert result.differences == [] and "cudnn 9.24.0.43" in result.checked


def test_check_of_a_cpu_wheel_says_what_it_cannot_confirm(tmp_path):
    libs = {"libtorch_python.so": elf([Section(".rodata", b"nothing\0")])}
    facts = facts_of(make_wheel(tmp_path, "2.99.1+cpu", None, meta_version="2.99.1+cpu",
                                requirements=["filelock"], libs=libs))
    result = compare(small_table(variants=[variant_row(cudnn="9.0.0.0")]), facts)
    assert result.differences == [] and result.checked[0] == "patch 2.99.1 listed"
    assert "CPU-only build" in result.notes[0] and "cannot confirm any field" in result.notes[0]
    assert "(cu130)" in result.notes[0]


def test_check_notes_when_the_flags_and_the_fatbin_disagree(tmp_path):
    libs = {"libtorch_cuda.so": torch_cuda(), "libtorch_python.so": torch_python(b"sm_80 sm_90")}
    result = compare(small_table(), facts_of(make_wheel(tmp_path, libs=libs)))
    assert any("disagree" in note for note in result.notes)
    assert [d.field for d in result.differences] == ["arch_list"]


# ---------------------------------------------------------------------------- --write
def test_write_leaves_a_row_that_already_names_the_wheel_untouched(wheel):
    facts = facts_of(wheel)
    table = small_table(variants=[variant_row(source=f"pypi:{wheel.name} (sha256 {facts.sha256[:16]}…)")])
    before = copy.deepcopy(table)
    assert apply(table, facts, "2030-01-01") == [] and table == before


def test_write_adds_the_wheel_to_the_source_of_a_row_with_the_same_values(wheel):
    table = small_table()
    changes = apply(table, facts_of(wheel), "2030-01-01")
    row = table["releases"][0]["variants"][1]
    assert row["source"].startswith("pypi:torch-2.99.0") and "; pypi:torch-2.99.1-cp311" in row["source"]
    assert row["source"].endswith("same checks)") and row["note"] == "a note"
    assert changes[-1] == "data_version 2030-01-01" and table["data_version"] == "2030-01-01"


def test_write_fixes_values_and_names_the_wheel_as_the_source(wheel):
    facts = facts_of(wheel)
    table = small_table(variants=[variant_row(cudnn="9.20.0.1", confidence="secondary")], patches=["2.99.1"])
    apply(table, facts, "2030-01-01")
    row = table["releases"][0]["variants"][0]
    assert row["cudnn"] == "9.24.0.43" and row["confidence"] == "official" and "patch_overrides" not in row
    assert row["source"] == (f"pypi:{wheel.name} (sha256 {facts.sha256}; METADATA Requires-Dist; torch/version.py; "
                             "CUDA_ARCH_FLAGS string in torch/lib/libtorch_python.so; fatbin scan of "
                             "torch/lib/libtorch_cuda.so)")


def test_write_of_a_newer_patch_keeps_the_earlier_values_as_overrides(wheel, tmp_path):
    table = small_table(patches=["2.99.0"], variants=[variant_row(sm=["8.0"], ptx=[], arch_list="8.0")])
    apply(table, facts_of(wheel), "2030-01-01")
    release = table["releases"][0]
    row = release["variants"][0]
    assert release["patches"] == ["2.99.0", "2.99.1"] and row["sm"] == ["8.0", "9.0"] and row["ptx"] == ["9.0"]
    assert row["patch_overrides"] == {"2.99.0": {"arch_list": "8.0", "sm": ["8.0"], "ptx": [],
                                                 "source": variant_row()["source"], "confidence": "official"}}
    save_table(str(tmp_path / "torch_releases.json"), table)
    db = CompatDB(str(tmp_path))  # the reading side applies the overrides as written
    assert db.torch_variant("2.99.0", "13.0").sm == ["8.0"] and db.torch_variant("2.99.1", "13.0").sm == ["8.0", "9.0"]


def test_write_of_a_newer_patch_completes_an_earlier_override(wheel):
    row = variant_row(cudnn="9.20.0.1", patch_overrides={"2.99.0": {"sm": ["8.0"], "ptx": [], "source": "old build"}})
    table = small_table(patches=["2.99.0"], variants=[row])
    apply(table, facts_of(wheel), "2030-01-01")
    override = table["releases"][0]["variants"][0]["patch_overrides"]["2.99.0"]
    assert override["sm"] == ["8.0"] and override["cudnn"] == "9.20.0.1"
    assert override["source"] == f"old build; {variant_row()['source']}"


def test_write_of_an_older_patch_with_the_same_values_names_it_in_the_source(tmp_path):
    facts = facts_of(make_wheel(tmp_path, "2.99.0+cu130", meta_version="2.99.0"))
    table = small_table(variants=[variant_row(source="pypi:torch-2.99.1-cp311-… (sha256 …)")])
    assert apply(table, facts, "2030-01-01")[0] == f"torch 2.99 cu130 source: added {facts.filename} (same values)"
    assert table["releases"][0]["variants"][0]["source"].endswith(f"(sha256 {facts.sha256}; same checks)")


def test_write_of_an_older_patch_that_differs_records_an_override(tmp_path):
    facts = facts_of(make_wheel(tmp_path, "2.99.0+cu130", meta_version="2.99.0"))
    table = small_table(variants=[variant_row(sm=["8.0", "9.0", "10.0"])])
    changes = apply(table, facts, "2030-01-01")
    override = table["releases"][0]["variants"][0]["patch_overrides"]["2.99.0"]
    assert override["sm"] == ["8.0", "9.0"] and override["ptx"] == ["9.0"] and override["confidence"] == "official"
    assert changes[0] == "torch 2.99 cu130 patch_overrides[2.99.0] sm: [8.0, 9.0, 10.0] -> [8.0, 9.0]"
    table["releases"][0]["variants"][0]["nvidia_pins"] = {"cuda-toolkit": "13.0.2"}
    with pytest.raises(RefreshError, match="nvidia_pins, which patch_overrides cannot hold"):
        apply(table, facts, "2030-01-01")


def test_write_creates_a_missing_variant_in_cuda_order(wheel):
    table = small_table(variants=[variant_row(tag="cu132", cuda="13.2"), variant_row(tag="cu126", cuda="12.6")])
    apply(table, facts_of(wheel), "2030-01-01")
    variants = table["releases"][0]["variants"]
    assert [v["tag"] for v in variants] == ["cu126", "cu130", "cu132"]
    assert variants[1]["confidence"] == "official" and variants[1]["sm"] == ["8.0", "9.0"]
    assert list(variants[1]) == ["tag", "cuda", "arch_list", "sm", "ptx", "cudnn", "nccl", "nvidia_pins", "source",
                                 "confidence", "note"]


def test_write_creates_a_missing_release_that_validates(wheel, tmp_path):
    table = small_table()
    table["releases"][0]["version"], table["releases"][0]["patches"] = "2.98", ["2.98.0"]
    apply(table, facts_of(wheel), "2030-01-01")
    new = table["releases"][1]
    assert new["version"] == "2.99" and new["patches"] == ["2.99.1"] and new["pypi_default"] == "cu130"
    assert new["python"] == ">=3.10" and new["python_versions"] == [] and new["torchvision"] is None
    path = tmp_path / "torch_releases.json"
    save_table(str(path), table)
    assert load_table(str(path)) == table


def test_a_cpu_wheel_writes_release_facts_only(tmp_path):
    libs = {"libtorch_python.so": elf([Section(".rodata", b"nothing\0")])}
    facts = facts_of(make_wheel(tmp_path, "2.99.2+cpu", None, meta_version="2.99.2+cpu",
                                requirements=["filelock"], libs=libs))
    table = small_table()
    variants = copy.deepcopy(table["releases"][0]["variants"])
    assert apply(table, facts, "2030-01-01") == ["torch 2.99 patches: added 2.99.2", "data_version 2030-01-01"]
    assert table["releases"][0]["variants"] == variants
    table["releases"][0]["version"] = "2.98"
    with pytest.raises(RefreshError, match="CPU-only build: it creates no torch 2.99 release"):
        apply(table, facts, "2030-01-01")


# ---------------------------------------------------------------------------- the table file
def test_the_shipped_table_is_in_the_layout_the_writer_keeps():
    path = Path(data_dir()) / "torch_releases.json"
    assert dump_table(load_table(str(path))) == path.read_text(encoding="utf-8")


def test_a_table_in_another_layout_or_invalid_is_refused(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(small_table(), indent=2))
    with pytest.raises(TableFileError, match="not in the table's layout"):
        load_table(str(path))
    table = small_table()
    table["releases"][0]["variants"][0]["cuda_version"] = "12.6"
    with pytest.raises(TableFileError, match="would not validate, nothing written"):
        save_table(str(path), table)
    table = small_table(variants=[variant_row(tag="cu999", cuda="99.9")])
    with pytest.raises(TableFileError, match="no CUDA 99.9 row"):
        save_table(str(path), table)
    assert path.read_text() == json.dumps(small_table(), indent=2)


# ---------------------------------------------------------------------------- the script
def run_script(*args: str) -> subprocess.CompletedProcess:
    """The script, with pip reading no configuration (its downloads here are local only)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300,
                          env=env)


def test_script_check_write_check(wheel, tmp_path):
    table = tmp_path / "torch_releases.json"
    table.write_text(dump_table(small_table(variants=[variant_row(nccl="2.29.7")])))
    first = run_script("--check", "--table", str(table), "--wheel", str(wheel))
    assert first.returncode == refresh.DIFFERS and first.stderr == ""
    assert "  DIFFERS torch 2.99 cu130 nccl: table 2.29.7, wheel 2.30.7" in first.stdout.splitlines()
    written = run_script("--write", "--table", str(table), "--wheel", str(wheel))
    assert written.returncode == refresh.OK, written.stderr
    assert "  torch 2.99 cu130 nccl: 2.29.7 -> 2.30.7" in written.stdout.splitlines()
    again = run_script("--check", "--table", str(table), "--wheel", str(wheel))
    assert again.returncode == refresh.OK and "DIFFERS" not in again.stdout
    expected = small_table(variants=[variant_row()])
    got = json.loads(table.read_text())
    got["releases"][0]["variants"][0]["source"] = expected["releases"][0]["variants"][0]["source"]
    expected["data_version"] = got["data_version"]
    assert got == expected  # nothing but the row's nccl, its source and data_version changed


def test_requirements_for_each_wheel_asked_for():
    table = small_table()
    assert wheel_fetch.requirements_for(table, "2.99.1", [], None) == [("torch===2.99.1", None)]
    assert wheel_fetch.requirements_for(table, "2.99.1", ["cu126"], None) == [("torch==2.99.1+cu126", f"{BASE}cu126")]
    assert wheel_fetch.requirements_for(table, "2.99.1", ["all"], "https://mirror/simple") == [
        ("torch==2.99.1+cu126", "https://mirror/simple"), ("torch==2.99.1+cu130", "https://mirror/simple")]
    with pytest.raises(FetchError, match="no release in the table"):
        wheel_fetch.requirements_for(table, "3.0.0", ["all"], None)


def test_script_downloads_from_a_local_mirror_with_pip(wheel, tmp_path):
    table = tmp_path / "torch_releases.json"
    table.write_text(dump_table(small_table()))
    libs = {"libtorch_python.so": elf([Section(".rodata", b"nothing\0")])}
    make_wheel(tmp_path, "2.99.1+cpu", None, meta_version="2.99.1+cpu", requirements=["filelock"], libs=libs)
    proc = run_script("--check", "--table", str(table), "--torch", "2.99.1", "--find-links", str(wheel.parent))
    assert proc.returncode == refresh.OK, proc.stderr
    assert proc.stdout.startswith(f"downloading torch===2.99.1 from {wheel.parent}\n")
    assert f"{wheel.name} (sha256" in proc.stdout and "+cpu" not in proc.stdout  # not the +cpu wheel beside it


def test_pip_failures_name_the_cause_and_the_host_pip_could_not_reach():
    stderr = ("WARNING: Retrying (Retry(total=0)) after connection broken by 'NameResolutionError(\"HTTPSConnection("
              "host='download.pytorch.org', port=443): Failed to resolve 'download.pytorch.org' ([Errno -2] Name or "
              "service not known)\")': /whl/cu126/torch/\n"
              "ERROR: Cannot install torch==2.14.1+cu126 because these package versions have conflicting dependencies."
              "\n\nThe conflict is caused by:\n    The user requested torch==2.14.1+cu126\n"
              "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/\n")
    assert wheel_fetch.pip_failure(stderr) == ("ERROR: Cannot install torch==2.14.1+cu126 because these package versions "
                                           "have conflicting dependencies. (could not reach download.pytorch.org)")
    assert wheel_fetch.pip_failure("ERROR: No matching distribution found for torch===9.9\n") == \
        "ERROR: No matching distribution found for torch===9.9"


@pytest.mark.parametrize("args, message", [
    (["--check", "--wheel", "/nonexistent/torch.whl"], "not a readable wheel"),
    (["--check", "--torch", "2.99.1", "--find-links", "/nonexistent"], "pip download torch===2.99.1 failed"),
])
def test_script_bad_input_is_one_line_and_exit_2(args, message):
    proc = run_script(*args)
    assert proc.returncode == refresh.BAD_INPUT and proc.stderr.count("\n") == 1 and message in proc.stderr
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------------------- the real wheel
@pytest.mark.slow
def test_the_real_2_14_1_wheel_reproduces_the_table_row():
    from kernels import real_parts

    members = list(real_parts.TORCH_LIBS) + ["torch-2.14.1.dist-info/METADATA"]
    try:
        root = real_parts.extract(real_parts.TORCH, members)
        wheel = real_parts.download_wheel(real_parts.TORCH)
    except real_parts.Unavailable as exc:
        pytest.skip(f"the torch 2.14.1 wheel is not available: {exc}")
    facts = read_wheel(UnpackedWheel(str(root), wheel.name, real_parts._file_sha256(wheel)))
    table = load_table(str(Path(data_dir()) / "torch_releases.json"))
    result = compare(table, facts)
    assert result.differences == [] and refresh.names_wheel(
        next(v for r in table["releases"] if r["version"] == "2.14" for v in r["variants"] if v["tag"] == "cu130")
        ["source"], facts)
    assert variant_values(facts) == {
        "cuda": "13.0", "arch_list": "7.5;8.0;8.6;9.0;10.0;12.0", "sm": ["7.5", "8.0", "8.6", "9.0", "10.0", "12.0"],
        "ptx": [], "cudnn": "9.24.0.43", "nccl": "2.30.7",
        "nvidia_pins": {"cuda-toolkit": "13.0.3", "nvidia-cudnn-cu13": "9.24.0.43", "nvidia-cusparselt-cu13": "0.8.1",
                        "nvidia-nccl-cu13": "2.30.7", "nvidia-nvshmem-cu13": "3.4.5"}}
    assert facts.tag == "cu130" and facts.pypi_default and facts.triton == "~=3.8.0"
    before = copy.deepcopy(table)
    assert apply(table, facts, "2999-01-01") == [] and table == before
