"""`cudacheck compat` answers: the JSON shapes and the spot checks a user would make."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cudacheck.cli import _build
from cudacheck.compat.db import CompatDB
from cudacheck.compat.queries import cuda_query, gpu_query, nccl_query, plan_query, torch_query
from cudacheck.errors import UsageError


@pytest.fixture(scope="module")
def db():
    return CompatDB()


def test_cuda_12_4(db):
    data = cuda_query(db, "12.4")
    assert data["cuda"] == "12.4"
    assert data["min_driver"] == {"linux": "550.54.14", "windows": "551.61"}
    assert data["minor_compat_floor"] == {"linux": "525.60.13", "windows": "527.41"}
    assert "sm_50" in data["sm"] and "sm_90" in data["sm"] and "sm_120" not in data["sm"]
    assert data["releases"][0]["release"] == "12.4 GA"
    assert all(r["source"] for r in data["releases"])


def test_unknown_cuda_version(db):
    with pytest.raises(UsageError, match="12.7"):
        cuda_query(db, "12.7")


@pytest.mark.parametrize("name, cc, arch, segment", [
    ("NVIDIA GeForce RTX 4090", "8.9", "Ada Lovelace", "consumer"),
    ("NVIDIA A100-SXM4-80GB", "8.0", "Ampere", "datacenter"),
    ("NVIDIA H100 80GB HBM3", "9.0", "Hopper", "datacenter"),
    ("Tesla T4", "7.5", "Turing", "datacenter"),
    ("NVIDIA GeForce RTX 5090 D", "12.0", "Blackwell", "consumer"),
    ("NVIDIA RTX A6000", "8.6", "Ampere", "workstation"),
    ("NVIDIA GeForce RTX 3060 Laptop GPU", "8.6", "Ampere", "consumer"),
    ("Tesla V100-SXM2-16GB", "7.0", "Volta", "datacenter"),
    ("A100", "8.0", "Ampere", "datacenter"),
    ("rtx 3090", "8.6", "Ampere", "consumer"),
])
def test_gpu_names_as_nvml_and_people_write_them(db, name, cc, arch, segment):
    data = gpu_query(db, name)
    assert (data["compute_capability"], data["architecture"], data["segment"]) == (cc, arch, segment)


def test_rtx_5090_d_is_not_the_5090(db):
    assert gpu_query(db, "NVIDIA GeForce RTX 5090 D")["name"].endswith("5090 D")
    assert gpu_query(db, "NVIDIA GeForce RTX 5090")["name"].endswith("5090")


def test_gpu_query_shape(db):
    data = gpu_query(db, "NVIDIA GeForce RTX 4090")
    assert {k: data[k] for k in ("kind", "name", "compute_capability", "architecture", "segment")} == {
        "kind": "exact", "name": "GeForce RTX 4090", "compute_capability": "8.9", "architecture": "Ada Lovelace",
        "segment": "consumer"}
    assert data["pci_device_ids"] == ["0x2684"] and [c["name"] for c in data["candidates"]] == ["GeForce RTX 4090"]


def test_gpu_query_family_and_ambiguous(db):
    family = gpu_query(db, "A100")
    assert family["kind"] == "family" and family["name"] is None and family["compute_capability"] == "8.0"
    assert len(family["candidates"]) >= 4
    ambiguous = gpu_query(db, "RTX 6000")
    assert ambiguous["kind"] == "ambiguous" and ambiguous["compute_capability"] is None
    assert {c["compute_capability"] for c in ambiguous["candidates"]} == {"7.5", "8.9", "12.0"}


def test_cli_answers(db):
    runner = CliRunner()

    def text(*args):
        result = runner.invoke(_build(), ["compat", *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert text("gpu", "4090").startswith("GeForce RTX 4090: compute capability 8.9 (sm_89)")
    assert text("gpu", "RTX 6000 Ada").startswith("RTX 6000 Ada Generation: compute capability 8.9")
    ambiguous = text("gpu", "RTX 6000")
    assert "ambiguous" in ambiguous and "Quadro RTX 6000" in ambiguous and "RTX PRO 6000 Blackwell" in ambiguous
    assert "4 products, all compute capability 8.0" in text("gpu", "A100")
    cuda = text("cuda", "13.5")
    assert "not published" in cuda and "sm_107" in cuda
    assert "cu134" not in text("torch", "2.14.1") and "cu130" in text("torch", "2.14.1")
    assert "cu126" not in text("torch", "2.15.0") and "cu132" in text("torch", "2.15.0")
    assert "CUDA 13: compute capability ≥ 7.5" in text("nccl", "2.32.6")
    assert "sm_35" in text("torch", "1.3.0") and "sm_35" not in text("torch", "1.3.1")


def test_nccl_query(db):
    data = nccl_query(db, "2.27.3")
    assert data["cuda_majors"] and data["min_compute_capability_by_cuda_major"]
    with pytest.raises(UsageError, match="unknown NCCL version"):
        nccl_query(db, "1.0")


def test_cuda_query_skips_the_release_candidate(db):
    data = cuda_query(db, "11.0")
    assert data["min_driver"] == {"linux": "450.51.05", "windows": "451.48"}
    assert data["releases"][0]["prerelease"] is True


def test_unknown_gpu_offers_closest(db):
    with pytest.raises(UsageError, match="closest: GeForce RTX 4090"):
        gpu_query(db, "RTX 4099")


def test_torch_2_8_0(db):
    data = torch_query(db, "2.8.0")
    assert data["torch"] == "2.8.0" and data["pypi_default"] == "cu128"
    assert data["torchvision"] == "0.23.0" and data["torchaudio"] == "2.8.0"
    assert data["python"] == ">=3.9,<=3.13"
    cu128 = next(v for v in data["variants"] if v["tag"] == "cu128")
    assert cu128["cuda"] == "12.8" and cu128["sm"][0] == "sm_70" and cu128["sm"][-1] == "sm_120"
    assert cu128["ptx"] == [] and cu128["cudnn"] == "9.10.2.21" and cu128["nccl"] == "2.27.3"
    assert cu128["nccl_min_compute_capability"] is not None


def test_sm70_history_of_cu128_wheels(db):
    def has_sm70(version):
        return "sm_70" in next(v for v in torch_query(db, version)["variants"] if v["tag"] == "cu128")["sm"]
    assert not has_sm70("2.7.1") and has_sm70("2.8.0") and has_sm70("2.10.0") and not has_sm70("2.11.0")


def test_plan_old_driver_rtx_3090_offers_only_cuda_11_wheels(db):
    candidates = plan_query(db, "470.82.01", ["RTX 3090"], None)["candidates"]
    assert candidates and all(c["tag"].startswith("cu11") for c in candidates)
    # 2.6 and 2.7 also ship cu118 wheels, but their arch lists are not sourced: an unknown arch list
    # cannot be proven to cover sm_86, so the newest plan offered is 2.5.1 (checked against the machine).
    assert candidates[0]["torch"] == "2.5.1" and candidates[0]["tag"] == "cu118"
    assert candidates[0]["install"] == ("pip install torch==2.5.1 "
                                        "--index-url https://download.pytorch.org/whl/cu118")
    assert candidates[0]["notes"][0] == "checked against driver 470.82.01 and NVIDIA GeForce RTX 3090: no errors"


def test_plan_r570_rtx_5090_offers_no_cuda13_and_only_sm120_wheels(db):
    candidates = plan_query(db, "570.124.04", ["RTX 5090"], None)["candidates"]
    assert candidates
    assert not [c for c in candidates if c["tag"].startswith("cu13")]
    for candidate in candidates:
        variant = next(v for v in torch_query(db, candidate["torch"])["variants"] if v["tag"] == candidate["tag"])
        assert "sm_120" in variant["sm"] or "sm_120" in variant["ptx"]


def test_plan_honours_python(db):
    from cudacheck.compat.plan import python_ok

    candidates = plan_query(db, "580.95.05", ["H100"], "3.9")["candidates"]
    assert candidates and all(python_ok(db.torch_release(c["torch"]), "3.9") for c in candidates)
    assert candidates[0]["torch"].startswith("2.8")  # 2.9 dropped Python 3.9


@pytest.mark.parametrize("args, message", [
    (["plan", "--gpu", "A100"], "needs --driver"),
    (["plan", "--driver", "banana", "--gpu", "A100"], "not a driver version"),
    (["gpu", "Voodoo 5"], "unknown GPU"),
    (["torch", "0.3.1"], "unknown torch version"),
])
def test_bad_input_exits_2_with_a_reason(args, message):
    result = CliRunner().invoke(_build(), ["compat", *args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_cli_json_shape():
    result = CliRunner().invoke(_build(), ["compat", "plan", "--driver", "535.104.05", "--gpu", "A100",
                                           "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    first = data["candidates"][0]
    assert set(first) == {"torch", "tag", "cuda", "install", "notes"}


@pytest.mark.parametrize("name, last_cuda, last_branch, integrated, text", [
    ("Tesla K80", "11.8", "470", False, "CUDA up to 11.8; drivers up to the R470 branch"),
    ("GeForce GTX 1080", "12.9", "580", False, "CUDA 8.0 → 12.9; drivers up to the R580 branch"),
    ("NVIDIA GeForce RTX 4090", None, None, False, "CUDA 11.8 and newer"),
    ("Jetson AGX Orin", None, None, True, "CUDA 11.4 and newer; integrated (Jetson)"),
])
def test_gpu_query_says_which_toolkits_and_drivers_support_the_architecture(db, name, last_cuda, last_branch,
                                                                             integrated, text):
    from cudacheck.compat.queries import support_text

    support = gpu_query(db, name)["support"]
    assert (support["last_cuda"], support["last_driver_branch"], support["integrated"]) == \
        (last_cuda, last_branch, integrated)
    assert support_text(support) == text
    if last_branch:
        assert support["last_driver_branch_source"] and support["last_driver_branch_confidence"]


@pytest.mark.parametrize("name, lowest", [("Ampere", (8, 0)), ("Ada", (8, 9)), ("Ada Lovelace", (8, 9)),
                                          ("hopper", (9, 0)), ("Turing", (7, 5)), ("Blackwell", (10, 0))])
def test_lowest_compute_capability_of_an_architecture(db, name, lowest):
    assert db.lowest_compute_capability(name) == lowest


def test_an_architecture_the_table_does_not_hold_is_unknown(db):
    assert db.lowest_compute_capability("Voodoo") is None
