"""Healthy reports a naive checker alarms on: what triage may warn about but must not call an error, next to the
same wording with the evidence that does make it an error. Texts written here in the style of real reports."""
import pytest

from paste_findings import problems


def errors(text):
    return [f for f in problems(text) if f.severity == "error"]


@pytest.mark.parametrize("text", [
    # the shell's bare "Bus error": shared memory is the usual cause, but nothing here ties it to it
    "$ python convert_checkpoint.py\nBus error (core dumped)",
    # a GPU request on a host the report says has no NVIDIA GPU: nothing to repair, the request is the mistake
    "docker: Error response from daemon: could not select device driver \"nvidia\" with capabilities: [[gpu]].\n"
    "This server has no GPU, I just want to run the CPU version.",
    # no NVIDIA driver on a machine without an NVIDIA GPU
    "RuntimeError: Found no NVIDIA driver on your system.\nI'm running this on a VPS without a GPU.",
])
def test_healthy_wording_is_no_error(text):
    assert errors(text) == []


@pytest.mark.parametrize("text, category", [
    ("RuntimeError: DataLoader worker (pid 4721) is killed by signal: Bus error.", "shm_too_small"),
    ("docker run --rm -it trainer:latest python train.py\nBus error (core dumped)", "shm_too_small"),
    ("docker: Error response from daemon: could not select device driver \"nvidia\" with capabilities: [[gpu]].",
     "no_gpu_visible"),
    ("RuntimeError: Found no NVIDIA driver on your system.\nGPU: RTX 3060, Ubuntu 22.04", "driver_not_loaded"),
])
def test_the_same_wording_with_evidence_is_an_error(text, category):
    found = errors(text)
    assert found and found[0].category == category, found


def test_a_bare_bus_error_is_still_named_as_a_warning():
    found = problems("Bus error (core dumped)")
    assert found and found[0].category == "shm_too_small" and found[0].severity == "warning"
