"""cudacheck/versions.py: the one place that parses and decodes versions; tables of cases."""
from __future__ import annotations

import pytest

from cudacheck import versions


@pytest.mark.parametrize("value, expected", [
    (12040, "12.4"), (11080, "11.8"), (13000, "13.0"), (12090, "12.9"), (0, None), (None, None), (-1, None),
])
def test_cuda_from_int(value, expected):
    assert versions.cuda_from_int(value) == expected


@pytest.mark.parametrize("value, expected", [
    (90100, "9.1.0"), (91700, "9.17.0"), (8907, "8.9.7"), (8600, "8.6.0"), (7605, "7.6.5"),
    (100200, "10.2.0"), (0, None), (None, None),
])
def test_cudnn_from_int(value, expected):
    assert versions.cudnn_from_int(value) == expected


@pytest.mark.parametrize("value, expected", [
    (22105, "2.21.5"), (20901, "2.9.1"), (2708, "2.7.8"), (2804, "2.8.4"), (0, None), (None, None),
])
def test_nccl_from_int(value, expected):
    assert versions.nccl_from_int(value) == expected


@pytest.mark.parametrize("value, expected", [
    ((2, 21, 5), "2.21.5"), ([2, 27, 3], "2.27.3"), (2708, "2.7.8"), (22105, "2.21.5"), (None, None), (True, None),
])
def test_nccl_version_as_torch_gives_it(value, expected):
    assert versions.nccl_version(value) == expected


@pytest.mark.parametrize("parts, expected", [([12, 4, 1], "12.4.1"), ((12, 8), "12.8"), ([9], "9")])
def test_dotted(parts, expected):
    assert versions.dotted(parts) == expected


@pytest.mark.parametrize("value, unit, expected", [(120801, 10000, "12.8.1"), (8907, 1000, "8.9.7")])
def test_from_packed(value, unit, expected):
    assert versions.from_packed(value, unit) == expected


@pytest.mark.parametrize("tag, expected", [
    ("cu121", "12.1"), ("cu92", "9.2"), ("cu130", "13.0"), ("cpu", None), ("rocm6.2", None), (None, None), ("cu1", None),
])
def test_cuda_from_tag_and_back(tag, expected):
    assert versions.cuda_from_tag(tag) == expected
    if expected:
        assert versions.cuda_tag(expected) == tag


@pytest.mark.parametrize("digits, expected", [("121", "12.1"), ("92", "9.2"), ("118", "11.8"), ("80", "8.0"),
                                                     ("12", "12"), ("11", "11")])
def test_cuda_from_digits(digits, expected):
    assert versions.cuda_from_digits(digits) == expected


@pytest.mark.parametrize("version, expected", [
    ("535.104.05", (535, 104, 5)), ("12.9.79", (12, 9, 79)), ("libcudnn.so.9", (9,)), ("so", ()), (None, ()),
])
def test_parts(version, expected):
    assert versions.parts(version) == expected
    assert versions.parse(version) == (expected or None)


def test_package_names_compare_as_pip_compares_them():
    from cudacheck.names import package_key

    for spelling in ("flash-attn", "Flash_Attn", "flash.attn", "FLASH__attn", "flash-_.attn"):
        assert package_key(spelling) == "flash-attn"
    assert package_key("nvidia-cudnn-cu12") == "nvidia-cudnn-cu12"


@pytest.mark.parametrize("size, whole, expected", [
    (64 * 2**20, False, "0.06 GiB"), (2**30, False, "1 GiB"), (int(15.6 * 2**30), False, "15.6 GiB"),
    (80 * 2**30, False, "80 GiB"), (81559 * 2**20, True, "80 GiB"), (81559 * 2**20, False, "79.6 GiB"),
    (24564 * 2**20, True, "24 GiB"), (2**29, False, "0.50 GiB"),
])
def test_gib(size, whole, expected):
    from cudacheck.sizes import gib

    assert gib(size, whole=whole) == expected
