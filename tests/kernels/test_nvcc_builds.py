"""Extensions built by the real nvcc 13.0 with known targets, runtime and torch ABI, on fake hosts.

Each extension is scanned from its file, compared with ``cuobjdump``, installed into a
site-packages folder next to a stand-in torch (a ``libc10.so`` exporting chosen
symbols, a ``libtorch_cuda.so`` built by nvcc) and judged for GPUs that should and
should not run it: exactly the expected findings must come out.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from builds import KERNEL, build_cuda, build_cxx, cudart12_dir, toolkit
from cudacheck import check
from cudacheck.kernels.cache import ScanCache
from cudacheck.kernels.inventory import kernel_facts
from cudacheck.kernels.scan import scan_library
from cudacheck.probes.torch_build import torch_facts
from cudacheck.testing import gpu, make_snapshot
from real_parts import Unavailable, cuobjdump_listing

pytestmark = pytest.mark.slow

C10_HEADER = """
#include <string>
namespace c10 {
struct SourceLocation { const char *function; const char *file; unsigned line; };
struct Error { Error(SourceLocation, std::string); };
namespace cuda { void SetDevice(int); void ExchangeDevice(int); }
}
"""
C10_NEW_TORCH = C10_HEADER + """
c10::Error::Error(c10::SourceLocation, std::string) {}
void c10::cuda::SetDevice(int) {}
"""  # the installed torch: ExchangeDevice is gone
C10_OLD_TORCH = C10_NEW_TORCH + "void c10::cuda::ExchangeDevice(int) {}\n"
USES_C10 = C10_HEADER + KERNEL + """
extern "C" void run(float *x) {
    c10::cuda::SetDevice(0);
    c10::cuda::ExchangeDevice(1);
    c10::Error error({"run", "ext.cu", 1}, std::string("message"));
    launch_scale(x, 2.0f);
}
"""
USES_STABLE = KERNEL + """
extern "C" int aoti_torch_get_device_type(void *tensor, int *out);
extern "C" int run(void *tensor) { int type; return aoti_torch_get_device_type(tensor, &type); }
"""
STABLE_SHIM = 'extern "C" int aoti_torch_get_device_type(void *tensor, int *out) { *out = 1; return 0; }\n'


def gencode(*pairs: str) -> List[str]:
    return [f"-gencode=arch={arch},code={code}" for arch, code in (p.split(":") for p in pairs)]


@pytest.fixture(scope="module")
def built() -> Dict[str, Path]:
    """Every binary the tests need (built once, cached across runs)."""
    try:
        toolkit()
        old_c10 = build_cxx("libc10.so", C10_OLD_TORCH, ["-Wl,-soname,libc10.so"])
        old_abi_c10 = build_cxx("libc10.so", C10_OLD_TORCH, ["-D_GLIBCXX_USE_CXX11_ABI=0", "-Wl,-soname,libc10.so"])
        link_c10 = [f"-L{old_c10.parent}", "-lc10"]
        return {
            "sm80": build_cuda("sm80_ext.so", KERNEL, gencode("compute_80:sm_80")),
            "sm90a": build_cuda("sm90a_ext.so", KERNEL, gencode("compute_90a:sm_90a")),
            "ptx90": build_cuda("ptx90_ext.so", KERNEL, gencode("compute_90:compute_90")),
            "mixed": build_cuda("mixed_ext.so", KERNEL, gencode("compute_75:sm_75", "compute_86:sm_86",
                                                                "compute_120:sm_120", "compute_120:compute_120")
                                + ["-cudart", "shared"]),
            "cudart12": build_cuda("cudart12_ext.so", KERNEL, gencode("compute_80:sm_80")
                                   + ["-cudart", "none", f"-L{cudart12_dir()}", "-l:libcudart.so.12"]),
            "needs_c10": build_cuda("needs_c10_ext.so", USES_C10, gencode("compute_80:sm_80") + ["-cudart", "shared"]
                                    + link_c10),
            "old_abi": build_cuda("old_abi_ext.so", USES_C10, gencode("compute_80:sm_80")
                                  + ["-cudart", "shared", "-Xcompiler", "-D_GLIBCXX_USE_CXX11_ABI=0",
                                     f"-L{old_abi_c10.parent}", "-lc10"]),
            "stable": build_cuda("stable_ext.so", USES_STABLE, gencode("compute_80:sm_80")
                                 + ["-cudart", "shared", "-Xlinker", "--unresolved-symbols=ignore-all"]),
            "torch_c10": build_cxx("libc10.so", C10_NEW_TORCH, ["-Wl,-soname,libc10.so"]),
            "torch_cpu": build_cxx("libtorch_cpu.so", STABLE_SHIM, ["-Wl,-soname,libtorch_cpu.so"]),
            "torch_cuda": build_cuda("libtorch_cuda.so", KERNEL, gencode("compute_80:sm_80", "compute_90:sm_90")
                                     + ["-cudart", "shared"]),
        }
    except Unavailable as exc:
        pytest.skip(f"nvcc from PyPI is not available here: {exc}")


def targets(path: Path):
    scan = scan_library(str(path))
    return [(g.sass, g.ptx, g.count) for g in scan.groups], scan


def test_scans_of_known_builds(built):
    # Every -shared build holds the translation unit's container and the device-link step's one.
    assert targets(built["sm80"])[0] == [(["sm_80"], [], 2)]
    assert targets(built["sm90a"])[0] == [(["sm_90a"], [], 2)]
    # PTX only: the device-link container is empty and is not a kernel container.
    groups, scan = targets(built["ptx90"])
    assert groups == [([], ["compute_90"], 1)] and scan.ptx_isa == ["9.0"]
    # The device-link step's container carries the SASS targets but not the PTX.
    groups, scan = targets(built["mixed"])
    assert sorted(groups) == [(["sm_75", "sm_86", "sm_120"], [], 1), (["sm_75", "sm_86", "sm_120"], ["compute_120"], 1)]
    assert scan.cudart_soname == "libcudart.so.13"
    assert targets(built["sm80"])[1].cudart == "static" and targets(built["cudart12"])[1].cudart_major == 12
    needs = scan_library(str(built["needs_c10"]))
    assert needs.torch_abi == "cxx" and needs.cxx11_abi is True and "_ZN3c104cuda14ExchangeDeviceEi" in needs.torch_symbols
    old = scan_library(str(built["old_abi"]))
    assert old.cxx11_abi is False and "_ZN3c105ErrorC1ENS_14SourceLocationESs" in old.torch_symbols
    assert scan_library(str(built["stable"])).torch_abi == "stable"


@pytest.mark.parametrize("name", ["sm80", "sm90a", "ptx90", "mixed", "cudart12"])
def test_the_scan_matches_cuobjdump(built, name):
    try:
        listing = cuobjdump_listing(built[name])
    except Unavailable as exc:
        pytest.skip(str(exc))
    scan = scan_library(str(built[name]))
    counted_sass: List[str] = []
    counted_ptx: List[str] = []
    for group in scan.groups:
        counted_sass += group.sass * group.count
        counted_ptx += [t.replace("compute_", "sm_") for t in group.ptx] * group.count
    assert sorted(counted_sass) == sorted(listing["sass"]) and sorted(counted_ptx) == sorted(listing["ptx"])


def install(site: Path, package: str, version: str, files: Dict[str, Path], requires_torch: Optional[str] = None):
    folder = site / package.replace("-", "_")
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, built_file in files.items():
        shutil.copy2(built_file, folder / file_name)
    info = site / f"{package.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    requires = f"Requires-Dist: torch (=={requires_torch})\n" if requires_torch else ""
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n{requires}\n")
    (info / "RECORD").write_text("".join(f"{folder.name}/{name},,\n" for name in files))


@pytest.fixture(scope="module")
def host(built, tmp_path_factory) -> Path:
    """site-packages with the stand-in torch 2.14.1+cu130 and one package per built extension."""
    site = tmp_path_factory.mktemp("host") / "site-packages"
    lib = site / "torch" / "lib"
    lib.mkdir(parents=True)
    (site / "torch" / "__init__.py").write_text("")
    (site / "torch" / "version.py").write_text("__version__ = '2.14.1+cu130'\ncuda = '13.0'\nhip = None\n")
    (site / "torch-2.14.1+cu130.dist-info").mkdir()
    (site / "torch-2.14.1+cu130.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: torch\n"
                                                                     "Version: 2.14.1+cu130\n\n")
    for key, name in (("torch_c10", "libc10.so"), ("torch_cpu", "libtorch_cpu.so"),
                      ("torch_cuda", "libtorch_cuda.so")):
        shutil.copy2(built[key], lib / name)
    install(site, "sm80-ext", "1.0", {"sm80_ext.so": built["sm80"]})
    install(site, "hopper-ext", "1.0", {"sm90a_ext.so": built["sm90a"]})
    install(site, "ptx-ext", "1.0", {"ptx90_ext.so": built["ptx90"]})
    install(site, "cu12-ext", "1.0", {"cudart12_ext.so": built["cudart12"]})
    install(site, "flash-attn", "2.8.3", {"needs_c10_ext.so": built["needs_c10"]}, requires_torch="2.13.0")
    install(site, "mamba-ssm", "2.2.4", {"old_abi_ext.so": built["old_abi"]})
    install(site, "stable-ext", "1.0", {"stable_ext.so": built["stable"]})
    return site


def judge(site: Path, gpu_name: str, cc: str, driver_cuda: str = "13.0", env: Optional[Dict[str, str]] = None):
    snapshot = make_snapshot(driver="580.95.05", cuda=driver_cuda, gpus=[gpu(gpu_name, cc)], torch="2.14.1+cu130",
                             torch_cuda="13.0")
    snapshot.torch = torch_facts(search_path=[str(site)])
    snapshot.kernels = kernel_facts(snapshot.torch, env or {}, search_path=[str(site)], errors=snapshot.probe_errors,
                                    cache=ScanCache(None), ld_cache="/nonexistent")
    assert snapshot.probe_errors == []
    report = check(snapshot)
    return {(f.code, f.title.split(" ", 1)[0]) for f in report.findings if f.code.startswith("CC24")
            and f.code not in ("CC247", "CC248")}, report


def test_inventory_of_the_fake_host(host):
    inventory = kernel_facts(torch_facts(search_path=[str(host)]), {}, search_path=[str(host)],
                             cache=ScanCache(None), ld_cache="/nonexistent")
    by_file = {b.path.rsplit("/", 1)[-1]: b for b in inventory.binaries}
    assert inventory.torch_cudart_major == 13 and inventory.torch_cxx11_abi is True
    assert by_file["needs_c10_ext.so"].missing_torch_symbols == ["_ZN3c104cuda14ExchangeDeviceEi"]
    assert by_file["needs_c10_ext.so"].requires_torch == "==2.13.0"
    assert by_file["stable_ext.so"].torch_abi == "stable" and by_file["stable_ext.so"].missing_torch_symbols_count == 0
    assert by_file["cudart12_ext.so"].cudart_resolves is False
    assert by_file["libtorch_cuda.so"].package == "torch"


def test_findings_on_an_a100(host):
    found, _ = judge(host, "NVIDIA A100-SXM4-80GB", "8.0")
    assert found == {("CC240", "sm90a_ext.so"), ("CC240", "ptx90_ext.so"), ("CC243", "needs_c10_ext.so"),
                     ("CC244", "old_abi_ext.so"), ("CC246", "cudart12_ext.so")}


def test_findings_on_an_h100_with_an_older_driver(host):
    found, report = judge(host, "NVIDIA H100 80GB HBM3", "9.0", driver_cuda="12.8")
    assert found == {("CC240", "sm80_ext.so"), ("CC245", "ptx90_ext.so"), ("CC240", "needs_c10_ext.so"),
                     ("CC243", "needs_c10_ext.so"), ("CC240", "old_abi_ext.so"), ("CC244", "old_abi_ext.so"),
                     ("CC240", "cudart12_ext.so"), ("CC246", "cudart12_ext.so"), ("CC240", "stable_ext.so")}
    [ptx] = [f for f in report.findings if f.code == "CC245"]
    assert "ISA 9.0" in ptx.detail and "12.8" in ptx.title


def test_two_runtimes_when_the_cuda12_runtime_is_on_the_path(host):
    found, report = judge(host, "NVIDIA A100-SXM4-80GB", "8.0", env={"LD_LIBRARY_PATH": str(cudart12_dir())})
    [finding] = [f for f in report.findings if f.code == "CC246"]
    assert finding.severity == "warning" and "two CUDA runtimes" in finding.detail
