"""`cudacheck triage FILE|-`: formats, exit codes, unreadable input."""
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cudacheck.cli import _build
from triage_samples import SAMPLES


@pytest.fixture(scope="module")
def cli():
    return _build()


def run(cli, args, stdin=None):
    return CliRunner().invoke(cli, ["triage", *args], input=stdin, catch_exceptions=False)


def write(tmp_path, name, data):
    path = tmp_path / name
    (path.write_bytes if isinstance(data, bytes) else path.write_text)(data)
    return str(path)


def test_error_exit_1_and_text_output(cli, tmp_path):
    result = run(cli, [write(tmp_path, "issue.txt", SAMPLES["smi_old_banner"].text)])
    assert result.exit_code == 1
    assert "CC210" in result.output and "pip install torch" in result.output


def test_healthy_exit_0(cli, tmp_path):
    result = run(cli, [write(tmp_path, "ok.txt", SAMPLES["invalid_ordinal"].text)])
    assert result.exit_code == 0


def test_strict_counts_warnings(cli, tmp_path):
    path = write(tmp_path, "w.txt", SAMPLES["aarch64_plain_pip"].text)
    assert run(cli, [path]).exit_code == 0
    assert run(cli, [path, "--strict"]).exit_code == 1


def test_json_format(cli, tmp_path):
    result = run(cli, [write(tmp_path, "i.txt", SAMPLES["docker_no_gpus"].text), "--format", "json"])
    data = json.loads(result.output)
    assert data["snapshot"]["source"] == "pasted"
    assert data["findings"][0]["category"] == "no_gpu_visible"
    assert data["findings"][0]["certainty"] in ("likely", "possible", "confirmed")
    assert any(o["signature"] == "docker_run" for o in data["snapshot"]["observations"])


def test_markdown_is_ready_to_post(cli, tmp_path):
    result = run(cli, [write(tmp_path, "i.txt", SAMPLES["nccl_symbol"].text), "--format", "markdown"])
    assert result.output.startswith("### cudacheck:")
    assert "nccl_mismatch" in result.output and "cudacheck doctor --format markdown" in result.output


def test_stdin(cli):
    result = run(cli, ["-"], stdin="RuntimeError: No CUDA GPUs are available\n")
    assert result.exit_code == 1 and "CC804" in result.output


def test_empty_input_is_answered(cli, tmp_path):
    result = run(cli, [write(tmp_path, "empty.txt", "")])
    assert result.exit_code == 0
    assert "Nothing recognised" in result.output and "CC891" in result.output


def test_nothing_recognised(cli, tmp_path):
    result = run(cli, [write(tmp_path, "p.txt", "Thanks for the great project!\nIt does not work.\n")])
    assert result.exit_code == 0 and "Nothing recognised" in result.output


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary\x00" * 100, bytes(range(256)) * 64,
                                  b"\xff\xfe\xfd\xfc\x81\x82\x83\x84" * 4000])
def test_binary_input_exit_2(cli, tmp_path, data):
    result = CliRunner().invoke(cli, ["triage", write(tmp_path, "x.bin", data)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_missing_file_and_directory_exit_2(cli, tmp_path):
    assert CliRunner().invoke(cli, ["triage", str(tmp_path / "nope.txt")]).exit_code == 2
    assert CliRunner().invoke(cli, ["triage", str(tmp_path)]).exit_code == 2


def test_utf16_powershell_redirect(cli, tmp_path):
    text = ("PyTorch version: 2.1.0+cpu\r\nGPU models and configuration: GPU 0: NVIDIA GeForce RTX 3060\r\n"
            "AssertionError: Torch not compiled with CUDA enabled\r\n")
    result = run(cli, [write(tmp_path, "env.txt", text.encode("utf-16"))])
    assert result.exit_code == 1 and "cpu_only_torch" in CliRunner().invoke(
        cli, ["triage", str(tmp_path / "env.txt"), "--format", "json"]).output


def test_legacy_encoding_around_english_lines(cli, tmp_path):
    data = "Fehler beim Ausführen:\n".encode("cp1252") + b"RuntimeError: No CUDA GPUs are available\n" + \
        "Grüße".encode("cp1252")
    result = run(cli, [write(tmp_path, "de.txt", data)])
    assert result.exit_code == 1 and "CC804" in result.output


def test_large_input_is_cut_and_said(cli, tmp_path):
    filler = ("epoch 1 step 10 loss 0.123 lr 0.0001 grad_norm 1.5\n" * 2000)
    text = filler * 60 + "RuntimeError: CUDA error: no kernel image is available for execution on the device\n"
    assert len(text) > 5 * 2**20
    result = run(cli, [write(tmp_path, "big.txt", text), "--format", "json"])
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert any(o["signature"] == "input_truncated" for o in data["snapshot"]["observations"])
    assert data["findings"][0]["code"] == "CC805"  # the tail was read


def test_console_script_registers_triage():
    result = subprocess.run([sys.executable, "-m", "cudacheck", "triage", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "--format" in result.stdout


def test_triage_dash_at_a_terminal_says_how_to_end_the_paste():
    import os
    import pty
    import subprocess
    import sys

    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "cudacheck", "triage", "-"], stdin=terminal,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        os.write(controller, b"RuntimeError: Found no NVIDIA driver on your system.\n\x04")
        out, err = process.communicate(timeout=60)
    finally:
        os.close(controller)
        os.close(terminal)
    assert "Paste the report, then press Ctrl-D" in err and "Traceback" not in err
    assert "driver" in out.lower()


def test_triage_dash_from_a_pipe_prints_no_prompt():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "cudacheck", "triage", "-"], capture_output=True, text=True,
                            input="RuntimeError: Found no NVIDIA driver on your system.\n", timeout=60)
    assert "Paste the report" not in result.stderr and result.stdout
