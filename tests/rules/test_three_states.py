"""Known, known-absent, unknown: an unknown never becomes an error or a warning.

Two sweeps: every official torch variant in the compat data on every GPU architecture it
should run on gets no architecture error; and every rule, over rich snapshots with each
fact made unknown in turn, raises no error or warning that the known facts did not, and
no error or warning quotes a value it does not know.
"""
from __future__ import annotations

import copy
import dataclasses
import typing
from typing import Any, Callable, Iterator, List, Tuple

import pytest

from cudacheck import check
from cudacheck.compat.archs import parse_arch
from cudacheck.compat.db import default_db
from cudacheck.compat.judgements import variant_targets
from cudacheck.rules.context import RuleContext, UnknownTargets
from cudacheck.policy import Policy
from cudacheck.snapshot import (DeepFacts, LibrariesFacts, LibraryFacts, ProbeError, SmokeResult, Snapshot,
                                VisibleDevices)
from cudacheck.testing import findings as by_code, gpu, make_snapshot

DB = default_db()
ARCH_CATEGORIES = ("arch_not_in_build", "gpu_too_old_for_build")


# --- sweep 1: every variant × every architecture it should run on -------------------------------

def _gpu_name(cc: str) -> str:
    """A product of that compute capability from the GPU table (so name lookups agree), else a label."""
    row = next((r for r in DB.gpus.gpus if r.compute_capability == cc and r.nvml_names), None)
    return row.nvml_names[0] if row else f"GPU with compute capability {cc}"


def _should_run_on(variant) -> List[str]:
    """The discrete-GPU compute capabilities a variant should run on: those its known targets cover,
    or, when its targets are not known, every one its CUDA toolkit can build for."""
    discrete = [a.compute_capability for a in DB.archs.architectures if a.integrated is False]
    targets = variant_targets(variant)
    if targets is not None:
        return [cc for cc in discrete if _runs(targets.covers(parse_arch(cc)).kind, variant.cuda, cc)]
    nvcc = DB.nvcc_targets(variant.cuda)
    buildable = {parse_arch(sm).cc for sm in (nvcc.sm if nvcc else []) if parse_arch(sm) and not parse_arch(sm).suffix}
    return [cc for cc in discrete if cc in buildable]


def _runs(kind: str, cuda: str, cc: str) -> bool:
    """SASS, or PTX from a toolkit that already knew the architecture (older toolkits' libraries
    carry no code for it: CC202 warns about that)."""
    arch = parse_arch(cc)
    return kind == "sass" or (kind == "ptx" and not DB.cuda_predates_arch(cuda, arch.major, arch.minor))


VARIANTS = [(release, variant) for release in DB.torch.releases for variant in release.variants]


@pytest.mark.parametrize("release, variant", VARIANTS, ids=[f"{r.latest}+{v.tag}" for r, v in VARIANTS])
def test_every_variant_on_every_architecture_it_should_run_on_has_no_arch_error(release, variant):
    archs = _should_run_on(variant)
    assert archs, f"{release.version} {variant.tag}: no architecture to check"
    driver = DB.min_driver(variant.cuda)
    for cc in archs:
        snapshot = make_snapshot(driver=driver, cuda=variant.cuda, gpus=[gpu(_gpu_name(cc), cc)],
                                 torch=f"{release.latest}+{variant.tag}", torch_cuda=variant.cuda)
        report = check(snapshot)
        wrong = [f for f in report.findings if f.category in ARCH_CATEGORIES and f.severity != "info"]
        assert not wrong, f"{release.latest}+{variant.tag} on sm {cc}: {[f.title for f in wrong]}"
        if variant_targets(variant) is None:
            [unknown] = by_code(report, "CC213")
            assert unknown.severity == "info" and unknown.could_not_check


def test_the_issue_examples_are_not_errors():
    """torch 2.6.0+cu126 / 2.6.0+cu118 / 2.7.0+cu118 on an A100 and an RTX 4090: the arch list is not
    known, which is not 'no kernels'."""
    for torch, cuda in (("2.6.0+cu126", "12.6"), ("2.6.0+cu118", "11.8"), ("2.7.0+cu118", "11.8")):
        for name, cc in (("NVIDIA A100-SXM4-80GB", "8.0"), ("NVIDIA GeForce RTX 4090", "8.9")):
            report = check(make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu(name, cc)], torch=torch,
                                         torch_cuda=cuda))
            assert not report.errors(), (torch, name, [f.title for f in report.errors()])
            assert "none" not in " ".join(f.detail for f in report.findings if f.code == "CC213")


def test_an_unknown_arch_list_cannot_be_read_as_an_empty_one():
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")],
                             torch="2.6.0+cu126", torch_cuda="12.6")
    build = RuleContext(snapshot, DB, Policy()).build
    assert build.targets is None and not build.known_archs and "cu126" in build.targets_unknown
    with pytest.raises(UnknownTargets):
        build.sass  # noqa: B018  (reading it is the test)
    with pytest.raises(UnknownTargets):
        build.arch_text()


def test_an_empty_arch_list_from_torch_is_not_read_as_no_kernels():
    """torch.cuda.get_arch_list() is [] whenever CUDA is unavailable: it says nothing about the build,
    so the official wheel's sourced list stands."""
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")],
                             torch="2.4.1+cu121", torch_cuda="12.1")
    snapshot.deep = DeepFacts(ran=True, cuda_available=False, arch_list=[])
    build = RuleContext(snapshot, DB, Policy()).build
    assert build.targets is not None and build.targets.source == "compat_data"
    assert not by_code(check(snapshot), "CC201")


# --- sweep 2: each fact unknown in turn ------------------------------------------------------------

def _bases() -> List[Tuple[str, Snapshot]]:
    """Rich snapshots, healthy and broken, with facts in every layer."""
    bases = []
    healthy = make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0",
                                                                      uuid="GPU-1", pci_device_id="0x20B210DE")],
                            torch="2.4.1+cu121", torch_cuda="12.1",
                            nvidia_requirements={"nvidia-cudnn-cu12": "==9.1.0.70", "nvidia-nccl-cu12": "==2.20.5"},
                            packages={"torch": "2.4.1+cu121", "torchvision": "0.19.1+cu121",
                                      "nvidia-cudnn-cu12": "9.1.0.70", "nvidia-nccl-cu12": "2.20.5"},
                            in_container=True, shm_bytes=16 * 2**30,
                            dev_nodes=["/dev/nvidia0", "/dev/nvidiactl", "/dev/nvidia-uvm"], cuda_init_code=0,
                            env={"NVIDIA_REQUIRE_CUDA": "cuda>=12.2"})
    healthy.cuda_driver.driver_version = "12.4"
    healthy.container.uid = 1000
    healthy.container.cuda_visible_devices = VisibleDevices(raw="0", kind="indices", indices=[0])
    healthy.libraries = LibrariesFacts(
        found=[LibraryFacts("cudnn", "/site/nvidia/cudnn/lib/libcudnn.so.9", "pip", "9.1.0", "call")],
        resolved={"cudnn": LibraryFacts("cudnn", "/site/nvidia/cudnn/lib/libcudnn.so.9", "pip", "9.1.0", "call")},
        nvcc_version="12.1", cuda_home="/usr/local/cuda")
    healthy.deep = DeepFacts(ran=True, torch_version="2.4.1+cu121", torch_cuda="12.1", cuda_available=True,
                             device_count=1, arch_list=["sm_80", "sm_90"], cudnn_version=90100,
                             smoke=[SmokeResult(index=0, matmul_ok=True, conv_ok=True, bf16_supported=True)])
    bases.append(("healthy A100", healthy))

    broken = make_snapshot(driver="470.82.01", cuda="11.4", gpus=[gpu("NVIDIA GeForce RTX 5090", "12.0"),
                                                                 gpu("Tesla V100-SXM2-16GB", "7.0", memory_mib=16384)],
                           torch="2.13.0+cu126", torch_cuda="12.6",
                           nvidia_requirements={"nvidia-cudnn-cu12": "==9.10.2.21"},
                           packages={"torch": "2.13.0+cu126", "torchvision": "0.20.0+cu121",
                                     "nvidia-cudnn-cu12": "9.17.1.4", "nvidia-nccl-cu12": "2.21.5",
                                     "nvidia-nccl-cu13": "2.28.9"},
                           in_container=True, shm_bytes=64 * 2**20,
                           env={"NVIDIA_REQUIRE_CUDA": "cuda>=12.4", "NVIDIA_DISABLE_REQUIRE": "true"},
                           dev_nodes=["/dev/nvidia0", "/dev/nvidiactl"])
    broken.container.uid = 0
    broken.container.cgroup_memory_limit_bytes = 8 * 2**30
    broken.libraries = LibrariesFacts(
        resolved={"cudnn": LibraryFacts("cudnn", "/usr/local/cudnn/lib/libcudnn.so.8", "ld_library_path", "8.9.2", "call")},
        found=[LibraryFacts("cudnn", "/site/nvidia/cudnn/lib/libcudnn.so.9", "pip", "9.17.1", "call")],
        nvcc_version="11.8")
    broken.probe_errors.append(ProbeError("libraries", "crashed", "crashed with SIGSEGV (signal 11) while "
                                          "loading /usr/local/nccl/lib/libnccl.so.2", 11, 0.2))
    bases.append(("broken mixed node", broken))

    cpu = make_snapshot(torch="2.5.1+cpu", torch_cuda=None, nvml_status="library_not_found", in_container=False,
                        packages={"torch": "2.5.1+cpu"}, shm_bytes=2**30)
    bases.append(("CPU laptop", cpu))
    return bases


Setter = Callable[[Snapshot], None]


def _optional(hint: Any) -> bool:
    return typing.get_origin(hint) is typing.Union and type(None) in typing.get_args(hint)


def _unknowns(obj: Any, path: str = "") -> Iterator[Tuple[str, Callable[[Any], Any]]]:
    """(path, getter of the owner) for every Optional field that holds a value, recursively."""
    hints = typing.get_type_hints(type(obj))
    for field in dataclasses.fields(obj):
        value = getattr(obj, field.name)
        where = f"{path}.{field.name}" if path else field.name
        if value is not None and _optional(hints[field.name]):
            yield where, field.name
        if dataclasses.is_dataclass(value):
            yield from _unknowns(value, where)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if dataclasses.is_dataclass(item):
                    yield from _unknowns(item, f"{where}[{index}]")
        elif isinstance(value, dict):
            for key, item in value.items():
                if dataclasses.is_dataclass(item):
                    yield from _unknowns(item, f"{where}[{key!r}]")


def _owner(snapshot: Snapshot, path: str) -> Tuple[Any, str]:
    """The object holding the last field of ``path`` and that field's name."""
    parts = path.replace("]", "").replace("[", ".").split(".")
    obj: Any = snapshot
    for part in parts[:-1]:
        if isinstance(obj, list):
            obj = obj[int(part)]
        elif isinstance(obj, dict):
            obj = obj[part.strip("'")]
        else:
            obj = getattr(obj, part)
    return obj, parts[-1]


def _make_unknown(snapshot: Snapshot, path: str) -> Snapshot:
    """A copy with the fact at ``path`` unknown. A torch version is read together with whether the
    build has CUDA (``cuda = None`` next to a version means a CPU build), so both become unknown."""
    copied = copy.deepcopy(snapshot)
    owner, name = _owner(copied, path)
    setattr(owner, name, None)
    if path in ("torch.version", "torch.cuda"):
        copied.torch.version = copied.torch.cuda = None
    return copied


PLACEHOLDERS = ("None", " ?", "(?)", "'?'", "unknown driver", "not known")


RANK = {"error": 2, "warning": 1}


def _problems(report) -> dict:
    """The most severe error/warning per diagnosis category (a symptom rule may speak for a cause rule
    that went silent: the diagnosis is the same)."""
    worst: dict = {}
    for f in report.findings:
        if f.severity in RANK:
            worst[f.category] = max(worst.get(f.category, 0), RANK[f.severity])
    return worst


CASES = [(name, path) for name, base in _bases() for path, _ in _unknowns(base)]
POLICIES = {"no requirements": Policy(),
            "GPU requirements": Policy(min_compute_capability="8.0", features=["bf16"], min_gpu_memory=40 * 2**30,
                                       min_gpus=1, min_shm=2**30, require_torch=True)}


@pytest.mark.parametrize("policy", sorted(POLICIES))
@pytest.mark.parametrize("name, path", CASES, ids=[f"{n}: {p}" for n, p in CASES])
def test_an_unknown_fact_adds_no_error_or_warning_and_none_cites_it(name, path, policy):
    base = dict(_bases())[name]
    before = _problems(check(base, POLICIES[policy]))
    report = check(_make_unknown(base, path), POLICIES[policy])
    added = {category: rank for category, rank in _problems(report).items() if rank > before.get(category, 0)}
    assert not added, f"{path} unknown added {added}: " + \
        "; ".join(f.title for f in report.findings if f.category in added)
    for finding in report.findings:
        if finding.severity == "info":
            continue
        text = f"{finding.title} {finding.detail}"
        assert not any(p in text for p in PLACEHOLDERS), f"{path} unknown: {finding.code} cites it: {text}"


def test_the_sweep_covers_every_layer():
    paths = {path.split(".")[0].split("[")[0] for _, path in CASES}
    assert {"nvml", "cuda_driver", "torch", "container", "libraries", "deep", "platform", "packages"} <= paths
    assert len(CASES) > 100


def test_a_known_arch_list_says_nothing_about_what_it_could_not_check():
    report = check(make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")],
                                 torch="2.4.1+cu121", torch_cuda="12.1"))
    assert not by_code(report, "CC213") and not [f for f in report.findings if f.could_not_check]
