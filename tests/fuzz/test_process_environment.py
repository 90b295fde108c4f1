"""The process cudacheck is started in, as real processes: stdout closed, full or cut
(``| head -c 10``), stdin closed, the working folder deleted, a Latin-1 locale, a hostile
LD_LIBRARY_PATH, files that cannot be read. Whatever happens: no traceback, and the
exit status and stderr line of the contract."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import pytest

from fuzz_data import SNAPSHOTS, pasted_samples
from fuzz_harness import Outcome, base_environment

CUDACHECK = [sys.executable, "-m", "cudacheck"]
SNAPSHOT = str(next(path for path in SNAPSHOTS if "rtx5090" in path.name))  # findings with → and ≥


def run(argv: Sequence[str], *, shell: str = "", env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None,
        stdin: Optional[bytes] = b"", stdout=subprocess.PIPE, encoding: str = "utf-8") -> Outcome:
    """Run ``cudacheck argv``; ``shell`` is a redirection applied by /bin/sh (``>&-``, ``<&-``)."""
    command: List[str] = [*CUDACHECK, *argv]
    if shell:
        command = ["/bin/sh", "-c", f'exec "$@" {shell}', "sh", *command]
    environment = {**base_environment(), **(env or {})}
    process = subprocess.run(command, input=stdin, stdout=stdout, stderr=subprocess.PIPE, env=environment,
                             cwd=cwd, timeout=120)
    out = process.stdout.decode(encoding, "replace") if isinstance(process.stdout, bytes) else ""
    return Outcome(list(argv), process.returncode, out, process.stderr.decode(encoding, "replace"))


def assert_kept(outcome: Outcome) -> None:
    assert not outcome.problems(), "; ".join(outcome.problems()) + "\n" + outcome.describe()


@pytest.fixture(scope="module")
def paste(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("paste") / "issue.txt"
    path.write_text("\n\n".join(pasted_samples()[:3]), encoding="utf-8")
    return str(path)


REPORTS = [["doctor", "--snapshot", SNAPSHOT], ["doctor", "--snapshot", SNAPSHOT, "--format", "json"],
           ["rules"], ["schema"], ["explain", "CC201"], ["compat", "plan", "--driver", "535.104.05", "--gpu", "A100"]]


@pytest.mark.parametrize("argv", REPORTS + [["--help"]], ids=lambda argv: " ".join(argv[:3]))
def test_stdout_closed(argv):
    outcome = run(argv, shell=">&-")
    assert_kept(outcome)
    if argv != ["--help"]:
        assert outcome.code == 2 and "cannot write to stdout: it is closed" in outcome.stderr


@pytest.mark.parametrize("argv", REPORTS, ids=lambda argv: " ".join(argv[:3]))
def test_stdout_full(argv):
    with open("/dev/full", "wb") as full:
        outcome = run(argv, stdout=full)
    assert_kept(outcome)
    assert outcome.code == 2 and "No space left on device" in outcome.stderr


@pytest.mark.parametrize("argv", [["schema"], ["rules", "--format", "json"],
                                  ["doctor", "--snapshot", SNAPSHOT, "--format", "json", "-v"]],
                         ids=lambda argv: " ".join(argv[:3]))
def test_reader_stops_after_ten_bytes(argv):
    """``cudacheck … | head -c 10``: the reader goes away; cudacheck ends quietly."""
    process = subprocess.Popen([*CUDACHECK, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=base_environment())
    assert process.stdout is not None and process.stderr is not None
    head = process.stdout.read(10)
    process.stdout.close()
    code = process.wait(timeout=120)
    outcome = Outcome(list(argv), code, head.decode("utf-8", "replace"), process.stderr.read().decode())
    assert_kept(outcome)
    assert code in (0, 1)


def test_health_with_stdout_closed_full_or_cut_still_answers():
    for shell in (">&-", ">/dev/full", "| head -c 3"):
        command = ["/bin/sh", "-c", f'"$@" {shell}', "sh", *CUDACHECK, "health"]
        process = subprocess.run(command, capture_output=True, env=base_environment(), timeout=60)
        outcome = Outcome(["health"], process.returncode if shell != "| head -c 3" else 0,
                          "", process.stderr.decode())
        assert_kept(outcome)
        assert process.returncode in (0, 1), shell


def test_stdin_closed(paste):
    outcome = run(["triage", "-"], shell="<&-")
    assert_kept(outcome)
    assert outcome.code == 2 and "stdin is closed" in outcome.stderr
    assert_kept(run(["doctor", "--snapshot", SNAPSHOT], shell="<&-"))
    assert_kept(run(["health"], shell="<&-"))


@pytest.mark.parametrize("argv, code", [
    (["doctor", "--snapshot", SNAPSHOT], (0, 1)),
    (["health"], (0, 1)),
    (["snapshot", "--level", "quick"], (0,)),
    (["snapshot", "--level", "quick", "-o", "relative.json"], (2,)),
    (["triage", "PASTE"], (0, 1)),
], ids=lambda value: " ".join(value[:2]) if isinstance(value, list) else None)
def test_working_folder_deleted(tmp_path, paste, argv, code):
    gone = tmp_path / "gone"
    gone.mkdir()
    argv = [paste if part == "PASTE" else part for part in argv]
    command = ["/bin/sh", "-c", 'cd "$1" && rmdir "$1" && shift && exec "$@"', "sh", str(gone), *CUDACHECK, *argv]
    process = subprocess.run(command, capture_output=True, env=base_environment(), timeout=120)
    outcome = Outcome(argv, process.returncode, process.stdout.decode(), process.stderr.decode())
    assert_kept(outcome)
    assert outcome.code in code


@pytest.fixture(scope="module")
def latin1(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    """An ISO-8859-1 locale: compiled with localedef into a private LOCPATH when the system has
    none; PYTHONIOENCODING=latin-1 where localedef is missing."""
    env = {"LANG": "en_US.ISO-8859-1", "LC_ALL": "en_US.ISO-8859-1"}
    probe = [sys.executable, "-c", "import sys; print(sys.stdout.encoding)"]
    if subprocess.run(probe, capture_output=True, text=True, env={**os.environ, **env}).stdout.strip().lower() \
            in ("iso8859-1", "latin-1", "iso-8859-1"):
        return env
    localedef = shutil.which("localedef")
    if localedef:
        folder = tmp_path_factory.mktemp("locale")
        subprocess.run([localedef, "-i", "en_US", "-f", "ISO-8859-1", str(folder / "en_US.ISO-8859-1")],
                       capture_output=True, timeout=120)
        env["LOCPATH"] = str(folder)
        check = subprocess.run(probe, capture_output=True, text=True, env={**os.environ, **env})
        if check.stdout.strip().lower() in ("iso8859-1", "latin-1", "iso-8859-1"):
            return env
    return {"PYTHONIOENCODING": "latin-1"}


@pytest.mark.parametrize("argv", REPORTS + [
    ["doctor", "--snapshot", SNAPSHOT, "--format", "markdown", "-v"], ["health"], ["--help"],
    ["explain", "日本"], ["triage", "PASTE"], ["triage", "PASTE", "--format", "json"],
], ids=lambda argv: " ".join(argv[:4]))
def test_latin1_locale(latin1, paste, argv):
    argv = [paste if part == "PASTE" else part for part in argv]
    outcome = run(argv, env=latin1, encoding="latin-1")
    assert_kept(outcome)
    if "json" in argv or argv[:1] == ["schema"]:
        reference = run(argv)  # the same command in this UTF-8 environment
        assert without_timings(json.loads(outcome.stdout)) == without_timings(json.loads(reference.stdout)), \
            "the escaped JSON holds the same values"


def without_timings(data):
    if isinstance(data, dict):
        return {key: without_timings(value) for key, value in data.items() if key != "timings"}
    if isinstance(data, list):
        return [without_timings(value) for value in data]
    return data


@pytest.fixture(scope="module")
def broken_libraries(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A folder whose CUDA libraries are not ELF files at all."""
    folder = tmp_path_factory.mktemp("broken-libs")
    for name in ("libnvidia-ml.so.1", "libcuda.so.1", "libcudart.so.12", "libcudnn.so.9", "libnccl.so.2"):
        (folder / name).write_bytes(b"this is not a shared library\n" * 10)
    return str(folder)


@pytest.mark.parametrize("value", [
    "BROKEN", "BROKEN:::", ":" * 50, ":".join(f"/nonexistent/{n}" for n in range(3000)),
    "/tmp/new\nline:/tmp/ünïcödé:$ORIGIN/../lib:%s%n", "relative/path",
], ids=["garbage-libs", "empty-entries", "colons", "3000-entries", "odd-characters", "relative"])
def test_hostile_ld_library_path(broken_libraries, value):
    env = {"LD_LIBRARY_PATH": value.replace("BROKEN", broken_libraries)}
    for argv in (["health"], ["snapshot", "--level", "standard", "--timeout", "20"]):
        outcome = run(argv, env=env)
        assert_kept(outcome)
        assert outcome.code in (0, 1)


def test_unreadable_files(tmp_path, paste):
    for argv, message in (
        (["doctor", "--snapshot", "/proc/self/mem"], "cannot read"),
        (["doctor", "--snapshot", str(tmp_path)], "is a directory"),
        (["triage", "/proc/self/mem"], "cannot read"),
        (["triage", str(tmp_path)], "is a directory"),
        (["snapshot", "--level", "quick", "-o", str(tmp_path)], "is a directory"),
        (["snapshot", "--level", "quick", "-o", "/proc/version"], "cannot write"),
    ):
        outcome = run(argv)
        assert_kept(outcome)
        assert outcome.code == 2 and message in outcome.stderr, outcome.describe()
    project = tmp_path / "project"
    (project / "pyproject.toml").mkdir(parents=True)  # a folder where the file should be: no config
    assert_kept(run(["doctor", "--snapshot", SNAPSHOT], cwd=str(project)))


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode")
def test_files_without_read_permission(tmp_path):
    locked = tmp_path / "locked.json"
    locked.write_text(Path(SNAPSHOT).read_text())
    locked.chmod(0)
    outcome = run(["doctor", "--snapshot", str(locked)])
    assert_kept(outcome)
    assert outcome.code == 2 and "permission" in outcome.stderr.lower()
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.cudacheck]\nrequire-gpu = true\n")
    (project / "pyproject.toml").chmod(0)
    outcome = run(["doctor", "--snapshot", SNAPSHOT], cwd=str(project))
    assert_kept(outcome)
    assert outcome.code == 2 and "pyproject.toml" in outcome.stderr
