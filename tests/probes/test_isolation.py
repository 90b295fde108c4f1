"""Probe children that miss their deadline are killed and reaped: none outlives cudacheck
(``cudacheck health --timeout 0.5 | cat`` ends on a hung driver), and the one a kernel
will not let die is reported as such."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from typing import List

import pytest

from cudacheck.probes import driver, isolation
from cudacheck.rules.engine import check
from cudacheck.snapshot import Snapshot
from fakes.conftest_fixtures import fake_env, requires_gcc

pytestmark = requires_gcc


def processes_marked(mark: str) -> List[int]:
    """Live processes whose environment holds ``mark`` (children inherit it)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                environ = handle.read()
            with open(f"/proc/{entry}/stat", "rb") as handle:
                state = handle.read().rsplit(b")", 1)[-1].split()[0]
        except OSError:
            continue
        if mark.encode() in environ and state != b"Z":
            found.append(int(entry))
    return found


@pytest.fixture
def hung_driver(make_lib_dir):
    """Environment of a machine whose NVML and cuInit never return; a mark to find its processes."""
    mark = f"CUDACHECK_TEST_MARK_{uuid.uuid4().hex}"
    env = fake_env(make_lib_dir(nvml=True, cuda=True), FAKE_NVML_HANG="1", FAKE_CUDA_HANG="1")
    env[mark] = "1"
    env = {k: v for k, v in env.items() if not k.startswith("CUDACHECK_") or k == mark}
    yield env, mark
    for pid in processes_marked(mark):  # whatever a failing test left behind
        try:
            os.kill(pid, 9)
        except OSError:
            pass


def test_health_piped_through_cat_ends_on_a_hung_driver(hung_driver):
    env, mark = hung_driver
    command = f'"{sys.executable}" -m cudacheck health --timeout 0.5 | cat'
    result = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, env=env, timeout=60)
    assert result.stdout.startswith("unhealthy:"), result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert processes_marked(mark) == [], "no probe child outlives health"


@pytest.mark.parametrize("argv", [["doctor", "--timeout", "1"], ["snapshot", "--level", "quick", "--timeout", "1"]])
def test_cli_piped_through_cat_ends_and_leaves_no_child(hung_driver, argv):
    env, mark = hung_driver
    command = f'"{sys.executable}" -m cudacheck {" ".join(argv)} | cat'
    result = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, env=env, timeout=60)
    assert result.stdout and "Traceback" not in result.stderr
    assert processes_marked(mark) == []


def test_library_caller_with_spawned_children_leaves_none(hung_driver):
    env, mark = hung_driver
    code = "import cudacheck; s = cudacheck.collect('quick', timeout=1); print(s.nvml.status)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.stdout.strip() == "timeout", result.stdout + result.stderr
    assert processes_marked(mark) == []


def test_a_child_the_kernel_keeps_is_reported(monkeypatch, tmp_path):
    """A child in uninterruptible sleep survives SIGKILL. That cannot be staged without a
    wedged driver, so the reaping step is made to fail; the child itself is real."""
    monkeypatch.setattr(isolation, "_PREFER_FORK", False)
    script = tmp_path / "sleeper.py"
    script.write_text("import time\ntime.sleep(60)\n")
    monkeypatch.setattr(isolation, "CHILD_DIR", str(tmp_path))
    child = isolation.Child("sleeper.py")
    real_reap = isolation.Child._reap
    monkeypatch.setattr(isolation.Child, "_reap", lambda self, deadline: False)
    monkeypatch.setattr(isolation, "process_state", lambda pid: "D")
    errors: list = []
    facts = driver.nvml_facts(child, time.monotonic() + 0.2, errors)
    assert facts.status == "timeout"
    assert f"process {child.pid} could not be killed" in errors[0].message
    assert "may outlive cudacheck" in errors[0].message
    snapshot = Snapshot(source="file", nvml=facts, probe_errors=errors)
    report = check(snapshot)
    finding = next(f for f in report.findings if f.code == "CC109")
    assert "may outlive cudacheck" in finding.detail
    assert child.pid in isolation._RUNNING, "a survivor stays listed, for stop_all at exit"
    assert real_reap(child, time.monotonic() + 5), "the real child was killed after all"
    isolation._RUNNING.pop(child.pid, None)


def test_stop_all_kills_and_reaps_every_running_child(monkeypatch, tmp_path):
    monkeypatch.setattr(isolation, "_PREFER_FORK", False)
    (tmp_path / "sleeper.py").write_text("import time\ntime.sleep(60)\n")
    monkeypatch.setattr(isolation, "CHILD_DIR", str(tmp_path))
    children = [isolation.Child("sleeper.py") for _ in range(3)]
    assert all(child.pid in isolation._RUNNING for child in children)
    isolation.stop_all()
    for child in children:
        assert child.process is not None and child.process.returncode == -9
        assert child.pid not in isolation._RUNNING


def test_process_state_reads_proc():
    assert isolation.process_state(os.getpid()) in ("R", "S")
    assert isolation.process_state(2**22 + 12345) is None
