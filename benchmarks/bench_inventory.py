#!/usr/bin/env python3
"""What the kernel inventory costs, in process and inside ``cudacheck doctor``.

    python benchmarks/bench_inventory.py                # 15 rounds, text
    python benchmarks/bench_inventory.py --json
    python benchmarks/bench_inventory.py --cold         # also evict the files from the page cache

Measured on the environment of this interpreter (its torch and installed extensions):

* ``warm, cached``: what doctor pays on every run — stat each candidate file, answer from
  ``$XDG_CACHE_HOME/cudacheck/kernels.json``;
* ``warm, no cache``: every file scanned again (headers only), files in the page cache;
* ``cold, no cache`` (``--cold``): the same after ``posix_fadvise(DONTNEED)`` on every file,
  i.e. read from disk (only when nothing else keeps the pages);
* ``doctor timings["kernels"]``: the inventory probe's own timing inside whole
  ``cudacheck doctor --format json`` processes (warm cache).

The side-by-side with ``python -m torch.utils.collect_env`` is ``bench_cli.py`` (run both
in one session: ``bench_cli.py --only health --only doctor --only kernels --only collect_env``).
This is a benchmark, never a test: numbers depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

from cudacheck.kernels.cache import ScanCache, default_path
from cudacheck.kernels.inventory import distributions, kernel_facts, torch_libraries
from cudacheck.probes.torch_build import torch_facts


def candidate_files() -> List[str]:
    torch = torch_facts()
    files = torch_libraries(torch.location)
    for dist in distributions(sys.path):
        files += [p for p in dist.libraries(ScanCache(None)) if os.path.isfile(p)]
    return files


def evict(paths: List[str]) -> None:
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def doctor_timings(rounds: int) -> List[float]:
    script = Path(sys.executable).parent / "cudacheck"
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "cudacheck"]
    values = []
    for _ in range(rounds):
        out = subprocess.run(argv + ["doctor", "--format", "json"], capture_output=True, text=True, timeout=300)
        try:
            values.append(json.loads(out.stdout)["timings"]["kernels"])
        except (ValueError, KeyError):
            pass
    return values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--cold", action="store_true", help="also measure with the files evicted from the page cache")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    torch = torch_facts()
    kernel_facts(torch, {}, cache=ScanCache(default_path()))  # fill the cache once
    results: Dict[str, List[float]] = {"warm, cached": [], "warm, no cache": []}
    if args.cold:
        results["cold, no cache"] = []
    files = candidate_files()
    inventory = kernel_facts(torch, {}, cache=ScanCache(None))
    for _ in range(args.rounds):
        results["warm, cached"].append(timed(lambda: kernel_facts(torch, {}, cache=ScanCache(default_path()))))
        results["warm, no cache"].append(timed(lambda: kernel_facts(torch, {}, cache=ScanCache(None))))
        if args.cold:
            evict(files)
            results["cold, no cache"].append(timed(lambda: kernel_facts(torch, {}, cache=ScanCache(None))))
    results["doctor timings[kernels]"] = doctor_timings(min(args.rounds, 9))
    summary = {name: {"median_ms": round(statistics.median(v) * 1000, 2), "min_ms": round(min(v) * 1000, 2),
                      "max_ms": round(max(v) * 1000, 2), "runs": len(v)} for name, v in results.items() if v}
    info = {"torch": torch.version, "candidate_files": len(files), "files_checked": inventory.files_checked,
            "libraries_with_gpu_code": len(inventory.binaries), "python": sys.version.split()[0]}
    if args.json:
        print(json.dumps({"info": info, "results": summary}, indent=2))
        return 0
    print(f"kernel inventory: torch {info['torch']}, {info['files_checked']} shared libraries checked, "
          f"{info['libraries_with_gpu_code']} with GPU code")
    for name, values in summary.items():
        print(f"  {name:<26} median {values['median_ms']:>8.2f} ms   min {values['min_ms']:>8.2f}   "
              f"max {values['max_ms']:>8.2f}   ({values['runs']} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
