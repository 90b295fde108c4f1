"""The deep probe: torch imported in a child process with a deadline.

With the real CPU torch of the dev environment, and with ``torch`` stand-ins put first
on PYTHONPATH (inherited by the child) that crash, hang or fail part-way."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cudacheck.probes.deep import deep_facts, facts_from


def stub_torch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    package = tmp_path / "stub" / "torch"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(source))
    monkeypatch.setenv("PYTHONPATH", str(package.parent))


def test_real_cpu_torch():
    try:
        import importlib.util
        if importlib.util.find_spec("torch") is None:
            pytest.skip("torch is not installed")
    except ValueError:
        pytest.skip("torch is not importable")
    errors: list = []
    facts = deep_facts(timeout=60, errors=errors)
    assert errors == []
    assert facts.ran is True and facts.import_error is None and facts.last_step is None
    assert facts.torch_version and facts.torch_file and facts.torch_file.endswith("__init__.py")
    if facts.torch_cuda is not None:
        pytest.skip("this torch is a CUDA build; the rest describes the CPU wheel")
    assert (facts.cuda_available, facts.device_count, facts.arch_list) == (False, 0, [])
    assert facts.cuda_init_error and "not compiled with CUDA" in facts.cuda_init_error
    assert facts.cudnn_version is None and facts.smoke == []
    assert not any("libcudart" in path for path in facts.mapped_libraries)


def test_import_error_is_a_fact(tmp_path, monkeypatch):
    stub_torch(tmp_path, monkeypatch, """
        raise OSError("libcudnn.so.9: cannot open shared object file: No such file or directory")
    """)
    errors: list = []
    facts = deep_facts(timeout=30, errors=errors)
    assert errors == []
    assert facts.ran is True
    assert facts.import_error == "OSError: libcudnn.so.9: cannot open shared object file: No such file or directory"
    assert facts.torch_version is None


def test_segfault_on_import(tmp_path, monkeypatch):
    stub_torch(tmp_path, monkeypatch, "import os\nos.kill(os.getpid(), 11)\n")
    errors: list = []
    facts = deep_facts(timeout=30, errors=errors)
    [error] = errors
    assert (error.probe, error.kind, error.code) == ("deep", "crashed", signal.SIGSEGV)
    assert "import torch" in error.message
    assert facts.ran is True and facts.last_step == "import torch" and facts.torch_version is None


def test_hang_on_import_is_abandoned(tmp_path, monkeypatch):
    stub_torch(tmp_path, monkeypatch, "import time\nwhile True:\n    time.sleep(1)\n")
    errors: list = []
    started = time.monotonic()
    facts = deep_facts(timeout=1.5, errors=errors)
    assert time.monotonic() - started < 3.5
    assert [(e.probe, e.kind) for e in errors] == [("deep", "timeout")]
    assert facts.ran is True and facts.last_step == "import torch"


STUB_WITH_A_GPU = """
import os, types, warnings
__version__ = "2.6.0+cu124"
version = types.SimpleNamespace(cuda="12.4")
class _Cuda:
    def is_available(self):
        warnings.warn("NVIDIA GeForce RTX 5090 with CUDA capability sm_120 is not compatible with the "
                      "current PyTorch installation.")
        return True
    def device_count(self):
        return 2
    def init(self):
        print("native noise on stdout")
    def get_arch_list(self):
        return ["sm_80", "sm_90"]
    def get_device_name(self, index):
        if index == 1:
            os.kill(os.getpid(), 11)
        raise RuntimeError("CUDA error: no kernel image is available for execution on the device")
    nccl = types.SimpleNamespace(version=lambda: (2, 21, 5))
cuda = _Cuda()
_C = types.SimpleNamespace(_cuda_getArchFlags=lambda: "sm_80 sm_90")
backends = types.SimpleNamespace(cudnn=types.SimpleNamespace(version=lambda: 90100, allow_tf32=True),
                                 cuda=types.SimpleNamespace(matmul=types.SimpleNamespace(allow_tf32=True)))
"""


def test_crash_part_way_keeps_what_was_learnt(tmp_path, monkeypatch):
    stub_torch(tmp_path, monkeypatch, STUB_WITH_A_GPU)
    errors: list = []
    facts = deep_facts(timeout=30, errors=errors)
    [error] = errors
    assert (error.kind, error.code) == ("crashed", signal.SIGSEGV)
    assert facts.last_step == "smoke test on GPU 1" and "smoke test on GPU 1" in error.message
    assert (facts.torch_version, facts.torch_cuda, facts.cuda_available, facts.device_count) == \
        ("2.6.0+cu124", "12.4", True, 2)
    assert (facts.arch_flags, facts.arch_list, facts.cudnn_version, facts.nccl_version) == \
        ("sm_80 sm_90", ["sm_80", "sm_90"], 90100, "2.21.5")
    assert [(s.index, s.error) for s in facts.smoke] == [
        (0, "CUDA error: no kernel image is available for execution on the device"), (1, None)]


def test_warnings_and_native_output_are_kept(tmp_path, monkeypatch):
    stub_torch(tmp_path, monkeypatch, STUB_WITH_A_GPU.replace("os.kill(os.getpid(), 11)", "pass"))
    errors: list = []
    facts = deep_facts(timeout=30, errors=errors)
    assert errors == [] and facts.last_step is None
    assert any("sm_120 is not compatible" in w for w in facts.warnings)
    assert "native noise on stdout" in facts.warnings  # stdout of the child carries only JSON
    assert [s.error for s in facts.smoke] == ["CUDA error: no kernel image is available for execution on the device"] * 2


def test_facts_from_copies_by_name_and_refuses_a_key_it_does_not_know():
    from cudacheck.probes.answers import UnknownField

    facts = facts_from({"ran": True, "torch_version": "2.4.0", "nccl_version": [2, 21, 5],
                        "smoke": [{"index": 0, "matmul_ok": True}, {"error": "half written"}]})
    assert facts.torch_version == "2.4.0" and facts.nccl_version == "2.21.5"
    assert len(facts.smoke) == 1 and facts.smoke[0].matmul_ok is True  # a half-written result is dropped
    with pytest.raises(UnknownField, match="future_key"):
        facts_from({"ran": True, "future_key": 1})
    with pytest.raises(UnknownField, match="SmokeResult has no field 'future'"):
        facts_from({"smoke": [{"index": 0, "future": 2}]})


def test_quick_level_stays_light():
    """collect("quick") must not import torch, the renderers, triage or pydantic in-process."""
    code = textwrap.dedent("""
        import json, sys
        import cudacheck
        snapshot = cudacheck.collect("quick", timeout=10)
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "pydantic", "click", "numpy")
                       or m.startswith(("cudacheck.render", "cudacheck.triage", "cudacheck.rules")))
        print(json.dumps({"heavy": heavy, "level": snapshot.level, "libraries": snapshot.libraries is None,
                          "deep": snapshot.deep is None}))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"heavy": [], "level": "quick", "libraries": True, "deep": True}


def test_forked_child_keeps_its_json_clean(tmp_path, monkeypatch):
    """``cudacheck health`` forks children (isolation.prefer_fork): the child's sys.stdout is
    then its result buffer, so prints from torch must still not reach it."""
    from cudacheck.probes import isolation

    assert "torch" not in sys.modules  # tests import torch only in children (tests/conftest.py)
    stub_torch(tmp_path, monkeypatch, STUB_WITH_A_GPU.replace("os.kill(os.getpid(), 11)", "pass"))
    monkeypatch.syspath_prepend(str(tmp_path / "stub"))
    monkeypatch.setattr(isolation, "_PREFER_FORK", True)
    errors: list = []
    try:
        facts = deep_facts(timeout=30, errors=errors)
    finally:
        sys.modules.pop("torch", None)
    assert errors == [] and facts.torch_version == "2.6.0+cu124"
    assert "native noise on stdout" in facts.warnings and facts.device_count == 2


def test_deep_collect_marks_the_libraries_torch_mapped(tmp_path, monkeypatch, machine, make_lib_dir):
    """The loaded library wins: what the deep child mapped is flagged in libraries.found."""
    from cudacheck.probes import collect

    libs = make_lib_dir(nvml=True, cuda=True, cudnn={"VERSION": "90100"})
    machine(libs)
    stub_torch(tmp_path, monkeypatch, """
        import ctypes
        __version__ = "2.4.1+cu124"
        _cudnn = ctypes.CDLL("libcudnn.so.9")
    """)
    snapshot = collect("deep", timeout=30)
    assert snapshot.deep is not None and snapshot.deep.torch_version == "2.4.1+cu124"
    assert snapshot.deep.mapped_libraries == [str(libs / "libcudnn.so.9")]
    [cudnn] = [lib for lib in snapshot.libraries.found if lib.path == str(libs / "libcudnn.so.9")]
    assert cudnn.origins == ["ld_library_path", "mapped"]
    assert "deep" in snapshot.timings and not snapshot.errors_of("deep")


SMOKE_ON_CPU = """
import json, sys
sys.path.insert(0, sys.argv[1])
import deep_child, torch
real_device = torch.device
torch.device = lambda *args: real_device("cpu")  # the "GPU" is the CPU: same kernels, exact results
torch.cuda.get_device_name = lambda index: "Fake GPU"
torch.cuda.get_device_capability = lambda index: (8, 0)
torch.cuda.set_device = lambda index: None
torch.cuda.synchronize = lambda index=None: None
torch.cuda.is_bf16_supported = lambda including_emulation=True: True
good = deep_child.Run(None)
deep_child.smoke(good, torch, 0)
real_cpu = torch.Tensor.cpu
torch.Tensor.cpu = lambda self: real_cpu(self) + 0.5  # a GPU that computes wrong results
bad = deep_child.Run(None)
deep_child.smoke(bad, torch, 1)
print(json.dumps(good.out["smoke"] + bad.out["smoke"]))
"""


def test_smoke_test_compares_with_the_cpu():
    """The smoke test itself, run by real torch with the CPU standing in for the GPU."""
    import importlib.util

    from cudacheck.probes.isolation import CHILD_DIR

    if importlib.util.find_spec("torch") is None:
        pytest.skip("torch is not installed")
    proc = subprocess.run([sys.executable, "-c", SMOKE_ON_CPU, str(CHILD_DIR)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    good, bad = json.loads(proc.stdout)
    assert good == {"index": 0, "name": "Fake GPU", "compute_capability": "8.0", "matmul_max_error": 0.0,
                    "matmul_ok": True, "conv_max_error": 0.0, "conv_ok": True, "bf16_supported": True}
    assert (bad["matmul_ok"], bad["conv_ok"]) == (False, False)
    assert bad["matmul_max_error"] == pytest.approx(0.5, abs=1e-3)
