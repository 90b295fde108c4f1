#!/usr/bin/env python3
"""Score `cudacheck triage` on real bug reports whose cause is known.

Three sets are scored, each on its own:

- ``cases``: the acceptance cases (``case_*.json`` in ``shared/cases`` next to the
  repository or one of its parent folders, or ``--cases DIR``), one line per case;
- ``dev``: ``tests/data/reports/dev``, the reports triage is developed against;
- ``holdout``: ``tests/data/reports/holdout``, reports nobody reads while changing triage.
  They are scored only in aggregate: overall, per category and the false-alarm rate.
  No report id, text, finding or per-report result is ever printed for them.

A report's input blocks are joined with blank lines and triaged. It is right when the
first error-or-warning finding's category is its ``root_cause`` (or a
``secondary_causes`` entry); an ``env_fine`` report (a healthy environment) is right
when there is no error finding, and counts as a false alarm when there is one (healthy
reports that get only warnings are counted too).

    python scripts/eval_cases.py                          # every set that is present
    python scripts/eval_cases.py --sets dev -v            # dev only, details of every miss
    python scripts/eval_cases.py --sets cases --if-present
    python scripts/eval_cases.py --min dev=0.9 --min holdout=0.85 --max-false-alarms 0.05
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPORTS = ROOT / "tests" / "data" / "reports"
SETS = ("cases", "dev", "holdout")
AGGREGATE_ONLY = frozenset({"holdout"})
HEALTHY = "env_fine"
NONE = "(none)"


def default_cases() -> Path:
    """``shared/cases`` beside the repository or beside one of its parent folders."""
    for folder in [ROOT, *ROOT.parents]:
        candidate = folder.parent / "shared" / "cases"
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "cases"


def case_text(case: Dict[str, Any]) -> str:
    """The case's input blocks joined with blank lines, in their order."""
    inputs = case.get("inputs") or {}
    blocks = inputs.values() if isinstance(inputs, dict) else inputs
    texts = []
    for block in blocks:
        if isinstance(block, str):
            texts.append(block)
        elif isinstance(block, dict) and isinstance(block.get("text"), str):
            texts.append(block["text"])
        elif isinstance(block, list):
            texts.append("\n".join(str(item) for item in block))
        elif block is not None:
            texts.append(json.dumps(block))
    return "\n\n".join(texts)


def judge(case: Dict[str, Any], report: Any) -> Tuple[bool, Optional[Any]]:
    """(right, the first error-or-warning finding)."""
    problems = [f for f in report.findings if f.severity in ("error", "warning")]
    first = problems[0] if problems else None
    root = case.get("root_cause")
    if root == HEALTHY:
        return not any(f.severity == "error" for f in report.findings), first
    accepted = {root, *(case.get("secondary_causes") or [])}
    return first is not None and first.category in accepted, first


@dataclass
class Score:
    """What one set scored: totals, per category, false alarms, the confusion table."""

    name: str
    right: int = 0
    total: int = 0
    unreadable: int = 0
    by_category: Dict[str, List[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    confusion: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    healthy: int = 0
    false_alarms: int = 0
    healthy_warned: int = 0
    seconds: float = 0.0

    def add(self, expected: str, ok: bool, got: str, alarm: bool, warned: bool = False) -> None:
        self.total += 1
        self.right += ok
        cell = self.by_category[expected]
        cell[0] += ok
        cell[1] += 1
        self.confusion[expected][got] += 1
        if expected == HEALTHY:
            self.healthy += 1
            self.false_alarms += alarm
            self.healthy_warned += warned and not alarm

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def false_alarm_rate(self) -> Optional[float]:
        return self.false_alarms / self.healthy if self.healthy else None

    def worst_category(self) -> Optional[Tuple[str, float]]:
        rates = [(name, right / total) for name, (right, total) in self.by_category.items() if total]
        return min(rates, key=lambda item: item[1]) if rates else None


def score(name: str, files: Iterable[Path], verbose: bool, per_report: bool) -> Score:
    """Triage every file of a set; print one line per report only when ``per_report``."""
    from cudacheck.triage import triage

    result = Score(name)
    started = time.monotonic()
    for path in files:
        try:
            case = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            result.unreadable += 1
            if per_report:
                print(f"{path.name}: unreadable ({exc})")
            continue
        report = triage(case_text(case))
        ok, first = judge(case, report)
        expected = str(case.get("root_cause"))
        alarm = any(f.severity == "error" for f in report.findings)
        warned = any(f.severity == "warning" for f in report.findings)
        result.add(expected, ok, first.category if first else NONE, alarm, warned)
        if not per_report or (name != "cases" and ok and not verbose):
            continue
        secondary = case.get("secondary_causes") or []
        got = f"{first.category} [{first.code} {first.severity}/{first.certainty}]" if first else "no error/warning"
        mark = "ok  " if ok else "MISS"
        print(f"{mark} {path.stem}: expected {expected}{' (+' + ', '.join(secondary) + ')' if secondary else ''}"
              f"; got {got}")
        if verbose and not ok:
            for finding in report.findings:
                print(f"       {finding.severity:<7} {finding.certainty:<9} {finding.code} {finding.category}: "
                      f"{finding.title}")
            if not report.findings:
                print("       (no findings)")
    result.seconds = time.monotonic() - started
    return result


def print_score(result: Score, confusion: bool) -> None:
    """The set's accuracy, its categories, false alarms and (optionally) the confusion table."""
    print(f"[{result.name}] accuracy: {result.right}/{result.total} = {result.accuracy:.1%} "
          f"({result.seconds:.2f} s)" + (f"; {result.unreadable} unreadable" if result.unreadable else ""))
    rate = result.false_alarm_rate
    if rate is not None:
        print(f"[{result.name}] false alarms on healthy reports: {result.false_alarms}/{result.healthy} = {rate:.1%}"
              f" (warnings only: {result.healthy_warned})")
    if result.name == "cases" and len(result.by_category) <= 1:
        return
    width = max(len(name) for name in result.by_category) if result.by_category else 10
    for name in sorted(result.by_category, key=lambda n: (-result.by_category[n][1], n)):
        right, total = result.by_category[name]
        print(f"  {name:<{width}} {right:>3}/{total:<3} {right / total:6.1%}")
    if not confusion:
        return
    print(f"  confusion ({result.name}): expected → first error/warning category (count)")
    for name in sorted(result.confusion):
        cells = ", ".join(f"{got} {count}" for got, count in result.confusion[name].most_common())
        print(f"  {name:<{width}} → {cells}")


def parse_minimums(items: List[str]) -> Dict[str, float]:
    """``["dev=0.9", "holdout=0.85"]`` → ``{"dev": 0.9, "holdout": 0.85}``."""
    minimums: Dict[str, float] = {}
    for item in items:
        name, _, value = item.partition("=")
        if name not in SETS:
            raise SystemExit(f"eval_cases: --min {item!r}: the set must be one of {', '.join(SETS)}")
        try:
            minimums[name] = float(value)
        except ValueError:
            raise SystemExit(f"eval_cases: --min {item!r}: not a number") from None
    return minimums


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", default=None,
                        help="folder of case_*.json files (default: shared/cases beside the repository or a parent)")
    parser.add_argument("--reports", default=str(REPORTS), help="folder holding dev/ and holdout/ (default: %(default)s)")
    parser.add_argument("--sets", default=",".join(SETS), help="sets to score, comma-separated (default: all)")
    parser.add_argument("--if-present", action="store_true",
                        help="a missing folder is skipped with a message instead of being an error")
    parser.add_argument("--min-accuracy", type=float, default=None, metavar="X",
                        help="exit 1 when the accuracy (0..1) of the acceptance cases is below X")
    parser.add_argument("--min", action="append", default=[], metavar="SET=X",
                        help="exit 1 when SET's accuracy is below X (repeatable: cases=1, dev=0.9, holdout=0.85)")
    parser.add_argument("--max-false-alarms", type=float, default=None, metavar="X",
                        help="exit 1 when more than X (0..1) of the healthy reports of dev + holdout get an error")
    parser.add_argument("--no-confusion", action="store_true", help="leave out the confusion table")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every miss of cases and dev with its findings (never holdout)")
    args = parser.parse_args(argv)

    wanted = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in SETS]
    if unknown:
        print(f"eval_cases: unknown set(s) {', '.join(unknown)}; choose from {', '.join(SETS)}", file=sys.stderr)
        return 2
    minimums = parse_minimums(args.min)
    if args.min_accuracy is not None:
        minimums.setdefault("cases", args.min_accuracy)

    folders = {"cases": (Path(args.cases) if args.cases else default_cases(), "case_*.json"),
               "dev": (Path(args.reports) / "dev", "*.json"),
               "holdout": (Path(args.reports) / "holdout", "*.json")}
    results: Dict[str, Score] = {}
    status = 0
    for name in wanted:
        folder, pattern = folders[name]
        files = sorted(folder.glob(pattern)) if folder.is_dir() else []
        if not files:
            message = f"eval_cases: no {name} reports in {folder}"
            if args.if_present:
                print(message + " (skipped)")
                continue
            print(message, file=sys.stderr)
            status = 2
            continue
        aggregate = name in AGGREGATE_ONLY
        result = score(name, files, args.verbose and not aggregate, per_report=not aggregate)
        results[name] = result
        print_score(result, confusion=not aggregate and not args.no_confusion)
        if name == "cases":
            print(f"accuracy: {result.right}/{result.total} = {result.accuracy:.1%}")

    failures = []
    for name, minimum in minimums.items():
        if name in results and results[name].accuracy < minimum:
            failures.append(f"{name} accuracy {results[name].accuracy:.1%} < {minimum:.1%}")
    if args.max_false_alarms is not None:
        healthy = sum(results[n].healthy for n in ("dev", "holdout") if n in results)
        alarms = sum(results[n].false_alarms for n in ("dev", "holdout") if n in results)
        if healthy and alarms / healthy > args.max_false_alarms:
            failures.append(f"false alarms {alarms}/{healthy} > {args.max_false_alarms:.1%}")
    for failure in failures:
        print(f"eval_cases: below threshold: {failure}", file=sys.stderr)
    if failures:
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
