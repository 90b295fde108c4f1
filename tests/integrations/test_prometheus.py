"""``--format prometheus``: text exposition for node_exporter's textfile collector."""
from __future__ import annotations

import re
import subprocess
import sys
from typing import Dict, List, Tuple

import pytest

import cudacheck
from cudacheck.render import render
from cudacheck.render.prometheus import escape_label_value, format_value, gpu_is_healthy
from cudacheck.report import Finding, Report, summarise
from cudacheck.snapshot import GpuFacts, NvmlFacts, ProbeError, Snapshot, TorchFacts

from .conftest import BIN, a100_node

parser = pytest.importorskip("prometheus_client.parser")

METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def families(text: str) -> Dict[str, object]:
    return {family.name: family for family in parser.text_string_to_metric_families(text)}


def samples(text: str, name: str) -> List[Tuple[Dict[str, str], float]]:
    found = []
    for family in parser.text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found.append((dict(sample.labels), sample.value))
    return found


def value(text: str, metric: str, **labels: str) -> float:
    matches = [v for got, v in samples(text, metric) if all(got.get(k) == w for k, w in labels.items())]
    assert len(matches) == 1, (metric, labels, samples(text, metric))
    return matches[0]


def lint(text: str) -> None:
    """What promtool check metrics and the textfile collector insist on, checked by hand:
    HELP and TYPE once per family and before its samples, contiguous samples, valid names,
    unique series, no timestamps, a final newline."""
    assert text.endswith("\n")
    typed: Dict[str, str] = {}
    helped = set()
    series = set()
    finished = set()
    current = None
    for line in text.splitlines():
        if not line:
            continue
        if line.startswith("# HELP "):
            name = line.split(" ", 3)[2]
            assert name not in helped, f"second HELP for {name}"
            helped.add(name)
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert name in helped, f"TYPE before HELP for {name}"
            assert name not in typed, f"second TYPE for {name}"
            assert kind == "gauge"
            typed[name] = kind
            if current:
                finished.add(current)
            current = name
            continue
        assert not line.startswith("#"), line
        match = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$", line)
        assert match, f"sample line with a timestamp or bad syntax: {line!r}"
        name, labels = match.group(1), match.group(2) or ""
        assert METRIC_NAME.match(name) and name.startswith("cudacheck_")
        assert name == current, f"{name} outside its family block (current {current})"
        assert name not in finished
        for label in re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="', labels):
            assert LABEL_NAME.match(label)
        assert (name, labels) not in series, f"duplicate series {line!r}"
        series.add((name, labels))
        float(match.group(3).replace("+Inf", "inf").replace("-Inf", "-inf"))


def report_for(snapshot: Snapshot, **requirements) -> Report:
    return cudacheck.check(snapshot, **requirements)


def test_healthy_node_exposition() -> None:
    text = render(report_for(a100_node(count=2, memory_used_mib=1024, temperature_c=41, persistence_mode=True,
                                       ecc_uncorrected_volatile=0, clock_event_reasons=0x1,
                                       retired_pages_pending=False, remapped_rows_pending=False,
                                       remapped_rows_failed=False, power_limit_w=400.0)), "prometheus")
    lint(text)
    got = families(text)
    for family in got.values():
        assert family.type == "gauge" and family.documentation
    assert value(text, "cudacheck_up") == 1
    assert value(text, "cudacheck_healthy") == 1
    (info,) = samples(text, "cudacheck_info")
    assert info[0]["version"] == cudacheck.__version__ and info[0]["compat_data_version"]
    assert value(text, "cudacheck_driver_info", driver_version="550.54.14", cuda_version="12.4",
                 nvml_status="ok") == 1
    assert value(text, "cudacheck_torch_info", version="2.4.1+cu124", cuda="12.4") == 1
    assert value(text, "cudacheck_gpu_count") == 2
    for index in ("0", "1"):
        labels = {"gpu": index, "uuid": f"GPU-a100-{index}", "name": "NVIDIA A100-SXM4-80GB"}
        assert value(text, "cudacheck_gpu_memory_total_bytes", **labels) == 81920 * 2**20
        assert value(text, "cudacheck_gpu_memory_used_bytes", **labels) == 1024 * 2**20
        assert value(text, "cudacheck_gpu_temperature_celsius", **labels) == 41
        assert value(text, "cudacheck_gpu_ecc_uncorrected_volatile_errors", **labels) == 0
        assert value(text, "cudacheck_gpu_retired_pages_pending", **labels) == 0
        assert value(text, "cudacheck_gpu_remapped_rows_pending", **labels) == 0
        assert value(text, "cudacheck_gpu_remapped_rows_failed", **labels) == 0
        assert value(text, "cudacheck_gpu_clock_event_reasons", **labels) == 1
        assert value(text, "cudacheck_gpu_persistence_mode", **labels) == 1
        assert value(text, "cudacheck_gpu_power_limit_watts", **labels) == 400.0
        assert value(text, "cudacheck_gpu_healthy", **labels) == 1
        assert value(text, "cudacheck_gpu_lost", **labels) == 0
        assert value(text, "cudacheck_gpu_info", compute_capability="8.0", **labels) == 1
    assert value(text, "cudacheck_shm_size_bytes") == 16 * 2**30


def test_totals_per_severity_are_always_present() -> None:
    text = render(report_for(a100_node()), "prometheus")
    assert {labels["severity"] for labels, _ in samples(text, "cudacheck_findings_by_severity")} == \
        {"error", "warning", "info"}
    assert value(text, "cudacheck_findings_by_severity", severity="error") == 0


def test_findings_by_severity_category_and_code() -> None:
    report = report_for(a100_node(), min_gpus=4, min_compute_capability="9.0")
    text = render(report, "prometheus")
    lint(text)
    assert value(text, "cudacheck_healthy") == 0
    errors = report.summary.errors
    assert errors >= 2
    assert value(text, "cudacheck_findings_by_severity", severity="error") == errors
    assert value(text, "cudacheck_findings", severity="error", category="capability_missing") == \
        sum(1 for f in report.findings if f.severity == "error" and f.category == "capability_missing")
    assert value(text, "cudacheck_findings_by_code", code="CC602", severity="error",
                 category="capability_missing", rule="too-few-gpus") == 1
    # every (severity, category) pair that occurs, and only those
    pairs = {(f.severity, f.category) for f in report.findings}
    assert {(labels["severity"], labels["category"]) for labels, _ in samples(text, "cudacheck_findings")} == pairs


def test_label_values_are_escaped_and_round_trip() -> None:
    nasty = 'Quadro "RTX" \\ 8000\nrev2'
    snapshot = a100_node()
    snapshot.nvml.gpus[0].name = nasty
    snapshot.nvml.gpus[0].uuid = 'GPU-"x"'
    snapshot.torch.version = 'v\\1"\n'
    text = render(report_for(snapshot), "prometheus")
    lint(text)
    assert 'name="Quadro \\"RTX\\" \\\\ 8000\\nrev2"' in text
    (labels, _), = [s for s in samples(text, "cudacheck_gpu_healthy")]
    assert labels["name"] == nasty and labels["uuid"] == 'GPU-"x"'
    assert samples(text, "cudacheck_torch_info")[0][0]["version"] == 'v\\1"\n'


def test_escape_and_value_helpers() -> None:
    assert escape_label_value('a\\b"c\nd') == 'a\\\\b\\"c\\nd'
    assert format_value(True) == "1" and format_value(False) == "0"
    assert format_value(3) == "3" and format_value(0.5) == "0.5"
    assert format_value(float("inf")) == "+Inf" and format_value(float("-inf")) == "-Inf"
    assert format_value(float("nan")) == "NaN"


@pytest.mark.parametrize("facts, healthy", [
    ({}, True),
    ({"ecc_uncorrected_volatile": 0, "retired_pages_pending": False, "remapped_rows_pending": False,
      "remapped_rows_failed": False, "lost": False}, True),
    ({"lost": True}, False),
    ({"ecc_uncorrected_volatile": 2}, False),
    ({"retired_pages_pending": True}, False),
    ({"remapped_rows_pending": True}, False),
    ({"remapped_rows_failed": True}, False),
    ({"unavailable_fields": {"handle": "GPU is lost"}}, False),
    ({"unavailable_fields": {"temperature_c": "Not Supported"}}, True),
    ({"clock_event_reasons": 0x40, "temperature_c": 95}, True),  # throttling is reported, not "unhealthy"
])
def test_gpu_healthy(facts, healthy) -> None:
    gpu = GpuFacts(index=0, name="NVIDIA H100 80GB HBM3", **facts)
    assert gpu_is_healthy(gpu) is healthy
    snapshot = a100_node()
    snapshot.nvml.gpus = [gpu]
    text = render(report_for(snapshot), "prometheus")
    assert value(text, "cudacheck_gpu_healthy", gpu="0") == (1 if healthy else 0)


def test_unknown_facts_emit_no_samples() -> None:
    snapshot = a100_node(count=2)
    snapshot.nvml.gpus[0].temperature_c = 50
    text = render(report_for(snapshot), "prometheus")
    lint(text)
    assert [labels["gpu"] for labels, _ in samples(text, "cudacheck_gpu_temperature_celsius")] == ["0"]
    assert samples(text, "cudacheck_gpu_remapped_rows_failed") == []  # unknown for both GPUs
    assert "cudacheck_gpu_remapped_rows_failed" not in text  # no empty HELP/TYPE block either


def test_machine_without_driver_or_torch() -> None:
    snapshot = Snapshot(nvml=NvmlFacts(status="library_not_found", error_message="NVML Shared Library Not Found"),
                        torch=TorchFacts(installed=False),
                        probe_errors=[ProbeError("nvml", "not_found", "NVML Shared Library Not Found", 12, 0.01)])
    text = render(report_for(snapshot), "prometheus")
    lint(text)
    assert value(text, "cudacheck_driver_info", driver_version="", cuda_version="",
                 nvml_status="library_not_found") == 1
    assert samples(text, "cudacheck_torch_info") == []
    assert samples(text, "cudacheck_gpu_count") == []
    assert value(text, "cudacheck_probe_errors", probe="nvml", kind="not_found") == 1


def test_hand_made_report_counts() -> None:
    findings = [Finding(code="CC210", rule="driver-too-old-for-build", category="driver_too_old", severity="error",
                        title="Driver too old"),
                Finding(code="CC210", rule="driver-too-old-for-build", category="driver_too_old", severity="error",
                        title="Driver too old again"),
                Finding(code="CC501", rule="ecc", category="gpu_health", severity="warning", title="ECC")]
    report = Report(findings=findings, summary=summarise(findings), compat_data_version="2026-01-01",
                    snapshot=Snapshot(created="2026-01-02T03:04:05+00:00"), timings={"collect": 0.25, "check": 0.01})
    text = render(report, "prometheus")
    lint(text)
    assert value(text, "cudacheck_findings", severity="error", category="driver_too_old") == 2
    assert value(text, "cudacheck_findings", severity="warning", category="gpu_health") == 1
    assert value(text, "cudacheck_findings_by_severity", severity="info") == 0
    assert value(text, "cudacheck_findings_by_code", code="CC210", rule="driver-too-old-for-build",
                 severity="error", category="driver_too_old") == 2
    assert value(text, "cudacheck_healthy") == 0
    assert value(text, "cudacheck_collect_duration_seconds") == 0.25
    from datetime import datetime, timezone

    expected = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc).timestamp()
    assert value(text, "cudacheck_snapshot_timestamp_seconds") == expected


def test_doctor_cli_prometheus_format() -> None:
    out = subprocess.run([str(BIN / "cudacheck"), "doctor", "--format", "prometheus"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode in (0, 1), out.stderr
    lint(out.stdout.rstrip("\n") + "\n")
    assert value(out.stdout, "cudacheck_up") == 1
    assert value(out.stdout, "cudacheck_healthy") == (1 if out.returncode == 0 else 0)
