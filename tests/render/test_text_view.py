"""The doctor text view, rendered from a Report built here (no rules run): the header, one row
per area with its mark, findings under their area with detail and remedy, info findings as
titles only (their detail with -v), wrapping at the width with commands whole, the summary."""
from __future__ import annotations

from cudacheck.render import render
from cudacheck.render.style import Style
from cudacheck.report import AreaCoverage, Finding, Report, summarise
from cudacheck.testing import gpu, make_snapshot

PLAIN = Style(unicode=True, color=False)
COMMAND = "pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu118"


def _report() -> Report:
    snapshot = make_snapshot(driver="470.82.01", cuda="11.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0", 81920)],
                             torch="2.4.1+cu121", torch_cuda="12.1", shm_bytes=64 * 2**20, in_container=True,
                             source="file")
    findings = [
        Finding("CC210", "driver-too-old-for-build", "driver_too_old", "error",
                "Driver 470.82.01 is too old for torch 2.4.1+cu121 (CUDA 12.1)",
                detail="Driver 470.82.01 supports CUDA up to 11.4; torch 2.4.1+cu121 was built with CUDA 12.1 and "
                       "needs a driver of at least 525.60.13.",
                remedy=f"Update the NVIDIA driver to 525.60.13 or newer, or:\n  {COMMAND}", layer="driver",
                docs="docs/rules.md#cc210-driver-too-old-for-build"),
        Finding("CC211", "driver-minor-version-compat", "driver_too_old", "info", "An info line that stays a title",
                detail="Its detail only with -v.", layer="driver"),
        Finding("CC401", "shm-too-small", "shm_too_small", "warning", "/dev/shm is only 0.06 GiB in this container",
                remedy="docker run --shm-size=16g …", layer="container"),
    ]
    areas = [AreaCoverage("driver"), AreaCoverage("gpus"), AreaCoverage("torch"),
             AreaCoverage("libraries", "failed", "probe crashed, signal 11"),
             AreaCoverage("packages", "unknown", "not in the snapshot"), AreaCoverage("container")]
    return Report(compat_data_version="2026-12-05", summary=summarise(findings, areas), findings=findings,
                  snapshot=snapshot, coverage=areas)


def test_layout_marks_and_wrapping():
    lines = render(_report(), "text", style=PLAIN, width=72).splitlines()
    assert lines == [
        "cudacheck 0.1.0 · file · standard probe · compat data 2026-12-05",
        "environment: not recorded in this snapshot",
        "",
        "✗ NVIDIA driver            driver 470.82.01, supports CUDA ≤ 11.4",
        "    ✗ Driver 470.82.01 is too old for torch 2.4.1+cu121 (CUDA 12.1)",
        "      [CC210]",
        "      Driver 470.82.01 supports CUDA up to 11.4; torch 2.4.1+cu121 was",
        "      built with CUDA 12.1 and needs a driver of at least 525.60.13.",
        "      → fix: Update the NVIDIA driver to 525.60.13 or newer, or:",
        f"          {COMMAND}",
        "    · An info line that stays a title [CC211]",
        "✓ GPUs                     NVIDIA A100-SXM4-80GB (sm_80, 80 GiB)",
        "✓ PyTorch build            torch 2.4.1+cu121 (CUDA 12.1)",
        "? CUDA libraries           could not check: probe crashed, signal 11",
        "? Python packages          could not check: not in the snapshot",
        "! Container and resources  in a container, /dev/shm 0.06 GiB",
        "    ! /dev/shm is only 0.06 GiB in this container [CC401]",
        "      → fix: docker run --shm-size=16g …",
        "",
        "1 error and 1 warning in 1 area; 2 areas could not be checked (CUDA",
        "libraries: probe crashed, signal 11; Python packages: not in the",
        "snapshot).",
    ]
    assert all(len(line) <= 72 for line in lines if COMMAND not in line)  # a command is never broken


def test_verbose_shows_info_details_and_docs():
    text = render(_report(), "text", style=PLAIN, width=100, verbose=True)
    assert "    · An info line that stays a title [CC211]\n      Its detail only with -v." in text
    assert "      docs: docs/rules.md#cc210-driver-too-old-for-build" in text
    assert "Its detail only with -v." not in render(_report(), "text", style=PLAIN, width=100)


def test_ascii_marks_and_symbols_for_a_terminal_without_utf8():
    lines = render(_report(), "text", style=Style(unicode=False, color=False), width=72).splitlines()
    assert lines[3] == "[x]  NVIDIA driver            driver 470.82.01, supports CUDA <= 11.4"
    assert lines[11] == "[ok] GPUs                     NVIDIA A100-SXM4-80GB (sm_80, 80 GiB)"
    assert "      -> fix: docker run --shm-size=16g ..." in lines
    assert all(line.isascii() for line in lines)


def test_colour_paints_marks_only_when_asked():
    coloured = render(_report(), "text", style=Style(unicode=True, color=True), width=72)
    assert "\033[" in coloured and "\033[" not in render(_report(), "text", style=PLAIN, width=72)


def test_a_command_too_long_for_the_fix_label_line_gets_a_line_of_its_own():
    report = _report()
    report.findings[2] = Finding("CC401", "shm-too-small", "shm_too_small", "warning", "/dev/shm is small",
                                 remedy=COMMAND, layer="container")
    narrow = render(report, "text", style=PLAIN, width=72).splitlines()
    assert narrow[narrow.index("      → fix:") + 1] == f"        {COMMAND}"  # whole, to copy
    wide = render(report, "text", style=PLAIN, width=120).splitlines()
    assert f"      → fix: {COMMAND}" in wide  # it fits after the label: one line
