"""Real Python environments, made once per test session.

- ``tool_venv``: a venv that runs cudacheck but has no torch (as ``pipx``/``uv tool`` install it);
- ``torch_venv``: a venv whose interpreter imports the CPU torch installed for the test suite.
  Its site-packages holds one ``.pth`` line naming the folder where that torch is installed —
  the way ``.pth`` files add folders to an environment — so the 0.7 GB wheel is not copied;
- ``bare_venv``: a venv with nothing installed;
- ``fake_cuda_venv``: a venv holding a torch distribution written by the test: the
  ``torch/version.py`` and ``dist-info/METADATA`` a CUDA 12.1 build installs (what cudacheck
  reads without importing torch);
- ``conda_prefix``: a conda-like environment: ``conda-meta/``, its own ``bin/python`` and
  ``lib/python3.X/site-packages`` with a fake CUDA torch, and a real ``libcudart`` in ``lib/``.
  Its interpreter is a copy of the base interpreter's executable (as conda's is a file of
  the environment): a symlink would make Python find its prefix where the link points.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Dict, Optional

import pytest

REPO = Path(__file__).resolve().parents[2]
BASE_PYTHON = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
EXCLUDED_FROM_TOOL = ("torch", "functorch", "torchgen", "nvidia", "cudacheck", "_editable_impl_cudacheck",
                      "__editable__", "triton")


def make_venv(path: Path, *options: str) -> Path:
    """``python -m venv`` (without pip: nothing is installed from the network) → its bin/python."""
    subprocess.run([BASE_PYTHON, "-m", "venv", "--without-pip", *options, str(path)], check=True,
                   capture_output=True, timeout=120)
    return path / "bin" / "python"


def site_packages(python: Path) -> Path:
    out = subprocess.run([str(python), "-I", "-c", "import site; print(site.getsitepackages()[0])"],
                         capture_output=True, text=True, check=True, timeout=60)
    return Path(out.stdout.strip())


def write_fake_torch(site: Path, version: str, cuda: Optional[str], pins: Optional[Dict[str, str]] = None) -> None:
    """The files of an installed torch that cudacheck reads: torch/version.py and its METADATA."""
    package = site / "torch"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("raise ImportError('a test stand-in for torch')\n")
    (package / "version.py").write_text(
        f"__version__ = '{version}'\ndebug = False\ncuda: Optional[str] = {cuda!r}\nhip = None\n"
        "git_version = '0000000000000000000000000000000000000000'\n")
    dist = site / f"torch-{version}.dist-info"
    dist.mkdir(exist_ok=True)
    requires = "".join(f"Requires-Dist: {name}=={pin}; platform_system == \"Linux\"\n"
                       for name, pin in (pins or {}).items())
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: torch\nVersion: {version}\n{requires}\n")
    (dist / "RECORD").write_text("torch/__init__.py,,\ntorch/version.py,,\n")


def runner_site_with_torch() -> Optional[Path]:
    """The folder where the suite's own (CPU) torch is installed, if it is."""
    import importlib.util

    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent.parent


@pytest.fixture(scope="session")
def environments(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("environments")


@pytest.fixture(scope="session")
def tool_venv(environments: Path) -> Path:
    """A venv running cudacheck, without torch: its dependencies linked in one folder, cudacheck
    from the source tree."""
    python = make_venv(environments / "tool")
    deps = environments / "tool-deps"
    deps.mkdir()
    import pydantic

    source = Path(pydantic.__file__).resolve().parent.parent
    for entry in source.iterdir():
        if entry.name.startswith(EXCLUDED_FROM_TOOL) or entry.suffix == ".pth":
            continue
        (deps / entry.name).symlink_to(entry)
    (site_packages(python) / "cudacheck-test.pth").write_text(f"{REPO}\n{deps}\n")
    return python


@pytest.fixture(scope="session")
def torch_venv(environments: Path) -> Path:
    where = runner_site_with_torch()
    if where is None:
        pytest.skip("the CPU torch the suite installs (make setup) is not here")
    python = make_venv(environments / "with-torch")
    (site_packages(python) / "suite-torch.pth").write_text(f"{where}\n")
    return python


@pytest.fixture(scope="session")
def bare_venv(environments: Path) -> Path:
    return make_venv(environments / "bare")


@pytest.fixture(scope="session")
def fake_cuda_venv(environments: Path) -> Path:
    python = make_venv(environments / "fake-cuda")
    write_fake_torch(site_packages(python), "2.4.1+cu121", "12.1",
                     {"nvidia-cudnn-cu12": "9.1.0.70", "nvidia-nccl-cu12": "2.20.5"})
    return python


@pytest.fixture(scope="session")
def conda_prefix(environments: Path) -> Path:
    prefix = environments / "conda-env"
    (prefix / "conda-meta").mkdir(parents=True)
    (prefix / "conda-meta" / "history").write_text("# conda-like test environment\n")
    (prefix / "bin").mkdir()
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    base_lib = Path(sysconfig.get_config_var("LIBDIR") or stdlib.parent)
    shutil.copy2(BASE_PYTHON, prefix / "bin" / "python")
    lib = prefix / "lib"
    own_stdlib = lib / stdlib.name
    own_stdlib.mkdir(parents=True)
    for entry in stdlib.iterdir():
        if entry.name != "site-packages":
            (own_stdlib / entry.name).symlink_to(entry)
    for shared in glob.glob(str(base_lib / "libpython*.so*")):
        (lib / os.path.basename(shared)).symlink_to(shared)
    site = own_stdlib / "site-packages"
    site.mkdir()
    write_fake_torch(site, "2.5.1+cu124", "12.4", {"nvidia-cudnn-cu12": "9.1.0.70"})
    cudart = glob.glob(str(Path(sys.prefix) / "lib" / "python3*" / "site-packages" / "nvidia" / "cuda_runtime"
                           / "lib" / "libcudart.so.*"))
    if cudart:
        shutil.copy2(cudart[0], lib / os.path.basename(cudart[0]))
    check = subprocess.run([str(prefix / "bin" / "python"), "-I", "-c", "import sys; print(sys.prefix)"],
                           capture_output=True, text=True, timeout=60)
    if check.returncode != 0 or Path(check.stdout.strip()) != prefix:
        pytest.skip(f"a copied interpreter does not run from its own prefix here: {check.stderr[-200:]}")
    return prefix


def run_cli(python: Path, *args: str, env: Optional[Dict[str, str]] = None, timeout: float = 120,
            cwd: Optional[Path] = None) -> subprocess.CompletedProcess:
    """``python -m cudacheck ARGS`` with this session's environment (no activated env) plus ``env``."""
    environ = dict(os.environ)
    for name in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "PYTHONHOME"):
        environ.pop(name, None)
    environ.update(env or {})
    return subprocess.run([str(python), "-m", "cudacheck", *args], capture_output=True, text=True, env=environ,
                          timeout=timeout, cwd=cwd)
