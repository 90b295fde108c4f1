"""The wheel built from the repository installs in a fresh virtual environment and works
outside the repository: compat data ships inside the package."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                             "-w", str(out), str(REPO)], capture_output=True, text=True)
    if result.returncode != 0:  # no hatchling in this environment: let pip fetch the backend
        result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                                 str(REPO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    [built] = out.glob("cudacheck-*.whl")
    return built


def test_wheel_contains_compat_data_and_entry_points(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for table in ("gpus.json", "torch_releases.json", "cuda_toolkits.json", "architectures.json"):
        assert f"cudacheck/compat_data/{table}" in names
    assert "cudacheck/probes/children/nvml_child.py" in names
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "cudacheck = cudacheck.cli:main" in entry_points and "pytest11" in entry_points


def test_installed_wheel_works_outside_the_repo(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                   check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = subprocess.run([str(python), "-c", "import cudacheck, sys; print(cudacheck.__file__)"],
                           cwd=outside, env=env, capture_output=True, text=True, check=True).stdout
    assert str(venv) in where and str(REPO) not in where
    for args in (["compat", "gpu", "NVIDIA H100 80GB HBM3"], ["doctor"], ["health"]):
        result = subprocess.run([str(venv / "bin" / "cudacheck"), *args], cwd=outside, env=env,
                                capture_output=True, text=True)
        assert result.returncode in (0, 1), (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert "Hopper" in subprocess.run([str(venv / "bin" / "cudacheck"), "compat", "gpu", "H100"], cwd=outside,
                                      env=env, capture_output=True, text=True).stdout
