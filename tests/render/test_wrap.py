"""Fitting text to the terminal: break between words only, keep commands and code whole."""
from __future__ import annotations

import pytest

from cudacheck.render.wrap import DEFAULT_WIDTH, MIN_WIDTH, fit_line, is_command, terminal_width

PROSE = ("Driver 470.82.01 supports CUDA ≤ 11.4; torch 2.4.1+cu121 was built with CUDA 12.1 and needs a driver "
         "≥ 525.60.13 (530.30.02+ for the full feature set of CUDA 12.1).")


def _words(lines):
    return " ".join(" ".join(lines).split())


@pytest.mark.parametrize("width", [40, 57, 80, 100])
def test_prose_breaks_between_words_only_and_loses_nothing(width):
    lines = fit_line("      " + PROSE, width, 6)
    assert all(len(line) <= width for line in lines)
    assert _words(lines) == PROSE  # every word, in order, none split
    assert all(line.startswith("      ") for line in lines)  # the hanging indent


def test_a_command_keeps_its_own_line_and_its_note_moves_below():
    line = ("          pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu118  "
            "(driver supports CUDA 11.4; CUDA 11.8 runs through minor-version compatibility)")
    lines = fit_line(line, 80, 12)
    assert lines[0] == "          pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu118"
    assert all(line.startswith("            (") or line.startswith("             ") for line in lines[1:2])
    assert _words(lines) == " ".join(line.split())
    assert all(len(piece) <= 80 for piece in lines[1:])


def test_a_command_after_a_label_or_column_moves_to_its_own_line_whole():
    lines = fit_line("2.14.1   cu126  pip install torch==2.14.1 --index-url https://download.pytorch.org/whl/cu126", 80)
    assert lines == ["2.14.1   cu126", "  pip install torch==2.14.1 --index-url https://download.pytorch.org/whl/cu126"]


def test_code_in_backticks_and_quoted_strings_never_break():
    text = ('Check with `python -c "import torch; print(torch.cuda.is_available())"` in the same '
            'environment, then compare the driver with "nvidia-smi --query-gpu=driver_version".')
    lines = fit_line(text, 40, 2)
    joined = "\n".join(lines)
    assert '`python -c "import torch; print(torch.cuda.is_available())"`' in joined
    assert _words(lines) == text


def test_an_unbreakable_token_is_left_whole_rather_than_cut():
    url = "https://download.pytorch.org/whl/nightly/cu129/torch-2.14.0.dev20260101%2Bcu129-cp311-linux.whl"
    lines = fit_line(f"  see {url} for the wheel", 60, 4)
    assert url in lines[1] and lines[1].strip() == url
    assert lines == ["  see", f"    {url}", "    for the wheel"]


def test_alignment_inside_a_line_that_fits_is_kept():
    line = "✓ GPUs                     NVIDIA A100-SXM4-80GB (sm_80, 80 GiB)"
    assert fit_line(line, 80) == [line]


def test_commands_are_recognised_but_labels_and_sentences_are_not():
    assert is_command("pip install torch==2.5.1") and is_command("docker run --gpus all image")
    assert is_command("$ nvidia-smi") and is_command("python -m pip install x")
    assert not is_command("nvcc targets: sm_50 sm_60")
    assert not is_command("python is the interpreter")


def test_terminal_width_is_columns_else_the_terminal_else_80(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    assert terminal_width() == 120
    monkeypatch.setenv("COLUMNS", "10")
    assert terminal_width() == MIN_WIDTH
    monkeypatch.delenv("COLUMNS")

    class NotATerminal:
        def isatty(self):
            return False

    assert terminal_width(NotATerminal()) == DEFAULT_WIDTH == 80


def test_a_quoted_paste_holding_a_stray_backtick_still_breaks_at_its_spaces():
    # A quotation of pasted text may hold one backtick (a Markdown paste); that is not a code span.
    detail = ("Nothing else was recognised: line 3: “`/opt/env/lib/python3.10/site-packages/torch/amp/"
              "autocast_mode.py:204: UserWarning: In CPU autocast, but the target dtype is not "
              "supported”. On Windows `pip install torch` installs the CPU build.")
    lines = fit_line("      " + detail, 80)
    assert all(len(line) <= 80 for line in lines), lines
    assert _words(lines) == _words([detail])


def test_a_quoted_paste_cut_over_several_lines_is_still_prose_after_the_first_cut():
    open_mark, close_mark = "“", "”"
    # The quotation starts on the first line; the stray backtick sits past the first cut.
    detail = (f"Nothing else was recognised in the report at all: line 3: {open_mark}warnings were "
              "raised while the model was loading its weights from disk, recognized:\\n\\n`/opt/env/lib/"
              "python3.10/site-packages/torch/amp/autocast_mode.py:204: UserWarning: In CPU autocast, "
              f"the target dtype is not supported{close_mark}. On Windows `pip install torch` installs the CPU build.")
    lines = fit_line("      " + detail, 80)
    too_long = [line for line in lines if len(line) > 80 and " " in line.strip()]
    assert not too_long, lines
    assert _words(lines) == _words([detail])
