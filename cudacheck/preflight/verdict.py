"""Rank 0's judgement: from what every rank posted to a report, problems and an exit status.

Pure functions of the posted data (no store, no clock), so every scenario is testable
without a job.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..snapshot import Snapshot
from .bandwidth import least_far, outliers, size_label
from .collective import steps
from .report import (EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, CollectiveResult, PreflightReport,
                     RankCollective, RankResult, problem)

STAND_IN_NOTE = ("gloo on the CPU stood in for NCCL ({why}): the correctness checks and the deadlines ran, "
                 "but the bandwidth measures memory and loopback TCP, not GPU links")


def environment_problem(snapshot: Snapshot, local_rank: Optional[int], require_cuda: bool) -> Optional[str]:
    """Why this rank cannot run a CUDA job at all (no torch, no CUDA, no GPU), or None."""
    if not require_cuda:
        return None
    torch = snapshot.torch
    if torch.installed is False:
        return "torch is not installed"
    if torch.version and not torch.cuda:
        return f"torch {torch.version} is built without CUDA"
    nvml = snapshot.nvml
    if nvml.status == "library_not_found":
        return "no NVIDIA driver (libnvidia-ml not found)"
    count = nvml.gpu_count if nvml.gpu_count is not None else (len(nvml.gpus) if nvml.status == "ok" else None)
    if count == 0:
        return "zero GPUs on this node"
    if count is not None and local_rank is not None and local_rank >= count:
        return f"local rank {local_rank} has no GPU: the node has {count}"
    return None


def rank_result(rank: int, envelope: Optional[Dict[str, Any]], alive: Optional[Dict[str, Any]],
                require_cuda: bool, strict: bool) -> Tuple[RankResult, Optional[Snapshot]]:
    """One rank's result from what it posted (its envelope) or, when nothing came, whether it started."""
    if envelope is None:
        status = "missing" if alive else "not_started"
        return RankResult(rank, status, host=(alive or {}).get("host"), local_rank=(alive or {}).get("local_rank"),
                          node_rank=(alive or {}).get("node_rank")), None
    check = envelope.get("check") or {}
    result = RankResult(rank, "ok", host=envelope.get("host"), local_rank=envelope.get("local_rank"),
                        node_rank=envelope.get("node_rank"), check_status=check.get("status"),
                        check_message=check.get("message", ""), check_seconds=check.get("seconds"))
    report = envelope.get("report")
    if check.get("status") != "ok" or not isinstance(report, dict):
        result.status = f"check_{check.get('status') or 'error'}"
        return result, None
    from ..errors import UsageError
    from ..serialize import snapshot_from_dict

    try:
        snapshot = snapshot_from_dict(report, f"rank {rank}'s report")
    except UsageError as exc:  # e.g. another cudacheck version on that rank
        result.status, result.check_status, result.check_message = "check_error", "error", str(exc)
        return result, None
    summary = report.get("summary") or {}
    result.errors, result.warnings = int(summary.get("errors", 0)), int(summary.get("warnings", 0))
    result.findings = [{"code": f["code"], "severity": f["severity"], "title": f["title"]}
                       for f in report.get("findings", []) if f.get("severity") in ("error", "warning")]
    result.report = report
    result.environment = environment_problem(snapshot, result.local_rank, require_cuda)
    if result.environment:
        result.status = "environment"
    elif result.errors or (strict and result.warnings):
        result.status = "unhealthy"
    elif result.warnings:
        result.status = "warnings"
    return result, snapshot


def choose_backend(requested: str, snapshots: Sequence[Optional[Snapshot]], allow_cpu: bool) -> Tuple[str, bool, str]:
    """(backend, gloo stands in for NCCL, note). NCCL needs CUDA torch and a GPU on every rank."""
    if requested == "gloo":
        return "gloo", False, ""
    cuda_everywhere = all(s is not None and s.torch.cuda and (s.nvml.gpu_count or len(s.nvml.gpus)) for s in snapshots)
    if requested == "nccl" or cuda_everywhere or not allow_cpu:
        return "nccl", False, ""
    return "gloo", True, STAND_IN_NOTE.format(why="--allow-cpu, and not every rank has CUDA torch and a GPU")


def barrier_hung(message: str, marks: Dict[int, Optional[str]], world_size: int) -> List[int]:
    """The ranks a failed barrier names ("Ranks 1, 2 failed to pass monitoredBarrier"), else the ranks
    whose own progress marker stopped before the barrier."""
    import re

    match = re.search(r"Ranks? ([\d,\s]+) failed to pass monitoredBarrier", message)
    if match:
        return sorted(int(r) for r in re.findall(r"\d+", match.group(1)))
    return [rank for rank in range(world_size) if marks.get(rank) not in ("barrier", "passed")]


def collective_result(outcomes: Dict[int, Optional[Dict[str, Any]]], marks: Dict[int, Optional[str]],
                      backend: str, stand_in: bool, note: str, sizes: List[int],
                      min_busbw: Optional[float]) -> CollectiveResult:
    """Every rank's collective outcome → statuses, the likely culprits, bandwidth outliers."""
    order = {step: index for index, step in enumerate(steps(sizes))}
    result = CollectiveResult(ran=True, backend=backend, stand_in=stand_in, note=note, sizes=list(sizes))
    progress: Dict[int, Optional[int]] = {}
    for rank in sorted(outcomes):
        outcome = outcomes[rank]
        step = (outcome or {}).get("last_step") or marks.get(rank)
        progress[rank] = order.get(step) if step else None
        if outcome is None:
            result.ranks.append(RankCollective(rank, "no_report", step, "the rank posted no outcome (it hung or died)"))
            continue
        data = outcome.get("result") or {}
        entry = RankCollective(rank, outcome.get("status", "error"), step, outcome.get("message", ""),
                               data.get("correct"), data.get("results", []))
        if entry.status == "ok" and entry.correct and not all(entry.correct.values()):
            entry.status = "wrong"
            entry.message = "wrong values: " + ", ".join(op for op, ok in entry.correct.items() if not ok)
        result.ranks.append(entry)
    failed = [r.rank for r in result.ranks if r.status != "ok"]
    if failed:
        result.likely_culprits = least_far(progress, sorted(outcomes)) or \
            [r.rank for r in result.ranks if r.status in ("crashed", "wrong")]
    elif sizes:
        largest = size_label(max(sizes))
        for op in ("all_reduce", "all_gather"):
            values = {r.rank: item["busbw_gbps"] for r in result.ranks for item in r.results
                      if item["op"] == op and item["size"] == largest}
            slow, middle = outliers(values)
            if middle is not None:
                result.median_busbw_gbps[f"{op}:{largest}"] = round(middle, 4)
            if not stand_in:  # gloo on the CPU says nothing about links: numbers only
                result.outliers = sorted(set(result.outliers) | set(slow))
            if min_busbw is not None:
                result.below_min = sorted(set(result.below_min) | {r for r, v in values.items() if v < min_busbw})
    return result


def finish(report: PreflightReport, strict: bool, min_busbw: Optional[float]) -> PreflightReport:
    """Problems, status, exit code and the closing line, from everything gathered."""
    ranks = report.ranks
    problems = report.problems
    not_started = [r.rank for r in ranks if r.status == "not_started"]
    missing = [r.rank for r in ranks if r.status == "missing"]
    if not_started:
        problems.append(problem("CC950", "error", not_started, f"{_ranks(not_started)} never started",
                                "No sign of it in the store before the deadline: the process never ran, or hung "
                                "before it reached the store (import, node, container)."))
    if missing:
        problems.append(problem("CC950", "error", missing, f"{_ranks(missing)} started but never posted a report",
                                "It wrote that it was alive, then nothing before the deadline."))
    for status, words in (("check_crashed", "crashed"), ("check_timeout", "timed out"), ("check_error", "failed")):
        bad = [r for r in ranks if r.status == status]
        if bad:
            problems.append(problem("CC952", "error", [r.rank for r in bad], f"check child {words} on {_ranks([r.rank for r in bad])}",
                                    "; ".join(f"rank {r.rank}: {r.check_message}" for r in bad)))
    environment = [r for r in ranks if r.status == "environment"]
    if environment:
        problems.append(problem("CC954", "error", [r.rank for r in environment],
                                f"environment problem on {_ranks([r.rank for r in environment])}",
                                "; ".join(f"rank {r.rank}: {r.environment}" for r in environment)))
    unhealthy = [r for r in ranks if r.status == "unhealthy"]
    if unhealthy:
        codes = sorted({f["code"] for r in unhealthy for f in r.findings if f["severity"] == "error" or strict})
        problems.append(problem("CC953", "error", [r.rank for r in unhealthy],
                                f"{_ranks([r.rank for r in unhealthy])} failed {'its' if len(unhealthy) == 1 else 'their'} own checks "
                                f"({', '.join(codes)})",
                                "; ".join(f"rank {r.rank}: " + "; ".join(f["title"] for f in r.findings) for r in unhealthy)))
    for row in report.drift:
        severity = "error" if row.severity == "error" else "warning"
        if row.severity == "info":
            continue
        minority = row.minority
        ranks_of = [int(name.rsplit("rank", 1)[1]) for name in minority if "rank" in name]
        values = "; ".join(f"{v.value} on {len(v.machines)}" for v in row.values)
        problems.append(problem("CC955", severity, ranks_of, f"ranks differ in {row.label}", values))
    barrier = report.barrier
    if barrier.ran and barrier.ok is False:
        problems.append(problem("CC951", "error", barrier.hung,
                                f"{_ranks(barrier.hung) if barrier.hung else 'some rank'} did not pass the barrier",
                                barrier.message))
    coll = report.collectives
    if coll.ran:
        failed = [r for r in coll.ranks if r.status != "ok"]
        if failed:
            culprits = coll.likely_culprits
            where = f"likely culprit: {_ranks(culprits)}" if culprits else \
                "every rank stopped at the same step: the hang is inside the collective (bisect by node, or use " \
                "PyTorch's flight recorder: TORCH_NCCL_TRACE_BUFFER_SIZE, TORCH_NCCL_DUMP_ON_TIMEOUT=1)"
            problems.append(problem("CC956", "error", culprits or [r.rank for r in failed],
                                    f"collective test failed on {_ranks([r.rank for r in failed])} ({where})",
                                    "; ".join(f"rank {r.rank}: {r.status} at {r.last_step or 'start'}"
                                              + (f" ({r.message})" if r.message else "") for r in failed)))
        if coll.below_min:
            problems.append(problem("CC957", "error", coll.below_min, f"bus bandwidth below {min_busbw} GB/s on "
                                    f"{_ranks(coll.below_min)}", f"medians: {coll.median_busbw_gbps}"))
        slow = [r for r in coll.outliers if r not in coll.below_min]
        if slow:
            problems.append(problem("CC957", "warning", slow, f"slow bus bandwidth on {_ranks(slow)}",
                                    f"below 0.8 × the median of all ranks ({coll.median_busbw_gbps})"))
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if environment:
        report.status, report.exit_code = "environment", EXIT_ENVIRONMENT
    elif errors or (strict and warnings):
        report.status, report.exit_code = "failed", EXIT_FAILED
    else:
        report.status = "warnings" if warnings else "ok"
        report.exit_code = EXIT_OK
    healthy = sum(1 for r in ranks if r.status in ("ok", "warnings"))
    report.line = (f"{healthy}/{report.world_size} ranks passed their own checks; "
                   + (f"{len(errors)} problem{'s' if len(errors) != 1 else ''}" if errors else "no problems")
                   + (f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else "")
                   + f" (exit {report.exit_code}).")
    return report


def _ranks(ranks: Sequence[int]) -> str:
    ranks = sorted(set(ranks))
    return ("rank " if len(ranks) == 1 else "ranks ") + ", ".join(str(r) for r in ranks)
