"""The compatibility tables load, validate strictly, carry sources and agree with each other."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cudacheck.compat.archs import parse_arch
from cudacheck.compat.db import CompatDB, consistency_problems, data_dir, validate_tables
from cudacheck.compat.tables import TABLE_FILES
from cudacheck.versions import major_minor, parse

CONFIDENCE = {"official", "code", "secondary", "inferred"}


@pytest.fixture(scope="module")
def db() -> CompatDB:
    return CompatDB()


def test_every_table_validates_strictly():
    tables = validate_tables()
    assert set(tables) == set(TABLE_FILES)


@pytest.mark.parametrize("name", sorted(TABLE_FILES))
def test_table_header(name):
    raw = json.loads(Path(data_dir(), TABLE_FILES[name][0]).read_text())
    assert raw["schema_version"] == 1
    assert parse(raw["data_version"]) is not None


def _rows(obj, path=""):
    """Every dict that states a fact (has a version/compute capability/driver key)."""
    if isinstance(obj, dict):
        if any(k in obj for k in ("version", "compute_capability", "linux", "cuda", "tag")):
            yield path, obj
        for key, value in obj.items():
            yield from _rows(value, f"{path}.{key}")
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            yield from _rows(value, f"{path}[{index}]")


@pytest.mark.parametrize("name", sorted(TABLE_FILES))
def test_every_fact_row_has_a_source_and_confidence(name):
    raw = json.loads(Path(data_dir(), TABLE_FILES[name][0]).read_text())
    problems = []
    for path, row in _rows(raw):
        if "source" not in row and "sources" not in row:
            problems.append(f"{path}: no source")
        elif row.get("confidence") not in CONFIDENCE:
            problems.append(f"{path}: confidence {row.get('confidence')!r}")
    assert not problems, problems[:10]


def test_gpu_names_are_unique(db):
    seen = {}
    for row in db.gpus.gpus:
        for name in [row.name, *row.nvml_names]:
            assert name not in seen or seen[name] is row, f"{name!r} in two rows"
            seen[name] = row


def test_gpu_table_covers_kepler_to_blackwell(db):
    rows = db.gpus.gpus
    assert len(rows) >= 120
    archs = {row.architecture for row in rows}
    assert {"Kepler", "Maxwell", "Pascal", "Volta", "Turing", "Ampere", "Ada Lovelace", "Hopper",
            "Blackwell"} <= archs
    assert {row.segment for row in rows} <= {"datacenter", "workstation", "consumer", "embedded"}


def test_every_gpu_compute_capability_is_a_known_architecture(db):
    known = {a.compute_capability for a in db.archs.architectures}
    for row in db.gpus.gpus:
        if row.compute_capability is not None:
            assert row.compute_capability in known, row.name


def test_cuda_releases_parse_and_have_no_12_7(db):
    versions = [major_minor(r.version) for r in db.cuda.releases]
    assert all(versions)
    assert (12, 7) not in versions
    assert (10, 0) in versions and (13, 0) in versions


def test_every_torch_variant_cuda_has_a_driver_row(db):
    for release in db.torch.releases:
        for variant in release.variants:
            assert db.cuda_releases(variant.cuda), f"torch {release.version} {variant.tag}: no CUDA {variant.cuda} row"


def test_every_arch_in_arch_lists_is_known(db):
    known = {a.compute_capability for a in db.archs.architectures}
    for release in db.torch.releases:
        for variant in release.variants:
            if variant.sm is None or variant.ptx is None:
                assert variant.confidence == "inferred", f"{release.version} {variant.tag}: unknown arch list"
                continue
            for cc in variant.sm + variant.ptx:
                arch = parse_arch(cc)
                assert arch is not None, f"{release.version} {variant.tag}: {cc!r} does not parse"
                assert f"{arch.major}.{arch.minor}" in known, f"{release.version} {variant.tag}: unknown {cc}"
            assert set(variant.ptx) <= set(variant.sm), f"{release.version} {variant.tag}: PTX outside SASS list"


def test_torch_variant_tags_match_their_cuda(db):
    for release in db.torch.releases:
        assert release.patches and all(p.startswith(release.version + ".") for p in release.patches)
        for variant in release.variants:
            major, minor = major_minor(variant.cuda)
            assert variant.tag == f"cu{major}{minor}", (release.version, variant.tag, variant.cuda)


def test_torch_releases_cover_0_4_to_2_15(db):
    series = {r.version for r in db.torch.releases}
    assert {"0.4", "1.0", "1.3", "1.11", "1.12", "1.13", "2.0", "2.8", "2.15"} <= series


def test_tables_agree_with_each_other(db):
    assert consistency_problems(db) == []


def test_gpu_table_reaches_back_to_fermi_and_laptops(db):
    archs = {row.architecture for row in db.gpus.gpus}
    assert {"Fermi", "Rubin"} <= archs
    assert sum("Laptop" in row.name or "Mobile" in row.name or row.name.endswith("M") for row in db.gpus.gpus) >= 60


def test_rows_with_unknown_capability_say_why(db):
    for row in db.gpus.gpus:
        if row.compute_capability is None:
            assert row.note and row.confidence == "inferred", row.name


def test_nvcc_targets_record_the_known_drops(db):
    def sms(cuda):
        return set(db.nvcc_targets(cuda).sm)
    assert {"3.5", "3.7"} <= sms("11.8") and not {"3.5", "3.7"} & sms("12.0")
    assert "12.0" in sms("12.8") and "12.0" not in sms("12.6")
    assert "5.0" in sms("12.9") and not {"5.0", "6.1", "7.0", "7.2"} & sms("13.0")
    assert "10.1" in sms("12.9") and "11.0" in sms("13.0") and "10.1" not in sms("13.0")


def test_minor_version_floors(db):
    assert db.minor_floor(11).linux == "450.80.02" and db.minor_floor(11).windows == "452.39"
    assert db.minor_floor(12).linux == "525.60.13" and db.minor_floor(12).windows == "527.41"
    assert db.minor_floor(13).linux.startswith("580")
