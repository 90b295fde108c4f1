"""The real torch 2.14.1 (CUDA 13.0) and torchvision 0.28.0 / 0.29.1 wheels, read file by file.

The libraries come out of the wheels (``pip download`` + ``zipfile``, cached outside the
repository by the wheel's sha256) into a site-packages folder laid out as pip installs
them. Ground truth: ``cuobjdump`` (where its cost is reasonable) and the compile-time
``CUDA_ARCH_FLAGS`` string torch keeps in ``libtorch_python.so`` (what
``torch._C._cuda_getArchFlags()`` returns).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cudacheck.kernels.cache import ScanCache
from cudacheck.kernels.coverage import library_coverage, main_targets
from cudacheck.kernels.elf import ElfFile
from cudacheck.kernels.inventory import kernel_facts
from cudacheck.kernels.scan import scan_library
from cudacheck.compat.archs import parse_arch
from cudacheck.probes.torch_build import torch_facts
from fakes.conftest_fixtures import fake_env, gpu_spec, requires_gcc
from real_parts import TORCHVISION_NEW, TORCHVISION_OLD, Unavailable, cuobjdump_listing, installed_site

pytestmark = pytest.mark.slow
TORCH_ARCHS = ["sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120"]


def _site(tmp_path_factory, torchvision: str) -> Path:
    try:
        return installed_site(tmp_path_factory.mktemp("real") / "site-packages", torchvision=(torchvision,))
    except Unavailable as exc:
        pytest.skip(f"the real torch/torchvision wheels are not available: {exc}")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """torch 2.14.1 with torchvision 0.29.1, as pip installs them."""
    return _site(tmp_path_factory, TORCHVISION_NEW)


@pytest.fixture(scope="module")
def old_site(tmp_path_factory) -> Path:
    """torch 2.14.1 with torchvision 0.28.0 (built for torch 2.13)."""
    return _site(tmp_path_factory, TORCHVISION_OLD)


def arch_flags(torch_python: Path) -> str:
    """torch's compile-time CUDA_ARCH_FLAGS string, from libtorch_python.so's .rodata."""
    with ElfFile.open(str(torch_python)) as elf:
        rodata = elf.section_data(elf.section(".rodata"))
    [flags] = set(re.findall(rb"(?:sm_\d+[af]? ){2,}(?:sm_\d+[af]?|compute_\d+)", rodata))
    return flags.decode()


def test_torch_arch_list_from_the_binaries(site):
    lib = site / "torch" / "lib"
    cuda = scan_library(str(lib / "libtorch_cuda.so"))
    assert cuda.containers == 475 and cuda.ptx == [] and cuda.cudart_soname == "libcudart.so.13"
    sass, ptx = main_targets(cuda.groups)
    assert sass == TORCH_ARCHS and ptx == []
    assert " ".join(sass) == arch_flags(lib / "libtorch_python.so")  # torch._C._cuda_getArchFlags()
    # per-kernel extras live in a few containers only
    assert {"sm_90a", "sm_100a", "sm_103f"} <= set(cuda.sass) and cuda.compressed == {"zstd": 2975}


def test_linalg_has_no_turing_code(site):
    linalg = scan_library(str(site / "torch" / "lib" / "libtorch_cuda_linalg.so"))
    assert [(g.sass, g.count) for g in linalg.groups] == [(TORCH_ARCHS[1:], 65)]
    t4 = library_coverage(linalg.groups, parse_arch("7.5"))
    assert t4.verdict == "none" and t4.none == 65


@pytest.mark.parametrize("relative", ["torch/lib/libtorch_cuda_linalg.so", "torch/lib/libtorch_nvshmem.so",
                                      "torchvision/_C_stable.so"])
def test_scan_matches_cuobjdump(site, relative):
    try:
        listing = cuobjdump_listing(site / relative)
    except Unavailable as exc:
        pytest.skip(str(exc))
    scan = scan_library(str(site / relative))
    sass = sorted(t.rstrip("f") for g in scan.groups for t in g.sass * g.count)  # cuobjdump drops the f suffix
    ptx = sorted(t.replace("compute_", "sm_") for g in scan.groups for t in g.ptx * g.count)
    assert sass == sorted(listing["sass"]) and ptx == sorted(listing["ptx"])


def test_torchvision_0_29_uses_the_stable_abi(site):
    inventory = kernel_facts(torch_facts(search_path=[str(site)]), {}, search_path=[str(site)], cache=ScanCache(None))
    [vision] = [b for b in inventory.binaries if b.path.endswith("_C_stable.so")]
    assert main_targets(vision.groups) == (TORCH_ARCHS, ["compute_120"]) and vision.ptx_isa == ["9.0"]
    assert vision.torch_abi == "stable" and vision.missing_torch_symbols == [] and vision.torch_symbols == 74
    assert vision.requires_torch == ">=2.14.0" and vision.cudart_soname == "libcudart.so.13"
    assert inventory.torch_cudart_major == 13 and inventory.torch_cxx11_abi is True


def test_torchvision_0_28_needs_a_symbol_torch_2_14_no_longer_exports(old_site):
    inventory = kernel_facts(torch_facts(search_path=[str(old_site)]), {}, search_path=[str(old_site)],
                             cache=ScanCache(None))
    [vision] = [b for b in inventory.binaries if b.path.endswith("torchvision/_C.so")]
    assert vision.torch_abi == "cxx" and vision.cxx11_abi is True and vision.requires_torch == "==2.13.0"
    assert vision.missing_torch_symbols == ["_ZN3c104cuda29c10_cuda_check_implementationEiPKcS2_jb"]


def test_a_warm_cache_answers_without_scanning(site, tmp_path):
    cache_file = str(tmp_path / "kernels.json")
    torch = torch_facts(search_path=[str(site)])
    first = kernel_facts(torch, {}, search_path=[str(site)], cache=ScanCache(cache_file))
    second = kernel_facts(torch, {}, search_path=[str(site)], cache=ScanCache(cache_file))
    assert first.files_cached == 0 and second.files_cached >= second.files_checked
    assert [b.groups for b in first.binaries] == [b.groups for b in second.binaries]


def cudacheck(site: Path, tmp_path: Path, *args: str, env=None):
    environment = dict(env or os.environ, PYTHONPATH=str(site), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    return subprocess.run([sys.executable, "-m", "cudacheck", *args], capture_output=True, text=True, timeout=300,
                          env=environment, cwd=tmp_path)


def test_kernels_command_on_the_real_wheels(site, tmp_path):
    result = cudacheck(site, tmp_path, "kernels", "--format", "json", "--gpu", "Tesla T4", "--gpu", "12.0")
    assert result.returncode == 1, result.stderr  # linalg cannot run on the T4
    view = json.loads(result.stdout)
    rows = {row["library"]: row for row in view["binaries"]}
    torch_cuda = rows["torch/lib/libtorch_cuda.so"]
    assert torch_cuda["main_sass"] == TORCH_ARCHS and torch_cuda["main_ptx"] == [] and torch_cuda["ptx"] == []
    assert rows["torchvision/_C_stable.so"]["main_ptx"] == ["compute_120"]
    assert rows["torch/lib/libtorch_cuda_linalg.so"]["verdicts"]["Tesla T4"]["verdict"] == "none"
    assert {v["verdict"] for row in rows.values() for k, v in row["verdicts"].items() if k == "12.0"} == {"runs"}
    text = cudacheck(site, tmp_path, "kernels", "--gpu", "T4")
    assert "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120" in text.stdout and "compute_120" in text.stdout
    bad = cudacheck(site, tmp_path, "kernels", "--gpu", "not a gpu")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "unknown GPU" in bad.stderr


@requires_gcc
@pytest.mark.parametrize("card,cc,code", [("Tesla T4", "7.5", "CC242"), ("Tesla V100-SXM2-16GB", "7.0", "CC203")])
def test_doctor_judges_with_the_binaries(site, tmp_path, make_lib_dir, card, cc, code):
    env = fake_env(make_lib_dir(nvml=True, cuda=True), gpus=gpu_spec(card, cc), cuda=13000, driver="580.95.05",
                   FAKE_CUDA_VERSION=13000)
    result = cudacheck(site, tmp_path, "doctor", "--format", "json", env=env)
    report = json.loads(result.stdout)
    assert report["snapshot"]["torch"]["arch_list"] == TORCH_ARCHS
    assert report["snapshot"]["torch"]["arch_list_source"] == "binary"
    [finding] = [f for f in report["findings"] if f["code"] == code]
    assert "binaries" in finding["detail"] or "libtorch_cuda_linalg.so" in finding["title"]
