#!/usr/bin/env python3
"""Score `cudacheck triage` on the acceptance cases (real bug reports with known causes).

Each case's ``inputs`` blocks are joined with blank lines into one text and triaged. A
case is right when the first error-or-warning finding's category is the case's
``root_cause`` (or one of its ``secondary_causes``); for ``env_fine`` cases, when there is
no error finding.

    python scripts/eval_cases.py                    # ../shared/cases next to the repository
    python scripts/eval_cases.py --cases DIR -v     # details of every miss
    python scripts/eval_cases.py --if-present       # CI: exit 0 when the folder is missing
    python scripts/eval_cases.py --min-accuracy 0.8 # exit 1 below that accuracy
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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
    if root == "env_fine":
        return not any(f.severity == "error" for f in report.findings), first
    accepted = {root, *(case.get("secondary_causes") or [])}
    return first is not None and first.category in accepted, first


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=str(ROOT.parent / "shared" / "cases"),
                        help="folder of case_*.json files (default: ../shared/cases next to the repository)")
    parser.add_argument("--if-present", action="store_true",
                        help="exit 0 with a message when the cases folder does not exist")
    parser.add_argument("--min-accuracy", type=float, default=None, metavar="X",
                        help="exit 1 when the accuracy (0..1) is below X")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the findings of every miss")
    args = parser.parse_args(argv)

    folder = Path(args.cases)
    files = sorted(folder.glob("case_*.json")) if folder.is_dir() else []
    if not files:
        message = f"eval_cases: no cases in {folder}"
        if args.if_present:
            print(message + " (skipped)")
            return 0
        print(message, file=sys.stderr)
        return 2

    from cudacheck.triage import triage

    right = 0
    total = 0
    started = time.monotonic()
    for path in files:
        try:
            case = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"{path.name}: unreadable ({exc})")
            continue
        total += 1
        report = triage(case_text(case))
        ok, first = judge(case, report)
        right += ok
        expected = case.get("root_cause")
        secondary = case.get("secondary_causes") or []
        got = f"{first.category} [{first.code} {first.severity}/{first.certainty}]" if first else "no error/warning"
        mark = "ok  " if ok else "MISS"
        print(f"{mark} {path.stem}: expected {expected}{' (+' + ', '.join(secondary) + ')' if secondary else ''}"
              f"; got {got}")
        if args.verbose and not ok:
            for finding in report.findings:
                print(f"       {finding.severity:<7} {finding.certainty:<9} {finding.code} {finding.category}: "
                      f"{finding.title}")
            if not report.findings:
                print("       (no findings)")
    accuracy = right / total if total else 0.0
    print(f"accuracy: {right}/{total} = {accuracy:.1%} ({time.monotonic() - started:.2f} s)")
    if args.min_accuracy is not None and accuracy < args.min_accuracy:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
