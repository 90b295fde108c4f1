#!/usr/bin/env python3
"""Time cudacheck's commands side by side with ``python -m torch.utils.collect_env``.

    python benchmarks/bench_cli.py                 # 15 interleaved rounds, text table
    python benchmarks/bench_cli.py --rounds 31 --json > bench.json
    python benchmarks/bench_cli.py --importtime    # where start-up time goes

Each command runs as a whole process, exactly as a user, Docker or the kubelet
starts it, with the interpreter and console scripts of *this* environment
(``sys.executable``'s bin directory). Rounds are interleaved: every round runs every
command once, in an order rotated from round to round, so drift on the machine
(other load, thermal, page cache) hits all commands alike. One warm-up round is not
counted. Per run we record wall time, CPU time (user+sys) and peak RSS from
``os.wait4`` on that process: ``ru_maxrss`` of the process or of the largest of its
waited-for descendants (not their sum).

Budgets (DESIGN.md "Performance budgets"), judged on medians:
  health  wall <= 1/15 of collect_env, peak RSS <= 50 MiB (max over runs)
  doctor  wall <= 1/6 of collect_env, peak RSS <= 1/4 of collect_env's
  triage  of a 1 MiB paste <= 0.5 s (and cost roughly linear in input size)
This is a benchmark, never a test: numbers depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from paste import make_build_log, make_paste, make_training_log  # noqa: E402

MiB = 2**20


@dataclass
class Command:
    name: str
    argv: List[str]
    ok_codes: Tuple[int, ...] = (0,)
    available: bool = True
    note: str = ""


@dataclass
class Runs:
    wall: List[float] = field(default_factory=list)
    cpu: List[float] = field(default_factory=list)
    rss: List[int] = field(default_factory=list)
    codes: List[int] = field(default_factory=list)


def quantile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated quantile (q in [0, 1])."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# Runs the measured command and reports on it. Started with -S -I it stays at ~8 MiB: a
# process's ru_maxrss includes the memory of whoever forked it up to its exec(), so
# spawning commands straight from this (bigger) script would inflate small RSS figures.
# It also times the command itself, without the launcher's own start-up.
LAUNCHER = r"""
import os, sys, time
argv = sys.argv[1:]
null = os.devnull
actions = [(os.POSIX_SPAWN_OPEN, 0, null, os.O_RDONLY, 0), (os.POSIX_SPAWN_OPEN, 1, null, os.O_WRONLY, 0),
           (os.POSIX_SPAWN_OPEN, 2, null, os.O_WRONLY, 0)]
started = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
code = os.waitstatus_to_exitcode(status)
sys.stdout.write("%r %r %d %d\n" % (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code))
"""


def run_once(argv: Sequence[str], env: Dict[str, str], cwd: str) -> Tuple[float, float, int, int]:
    """(wall seconds, cpu seconds, peak RSS bytes, exit code) of one whole process.

    Measured by a tiny launcher with ``os.wait4`` on the command's pid: CPU time and
    ``ru_maxrss`` cover the process and the descendants it waited for (RSS: the largest
    single one, not the sum)."""
    out = subprocess.run([sys.executable, "-S", "-I", "-c", LAUNCHER, *argv], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, env=env, cwd=cwd)
    if out.returncode != 0:
        raise RuntimeError(f"launcher failed for {argv!r}: {out.stderr.strip()}")
    wall, cpu, rss_kib, code = out.stdout.split()
    return float(wall), float(cpu), int(rss_kib) * 1024, int(code)


def scripts_dir() -> Path:
    return Path(sys.executable).parent


def cudacheck_argv() -> List[str]:
    script = scripts_dir() / "cudacheck"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cudacheck"]


def probe_available(argv: Sequence[str], env: Dict[str, str], cwd: str) -> bool:
    try:
        return subprocess.run(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=env, cwd=cwd, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def torch_version() -> Optional[str]:
    code = "import importlib.metadata as m; print(m.version('torch'))"
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def torch_importable(env: Dict[str, str], cwd: str) -> bool:
    return probe_available([sys.executable, "-c", "import torch.utils.collect_env"], env, cwd)


def machine() -> Dict[str, object]:
    model = None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count()
    gpu = None
    if shutil.which("nvidia-smi"):
        try:
            out = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"],
                                 capture_output=True, text=True, timeout=30)
            gpu = "; ".join(line.strip() for line in out.stdout.splitlines() if line.strip()) or None
        except (OSError, subprocess.TimeoutExpired):
            gpu = None
    return {"cpus": cpus, "cpu_model": model, "system": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "executable": sys.executable,
            "torch": torch_version(), "gpus": gpu or "none (no nvidia-smi or no GPU)"}


def build_commands(workdir: Path, env: Dict[str, str], paste_size: int,
                   only: Optional[Sequence[str]] = None) -> List[Command]:
    cudacheck = cudacheck_argv()
    commands = [Command("cudacheck health", cudacheck + ["health"], ok_codes=(0, 1)),
                Command("cudacheck doctor", cudacheck + ["doctor"], ok_codes=(0, 1)),
                Command("cudacheck kernels", cudacheck + ["kernels", "--gpu", "8.0"], ok_codes=(0, 1))]
    paste_file = workdir / "paste-1MiB.txt"
    paste_file.write_text(make_paste(paste_size), encoding="utf-8")
    small_file = workdir / "paste-256KiB.txt"
    small_file.write_text(make_paste(paste_size // 4), encoding="utf-8")
    triage_ok = (not only or "triage" in only) and probe_available(cudacheck + ["triage", "--help"], env,
                                                                    str(workdir))
    note = "" if triage_ok else "`cudacheck triage` is not available in this build"
    commands.append(Command(f"cudacheck triage ({paste_size // 1024} KiB)", cudacheck + ["triage", str(paste_file)],
                            ok_codes=(0, 1), available=triage_ok, note=note))
    commands.append(Command(f"cudacheck triage ({paste_size // 4096} KiB)", cudacheck + ["triage", str(small_file)],
                            ok_codes=(0, 1), available=triage_ok, note=note))
    # Pastes without repeats: every line is read (a log of distinct steps, a build log of distinct files).
    for label, maker in (("training log", make_training_log), ("build log", make_build_log)):
        path = workdir / f"{label.replace(' ', '-')}-{paste_size // 1024}KiB.txt"
        path.write_text(maker(paste_size), encoding="utf-8")
        commands.append(Command(f"cudacheck triage ({paste_size // 1024} KiB {label})", cudacheck + ["triage", str(path)],
                                ok_codes=(0, 1), available=triage_ok, note=note))
    if not only or "collect_env" in only:
        torch_ok = torch_importable(env, str(workdir))
        commands.append(Command("collect_env", [sys.executable, "-m", "torch.utils.collect_env"],
                                available=torch_ok, note="" if torch_ok else "torch is not importable here"))
    if only:
        commands = [c for c in commands if any(word in c.name for word in only)]
    return commands


def bench(commands: List[Command], rounds: int, warmup: int, env: Dict[str, str], cwd: str,
          progress: bool) -> Dict[str, Runs]:
    active = [c for c in commands if c.available]
    results = {c.name: Runs() for c in active}
    for round_index in range(-warmup, rounds):
        shift = round_index % len(active) if active else 0
        order = active[shift:] + active[:shift]
        for command in order:
            wall, cpu, rss, code = run_once(command.argv, env, cwd)
            if round_index >= 0:
                runs = results[command.name]
                runs.wall.append(wall)
                runs.cpu.append(cpu)
                runs.rss.append(rss)
                runs.codes.append(code)
        if progress:
            label = "warm-up" if round_index < 0 else f"round {round_index + 1}/{rounds}"
            print(f"  {label} done", file=sys.stderr, flush=True)
    return results


def summarise(runs: Runs) -> Dict[str, float]:
    return {"median_s": statistics.median(runs.wall), "p90_s": quantile(runs.wall, 0.9),
            "min_s": min(runs.wall), "cpu_median_s": statistics.median(runs.cpu),
            "rss_median_mib": statistics.median(runs.rss) / MiB, "rss_max_mib": max(runs.rss) / MiB}


def paired_ratio(a: Runs, b: Runs) -> float:
    """Median over rounds of a/b: each round's runs ran back to back."""
    return statistics.median(x / y for x, y in zip(a.wall, b.wall))


def judge(commands: List[Command], results: Dict[str, Runs], paste_size: int) -> List[Dict[str, object]]:
    stats = {name: summarise(runs) for name, runs in results.items()}
    base = stats.get("collect_env")
    triage_big = f"cudacheck triage ({paste_size // 1024} KiB)"
    triage_small = f"cudacheck triage ({paste_size // 4096} KiB)"
    targets: List[Dict[str, object]] = []

    def add(subject: str, what: str, target: str, measured: Optional[str], passed: Optional[bool],
            note: str = "") -> None:
        targets.append({"command": subject, "metric": what, "target": target, "measured": measured or "n/a",
                        "result": "n/a" if passed is None else ("PASS" if passed else "MISS"), "note": note})

    for name, wall_limit, rss_target in (("cudacheck health", 15, "abs50"), ("cudacheck doctor", 6, "quarter")):
        s = stats.get(name)
        if s and base:
            ratio = s["median_s"] / base["median_s"]
            paired = paired_ratio(results[name], results["collect_env"])
            add(name, "wall", f"<= 1/{wall_limit} of collect_env",
                f"{s['median_s']:.3f} s / {base['median_s']:.3f} s = 1/{1 / ratio:.1f} "
                f"(paired 1/{1 / paired:.1f})", ratio <= 1 / wall_limit)
        else:
            add(name, "wall", f"<= 1/{wall_limit} of collect_env", None, None,
                "collect_env not measured" if s else "not measured")
        if s and rss_target == "abs50":
            add(name, "peak RSS", "<= 50 MiB", f"{s['rss_max_mib']:.1f} MiB (max of runs)", s["rss_max_mib"] <= 50)
        elif s and base:
            ratio = s["rss_max_mib"] / base["rss_median_mib"]
            add(name, "peak RSS", "<= 1/4 of collect_env",
                f"{s['rss_max_mib']:.1f} MiB / {base['rss_median_mib']:.1f} MiB = 1/{1 / ratio:.1f}", ratio <= 0.25)
        else:
            add(name, "peak RSS", "<= 1/4 of collect_env" if rss_target == "quarter" else "<= 50 MiB", None, None)
    big = stats.get(triage_big)
    small = stats.get(triage_small)
    triage_note = next((c.note for c in commands if c.name == triage_big and not c.available), "")
    add(triage_big, "wall", "<= 0.5 s", f"{big['median_s']:.3f} s" if big else None,
        big["median_s"] <= 0.5 if big else None, triage_note)
    for label in ("training log", "build log"):
        name = f"cudacheck triage ({paste_size // 1024} KiB {label})"
        measured = stats.get(name)
        add(name, "wall", "<= 0.5 s", f"{measured['median_s']:.3f} s" if measured else None,
            measured["median_s"] <= 0.5 if measured else None, triage_note)
    if big and small:
        # Subtract the start-up both pay (health's median is a fair stand-in for "start the CLI").
        start = stats.get("cudacheck health", {}).get("min_s", 0.0)
        per_big = max(big["median_s"] - start, 1e-9)
        per_small = max(small["median_s"] - start, 1e-9)
        add(triage_big, "linearity", "4x input -> about 4x work",
            f"{per_big / per_small:.1f}x (start-up {start:.3f} s subtracted)", per_big / per_small <= 6.0)
    else:
        add(triage_big, "linearity", "4x input -> about 4x work", None, None, triage_note)
    return targets


def text_report(info: Dict[str, object], commands: List[Command], results: Dict[str, Runs],
                targets: List[Dict[str, object]], rounds: int, warmup: int) -> str:
    lines = [f"cudacheck CLI benchmark: {rounds} interleaved rounds (+{warmup} warm-up), whole processes",
             f"machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['system']}, Python {info['python']}, "
             f"torch {info['torch']}, GPUs: {info['gpus']}, bytecode cache {info.get('bytecode_cache')}", ""]
    width = max([30] + [len(command.name) for command in commands])
    header = f"{'command':<{width}} {'median':>8} {'p90':>8} {'min':>8} {'cpu':>8} {'RSS med':>9} {'RSS max':>9}  exit"
    lines += [header, "-" * len(header)]
    for command in commands:
        if not command.available:
            lines.append(f"{command.name:<{width}} {'n/a':>8}  ({command.note})")
            continue
        runs = results[command.name]
        s = summarise(runs)
        codes = sorted(set(runs.codes))
        bad = [c for c in codes if c not in command.ok_codes]
        lines.append(f"{command.name:<{width}} {s['median_s']:>7.3f}s {s['p90_s']:>7.3f}s {s['min_s']:>7.3f}s "
                     f"{s['cpu_median_s']:>7.3f}s {s['rss_median_mib']:>6.1f}MiB {s['rss_max_mib']:>6.1f}MiB  "
                     f"{','.join(map(str, codes))}{'  (unexpected!)' if bad else ''}")
    lines += ["", "targets (DESIGN.md):"]
    for t in targets:
        note = f"  [{t['note']}]" if t["note"] else ""
        lines.append(f"  {t['result']:<4}  {t['command']:<{width}} {t['metric']:<9} {t['target']:<26} "
                     f"{t['measured']}{note}")
    return "\n".join(lines)


# --- import-time breakdown --------------------------------------------------------------------

def parse_importtime(stderr: str) -> List[Tuple[str, int, int, int]]:
    """[(module, self_us, cumulative_us, depth)] from ``-X importtime`` output."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        try:
            _, rest = line.split(":", 1)
            self_us, cumulative_us, name = rest.split("|", 2)
        except ValueError:
            continue
        depth = (len(name) - len(name.lstrip(" "))) // 2
        rows.append((name.strip(), int(self_us), int(cumulative_us), depth))
    return rows


_STDLIB = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names) | {
    "encodings", "site", "sitecustomize", "usercustomize", "_distutils_hack", "zipimport", "codecs"}


def group_of(module: str) -> str:
    """cudacheck.<subpackage>, "stdlib", or the third-party top-level package."""
    top = module.split(".")[0]
    if top == "cudacheck":
        return ".".join(module.split(".")[:2])
    if top in _STDLIB or top.lstrip("_") in _STDLIB:
        return "stdlib"
    return top


def importtime(label: str, argv: List[str], runs: int, env: Dict[str, str], cwd: str,
               top: int, focus: Optional[str] = None) -> Dict[str, object]:
    samples: Dict[str, List[Tuple[int, int]]] = {}
    totals: List[int] = []
    walls: List[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True, env=env, cwd=cwd)
        walls.append(time.perf_counter() - started)
        rows = parse_importtime(out.stderr)
        totals.append(sum(self_us for _, self_us, _, _ in rows))
        for name, self_us, cumulative_us, _ in rows:
            samples.setdefault(name, []).append((self_us, cumulative_us))
    medians = {name: (statistics.median(s for s, _ in values), statistics.median(c for _, c in values))
               for name, values in samples.items()}
    groups: Dict[str, float] = {}
    for name, (self_us, _) in medians.items():
        groups[group_of(name)] = groups.get(group_of(name), 0.0) + self_us
    return {
        "label": label, "argv": argv, "runs": runs,
        "wall_median_s": statistics.median(walls),
        "import_total_ms": statistics.median(totals) / 1000,
        "top_cumulative": [(n, c / 1000, s / 1000) for n, (s, c) in
                           sorted(medians.items(), key=lambda kv: -kv[1][1])[:top]],
        "top_self": [(n, s / 1000) for n, (s, _) in sorted(medians.items(), key=lambda kv: -kv[1][0])[:top]],
        "by_group_ms": sorted(((g, v / 1000) for g, v in groups.items()), key=lambda kv: -kv[1]),
        "focus": {"module": focus, "cumulative_ms": medians[focus][1] / 1000} if focus in medians else None,
    }


PHASES = r"""
import json, sys, time
marks = [("start", time.perf_counter())]
import cudacheck.health
marks.append(("import cudacheck.health (package, argparse, options)", time.perf_counter()))
from cudacheck.policy import resolve_policy
from cudacheck import probes
from cudacheck.probes import isolation
if hasattr(isolation, "prefer_fork"):
    isolation.prefer_fork()  # as `cudacheck health` does (single-threaded: fork the children)
policy = resolve_policy({})
marks.append(("import policy + probes, resolve policy", time.perf_counter()))
from cudacheck.rules import engine
if hasattr(probes, "start"):  # children first, rules imported while they work, as health does
    collection = probes.start("quick", timeout=9)
    marks.append(("start NVML + libcuda children, in-process probes", time.perf_counter()))
    engine.load_rules()
    marks.append(("import rules + catalogue (children running)", time.perf_counter()))
    snapshot = collection.finish()
    marks.append(("wait for the children (finish)", time.perf_counter()))
else:
    snapshot = probes.collect("quick", timeout=9)
    marks.append(("collect quick (NVML + libcuda children)", time.perf_counter()))
    engine.load_rules()
    marks.append(("import rules + catalogue", time.perf_counter()))
report = engine.check(snapshot, policy)
marks.append(("check (compat data + rules)", time.perf_counter()))
print(json.dumps([(name, t - marks[i][1]) for i, (name, t) in enumerate(marks[1:])]))
"""


def phases(runs: int, env: Dict[str, str], cwd: str) -> Dict[str, float]:
    """Where `cudacheck health`'s work goes, step by step, in one process per run (mirrors
    health's own order: children started before the rules are imported, when it can)."""
    results: Dict[str, List[float]] = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PHASES], capture_output=True, text=True, env=env, cwd=cwd)
        if out.returncode != 0:
            return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}  # type: ignore
        for key, value in json.loads(out.stdout):
            results.setdefault(key, []).append(value)
    baseline = [run_once([sys.executable, "-c", "pass"], env, cwd)[0] for _ in range(runs)]
    medians = {"python -c pass (interpreter start-up, whole process)": statistics.median(baseline)}
    medians.update({key: statistics.median(values) for key, values in results.items()})
    return medians


def importtime_report(env: Dict[str, str], cwd: str, runs: int, top: int) -> Dict[str, object]:
    import importlib.util

    spec = importlib.util.find_spec("cudacheck")
    package_dir = Path(spec.origin).parent if spec and spec.origin else None
    children = package_dir / "probes" / "children" if package_dir else None
    entry = "import sys; from cudacheck.cli import main; sys.argv = ['cudacheck', {args}]; main()"
    targets = [
        ("cudacheck health (parent process)", [sys.executable, "-X", "importtime", "-c",
                                               entry.format(args="'health'")]),
        ("cudacheck doctor (parent process)", [sys.executable, "-X", "importtime", "-c",
                                               entry.format(args="'doctor'")]),
    ]
    if children and children.is_dir():
        for script in sorted(children.glob("*_child.py")):
            if script.name.startswith("deep"):
                continue  # --deep only: imports torch by design
            targets.append((f"child {script.name}", [sys.executable, "-X", "utf8", "-X", "importtime", str(script)]))
    # pytest first, so the plugin's cumulative time is what loading it adds to a pytest run
    targets.append(("import pytest, then cudacheck.pytest_plugin (its cumulative = cost per pytest run)",
                    [sys.executable, "-X", "importtime", "-c", "import pytest; import cudacheck.pytest_plugin"]))
    focus = {targets[-1][0]: "cudacheck.pytest_plugin"}
    return {"breakdowns": [importtime(label, argv, runs, env, cwd, top, focus.get(label)) for label, argv in targets],
            "health_phases_s": phases(runs, env, cwd)}


def importtime_text(data: Dict[str, object]) -> str:
    lines = ["Import-time breakdown (python -X importtime, medians; importtime itself adds overhead,",
             "so compare modules with each other rather than with wall times). Children that are forked",
             "(not exec'd) report their imports on the parent's stderr, so they appear under the parent:", ""]
    for item in data["breakdowns"]:  # type: ignore[union-attr]
        lines.append(f"== {item['label']}: wall {item['wall_median_s'] * 1000:.0f} ms with importtime on, "
                     f"imports {item['import_total_ms']:.1f} ms")
        if item.get("focus"):
            lines.append(f"   {item['focus']['module']}: {item['focus']['cumulative_ms']:.1f} ms cumulative")
        lines.append("   by package (self time): " + ", ".join(
            f"{group} {ms:.1f}" for group, ms in item["by_group_ms"][:10]))
        lines.append("   top cumulative (ms, self):")
        for name, cumulative, own in item["top_cumulative"]:
            lines.append(f"     {cumulative:7.1f}  {own:6.1f}  {name}")
        lines.append("   top self (ms):  " + ", ".join(f"{name} {ms:.1f}" for name, ms in item["top_self"]))
        lines.append("")
    lines.append("`cudacheck health` phases (medians, one process per run, no importtime):")
    for key, value in data["health_phases_s"].items():  # type: ignore[union-attr]
        lines.append(f"  {value * 1000:8.1f} ms  {key}" if isinstance(value, float) else f"  {key}: {value}")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--rounds", type=int, default=15, help="measured rounds (default 15)")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted warm-up rounds (default 1)")
    parser.add_argument("--paste-size", type=int, default=2**20, help="triage input size in bytes (default 1 MiB)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--importtime", action="store_true",
                        help="instead of timing, break down import time of health/doctor/children/plugin")
    parser.add_argument("--importtime-runs", type=int, default=7, help="runs per import-time breakdown")
    parser.add_argument("--top", type=int, default=15, help="modules listed per breakdown")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--only", action="append", metavar="WORD",
                        help="run only commands whose name contains WORD (health, doctor, triage, collect_env); "
                             "repeatable")
    parser.add_argument("--keep-env", action="store_true",
                        help="leave PYTHONDONTWRITEBYTECODE as it is (by default it is removed for the measured "
                             "commands, so cudacheck's bytecode gets cached as it is in an installed wheel)")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    if not args.keep_env:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PATH"] = os.pathsep.join([str(scripts_dir()), env.get("PATH", "")])
    # A neutral working directory: no ./pyproject.toml [tool.cudacheck], no local torch/ folder.
    with tempfile.TemporaryDirectory(prefix="cudacheck-bench-") as workdir:
        if args.importtime:
            if not args.keep_env:  # compile once so the breakdown shows imports, not compilation
                subprocess.run([sys.executable, "-c", "import cudacheck.cli, cudacheck.health, cudacheck.probes, "
                                "cudacheck.rules.engine, cudacheck.rules.catalogue, cudacheck.pytest_plugin"],
                               env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            data = importtime_report(env, workdir, args.importtime_runs, args.top)
            data["machine"] = machine()
            print(json.dumps(data, indent=2) if args.json else importtime_text(data))
            return 0
        commands = build_commands(Path(workdir), env, args.paste_size, args.only)
        if not args.quiet:
            for command in commands:
                if not command.available:
                    print(f"skipping {command.name}: {command.note}", file=sys.stderr)
        info = machine()
        info["bytecode_cache"] = "off (PYTHONDONTWRITEBYTECODE set)" if env.get("PYTHONDONTWRITEBYTECODE") \
            else "on (written during warm-up)"
        results = bench(commands, args.rounds, args.warmup, env, workdir, progress=not args.quiet)
    targets = judge(commands, results, args.paste_size)
    if args.json:
        print(json.dumps({
            "machine": info, "rounds": args.rounds, "warmup": args.warmup, "paste_size": args.paste_size,
            "commands": [{**asdict(c), **({"runs": asdict(results[c.name]), "summary": summarise(results[c.name])}
                                           if c.available else {})} for c in commands],
            "targets": targets}, indent=2))
    else:
        print(text_report(info, commands, results, targets, args.rounds, args.warmup))
    return 0


if __name__ == "__main__":
    sys.exit(main())
