#!/usr/bin/env python3
"""Time the distributed preflight under torchrun on this machine's CPU torch (gloo standing in
for NCCL), healthy and with one simulated failure per run.

    python benchmarks/bench_preflight.py                  # 3 ranks, 3 rounds per scenario
    python benchmarks/bench_preflight.py --ranks 4 --rounds 5 --json

Scenarios (the test hooks of ``cudacheck.preflight.faults``): healthy; rank 2 never
starts (``--gather-timeout D``); rank 1 hangs before the barrier (``--barrier-timeout D``);
rank 1's collective child hangs (``--collective-timeout D``). For each run: the wall
time of the whole ``torchrun`` (start-up included: the agent and every rank import torch),
and whether rank 0's JSON report named the right rank. A named failure must come within
its deadline + 5 s of launch, the healthy run within 6 s (budgets of the issue "Fleet").
This is a benchmark, never a test: numbers depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

BIN = Path(sys.executable).parent
HEALTHY_BUDGET = 6.0
GRACE = 5.0


def scenarios(deadline: float) -> List[Dict[str, Any]]:
    d = str(deadline)
    return [
        {"name": "healthy", "fault": "", "args": [], "deadline": None, "expect": None},
        {"name": "rank never starts", "fault": "2:never-start", "args": ["--gather-timeout", d], "deadline": deadline,
         "expect": ("CC950", [2])},
        {"name": "rank hangs before barrier", "fault": "1:hang-barrier", "args": ["--barrier-timeout", d],
         "deadline": deadline, "expect": ("CC951", [1])},
        {"name": "collective child hangs", "fault": "1:hang-collective", "args": ["--collective-timeout", d],
         "deadline": deadline, "expect": ("CC956", [1])},
    ]


def run_once(ranks: int, scenario: Dict[str, Any]) -> Dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CUDACHECK_", "TORCHELASTIC_", "SLURM_"))}
    if scenario["fault"]:
        env["CUDACHECK_PREFLIGHT_TEST_FAULTS"] = scenario["fault"]
    with tempfile.TemporaryDirectory(prefix="cudacheck-preflight-") as temp:
        output = Path(temp) / "report.json"
        command = [str(BIN / "torchrun"), "--standalone", "--nproc-per-node", str(ranks), "--max-restarts", "0",
                   "-m", "cudacheck.preflight", "--allow-cpu", "--format", "json", "--output", str(output),
                   *scenario["args"]]
        started = time.perf_counter()
        process = subprocess.run(command, cwd=temp, env=env, capture_output=True, text=True, timeout=300)
        wall = time.perf_counter() - started
        report: Optional[Dict[str, Any]] = json.loads(output.read_text()) if output.exists() else None
    named = None
    if scenario["expect"] and report:
        code, expected = scenario["expect"]
        culprits = [p["ranks"] for p in report["problems"] if p["code"] == code]
        named = expected in culprits
    return {"wall": wall, "returncode": process.returncode, "named": named,
            "rank0_total": (report or {}).get("timings", {}).get("total"), "exit_code": (report or {}).get("exit_code")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ranks", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--deadline", type=float, default=5.0, help="The deadline each failure scenario sets (s).")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (BIN / "torchrun").exists():
        raise SystemExit("torchrun is not installed in this environment")
    results = []
    for scenario in scenarios(args.deadline):
        runs = [run_once(args.ranks, scenario) for _ in range(args.rounds)]
        walls = [r["wall"] for r in runs]
        budget = HEALTHY_BUDGET if scenario["deadline"] is None else scenario["deadline"] + GRACE
        results.append({"scenario": scenario["name"], "ranks": args.ranks, "deadline": scenario["deadline"],
                        "median_wall": round(statistics.median(walls), 2), "max_wall": round(max(walls), 2),
                        "rank0_total": [r["rank0_total"] for r in runs],
                        "exit_codes": sorted({r["returncode"] for r in runs}),
                        "named_correctly": None if scenario["expect"] is None else all(r["named"] for r in runs),
                        "budget": budget, "within_budget": statistics.median(walls) <= budget})
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"torchrun --standalone --nproc-per-node {args.ranks}, {args.rounds} rounds, gloo standing in for NCCL")
    for row in results:
        named = "" if row["named_correctly"] is None else f", named correctly: {row['named_correctly']}"
        print(f"  {row['scenario']:<27} median {row['median_wall']:5.2f} s (max {row['max_wall']:5.2f} s), "
              f"budget {row['budget']:.0f} s: {'met' if row['within_budget'] else 'MISSED'}{named}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
