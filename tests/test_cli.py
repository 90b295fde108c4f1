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


def test_doctor_on_this_machine_reads_well():
    result = run("doctor")
    assert result.returncode in (0, 1), result.stderr
    assert "NVIDIA driver" in result.stdout and "PyTorch build" in result.stdout
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith(("No issues found", "No errors", "1 error")) or "error" in last
    assert "Traceback" not in result.stderr


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


def test_saved_report_replays_too(tmp_path):
    report = tmp_path / "report.json"
    report.write_text(run("doctor", "--format", "json").stdout)
    assert run("doctor", "--snapshot", str(report)).returncode in (0, 1)


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


def test_pyproject_requirements_apply(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.cudacheck]\nrequire-gpu = true\n")
    result = run("doctor", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1  # no GPU on this machine
    report = json.loads(result.stdout)
    assert report["policy"] == {"require_gpu": True}
    assert report["findings"][0]["category"] == "no_gpu_visible"


def test_require_gpu_flag_and_strict(tmp_path):
    assert run("doctor", "--require-gpu").returncode == 1


def test_plain_output_without_tty_or_utf8():
    env = dict(os.environ, PYTHONIOENCODING="ascii")
    result = run("doctor", env=env)
    assert result.returncode in (0, 1)
    assert "\x1b[" not in result.stdout
    result.stdout.encode("ascii")  # ASCII marks when the terminal cannot encode ✓
    assert "[ok]" in result.stdout or "[x]" in result.stdout or "[!]" in result.stdout


def test_markdown_format():
    result = run("doctor", "--format", "markdown")
    assert result.stdout.startswith("### cudacheck:") and "| Layer | Observed |" in result.stdout


def test_unknown_option_is_usage_error():
    assert run("doctor", "--bogus").returncode == 2
