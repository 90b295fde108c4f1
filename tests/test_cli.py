"""The CLI end to end, as a user runs it: real processes, real exit codes, no tracebacks."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "cudacheck"]


def run(*args, cwd=None, env=None, input=None, timeout=60):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, env=env, input=input,
                          timeout=timeout)


@pytest.fixture(scope="module")
def snapshot_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("snap") / "env.json"
    result = run("snapshot", "-o", str(path))
    assert result.returncode == 0, result.stderr
    return path


def test_version():
    from cudacheck import __version__

    result = run("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_doctor_json_validates_against_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    report = json.loads(run("doctor", "--format", "json").stdout)
    schema = json.loads(run("schema").stdout)
    jsonschema.validate(report, schema)
    for key in ("schema_version", "cudacheck_version", "compat_data_version", "snapshot", "findings", "summary"):
        assert key in report
    for finding in report["findings"]:
        assert {"code", "rule", "category", "severity", "title", "detail", "remedy", "evidence",
                "docs"} <= set(finding)


def test_snapshot_replay_reproduces_findings(snapshot_file):
    live = json.loads(run("doctor", "--snapshot", str(snapshot_file), "--format", "json").stdout)
    data = json.loads(snapshot_file.read_text())
    assert data["source"] == "live" and live["snapshot"]["source"] == "file"
    expected = json.loads(run("doctor", "--format", "json").stdout)
    assert [f["code"] for f in live["findings"]] == [f["code"] for f in expected["findings"]]


def test_saved_report_replays_too(tmp_path, snapshot_file):
    saved = run("doctor", "--snapshot", str(snapshot_file), "--format", "json")
    report = tmp_path / "report.json"
    report.write_text(saved.stdout)
    replayed = run("doctor", "--snapshot", str(report), "--format", "json")
    assert replayed.returncode == saved.returncode and replayed.returncode in (0, 1)
    assert [f["code"] for f in json.loads(replayed.stdout)["findings"]] == \
        [f["code"] for f in json.loads(saved.stdout)["findings"]]


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("not json at all", "not JSON"),
    ('{"hello": 1}', "not a cudacheck snapshot"),
    ('{"schema_version": 99, "nvml": {}}', "schema_version 99"),
    ('{"schema_version": 1, "nvml": {"gpus": "many"}}', "invalid snapshot at nvml.gpus"),
])
def test_bad_snapshot_files_exit_2_with_one_line(tmp_path, content, message):
    path = tmp_path / "snap.json"
    if content is not None:
        path.write_text(content)
    result = run("doctor", "--snapshot", str(path))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_explain_and_rules():
    result = run("explain", "CC201")
    assert result.returncode == 0 and "What it checks" in result.stdout and "How to fix" in result.stdout
    assert run("explain", "gpu-arch-not-in-build").stdout == result.stdout
    rules = json.loads(run("rules", "--format", "json").stdout)
    assert len(rules) >= 40 and {"code", "rule", "category", "severity"} <= set(rules[0])


def test_explain_unknown_code_suggests_closest():
    result = run("explain", "CC21")
    assert result.returncode == 2 and "closest: " in result.stderr and "CC210" in result.stderr


def test_broken_pyproject_table_names_the_key(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cudacheck]\nmin_gpus = "many"\n')
    result = run("doctor", cwd=tmp_path)
    assert result.returncode == 2 and "min_gpus" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.cudacheck]\nmin-gpuz = 2\n')
    result = run("doctor", cwd=tmp_path)
    assert result.returncode == 2 and "min-gpuz" in result.stderr


def _saved(tmp_path: Path, **facts) -> str:
    from cudacheck.serialize import dumps
    from cudacheck.testing import gpu, make_snapshot

    defaults = dict(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")], torch="2.4.1+cu124",
                    torch_cuda="12.4", shm_bytes=16 * 2**30, in_container=True)
    path = tmp_path / "snapshot.json"
    path.write_text(dumps(make_snapshot(**{**defaults, **facts})), encoding="utf-8")
    return str(path)


def test_strict_makes_warnings_count(tmp_path):
    small_shm = _saved(tmp_path, shm_bytes=64 * 2**20)  # Docker's default /dev/shm: a warning (CC401)
    result = run("doctor", "--snapshot", small_shm, "--no-config")
    assert result.returncode == 0 and "[CC401]" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("No errors; 1 warning; 2 areas could not be checked")
    assert run("doctor", "--snapshot", small_shm, "--no-config", "--strict").returncode == 1


def test_strict_is_silent_without_warnings(tmp_path):
    healthy = _saved(tmp_path)
    result = run("doctor", "--snapshot", healthy, "--no-config", "--strict")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("No problems in 4 areas; 2 areas could not be checked")


def test_plain_output_without_tty_or_utf8(tmp_path):
    env = dict(os.environ, PYTHONIOENCODING="ascii")
    result = run("doctor", "--snapshot", _saved(tmp_path, shm_bytes=64 * 2**20), "--no-config", env=env)
    assert result.returncode == 0 and "\x1b[" not in result.stdout
    assert result.stdout.isascii()  # ASCII marks when the terminal cannot encode ✓
    rows = [(line[:4].strip(), line[5:30].strip()) for line in result.stdout.splitlines() if line.startswith("[")]
    assert rows == [("[ok]", "NVIDIA driver"), ("[ok]", "GPUs"), ("[ok]", "PyTorch build"), ("[?]", "CUDA libraries"),
                    ("[?]", "Python packages"), ("[!]", "Container and resources")]


def test_markdown_format():
    result = run("doctor", "--format", "markdown")
    assert result.stdout.startswith("### cudacheck:") and "| Layer | Observed |" in result.stdout


def test_unknown_option_is_usage_error():
    assert run("doctor", "--bogus").returncode == 2


# --- doctor on fake hosts: the real probes over C stand-ins for the driver ----------------------------

REPO = Path(__file__).resolve().parent.parent
A100 = "NVIDIA A100-SXM4-80GB|8.0|81920"

DEEP_STUB = '''
import os, types
from .version import __version__
version = types.SimpleNamespace(cuda="12.6", hip=None)

class Tensor:
    def __matmul__(self, other): return Tensor()
    def __sub__(self, other): return Tensor()
    def to(self, device): return self
    def cpu(self): return self
    def abs(self): return self
    def max(self): return self
    def __float__(self): return 0.0

class Generator:
    def manual_seed(self, seed): return self

def randn(*shape, generator=None): return Tensor()
def device(kind, index=None): return (kind, index)

def _conv2d(*args, **kwargs):
    os.kill(os.getpid(), 11)  # a cuDNN convolution that takes the process down

class _Cuda:
    def is_available(self): return True
    def device_count(self): return 1
    def init(self): pass
    def get_arch_list(self): return ["sm_80", "sm_86", "sm_90"]
    def get_device_name(self, index): return "NVIDIA A100-SXM4-80GB"
    def get_device_capability(self, index): return (8, 0)
    def set_device(self, index): pass
    def synchronize(self, index=None): pass
    nccl = types.SimpleNamespace(version=lambda: (2, 21, 5))
cuda = _Cuda()
nn = types.SimpleNamespace(functional=types.SimpleNamespace(conv2d=_conv2d))
backends = types.SimpleNamespace(cudnn=types.SimpleNamespace(version=lambda: 90501, allow_tf32=True),
                                 cuda=types.SimpleNamespace(matmul=types.SimpleNamespace(allow_tf32=True)))
'''


def _site(folder: Path, version: str, cuda: str, init: str = "") -> Path:
    """A module path holding one installed torch (its version.py and dist-info), and nothing else."""
    torch = folder / "torch"
    torch.mkdir(parents=True)
    (torch / "__init__.py").write_text(init)
    (torch / "version.py").write_text(f"__version__ = '{version}'\ncuda = '{cuda}'\nhip = None\n")
    dist = folder / f"torch-{version}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: torch\nVersion: {version}\n\n")
    return folder


@pytest.fixture(scope="module")
def fake_host(tmp_path_factory):
    """(driver libraries, crashing-library folder, deps) for a host with an NVIDIA driver and no real GPU."""
    import shutil

    import click
    import packaging
    import pynvml

    from fakes.build import build_library, gcc_available, link_into
    from probes.probe_trees import misbehaving_library

    if not gcc_available():
        pytest.skip("gcc builds the fake driver libraries")
    build = tmp_path_factory.mktemp("build")
    libs = link_into(tmp_path_factory.mktemp("libs"), [build_library("nvml", build), build_library("cuda", build)])
    crash = link_into(tmp_path_factory.mktemp("crash"), [build_library("nvml", build), build_library("cuda", build)])
    misbehaving_library(crash, "libnccl.so.2", "segv")
    deps = tmp_path_factory.mktemp("deps")
    os.symlink(os.path.dirname(click.__file__), deps / "click")
    os.symlink(os.path.dirname(packaging.__file__), deps / "packaging")
    shutil.copy(pynvml.__file__, deps)  # forked probe children share this interpreter's module path
    return libs, crash, deps


def doctor_on(host, site: Path, *args, lib_dir=None, cwd=None, **fake):
    """`cudacheck doctor` in an environment holding only ``site``'s torch (site-packages left out)."""
    libs, _, deps = host
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKE_", "CUDACHECK_", "VIRTUAL_ENV"))}
    env.update(LD_LIBRARY_PATH=str(lib_dir or libs), FAKE_NVML_GPUS=A100, FAKE_NVML_DRIVER="550.54.14",
               FAKE_NVML_CUDA="12040")
    env.update({k: str(v) for k, v in fake.items()})
    code = (f"import sys; sys.path[:0] = {[str(site), str(deps), str(REPO)]!r}; "
            "from cudacheck.cli import main; main(sys.argv[1:])")
    return subprocess.run([sys.executable, "-S", "-c", code, "doctor", *args], capture_output=True, text=True,
                          env=env, timeout=120, cwd=cwd)


def test_doctor_on_a_fake_a100_reads_well(fake_host, tmp_path):
    result = doctor_on(fake_host, _site(tmp_path, "2.6.0+cu126", "12.6"), "--no-config", COLUMNS="80")
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and result.stderr == "", result.stdout + result.stderr
    assert lines[0].startswith("cudacheck ") and " · live · standard probe · compat data " in lines[0]
    assert lines[1].startswith("environment: ")
    rows = [line for line in lines if line and line[0] in "✓!✗?–"]
    assert [row[2:27].strip() for row in rows] == ["NVIDIA driver", "GPUs", "PyTorch build", "CUDA libraries",
                                                   "Python packages", "Container and resources"]
    assert rows[0] == "✓ NVIDIA driver            driver 550.54.14, supports CUDA ≤ 12.4"
    assert rows[1] == "✓ GPUs                     NVIDIA A100-SXM4-80GB (sm_80, 80 GiB)"
    assert rows[2] == "✓ PyTorch build            torch 2.6.0+cu126 (CUDA 12.6)"
    assert "    · Driver supports CUDA 12.4; torch's CUDA 12.6 runs via minor-version" in lines  # info, wrapped
    assert "      compatibility [CC211]" in lines and max(map(len, lines)) <= 80
    assert lines[-1].startswith(("No errors", "No issues found"))


def test_pyproject_requirements_apply_on_a_host_without_gpus(fake_host, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.cudacheck]\nrequire-gpu = true\n")
    result = doctor_on(fake_host, _site(tmp_path / "site", "2.4.1+cu121", "12.1"), "--format", "json",
                       cwd=tmp_path, FAKE_NVML_GPUS="")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["policy"] == {"require_gpu": True} and report["policy_sources"] == {"require_gpu": "pyproject"}
    assert report["findings"][0]["code"] == "CC601" and report["findings"][0]["category"] == "no_gpu_visible"
    flag = doctor_on(fake_host, _site(tmp_path / "again", "2.4.1+cu121", "12.1"), "--no-config", "--require-gpu",
                     FAKE_NVML_GPUS="")
    assert flag.returncode == 1 and "[CC601]" in flag.stdout
    assert doctor_on(fake_host, _site(tmp_path / "plain", "2.4.1+cu121", "12.1"), "--no-config",
                     FAKE_NVML_GPUS="").returncode == 0


def test_doctor_on_an_a100_with_torch_2_6_cu126_reports_no_error(fake_host, tmp_path):
    result = doctor_on(fake_host, _site(tmp_path, "2.6.0+cu126", "12.6"), "--no-config")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no kernels" not in result.stdout and "SASS none" not in result.stdout
    assert "Could not check whether torch 2.6.0+cu126 has kernels" in result.stdout  # said, as info


def test_doctor_with_a_crashing_library_probe_never_says_no_issues_found(fake_host, tmp_path):
    result = doctor_on(fake_host, _site(tmp_path, "2.4.1+cu121", "12.1"), "--no-config", lib_dir=fake_host[1])
    assert "No issues found" not in result.stdout
    assert "could not be checked (CUDA libraries: probe crashed, signal 11" in result.stdout
    line = next(line for line in result.stdout.splitlines() if "CUDA libraries " in line)
    assert line.startswith("? CUDA libraries") or line.startswith("[?] CUDA libraries"), line
    data = json.loads(doctor_on(fake_host, _site(tmp_path / "again", "2.4.1+cu121", "12.1"), "--no-config",
                                "--format", "json", lib_dir=fake_host[1]).stdout)
    assert any(area["area"] == "libraries" and area["state"] == "failed" for area in data["coverage"])


def test_doctor_with_a_segfaulting_nvml_names_the_crash(fake_host, tmp_path):
    result = doctor_on(fake_host, _site(tmp_path, "2.4.1+cu121", "12.1"), "--no-config", FAKE_NVML_SEGV="1")
    assert result.returncode == 1
    assert "The NVIDIA driver crashed: NVML crashed, signal 11" in result.stdout
    assert "No issues found" not in result.stdout and "none visible" not in result.stdout


def test_doctor_deep_shows_what_the_child_saw_and_where_it_crashed(fake_host, tmp_path):
    site = _site(tmp_path, "2.6.0+cu126", "12.6", init=DEEP_STUB)
    result = doctor_on(fake_host, site, "--no-config", "--deep")
    out = result.stdout
    assert "deep: import torch: ok (torch 2.6.0+cu126, CUDA 12.6)" in out
    assert "deep: torch.cuda.is_available(): True, 1 device" in out
    assert "deep: GPU 0 NVIDIA A100-SXM4-80GB: matmul ok" in out
    assert "deep: stopped during cuDNN conv2d on GPU 0" in out
    assert result.returncode == 1 and "A process using torch crashes here" in out
    assert "No issues found" not in out


def test_doctor_requirements_row_names_their_sources(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cudacheck]\nmin-shm = "1GiB"\n')
    env = dict(os.environ, CUDACHECK_FEATURES="bf16")
    result = run("doctor", "--min-compute-capability", "8.0", cwd=tmp_path, env=env)
    row = next(line for line in result.stdout.splitlines() if "Requirements" in line)
    assert "min_compute_capability=8.0 (flag)" in row and "features=bf16 (env)" in row
    assert "min_shm=1 GiB (pyproject)" in row and "a visible GPU (implied by min_compute_capability, features)" in row


def test_doctor_output_writes_any_format_to_a_file(tmp_path):
    snapshot = str(Path(__file__).resolve().parent / "data" / "snapshots" / "a100_driver470_torch24_cu121.json")
    for fmt in ("text", "markdown", "json", "prometheus", "html"):
        target = tmp_path / f"report.{fmt}"
        result = run("doctor", "--snapshot", snapshot, "--format", fmt, "--output", str(target),
                     env=dict(os.environ, COLUMNS="200"))
        assert result.returncode == 1 and result.stdout == "", result.stderr  # the verdict, not the writing
        text = target.read_text(encoding="utf-8")
        assert "\033[" not in text and ("CC210" in text or "cc210" in text.lower())
        if fmt == "text":  # a file is not a terminal: 80 columns, whatever COLUMNS says
            assert max(len(line) for line in text.splitlines() if not line.strip().startswith("pip ")) <= 80
            assert "✗ NVIDIA driver" in text  # UTF-8 marks in a UTF-8 file
        if fmt == "json":
            assert json.loads(text)["summary"]["errors"] == 1
    missing = run("doctor", "--output", str(tmp_path / "no" / "such" / "folder" / "r.txt"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "folder does not exist" in missing.stderr


def test_the_schema_requires_every_key_and_pins_the_versions():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(run("schema").stdout)
    assert schema["properties"]["schema_version"]["const"] == 1
    assert schema["$defs"]["Snapshot"]["properties"]["schema_version"]["const"] == 1
    assert {"schema_version", "summary", "findings", "snapshot", "coverage"} <= set(schema["required"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({}, schema)
    report = json.loads(run("doctor", "--format", "json").stdout)
    jsonschema.validate(report, schema)
    for broken in ({**report, "schema_version": 2}, {k: v for k, v in report.items() if k != "findings"},
                   {**report, "snapshot": {k: v for k, v in report["snapshot"].items() if k != "nvml"}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)
