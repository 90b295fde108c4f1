"""doctor --target: this environment judged on assumed drivers and GPUs. Host-only facts become
unknown; findings that rest on an assumption say so; the real torch 2.14.1 CUDA wheel's files
are judged against a fleet."""
from __future__ import annotations

import json

import pytest

from cudacheck.errors import UsageError
from cudacheck.fleet.overlay import assume
from cudacheck.fleet.targets import parse_target
from cudacheck.fleet.whatif import judge_targets
from cudacheck.policy import Policy
from cudacheck.serialize import dumps
from cudacheck.probes.container import parse_visible_devices
from cudacheck.snapshot import DeepFacts, LibraryFacts, LibrariesFacts
from cudacheck.testing import make_snapshot

from .conftest import SNAPSHOTS, run_cli
from .real_wheel import find_wheel, site_packages_from

REQUIRE_CUDA_13 = ("cuda>=13.0 brand=unknown,driver>=535,driver<536 brand=tesla,driver>=535,driver<536 "
                   "brand=nvidia,driver>=535,driver<536")


def build_box(torch="2.14.1+cu130", torch_cuda="13.0", env=None):
    """An image being built: no GPU, root, a tiny /dev/shm, no device nodes (as inside `docker build`)."""
    snapshot = make_snapshot(torch=torch, torch_cuda=torch_cuda, nvml_status="library_not_found", in_container=True,
                             env=dict(env or {}), shm_bytes=64 * 2**20, dev_nodes=[])
    snapshot.container.uid = 0
    snapshot.platform.kernel = "6.8.0-build-host"
    snapshot.deep = DeepFacts(ran=True, cuda_available=False)
    snapshot.libraries = LibrariesFacts(found=[LibraryFacts("cudart", "/usr/lib/libcudart.so.13", "mapped")])
    return snapshot


def codes(result, name):
    item = next(r for r in result.results if r.target.name == name)
    return sorted(f.code for f in item.report.findings if f.severity == "error")


def categories(result, name):
    """Error categories: the diagnosis, stable while rules are split or renumbered."""
    item = next(r for r in result.results if r.target.name == name)
    return sorted({f.category for f in item.report.findings if f.severity == "error"})


def test_host_only_facts_become_unknown_and_the_assumption_is_recorded():
    target = parse_target("name=a100,driver=535.104.05,gpu=A100,count=8")
    assumed = assume(build_box(), target)
    container = assumed.container
    assert container.dev_nodes is None and container.uid is None and container.shm is None
    assert assumed.platform.kernel is None and assumed.deep is None
    assert assumed.libraries.found == []  # a library mapped by this box's deep child says nothing about a target
    assert assumed.nvml.driver_version == "535.104.05" and assumed.nvml.cuda_driver_version == "12.2"
    assert [g.compute_capability for g in assumed.nvml.gpus] == ["8.0"] * 8
    assert all(g.remapped_rows_pending is None for g in assumed.nvml.gpus)  # health unknown, not healthy
    assert assumed.assumed.target == "a100" and "container.dev_nodes" in assumed.assumed.unknown
    assert any("supports CUDA ≤ 12.2" in note for note in assumed.assumed.notes)
    assert build_box().container.dev_nodes == []  # the original is untouched


def test_every_host_only_fact_is_forgotten_and_listed_by_its_name():
    from cudacheck.fact_paths import key
    from cudacheck.fleet.overlay import HOST_FIELDS

    box = build_box()
    box.container.cuda_visible_devices = box.container.nvidia_visible_devices = parse_visible_devices("0")
    box.container.cgroup_memory_limit_bytes, box.container.cgroup_cpu_limit = 2**34, 4.0
    box.container.ipc_host, box.container.gpus_flag = True, "all"
    assumed = assume(box, parse_target("driver=535.104.05,gpu=A100"))
    for where, _ in HOST_FIELDS:
        assert where(box) is not None and where(assumed) is None, key(where)
        assert key(where) in assumed.assumed.unknown


def test_without_blanking_the_build_box_would_raise_false_errors():
    """The reason for unknown-ing: the same facts, observed on a GPU host, are real errors."""
    from cudacheck import check

    target = parse_target("driver=580.65.06,gpu=H100")
    live_like = assume(build_box(), target)
    live_like.container.dev_nodes = []  # as observed on the build box
    assert "CC104" in {f.code for f in check(live_like).findings}
    assert "CC104" not in {f.code for f in check(assume(build_box(), target)).findings}


def test_verdicts_per_target_follow_the_compat_rules():
    result = judge_targets(build_box(env={"NVIDIA_REQUIRE_CUDA": REQUIRE_CUDA_13}), [
        parse_target("name=a100-535,driver=535.104.05,gpu=NVIDIA A100-SXM4-80GB,count=8,brand=nvidia"),
        parse_target("name=5090-570,driver=570.86.15,gpu=NVIDIA GeForce RTX 5090,brand=geforcertx"),
        parse_target("name=5090-580,driver=580.65.06,gpu=NVIDIA GeForce RTX 5090,brand=geforcertx"),
        parse_target("name=v100-580,driver=580.65.06,gpu=Tesla V100-SXM2-16GB,brand=tesla"),
    ], Policy(require_gpu=True))
    assert codes(result, "a100-535") == ["CC210"]  # the brand=nvidia,driver 535 alternate satisfies the image
    assert codes(result, "5090-570") == ["CC108", "CC210"]
    assert codes(result, "5090-580") == []
    # sm_70 is below the build's archs, and cuDNN 9.24 (or torch's own guard for it) refuses it
    assert categories(result, "v100-580") == ["cudnn_version_mismatch", "gpu_too_old_for_build"]
    assert result.failing == ["a100-535", "5090-570", "v100-580"] and result.failed()
    a100 = result.results[0]
    (index,) = [i for i, f in enumerate(a100.report.findings) if f.code == "CC210"]
    assert "nvml.driver_version" in a100.assumed[index]
    assert "Assumed for target a100-535: driver 535.104.05" in a100.report.findings[index].detail


def test_a_finding_of_the_environment_itself_is_not_marked_assumed():
    box = build_box(torch="2.14.1+cu130")
    box.torch.nvidia_requirements = {"nvidia-cudnn-cu13": "==9.24.0.43"}
    box.packages = []
    result = judge_targets(box, [parse_target("name=h100,driver=580.65.06,gpu=H100")])
    findings = result.results[0].report.findings
    (cudnn,) = [i for i, f in enumerate(findings) if f.code == "CC303"]
    assert cudnn not in result.results[0].assumed


def test_a_target_without_a_gpu_model_does_not_invent_gpu_errors():
    result = judge_targets(build_box(), [parse_target("driver=580.65.06")], Policy(require_gpu=True))
    assert codes(result, "target-1") == []


def test_shm_assumption_is_judged_like_a_live_box():
    result = judge_targets(build_box(torch="2.4.1+cu124", torch_cuda="12.4"),
                           [parse_target("name=small,driver=550.54.14,gpu=A100,shm=64Mi")], Policy(min_shm=2**30))
    assert "CC606" in codes(result, "small")


def test_unknown_gpu_is_a_usage_error_with_suggestions():
    with pytest.raises(UsageError, match="unknown GPU 'A1OO-SXM'.*did you mean"):
        judge_targets(build_box(), [parse_target("gpu=A1OO-SXM")])
    assume(build_box(), parse_target("gpu=Imaginary X1,cc=9.0"))  # with its compute capability, it is judged


def test_snapshot_target_uses_that_nodes_own_facts():
    from cudacheck.fleet.targets import load_targets

    (target,) = load_targets(str(SNAPSHOTS / "h100_healthy_torch25_cu124.json"))
    assumed = assume(build_box(), target)
    assert assumed.nvml.driver_version == "535.104.05" and assumed.nvml.gpus[0].name == "NVIDIA H100 80GB HBM3"


def test_cli_targets_and_exit_codes(tmp_path):
    saved = tmp_path / "image.json"
    saved.write_text(dumps(build_box(env={"NVIDIA_REQUIRE_CUDA": REQUIRE_CUDA_13})), encoding="utf-8")
    fleet = tmp_path / "fleet.toml"
    fleet.write_text('[[target]]\nname = "a100"\ndriver = "535.104.05"\ngpu = "A100"\ncount = 8\n'
                     'nodes = ["gpu-a-[001-040]"]\n', encoding="utf-8")
    fail = run_cli("doctor", "--snapshot", str(saved), "--targets", str(fleet), "--target",
                   "name=5090,driver=580.65.06,gpu=NVIDIA GeForce RTX 5090")
    assert fail.returncode == 1, fail.stderr
    assert "assuming driver 535.104.05, 8" in fail.stdout and "nodes: gpu-a-[001-040]" in fail.stdout
    assert "1 of 2 targets fail: a100." in fail.stdout
    ok = run_cli("doctor", "--snapshot", str(saved), "--target", "driver=580.65.06,gpu=H100", "--format", "json")
    assert ok.returncode == 0, ok.stdout
    data = json.loads(ok.stdout)
    assert data["schema"] == "cudacheck.whatif/1" and data["summary"]["failing"] == []
    assert data["targets"][0]["assumption"]["replaced"] == ["nvml", "cuda_driver"]
    for args, message in ((["--deep"], "--deep cannot be combined"), (["--format", "prometheus"], "prometheus"),
                          (["--target", "gpu=Nope-9000"], "unknown GPU")):
        base = ["doctor", "--snapshot", str(saved)] + (["--target", "driver=580.65.06"] if "--target" not in args else [])
        out = run_cli(*base, *args)
        assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


# --- the real torch 2.14.1 CUDA wheel --------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_torch_site(tmp_path_factory):
    wheel = find_wheel()
    if wheel is None:
        pytest.skip("pip cannot get the torch 2.14.1 CUDA wheel (see tests/kernels/real_parts.py)")
    return site_packages_from(wheel, tmp_path_factory.mktemp("site-packages"))


def test_real_torch_2_14_1_wheel_against_a_fleet(real_torch_site, tmp_path):
    """The torch probe reads the wheel's own version.py and METADATA; this environment's other
    facts are probed live; then one saved snapshot is judged on four targets through the CLI."""
    from cudacheck.probes import collect
    from cudacheck.probes.torch_build import torch_facts

    snapshot = collect("standard", timeout=30)
    snapshot.torch = torch_facts([str(real_torch_site)])
    assert (snapshot.torch.version, snapshot.torch.cuda) == ("2.14.1+cu130", "13.0")
    assert snapshot.torch.nvidia_requirements["nvidia-cudnn-cu13"] == "==9.24.0.43"
    snapshot.container.env["NVIDIA_REQUIRE_CUDA"] = REQUIRE_CUDA_13
    saved = tmp_path / "torch-2.14.1.json"
    saved.write_text(dumps(snapshot), encoding="utf-8")
    fleet = tmp_path / "fleet.toml"
    fleet.write_text("\n".join([
        '[[target]]', 'name = "a100-535"', 'driver = "535.104.05"', 'gpu = "NVIDIA-A100-SXM4-80GB"', 'count = 8',
        'brand = "nvidia"',
        '[[target]]', 'name = "5090-570"', 'driver = "570.86.15"', 'gpu = "NVIDIA GeForce RTX 5090"',
        'brand = "geforcertx"',
        '[[target]]', 'name = "5090-580"', 'driver = "580.65.06"', 'gpu = "NVIDIA GeForce RTX 5090"',
        '[[target]]', 'name = "v100-580"', 'driver = "580.65.06"', 'gpu = "Tesla-V100-SXM2-16GB-SHARED"', '']),
        encoding="utf-8")
    out = run_cli("doctor", "--snapshot", str(saved), "--targets", str(fleet), "--format", "json")
    assert out.returncode == 1
    data = json.loads(out.stdout)
    errors = {t["target"]["name"]: {(f["code"], f["category"]) for f in t["findings"] if f["severity"] == "error"}
              for t in data["targets"]}
    environment = set.intersection(*errors.values())  # the image's own problems, the same on every target
    assert {code for code, _ in environment} <= {"CC303"}  # no cuDNN wheel in this test environment
    by_target = {name: sorted({category for _, category in found - environment}) for name, found in errors.items()}
    assert by_target == {"a100-535": ["driver_too_old"], "5090-570": ["container_requirement_unsatisfied",
                                                                      "driver_too_old"],
                         "5090-580": [], "v100-580": ["cudnn_version_mismatch", "gpu_too_old_for_build"]}
    for target in data["targets"]:
        for finding in target["findings"]:
            if finding["severity"] == "error":  # an error rests on an assumption exactly when it is the target's
                assert bool(finding["assumed"]) == ((finding["code"], finding["category"]) not in environment), finding
