"""Inventory assembly, coverage judgement, the per-file cache and the command's bad input,
on synthetic libraries (fast; the real wheels and nvcc builds are in the other files)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cudacheck.compat.archs import parse_arch
from cudacheck.kernels.cache import ScanCache, default_path
from cudacheck.kernels.coverage import library_coverage, main_targets, ptx_isa_cuda
from cudacheck.kernels.inventory import kernel_facts
from cudacheck.kernels.scan import CUDART_SONAME
from cudacheck.serialize import dumps, snapshot_from_dict
from cudacheck.snapshot import KernelGroup, Snapshot, TorchFacts
from synth import container, cuda_library, entry, standard_containers


def site_with(tmp_path: Path, files: dict, name: str = "ext", version: str = "1.0+cu12torch2.4cxx11abiTRUE",
              requires: str = "Requires-Dist: torch (==2.4.0)\n") -> Path:
    site = tmp_path / "site-packages"
    (site / name).mkdir(parents=True)
    for file_name, data in files.items():
        (site / name / file_name).write_bytes(data)
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{requires}\n")
    (info / "RECORD").write_text("".join(f"{name}/{f},,\n" for f in files) + f"{name}/__init__.py,,\n")
    return site


def test_groups_and_metadata_of_an_extension(tmp_path):
    site = site_with(tmp_path, {"k.so": cuda_library(standard_containers()), "plain.so": b"\x7fELF" + b"\0" * 60})
    errors = []
    inventory = kernel_facts(TorchFacts(), {}, search_path=[str(site)], errors=errors, cache=ScanCache(None))
    [binary] = inventory.binaries
    assert (binary.package, binary.package_version, binary.requires_torch, binary.local_version) == \
        ("ext", "1.0+cu12torch2.4cxx11abiTRUE", "==2.4.0", "cu12torch2.4cxx11abiTRUE")
    assert binary.containers == 2 and binary.sass == ["sm_80", "sm_90a"] and binary.ptx == ["compute_90"]
    assert binary.cudart == "static" and binary.torch_abi == "none" and binary.missing_torch_symbols == []
    assert [e.message for e in errors] and "plain.so" in errors[0].message  # not a valid ELF: named
    assert inventory.torch_cudart_major is None and inventory.files_checked == 2


def test_per_container_coverage():
    groups = [KernelGroup(["sm_80", "sm_90"], [], 40), KernelGroup(["sm_90a"], [], 6),
              KernelGroup(["sm_80"], ["compute_80"], 2, "8.8")]
    h100 = library_coverage(groups, parse_arch("9.0"), "12.9")
    assert (h100.verdict, h100.sass, h100.ptx, h100.none) == ("jit", 46, 2, 0)  # sm_80 + PTX: JIT on 9.0
    rtx5090 = library_coverage(groups, parse_arch("12.0"), "13.0")
    assert (rtx5090.verdict, rtx5090.none, rtx5090.ptx) == ("partial", 46, 2)
    old_driver = library_coverage(groups, parse_arch("12.0"), "12.8")
    assert old_driver.ptx_too_new == 2 and old_driver.verdict == "none"
    assert library_coverage(groups, parse_arch("12.0"), None).ptx == 2  # driver unknown: not judged too new
    assert library_coverage([], parse_arch("8.0")).verdict == "empty"


def test_main_targets_are_those_most_containers_carry():
    groups = [KernelGroup(["sm_75", "sm_80", "sm_120"], [], 414), KernelGroup(["sm_75", "sm_80", "sm_100a"], [], 61),
              KernelGroup(["sm_80"], ["compute_80"], 1)]
    assert main_targets(groups) == (["sm_75", "sm_80", "sm_120"], [])
    assert main_targets([]) == ([], [])


def test_ptx_isa_and_runtime_names():
    assert ptx_isa_cuda("9.0") == "13.0" and ptx_isa_cuda("8.8") == "12.9" and ptx_isa_cuda("8.6") == "12.7"
    assert ptx_isa_cuda("99.9") is None and ptx_isa_cuda(None) is None
    assert CUDART_SONAME.match("libcudart.faf08d9a.so.13").group(1) == "13"
    assert CUDART_SONAME.match("libcudart.so.12").group(1) == "12" and not CUDART_SONAME.match("libcudart.so")


def test_cache_reuses_rescans_and_survives_corruption(tmp_path):
    site = site_with(tmp_path, {"k.so": cuda_library(standard_containers())})
    cache_file = tmp_path / "cache" / "kernels.json"
    first = kernel_facts(TorchFacts(), {}, search_path=[str(site)], cache=ScanCache(str(cache_file)))
    again = kernel_facts(TorchFacts(), {}, search_path=[str(site)], cache=ScanCache(str(cache_file)))
    assert first.files_cached == 0 and again.files_cached == 2  # the RECORD and the library
    (site / "ext" / "k.so").write_bytes(cuda_library([container([entry("sass", 120)])]))  # rebuilt
    rebuilt = kernel_facts(TorchFacts(), {}, search_path=[str(site)], cache=ScanCache(str(cache_file)))
    assert rebuilt.binaries[0].sass == ["sm_120"]
    cache_file.write_text("{not json")
    assert kernel_facts(TorchFacts(), {}, search_path=[str(site)],
                        cache=ScanCache(str(cache_file))).binaries[0].sass == ["sm_120"]
    cache_file.write_text(json.dumps({"format": 1, "cudacheck": "0", "files": []}))
    assert ScanCache(str(cache_file)).entries == {}


def test_unwritable_cache_is_skipped_silently(tmp_path):
    site = site_with(tmp_path, {"k.so": cuda_library(standard_containers())})
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    inventory = kernel_facts(TorchFacts(), {}, search_path=[str(site)],
                             cache=ScanCache(str(blocker / "cudacheck" / "kernels.json")))
    assert inventory.binaries[0].sass == ["sm_80", "sm_90a"]


def test_default_cache_path_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_path() == str(tmp_path / "cudacheck" / "kernels.json")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")
    assert default_path() is None


def test_snapshot_with_an_inventory_round_trips(tmp_path):
    site = site_with(tmp_path, {"k.so": cuda_library(standard_containers())})
    snapshot = Snapshot(level="standard")
    snapshot.kernels = kernel_facts(TorchFacts(), {}, search_path=[str(site)], cache=ScanCache(None))
    assert snapshot_from_dict(json.loads(dumps(snapshot))) == snapshot


@pytest.mark.parametrize("args", [["--gpu", "Quantum Banana 9000"], ["--timeout", "nan"], ["--timeout", "inf"],
                                  ["--gpu", "8.0", "--driver-cuda", "twelve"], ["--format", "yaml"],
                                  ["--timeout", "soon"]])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "cudacheck", "kernels", *args], capture_output=True, text=True,
                            timeout=120, env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("cudacheck: error: ")


def test_kernels_gpu_names_a_product_a_family_or_a_compute_capability():
    from cudacheck.errors import UsageError
    from cudacheck.kernels.cli import resolve_gpu

    assert resolve_gpu("NVIDIA A100-SXM4-80GB")[1].cc == "8.0"
    label, arch = resolve_gpu("A100")  # a family of products that agree on compute capability
    assert (label, arch.cc) == ("A100", "8.0")
    assert resolve_gpu("8.6")[1].cc == "8.6"
    with pytest.raises(UsageError, match="RTX 6000"):
        resolve_gpu("RTX 6000")  # ambiguous: the compute capabilities differ
