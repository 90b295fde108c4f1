"""Shared fixtures for the integration tests (pytest plugin, Prometheus, examples, benchmarks)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
BENCHMARKS = REPO / "benchmarks"
SNAPSHOTS = REPO / "tests" / "data" / "snapshots"
BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def _neutral_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's CUDACHECK_* requirements must not change what these tests see, and
    the plugin must load from its entry point in pytester runs."""
    for name in list(os.environ):
        if name.startswith("CUDACHECK_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)


def write_snapshot(path: Path, snapshot) -> Path:
    from cudacheck.serialize import dumps

    path.write_text(dumps(snapshot) + "\n", encoding="utf-8")
    return path


def a100_node(count: int = 1, **gpu_facts):
    """A healthy node: driver 550 (CUDA 12.4), A100 80GB, torch 2.4.1+cu124."""
    from cudacheck.testing import gpu, make_snapshot

    gpus = [gpu("NVIDIA A100-SXM4-80GB", "8.0", 81920, uuid=f"GPU-a100-{i}", **gpu_facts) for i in range(count)]
    return make_snapshot(driver="550.54.14", cuda="12.4", gpus=gpus, torch="2.4.1+cu124", torch_cuda="12.4",
                         shm_bytes=16 * 2**30,
                         dev_nodes=["/dev/nvidia-uvm", "/dev/nvidia0", "/dev/nvidiactl"], cuda_init_code=0)


@pytest.fixture
def no_gpu_env(fake_lib_dir: Path) -> Dict[str, str]:
    """os.environ for a command on a host whose driver lists no GPU (the C fakes), whatever this
    machine has."""
    return fake_gpu_env(fake_lib_dir, [])


@pytest.fixture
def no_driver_env(fake_lib_dir: Path) -> Dict[str, str]:
    """os.environ for a command on a CPU machine: NVML answers that it has no library (the C
    fakes, so a real driver on this machine is not found first)."""
    return fake_gpu_env(fake_lib_dir, [], FAKE_NVML_INIT_ERROR="12")


def yaml_loader() -> Optional[Callable[[str], object]]:
    """PyYAML from this interpreter, else from a python3 on PATH that has it (as JSON), else None."""
    try:
        import yaml  # type: ignore[import-not-found]

        return yaml.safe_load
    except ImportError:
        pass
    for candidate in ("python3", "/usr/bin/python3"):
        exe = shutil.which(candidate)
        if not exe or Path(exe).resolve() == Path(sys.executable).resolve():
            continue
        probe = subprocess.run([exe, "-c", "import yaml, json"], capture_output=True)
        if probe.returncode == 0:
            def load(text: str, exe: str = exe) -> object:
                import json

                out = subprocess.run([exe, "-c", "import sys, json, yaml; "
                                                 "json.dump(yaml.safe_load(sys.stdin), sys.stdout, default=str)"],
                                     input=text, capture_output=True, text=True, check=True)
                return json.loads(out.stdout)

            return load
    return None


@pytest.fixture(scope="session")
def load_yaml() -> Callable[[str], object]:
    loader = yaml_loader()
    if loader is None:
        pytest.skip("PyYAML is not installed")
    return loader


@pytest.fixture(scope="session")
def fake_driver_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the fake libnvidia-ml.so.1 and libcuda.so.1 (tests/fakes)."""
    from fakes.build import build_library, gcc_available, link_into

    if not gcc_available():
        pytest.skip("gcc is needed to build the fake NVIDIA libraries")
    cache = tmp_path_factory.mktemp("fake-build")
    libraries = [build_library("nvml", cache), build_library("cuda", cache)]
    return link_into(tmp_path_factory.mktemp("fake-driver"), libraries)


def fake_gpu_env(lib_dir: Path, gpus: List[str], **extra: str) -> Dict[str, str]:
    """os.environ with the fakes first on LD_LIBRARY_PATH and FAKE_NVML_GPUS set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKE_", "CUDACHECK_"))}
    env["LD_LIBRARY_PATH"] = os.pathsep.join(p for p in (str(lib_dir), env.get("LD_LIBRARY_PATH", "")) if p)
    env["FAKE_NVML_GPUS"] = ";".join(gpus)
    env.update(extra)
    return env
