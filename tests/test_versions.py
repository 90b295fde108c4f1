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
