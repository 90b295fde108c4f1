"""Facts the compat data must state, each checked against the source named in its row: history
back to torch 0.4 and Fermi, and the current releases (CUDA 13.5, torch 2.14/2.15, NCCL 2.32.6)."""
from __future__ import annotations

import pytest

from cudacheck.compat.db import CompatDB


@pytest.fixture(scope="module")
def db() -> CompatDB:
    return CompatDB()


def _variant(db, version, tag):
    release = db.torch_release(version)
    return next((v for v in release.variants if v.tag == tag), None) if release else None


# --- torch history (pytorch/builder build scripts of the time) -------------------------------------
@pytest.mark.parametrize("version, tags", [
    ("0.4.1", {"cu80", "cu90", "cu92"}), ("1.0.1", {"cu80", "cu90", "cu100"}), ("1.2.0", {"cu92", "cu100"}),
    ("1.4.0", {"cu92", "cu101"}), ("1.7.1", {"cu92", "cu101", "cu102", "cu110"}), ("1.8.1", {"cu101", "cu102", "cu111"}),
    ("1.11.0", {"cu102", "cu113"}),
])
def test_history_variants(db, version, tags):
    assert {v.tag for v in db.torch_release(version).variants} == tags


def test_sm35_left_between_1_3_0_and_1_3_1(db):
    assert "3.5" in db.torch_variant("1.3.0", "10.1").sm
    assert "3.5" not in db.torch_variant("1.3.1", "10.1").sm and "3.7" in db.torch_variant("1.3.1", "10.1").ptx
    assert db.torch_variant("1.3.0", "10.1").ptx == ["5.0"]


def test_ptx_left_the_wheels_in_1_6(db):
    assert _variant(db, "1.5", "cu102").ptx == ["3.7"] and _variant(db, "1.6", "cu102").ptx == []


def test_cu111_wheels_of_1_9_carry_what_the_wheel_reports(db):
    # torch.cuda.get_arch_list() of 1.9.0+cu111: sm_37 sm_50 sm_60 sm_70 sm_75 sm_80 sm_86
    assert _variant(db, "1.9", "cu111").sm == ["3.7", "5.0", "6.0", "7.0", "7.5", "8.0", "8.6"]


def test_patch_builds_that_differ_only_in_cudnn(db):
    assert db.torch_variant("1.7.0", "11.0").cudnn == "8.0.4.30"
    assert db.torch_variant("1.7.1", "11.0").cudnn == "8.0.5.39"


def test_python_ranges_from_pypi(db):
    assert "2.7" in db.torch_release("1.4.0").python_versions and "2.7" not in db.torch_release("1.5.0").python_versions
    assert db.torch_release("1.11").python_versions == ["3.7", "3.8", "3.9", "3.10"]


@pytest.mark.parametrize("capability, torch, tag", [
    ("3.5", "1.3.0", "cu101"),   # K40, GTX 780: sm_35 left in 1.3.1
    ("3.7", "2.5.1", "cu118"),   # K80: the last cu118 wheel with a sourced arch list
    ("6.1", "2.14.1", "cu126"),  # Pascal: CUDA 12.6 wheels end with 2.14
    ("8.6", "2.15.0", "cu132"),
])
def test_last_release_supporting(db, capability, torch, tag):
    support = db.last_release_supporting(capability)
    assert (support.torch, support.tag) == (torch, tag)


@pytest.mark.parametrize("capability, series", [
    ("12.0", "2.7"),   # RTX 50: the first cu128 wheels
    ("9.0", "2.0"),    # H100: the first cu118 wheels
    ("8.6", "1.7"),    # RTX 30: cu110's sm_80 SASS runs on sm_86
    ("11.0", None),    # Jetson Thor: no official x86 wheel
])
def test_first_release_supporting(db, capability, series):
    assert db.first_release_supporting(capability) == series


def test_gpus_below_every_build_in_the_data(db):
    assert db.last_release_supporting("3.0") is None   # dropped before 0.4
    assert db.last_release_supporting("2.1") is None   # Fermi
    assert db.gpu_index.resolve("GeForce GTX 680").compute_capability == "3.0"
    assert db.gpu_index.resolve("GeForce GTX 480").compute_capability == "2.0"


def test_ptx_of_an_older_toolkit_does_not_make_a_newer_gpu_usable(db):
    from cudacheck.compat.plan import machine_for, plan
    from cudacheck.compat.archs import parse_arch

    # torch 1.5 cu102 carries PTX 3.7, but CUDA 10.2's libraries predate Ampere.
    candidates = plan(db, machine_for(db, driver_version="470.82.01", gpus=[parse_arch("8.6")]))
    assert candidates and all(c.tag.startswith("cu11") for c in candidates)
    assert db.cuda_predates_arch("10.2", 8, 6) and not db.cuda_predates_arch("11.1", 8, 6)


# --- CUDA toolkits -------------------------------------------------------------------------------
def test_cuda_11_0_minimum_is_the_ga_row_not_the_release_candidate(db):
    assert db.min_driver("11.0") == "450.51.05" and db.min_driver("11.0", "windows") == "451.48"


def test_cuda_8_and_9_rows(db):
    assert db.min_driver("8.0") == "367.48" and db.min_driver("9.2") == "396.26"
    assert "2.0" in db.nvcc_targets("8.0").sm and "2.0" not in db.nvcc_targets("9.0").sm


def test_cuda_13_5(db):
    [ga] = db.cuda_releases("13.5")
    assert ga.linux is None and ga.driver_branch is None  # a branch, not a minimum, and not read from a source
    assert "10.7" in db.nvcc_targets("13.5").sm and db.minor_floor(13).linux == "580.65.06"


def test_driver_branches_from_the_data_center_driver_docs(db):
    branches = {b.branch: b for b in db.cuda.driver_branches}
    assert branches["R620"].designation == "Long Term Support Branch" and branches["R620"].max_cuda_major == 13
    assert branches["R535"].max_cuda_major == 12 and branches["R610"].designation == "New Feature Branch"
    assert all(b.source.startswith("https://docs.nvidia.com/datacenter/") for b in branches.values())
    assert db.newest_driver_branch() == 620


# --- current torch releases ------------------------------------------------------------------------
def test_2_14_shipped_no_cuda_13_4(db):
    assert {v.tag for v in db.torch_release("2.14.1").variants} == {"cu126", "cu130", "cu132"}


def test_2_15_dropped_cuda_12_6(db):
    assert {v.tag for v in db.torch_release("2.15.0").variants} == {"cu130", "cu132"}


def test_2_11_cu128_pins_cudnn_9_19(db):
    variant = _variant(db, "2.11", "cu128")
    assert variant.cudnn == "9.19.0.56" and variant.nvidia_pins["nvidia-cudnn-cu12"] == "9.19.0.56"


@pytest.mark.parametrize("version", ["2.11", "2.12", "2.13", "2.14", "2.15"])
def test_pypi_default_wheels_2_11_to_2_15_carry_no_ptx(db, version):
    release = db.torch_release(version)
    variant = _variant(db, version, release.pypi_default)
    assert variant.ptx == [] and variant.confidence == "official"


# --- GPUs, NCCL ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name, capability", [
    ("NVIDIA RTX PRO 4500 Blackwell Server Edition", "12.0"), ("NVIDIA RTX 6000D", "12.0"), ("NVIDIA L2", "8.9"),
    ("NVIDIA GeForce RTX 5050 Laptop GPU", "12.0"), ("NVIDIA RTX PRO 2000 Blackwell Generation Laptop GPU", "12.0"),
    ("NVIDIA RTX PRO 500 Blackwell Embedded GPU", "12.0"), ("R200", "10.7"),
])
def test_new_products(db, name, capability):
    assert db.gpu_index.resolve(name).compute_capability == capability


def test_nvml_brand_is_null_unless_observed(db):
    brands = [row for row in db.gpus.gpus if row.brand]
    assert brands and all(row.brand_source for row in brands)
    assert db.gpu_index.resolve("GeForce GTX 1080 Ti").row.brand == "GeForce"
    assert db.gpu_index.resolve("NVIDIA H100 80GB HBM3").row.brand is None


def test_nccl_2_32_6(db):
    release = db.nccl_release("2.32.6")
    assert release.cuda_majors == [13] and release.min_compute_capability == "7.5"
    assert db.nccl_min_compute_capability("2.32.6", 13) == ("7.5", "2.32.6")
    assert db.nccl_min_compute_capability("2.32.3", 12) == ("6.0", "2.32.3")


def test_a_bare_driver_branch_is_judged_by_its_newest_release():
    """"driver 580" names every 580.xx: CUDA 13.0's minimum (580.65.06) lies inside the branch, so the branch alone
    does not rule it out; a full version is judged as it is."""
    from cudacheck.compat.db import default_db

    db = default_db()
    assert db.driver_cuda("580") == "13.0" and db.driver_cuda("580.65.06") == "13.0"
    assert db.driver_cuda("580.00") == "12.9"  # a real release number before CUDA 13.0's minimum
    assert db.driver_cuda("470") == "11.4" and db.driver_cuda("470.14") == "11.3"
    assert db.driver_cuda("418") == "10.1"


def test_a_gpu_no_current_build_has_dropped_is_told_from_the_table():
    """Whether every CUDA build of the newest release still targets a GPU, from the arch lists: the newest builds'
    lowest target decides (Turing today), not a constant."""
    from cudacheck.compat.archs import parse_arch
    from cudacheck.compat.db import default_db
    from cudacheck.compat.judgements import within_current_builds

    db = default_db()
    assert within_current_builds(db, parse_arch("8.6")) is True
    assert within_current_builds(db, parse_arch("12.0")) is True
    assert within_current_builds(db, parse_arch("6.1")) is False  # some current builds no longer target Pascal


def test_a_windows_driver_is_judged_by_its_branch_where_nvidia_prints_no_minimum():
    """Table 3 prints N/A in the Windows column of every CUDA 13.x row: a Windows driver of a later branch runs the
    release, one of an earlier branch does not, one of the same branch is unknown (never the older CUDA below)."""
    from cudacheck.compat.db import default_db

    db = default_db()
    assert db.driver_cuda("596.99", "windows") == "13.2"  # R595 is CUDA 13.2's branch; 596 comes after it
    assert db.driver_cuda("581.15", "windows") == "13.0"
    assert db.driver_cuda("576.57", "windows") == "12.9"  # 12.9 Update 1's own Windows minimum
    assert db.driver_cuda("560.94", "windows") == "12.6"
    assert db.driver_cuda("580", "windows") is None  # the first R580 drivers may predate CUDA 13.0
    assert db.driver_cuda("580", "linux") == "13.0"


def test_the_series_whose_default_build_dropped_a_gpu_is_told_from_the_arch_lists():
    """PyPI's default CUDA build moved to CUDA 12.8 in torch 2.8 and to 13.0 in 2.11; their arch lists start at sm_70
    and sm_75, so a GTX 10-series card lost the default build with 2.8 and a V100 with 2.11, while the cu126
    variants still ran both. A GPU every default runs, or one no default ever ran, has no such series."""
    from cudacheck.compat.db import default_db

    db = default_db()
    assert db.default_build_dropped("6.1") == "2.8"
    assert db.default_build_dropped("7.0") == "2.11"
    assert db.default_build_dropped("8.6") is None and db.default_build_dropped("12.0") is None
    assert db.default_build_dropped("3.5") is None


def test_a_feature_of_cuda_12_1_needs_r530(db):
    """NVIDIA's CUDA 12.1 announcement: large kernel parameters need R530; older drivers give CUDA_ERROR_NOT_SUPPORTED
    although minor-version compatibility runs 12.x programs from 525 on."""
    (feature,) = db.cuda.driver_features
    assert (feature.since_cuda, feature.branch_min, feature.error) == ("12.1", "530", "CUDA_ERROR_NOT_SUPPORTED")
    assert feature.source.startswith("https://developer.nvidia.com/blog/")
    assert db.features_beyond("525.105.17", "12.4") == [feature] and db.features_beyond("529.19", None) == [feature]
    assert db.features_beyond("530.30.02", "12.4") == [] and db.features_beyond("525.105.17", "12.0") == []
