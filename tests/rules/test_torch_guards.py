"""torch's own cuDNN checks, applied per torch release from compat_data/torch_guards.json."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cudacheck import check
from cudacheck.compat.archs import parse_arch
from cudacheck.compat.db import data_dir, default_db
from cudacheck.compat.judgements import cudnn_refused_for_gpus, cudnn_runtime_refused
from cudacheck.testing import findings as by_code, gpu, make_snapshot

DB = default_db()
V100 = ("Tesla V100-SXM2-16GB", "7.0")
A100 = ("NVIDIA A100-SXM4-80GB", "8.0")
GTX_1080_TI = ("NVIDIA GeForce GTX 1080 Ti", "6.1")


def _with_cudnn(torch, cuda, card, cudnn_wheel, pin="9.10.2.21", driver=("580.95.05", "13.0")):
    major = cuda.split(".")[0]
    return make_snapshot(driver=driver[0], cuda=driver[1], gpus=[gpu(*card)], torch=torch, torch_cuda=cuda,
                         nvidia_requirements={f"nvidia-cudnn-cu{major}": f"=={pin}"},
                         packages={"torch": torch, f"nvidia-cudnn-cu{major}": cudnn_wheel})


# --- the table ------------------------------------------------------------------------------------

def test_every_guard_row_covers_known_releases_and_cites_its_source():
    releases = {r.version for r in DB.torch.releases}
    for row in DB.torch_guards.guards:
        assert row.torch_from in releases and row.torch_to in releases, row.guard
        assert row.source and row.confidence in ("official", "code", "secondary", "inferred")
        if row.confidence == "code":
            assert "sha256" in row.source


def test_rows_of_one_guard_never_overlap():
    seen = {}
    for release in DB.torch.releases:
        for guard in ("cudnn_runtime_version", "cudnn_min_compute_capability"):
            rows = [r for r in DB.torch_guards.guards if r.guard == guard
                    and DB.torch_guard(guard, release.latest) is r]
            assert len(rows) <= 1
            seen[(guard, release.version)] = rows
    assert seen[("cudnn_min_compute_capability", "2.15")] == []  # not read: not known


def test_the_guard_rows_match_the_installed_torch():
    """The check as the installed torch ships it (read from its file, never imported)."""
    import importlib.util

    from cudacheck.probes.torch_build import torch_facts

    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("torch is not installed")
    version = torch_facts().version or ""
    if DB.torch_guard("cudnn_min_compute_capability", version) is None:
        pytest.skip(f"torch {version} is not covered by the table")
    source = (Path(list(spec.submodule_search_locations)[0]) / "backends" / "cudnn" / "__init__.py").read_text()
    row = DB.torch_guard("cudnn_min_compute_capability", version)
    has_check = "min_cc < (7, 5)" in source and "__cudnn_version >= 91100" in source
    assert row.present is None or row.present == has_check
    if row.present:
        assert (row.cudnn_from, row.min_compute_capability) == ("9.11.0", "7.5")
    assert DB.torch_guard("cudnn_runtime_version", version).present == ("runtime_minor >= compile_minor" in source)


def test_the_raw_table_keeps_unknown_as_null():
    raw = json.loads(Path(data_dir(), "torch_guards.json").read_text())
    assert any(row["present"] is None for row in raw["guards"])


# --- the judgements ---------------------------------------------------------------------------------

@pytest.mark.parametrize("torch, cudnn, cc, refused", [
    ("2.13.0", "9.17.1", "7.0", True),     # the guard, read in the 2.13 wheel
    ("2.14.1", "9.11.0", "6.1", True),     # from 9.11.0 on
    ("2.13.0", "9.10.2", "6.1", False),    # below 9.11
    ("2.13.0", "9.24.0", "7.5", False),    # Turing is fine
    ("2.8.0", "9.17.1", "7.0", False),     # torch 2.8 has no such check
    ("2.11.0", "9.17.1", "7.0", None),     # 2.10-2.12: not known
    ("2.15.0", "9.17.1", "7.0", None),     # not read
    ("2.13.0", None, "6.1", None),         # the cuDNN is not known
    ("2.13.0", None, "8.0", False),        # ... but cannot matter on an A100
])
def test_cudnn_refused_for_gpus(torch, cudnn, cc, refused):
    assert cudnn_refused_for_gpus(DB, torch, cudnn, [parse_arch(cc)]).refused is refused


@pytest.mark.parametrize("torch, compiled, runtime, refused", [
    ("2.4.1", "9.1.0", "8.9.2", True),      # another major
    ("2.4.1", "9.1.0", "9.0.0", True),      # a lower minor
    ("2.4.1", "9.1.0", "9.5.1", False),     # a higher minor is accepted
    ("2.13.0", "9.10.2", "9.10.1", False),  # same minor, another patch
    ("2.15.0", "9.26.0", "8.9.7", None),    # not read for 2.15
    ("2.4.1", "9.1.0", "9", None),          # only the major is known
])
def test_cudnn_runtime_refused(torch, compiled, runtime, refused):
    assert cudnn_runtime_refused(DB, torch, compiled, runtime).refused is refused


# --- the rules --------------------------------------------------------------------------------------

def test_cc310_torch_2_13_refuses_cudnn_9_17_on_a_v100():
    report = check(_with_cudnn("2.13.0+cu126", "12.6", V100, "9.17.1.4"))
    [finding] = by_code(report, "CC310")
    assert finding.severity == "error" and "sm_70" in finding.title and "9.17.1.4" in finding.title
    assert "7.5" in finding.title and "9.11" in finding.detail
    assert not by_code(report, "CC309")  # torch refuses first: one finding for one fact


def test_cc310_fires_from_9_11_where_cudnns_own_matrix_is_silent():
    report = check(_with_cudnn("2.13.0+cu126", "12.6", GTX_1080_TI, "9.12.0.46"))
    assert by_code(report, "CC310") and not by_code(report, "CC309")


def test_cc310_silent_on_an_a100_and_below_9_11():
    assert not by_code(check(_with_cudnn("2.13.0+cu126", "12.6", A100, "9.17.1.4")), "CC310")
    assert not by_code(check(_with_cudnn("2.13.0+cu126", "12.6", V100, "9.10.2.21")), "CC310")


def test_cc310_silent_for_a_release_without_the_check_and_cc309_speaks_for_cudnn():
    report = check(_with_cudnn("2.8.0+cu126", "12.6", V100, "9.17.1.4", driver=("570.124.04", "12.8")))
    assert not by_code(report, "CC310")
    [cudnn] = by_code(report, "CC309")
    assert cudnn.severity == "error" and "7.5" in cudnn.title


def test_cc310_cannot_tell_for_a_release_not_read():
    report = check(_with_cudnn("2.11.0+cu126", "12.6", V100, "9.12.0.46"))
    [finding] = by_code(report, "CC310")
    assert finding.severity == "info" and finding.could_not_check and "2.11" in finding.detail
    assert not report.errors()


def test_cc310_cannot_tell_when_the_cudnn_is_not_known_on_an_old_gpu():
    snapshot = make_snapshot(driver="580.95.05", cuda="13.0", gpus=[gpu(*GTX_1080_TI)], torch="2.15.0+cu126",
                             torch_cuda="12.6")
    [finding] = by_code(check(snapshot), "CC310")
    assert finding.could_not_check and "not known" in finding.detail


def test_cc310_counts_only_gpus_cuda_visible_devices_keeps():
    snapshot = _with_cudnn("2.13.0+cu126", "12.6", A100, "9.17.1.4")
    snapshot.nvml.gpus.append(gpu(*V100, index=1))
    assert by_code(check(snapshot), "CC310")
    from cudacheck.snapshot import VisibleDevices

    snapshot.container.cuda_visible_devices = VisibleDevices(raw="0", kind="indices", indices=[0])
    assert not by_code(check(snapshot), "CC310")


def test_cc302_applies_the_version_check_per_release():
    def loaded(torch, built, runtime):
        snapshot = make_snapshot(driver="580.95.05", cuda="13.0", gpus=[gpu(*A100)], torch=torch, torch_cuda="12.6",
                                 nvidia_requirements={"nvidia-cudnn-cu12": f"=={built}"})
        from cudacheck.snapshot import DeepFacts

        snapshot.deep = DeepFacts(ran=True, cudnn_version=runtime)
        return by_code(check(snapshot), "CC302")

    [error] = loaded("2.13.0+cu126", "9.10.2.21", 8907)
    assert error.severity == "error" and "9.x with a minor ≥ 10" in error.detail
    assert not loaded("2.13.0+cu126", "9.10.2.21", 91100)
    [unknown] = loaded("2.15.0+cu126", "9.10.2.21", 8907)
    assert unknown.severity == "info" and unknown.could_not_check
