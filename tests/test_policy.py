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


def test_sources_record_where_each_requirement_came_from(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cudacheck]\nmin-gpus = 8\nfeatures = ["bf16"]\n')
    environ = {"CUDACHECK_MIN_GPUS": "4", "CUDACHECK_REQUIRE_TORCH": "0"}
    policy = resolve_policy({"min_compute_capability": "8.0"}, directory=tmp_path, environ=environ, origin="flag")
    assert policy.sources == {"min_gpus": "env", "features": "pyproject", "require_torch": "env",
                              "min_compute_capability": "flag"}
    assert policy.require_torch is False and policy.as_dict()["require_torch"] is False
    assert resolve_policy({"min_gpus": 1}, use_config=False).sources == {"min_gpus": "API"}


@pytest.mark.parametrize("requirement", [{"require_gpu": True}, {"min_gpus": 2}, {"min_compute_capability": "8.0"},
                                         {"min_gpu_memory": "8GiB"}, {"features": ["tf32"]}])
def test_every_gpu_requirement_implies_a_gpu_from_every_surface(tmp_path, requirement):
    key, value = next(iter(requirement.items()))
    toml_value = str(value).lower() if isinstance(value, bool) else \
        f'["{value[0]}"]' if isinstance(value, list) else f'"{value}"' if isinstance(value, str) else value
    (tmp_path / "pyproject.toml").write_text(f"[tool.cudacheck]\n{key} = {toml_value}\n")
    env_value = "1" if value is True else ",".join(value) if isinstance(value, list) else str(value)
    surfaces = [resolve_policy(requirement, use_config=False, origin="API"),
                resolve_policy(requirement, use_config=False, origin="marker"),
                resolve_policy({}, directory=tmp_path, environ={}),
                resolve_policy({}, directory=tmp_path / "elsewhere", environ={f"CUDACHECK_{key.upper()}": env_value})]
    assert all(policy.wants_gpu and key in policy.gpu_requirements for policy in surfaces)


def test_shm_and_torch_requirements_do_not_imply_a_gpu():
    assert not resolve_policy({"min_shm": "1GiB", "require_torch": True}, use_config=False).wants_gpu


def test_a_default_never_overrides_what_was_asked():
    asked = resolve_policy({"require_torch": False}, use_config=False)
    assert asked.with_default("require_torch", True, "assert_ready").require_torch is False
    assert asked.sources["require_torch"] == "API"
    default = resolve_policy({}, use_config=False).with_default("require_torch", True, "health --deep")
    assert default.require_torch is True and default.sources == {"require_torch": "health --deep"}
