"""Every input that once gave a traceback or a wrong exit status, as a named test. (The
process-level cases — closed, full or cut stdout, closed stdin, deleted working folder,
Latin-1 locale — are in test_process_environment.py; wrong API types in test_fuzz_api.py;
secrets in test_redaction.py.)"""
from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from fuzz_data import SNAPSHOTS
from fuzz_harness import Outcome, Worker

SNAPSHOT = str(SNAPSHOTS[0])


def refused(outcome: Outcome, *words: str, code: int = 2) -> None:
    """Exit ``code`` with one ``cudacheck: error:`` line holding every word."""
    assert not outcome.problems(), outcome.describe()
    assert outcome.code == code, outcome.describe()
    for word in words:
        assert word in outcome.stderr, outcome.describe()


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e308", "1e309", "0", "-1", "3601"])
@pytest.mark.parametrize("command", [["doctor"], ["snapshot", "--level", "quick"]])
def test_timeout_out_of_range_is_refused(cli: Worker, command, value):
    refused(cli.run([*command, "--timeout", value]), "--timeout", "at most 3600")


@pytest.mark.parametrize("value", ["inf", "nan", "1e308", "-1"])
def test_health_timeout_out_of_range_is_unhealthy_with_one_line(cli: Worker, value):
    refused(cli.run(["health", "--timeout", value]), "--timeout", code=1)


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e308", "-5", "-5.5", '"-5"', '"inf"'])
def test_pyproject_size_out_of_range_is_refused(cli: Worker, tmp_path: Path, value):
    (tmp_path / "pyproject.toml").write_text(f"[tool.cudacheck]\nmin-gpu-memory = {value}\n")
    refused(cli.run(["doctor", "--snapshot", SNAPSHOT], cwd=tmp_path), "pyproject.toml", "min-gpu-memory")
    refused(cli.run(["health"], cwd=tmp_path), "min-gpu-memory", code=1)


def test_negative_gpu_memory_is_refused_in_every_source(cli: Worker, tmp_path: Path):
    refused(cli.run(["doctor", "--snapshot", SNAPSHOT, "--min-gpu-memory", "-5"]), "min_gpu_memory")
    refused(cli.run(["doctor", "--snapshot", SNAPSHOT], env={"CUDACHECK_MIN_GPU_MEMORY": "-5"}),
            "CUDACHECK_MIN_GPU_MEMORY")
    (tmp_path / "pyproject.toml").write_text("[tool.cudacheck]\nmin-gpu-memory = -5\n")
    refused(cli.run(["doctor", "--snapshot", SNAPSHOT], cwd=tmp_path), "min-gpu-memory")
    refused(cli.run(["health", "--min-shm", "-5"]), "min_shm", code=1)


def write_snapshot(tmp_path: Path, text: str) -> str:
    path = tmp_path / "snapshot.json"
    path.write_text(text)
    return str(path)


def test_snapshot_with_a_10000_digit_integer(cli: Worker, tmp_path: Path):
    data = json.loads(Path(SNAPSHOT).read_text())
    text = json.dumps(data).replace('"schema_version": 1', '"schema_version": ' + "9" * 10000, 1)
    refused(cli.run(["doctor", "--snapshot", write_snapshot(tmp_path, text)]), "10000 digits")


def test_snapshot_nested_100000_deep(cli: Worker, tmp_path: Path):
    text = '{"schema_version": 1, "nvml": ' + "[" * 100_000 + "]" * 100_000 + "}"
    refused(cli.run(["doctor", "--snapshot", write_snapshot(tmp_path, text)]), "nested")
    text = '{"schema_version": 1, "nvml": {}, "container": {"env": ' + '{"a": ' * 40 + "1" + "}" * 42
    refused(cli.run(["doctor", "--snapshot", write_snapshot(tmp_path, text)]), "nested deeper than 32")


@pytest.mark.parametrize("where", ["nvml", "torch", "container", "platform", "nvml.gpus", "nvml.gpus.0",
                                   "container.env", "container.shm", "libraries", "deep"])
@pytest.mark.parametrize("value", [[], [1], "text", None, 0, True])
def test_snapshot_wrong_shape(cli: Worker, tmp_path: Path, where, value):
    data = json.loads(Path(SNAPSHOT).read_text())
    node = data
    *parents, last = where.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    outcome = cli.run(["doctor", "--snapshot", write_snapshot(tmp_path, json.dumps(data))])
    assert not outcome.problems(), outcome.describe()
    if outcome.code == 2:
        assert "invalid snapshot at" in outcome.stderr
    else:  # null is "unknown" where a field is optional, and a GPU list may be empty
        assert (value is None or (where == "nvml.gpus" and value == [])) and outcome.code in (0, 1), \
            outcome.describe()


@pytest.mark.parametrize("text, words", [
    ("[]", ["expected a JSON object, got an array"]),
    ('"snapshot"', ["got a string"]),
    ("null", ["got null"]),
    ('{"snapshot": [1], "findings": []}', ["the report's snapshot is an array"]),
    ('{"schema_version": 1, "nvml": {}, "timings": {"x": NaN}}', ["NaN"]),
    ('{"schema_version": 1, "nvml": {"gpus": [{"memory_total_mib": 1e400}]}}', ["refused"]),
    ('{"schema_version": "1", "nvml": {}}', ["schema_version '1' is not supported"]),
    ('{"schema_version": true, "nvml": {}}', ["schema_version True is not supported"]),
])
def test_snapshot_that_is_no_snapshot(cli: Worker, tmp_path: Path, text, words):
    refused(cli.run(["doctor", "--snapshot", write_snapshot(tmp_path, text)]), *words)


@pytest.mark.parametrize("content, words", [
    ("tool.cudacheck = 5\n", ["must be a table, not a number"]),
    ("[tool]\ncudacheck = [1, 2]\n", ["must be a table, not an array"]),
    ('[tool]\ncudacheck = "strict"\n', ["must be a table, not a string"]),
    ("tool = {cudacheck = true}\n", ["must be a table, not a boolean"]),
    ("[[tool.cudacheck]]\nmin-gpus = 1\n", ["must be a table, not an array"]),
    ("[tool.cudacheck]\nmin-gpus = 1.5\n", ["min-gpus"]),
    ("[tool.cudacheck]\nfeatures = 5\n", ["features"]),
    ("[tool.cudacheck]\nmin-compute-capability = [8]\n", ["min-compute-capability"]),
    ("[tool.cudacheck]\nmin-gpus = " + "[" * 5000 + "\n", ["not valid TOML"]),
])
def test_tool_cudacheck_of_the_wrong_type(cli: Worker, tmp_path: Path, content, words):
    (tmp_path / "pyproject.toml").write_text(content)
    refused(cli.run(["doctor", "--snapshot", SNAPSHOT], cwd=tmp_path), "pyproject.toml", *words)


@pytest.mark.parametrize("data, words", [
    (b"[tool.cudacheck]\nrequire-gpu = true\n# caf\xe9\n", ["not UTF-8"]),
    (codecs.BOM_UTF16_LE + "[tool.cudacheck]\nrequire-gpu = true\n".encode("utf-16-le"), ["UTF-16"]),
    ("[tool.cudacheck]\nrequire-gpu = true\n".encode("utf-16-le"), ["UTF-16"]),
    (codecs.BOM_UTF8 + b"[tool.cudacheck]\nrequire-gpu = true\n", ["byte-order mark"]),
], ids=["latin-1 byte", "utf-16 with BOM (PowerShell)", "utf-16 without BOM", "utf-8 with BOM"])
def test_pyproject_that_is_not_utf8_is_refused_not_ignored(cli: Worker, tmp_path: Path, data, words):
    (tmp_path / "pyproject.toml").write_bytes(data)
    refused(cli.run(["doctor", "--snapshot", SNAPSHOT], cwd=tmp_path), "pyproject.toml", *words)
    refused(cli.run(["health"], cwd=tmp_path), "pyproject.toml", code=1)


def test_pyproject_not_utf8_without_cudacheck_is_none_of_its_business(cli: Worker, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_bytes(b'[project]\nname = "caf\xe9"\n')
    outcome = cli.run(["doctor", "--snapshot", SNAPSHOT], cwd=tmp_path)
    assert not outcome.problems() and outcome.code in (0, 1), outcome.describe()


def test_requirements_in_pyproject_still_apply(cli: Worker, tmp_path: Path):
    """The refusals above must not have switched the table off: a valid one still applies."""
    (tmp_path / "pyproject.toml").write_text("[tool.cudacheck]\nmin-gpus = 64\n")
    outcome = cli.run(["doctor", "--snapshot", SNAPSHOT, "--format", "json"], cwd=tmp_path)
    assert outcome.code == 1 and json.loads(outcome.stdout)["policy"] == {"min_gpus": 64}


def test_empty_snapshot_path_is_refused_instead_of_probing(cli: Worker):
    refused(cli.run(["doctor", "--snapshot", ""]), "--snapshot: empty file name")


def test_empty_output_path_is_refused_instead_of_printing(cli: Worker):
    outcome = cli.run(["snapshot", "--level", "quick", "-o", ""])
    refused(outcome, "--output: empty file name")
    assert outcome.stdout == ""


def test_output_file_is_written(cli: Worker, tmp_path: Path):
    target = tmp_path / "snap.json"
    outcome = cli.run(["snapshot", "--level", "quick", "-o", str(target)])
    assert outcome.code == 0 and outcome.stdout == ""
    assert json.loads(target.read_text())["level"] == "quick"


@pytest.mark.parametrize("argv", [["explain", "\udcff\udcfe"], ["triage", "/nonexistent/\udcff.txt"],
                                  ["doctor", "--snapshot", "/nonexistent/\udcff.json"],
                                  ["compat", "gpu", "\udcff"]])
def test_undecodable_argument_bytes(cli: Worker, argv):
    """argv bytes that are not UTF-8 reach Python as lone surrogates; echoing them back must
    not fail to encode."""
    outcome = cli.run(argv)
    assert not outcome.problems(), outcome.describe()
    assert outcome.code == 2


@pytest.mark.parametrize("argv", [[], ["compat"]], ids=["cudacheck", "cudacheck compat"])
def test_a_bare_group_shows_its_help(cli: Worker, argv):
    outcome = cli.run(argv)
    assert outcome.code in (0, 2) and not outcome.escaped
    assert "Usage:" in outcome.stdout + outcome.stderr and "Traceback" not in outcome.stderr


def test_triage_of_an_oom_line_with_long_number_runs(cli: Worker, tmp_path: Path):
    """Found by the fuzz suite: the out-of-memory signature backtracked cubically over long
    digit runs (an 8 kB line took minutes). It must answer like any other line."""
    line = ("torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU "
            + "0" * 4000 + " has a total capacity of " + "7" * 4000 + " of which 1.5 GiB is free.")
    path = tmp_path / "oom.txt"
    path.write_text(line + "\n")
    outcome = cli.run(["triage", str(path), "--format", "json"])
    assert not outcome.problems(), outcome.describe()
    assert outcome.code in (0, 1)
