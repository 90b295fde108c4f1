"""Extension and torch-library rules (CC240–CC248) over hand-built kernel inventories.

Each rule has a case where it fires and one where it must stay silent, including the
unknown-fact cases (no inventory, no GPU compute capability, unknown driver CUDA).
The inventories mirror what the scanner reports for real files (see tests/kernels)."""
from __future__ import annotations

from typing import List, Optional

from cudacheck import check
from cudacheck.snapshot import KernelBinary, KernelGroup, KernelInventory
from cudacheck.testing import findings, gpu, make_snapshot

TORCH_SASS = ["sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120"]


def torch_binaries(linalg: bool = True) -> List[KernelBinary]:
    binaries = [KernelBinary(path="/sp/torch/lib/libtorch_cuda.so", package="torch", package_version="2.14.1+cu130",
                             containers=475, groups=[KernelGroup(TORCH_SASS, [], 414),
                                                     KernelGroup(TORCH_SASS + ["sm_100a", "sm_103f"], [], 61)],
                             sass=TORCH_SASS + ["sm_100a", "sm_103f"], cudart="shared",
                             cudart_soname="libcudart.so.13", cudart_major=13, cxx11_abi=True)]
    if linalg:
        binaries.append(KernelBinary(path="/sp/torch/lib/libtorch_cuda_linalg.so", package="torch",
                                     package_version="2.14.1+cu130", containers=65,
                                     groups=[KernelGroup(TORCH_SASS[1:], [], 65)], sass=TORCH_SASS[1:],
                                     cudart="shared", cudart_soname="libcudart.so.13", cudart_major=13))
    return binaries


def extension(name: str = "flash-attn", version: str = "2.8.3", groups: Optional[List[KernelGroup]] = None,
              **facts) -> KernelBinary:
    groups = groups if groups is not None else [KernelGroup(["sm_80", "sm_90"], [], 3)]
    values = dict(path=f"/sp/{name.replace('-', '_')}/ext_cuda.so", package=name, package_version=version,
                  containers=sum(g.count for g in groups), groups=groups,
                  sass=sorted({t for g in groups for t in g.sass}), ptx=sorted({t for g in groups for t in g.ptx}),
                  cudart="shared", cudart_soname="libcudart.so.13", cudart_major=13, torch_abi="cxx",
                  cxx11_abi=True, torch_symbols=40, missing_torch_symbols=[], missing_torch_symbols_count=0)
    values.update(facts)
    return KernelBinary(**values)


def snapshot(gpu_name: str = "NVIDIA A100-SXM4-80GB", cc: Optional[str] = "8.0", *, binaries=(), driver_cuda="13.0",
             torch_abi: Optional[bool] = True, with_torch_libs: bool = True, binary_archs: bool = True):
    snap = make_snapshot(driver="580.95.05", cuda=driver_cuda, gpus=[gpu(gpu_name, cc)], torch="2.14.1+cu130",
                         torch_cuda="13.0")
    snap.kernels = KernelInventory(binaries=(torch_binaries() if with_torch_libs else []) + list(binaries),
                                   torch_cudart_major=13, torch_cxx11_abi=torch_abi)
    if binary_archs:
        snap.torch.arch_list, snap.torch.arch_list_source = list(TORCH_SASS), "binary"
    return snap


def codes(report) -> List[str]:
    return [f.code for f in report.findings]


# CC240: no container runs -------------------------------------------------------------


def test_extension_without_kernels_for_an_rtx_5090():
    report = check(snapshot("NVIDIA GeForce RTX 5090", "12.0", binaries=[extension()]))
    [finding] = findings(report, "CC240")
    assert finding.severity == "error" and finding.category == "extension_mismatch"
    assert "flash-attn 2.8.3" in finding.title and "sm_120" in finding.title
    assert "sm_80 sm_90" in finding.detail
    # flash-attn publishes release wheels per torch / CUDA / ABI: the remedy names the fitting one.
    assert "flash_attn-2.8.3+cu13torch2.14cxx11abiTRUE-cp311-cp311-linux_x86_64.whl" in finding.remedy
    assert 'TORCH_CUDA_ARCH_LIST="12.0"' in finding.remedy


def test_extension_with_same_major_sass_runs():
    report = check(snapshot("NVIDIA GeForce RTX 3090", "8.6", binaries=[extension()]))
    assert not findings(report, "CC240") and not findings(report, "CC242")


def test_extension_reached_through_ptx_is_not_missing_kernels():
    ext = extension(groups=[KernelGroup(["sm_80"], ["compute_90"], 2, "8.4")])
    report = check(snapshot("NVIDIA GeForce RTX 5090", "12.0", binaries=[ext]))
    assert not findings(report, "CC240") and not findings(report, "CC245")


def test_unknown_gpu_architecture_keeps_the_rules_silent():
    report = check(snapshot("Some Future GPU", None, binaries=[extension()]))
    assert not {"CC240", "CC242", "CC245"} & set(codes(report))


# CC242: some containers run -----------------------------------------------------------


def test_hopper_only_kernels_inside_a_library_on_an_rtx_5090():
    ext = extension("xformers", "0.0.33", groups=[KernelGroup(["sm_80", "sm_90", "sm_120"], [], 40),
                                                  KernelGroup(["sm_90a"], [], 6)])
    report = check(snapshot("NVIDIA GeForce RTX 5090", "12.0", binaries=[ext]))
    [finding] = findings(report, "CC242")
    assert finding.severity == "warning" and "6 of 46" in finding.title and "6 × [sm_90a]" in finding.detail
    assert not findings(report, "CC240")
    h100 = check(snapshot("NVIDIA H100 80GB HBM3", "9.0", binaries=[ext]))
    assert not findings(h100, "CC242")


def test_torch_linalg_without_sm75_on_a_t4():
    report = check(snapshot("Tesla T4", "7.5"))
    [finding] = findings(report, "CC242")
    assert "libtorch_cuda_linalg.so (torch 2.14.1+cu130)" in finding.title and "65 of 65" in finding.title
    assert "TORCH_CUDA_ARCH_LIST including 7.5" in finding.remedy
    assert not findings(report, "CC201")  # the rest of torch runs on sm_75


def test_torch_library_rule_leaves_a_gpu_the_whole_build_misses_to_cc203():
    report = check(snapshot("Tesla V100-SXM2-32GB", "7.0"))
    assert findings(report, "CC203") and not findings(report, "CC242")


def test_torch_libraries_all_covered_on_an_a100():
    assert not findings(check(snapshot()), "CC242")


# CC243: missing torch symbols ----------------------------------------------------------


def test_extension_built_for_another_torch():
    ext = extension("torchvision", "0.28.0", torch_symbols=110, requires_torch="==2.13.0",
                    missing_torch_symbols=["_ZN3c104cuda29c10_cuda_check_implementationEiPKcS2_jb"],
                    missing_torch_symbols_count=1)
    report = check(snapshot(binaries=[ext]))
    [finding] = findings(report, "CC243")
    assert "1 torch symbol that torch 2.14.1+cu130 does not export" in finding.title
    assert "_ZN3c104cuda29c10_cuda_check_implementationEiPKcS2_jb" in finding.detail
    assert "torch ==2.13.0" in finding.detail
    assert "torchvision==0.29.1" in finding.remedy and "/cu130" in finding.remedy


def test_no_missing_symbols_or_an_unknown_lookup_is_silent():
    fine = extension(missing_torch_symbols=[], missing_torch_symbols_count=0)
    unknown = extension("xformers", missing_torch_symbols=None, missing_torch_symbols_count=None)
    assert not findings(check(snapshot(binaries=[fine, unknown])), "CC243")


# CC244: C++11 ABI ------------------------------------------------------------------------


def test_old_abi_extension_with_a_new_abi_torch():
    ext = extension(cxx11_abi=False, missing_torch_symbols=["_ZN3c105ErrorC2ENS_14SourceLocationESs"],
                    missing_torch_symbols_count=3)
    report = check(snapshot(binaries=[ext]))
    [finding] = findings(report, "CC244")
    assert "old (pre-C++11)" in finding.title and "new (std::__cxx11)" in finding.title
    assert "cxx11abiTRUE" in finding.remedy
    assert not findings(report, "CC243")  # one diagnosis: the ABI explains the missing symbols


def test_abi_rule_is_silent_when_abis_match_unknown_or_stable():
    same = extension(cxx11_abi=True)
    stable = extension("torchvision", torch_abi="stable", cxx11_abi=False)
    assert not findings(check(snapshot(binaries=[same, stable])), "CC244")
    assert not findings(check(snapshot(binaries=[extension(cxx11_abi=False)], torch_abi=None)), "CC244")


# CC245: PTX the driver cannot JIT ---------------------------------------------------------


def test_ptx_newer_than_the_driver():
    ext = extension(groups=[KernelGroup(["sm_80", "sm_90"], ["compute_90"], 4, "9.0")])
    report = check(snapshot("NVIDIA GeForce RTX 5090", "12.0", binaries=[ext], driver_cuda="12.8"))
    [finding] = findings(report, "CC245")
    assert finding.severity == "error" and "ISA 9.0" in finding.detail and "13.0" in finding.detail
    assert not findings(report, "CC240")


def test_ptx_jit_with_a_new_enough_or_unknown_driver_is_silent():
    ext = extension(groups=[KernelGroup(["sm_80"], ["compute_90"], 4, "9.0")])
    assert not findings(check(snapshot("NVIDIA GeForce RTX 5090", "12.0", binaries=[ext], driver_cuda="13.0")),
                        "CC245")
    assert not findings(check(snapshot("NVIDIA GeForce RTX 5090", "12.0", binaries=[ext], driver_cuda=None)),
                        "CC245")


# CC246: CUDA runtime major ------------------------------------------------------------------


def test_cuda12_extension_next_to_a_cuda13_torch():
    missing = extension(cudart_soname="libcudart.so.12", cudart_major=12, cudart_resolves=False)
    report = check(snapshot(binaries=[missing]))
    [finding] = findings(report, "CC246")
    assert finding.severity == "error" and "libcudart.so.12: cannot open shared object file" in finding.detail
    found = extension(cudart_soname="libcudart.so.12", cudart_major=12, cudart_resolves=True)
    [warning] = findings(check(snapshot(binaries=[found])), "CC246")
    assert warning.severity == "warning" and "two CUDA runtimes" in warning.detail


def test_same_runtime_major_hashed_soname_or_static_is_silent():
    hashed = extension(cudart_soname="libcudart.faf08d9a.so.13", cudart_major=13)
    static = extension("bitsandbytes", cudart="static", cudart_soname=None, cudart_major=None)
    assert not findings(check(snapshot(binaries=[hashed, static])), "CC246")


# CC247 / CC248: torch's own arch list -------------------------------------------------------


def test_torch_without_ptx_read_from_binaries():
    [finding] = findings(check(snapshot()), "CC247")
    assert finding.severity == "info" and "no PTX" in finding.title and "from its binaries" in finding.detail


def test_no_ptx_info_needs_binary_evidence():
    assert not findings(check(snapshot(binary_archs=False)), "CC247")  # compat data: not evidence enough
    with_ptx = snapshot()
    with_ptx.torch.arch_list = TORCH_SASS + ["compute_120"]
    assert not findings(check(with_ptx), "CC247")


def test_binary_arch_list_differing_from_compat_data():
    snap = snapshot()
    snap.torch.arch_list = TORCH_SASS + ["sm_89"]
    [finding] = findings(check(snap), "CC248")
    assert "sm_89" in finding.title and finding.severity == "info"
    assert not findings(check(snapshot()), "CC248")  # 2.14.1 cu130's binaries match the table


def test_arch_verdicts_cite_the_binaries():
    snap = snapshot("Tesla V100-SXM2-32GB", "7.0")
    snap.torch.arch_list = ["sm_80", "sm_90"]
    [finding] = findings(check(snap), "CC203")
    assert "read from torch's own binaries" in finding.detail


def test_no_inventory_keeps_every_extension_rule_silent():
    snap = snapshot("NVIDIA GeForce RTX 5090", "12.0", binary_archs=False)
    snap.kernels = None
    assert not {f"CC24{n}" for n in range(10)} & set(codes(check(snap)))
