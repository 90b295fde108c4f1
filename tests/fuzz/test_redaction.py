"""Secrets never come out: every known token shape, URL credentials and secret-named
assignments are masked in pasted text, environment values, config errors and saved
snapshots, in every output format and with -v; what triage needs stays."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cudacheck.redact import MARKER, redact
from fuzz_data import PLANTED, SNAPSHOTS, leaked, pasted_samples
from fuzz_harness import Worker

ALL_SECRETS = "\n".join(line for line, _ in PLANTED)


@pytest.mark.parametrize("line, secret", PLANTED, ids=[line[:24] for line, _ in PLANTED])
def test_each_known_shape_is_masked(line, secret):
    masked = redact(line)
    assert secret not in masked and MARKER in masked
    assert masked.count("\n") == line.count("\n"), "line numbers stay where they were"


@pytest.mark.parametrize("text", [
    "NVIDIA-SMI 550.54.14   Driver Version: 550.54.14   CUDA Version: 12.4",
    "GPU 0: NVIDIA A100-SXM4-80GB (UUID: GPU-5f3e1c2a-1b2c-3d4e-5f60-718293a4b5c6)",
    "MIG-3c5d7e9f-1a2b-3c4d-5e6f-7a8b9c0d1e2f",
    "/usr/local/lib/python3.10/dist-packages/torch/lib/libtorch_cuda.so",
    r"C:\Users\marco\anaconda3\envs\dl\Lib\site-packages\torch\lib\cudnn_ops_infer64_8.dll",
    "torch git version: 2236df1770800ffea5697b11b0bb0d910b2e59e1",
    "PWD=/home/me/project", "open /etc/passwd: permission denied", "tokenize.TokenError: EOF in multi-line statement",
    "max_tokens: 512", "--max-new-tokens 512", "ssh://git@github.com/org/repo.git", "http://localhost:8080/v1/models",
    "pip install torch --index-url https://download.pytorch.org/whl/cu124",
    "docker run --gpus all -e NVIDIA_VISIBLE_DEVICES=all nvcr.io/nvidia/pytorch:24.05-py3",
    "NVIDIA_REQUIRE_CUDA=cuda>=12.4 brand=tesla,driver>=470,driver<471",
    "RuntimeError: CUDA error: no kernel image is available for execution on the device",
    "Key: Value", "primary key", "the api key is missing", "KeyError: 'model'",
    # Thrust's errors name its algorithm: sort_by_key, unique_by_key
    "RuntimeError: unique_by_key: failed on 2nd step: cudaErrorNoKernelImageForDevice: no kernel image is available",
    "https://forums.developer.nvidia.com/t/cuda-10-2-on-linux-listing-devices-gives-error-999/113151/2",
])
def test_what_triage_needs_stays(text):
    assert redact(text) == text


def test_real_reports_are_left_alone():
    changed = [text[:80] for text in pasted_samples() if redact(text) != text]
    assert not changed


def test_json_stays_json():
    data = {"text": ALL_SECRETS, "env": {line.split("=")[0]: line for line, _ in PLANTED if "=" in line}}
    masked = redact(json.dumps(data, ensure_ascii=False))
    assert not leaked(masked)
    json.loads(masked)
    indented = redact(json.dumps(data, indent=2))
    assert not leaked(indented)
    json.loads(indented)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["", "-v"])
def test_triage_of_a_paste_full_of_secrets(cli: Worker, tmp_path: Path, fmt, verbose):
    sample = pasted_samples()[0]
    path = tmp_path / "issue.txt"
    path.write_text(ALL_SECRETS + "\n" + sample + "\n" + ALL_SECRETS, encoding="utf-8")
    outcome = cli.run(["triage", str(path), "--format", fmt, *verbose])
    assert not outcome.problems(), outcome.describe()
    assert not leaked(outcome.stdout + outcome.stderr)
    plain = tmp_path / "plain.txt"
    plain.write_text(sample, encoding="utf-8")
    reference = cli.run(["triage", str(plain), "--format", "json"])
    if fmt == "json":  # the secrets changed nothing triage concluded
        codes = [f["code"] for f in json.loads(outcome.stdout)["findings"]]
        assert codes[:3] == [f["code"] for f in json.loads(reference.stdout)["findings"]][:3]


@pytest.fixture(scope="module")
def secret_snapshot(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A saved snapshot whose free-text fields carry secrets (as a hand-edited or foreign one may)."""
    data = json.loads(SNAPSHOTS[0].read_text())
    data["container"]["env"] = {f"VAR_{index}": line for index, (line, _) in enumerate(PLANTED)}
    data["container"]["env"]["HF_TOKEN"] = PLANTED[0][1]
    data["nvml"]["error_message"] = PLANTED[18][0]
    data["probe_errors"] = [{"probe": "nvml", "kind": "error", "message": ALL_SECRETS, "code": None, "seconds": 0.1}]
    data["platform"]["python_executable"] = "/home/u/.venv/bin/python " + PLANTED[19][0]
    path = tmp_path_factory.mktemp("secret-snapshot") / "snapshot.json"
    path.write_text(json.dumps(data))
    return str(path)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "prometheus"])
@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["", "-v"])
def test_doctor_of_a_snapshot_holding_secrets(cli: Worker, secret_snapshot, fmt, verbose):
    outcome = cli.run(["doctor", "--snapshot", secret_snapshot, "--format", fmt, *verbose])
    assert not outcome.problems(), outcome.describe()
    assert outcome.stdout and not leaked(outcome.stdout + outcome.stderr)
    if fmt == "json":
        assert json.loads(outcome.stdout)["snapshot"]["container"]["env"]["HF_TOKEN"] == MARKER


# Allow-listed variables (they enter a live snapshot) carrying secrets, and secret variables
# that must never enter at all.
SECRET_ENV = {
    "CUDA_HOME": "https://deploy:Idx-Pa55word@cuda.example/cuda-12.4",
    "PYTORCH_CUDA_ALLOC_CONF": "expandable_segments:True,api_key=" + PLANTED[0][1],
    "NVIDIA_REQUIRE_TOKEN": PLANTED[4][1],
    "CUDACHECK_NOTE": "DATABASE_URL=postgres://trainer:Pg-S3cret-Pw@db.internal:5432/runs",
    "HF_TOKEN": PLANTED[1][1], "WANDB_API_KEY": PLANTED[2][1], "AWS_SECRET_ACCESS_KEY": PLANTED[9][1],
}


@pytest.mark.parametrize("argv", [
    ["snapshot", "--level", "quick"], ["doctor", "--format", "json", "-v"], ["doctor", "-v"],
    ["doctor", "--format", "markdown", "-v"], ["doctor", "--format", "prometheus"], ["health"],
], ids=lambda argv: " ".join(argv))
def test_live_commands_with_secrets_in_the_environment(cli: Worker, argv):
    outcome = cli.run(argv, env=SECRET_ENV)
    assert not outcome.problems(), outcome.describe()
    assert not leaked(outcome.stdout + outcome.stderr)
    if argv[0] == "snapshot":
        env = json.loads(outcome.stdout)["container"]["env"]
        assert env["CUDA_HOME"] == f"https://deploy:{MARKER}@cuda.example/cuda-12.4"
        assert "HF_TOKEN" not in env


@pytest.mark.parametrize("argv", [
    ["explain", PLANTED[0][0]],
    ["doctor", "--snapshot", "https://trainer:Pg-S3cret-Pw@db.internal/x.json"],
    ["triage", "/tmp/" + PLANTED[5][1] + ".txt"],
    ["compat", "gpu", PLANTED[11][1]],
    ["doctor", "--min-compute-capability", PLANTED[5][1]],
])
def test_error_lines_echo_no_secret(cli: Worker, argv):
    outcome = cli.run(argv)
    assert outcome.code == 2 and not outcome.problems(), outcome.describe()
    assert not leaked(outcome.stderr)


def test_config_file_values_are_masked_in_errors(cli: Worker, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(f'[tool.cudacheck]\nmin-gpus = "{PLANTED[0][1]}"\n'
                                             f'min-shm = "{PLANTED[13][1]}"\n')
    outcome = cli.run(["doctor", "--snapshot", str(SNAPSHOTS[0])], cwd=tmp_path)
    assert outcome.code == 2 and not leaked(outcome.stderr), outcome.describe()
    outcome = cli.run(["doctor", "--snapshot", str(SNAPSHOTS[0])], env={"CUDACHECK_MIN_SHM": PLANTED[14][1]})
    assert outcome.code == 2 and not leaked(outcome.stderr), outcome.describe()


def test_saved_snapshot_file_is_masked(cli: Worker, tmp_path: Path):
    target = tmp_path / "snap.json"
    outcome = cli.run(["snapshot", "--level", "quick", "-o", str(target)], env=SECRET_ENV)
    assert outcome.code == 0
    assert not leaked(target.read_text())


SECRET = PLANTED[0][1]  # a Hugging Face token


def test_the_not_ready_message_is_masked():
    from cudacheck.errors import NotReadyError
    from cudacheck.report import Finding, Report, summarise

    finding = Finding("CC601", "gpu-required", "no_gpu_visible", "error", f"No GPU for job {SECRET}",
                      remedy=f"export HF_TOKEN={SECRET}")
    message = str(NotReadyError(Report(findings=[finding], summary=summarise([finding]))))
    assert SECRET not in message and MARKER in message and "[CC601]" in message


pytest_plugins = ["pytester"]


def test_the_pytest_plugin_masks_its_header_and_skip_reasons(pytester: pytest.Pytester, tmp_path: Path):
    from cudacheck.serialize import dumps
    from cudacheck.testing import gpu, make_snapshot

    name = f"NVIDIA T4 {SECRET}"  # a hostile or hand-edited snapshot may put anything anywhere
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu(name, "7.5", 15360)], torch="2.4.1+cu124",
                             torch_cuda="12.4")
    path = tmp_path / "node.json"
    path.write_text(dumps(snapshot), encoding="utf-8")
    pytester.makepyfile("import pytest\n\n@pytest.mark.cuda(min_compute_capability='8.0')\n"
                        "def test_needs_ampere():\n    pass\n")
    result = pytester.runpytest("--cudacheck-report", f"--cudacheck-snapshot={path}", "-rs")
    result.assert_outcomes(skipped=1)
    out = result.stdout.str()
    assert "GPUs: " in out and "[CC603]" in out  # the header and the skip reason name the GPU …
    assert SECRET not in out and MARKER in out  # … without the secret
