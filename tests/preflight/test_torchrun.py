"""The preflight for real: 2–4 local ranks under torchrun on the CPU torch, gloo standing in for
NCCL, and one simulated failure per run (CUDACHECK_PREFLIGHT_TEST_FAULTS). Each failure must be
named, on the right rank, by rank 0's JSON report; no rank may die of a check (torchrun would
kill the gang)."""
from __future__ import annotations

import pytest

from .conftest import QUICK, problems, slurm_tasks, torchrun

pytestmark = pytest.mark.slow


def test_healthy_three_ranks(tmp_path):
    run = torchrun(tmp_path, 3, "--sizes", "64KiB,1MiB", "--iters", "2")
    assert run.returncode == 0, run.stderr[-3000:]
    report = run.report
    assert report["schema"] == "cudacheck.preflight/1" and report["exit_code"] == 0 and report["problems"] == []
    assert [r["status"] for r in report["ranks"]] == ["ok", "ok", "ok"]
    assert report["launcher"]["kind"] == "torchrun" and report["barrier"]["ok"] is True
    coll = report["collectives"]
    assert coll["ran"] and coll["backend"] == "gloo" and coll["stand_in"] and "stood in for NCCL" in coll["note"]
    for entry in coll["ranks"]:
        assert entry["status"] == "ok" and entry["correct"] == {"all_reduce": True, "all_gather": True}
        assert {(r["op"], r["size"]) for r in entry["results"]} == {
            ("all_reduce", "64KiB"), ("all_gather", "64KiB"), ("all_reduce", "1MiB"), ("all_gather", "1MiB")}
        assert all(r["busbw_gbps"] > 0 for r in entry["results"])
    assert coll["outliers"] == [] and coll["median_busbw_gbps"]["all_reduce:1MiB"] > 0  # numbers, no verdict on CPU
    assert "standing in for NCCL" in run.stdout and run.stdout.count("cudacheck preflight ·") == 1  # rank 0 only


def test_rank_that_never_starts_and_rank_that_never_posts(tmp_path):
    faults = {"CUDACHECK_PREFLIGHT_TEST_FAULTS": "1:never-post,2:never-start"}
    run = torchrun(tmp_path, 3, *QUICK, "--gather-timeout", "6", env=faults)
    assert run.returncode == 1 and run.report is not None, run.stderr[-3000:]
    statuses = {r["rank"]: r["status"] for r in run.report["ranks"]}
    assert statuses == {0: "ok", 1: "missing", 2: "not_started"}
    assert problems(run.report)["CC950"] == [[2], [1]]
    assert run.report["barrier"]["ran"] is False  # a missing rank would block group creation
    assert "never started" in run.stderr  # torchrun's own failure summary quotes rank 0's error file


def test_rank_that_hangs_before_the_barrier(tmp_path):
    run = torchrun(tmp_path, 3, *QUICK, env={"CUDACHECK_PREFLIGHT_TEST_FAULTS": "1:hang-barrier"})
    assert run.returncode == 1 and run.report is not None, run.stderr[-3000:]
    barrier = run.report["barrier"]
    assert barrier["ran"] and barrier["ok"] is False and barrier["hung"] == [1]
    assert "failed to pass monitoredBarrier" in barrier["message"]
    assert problems(run.report) == {"CC951": [[1]]}


def test_collective_child_that_hangs_is_the_likely_culprit(tmp_path):
    run = torchrun(tmp_path, 3, *QUICK, env={"CUDACHECK_PREFLIGHT_TEST_FAULTS": "1:hang-collective"})
    assert run.returncode == 1 and run.report is not None, run.stderr[-3000:]
    coll = run.report["collectives"]
    assert coll["likely_culprits"] == [1]
    steps = {entry["rank"]: entry["last_step"] for entry in coll["ranks"]}
    assert steps[1] == "waiting" and steps[0] != "waiting"
    assert problems(run.report)["CC956"] == [[1]]


def test_crashed_check_hung_check_and_drift_in_four_ranks(tmp_path, make_lib_dir):
    lib = make_lib_dir(nvml=True, cuda=True)
    env = {"LD_LIBRARY_PATH": str(lib), "FAKE_NVML_GPUS": "",
           "CUDACHECK_PREFLIGHT_TEST_FAULTS": "1:crash-check 3:hang-check",
           "CUDACHECK_PREFLIGHT_TEST_ENV_2": "FAKE_NVML_DRIVER=535.104.05 FAKE_NVML_CUDA=12020"}
    run = torchrun(tmp_path, 4, *QUICK, "--check-timeout", "5", env=env)
    assert run.returncode == 1 and run.report is not None, run.stderr[-3000:]
    ranks = {r["rank"]: r for r in run.report["ranks"]}
    assert ranks[1]["status"] == "check_crashed" and "SIGSEGV" in ranks[1]["check_message"]
    assert ranks[3]["status"] == "check_timeout"
    assert ranks[0]["status"] == ranks[2]["status"] == "ok"
    drift = {row["key"]: row for row in run.report["drift"]}
    assert {v["value"]: v["machines"] for v in drift["driver.version"]["values"]} == {
        "535.104.05": [f"{ranks[2]['host']}/rank2"], "550.54.14": [f"{ranks[0]['host']}/rank0"]}
    assert sorted(map(tuple, problems(run.report)["CC952"])) == [(1,), (3,)]
    assert run.report["collectives"]["ran"]  # a failed check does not stop the link test
    assert "Signal 11" not in run.stderr and "SIGSEGV" not in run.stderr.split("Root Cause")[-1].split("traceback")[0]


def test_slurm_tasks_without_torchrun(tmp_path):
    runs = slurm_tasks(tmp_path, 2, *QUICK)
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr[-3000:]
    report = runs[0].report
    assert report["launcher"]["kind"] == "slurm" and report["launcher"]["run_id"].startswith("slurm-")
    assert report["collectives"]["ran"] and runs[1].report is None  # rank 0 alone reports


def test_environment_problem_exits_2(tmp_path):
    """Without --allow-cpu, a CPU-only torch is an environment problem (exit 2), not a failed link."""
    from .conftest import base_env
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "cudacheck.preflight", "--format", "json"], cwd=tmp_path,
                         env=base_env(), capture_output=True, text=True, timeout=90)
    import json

    assert out.returncode == 2, out.stderr[-2000:]
    report = json.loads(out.stdout)
    assert report["status"] == "environment" and "CC954" in problems(report)
    assert report["collectives"]["ran"] is False and "environment problem" in report["collectives"]["note"]
