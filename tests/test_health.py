"""`cudacheck health`: 0 or 1 only, one line, always within --timeout — with real NVML bindings
loading fake libnvidia-ml.so.1 builds that hang, crash or report a broken driver."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fakes.build import build_library, gcc_available, link_into

pytestmark = pytest.mark.skipif(not gcc_available(), reason="gcc builds the fake driver libraries")


@pytest.fixture(scope="module")
def fake_dir(tmp_path_factory):
    build = tmp_path_factory.mktemp("build")
    libs = [build_library("nvml", build), build_library("cuda", build)]
    return link_into(tmp_path_factory.mktemp("lib"), libs)


@pytest.fixture(scope="module")
def without_torch(tmp_path_factory):
    """A module path holding only the real pynvml bindings: an environment with no torch."""
    import shutil

    import pynvml

    folder = tmp_path_factory.mktemp("no_torch")
    shutil.copy(pynvml.__file__, folder)
    return folder


REPO = Path(__file__).resolve().parent.parent


def health(fake_dir, *args, timeout=30, no_torch=None, **fake):
    """Run `cudacheck health`; with ``no_torch`` (a folder holding pynvml) site-packages are
    left out, so no torch is installed as far as the process can tell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKE_", "CUDACHECK_"))}
    env["LD_LIBRARY_PATH"] = str(fake_dir)
    env.update({k: str(v) for k, v in fake.items()})
    python = [sys.executable]
    if no_torch is not None:
        python.append("-S")
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(no_torch)])
    started = time.monotonic()
    result = subprocess.run([*python, "-m", "cudacheck", "health", *args], capture_output=True,
                            text=True, env=env, timeout=timeout)
    return result, time.monotonic() - started


def test_healthy_gpu(fake_dir, without_torch):
    result, _ = health(fake_dir, "--require-gpu", no_torch=without_torch, FAKE_NVML_GPUS="NVIDIA H100 80GB HBM3|9.0|81559",
                       FAKE_NVML_DRIVER="550.54.14", FAKE_NVML_CUDA="12040")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("healthy: 1 GPU (NVIDIA H100 80GB HBM3), driver 550.54.14")
    assert len(result.stdout.strip().splitlines()) == 1


def test_cpu_torch_beside_a_gpu_is_unhealthy(fake_dir):
    result, _ = health(fake_dir, FAKE_NVML_GPUS="NVIDIA H100 80GB HBM3|9.0|81559")
    assert result.returncode == 1 and "[CC204]" in result.stdout and "CPU-only" in result.stdout


def test_hanging_nvml_is_unhealthy_within_the_timeout(fake_dir):
    result, seconds = health(fake_dir, "--timeout", "3", FAKE_NVML_HANG="1", FAKE_CUDA_HANG="1")
    assert result.returncode == 1
    assert seconds < 6  # 3 s budget plus interpreter start-up and process teardown
    assert "unhealthy" in result.stdout and "timed out" in result.stdout


def test_crashing_nvml_is_unhealthy(fake_dir):
    result, _ = health(fake_dir, FAKE_NVML_SEGV="1")
    assert result.returncode == 1 and "crashed" in result.stdout


def test_version_mismatch_is_unhealthy(fake_dir):
    result, _ = health(fake_dir, FAKE_NVML_INIT_ERROR="18")
    assert result.returncode == 1 and "[CC103]" in result.stdout


def test_ecc_errors_turn_it_unhealthy(fake_dir, without_torch):
    result, _ = health(fake_dir, no_torch=without_torch, FAKE_NVML_GPUS="NVIDIA A100-SXM4-80GB|8.0|81920|ecc_uncorrected=2")
    assert result.returncode == 1 and "[CC501]" in result.stdout


def test_policy_from_environment(fake_dir, without_torch):
    result, _ = health(fake_dir, no_torch=without_torch, FAKE_NVML_GPUS="Tesla T4|7.5|15360", CUDACHECK_MIN_COMPUTE_CAPABILITY="8.0")
    assert result.returncode == 1 and "[CC603]" in result.stdout


def test_no_driver_without_requirement_is_healthy_and_with_it_unhealthy(fake_dir):
    # NVML answers "library not found" (the fake comes first on the loader's path, so a real driver on
    # this machine is not found instead): a CPU machine.
    ok, _ = health(fake_dir, FAKE_NVML_INIT_ERROR="12")
    assert ok.returncode == 0 and ok.stdout.startswith("healthy: no GPU in use (none required)")
    bad, _ = health(fake_dir, "--require-gpu", FAKE_NVML_INIT_ERROR="12")
    assert bad.returncode == 1 and bad.stdout.startswith("unhealthy: [CC101] No NVIDIA driver is visible")


def test_bad_usage_never_returns_2():
    result = subprocess.run([sys.executable, "-m", "cudacheck", "health", "--min-gpus", "lots"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    result = subprocess.run([sys.executable, "-m", "cudacheck", "health", "--nonsense"], capture_output=True,
                            text=True)
    assert result.returncode == 1


def test_runtime_faults_turn_it_unhealthy(fake_dir, without_torch):
    # "Failed to initialize NVML: Unknown Error" (e.g. a container after the host's daemon-reload)
    result, _ = health(fake_dir, no_torch=without_torch, FAKE_NVML_INIT_ERROR="999")
    assert result.returncode == 1 and "[CC110]" in result.stdout
    # a GPU that fell off the bus
    result, _ = health(fake_dir, no_torch=without_torch, FAKE_NVML_GPUS="NVIDIA A100-SXM4-80GB|8.0|81920|lost=1")
    assert result.returncode == 1 and "[CC501]" in result.stdout


def test_deep_without_torch_is_unhealthy_unless_torch_is_not_needed(fake_dir, without_torch):
    gpus = "NVIDIA H100 80GB HBM3|9.0|81559"
    result, _ = health(fake_dir, "--deep", no_torch=without_torch, FAKE_NVML_GPUS=gpus)
    assert result.returncode == 1 and "[CC112]" in result.stdout and "not installed" in result.stdout
    result, _ = health(fake_dir, "--deep", no_torch=without_torch, FAKE_NVML_GPUS=gpus, CUDACHECK_REQUIRE_TORCH="0")
    assert result.returncode == 0, result.stdout
    quick, _ = health(fake_dir, no_torch=without_torch, FAKE_NVML_GPUS=gpus)  # the quick check only warns
    assert quick.returncode == 0 and "1 warning" in quick.stdout


def test_a_hung_driver_with_a_gpu_required_is_named_as_hung(fake_dir):
    result, _ = health(fake_dir, "--require-gpu", "--timeout", "3", FAKE_NVML_HANG="1")
    assert result.returncode == 1
    assert "hung" in result.stdout and "none is visible" not in result.stdout


@pytest.mark.parametrize("how", ["flag", "env", "pyproject"])
def test_a_gpu_requirement_implies_a_gpu_from_every_surface(tmp_path, how):
    """No driver library and a compute-capability requirement: unhealthy, however it was asked."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKE_", "CUDACHECK_"))}
    env["LD_LIBRARY_PATH"] = str(tmp_path)
    args = []
    if how == "flag":
        args = ["--min-compute-capability", "8.0"]
    elif how == "env":
        env["CUDACHECK_MIN_COMPUTE_CAPABILITY"] = "8.0"
    else:
        (tmp_path / "pyproject.toml").write_text('[tool.cudacheck]\nmin-compute-capability = "8.0"\n')
    result = subprocess.run([sys.executable, "-m", "cudacheck", "health", *args], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 1 and result.stdout.startswith("unhealthy")
    assert "min_compute_capability" in result.stdout


def test_health_never_imports_the_planner_or_pydantic(fake_dir):
    """A CPU torch beside a GPU is an error with an install remedy; health prints one line, so the
    remedy is not planned (the planner judges every candidate wheel with the rules)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKE_", "CUDACHECK_"))}
    env.update(LD_LIBRARY_PATH=str(fake_dir), FAKE_NVML_GPUS="NVIDIA H100 80GB HBM3|9.0|81559")
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "cudacheck", "health"], capture_output=True,
                            text=True, env=env, timeout=60)
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time")}
    assert "cudacheck.health" in imported
    assert not {"cudacheck.compat.plan", "pydantic", "click", "cudacheck.render.text"} & imported
