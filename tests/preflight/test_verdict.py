"""Rank 0's judgement, from what ranks posted: statuses, problems, culprits and exit codes."""
from __future__ import annotations

import pytest

from cudacheck import check
from cudacheck.fleet.drift import drift
from cudacheck.fleet.facts import MachineFacts
from cudacheck.preflight.collective import steps
from cudacheck.preflight.render import render, to_dict
from cudacheck.preflight.report import BarrierResult, PreflightReport
from cudacheck.preflight.verdict import (barrier_hung, choose_backend, collective_result, environment_problem, finish,
                                         rank_result)
from dataclasses import asdict as report_dict
from cudacheck.testing import gpu, make_snapshot

SIZES = [2**20, 256 * 2**20]


def gpu_node(driver="550.54.14", torch="2.4.1+cu124", count=2):
    return make_snapshot(driver=driver, cuda="12.4", torch=torch, torch_cuda="12.4",
                         gpus=[gpu("NVIDIA H100 80GB HBM3", "9.0") for _ in range(count)], shm_bytes=2**34,
                         dev_nodes=["/dev/nvidia-uvm", "/dev/nvidiactl", "/dev/nvidia0"], cuda_init_code=0)


def envelope(rank, snapshot, local_rank=0, status="ok"):
    return {"rank": rank, "host": "node-a", "local_rank": local_rank, "node_rank": 0,
            "check": {"status": status, "message": "" if status == "ok" else "crashed with SIGSEGV (signal 11)",
                      "seconds": 0.2}, "report": report_dict(check(snapshot)) if status == "ok" else None}


def op(rank_busbw, size=SIZES[-1]):
    from cudacheck.preflight.bandwidth import size_label

    return [{"op": o, "size": size_label(size), "size_bytes": size, "iters": 20, "time_ms": 1.0, "algbw_gbps": 1.0,
             "busbw_gbps": rank_busbw} for o in ("all_reduce", "all_gather")]


@pytest.mark.parametrize("snapshot, local_rank, expected", [
    (make_snapshot(torch="2.4.1+cpu", driver="550.54.14", gpus=[gpu("NVIDIA H100 80GB HBM3", "9.0")]), 0, "without CUDA"),
    (make_snapshot(torch="2.4.1+cu124", torch_cuda="12.4", nvml_status="library_not_found"), 0, "no NVIDIA driver"),
    (make_snapshot(torch="2.4.1+cu124", torch_cuda="12.4", driver="550.54.14"), 0, "zero GPUs"),
    (gpu_node(count=2), 3, "local rank 3 has no GPU: the node has 2"),
    (gpu_node(count=2), 1, None),
])
def test_environment_problems(snapshot, local_rank, expected):
    found = environment_problem(snapshot, local_rank, require_cuda=True)
    assert (found is None) if expected is None else (expected in found)
    assert environment_problem(snapshot, local_rank, require_cuda=False) is None  # --allow-cpu


def test_rank_statuses():
    assert rank_result(3, None, None, True, False)[0].status == "not_started"
    assert rank_result(3, None, {"host": "h"}, True, False)[0].status == "missing"
    crashed, snapshot = rank_result(1, envelope(1, gpu_node(), status="crashed"), None, True, False)
    assert crashed.status == "check_crashed" and snapshot is None
    healthy, snapshot = rank_result(0, envelope(0, gpu_node()), None, True, False)
    assert healthy.status == "ok" and snapshot.nvml.driver_version == "550.54.14"
    sick = gpu_node()
    sick.nvml.gpus[1].remapped_rows_pending = True
    result, _ = rank_result(2, envelope(2, sick), None, True, False)
    assert result.status == "unhealthy" and [f["code"] for f in result.findings] == ["CC501"]


def test_a_report_this_cudacheck_cannot_read_is_a_check_error():
    posted = envelope(0, gpu_node())
    posted["report"]["snapshot"]["schema_version"] = 99  # another cudacheck on that rank
    result, snapshot = rank_result(0, posted, None, True, False)
    assert result.status == "check_error" and "schema_version 99" in result.check_message and snapshot is None


def test_backend_choice():
    cuda = [gpu_node(), gpu_node()]
    assert choose_backend("auto", cuda, allow_cpu=False) == ("nccl", False, "")
    cpu = [make_snapshot(torch="2.13.0+cpu"), None]
    backend, stand_in, note = choose_backend("auto", cpu, allow_cpu=True)
    assert (backend, stand_in) == ("gloo", True) and "stood in for NCCL" in note
    assert choose_backend("gloo", cuda, allow_cpu=False)[:2] == ("gloo", False)


def test_barrier_names_ranks_from_gloo_or_from_markers():
    message = "RuntimeError: [Rank 0]: Ranks 1, 3 failed to pass monitoredBarrier in 3000 ms"
    assert barrier_hung(message, {}, 4) == [1, 3]
    assert barrier_hung("Timed out initializing process group", {0: "barrier", 1: "joining", 2: "barrier"}, 3) == [1]


def test_collective_culprit_is_the_rank_that_got_least_far():
    order = steps(SIZES)
    outcomes = {0: {"status": "timeout", "last_step": "joining"}, 1: {"status": "timeout", "last_step": "waiting"},
                2: {"status": "timeout", "last_step": "joining"}}
    result = collective_result(outcomes, {}, "nccl", False, "", SIZES, None)
    assert result.likely_culprits == [1] and order.index("waiting") < order.index("joining")
    same = {r: {"status": "timeout", "last_step": "all_reduce:256MiB"} for r in range(3)}
    assert collective_result(same, {}, "nccl", False, "", SIZES, None).likely_culprits == []
    silent = {0: {"status": "ok", "last_step": "done", "result": {"correct": {"all_reduce": True}, "results": []}},
              1: None}
    assert collective_result(silent, {1: "joined"}, "nccl", False, "", SIZES, None).likely_culprits == [1]


def test_wrong_values_fail_the_rank():
    outcomes = {0: {"status": "ok", "last_step": "done",
                    "result": {"correct": {"all_reduce": False, "all_gather": True}, "results": op(100.0)}}}
    (entry,) = collective_result(outcomes, {}, "nccl", False, "", SIZES, None).ranks
    assert entry.status == "wrong" and "all_reduce" in entry.message


def test_slow_rank_is_an_outlier_warning_or_below_threshold_an_error():
    outcomes = {r: {"status": "ok", "last_step": "done",
                    "result": {"correct": {"all_reduce": True, "all_gather": True}, "results": op(value)}}
                for r, value in enumerate((180.0, 179.0, 90.0, 181.0))}
    result = collective_result(outcomes, {}, "nccl", False, "", SIZES, None)
    assert result.outliers == [2] and result.median_busbw_gbps["all_reduce:256MiB"] == pytest.approx(179.5)
    report = finish(PreflightReport({}, 4, collectives=result), strict=False, min_busbw=None)
    assert [(p.code, p.severity, p.ranks) for p in report.problems] == [("CC957", "warning", [2])]
    assert report.exit_code == 0 and report.status == "warnings"
    threshold = finish(PreflightReport({}, 4, collectives=collective_result(outcomes, {}, "nccl", False, "", SIZES,
                                                                             180.5)), strict=False, min_busbw=180.5)
    assert [(p.severity, p.ranks) for p in threshold.problems] == [("error", [0, 1, 2])]  # 2 is also an outlier
    assert threshold.exit_code == 1
    stand_in = collective_result(outcomes, {}, "gloo", True, "", SIZES, None)
    assert stand_in.outliers == [] and stand_in.median_busbw_gbps  # numbers, no verdict on CPU links


def test_exit_codes_environment_beats_failure():
    ranks = [rank_result(0, envelope(0, make_snapshot(torch="2.13.0+cpu")), None, True, False)[0],
             rank_result(1, None, None, True, False)[0]]
    report = finish(PreflightReport({}, 2, ranks=ranks), strict=False, min_busbw=None)
    assert report.exit_code == 2 and report.status == "environment"
    assert {p.code for p in report.problems} == {"CC950", "CC954"}


def test_drift_between_ranks_is_reported_with_their_numbers():
    snapshots = [gpu_node(), gpu_node(), gpu_node(torch="2.5.1+cu124")]
    ranks = [rank_result(r, envelope(r, s), None, True, False)[0] for r, s in enumerate(snapshots)]
    rows = drift([(f"node-a/rank{r}", MachineFacts(s)) for r, s in enumerate(snapshots)])
    report = finish(PreflightReport({}, 3, ranks=ranks, drift=rows, barrier=BarrierResult(True, True)),
                    strict=False, min_busbw=None)
    (drifted,) = [p for p in report.problems if p.code == "CC955"]
    assert drifted.ranks == [2] and drifted.severity == "error" and report.exit_code == 1


def test_renderers_carry_the_contract():
    ranks = [rank_result(0, envelope(0, gpu_node()), None, True, False)[0], rank_result(1, None, None, True, False)[0]]
    report = finish(PreflightReport({"kind": "torchrun", "run_id": "r1"}, 2, ranks=ranks), False, None)
    data = to_dict(report)
    assert data["schema"] == "cudacheck.preflight/1" and data["exit_code"] == 1
    assert data["ranks"][0]["report"]["snapshot"]["nvml"]["driver_version"] == "550.54.14"
    text = render(report, "text")
    assert "rank 1" in text and "never started" in text and "[CC950]" in text
    assert render(report, "markdown").startswith("### cudacheck preflight:")
