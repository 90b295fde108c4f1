#!/usr/bin/env python3
"""Time ``cudacheck fleet`` over many saved snapshots, and ``cudacheck diff`` of two.

    python benchmarks/bench_fleet.py                    # 1,000 snapshots, 5 rounds
    python benchmarks/bench_fleet.py --machines 5000 --rounds 3 --json

The snapshots are this environment's own ``cudacheck snapshot`` (real platform, torch,
packages and library facts) with eight H100s in place of NVML's answer, the way a
DaemonSet would collect them: GPU UUIDs and temperatures differ on every node, every
37th node runs another driver, every 101st has a GPU with row remapping pending, one
node has another torch. Each command runs as a whole process, as a user starts it.

Budget (issue "Fleet"): ``fleet`` over 1,000 snapshots <= 2 s wall, judged on the median.
This is a benchmark, never a test: numbers depend on the machine.
"""
from __future__ import annotations

import argparse
import copy
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

BIN = Path(sys.executable).parent
BUDGET_SECONDS = 2.0


def make_fleet(directory: Path, machines: int, seed: int = 1) -> Dict[str, List[str]]:
    """Write ``machines`` snapshots; return which nodes were made to differ, and how."""
    from cudacheck.probes import collect
    from cudacheck.serialize import dumps
    from cudacheck.snapshot import GpuFacts, NvmlFacts

    base = collect("standard", timeout=30)
    base.torch.installed, base.torch.version, base.torch.cuda = True, "2.4.1+cu124", "12.4"
    base.container.dev_nodes = ["/dev/nvidia-uvm", "/dev/nvidiactl"] + [f"/dev/nvidia{i}" for i in range(8)]
    base.nvml = NvmlFacts(status="ok", driver_version="550.54.14", cuda_driver_version="12.4", gpu_count=8, gpus=[
        GpuFacts(index=i, name="NVIDIA H100 80GB HBM3", compute_capability="9.0", memory_total_mib=81559,
                 ecc_enabled=True, ecc_uncorrected_volatile=0, remapped_rows_pending=False, remapped_rows_failed=False,
                 retired_pages_pending=False, persistence_mode=True, mig_mode=False, pcie_width_current=16,
                 clock_event_reasons=0) for i in range(8)])
    rng = random.Random(seed)
    odd: Dict[str, List[str]] = {"driver": [], "health": [], "torch": []}
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(machines):
        name = f"gpu-{number:05d}"
        snapshot = copy.deepcopy(base)
        for gpu in snapshot.nvml.gpus:
            gpu.uuid = f"GPU-{number:08x}-{gpu.index}"
            gpu.temperature_c = rng.randint(30, 75)
        if number % 37 == 5:
            snapshot.nvml.driver_version, snapshot.nvml.cuda_driver_version = "535.104.05", "12.2"
            odd["driver"].append(name)
        if number % 101 == 7:
            snapshot.nvml.gpus[3].remapped_rows_pending = True
            odd["health"].append(name)
        if number == machines // 2:
            snapshot.torch.version = "2.5.1+cu124"
            odd["torch"].append(name)
        (directory / f"{name}.json").write_text(dumps(snapshot), encoding="utf-8")
    return odd


def timed(argv: List[str]) -> float:
    started = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if out.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({out.returncode}): {out.stderr.strip()}")
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machines", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    args = parser.parse_args(argv)
    cudacheck = str(BIN / "cudacheck")
    with tempfile.TemporaryDirectory(prefix="cudacheck-fleet-") as temp:
        folder = Path(temp) / "snapshots"
        odd = make_fleet(folder, args.machines)
        size = sum(p.stat().st_size for p in folder.glob("*.json"))
        first, second = sorted(folder.glob("*.json"))[:2]
        timed([cudacheck, "fleet", str(folder), "--format", "json"])  # warm-up (bytecode, page cache)
        runs = {"fleet (text)": [], "fleet (json)": [], "diff": []}
        for _ in range(args.rounds):
            runs["fleet (text)"].append(timed([cudacheck, "fleet", str(folder)]))
            runs["fleet (json)"].append(timed([cudacheck, "fleet", str(folder), "--format", "json"]))
            runs["diff"].append(timed([cudacheck, "diff", str(first), str(odd and folder / f"{odd['driver'][0]}.json")]))
        report = json.loads(subprocess.run([cudacheck, "fleet", str(folder), "--format", "json"], capture_output=True,
                                           text=True).stdout)
    rows = {row["key"]: sorted(row["minority"]) for row in report["drift"]}
    found = {"driver": rows.get("driver.version") == odd["driver"], "health": rows.get("health.gpus") == odd["health"],
             "torch": rows.get("torch.version") == odd["torch"]}
    results = {"machines": args.machines, "megabytes": round(size / 2**20, 1), "rounds": args.rounds,
               "median_seconds": {name: round(statistics.median(values), 3) for name, values in runs.items()},
               "min_seconds": {name: round(min(values), 3) for name, values in runs.items()},
               "drift_found": found, "budget_seconds": BUDGET_SECONDS}
    results["within_budget"] = results["median_seconds"]["fleet (json)"] <= BUDGET_SECONDS
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{args.machines} snapshots ({results['megabytes']} MB), {args.rounds} rounds, median (min) wall:")
        for name in runs:
            print(f"  {name:<14} {results['median_seconds'][name]:6.3f} s  ({results['min_seconds'][name]:.3f} s)")
        print(f"  drift found where it was put: {found}")
        print(f"  budget: fleet <= {BUDGET_SECONDS} s -> {'met' if results['within_budget'] else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
