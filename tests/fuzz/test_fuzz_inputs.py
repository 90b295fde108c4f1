"""Seeded fuzzing of every input surface through the real command line (one worker
interpreter, see fuzz_harness.py): flags of every command, ``CUDACHECK_*``,
``[tool.cudacheck]``, snapshot files and pasted text. Each outcome must keep the contract
(``Outcome.problems``); pasted secrets must never come out."""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import List

import pytest

from fuzz_data import PLANTED, SNAPSHOTS, leaked, pasted_samples
from fuzz_generators import COMMANDS, Paths, command_line, environment, mutated_paste, mutated_snapshot, pyproject
from fuzz_harness import Outcome, Worker, fuzz_cases, fuzz_seed

FORMATS = ["text", "json", "markdown", "prometheus"]


@pytest.fixture(scope="module")
def samples() -> List[str]:
    return pasted_samples()


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory, samples: List[str]) -> Paths:
    folder = tmp_path_factory.mktemp("fuzz-files")
    pastes = []
    for index, text in enumerate(samples[:6]):
        path = folder / f"paste{index}.txt"
        path.write_text(text, encoding="utf-8")
        pastes.append(str(path))
    return Paths([str(path) for path in SNAPSHOTS], pastes, str(folder / "out.json"))


def assert_contract(outcomes: List[Outcome], seed: int) -> None:
    broken = [(outcome, outcome.problems()) for outcome in outcomes]
    broken = [(outcome, problems) for outcome, problems in broken if problems]
    report = "\n".join(f"{'; '.join(problems)}\n  {outcome.describe()}" for outcome, problems in broken[:5])
    assert not broken, f"{len(broken)} of {len(outcomes)} cases broke the contract (FUZZ_SEED={seed}):\n{report}"


def test_command_lines_of_every_command(cli: Worker, paths: Paths, samples: List[str]) -> None:
    seed = fuzz_seed()
    rng = random.Random(seed)
    names = sorted(COMMANDS)
    outcomes = []
    for index in range(fuzz_cases(200)):
        argv = command_line(rng, names[index % len(names)], paths)
        encoding = rng.choice(["utf-8", "utf-8", "utf-8", "latin-1", "ascii"])  # as the locale sets stdout's
        outcomes.append(cli.run(argv, stdin=rng.choice(samples).encode(), encoding=encoding))
    assert_contract(outcomes, seed)
    assert {o.code for o in outcomes} >= {0, 2}, "the generator should reach both good and bad input"


def test_cudacheck_environment_variables(cli: Worker, paths: Paths) -> None:
    seed = fuzz_seed()
    rng = random.Random(seed + 1)
    outcomes = []
    for index in range(fuzz_cases(40)):
        env = environment(rng)
        argv = ["health", "--timeout", "5"] if index % 5 == 0 else \
            ["doctor", "--snapshot", rng.choice(paths.snapshots), "--format", rng.choice(FORMATS)]
        outcomes.append(cli.run(argv, env=env))
    assert_contract(outcomes, seed)


def test_tool_cudacheck_tables(cli: Worker, paths: Paths, tmp_path: Path) -> None:
    seed = fuzz_seed()
    rng = random.Random(seed + 2)
    outcomes = []
    for index in range(fuzz_cases(60)):
        folder = tmp_path / f"project{index}"
        folder.mkdir()
        (folder / "pyproject.toml").write_bytes(pyproject(rng))
        argv = ["health", "--timeout", "5"] if index % 8 == 0 else ["doctor", "--snapshot", rng.choice(paths.snapshots)]
        outcomes.append(cli.run(argv, cwd=folder))
    assert_contract(outcomes, seed)


def test_snapshot_files(cli: Worker, tmp_path: Path) -> None:
    seed = fuzz_seed()
    rng = random.Random(seed + 3)
    originals = [json.loads(path.read_text()) for path in SNAPSHOTS]
    outcomes = []
    for index in range(fuzz_cases(100)):
        path = tmp_path / f"snapshot{index}.json"
        path.write_bytes(mutated_snapshot(rng, rng.choice(originals)))
        argv = ["doctor", "--snapshot", str(path), "--format", rng.choice(FORMATS)]
        if rng.random() < 0.3:
            argv.append("-v")
        outcomes.append(cli.run(argv))
        path.unlink()
    assert_contract(outcomes, seed)
    assert {o.code for o in outcomes} >= {2}, "some mutations must be refused"


def test_pasted_text_with_planted_secrets(cli: Worker, samples: List[str], tmp_path: Path) -> None:
    seed = fuzz_seed()
    rng = random.Random(seed + 4)
    outcomes, leaks = [], []
    for index in range(fuzz_cases(100)):
        planted = rng.sample([line for line, _ in PLANTED], rng.randint(0, 3))
        path = tmp_path / f"paste{index}.txt"
        path.write_bytes(mutated_paste(rng, samples, planted))
        fmt = rng.choice(["text", "json", "markdown"])
        argv = ["triage", str(path), "--format", fmt] + (["-v"] if rng.random() < 0.5 else [])
        outcome = cli.run(argv, encoding=rng.choice(["utf-8", "utf-8", "latin-1"]))
        outcomes.append(outcome)
        found = leaked(outcome.stdout + outcome.stderr)
        if found:
            leaks.append(f"{found} in {' '.join(argv)}")
    assert_contract(outcomes, seed)
    assert not leaks, "\n".join(leaks[:5])
