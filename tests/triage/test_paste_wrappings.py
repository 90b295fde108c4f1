"""A report pasted from a log, a rendered page, a chat or a terminal reads as the plain paste does.

Real pastes arrive with every line prefixed (torchrun's ``[rank0]:``, docker compose's
``app-1  |``, time stamps, vLLM's and Ray's worker prefixes), with HTML entities from a
rendered page, or with typographic quotes from a chat. Readers anchor messages at the
start of a line and match quotes as programs print them, so the document removes these
wrappings once, before any reader runs.
"""
from __future__ import annotations

import json
import textwrap
from typing import Callable, List

import pytest

from cudacheck.triage import triage
from cudacheck.triage.document import (normalise_line, pasted_lines, plain_text, shared_prefixes,
                                      without_shared_prefix)

GPU_TOO_OLD = ("Found GPU0 NVIDIA GeForce GTX 1070 which is of cuda capability 6.1.\n"
               "Minimum and Maximum cuda capability supported by this version of PyTorch is\n"
               "(7.0) - (12.0)")
SHM = ("RuntimeError: unable to write to file </torch_1234_56789_0>: No space left on device (28)\n"
       "ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).")
DRIVER = ("RuntimeError: The NVIDIA driver on your system is too old (found version 11040). Please update your "
          "GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/"
          "index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been "
          "compiled with your version of the CUDA driver.")


def _each_line(prefix: str) -> Callable[[str], str]:
    return lambda text: "\n".join(prefix + line for line in text.split("\n"))


WRAPPINGS = {
    "torchrun rank": _each_line("[rank0]: "),
    "torchrun tee": _each_line("[default3]:"),
    "mpirun tag": _each_line("[1,0]<stderr>:"),
    "compose v2": _each_line("comfyui-1  | "),
    "compose v1": _each_line("web_1    | "),
    "logging": _each_line("2024-05-01 12:00:00,123 - INFO - "),
    "bracketed stamp": _each_line("[2024-05-01 12:00:00] "),
    "kubernetes": _each_line("2024-05-01T12:00:00.123456789Z "),
    "containerd": _each_line("2024-05-01T12:00:00.123456789Z stderr F "),
    "ray worker": _each_line("(RayWorkerWrapper pid=4711) "),
    "vllm": _each_line("ERROR 05-01 12:00:00 [engine.py:123] "),
    "loguru": _each_line("2024-05-01 12:00:00.123 | ERROR    | __main__:main:12 - "),
    "python logging": _each_line("ERROR:root:"),
    "glog": _each_line("E0501 12:00:00.123456  1234 file.cc:12] "),
    "pdsh": _each_line("worker-1: "),
    "buildkit": _each_line("#8 12.34 "),
    "journalctl": _each_line("May 01 12:00:00 gpu-node-3 kernel: "),
    "syslog": _each_line("May  1 12:00:00 host python3[1234]: "),
    "dmesg -T": _each_line("[Wed May  1 12:00:00 2024] "),
    "kubectl --prefix": _each_line("[pod/trainer-0/main] "),
    "markdown list": _each_line("- "),
    "pytest": _each_line("E       "),
    "ray raylet": _each_line("(raylet, ip=10.0.0.3) "),
    "deepspeed": _each_line("[2024-05-01 12:00:00,123] [ERROR] [launch.py:321:sigkill_handler] "),
    "torch c10 log": _each_line("[rank1]:[W0501 12:00:00.123456789 ProcessGroupNCCL.cpp:1250] "),
    "json log": lambda text: json.dumps({"level": "error", "msg": "Traceback:\n" + text}),
    "exception repr": lambda text: "ERROR: " + repr("worker died:\n" + text),
    "html": lambda text: text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"),
    "typographic": lambda text: text.replace("'", "\u2019").replace('"', "\u201c"),
}


def _first(text: str) -> List[str]:
    return [f.category for f in triage(text).findings if f.severity in ("error", "warning")][:1]


@pytest.mark.parametrize("wrapping", sorted(WRAPPINGS))
@pytest.mark.parametrize("text, category", [(GPU_TOO_OLD, "gpu_too_old_for_build"), (SHM, "shm_too_small"),
                                            (DRIVER, "driver_too_old")])
def test_a_wrapped_paste_reads_as_the_plain_one(wrapping: str, text: str, category: str) -> None:
    assert _first(text) == [category]  # the plain paste, as a control
    assert _first(WRAPPINGS[wrapping](text)) == [category]


@pytest.mark.parametrize("line", [
    "torch | 2.1.0",  # a table row: the name is content, not a service
    "| 0  NVIDIA A100-SXM4-80GB  On | 00000000:07:00.0 Off |  0 |",  # nvidia-smi
    "2024-05-01 12:00:00 ERROR: Could not find a version that satisfies the requirement torch",  # pip's level stays
    "0: NVIDIA GeForce RTX 3090",
    "[W socket.cpp:663] [c10d] The client socket has failed to connect",
])
def test_content_that_looks_like_a_prefix_is_kept(line: str) -> None:
    kept = normalise_line(line)
    assert "torch | 2.1.0" in kept or "NVIDIA" in kept or "ERROR: Could not find" in kept or "[c10d]" in kept


def test_plain_text_decodes_entities_and_quotes_only() -> None:
    assert plain_text("unable to write to file &lt;/torch_1&gt;: &quot;x&quot;") == 'unable to write to file </torch_1>: "x"'
    assert plain_text("it\u2019s \u201cTorch not compiled\u201d") == "it's \"Torch not compiled\""
    assert plain_text("R&D team, 5 < 6") == "R&D team, 5 < 6"  # no entity: left as it is
    # an input method's full-width colon and parentheses, typed into a message
    assert plain_text("报错：undefined symbol：ncclCommRegister（found version 11040）") == \
        "报错: undefined symbol: ncclCommRegister(found version 11040)"
    assert plain_text("显卡，驱动") == "显卡，驱动"  # other full-width punctuation stays


def test_escaped_line_breaks_are_undone_only_where_a_line_holds_a_whole_message() -> None:
    assert plain_text('{"msg": "Traceback:\\n  File \\"x.py\\"\\nRuntimeError: \\u663e\\u5361"}') == \
        '{"msg": "Traceback:\n  File "x.py"\nRuntimeError: 显卡"}'
    assert plain_text("\\ud83d\\ude00 a\\nb\\nc") == "\ufffd\ufffd a\nb\nc"  # half of a pair is not printable
    # one escape is not a message's line breaks; a Windows path's folders are not line breaks
    assert plain_text("printf('done\\n')") == "printf('done\\n')"
    assert plain_text("C:\\Users\\nick\\new\\nvidia") == "C:\\Users\\nick\\new\\nvidia"


@pytest.mark.parametrize("text, observation", [
    ("报错：undefined symbol：ncclCommRegister", "nccl_symbol"),
    ("OSError：libcudnn_cnn_infer.so.8：cannot open shared object file：No such file or directory", "cudnn_cannot_load"),
    ("RuntimeError：DataLoader worker （pid 977） is killed by signal：Killed.", "dataloader_killed"),
])
def test_a_message_retyped_with_full_width_punctuation_is_read(text: str, observation: str) -> None:
    from cudacheck.triage import parse
    assert observation in {o.signature.value for o in parse(text).observations}


def _hard_wrap(text: str, width: int) -> str:
    """What a terminal window of ``width`` columns hands over on copy: every longer line cut at the width."""
    return "\n".join(line[i:i + width] for line in text.split("\n") for i in range(0, max(len(line), 1), width))


LONG = (DRIVER + "\n" + "RuntimeError: DataLoader worker (pid 4321) is killed by signal: Bus error. It is possible that "
        "dataloader's workers are out of shared memory. Please try to raise your shared memory limit.\n"
        "ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).")


@pytest.mark.parametrize("width", [80, 120])
def test_a_paste_hard_wrapped_by_a_terminal_reads_as_the_plain_one(width: int) -> None:
    assert _first(LONG) == ["driver_too_old"]
    wrapped = _hard_wrap(LONG, width)
    assert max(len(line) for line in wrapped.split("\n")) == width  # the control: the wrap did cut lines
    assert _first(wrapped) == ["driver_too_old"]
    assert [line for _, line in pasted_lines(wrapped)] == LONG.split("\n")


def test_a_double_spaced_paste_reads_as_the_plain_one() -> None:
    spaced = GPU_TOO_OLD.replace("\n", "\r\r\n") + "\r\r\n\r\r\n\r\r\nI run it in docker"  # Windows' \r\r\n
    assert _first(spaced) == ["gpu_too_old_for_build"]
    assert [line for _, line in pasted_lines(spaced)] == GPU_TOO_OLD.split("\n") + ["", "I run it in docker"]


def test_lines_equal_by_design_are_not_joined() -> None:
    """Rows of an aligned listing (conda list) and a drawn table share one length without being cut."""
    conda = "\n".join(f"{name:<26}{version:<30}{build:<12}pytorch" for name, version, build in [
        ("pytorch", "1.11.0", "py3.8_cpu_0"), ("torchaudio", "0.11.0", "py38_cpu"), ("torchvision", "0.12.0",
                                                                                       "py38_cpu"),
        ("cpuonly", "2.0", "0"), ("pytorch-mutex", "1.0", "cpu")])
    assert len({len(line) for line in conda.split("\n")}) == 1
    assert len(pasted_lines(conda)) == 5
    table = "\n".join(["+" + "-" * 78 + "+", "| NVIDIA-SMI 535.54.03" + " " * 57 + "|", "+" + "=" * 78 + "+",
                        "| 0  NVIDIA A100-SXM4-80GB" + " " * 53 + "|"])
    assert len(pasted_lines(table)) == 4  # nvidia-smi's edges never decide the width


BACKGROUND = """Loading checkpoint shards: 100%|##########| 2/2 [00:03<00:00,  1.62s/it]
/usr/local/lib/python3.10/dist-packages/huggingface_hub/file_download.py:1132: FutureWarning: `resume_download` is deprecated and will be removed in version 1.0.0.
  warnings.warn(
Requirement already satisfied: numpy>=1.17 in /usr/local/lib/python3.10/dist-packages (from transformers) (1.26.4)
/usr/local/lib/python3.10/dist-packages/torchvision/io/image.py:13: UserWarning: Failed to load image Python extension: ''If you don't plan on using image functionality from `torchvision.io`, you can ignore this warning.
  warn(
wandb: Currently logged in as: user. Use `wandb login --relogin` to force relogin
  0%|          | 0/1000 [00:00<?, ?it/s]
"""
"""Lines a working program prints around any failure: progress bars, deprecation notices, pip's "already
satisfied", torchvision.io's warning that names no error."""


@pytest.mark.parametrize("text, category", [(GPU_TOO_OLD, "gpu_too_old_for_build"), (SHM, "shm_too_small"),
                                            (DRIVER, "driver_too_old")])
def test_background_lines_around_a_failure_do_not_change_its_lead(text: str, category: str) -> None:
    assert _first(BACKGROUND + text + "\n" + BACKGROUND) == [category]


def test_background_lines_alone_are_no_finding() -> None:
    assert _first(BACKGROUND) == []


@pytest.mark.parametrize("line, kept", [
    ("torch | 2.1.0", "torch | 2.1.0"),
    ("| 0  NVIDIA A100-SXM4-80GB  On | 00000000:07:00.0 Off |  0 |",
     "| 0  NVIDIA A100-SXM4-80GB  On | 00000000:07:00.0 Off |  0 |"),
    ("2024-05-01 12:00:00 ERROR: Could not find a version", "ERROR: Could not find a version"),  # only the stamp
    ("0: NVIDIA GeForce RTX 3090", "0: NVIDIA GeForce RTX 3090"),
    ("[W socket.cpp:663] [c10d] The client socket has failed to connect",
     "[W socket.cpp:663] [c10d] The client socket has failed to connect"),
    # an INFO line of Python's logging stays marked as one (an extension said to be absent is read from it)
    ("INFO:xformers:A matching Triton is not available", "INFO:xformers:A matching Triton is not available"),
    ("libcudnn_cnn_infer.so.8: cannot open shared object file", "libcudnn_cnn_infer.so.8: cannot open shared object file"),
    ("--- a/setup.py", "--- a/setup.py"),
    ("**kwargs: passed on", "**kwargs: passed on"),
    ("E: Unable to locate package nvidia-driver-535", "E: Unable to locate package nvidia-driver-535"),
    ("E       RuntimeError: CUDA error", "RuntimeError: CUDA error"),  # pytest's failure line
    ("(pid=123) x", "x"),
    ("(model) x", "(model) x"),  # a word in parentheses is content
])
def test_only_the_prefix_itself_is_removed(line: str, kept: str) -> None:
    assert normalise_line(line) == kept


def test_a_line_as_wide_as_the_window_before_a_blank_line_ends_there() -> None:
    """A wrapped paste whose line happens to be exactly one window wide, then a blank line: nothing to join."""
    text = "\n".join(["a" * 120, "b" * 120, "c" * 7, "d" * 120, "", "next paragraph", "e" * 120, "tail"])
    assert [line for _, line in pasted_lines(text)] == \
        ["a" * 120 + "b" * 120 + "c" * 7, "d" * 120, "", "next paragraph", "e" * 120 + "tail"]


def _word_wrapped(text: str, width: int) -> str:
    return "\n".join(textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
                     if len(line) > width else line for line in text.split("\n"))


@pytest.mark.parametrize("text, observation", [
    ('docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].',
     "docker_no_gpu_driver"),
    ("nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.6, please update your driver",
     "container_requirement"),
    ("ImportError: cannot import name '_C' from partially initialized module 'torch'", "torch_c_import"),
    ("node2:4411:4530 [1] NCCL WARN Mismatched NCCL version detected : rank 0 version 21903 rank 1 version 22105",
     "nccl_version_mismatch"),
    ("ValueError: Bfloat16 kernels require a GPU with compute capability >= 8.0", "capability_required"),
])
def test_a_message_word_wrapped_by_an_editor_or_a_mail_client_is_read(text, observation):
    """Wrapped at a word, not at a terminal's width: the line holding the message's first words is read with the
    next one joined on."""
    from cudacheck.triage import parse
    wrapped = _word_wrapped(text, 72)
    assert wrapped != text
    assert observation in {o.signature.value for o in parse(text).observations}  # the plain paste, as a control
    assert observation in {o.signature.value for o in parse(wrapped).observations}


@pytest.mark.parametrize("text, observation", [
    ("RuntimeError: CUDA error: CUDA-capable device(s) is/are busy or unavailable", "devices_unavailable"),
    ("NVIDIA GeForce RTX 5080 with CUDA capability sm_120 is not compatible with the current PyTorch installation.",
     "gpu_not_compatible"),
    ("...compiled with your version of the CUDA driver. (found version 10020)", "driver_found_version"),
])
def test_a_message_whose_phrase_a_word_wrap_split_is_read(text, observation):
    """Wrapped at 60 columns inside the phrase the catalogue looks for ("busy" / "or unavailable"): no line holds
    it whole, so the phrase is found across the line break and the two lines are read as one."""
    from cudacheck.triage import parse
    wrapped = _word_wrapped(text, 60)
    assert not any(line in text and len(line) == len(text) for line in wrapped.split("\n"))
    assert observation in {o.signature.value for o in parse(text).observations}  # the plain paste, as a control
    assert observation in {o.signature.value for o in parse(wrapped).observations}


def test_only_a_phrase_that_crosses_a_line_break_is_a_split_one():
    from cudacheck.triage.document import Document
    document = Document("the devices are busy\nor unavailable today\nbusy or unavailable")
    assert document.lines_spanning("busy or unavailable") == [0]  # line 2 holds it whole: found the usual way
    assert document.lines_spanning("busy") == []  # one word is never split by a wrap
    log = ("x" * 99 + "\n") * 700 + "busy\nor unavailable"  # a log, not a report's wrapped words
    assert Document(log).lines_spanning("busy or unavailable") == []


@pytest.mark.parametrize("text, observation", [
    ("AssertionError: Torch not complied with CUDA enabled", "not_compiled_with_cuda"),
    ("RuntimeError: CUDA error: no kernal image is available for execution on the device", "no_kernel_image"),
    ("RuntimeError: No CUDA GPUs are avaliable", "no_cuda_gpus"),
    ("RuntimeError: CUDA error: no CUDA-capable device is detcted", "no_cuda_device"),
    ("Failed to initialize NVML: Driver/library version missmatch", "nvml_version_mismatch"),
])
def test_a_message_retyped_with_a_common_misspelling_is_read(text, observation):
    from cudacheck.triage import parse
    assert observation in {o.signature.value for o in parse(text).observations}


def test_a_misspelling_is_mended_only_as_a_whole_word_and_keeps_its_capital():
    from cudacheck.triage.document import Document
    lines = Document("Kernal panic? No: complied.\nthe kernals list\nAVALIABLE").lines
    assert lines == ["Kernel panic? No: compiled.", "the kernals list", "AVAILABLE"]


WRAPPED_SYMBOL = ("ImportError: /venv/lib/python3.10/site-packages/torch/lib/libc10_cuda.so: undefined symbol:\n"
                  "    cudaGetDriverEntryPointByVersion, version libcudart.so.12")
"""A message whose symbol a wrap put on the next line: read only while its lines are lines."""
TRACEBACK = 'Traceback (most recent call last):\n  File "/app/train.py", line 12, in <module>\n' + WRAPPED_SYMBOL


@pytest.mark.parametrize("prefix", ["worker_1 stderr | ", "12:00:01 web.1  | ", "myapp> ", "[trainer] "])
def test_a_log_prefix_no_pattern_knows_is_removed_where_it_hides_a_traceback(prefix: str) -> None:
    wrapped = _each_line(prefix)(TRACEBACK)
    assert _first(TRACEBACK) == ["lib_path_conflict"]  # the plain paste, as a control
    assert _first(wrapped) == ["lib_path_conflict"]
    shapes = shared_prefixes(wrapped.split("\n"))
    assert [without_shared_prefix(line, shapes) for line in wrapped.split("\n")][1] == \
        '  File "/app/train.py", line 12, in <module>'


@pytest.mark.parametrize("lines", [
    ["GPU 0: NVIDIA A100-SXM4-80GB", "GPU 1: NVIDIA A100-SXM4-80GB", "GPU 2: NVIDIA A100-SXM4-80GB"],  # no traceback
    ["RuntimeError: x", 'RuntimeError: File "a.py" is missing', "RuntimeError: Traceback (most recent call last):"],
    ["/a/x.py:3: UserWarning: a", '/a/x.py:3: File "x"', "/a/x.py:3: RuntimeError: b"],  # a warning's place
    ['two | File "a.py", line 1', "one | x"],  # a head on too few lines
])
def test_a_head_that_is_content_is_no_log_prefix(lines: List[str]) -> None:
    assert shared_prefixes(lines) == frozenset()


def test_html_line_breaks_are_line_breaks() -> None:
    assert plain_text("RuntimeError: x<br>GPU: A100<br/>ok<BR />\nnext") == "RuntimeError: x\nGPU: A100\nok\nnext"
    assert _first("<br>".join(WRAPPED_SYMBOL.split("\n"))) == ["lib_path_conflict"]


def test_a_frame_drawn_around_lines_is_removed() -> None:
    assert normalise_line("│ /usr/lib/python3/site-packages/torch/cuda/__init__.py:298 in _lazy_init   │") == \
        "/usr/lib/python3/site-packages/torch/cuda/__init__.py:298 in _lazy_init"
    assert normalise_line("│   ├── model.py") == "  ├── model.py"  # a tree's bars: only the first side goes
    framed = "\n".join("│ " + line.ljust(100) + " │" for line in WRAPPED_SYMBOL.split("\n"))
    assert _first(framed) == ["lib_path_conflict"]


def test_a_two_column_markdown_table_reads_as_names_and_values():
    assert normalise_line("| GPU | RTX 4090 |") == "GPU: RTX 4090"
    assert normalise_line("| **PyTorch** | 2.1.0+cu121 |") == "PyTorch: 2.1.0+cu121"
    assert normalise_line("| Driver       | 535.54     |") == "Driver: 535.54"  # a table an editor aligned
    for kept in ("|---|---|", "| torch | 2.1.0 | pypi |",  # a rule, and a table of three columns
                 "| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: 12.2 |",
                 "|   0  NVIDIA GeForce RTX 3090    Off | 00000000:01:00.0  On |                  N/A |"):
        assert normalise_line(kept) == kept
    table = ("| Item | Version |\n|---|---|\n| GPU | RTX 4090 |\n| Driver | 470.82.01 |\n| PyTorch | 2.1.0+cu121 |\n\n"
             "torch.cuda.is_available() returns False")
    found = [f for f in triage(table).findings if f.severity == "error"]
    assert found and found[0].code == "CC210"  # the build, the driver and the GPU are read from the table
