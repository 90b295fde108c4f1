"""CUDA library discovery: real files, real ELF headers, a real ld.so.cache, and the real
dlopen + version calls in the library child (fake libraries, the real libcudart of the
nvidia-cuda-runtime-cu12 wheel, the system CUDA toolkit where there is one).

The probe's host places are injected (``HostRoots.empty()`` unless a test says otherwise),
so the host's own /usr/local/cuda, /usr/include and loader cache never leak into a test."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Dict, List

import pytest

from cudacheck.probes import collect
from cudacheck.probes.cuda_toolkit import cudnn_header_version, nvcc_version_file, parse_nvcc_output
from cudacheck.probes.host import HostRoots
from cudacheck.probes.libraries import libraries_facts
from cudacheck.probes.library_files import classify, note_mapped
from cudacheck.probes.loader import expand_origin, read_dynamic, read_ld_cache
from cudacheck.probes.packages import package_facts
from cudacheck.probes.torch_build import torch_facts
from cudacheck.snapshot import LibrariesFacts, LibraryFacts, ProbeError
from fakes.build import build_library
from fakes.conftest_fixtures import requires_gcc

from probe_trees import fake_torch, lib_dir, misbehaving_library, wheel

pytestmark = requires_gcc
NO_CACHE = "/nonexistent/ld.so.cache"


def under(facts: LibrariesFacts, root: Path) -> List[LibraryFacts]:
    return [lib for lib in facts.found if lib.path.startswith(str(root))]


def probe(env: Dict[str, str], *, torch=None, site=None, errors=None, roots=None, **kwargs) -> LibrariesFacts:
    search = [str(site)] if site else []
    packages = package_facts(search) if site else None
    roots = roots or HostRoots(ld_cache=kwargs.pop("ld_cache", NO_CACHE), path="")
    return libraries_facts(env, torch, packages, errors=[] if errors is None else errors,
                           search_path=search, roots=roots, **kwargs)


# ------------------------------------------------------------------ unit pieces


@pytest.mark.parametrize(("file_name", "expected"), [
    ("libcudnn.so.9.1.0", ("cudnn", "9.1.0")), ("libcudnn.so.9", ("cudnn", "9")),
    ("libcudnn_cnn_infer.so.8", ("cudnn_cnn_infer", "8")), ("libcudnn_graph.so.9", ("cudnn_graph", "9")),
    ("libcudart.so.12.4.127", ("cudart", "12.4.127")), ("libcudart.so", ("cudart", None)),
    ("libcublasLt.so.12", ("cublasLt", "12")), ("libcublas.so.11", ("cublas", "11")),
    ("libnccl.so.2.21.5", ("nccl", "2.21.5")), ("libnvrtc.so.11.2", ("nvrtc", "11.2")),
    ("libnvrtc-builtins.so.12.4", None), ("libcudart_static.a", None), ("libcuda.so.1", None),
    ("libcudnn.so.9.txt", None),
])
def test_classify(file_name, expected):
    assert classify(file_name) == expected


def test_expand_origin():
    assert expand_origin("$ORIGIN/../../nvidia/cudnn/lib", "/sp/torch/lib") == "/sp/nvidia/cudnn/lib"
    assert expand_origin("${ORIGIN}", "/sp/torch/lib") == "/sp/torch/lib"


def test_elf_runpath_and_rpath(tmp_path: Path, fake_build_cache: Path):
    cudnn = build_library("cudnn", fake_build_cache)
    for new_dtags, kind in ((True, "runpath"), (False, "rpath")):
        site = tmp_path / kind
        torch = fake_torch(site, tmp_path, needed=[cudnn], rpath="$ORIGIN/../../nvidia/cudnn/lib:$ORIGIN",
                           new_dtags=new_dtags)
        dynamic = read_dynamic(str(torch / "lib" / "libtorch_cuda.so"))
        assert dynamic is not None and dynamic.soname == "libtorch_cuda.so"
        assert "libcudnn.so.9" in dynamic.needed and "libc.so.6" in dynamic.needed
        assert dynamic.search_kind == kind
        assert dynamic.search_dirs() == [str(site / "nvidia" / "cudnn" / "lib"), str(torch / "lib")]
    assert read_dynamic(str(cudnn)).needed == [] or "libc.so.6" in read_dynamic(str(cudnn)).needed
    not_elf = tmp_path / "libcudnn.so.9"
    not_elf.write_text("INPUT(-lfoo)\n")
    truncated = tmp_path / "truncated.so"
    truncated.write_bytes(cudnn.read_bytes()[:100])
    assert read_dynamic(str(not_elf)) is None and read_dynamic(str(truncated)) is None
    assert read_dynamic(str(tmp_path / "missing.so")) is None


def test_ld_cache_written_by_ldconfig(tmp_path: Path, fake_build_cache: Path):
    ldconfig = shutil.which("ldconfig") or ("/sbin/ldconfig" if os.path.exists("/sbin/ldconfig") else None)
    if ldconfig is None:
        pytest.skip("no ldconfig")
    libs = lib_dir(tmp_path / "libs", fake_build_cache, cudnn={"VERSION": "90100"}, nccl={})
    conf = tmp_path / "ld.so.conf"
    conf.write_text(f"{libs}\n")
    cache = tmp_path / "ld.so.cache"
    proc = subprocess.run([ldconfig, "-X", "-C", str(cache), "-f", str(conf)], capture_output=True,
                          text=True, timeout=30, check=False)
    if proc.returncode != 0 or not cache.exists():
        pytest.skip(f"ldconfig cannot write a private cache here: {proc.stderr.strip()}")
    entries = read_ld_cache(str(cache))
    assert ("libcudnn.so.9", str(libs / "libcudnn.so.9")) in entries
    assert ("libnccl.so.2", str(libs / "libnccl.so.2")) in entries
    facts = probe({}, ld_cache=str(cache))
    assert facts.resolved["cudnn"].origin == "ldconfig"
    assert facts.resolved["cudnn"].path == str(libs / "libcudnn.so.9")
    assert (facts.resolved["cudnn"].version, facts.resolved["cudnn"].version_source) == ("9.1.0", "call")
    assert facts.resolved["nccl"].version == "2.19.3"


def test_ld_cache_of_an_unknown_layout_falls_back_to_its_strings(tmp_path: Path):
    cache = tmp_path / "ld.so.cache"
    cache.write_bytes(b"ld.so-1.7.0\x00junk\x00/opt/x/libcudnn.so.8\x00libcudnn.so.8\x00/opt/y/libfoo.so.1\x00")
    assert read_ld_cache(str(cache)) == [("libcudnn.so.8", "/opt/x/libcudnn.so.8"), ("libfoo.so.1", "/opt/y/libfoo.so.1")]
    assert read_ld_cache(str(tmp_path / "missing")) == []


def test_nvcc_and_cudnn_header_parsing(tmp_path: Path):
    text = "nvcc: NVIDIA (R) Cuda compiler driver\nCuda compilation tools, release 12.4, V12.4.131\n"
    assert parse_nvcc_output(text) == "12.4.131"
    assert parse_nvcc_output("Cuda compilation tools, release 10.2") == "10.2"
    assert parse_nvcc_output("command not found") is None
    toolkit = tmp_path / "cuda-12.4"
    (toolkit / "bin").mkdir(parents=True)
    (toolkit / "bin" / "nvcc").write_text("#!/bin/sh\n")
    (toolkit / "version.json").write_text('{"cuda": {"version": "12.4.1"}, "cuda_nvcc": {"version": "12.4.131"}}')
    assert nvcc_version_file(str(toolkit / "bin" / "nvcc")) == "12.4.131"
    (toolkit / "include").mkdir()
    (toolkit / "include" / "cudnn_version.h").write_text(
        "#define CUDNN_MAJOR 8\n#define CUDNN_MINOR 9\n#define CUDNN_PATCHLEVEL 7\n")
    assert cudnn_header_version([str(tmp_path / "nowhere"), str(toolkit / "include")]) == "8.9.7"


def test_cuda_home_nvcc_and_system_cudnn(tmp_path: Path):
    toolkit = tmp_path / "cuda-11.8"
    (toolkit / "bin").mkdir(parents=True)
    nvcc = toolkit / "bin" / "nvcc"
    nvcc.write_text("#!/bin/sh\necho 'Cuda compilation tools, release 11.8, V11.8.89'\n")
    nvcc.chmod(0o755)
    (toolkit / "include").mkdir()
    (toolkit / "include" / "cudnn_version.h").write_text(
        "#define CUDNN_MAJOR 8\n#define CUDNN_MINOR 6\n#define CUDNN_PATCHLEVEL 0\n")
    facts = probe({"CUDA_HOME": str(toolkit)})
    assert (facts.cuda_home, facts.cuda_home_source) == (str(toolkit), "env")
    assert facts.nvcc_path == str(nvcc) and facts.nvcc_version == "11.8.89"  # ran it: no version.json
    assert facts.system_cudnn_version == "8.6.0"


def test_real_nvcc_on_path():
    if not shutil.which("nvcc"):
        pytest.skip("no nvcc on PATH")
    facts = probe({}, roots=HostRoots(ld_cache=NO_CACHE, path=None))
    assert facts.nvcc_path and facts.nvcc_version and facts.nvcc_version[0].isdigit()


# ------------------------------------------------------------ discovery + resolution


def test_two_cudnn_copies_on_ld_library_path(tmp_path: Path, fake_build_cache: Path):
    first = lib_dir(tmp_path / "first", fake_build_cache, cudnn={"VERSION": "90100"})
    second = lib_dir(tmp_path / "second", fake_build_cache, cudnn={"VERSION": "90800"})
    facts = probe({"LD_LIBRARY_PATH": f"{first}:{second}"})
    found = sorted((lib.path, lib.origin, lib.version, lib.version_source) for lib in under(facts, tmp_path))
    assert found == [(str(first / "libcudnn.so.9"), "ld_library_path", "9.1.0", "call"),
                     (str(second / "libcudnn.so.9"), "ld_library_path", "9", "filename")]
    chosen = facts.resolved["cudnn"]
    assert (chosen.path, chosen.origin, chosen.version, chosen.version_source) == \
        (str(first / "libcudnn.so.9"), "ld_library_path", "9.1.0", "call")
    swapped = probe({"LD_LIBRARY_PATH": f"{second}:{first}"})
    assert (swapped.resolved["cudnn"].path, swapped.resolved["cudnn"].version) == \
        (str(second / "libcudnn.so.9"), "9.8.0")


def test_every_family_is_found_and_asked_for_its_version(fake_lib_dir: Path):
    facts = probe({"LD_LIBRARY_PATH": str(fake_lib_dir)})
    versions = {name: (lib.version, lib.version_source) for name, lib in facts.resolved.items()
                if lib.path.startswith(str(fake_lib_dir))}
    assert versions == {"cudart": ("12.4", "call"), "cudnn": ("9.1.0", "call"), "nccl": ("2.19.3", "call"),
                        "cublas": ("12.4.5", "call"), "nvrtc": ("12.4", "call")}


def test_symlinked_sonames_take_the_target_version(tmp_path: Path, fake_build_cache: Path):
    folder = tmp_path / "lib"
    folder.mkdir()
    real = folder / "libcudnn.so.9.1.0"
    shutil.copy2(build_library("cudnn", fake_build_cache), real)
    (folder / "libcudnn.so.9").symlink_to(real.name)
    (folder / "libcudnn.so").symlink_to("libcudnn.so.9")  # development link: the loader never asks for it
    sub = folder / "libcudnn_graph.so.9.1.0"
    shutil.copy2(real, sub)
    (folder / "libcudnn_graph.so.9").symlink_to(sub.name)
    facts = probe({"LD_LIBRARY_PATH": str(folder)}, call_versions=False)
    found = {Path(lib.path).name: (lib.name, lib.version) for lib in under(facts, tmp_path)}
    assert found == {"libcudnn.so.9": ("cudnn", "9.1.0"), "libcudnn.so.9.1.0": ("cudnn", "9.1.0"),
                     "libcudnn_graph.so.9": ("cudnn_graph", "9.1.0"),
                     "libcudnn_graph.so.9.1.0": ("cudnn_graph", "9.1.0")}
    assert Path(facts.resolved["cudnn"].path).name == "libcudnn.so.9"
    assert Path(facts.resolved["cudnn_graph"].path).name == "libcudnn_graph.so.9"


def _venv_cudart() -> Path:
    path = Path(sysconfig.get_paths()["purelib"]) / "nvidia" / "cuda_runtime" / "lib" / "libcudart.so.12"
    if not path.exists():
        pytest.skip("the nvidia-cuda-runtime-cu12 wheel is not installed")
    return path


def test_real_cudart_from_the_pip_wheel(tmp_path: Path):
    cudart = _venv_cudart()
    site = cudart.parents[3]
    facts = probe({}, site=site)
    [pip_copy] = [lib for lib in facts.found if lib.path == str(cudart)]
    assert pip_copy.origin == "pip" and pip_copy.packages == ["nvidia-cuda-runtime-cu12"]
    assert pip_copy.version_source == "metadata" and pip_copy.version.startswith("12.")
    on_path = probe({"LD_LIBRARY_PATH": str(cudart.parent)}, site=site)
    chosen = on_path.resolved["cudart"]
    assert chosen.path == str(cudart) and chosen.origin == "ld_library_path"
    assert (chosen.version, chosen.version_source) == (pip_copy.version, "metadata")  # read, not loaded
    assert chosen.load_error is None
    assert chosen.origins == ["pip", "ld_library_path"]
    # the same file outside any wheel: only its SONAME major is known, so the child asks it
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy2(cudart, bare / cudart.name)
    asked = probe({"LD_LIBRARY_PATH": str(bare)}).resolved["cudart"]
    assert asked.version_source == "call" and asked.version.startswith("12.")  # cudaRuntimeGetVersion


def test_system_cuda_runtime_from_the_loader_cache():
    cached = [(key, path) for key, path in read_ld_cache() if key.startswith("libcudart.so.")]
    if not cached:
        pytest.skip("no libcudart in /etc/ld.so.cache")
    facts = libraries_facts({}, None, None, search_path=[], roots=HostRoots.system())
    chosen = facts.resolved["cudart"]
    assert chosen.origin == "ldconfig" and chosen.path == cached[0][1]
    assert chosen.version_source in ("call", "filename")
    assert chosen.version.split(".")[0] == cached[0][0].split(".so.")[1].split(".")[0]
    assert "ldconfig" in chosen.origins


def test_torch_runpath_pip_copy_and_ld_library_path_precedence(tmp_path: Path, fake_build_cache: Path):
    cudnn = build_library("cudnn", fake_build_cache, defines={"VERSION": "90100"})
    cudart = build_library("cudart", fake_build_cache)
    site = tmp_path / "site-packages"
    wheel(site, "nvidia-cudnn-cu12", "9.1.0.70", {"nvidia/cudnn/lib/libcudnn.so.9": cudnn})
    wheel(site, "nvidia-cuda-runtime-cu12", "12.4.127", {"nvidia/cuda_runtime/lib/libcudart.so.12": cudart})
    fake_torch(site, tmp_path, needed=[cudnn, cudart],
               rpath="$ORIGIN/../../nvidia/cudnn/lib:$ORIGIN/../../nvidia/cuda_runtime/lib:$ORIGIN",
               pins={"nvidia-cudnn-cu12": "==9.1.0.70"})
    torch = torch_facts(search_path=[str(site)])
    facts = probe({}, torch=torch, site=site)
    assert facts.torch_needed == ["libcudnn.so.9", "libcudart.so.12"]
    assert facts.torch_rpath_kind == "runpath"
    assert facts.torch_rpath[:2] == [str(site / "nvidia/cudnn/lib"), str(site / "nvidia/cuda_runtime/lib")]
    chosen = facts.resolved["cudnn"]
    assert (chosen.path, chosen.origin, chosen.version, chosen.version_source, chosen.packages) == \
        (str(site / "nvidia/cudnn/lib/libcudnn.so.9"), "rpath", "9.1.0.70", "metadata", ["nvidia-cudnn-cu12"])
    assert (facts.resolved["cudart"].origin, facts.resolved["cudart"].version) == ("rpath", "12.4.127")
    # DT_RUNPATH is searched after LD_LIBRARY_PATH: an older cuDNN there wins
    older = lib_dir(tmp_path / "old", fake_build_cache, cudnn={"VERSION": "90000"})
    shadowed = probe({"LD_LIBRARY_PATH": str(older)}, torch=torch, site=site)
    assert (shadowed.resolved["cudnn"].origin, shadowed.resolved["cudnn"].version) == ("ld_library_path", "9.0.0")
    pip_copy = [lib for lib in shadowed.found if lib.packages == ["nvidia-cudnn-cu12"]]
    assert [(lib.origin, lib.version, lib.version_source) for lib in pip_copy] == [("pip", "9.1.0.70", "metadata")]


def test_torch_rpath_beats_ld_library_path(tmp_path: Path, fake_build_cache: Path):
    cudnn = build_library("cudnn", fake_build_cache, defines={"VERSION": "90100"})
    site = tmp_path / "site-packages"
    wheel(site, "nvidia-cudnn-cu12", "9.1.0.70", {"nvidia/cudnn/lib/libcudnn.so.9": cudnn})
    fake_torch(site, tmp_path, needed=[cudnn], rpath="$ORIGIN/../../nvidia/cudnn/lib", new_dtags=False)
    older = lib_dir(tmp_path / "old", fake_build_cache, cudnn={"VERSION": "90000"})
    facts = probe({"LD_LIBRARY_PATH": str(older)}, torch=torch_facts(search_path=[str(site)]), site=site)
    assert facts.torch_rpath_kind == "rpath"
    assert (facts.resolved["cudnn"].origin, facts.resolved["cudnn"].version) == ("rpath", "9.1.0.70")


def test_cpu_torch_links_no_cuda_library():
    torch = torch_facts()
    if not torch.location or torch.cuda:
        pytest.skip("needs the CPU torch of the dev environment")
    facts = probe({}, torch=torch)
    assert facts.torch_needed == [] and facts.torch_rpath_kind == "runpath"


def test_nccl_wheels_of_two_cuda_majors_share_one_file(tmp_path: Path, fake_build_cache: Path):
    nccl = build_library("nccl", fake_build_cache, defines={"VERSION": "22703"})
    site = tmp_path / "site-packages"
    wheel(site, "nvidia-nccl-cu12", "2.21.5", {"nvidia/nccl/lib/libnccl.so.2": build_library("nccl", fake_build_cache)})
    wheel(site, "nvidia-nccl-cu13", "2.27.3", {"nvidia/nccl/lib/libnccl.so.2": nccl})  # installed last: owns it
    packages = package_facts([str(site)])
    assert [(p.name, p.libraries) for p in packages] == [
        ("nvidia-nccl-cu12", ["nvidia/nccl/lib/libnccl.so.2"]), ("nvidia-nccl-cu13", ["nvidia/nccl/lib/libnccl.so.2"])]
    facts = probe({"LD_LIBRARY_PATH": str(site / "nvidia/nccl/lib")}, site=site)
    [copy] = under(facts, tmp_path)
    assert copy.packages == ["nvidia-nccl-cu12", "nvidia-nccl-cu13"]  # two owners: they overwrote each other
    assert (facts.resolved["nccl"].version, facts.resolved["nccl"].version_source) == ("2.27.3", "call")
    unresolved = probe({}, site=site, call_versions=False)
    assert [(lib.version, lib.version_source) for lib in under(unresolved, tmp_path)] == [("2", "filename")]


# --------------------------------------------------------- the version child fails


def test_a_library_that_crashes_on_load(tmp_path: Path, fake_build_cache: Path):
    folder = lib_dir(tmp_path / "libs", fake_build_cache, cudart={}, cudnn={})
    misbehaving_library(folder, "libnccl.so.2", "segv")
    errors: List[ProbeError] = []
    facts = probe({"LD_LIBRARY_PATH": str(folder)}, errors=errors)
    [error] = errors
    assert (error.probe, error.kind, error.code) == ("libraries", "crashed", signal.SIGSEGV)
    assert str(folder / "libnccl.so.2") in error.message
    assert "crashed" in facts.resolved["nccl"].load_error
    assert facts.resolved["cudart"].version_source == "call"  # answered before the crash
    assert facts.resolved["cudnn"].version_source == "filename"  # never reached
    assert facts.resolved["cudnn"].path == str(folder / "libcudnn.so.9")


def test_a_library_that_hangs_on_load(tmp_path: Path):
    folder = tmp_path / "libs"
    misbehaving_library(folder, "libnccl.so.2", "hang")
    errors: List[ProbeError] = []
    started = time.monotonic()
    facts = probe({"LD_LIBRARY_PATH": str(folder)}, errors=errors, deadline=time.monotonic() + 1.0)
    assert time.monotonic() - started < 2.5
    assert [(e.probe, e.kind) for e in errors] == [("libraries", "timeout")]
    assert "timeout" in facts.resolved["nccl"].load_error


def test_a_file_that_is_not_a_library(tmp_path: Path):
    folder = tmp_path / "libs"
    folder.mkdir()
    (folder / "libcublas.so.12").write_text("not an ELF file\n")
    errors: List[ProbeError] = []
    facts = probe({"LD_LIBRARY_PATH": str(folder)}, errors=errors)
    assert errors == []
    chosen = facts.resolved["cublas"]
    assert chosen.load_error.startswith("dlopen failed") and chosen.version == "12"


def test_standard_collect_carries_the_library_facts(machine, make_lib_dir, monkeypatch):
    machine(make_lib_dir(nvml=True, cuda=True, cudnn={"VERSION": "90800"}, nccl=True))
    # The torch of the test environment (a CUDA build links its own pip cuDNN) is not this test's subject.
    monkeypatch.setattr(sys, "path", [p for p in sys.path if not os.path.isdir(os.path.join(p or ".", "torch"))])
    snapshot = collect("standard", timeout=10)
    libraries = snapshot.libraries
    assert libraries is not None and not snapshot.errors_of("libraries")
    assert (libraries.resolved["cudnn"].version, libraries.resolved["cudnn"].origin) == ("9.8.0", "ld_library_path")
    assert libraries.resolved["nccl"].version == "2.19.3"
    assert snapshot.nvml.status == "ok" and snapshot.packages is not None
    assert "libraries" in snapshot.timings


def test_note_mapped(tmp_path: Path, fake_build_cache: Path):
    folder = lib_dir(tmp_path / "libs", fake_build_cache, cudnn={})
    facts = probe({"LD_LIBRARY_PATH": str(folder)}, call_versions=False)
    note_mapped(facts, [str(folder / "libcudnn.so.9"), "/opt/elsewhere/libnccl.so.2.21.5", "/usr/lib/libc.so.6"])
    [cudnn] = under(facts, folder)
    assert cudnn.origins[-1] == "mapped"
    [nccl] = [lib for lib in facts.found if lib.origin == "mapped"]
    assert (nccl.name, nccl.path, nccl.version, nccl.origins) == \
        ("nccl", "/opt/elsewhere/libnccl.so.2.21.5", "2.21.5", ["mapped"])


# ------------------------------------------------------- versions read, not loaded


def test_a_wheel_library_is_never_loaded_when_its_metadata_tells(tmp_path: Path):
    """A library whose constructor hangs: its wheel's version is enough, so no child loads it."""
    site = tmp_path / "site-packages"
    hanging = misbehaving_library(tmp_path / "build", "libnccl.so.2", "hang")
    wheel(site, "nvidia-nccl-cu13", "2.30.7", {"nvidia/nccl/lib/libnccl.so.2": hanging})
    errors: List[ProbeError] = []
    started = time.monotonic()
    facts = probe({"LD_LIBRARY_PATH": str(site / "nvidia/nccl/lib")}, site=site, errors=errors,
                  deadline=time.monotonic() + 5)
    assert errors == [] and time.monotonic() - started < 4
    chosen = facts.resolved["nccl"]
    assert (chosen.version, chosen.version_source, chosen.load_error) == ("2.30.7", "metadata", None)


def test_headers_next_to_the_library_give_its_version(tmp_path: Path, fake_build_cache: Path):
    """Two wheels overwrote one libnccl.so.2 (metadata is ambiguous); cuDNN outside any wheel:
    the headers shipped beside lib/ tell, without loading either."""
    root = tmp_path / "toolkit"
    lib_dir(root / "lib", fake_build_cache, cudnn={"VERSION": "90100"}, nccl={})
    (root / "include").mkdir()
    (root / "include" / "cudnn_version.h").write_text(
        "#define CUDNN_MAJOR 9\n#define CUDNN_MINOR 1\n#define CUDNN_PATCHLEVEL 0\n")
    (root / "include" / "nccl.h").write_text("#define NCCL_MAJOR 2\n#define NCCL_MINOR 19\n#define NCCL_PATCH 3\n")
    facts = probe({"LD_LIBRARY_PATH": str(root / "lib")}, call_versions=False)
    assert {n: (facts.resolved[n].version, facts.resolved[n].version_source) for n in ("cudnn", "nccl")} == \
        {"cudnn": ("9.1.0", "header"), "nccl": ("2.19.3", "header")}


def test_host_roots_are_injected(tmp_path: Path, fake_build_cache: Path):
    """The default toolkit, system headers and system folders come from HostRoots, not the host."""
    toolkit = tmp_path / "usr-local" / "cuda"
    lib_dir(toolkit / "lib64", fake_build_cache, cublas={})
    system = lib_dir(tmp_path / "usr-lib", fake_build_cache, cudnn={"VERSION": "90800"})
    include = tmp_path / "usr-include"
    include.mkdir()
    (include / "cudnn_version.h").write_text("#define CUDNN_MAJOR 8\n#define CUDNN_MINOR 9\n#define CUDNN_PATCHLEVEL 7\n")
    roots = HostRoots(cuda_homes=[str(toolkit)], include_dirs=[str(include)], lib_dirs=[str(system)],
                      ld_cache=NO_CACHE, path="")
    facts = probe({}, roots=roots, call_versions=False)
    assert (facts.cuda_home, facts.cuda_home_source) == (str(toolkit), "default")
    assert facts.system_cudnn_version == "8.9.7"
    assert (facts.resolved["cudnn"].origin, facts.resolved["cudnn"].path) == \
        ("system_dirs", str(system / "libcudnn.so.9"))
    assert [(lib.name, lib.origin) for lib in under(facts, toolkit)] == [("cublas", "cuda_home")]
    assert "cublas" not in facts.resolved  # a toolkit folder is not on the loader's path
    nothing = probe({}, roots=HostRoots.empty(), call_versions=False)
    assert (nothing.cuda_home, nothing.system_cudnn_version, nothing.resolved) == (None, None, {})
