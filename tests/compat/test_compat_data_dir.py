"""Newer tables without upgrading cudacheck: `--compat-data DIR` and CUDACHECK_COMPAT_DATA=DIR,
validated like the shipped tables; a broken folder is one line and exit 2 (exit 1 for health)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cudacheck.cli import _build
from cudacheck.compat.db import (COMPAT_DATA_ENV, CompatDataError, data_dir, default_db, load_compat_data,
                                 reset_compat_data)

NEW_GPU = {"name": "GeForce RTX 6090", "nvml_names": ["NVIDIA GeForce RTX 6090"], "pci_device_ids": [],
           "compute_capability": "12.0", "architecture": "Blackwell", "segment": "consumer", "nvswitch": False,
           "memory_gib": None, "source": "test fixture", "confidence": "inferred"}


@pytest.fixture(autouse=True)
def _shipped_afterwards(monkeypatch):
    monkeypatch.delenv(COMPAT_DATA_ENV, raising=False)
    reset_compat_data()
    yield
    reset_compat_data()


def _folder(tmp_path: Path, edit=None, name="gpus.json") -> Path:
    data = json.loads(Path(data_dir(), name).read_text())
    data["data_version"] = "2027-02-01"
    if edit:
        edit(data)
    (tmp_path / name).write_text(json.dumps(data))
    return tmp_path


def test_a_partial_folder_overrides_its_tables_and_keeps_the_rest(tmp_path):
    folder = _folder(tmp_path, lambda d: d["gpus"].append(NEW_GPU))
    db = load_compat_data(str(folder), "--compat-data")
    assert db.gpu_index.resolve("RTX 6090").compute_capability == "12.0"
    assert db.torch_release("2.14.1") is not None        # torch table from the shipped data
    assert db.version == "2027-02-01" and db.source == str(folder)
    assert "2027-02-01 from" in db.describe() and "--compat-data" in db.describe()


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["gpus"][0].update(colour="green"), "gpus.0.colour"),
    (lambda d: d["gpus"][0].update(compute_capability="99.9"), "no architecture row"),
    (lambda d: d.update(data_version="soon"), "data_version"),
])
def test_a_broken_table_is_refused_in_one_line(tmp_path, breakage, message):
    folder = _folder(tmp_path, breakage)
    with pytest.raises(CompatDataError, match=message) as info:
        load_compat_data(str(folder), "--compat-data")
    assert "\n" not in str(info.value)


def test_not_json_missing_and_empty_folders(tmp_path):
    (tmp_path / "torch_releases.json").write_text("{oops")
    with pytest.raises(CompatDataError, match="not JSON"):
        load_compat_data(str(tmp_path))
    with pytest.raises(CompatDataError, match="not a folder"):
        load_compat_data(str(tmp_path / "missing"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CompatDataError, match="no compat table"):
        load_compat_data(str(empty))


def test_cli_option_uses_the_folder(tmp_path):
    folder = _folder(tmp_path, lambda d: d["gpus"].append(NEW_GPU))
    result = CliRunner().invoke(_build(), ["--compat-data", str(folder), "compat", "gpu", "RTX 6090"])
    assert result.exit_code == 0 and "compute capability 12.0" in result.output


def test_cli_option_with_a_broken_folder_exits_2(tmp_path):
    folder = _folder(tmp_path, lambda d: d["gpus"][0].update(colour="green"))
    result = CliRunner().invoke(_build(), ["--compat-data", str(folder), "compat", "gpu", "4090"])
    assert result.exit_code == 2 and "gpus.0.colour" in result.output and "Traceback" not in result.output


def test_environment_variable(tmp_path, monkeypatch):
    folder = _folder(tmp_path, lambda d: d["gpus"].append(NEW_GPU))
    monkeypatch.setenv(COMPAT_DATA_ENV, str(folder))
    default_db.cache_clear()
    assert default_db().origin == COMPAT_DATA_ENV
    assert default_db().gpu_index.resolve("NVIDIA GeForce RTX 6090").kind == "exact"


def _run(*args, env):
    return subprocess.run([sys.executable, "-m", "cudacheck", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_reports_say_which_data_judged_them(tmp_path):
    folder = _folder(tmp_path)
    env = {**os.environ, COMPAT_DATA_ENV: str(folder)}
    snapshot = tmp_path / "snap.json"
    assert _run("snapshot", "-o", str(snapshot), env=env).returncode == 0
    text = _run("doctor", "--snapshot", str(snapshot), env=env)
    assert text.returncode in (0, 1) and f"compat data 2027-02-01 from {folder}" in text.stdout
    as_json = json.loads(_run("doctor", "--snapshot", str(snapshot), "--format", "json", env=env).stdout)
    assert as_json["compat_data_version"] == "2027-02-01" and as_json["compat_data_source"] == str(folder)
    markdown = _run("doctor", "--snapshot", str(snapshot), "--format", "markdown", env=env).stdout
    assert f"compat data 2027-02-01 from {folder}" in markdown
    shipped = _run("doctor", "--snapshot", str(snapshot), env={k: v for k, v in os.environ.items()
                                                             if k != COMPAT_DATA_ENV})
    assert f"compat data {default_db().version}" in shipped.stdout and " from " not in shipped.stdout.splitlines()[0]


def test_broken_environment_folder_is_usage_for_doctor_and_unhealthy_for_health(tmp_path):
    folder = _folder(tmp_path, lambda d: d["gpus"][0].update(colour="green"))
    env = {**os.environ, COMPAT_DATA_ENV: str(folder)}
    doctor = _run("doctor", env=env)
    assert doctor.returncode == 2 and COMPAT_DATA_ENV in doctor.stderr and "Traceback" not in doctor.stderr
    assert len(doctor.stderr.strip().splitlines()) == 1
    health = _run("health", env=env)
    # Like any bad configuration of health: one line on stderr naming it, and exit 1 (unhealthy).
    assert health.returncode == 1 and COMPAT_DATA_ENV in health.stderr and "Traceback" not in health.stderr
    assert len(health.stderr.strip().splitlines()) == 1


def test_the_shipped_tables_pass_the_same_validation():
    db = load_compat_data(data_dir(), "shipped check")
    assert db.version == default_db().version
