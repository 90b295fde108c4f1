"""Policy: sizes, booleans, precedence of arguments > environment > pyproject.toml."""
from __future__ import annotations

import pytest

from cudacheck.errors import UsageError
from cudacheck.policy import parse_size, resolve_policy


@pytest.mark.parametrize("text, value", [("16GiB", 16 * 2**30), ("8G", 8 * 2**30), ("512M", 512 * 2**20),
                                         ("1.5 GiB", int(1.5 * 2**30)), (1024, 1024), ("64MiB", 64 * 2**20)])
def test_sizes(text, value):
    assert parse_size(text, "k") == value


def test_bad_size():
    with pytest.raises(UsageError, match="min_shm"):
        resolve_policy({"min_shm": "lots"}, use_config=False)


def test_precedence(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cudacheck]\nmin_gpus = 8\nfeatures = ["bf16"]\n')
    environ = {"CUDACHECK_MIN_GPUS": "4", "CUDACHECK_REQUIRE_GPU": "1"}
    policy = resolve_policy({"min_gpus": 2}, directory=tmp_path, environ=environ)
    assert policy.min_gpus == 2 and policy.require_gpu is True and policy.features == ["bf16"]
    assert resolve_policy({}, directory=tmp_path, environ=environ).min_gpus == 4
    assert resolve_policy({}, directory=tmp_path, environ={}).min_gpus == 8


def test_environment_errors_name_the_variable():
    with pytest.raises(UsageError, match="CUDACHECK_REQUIRE_GPU"):
        resolve_policy({}, environ={"CUDACHECK_REQUIRE_GPU": "perhaps"}, directory=None)


def test_unknown_feature():
    with pytest.raises(UsageError, match="unknown feature 'fp4'"):
        resolve_policy({"features": ["fp4"]}, use_config=False)


def test_broken_toml(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.cudacheck\nmin_gpus = 1\n")
    with pytest.raises(UsageError, match="not valid TOML"):
        resolve_policy({}, directory=tmp_path, environ={})
