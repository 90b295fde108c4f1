"""Inspecting another Python environment: ``--python``, an activated VIRTUAL_ENV/CONDA_PREFIX,
and the header that always names the environment inspected and why — with real venvs."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import run_cli, site_packages, write_fake_torch


def _report(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_the_tool_venv_really_has_no_torch(tool_venv):
    result = subprocess.run([str(tool_venv), "-c", "import torch"], capture_output=True, text=True)
    assert result.returncode != 0 and "No module named 'torch'" in result.stderr
    assert run_cli(tool_venv, "--version").returncode == 0


def test_doctor_from_a_venv_without_torch_reports_the_torch_of_the_venv_named_with_python(tool_venv, torch_venv):
    report = _report(run_cli(tool_venv, "doctor", "--python", str(torch_venv), "--format", "json"))
    snapshot = report["snapshot"]
    assert snapshot["torch"]["installed"] is True and snapshot["torch"]["version"] == "2.13.0+cpu"
    environment = snapshot["environment"]
    assert environment["selected_by"] == "--python"
    assert environment["prefix"] == str(torch_venv.parent.parent) and environment["kind"] == "venv"
    assert environment["executable"] == str(torch_venv)  # the venv's own bin/python, not the file it links to
    assert snapshot["platform"]["virtualenv"] == str(torch_venv.parent.parent)
    names = {package["name"].lower() for package in snapshot["packages"]}
    assert "torch" in names and "pydantic" not in names  # packages of that environment, GPU-related ones
    assert any(package["name"].lower().startswith("nvidia-") for package in snapshot["packages"])
    assert snapshot["libraries"]["found"], "the CUDA runtime wheel of that environment"
    assert all(path.startswith(("/", "~")) for path in environment["sys_path"])


def test_the_text_header_names_the_environment_and_why(tool_venv, torch_venv):
    text = run_cli(tool_venv, "doctor", "--python", str(torch_venv)).stdout
    prefix = torch_venv.parent.parent
    assert text.splitlines()[1] == f"environment: {prefix} (--python) · Python {_version(torch_venv)}"
    assert "torch 2.13.0+cpu (CPU-only)" in text
    folder = run_cli(tool_venv, "doctor", "--python", str(prefix)).stdout  # an environment folder works too
    assert f"environment: {prefix} (--python)" in folder


def test_an_activated_venv_is_inspected_and_named(tool_venv, fake_cuda_venv):
    prefix = fake_cuda_venv.parent.parent
    result = run_cli(tool_venv, "doctor", "--format", "json", env={"VIRTUAL_ENV": str(prefix)})
    snapshot = _report(result)["snapshot"]
    assert snapshot["environment"]["selected_by"] == "VIRTUAL_ENV"
    assert snapshot["torch"]["version"] == "2.4.1+cu121" and snapshot["torch"]["cuda"] == "12.1"
    assert snapshot["torch"]["nvidia_requirements"]["nvidia-cudnn-cu12"] == "==9.1.0.70"
    text = run_cli(tool_venv, "doctor", env={"VIRTUAL_ENV": str(prefix)}).stdout
    assert f"environment: {prefix} (activated VIRTUAL_ENV)" in text
    markdown = run_cli(tool_venv, "doctor", "--format", "markdown", env={"VIRTUAL_ENV": str(prefix)}).stdout
    assert f"{prefix} (activated VIRTUAL_ENV)" in markdown


def test_without_an_activated_environment_cudacheck_inspects_its_own(tool_venv):
    snapshot = _report(run_cli(tool_venv, "doctor", "--format", "json"))["snapshot"]
    assert snapshot["environment"]["selected_by"] == "own"
    assert snapshot["environment"]["prefix"] == str(tool_venv.parent.parent)
    assert snapshot["torch"]["installed"] is False
    text = run_cli(tool_venv, "doctor").stdout
    assert f"environment: {tool_venv.parent.parent} (cudacheck's own)" in text


def test_an_activated_environment_that_is_cudacheck_s_own_is_its_own(tool_venv):
    snapshot = _report(run_cli(tool_venv, "doctor", "--format", "json",
                               env={"VIRTUAL_ENV": str(tool_venv.parent.parent)}))["snapshot"]
    assert snapshot["environment"]["selected_by"] == "own" and snapshot["environment"]["note"] is None


def test_an_activated_venv_without_python_falls_back_and_says_so(tool_venv, tmp_path):
    stale = tmp_path / "removed-venv"
    stale.mkdir()
    snapshot = _report(run_cli(tool_venv, "doctor", "--format", "json", env={"VIRTUAL_ENV": str(stale)}))["snapshot"]
    assert snapshot["environment"]["selected_by"] == "own"
    assert snapshot["environment"]["note"] == f"VIRTUAL_ENV={stale} has no Python"


def test_a_venv_without_torch_is_reported_as_such(tool_venv, bare_venv):
    report = _report(run_cli(tool_venv, "doctor", "--python", str(bare_venv), "--format", "json"))
    assert report["snapshot"]["torch"]["installed"] is False
    missing = next(f for f in report["findings"] if f["code"] == "CC112")
    assert str(bare_venv.parent.parent) in missing["title"]


def test_a_conda_environment_is_inspected_with_its_own_site_packages_and_libraries(tool_venv, conda_prefix):
    result = run_cli(tool_venv, "doctor", "--format", "json", env={"CONDA_PREFIX": str(conda_prefix)})
    snapshot = _report(result)["snapshot"]
    environment = snapshot["environment"]
    assert environment["selected_by"] == "CONDA_PREFIX" and environment["kind"] == "conda"
    assert environment["prefix"] == str(conda_prefix) and environment["manager"] == "conda"
    assert snapshot["torch"]["version"] == "2.5.1+cu124"
    assert snapshot["torch"]["location"].startswith(str(conda_prefix))
    assert snapshot["platform"]["conda_prefix"] == str(conda_prefix)
    conda_libraries = [lib for lib in snapshot["libraries"]["found"] if "conda" in lib["origins"]]
    if (conda_prefix / "lib").glob("libcudart.so.*"):
        assert any(lib["path"].startswith(str(conda_prefix / "lib")) for lib in conda_libraries)


def test_the_user_site_is_read_where_python_would_read_it(tool_venv, conda_prefix, torch_venv, tmp_path):
    """A Python outside a venv imports from the user site (before site-packages); a venv without
    system site-packages does not; PYTHONNOUSERSITE turns it off."""
    user_base = tmp_path / "userbase"
    version = _version(torch_venv).rsplit(".", 1)[0]
    user_site = user_base / "lib" / f"python{version}" / "site-packages"
    write_fake_torch(user_site, "2.6.0+cu126", "12.6")
    env = {"PYTHONUSERBASE": str(user_base)}
    snapshot = _report(run_cli(tool_venv, "doctor", "--python", str(conda_prefix / "bin" / "python"),
                               "--format", "json", env=env))["snapshot"]
    assert snapshot["environment"]["user_site_enabled"] is True
    assert snapshot["torch"]["version"] == "2.6.0+cu126"  # the user site comes first
    origins = {install["version"]: install["origin"] for install in snapshot["torch"]["installs"]}
    assert origins == {"2.6.0+cu126": "user-site", "2.5.1+cu124": "site-packages"}
    off = _report(run_cli(tool_venv, "doctor", "--python", str(conda_prefix / "bin" / "python"), "--format",
                          "json", env=dict(env, PYTHONNOUSERSITE="1")))["snapshot"]
    assert off["environment"]["user_site_enabled"] is False and off["torch"]["version"] == "2.5.1+cu124"
    venv = _report(run_cli(tool_venv, "doctor", "--python", str(torch_venv), "--format", "json",
                           env=env))["snapshot"]
    assert venv["environment"]["user_site_enabled"] is False and venv["torch"]["version"] == "2.13.0+cpu"


def test_a_venv_with_system_site_packages_sees_the_base_site_packages(tool_venv, environments):
    from .conftest import make_venv

    python = make_venv(environments / "system-site", "--system-site-packages")
    environment = _report(run_cli(tool_venv, "doctor", "--python", str(python), "--format",
                                  "json"))["snapshot"]["environment"]
    assert environment["system_site_packages"] is True
    base_site = [entry for entry in environment["sys_path"] if entry.endswith("site-packages")
                 and not entry.startswith(str(python.parent.parent))]
    assert base_site, environment["sys_path"]


def test_pythonpath_comes_first_as_it_does_for_python_itself(tool_venv, bare_venv, tmp_path):
    extra = tmp_path / "on-pythonpath"
    write_fake_torch(extra, "2.7.0+cu128", "12.8")
    snapshot = _report(run_cli(tool_venv, "doctor", "--python", str(bare_venv), "--format", "json",
                               env={"PYTHONPATH": str(extra)}))["snapshot"]
    assert snapshot["environment"]["sys_path"][0] == str(extra)
    assert snapshot["torch"]["version"] == "2.7.0+cu128"


def test_snapshot_records_the_environment_and_a_replay_names_it(tool_venv, fake_cuda_venv, tmp_path):
    saved = tmp_path / "snap.json"
    result = run_cli(tool_venv, "snapshot", "--python", str(fake_cuda_venv), "-o", str(saved))
    assert result.returncode == 0, result.stderr
    data = json.loads(saved.read_text())
    assert data["environment"]["selected_by"] == "--python" and data["torch"]["cuda"] == "12.1"
    replay = run_cli(tool_venv, "doctor", "--snapshot", str(saved)).stdout
    assert f"environment: {fake_cuda_venv.parent.parent} (--python)" in replay
    both = run_cli(tool_venv, "doctor", "--snapshot", str(saved), "--python", str(fake_cuda_venv))
    assert both.returncode == 2 and "--python cannot be combined with --snapshot" in both.stderr


def test_the_deep_child_runs_with_the_inspected_interpreter(tool_venv, torch_venv):
    report = _report(run_cli(tool_venv, "doctor", "--deep", "--python", str(torch_venv), "--format", "json",
                             "--timeout", "120", timeout=240))
    deep = report["snapshot"]["deep"]
    assert deep["import_error"] is None, deep
    assert deep["torch_version"] == "2.13.0+cpu" and deep["cuda_available"] is False


def test_kernels_and_health_take_python_too(tool_venv, fake_cuda_venv, bare_venv):
    kernels = run_cli(tool_venv, "kernels", "--python", str(fake_cuda_venv), "--format", "json")
    assert kernels.returncode in (0, 1), kernels.stderr
    view = json.loads(kernels.stdout)
    assert view["torch"]["version"] == "2.4.1+cu121"
    assert view["environment"]["selected_by"] == "--python"
    text = run_cli(tool_venv, "kernels", "--python", str(fake_cuda_venv)).stdout
    assert f"environment: {fake_cuda_venv.parent.parent} (--python)" in text
    health = run_cli(tool_venv, "health", "--python", str(bare_venv), "--require-torch")
    assert health.returncode == 1 and "torch is not installed" in health.stdout


def _interpreter(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.mark.parametrize("case", ["missing", "folder", "not-executable", "not-python", "hangs", "no-command"])
def test_a_bad_python_is_one_line_and_exit_2_and_unhealthy_for_health(tool_venv, tmp_path, case):
    target = {"missing": str(tmp_path / "nowhere" / "python"),
              "folder": str(tmp_path),
              "not-executable": str(tmp_path / "plain.txt"),
              "not-python": str(_interpreter(tmp_path, "fake-python", "#!/bin/sh\necho hello\nexit 3\n")),
              "hangs": str(_interpreter(tmp_path, "slow-python", "#!/bin/sh\nexec sleep 30\n")),
              "no-command": "python-that-does-not-exist-3.99"}[case]
    (tmp_path / "plain.txt").write_text("not a program")
    expected = {"missing": "no such file", "folder": "a folder without bin/python",
                "not-executable": "not executable", "not-python": "not a Python interpreter",
                "hangs": "no answer within", "no-command": "no such command on PATH"}[case]
    for command, code in (("doctor", 2), ("snapshot", 2), ("kernels", 2), ("health", 1)):
        result = run_cli(tool_venv, command, "--python", target, "--timeout", "2", timeout=60)
        assert result.returncode == code, (command, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0] and "Traceback" not in result.stderr, (command, lines)


def test_python_2_is_refused_by_name(tool_venv):
    candidates = sorted(Path(os.path.expanduser("~/.pyenv/versions")).glob("2.*/bin/python2"))
    if not candidates:
        pytest.skip("no Python 2 interpreter on this machine")
    result = run_cli(tool_venv, "doctor", "--python", str(candidates[0]))
    assert result.returncode == 2 and "is not supported (cudacheck inspects Python 3" in result.stderr


def _version(python: Path) -> str:
    return subprocess.run([str(python), "-c", "import platform; print(platform.python_version())"],
                          capture_output=True, text=True, check=True).stdout.strip()


def test_kinds_of_interpreter_names_resolve_as_pip_resolves_them(tmp_path, bare_venv, monkeypatch):
    from cudacheck.errors import UsageError
    from cudacheck.probes.environment import resolve_python, select

    prefix = bare_venv.parent.parent
    assert resolve_python(str(prefix)) == str(prefix / "bin" / "python")
    assert resolve_python(str(bare_venv)) == str(bare_venv)  # the link itself, never what it points to
    monkeypatch.chdir(prefix / "bin")
    assert resolve_python("python") == str(bare_venv) or os.path.basename(resolve_python("python")) == "python"
    with pytest.raises(UsageError, match="empty interpreter name"):
        resolve_python(" ")
    assert select(sys.executable).own  # cudacheck's own interpreter named explicitly
    assert select(None, use_activated=True, environ={"CONDA_PREFIX": str(prefix)}).selected_by == "CONDA_PREFIX"
    both = select(None, use_activated=True, environ={"CONDA_PREFIX": "/nonexistent", "VIRTUAL_ENV": str(prefix)})
    assert both.selected_by == "VIRTUAL_ENV"  # a venv activated on top of conda base is what `python` runs
    assert select(None, use_activated=False, environ={"VIRTUAL_ENV": str(prefix)}).own  # the API default


def test_the_api_inspects_another_environment_when_asked(fake_cuda_venv):
    import cudacheck
    from cudacheck.errors import ConfigError

    snapshot = cudacheck.collect("quick", python=str(fake_cuda_venv))
    assert snapshot.environment.selected_by == "python=" and snapshot.torch.cuda == "12.1"
    own = cudacheck.collect("quick")
    assert own.environment.selected_by == "own"
    with pytest.raises(ConfigError, match=r"python='/nonexistent/bin/python': no such file"):
        cudacheck.collect(python="/nonexistent/bin/python")
    with pytest.raises(TypeError, match="python"):
        cudacheck.collect(python=3)
